"""Bulletins: the sanitizer against XSS, translation states, publishing rules, feeds and print,
short links and text messages, and e-mail from subscribing to unsubscribing through a real
SMTP sink on 127.0.0.1."""

import re
import socket
import time
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from html.parser import HTMLParser

import pytest

from portal.models import Bulletin, OutboxMessage, Role, Subscriber
from portal.services.sanitize import render_markdown
from portal.services.text_messages import sms_length
from tests.conftest import pdf_text, visible_text

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<svg/onload=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=//evil.example></iframe>",
    '"><script>alert(1)</script>',
    "<style>body{display:none}</style>",
    '![img](x" onerror="alert(1))',
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "{{ 7*7 }}",
]
# Our own pages have forms; authors' text must bring none of these.
DANGEROUS_TAGS = {"script", "iframe", "style", "svg", "img", "math", "object", "embed"}


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS:
            self.problems.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"{tag}[{name}]")
            if name in ("href", "src") and re.match(
                r"\s*(javascript|data|vbscript):", value or "", re.I
            ):
                self.problems.append(f"{tag}[{name}={value}]")


def live_markup(html: str) -> list[str]:
    """Elements and attributes a browser would act on: scripts, handlers, script URLs."""
    parser = _Elements()
    parser.feed(html)
    return parser.problems


@contextmanager
def saving(ctx):
    with ctx() as session:
        yield session
        session.commit()


def _bulletin(ctx, district, short_link=True, **fields) -> int:
    """A bulletin as stored rows; a published or archived one has its short link, as
    publishing makes it (`short_link=False`: one from before short links were made then)."""
    defaults = {
        "slug": "2026-11-test",
        "title": {"en": "Budget night", "es": "Noche del presupuesto"},
        "summary": {"en": "Come and ask.", "es": "Venga a preguntar."},
        "body": {"en": "We will **explain** the budget.", "es": "**Explicaremos** el presupuesto."},
        "sms": {"en": "Budget night Thu 6pm.", "es": "Noche del presupuesto jueves 6pm."},
        "status": "published",
        "published_at": datetime(2026, 11, 10, 16, tzinfo=UTC),
        "source_locale": "en",
    }
    with saving(ctx) as session:
        bulletin = Bulletin(district_id=district["id"], **{**defaults, **fields})
        session.add(bulletin)
        session.flush()
        if short_link and bulletin.status in ("published", "archived"):
            from portal.services.short_links import ensure_short_link

            ensure_short_link("bulletin", bulletin.id)
        return bulletin.id


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_markdown_renderer_makes_every_payload_inert(payload):
    html = render_markdown(f"Hello\n\n{payload}\n\n- item {payload}")
    assert live_markup(html) == [], html


def test_markdown_keeps_what_authors_need():
    html = render_markdown("# Title\n\n**bold** and [link](https://example.org)\n\n- one\n- two")
    assert "<h2>Title</h2>" in html and "<strong>bold</strong>" in html
    assert '<a href="https://example.org" rel="noopener nofollow">link</a>' in html
    assert "<li>one</li>" in html


def test_xss_in_every_field_is_inert_on_every_page(client, district, ctx, tmp_path):
    payload = " ".join(XSS_PAYLOADS)
    _bulletin(
        ctx,
        district,
        title={"en": payload},
        summary={"en": payload},
        body={"en": payload},
        sms={"en": payload},
    )
    for path in ("/bulletins/2026-11-test", "/bulletins", "/", "/bulletins/feed.xml"):
        html = client.get(path).get_data(as_text=True)
        body = html[html.find("<main") :] if "<main" in html else html
        if path.endswith(".xml"):
            # In the feed the HTML is escaped text; once unescaped it must still be safe.
            root = ET.fromstring(html.encode())
            content = root.find(".//{http://www.w3.org/2005/Atom}content").text
            assert live_markup(content) == []  # what a feed reader renders
            continue
        # The page's own script tag (htmx, from our origin) is in <head>, not in <main>.
        assert live_markup(body) == [], path
    pdf = client.get("/bulletins/2026-11-test.pdf")
    assert pdf.status_code == 200 and "alert(1)" in pdf_text(pdf.data, tmp_path)  # shown as text


def test_translation_states_and_the_publishing_rule(login_as, district, ctx, client):
    staff = login_as(Role.COMMS)
    assert staff.post("/manage/bulletins", data={"title_en": ""}).status_code == 422
    response = staff.post("/manage/bulletins", data={"title_en": "Budget night"})
    assert response.status_code == 303
    bulletin_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    edit = f"/manage/bulletins/{bulletin_id}?target=es"
    form = {
        "title_en": "Budget night",
        "body_en": "Come on Thursday.",
        "summary_en": "",
        "sms_en": "",
        "title_es": "",
        "body_es": "",
        "summary_es": "",
        "sms_es": "",
    }
    assert staff.post(edit, data={**form, "body_en": ""}).status_code == 422
    assert staff.post(edit, data={**form, "links": "nonsense"}).status_code == 422
    assert staff.post(edit, data=form).status_code == 303
    # Spanish is required by default and missing: publishing is refused, nothing changes.
    staff.post(f"/manage/bulletins/{bulletin_id}/status", data={"action": "publish"})
    with ctx() as session:
        assert session.get(Bulletin, bulletin_id).status == "draft"
    page = visible_text(staff.get(edit).get_data(as_text=True))
    assert re.search(r"Español\s*:\s*missing", page)
    assert (
        staff.post(
            edit,
            data={**form, "title_es": "Noche", "body_es": "Venga el jueves.", "review": "reviewed"},
        ).status_code
        == 303
    )
    assert re.search(
        r"Español\s*:\s*reviewed", visible_text(staff.get(edit).get_data(as_text=True))
    )
    # The source changes after review: the translation is out of date.
    staff.post(
        edit,
        data={
            **form,
            "body_en": "Come on Friday.",
            "title_es": "Noche",
            "body_es": "Venga el jueves.",
        },
    )
    assert "out of date" in visible_text(staff.get(edit).get_data(as_text=True))
    staff.post(f"/manage/bulletins/{bulletin_id}/status", data={"action": "publish", "anyway": "1"})
    with ctx() as session:
        bulletin = session.get(Bulletin, bulletin_id)
        assert bulletin.status == "published" and bulletin.published_at is not None
        slug = bulletin.slug
    # Read in Vietnamese, which it does not exist in: the note, the original, and a switcher
    # listing only its languages.
    html = client.get(f"/bulletins/{slug}?lang=vi").get_data(as_text=True)
    assert 'lang="en"' in html and "Come on Friday." in html
    switcher = html[
        html.index("This bulletin in")
        if "This bulletin in" in html
        else html.index('class="actions"') :
    ]
    assert "Español" in switcher and "Tiếng Việt" not in switcher.split("</nav>")[0]
    # Editing after publishing keeps the earlier version.
    staff.post(
        edit,
        data={
            **form,
            "title_en": "Budget night (new time)",
            "title_es": "Noche",
            "body_es": "Venga.",
        },
    )
    with ctx() as session:
        revisions = session.get(Bulletin, bulletin_id).revisions
        assert revisions and revisions[0].snapshot["title"]["en"] == "Budget night"


def test_a_scheduled_bulletin_is_published_by_the_command_not_by_a_page_view(
    district, ctx, client, clean_app
):
    _bulletin(
        ctx,
        district,
        status="scheduled",
        published_at=None,
        publish_at=datetime.now(UTC) - timedelta(minutes=1),
    )
    _bulletin(
        ctx,
        district,
        slug="later",
        status="scheduled",
        published_at=None,
        publish_at=datetime.now(UTC) + timedelta(days=1),
    )
    with saving(ctx) as session:
        session.add(
            Subscriber(
                district_id=district["id"],
                email="ana@example.org",
                locale="es",
                confirmed_at=datetime.now(UTC),
            )
        )
    # Reading the list, the feed or the page publishes nothing: a GET never writes.
    for path in ("/bulletins", "/bulletins/feed.xml", "/bulletins/2026-11-test"):
        client.get(path)
    assert "Budget night" not in client.get("/bulletins").get_data(as_text=True)
    with ctx() as session:
        assert {b.slug: b.status for b in session.query(Bulletin)} == {
            "2026-11-test": "scheduled",
            "later": "scheduled",
        }
    result = clean_app.test_cli_runner().invoke(args=["publish-scheduled"])
    assert result.exit_code == 0 and "Published 1 scheduled bulletins." in result.output
    assert "Budget night" in client.get("/bulletins").get_data(as_text=True)
    with ctx() as session:
        from portal.models import ShortLink

        statuses = {b.slug: b.status for b in session.query(Bulletin)}
        published = session.query(Bulletin).filter_by(slug="2026-11-test").one()
        # Published: its short link is made and the subscriber's e-mail queued, once.
        assert session.query(ShortLink).filter_by(target_id=published.id).count() == 1
        assert session.query(OutboxMessage).one().subject == "Noche del presupuesto"
    assert statuses == {"2026-11-test": "published", "later": "scheduled"}
    again = clean_app.test_cli_runner().invoke(args=["publish-scheduled"])
    assert "Published 0 scheduled bulletins." in again.output


def test_atom_feed_is_xml_per_language_and_school(client, district, ctx):
    _bulletin(ctx, district)
    response = client.get("/bulletins/feed.xml?lang=es")
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert titles == ["Noche del presupuesto"]
    assert "<strong>Explicaremos</strong>" in root.find("a:entry/a:content", ns).text
    assert client.get("/bulletins/feed.xml?school=maple-elementary").status_code == 200
    assert client.get("/bulletins/feed.xml?school=nowhere").status_code == 404


def test_monthly_packet_prints_every_language_with_its_glyphs(client, district, ctx, tmp_path):
    texts = {
        "en": ("Budget night", "We explain the budget."),
        "es": ("Noche del presupuesto", "Explicamos el presupuesto."),
        "zh_Hans": ("预算之夜", "我们解释预算。"),
        "vi": ("Đêm ngân sách", "Chúng tôi giải thích ngân sách."),
    }
    _bulletin(
        ctx,
        district,
        title={k: v[0] for k, v in texts.items()},
        body={k: v[1] for k, v in texts.items()},
    )
    _bulletin(
        ctx,
        district,
        slug="second",
        title={"en": "Second one"},
        body={"en": "More."},
        published_at=datetime(2026, 11, 20, 16, tzinfo=UTC),
    )
    for code, tag in (("en", "en"), ("es", "es"), ("zh_Hans", "zh-Hans"), ("vi", "vi")):
        response = client.get(f"/bulletins/2026/11.pdf?lang={tag}")
        assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
        text = pdf_text(response.data, tmp_path)
        title, body = texts[code]
        assert title in text and body in text, (code, text[:400])
        assert "Second one" in text  # the untranslated one, in its own language
        assert "/b/" in text  # the short link under the QR code
    assert client.get("/bulletins/2026/3.pdf").status_code == 404


def test_short_links_keep_the_language(client, district, ctx):
    _bulletin(ctx, district)
    with ctx() as session:
        from portal.models import ShortLink

        code = session.query(ShortLink).one().code  # made when it was published
    response = client.get(f"/b/{code}/es")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/bulletins/2026-11-test?lang=es"
    )
    assert client.get(f"/b/{code}/xx").headers["Location"].endswith("/bulletins/2026-11-test")
    assert client.get(f"/s/{code}").status_code == 404
    assert client.get("/b/nothing").status_code == 404


def test_a_bulletin_without_a_short_link_prints_its_full_address(client, district, ctx, tmp_path):
    """Reading never makes a short link: a bulletin published before they were made on
    publishing shows its whole address under the QR code and in the text-message list, until
    the data migration (or its next publishing) gives it one."""
    _bulletin(ctx, district, short_link=False)
    text = pdf_text(client.get("/bulletins/2026-11-test.pdf?lang=es").data, tmp_path)
    assert "/bulletins/2026-11-test?lang=es" in re.sub(r"\s+", "", text) and "/b/" not in text
    with ctx() as session:
        from portal.models import ShortLink

        assert session.query(ShortLink).count() == 0


def test_text_message_lengths():
    assert sms_length("Hello")["encoding"] == "GSM-7" and sms_length("Hello")["segments"] == 1
    assert sms_length("a" * 160)["segments"] == 1 and sms_length("a" * 161)["segments"] == 2
    assert sms_length("€" * 80)["units"] == 160  # extension characters count twice
    assert sms_length("预算之夜")["encoding"] == "UCS-2" and sms_length("预" * 71)["segments"] == 2
    assert sms_length("Đêm")["encoding"] == "UCS-2"
    assert sms_length("")["segments"] == 0


def test_sms_csv_lists_summaries_with_short_links(login_as, district, ctx):
    _bulletin(ctx, district, sms={"en": "=HYPERLINK(evil)", "es": "Noche del presupuesto jueves."})
    csv_text = login_as(Role.COMMS).get("/manage/bulletins/sms.csv").get_data(as_text=True)
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("bulletin,language,message,short_link")
    assert any(",es,Noche del presupuesto jueves. http" in line and "/b/" in line for line in lines)
    assert any(",en,'=HYPERLINK" in line for line in lines)  # no formula injection


# -- E-mail, end to end -----------------------------------------------------------------------


@pytest.fixture
def smtp_sink():
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""
    from aiosmtpd.controller import Controller

    class Sink:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
            return "250 OK"

    handler = Sink()
    handler.port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    controller.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _send(app, port):
    from portal.services.mail import send_outbox

    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    with app.app_context():
        return send_outbox()


def _link(message, path):
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(rf"http://[^\s]+{path}[^\s]+", body).group(0)


def test_subscribe_confirm_receive_and_unsubscribe(
    client, login_as, district, ctx, clean_app, smtp_sink
):
    # Bad input first: nothing is stored.
    bad = client.post("/bulletins/subscribe", data={"email": "not-an-address", "locale": "xx"})
    assert bad.status_code == 422 and "Enter a valid e-mail address." in bad.get_data(as_text=True)
    # The honeypot: answered as if fine, nothing stored.
    client.post(
        "/bulletins/subscribe", data={"email": "bot@example.org", "locale": "en", "website": "spam"}
    )
    with ctx() as session:
        assert session.query(Subscriber).count() == 0
    assert (
        client.post(
            "/bulletins/subscribe", data={"email": "Ana@Example.org", "locale": "es"}
        ).status_code
        == 200
    )
    assert _send(clean_app, smtp_sink.port) == (1, 0)
    confirm = _link(smtp_sink.messages[-1], "/bulletins/confirm/")
    confirm = confirm.replace(clean_app.config["PUBLIC_BASE_URL"], "")
    # Opening the link asks (a mail scanner that opens it confirms nothing); the button does.
    assert client.get(confirm).status_code == 200
    with ctx() as session:
        assert session.query(Subscriber).one().confirmed_at is None
    assert client.post(confirm).status_code == 200
    with ctx() as session:
        assert session.query(Subscriber).one().confirmed_at is not None
    assert client.get("/bulletins/confirm/forged-token").status_code == 400
    assert client.post("/bulletins/confirm/forged-token").status_code == 400
    # A bulletin is published: the subscriber gets it once, in Spanish.
    bulletin_id = _bulletin(ctx, district, status="draft", published_at=None)
    staff = login_as(Role.COMMS)
    staff.post(f"/manage/bulletins/{bulletin_id}/status", data={"action": "publish", "anyway": "1"})
    staff.post(f"/manage/bulletins/{bulletin_id}/status", data={"action": "publish", "anyway": "1"})
    assert _send(clean_app, smtp_sink.port) == (1, 0)
    assert _send(clean_app, smtp_sink.port) == (0, 0)
    message = smtp_sink.messages[-1]
    assert message["To"] == "ana@example.org" and message["Subject"] == "Noche del presupuesto"
    assert "**Explicaremos** el presupuesto." in message.get_body().get_content()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = (
        message["List-Unsubscribe"].strip("<>").replace(clean_app.config["PUBLIC_BASE_URL"], "")
    )
    # One click from the mail program: a POST without a form token.
    assert client.post(unsubscribe).status_code == 200
    with ctx() as session:
        assert session.query(Subscriber).count() == 0


def test_a_failed_send_stays_queued_and_is_sent_once_on_retry(clean_app, ctx, smtp_sink):
    from portal.services.mail import queue

    with saving(ctx):
        queue("test:1", "someone@example.org", "Hello", "Body")
    assert _send(clean_app, _free_port()) == (0, 1)  # nobody listens there
    with ctx() as session:
        row = session.query(OutboxMessage).one()
        assert row.status == "queued" and row.attempts == 1 and row.last_error
    assert _send(clean_app, smtp_sink.port) == (1, 0)
    assert _send(clean_app, smtp_sink.port) == (0, 0)
    time.sleep(0.05)
    assert len(smtp_sink.messages) == 1
    with ctx() as session:
        assert session.query(OutboxMessage).one().status == "sent"
    with saving(ctx):
        assert queue("test:1", "someone@example.org", "Hello", "Body") is False


def _png(width=900, height=600) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_picture_is_checked_resized_and_needs_a_description(
    login_as, district, ctx, client, tmp_path
):
    import io

    from PIL import Image

    bulletin_id = _bulletin(ctx, district)
    staff = login_as(Role.COMMS)
    url = f"/manage/bulletins/{bulletin_id}/image"
    # A script named .png is refused by what it is, not by its name; so is a missing description.
    lying = staff.post(
        url,
        data={
            "alt_en": "A chart",
            "image": (io.BytesIO(b"<script>alert(1)</script>"), "chart.png"),
        },
        content_type="multipart/form-data",
    )
    assert lying.status_code == 422 and "not a picture we can use" in lying.get_data(as_text=True)
    no_alt = staff.post(
        url, data={"image": (io.BytesIO(_png()), "chart.png")}, content_type="multipart/form-data"
    )
    assert no_alt.status_code == 422 and "Describe the picture" in no_alt.get_data(as_text=True)
    with ctx() as session:
        assert session.get(Bulletin, bulletin_id).image is None
    good = staff.post(
        url,
        data={
            "alt_en": "Families at the budget night",
            "alt_es": "Familias en la noche del presupuesto",
            "image": (io.BytesIO(_png(2400, 1600)), "photo.png"),
        },
        content_type="multipart/form-data",
    )
    assert good.status_code == 303
    html = client.get("/bulletins/2026-11-test?lang=es").get_data(as_text=True)
    src = re.search(r'<img class="bulletin-picture" src="([^"]+)"', html).group(1)
    assert (
        'alt="Familias en la noche del presupuesto"' in html and "480w" in html and "1200w" in html
    )
    small = client.get(src)
    assert small.status_code == 200 and "immutable" in small.headers["Cache-Control"]
    assert Image.open(io.BytesIO(small.data)).width == 480
    large = client.get(src.replace("-small", "-large"))
    assert Image.open(io.BytesIO(large.data)).size == (1200, 800)
    assert client.get(src.replace("-small", "-huge")).status_code == 404
    pdf = client.get("/bulletins/2026-11-test.pdf")
    path = tmp_path / "b.pdf"
    path.write_bytes(pdf.data)
    import subprocess

    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert len(listing.strip().splitlines()) >= 4  # the picture and the QR code


def test_a_school_page_offers_a_short_link_that_keeps_the_language(client, district, ctx):
    # A school from before short links were made with schools: its full address, and the
    # page view makes nothing.
    html = client.get("/schools/maple-elementary?lang=vi").get_data(as_text=True)
    assert "/schools/maple-elementary?lang=vi</a>" in html
    with ctx() as session:
        from portal.models import School, ShortLink

        assert session.query(ShortLink).count() == 0
        from portal.services.short_links import ensure_short_link

        school = session.query(School).filter_by(slug="maple-elementary").one()
        ensure_short_link("school", school.id)  # what adding a school (or the migration) does
        session.commit()
    html = client.get("/schools/maple-elementary?lang=vi").get_data(as_text=True)
    link = re.search(r'href="(http[^"]+/s/[a-z0-9]{6}/vi)"', html).group(1)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/schools/maple-elementary?lang=vi"
    )
    again = client.get("/schools/maple-elementary?lang=vi").get_data(as_text=True)
    assert link in again  # the same code every time


def test_adding_a_school_makes_its_short_link(login_as, district, ctx):
    staff = login_as(Role.DISTRICT)
    form = {
        "name": "Birch Elementary",
        "slug": "birch-elementary",
        "level": "elementary",
        "address": "1 Birch Way",
        "enrollment": "300",
        "source_locale": "en",
    }
    assert staff.post("/manage/schools/new", data=form).status_code == 303
    with ctx() as session:
        from portal.models import School, ShortLink

        school = session.query(School).filter_by(slug="birch-elementary").one()
        assert session.query(ShortLink).filter_by(kind="school", target_id=school.id).count() == 1


def test_a_move_the_status_does_not_allow_is_a_409_and_saves_nothing(login_as, district, ctx):
    """Archiving a draft, or taking a published bulletin "back to draft" from a stale page:
    the transition refuses, the page says so, and the text that came along is not saved."""
    from portal.models import AuditEntry

    draft_id = _bulletin(ctx, district, slug="a-draft", status="draft", published_at=None)
    published_id = _bulletin(ctx, district)
    staff = login_as(Role.COMMS)
    archive = staff.post(f"/manage/bulletins/{draft_id}/status", data={"action": "archive"})
    assert archive.status_code == 409
    assert "Only a published bulletin can be archived." in archive.get_data(as_text=True)
    text = {"title_en": "Changed", "body_en": "Changed too", "action": "draft"}
    back = staff.post(f"/manage/bulletins/{published_id}/status", data=text)
    assert back.status_code == 409
    with ctx() as session:
        assert session.get(Bulletin, draft_id).status == "draft"
        published = session.get(Bulletin, published_id)
        assert published.status == "published" and published.title["en"] == "Budget night"
        # (Signing in is audited too: only the bulletin's entries are counted.)
        bulletin_entries = session.query(AuditEntry).filter(AuditEntry.object_type == "bulletin")
        assert bulletin_entries.count() == 0
    # A legal move is audited.
    ok = staff.post(f"/manage/bulletins/{published_id}/status", data={"action": "archive"})
    assert ok.status_code == 303
    with ctx() as session:
        entry = session.query(AuditEntry).filter(AuditEntry.object_type == "bulletin").one()
        assert (entry.action, entry.object_id) == ("bulletin.archive", published_id)


def _insert_as_of_now(conn, table_name: str, **values) -> int:
    """Insert a row into a table as an older migration left it: only the columns that exist
    then, the models' defaults for the required ones not given (so a column added later never
    breaks a data-migration test)."""
    import sqlalchemy as sa

    from portal.extensions import db

    table = sa.Table(table_name, sa.MetaData(), autoload_with=conn)
    model = db.metadata.tables[table_name]
    row = dict(values)
    for column in table.columns:
        if column.name in row or column.primary_key or column.nullable:
            continue
        default = model.c[column.name].default if column.name in model.c else None
        if column.server_default is None and default is not None:
            row[column.name] = default.arg(None) if callable(default.arg) else default.arg
    return conn.execute(table.insert().values(**row)).inserted_primary_key[0]


def test_migration_0013_gives_published_bulletins_and_schools_their_short_links(tmp_path):
    """Before short links were made on publishing, pages made them when viewed; the data
    migration makes the missing ones for what is published (or archived) and for every school,
    and leaves existing links and drafts alone."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db
    from portal.models import ShortLink

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}", "TESTING": True}
    )
    with app.app_context():
        upgrade(revision="0012")
        with db.engine.begin() as conn:
            district = _insert_as_of_now(conn, "district", name="Old", slug="old")
            school = _insert_as_of_now(
                conn,
                "school",
                district_id=district,
                slug="oak",
                name="Oak",
                level="elementary",
                enrollment=1,
            )
            rows = {
                status: _insert_as_of_now(
                    conn,
                    "bulletin",
                    district_id=district,
                    slug=status,
                    title={"en": status},
                    status=status,
                )
                for status in ("draft", "scheduled", "published", "archived")
            }
            _insert_as_of_now(
                conn, "short_link", code="kept22", kind="bulletin", target_id=rows["archived"]
            )
        upgrade()
        links = {(link.kind, link.target_id): link.code for link in db.session.query(ShortLink)}
        assert set(links) == {
            ("school", school),
            ("bulletin", rows["published"]),
            ("bulletin", rows["archived"]),
        }
        assert links[("bulletin", rows["archived"])] == "kept22"
        assert all(re.fullmatch(r"[2-9a-hjkmnp-z]{6}", code) for code in links.values())
        db.session.remove()
        db.engine.dispose()
