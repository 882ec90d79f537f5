"""Bulletins on a phone, in every language (issue 11): a rejected staff form keeps every value
typed and says what is wrong at the top and beside each field; the hints describe what is
accepted; text shown in another language than the reader's says so and carries its true
`lang`, on pages, in the feed, in e-mails and on paper; printed bulletins keep headings with
what follows and fit the page."""

import io
import re
import subprocess
from datetime import UTC, datetime, timedelta
from html import unescape
from html.parser import HTMLParser

import pytest
from babel import Locale

from portal.i18n import LANGUAGES
from portal.models import Bulletin, OutboxMessage, Role, School, Subscriber
from portal.services import bulletin_links
from portal.services import bulletins as service
from tests.conftest import pdf_text
from tests.test_bulletins import _bulletin, saving

# -- Reading a form back out of a page --------------------------------------------------------


class _Form(HTMLParser):
    """Every control of a page by id: its value as the browser would show it, whether it is
    checked or selected, and its attributes; plus the error summary's links."""

    def __init__(self):
        super().__init__()
        self.controls: dict[str, dict] = {}
        self.checked: dict[str, set] = {}
        self.summary_links: list[str] = []
        self._textarea = None
        self._select = None
        self._in_summary = 0
        self.summary_attrs: dict | None = None
        self.summary_heading: dict | None = None
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if "error-summary" in (a.get("class") or "").split():
            self.summary_attrs = a
            self._in_summary = 1
        elif self._in_summary:
            if tag == "div":
                self._in_summary += 1
            if tag == "h2" and self.summary_heading is None:
                self.summary_heading = a
            if tag == "a":
                self.summary_links.append(a.get("href", ""))
        if tag == "input":
            kind = a.get("type", "text")
            if kind == "checkbox":
                if "checked" in a:
                    self.checked.setdefault(a["name"], set()).add(a["value"])
                if a.get("id"):
                    self.controls[a["id"]] = {"value": a.get("value", ""), "attrs": a}
            elif a.get("id"):
                self.controls[a["id"]] = {"value": a.get("value", ""), "attrs": a}
        elif tag == "textarea":
            self._textarea = a["id"]
            self.controls[a["id"]] = {"value": "", "attrs": a}
        elif tag == "select":
            self._select = a["id"]
            self.controls[a["id"]] = {"value": None, "attrs": a}
        elif tag == "option" and self._select:
            control = self.controls[self._select]
            if "selected" in a or control["value"] is None:
                control["value"] = a.get("value", "")
                if "selected" in a:
                    control["chosen"] = True

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "div" and self._in_summary:
            self._in_summary -= 1

    def handle_data(self, data):
        if self._textarea:
            self.controls[self._textarea]["value"] += data


def read_form(html: str) -> _Form:
    parser = _Form()
    parser.feed(html)
    return parser


def value_of(page: _Form, field_id: str) -> str:
    value = page.controls[field_id]["value"]
    # A textarea's first line break (CR LF or LF) is not part of its value.
    return unescape(value.removeprefix("\r").removeprefix("\n") if value else value)


def assert_rejected_well(response, errors: list[str]):
    """422, a summary at the top that links to each field in error, the message beside each
    field, tied to it for screen readers."""
    assert response.status_code == 422, response.status_code
    html = response.get_data(as_text=True)
    page = read_form(html)
    assert page.summary_attrs is not None, "no error summary"
    assert page.summary_attrs.get("role") == "alert"
    # The summary (the shared macro) takes the focus: it is focusable and autofocused.
    assert page.summary_heading is not None
    assert page.summary_attrs.get("tabindex") == "-1" and "autofocus" in page.summary_attrs
    # The summary comes before the first field of the page.
    main = html[html.index("<main") :]
    assert main.index("error-summary") < main.index("<form")
    for field_id in errors:
        assert f"#{field_id}" in page.summary_links, (field_id, page.summary_links)
        assert field_id in page.ids, f"the summary links to #{field_id}, which is not there"
        assert f'id="{field_id}-error"' in html, f"no message beside {field_id}"
        if field_id in page.controls:
            described = page.controls[field_id]["attrs"].get("aria-describedby", "")
            assert f"{field_id}-error" in described.split(), field_id
            assert page.controls[field_id]["attrs"].get("aria-invalid") == "true"
    return page


# -- The editor --------------------------------------------------------------------------------


def _draft(ctx, district, **fields) -> int:
    return _bulletin(
        ctx,
        district,
        **{
            "slug": "draft-one",
            "status": "draft",
            "published_at": None,
            "title": {"en": "Stored title", "es": "Título guardado"},
            "summary": {"en": "Stored summary"},
            "body": {"en": "Stored body", "es": "Texto guardado"},
            "sms": {},
            **fields,
        },
    )


def _typed(school_ids, target="es") -> dict:
    """Every field of the editor, filled in with something other than what is stored."""
    return {
        "title_en": "Typed English title",
        "summary_en": "Typed English summary",
        "body_en": "Typed **English** body\n\n- one\n- two",
        "sms_en": "Typed English text message",
        f"title_{target}": "Título escrito",
        f"summary_{target}": "Resumen escrito",
        f"body_{target}": "Texto escrito en español",
        f"sms_{target}": "Mensaje escrito",
        "review": "reviewed",
        "school": [str(i) for i in school_ids],
        "links": "plan: maple-elementary\nthis line is wrong",
        "day": "2031-05-04",
        "time": "07:45",
        "anyway": "1",
    }


def _school_ids(ctx, slugs=("maple-elementary", "summit-high")) -> list[int]:
    with ctx() as session:
        return [session.query(School).filter_by(slug=s).one().id for s in slugs]


def assert_everything_came_back(page: _Form, typed: dict):
    for name, value in typed.items():
        if name == "school":
            assert page.checked.get("school", set()) == set(value), "ticked schools lost"
        elif name == "anyway":
            if "anyway" in page.controls:
                assert "checked" in page.controls["anyway"]["attrs"]
        else:
            assert value_of(page, name) == value, name  # exactly as typed


def _stored(ctx, bulletin_id):
    with ctx() as session:
        b = session.get(Bulletin, bulletin_id)
        return service.snapshot(b), list(b.links or []), [s.slug for s in b.schools], b.status


@pytest.mark.parametrize(
    "bad, errors",
    [
        ({"links": "plan: maple-elementary\nthis line is wrong"}, ["links"]),
        ({"links": "plan: no-such-school"}, ["links"]),
        ({"links": "\n".join(f"https://x.test/surveys/s{i}" for i in range(3))}, ["links"]),
        ({"title_en": ""}, ["title_en"]),
        ({"body_en": "   "}, ["body_en"]),
        ({"title_es": "x" * 201}, ["title_es"]),
        ({"summary_en": "y" * 501, "sms_es": "z" * 481}, ["summary_en", "sms_es"]),
    ],
    ids=["bad-line", "unknown-school", "unknown-survey", "no-title", "no-body", "long", "two"],
)
def test_a_rejected_save_keeps_every_typed_value_and_says_where(
    login_as, district, ctx, bad, errors
):
    bulletin_id = _draft(ctx, district)
    before = _stored(ctx, bulletin_id)
    staff = login_as(Role.COMMS)
    typed = {**_typed(_school_ids(ctx)), "links": "plan: maple-elementary", **bad}
    response = staff.post(f"/manage/bulletins/{bulletin_id}?target=es", data=typed)
    page = assert_rejected_well(response, errors)
    assert_everything_came_back(page, typed)
    assert _stored(ctx, bulletin_id) == before  # nothing was saved


def test_the_example_of_the_issue_one_bad_link_line_in_another_translation(login_as, district, ctx):
    """Vietnamese side by side; one badly formatted line in Links; nothing typed is lost, and the
    bad line is quoted in the message beside the field."""
    bulletin_id = _draft(ctx, district)
    staff = login_as(Role.COMMS)
    typed = {**_typed(_school_ids(ctx, ("cedar-middle",)), target="vi")}
    typed["links"] = "budget: cedar-middle\nplan oak grove"
    response = staff.post(f"/manage/bulletins/{bulletin_id}?target=vi", data=typed)
    page = assert_rejected_well(response, ["links"])
    assert_everything_came_back(page, typed)
    html = unescape(response.get_data(as_text=True))
    assert "“plan oak grove”" in html and "“budget: cedar-middle”" not in html
    # The page stays on the Vietnamese translation.
    assert 'aria-current="page"' in html and page.controls["title_vi"]["value"]


def test_every_link_format_the_hint_describes_is_accepted(login_as, district, ctx, survey_id):
    bulletin_id = _draft(ctx, district)
    staff = login_as(Role.COMMS)
    editor = staff.get(f"/manage/bulletins/{bulletin_id}").get_data(as_text=True)
    hint = unescape(re.search(r'id="links-hint">(.*?)</p>', editor, re.S).group(1))
    for kind in bulletin_links.LINK_KINDS:
        assert kind in hint
    assert f"at most {bulletin_links.MAX_LINKS}" in hint
    lines = [
        "plan: maple-elementary",  # kind, colon, web name
        "Budget : Cedar-Middle",  # spaces and capitals as people type them
        "http://localhost/schools/summit-high/calendar?lang=es",  # a pasted address
        "https://portal.example.org/schools/maple-elementary",
        "/surveys/ssfr-test",  # an address without its host
    ]
    form = {"title_en": "T", "body_en": "B", "links": "\n".join(lines + ["", "  "])}
    assert staff.post(f"/manage/bulletins/{bulletin_id}", data=form).status_code == 303
    with ctx() as session:
        assert session.get(Bulletin, bulletin_id).links == [
            {"kind": "plan", "slug": "maple-elementary"},
            {"kind": "budget", "slug": "cedar-middle"},
            {"kind": "calendar", "slug": "summit-high"},
            {"kind": "school", "slug": "maple-elementary"},
            {"kind": "survey", "slug": "ssfr-test"},
        ]
    # Twelve links are refused with a message, not cut to ten without a word.
    twelve = "\n".join(
        f"{kind}: {slug}"
        for kind in ("plan", "budget", "calendar", "school")
        for slug in ("maple-elementary", "cedar-middle", "summit-high")
    )
    response = staff.post(f"/manage/bulletins/{bulletin_id}", data={**form, "links": twelve})
    assert_rejected_well(response, ["links"])
    message = unescape(response.get_data(as_text=True))
    assert "There are 12 links" in message and "at most 10" in message


def test_publishing_saves_the_text_first_and_a_refusal_keeps_it(login_as, district, ctx):
    bulletin_id = _draft(ctx, district)
    before = _stored(ctx, bulletin_id)
    staff = login_as(Role.COMMS)
    typed = {**_typed(_school_ids(ctx)), "links": "plan: maple-elementary"}
    typed.pop("anyway")
    typed["review"] = "draft"  # Spanish, required by default, is not reviewed
    url = f"/manage/bulletins/{bulletin_id}/status?target=es"
    refused = staff.post(url, data={**typed, "action": "publish"})
    page = assert_rejected_well(refused, ["anyway"])
    assert_everything_came_back(page, typed)
    assert _stored(ctx, bulletin_id) == before
    # A bad line in the text refuses the publishing too, before anything changes.
    bad = {**typed, "links": "nonsense", "anyway": "1", "action": "publish"}
    bad.pop("action")
    assert_everything_came_back(
        assert_rejected_well(staff.post(url, data={**bad, "action": "publish"}), ["links"]), bad
    )
    assert _stored(ctx, bulletin_id)[3] == "draft"
    # Scheduling in the past, or without a time: refused, the date and time typed are kept.
    past = {**typed, "day": "2001-01-01", "time": "08:00", "action": "schedule"}
    page = assert_rejected_well(staff.post(url, data=past), ["day"])
    assert value_of(page, "day") == "2001-01-01" and value_of(page, "time") == "08:00"
    assert_everything_came_back(page, {**typed, "day": "2001-01-01", "time": "08:00"})
    no_time = {**typed, "time": "", "action": "schedule"}
    assert_rejected_well(staff.post(url, data=no_time), ["time"])
    # Accepted: the text and the publishing together.
    ok = staff.post(url, data={**typed, "anyway": "1", "action": "publish"})
    assert ok.status_code == 303
    snapshot, links, schools, status = _stored(ctx, bulletin_id)
    assert status == "published" and snapshot["title"]["es"] == "Título escrito"
    assert links == [{"kind": "plan", "slug": "maple-elementary"}]
    assert set(schools) == {"maple-elementary", "summit-high"}


def test_the_publishing_form_alone_still_works_and_keeps_its_values(login_as, district, ctx):
    bulletin_id = _draft(ctx, district, body={"es": "Solo español"})
    staff = login_as(Role.COMMS)
    url = f"/manage/bulletins/{bulletin_id}/status"
    response = staff.post(url, data={"action": "schedule", "day": "2099-02-03", "time": "nine"})
    page = assert_rejected_well(response, ["body_en", "time"])
    assert value_of(page, "day") == "2099-02-03" and value_of(page, "time") == "nine"
    # The text fields show what is stored: nothing of them was typed.
    assert value_of(page, "title_en") == "Stored title"


def test_a_future_schedule_is_kept(login_as, district, ctx):
    bulletin_id = _draft(ctx, district)
    staff = login_as(Role.COMMS)
    day = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    response = staff.post(
        f"/manage/bulletins/{bulletin_id}/status",
        data={"action": "schedule", "day": day, "time": "09:30"},
    )
    assert response.status_code == 303
    assert _stored(ctx, bulletin_id)[3] == "scheduled"


def _png(width=40, height=30) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_a_rejected_picture_keeps_its_descriptions_and_the_text_stays_as_stored(
    login_as, district, ctx
):
    bulletin_id = _draft(ctx, district)
    staff = login_as(Role.COMMS)
    url = f"/manage/bulletins/{bulletin_id}/image?target=vi"
    typed = {"alt_en": "Families at the meeting", "alt_vi": "Các gia đình tại cuộc họp"}
    response = staff.post(
        url,
        data={**typed, "image": (io.BytesIO(b"not a picture"), "photo.jpg")},
        content_type="multipart/form-data",
    )
    page = assert_rejected_well(response, ["image"])
    assert_everything_came_back(page, typed)
    assert value_of(page, "title_en") == "Stored title"  # not "None", not empty
    assert value_of(page, "body_vi") == ""
    # No description in the original language: the message is beside that field.
    response = staff.post(
        url,
        data={"alt_en": "", "alt_vi": typed["alt_vi"], "image": (io.BytesIO(_png()), "a.png")},
        content_type="multipart/form-data",
    )
    page = assert_rejected_well(response, ["alt_en"])
    assert value_of(page, "alt_vi") == typed["alt_vi"]
    assert "choose it again" in unescape(response.get_data(as_text=True))
    # Saved with the Spanish description, then the Vietnamese one is changed alone: the
    # Spanish one stays, and the picture too.
    assert (
        staff.post(
            f"/manage/bulletins/{bulletin_id}/image?target=es",
            data={"alt_en": "A", "alt_es": "Una", "image": (io.BytesIO(_png()), "a.png")},
            content_type="multipart/form-data",
        ).status_code
        == 303
    )
    assert (
        staff.post(
            url, data={"alt_en": "A", "alt_vi": "Một"}, content_type="multipart/form-data"
        ).status_code
        == 303
    )
    with ctx() as session:
        image = session.get(Bulletin, bulletin_id).image
        assert image.alt == {"en": "A", "es": "Una", "vi": "Một"} and image.small


def test_a_rejected_new_bulletin_keeps_its_title(login_as, district, ctx):
    staff = login_as(Role.COMMS)
    long_title = "A title that goes on " * 12
    response = staff.post("/manage/bulletins", data={"title_en": long_title})
    page = assert_rejected_well(response, ["title_en"])
    assert value_of(page, "title_en") == long_title
    assert_rejected_well(staff.post("/manage/bulletins", data={"title_en": " "}), ["title_en"])
    with ctx() as session:
        assert session.query(Bulletin).count() == 0


def test_a_rejected_subscription_keeps_what_was_typed(client, district):
    typed = {"email": "not an address", "locale": "vi", "school": "cedar-middle"}
    response = client.post("/bulletins/subscribe?lang=es", data=typed)
    page = assert_rejected_well(response, ["email"])
    assert value_of(page, "email") == "not an address"
    assert page.controls["locale"]["value"] == "vi" and page.controls["locale"].get("chosen")
    assert page.controls["school"]["value"] == "cedar-middle"
    attrs = page.controls["email"]["attrs"]
    assert attrs["autocomplete"] == "email" and attrs["type"] == "email"  # not escaped
    response = client.post(
        "/bulletins/subscribe", data={"email": "a@b.example", "locale": "xx", "school": "nope"}
    )
    page = assert_rejected_well(response, ["locale", "school"])
    assert value_of(page, "email") == "a@b.example"


def test_the_current_language_tab_is_marked(login_as, district, ctx):
    bulletin_id = _draft(ctx, district)
    staff = login_as(Role.COMMS)
    html = staff.get(f"/manage/bulletins/{bulletin_id}?target=zh_Hans").get_data(as_text=True)
    tabs = html[
        html.index('class="language-tabs"') : html.index("</ul>", html.index("language-tabs"))
    ]
    current = re.findall(r'<li class="current">(.*?)</li>', tabs, re.S)
    assert len(current) == 1 and 'aria-current="page"' in current[0]
    assert "简体中文" in current[0] and "editing now" in current[0]
    assert tabs.count('aria-current="page"') == 1


# -- Text in another language than the reader's ------------------------------------------------


# The shown() macro may give the text its direction as well as its language.
LTR = r'(?: dir="ltr")?'


def _english_only(ctx, district, **fields) -> int:
    return _bulletin(
        ctx,
        district,
        title={"en": "Budget night"},
        summary={"en": "Come and ask."},
        body={"en": "We will **explain** the budget."},
        sms={"en": "Budget night."},
        **fields,
    )


@pytest.mark.parametrize("code", ["zh_Hans", "vi"])
def test_english_bulletins_say_so_to_chinese_and_vietnamese_readers(client, district, ctx, code):
    _english_only(ctx, district)
    tag = LANGUAGES[code].tag
    label = Locale.parse("en").get_display_name(code)  # "英语", "Tiếng Anh"
    for path in ("/", "/schools/maple-elementary", "/bulletins", "/bulletins/2026-11-test"):
        html = client.get(f"{path}?lang={tag}").get_data(as_text=True)
        assert f'<html lang="{tag}"' in html
        main = html[html.index("<main") :]
        assert re.search(rf'<span lang="en"{LTR}>Budget night</span>', main), path
        assert label in unescape(main), (path, label)
        if path != "/bulletins/2026-11-test":
            assert re.search(rf'<span lang="en"{LTR}>Come and ask.</span>', main), path
    page = client.get(f"/bulletins/2026-11-test?lang={tag}").get_data(as_text=True)
    assert re.search(r'<div class="prose" lang="en" dir="ltr">', page)
    # In the reader's language, no notice and no other lang.
    spanish = _bulletin(ctx, district, slug="both", title={"en": "Both", code: "Cả hai"})
    assert spanish
    html = client.get(f"/bulletins?lang={tag}").get_data(as_text=True)
    assert "<strong>Cả hai</strong>" in html


def test_feed_and_email_mark_english_for_a_vietnamese_reader(client, district, ctx, clean_app):
    bulletin_id = _english_only(ctx, district)
    feed = client.get("/bulletins/feed.xml?lang=vi").get_data(as_text=True)
    assert '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="vi">' in feed
    assert '<title xml:lang="en">Budget night</title>' in feed
    assert '<summary xml:lang="en">Come and ask.</summary>' in feed
    content = unescape(re.search(r"<content type=\"html\">(.*?)</content>", feed, re.S).group(1))
    assert "Tiếng Anh" in content and '<div lang="en">' in content
    with saving(ctx) as session:
        session.add(
            Subscriber(
                district_id=district["id"],
                email="ba@example.test",
                locale="vi",
                confirmed_at=datetime.now(UTC),
            )
        )
    from portal.services.subscriptions import queue_bulletin_emails

    with clean_app.test_request_context("/"):
        from portal.extensions import db
        from portal.models import District

        district_row = db.session.get(District, district["id"])
        queue_bulletin_emails(db.session.get(Bulletin, bulletin_id), district_row)
        db.session.commit()
    with ctx() as session:
        message = session.query(OutboxMessage).one()
        assert message.headers["Content-Language"] == "vi, en"
        assert "Tiếng Anh" in message.body_text.split("Budget night")[0]


@pytest.mark.parametrize("code", ["zh_Hans", "vi"])
def test_the_print_edition_marks_english_in_every_language(client, district, ctx, tmp_path, code):
    _english_only(ctx, district)
    tag = LANGUAGES[code].tag
    text = pdf_text(client.get(f"/bulletins/2026-11-test.pdf?lang={tag}").data, tmp_path)
    label = Locale.parse("en").get_display_name(code)
    assert "Budget night" in text and label in text
    # The HTML behind the PDF: the English parts carry lang="en".
    from flask import render_template

    from portal.services.bulletin_reading import print_item

    with client.application.test_request_context(f"/?lang={tag}"):
        from flask import g

        from portal.extensions import db
        from portal.models import District

        g.district = db.session.get(District, district["id"])
        g.chosen_locale = code
        bulletin = db.session.scalars(db.select(Bulletin)).one()
        html = render_template(
            "bulletins/print.html", items=[print_item(bulletin, g.district, code)], heading=None
        )
        db.session.rollback()
    assert f'<html lang="{tag}"' in html
    assert re.search(rf'<span lang="en"{LTR}>Budget night</span>', html)
    assert re.search(rf'<span lang="en"{LTR}>Come and ask.</span>', html)
    assert '<div class="print-body" lang="en" dir="ltr">' in html


# -- Paper: headings with what follows, tables and pictures on the page -----------------------

LONG_BODY = {
    "en": ("Budget choices", "What we heard", "Row", "Families asked for more reading help"),
    "es": (
        "Opciones del presupuesto",
        "Lo que escuchamos",
        "Fila",
        "Las familias pidieron más ayuda con la lectura",
    ),
    "zh_Hans": ("预算选择", "我们听到的意见", "行", "家长们要求更多的阅读帮助"),
    "vi": (
        "Các lựa chọn ngân sách",
        "Điều chúng tôi nghe được",
        "Hàng",
        "Các gia đình yêu cầu thêm hỗ trợ đọc",
    ),
}


def _long_body(code: str) -> str:
    """Sections of every length, so that some heading falls near the foot of a page; a wide
    table with long words; a very long address."""
    heading, sub, row, sentence = LONG_BODY[code]
    parts = []
    for i in range(1, 31):
        parts.append(f"## {heading} {i}")
        parts.append(" ".join([f"{sentence} ({i}.{n})." for n in range(1 + (i * 7) % 9)]))
        if i % 4 == 0:
            parts.append(f"### {sub} {i}")
            parts.append(f"{sentence} {i}.")
    table = [
        "| " + " | ".join(f"{row} {c} Supercalifragilisticexpialidocious" for c in range(7)) + " |"
    ]
    table.append("|" + "---|" * 7)
    for r in range(4):
        table.append("| " + " | ".join(f"$1,234,{r}{c}0" for c in range(7)) + " |")
    parts.insert(10, "\n".join(table))
    parts.append("https://example.org/" + "very-long-address-segment-" * 12)
    return "\n\n".join(parts)


def _words(data: bytes, tmp_path):
    """Every word of a PDF with its page, box and page size (pdftotext -bbox)."""
    path = tmp_path / "bbox.pdf"
    path.write_bytes(data)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S):
        width, height = float(page.group(1)), float(page.group(2))
        words = [
            (float(x0), float(y0), float(x1), float(y1), unescape(w))
            for x0, y0, x1, y1, w in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" '
                r'xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
                page.group(3),
            )
        ]
        pages.append((width, height, words))
    return pages


def _lines(words):
    """Words grouped into lines by their baseline, top to bottom."""
    lines: list[list] = []
    for word in sorted(words, key=lambda w: (round(w[3]), w[0])):
        if lines and abs(lines[-1][0][3] - word[3]) < 2:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [" ".join(w[4] for w in line) for line in lines], [line[0][3] for line in lines]


@pytest.mark.parametrize("code", ["en", "es", "zh_Hans", "vi"])
def test_printed_bulletins_keep_headings_with_their_text_and_fit_the_page(
    client, district, ctx, tmp_path, code
):
    heading = LONG_BODY[code][0]
    _bulletin(
        ctx,
        district,
        title={code: f"{heading}: 2026-27", "en": "Budget choices: 2026-27"},
        summary={code: LONG_BODY[code][3]},
        body={code: _long_body(code), "en": _long_body("en")},
    )
    tag = LANGUAGES[code].tag
    for url in (f"/bulletins/2026-11-test.pdf?lang={tag}", f"/bulletins/2026/11.pdf?lang={tag}"):
        response = client.get(url)
        assert response.status_code == 200
        pages = _words(response.data, tmp_path)
        assert len(pages) >= 3
        text = pdf_text(response.data, tmp_path)
        flat = re.sub(r"\s+", "", text)
        # Nothing cut off: every section, every table cell, the end of the long address.
        for i in range(1, 31):
            assert re.sub(r"\s+", "", f"{heading} {i}") in flat, (code, i)
        row = LONG_BODY[code][2]
        for c in range(7):  # every column's heading, the last one too
            assert re.sub(r"\s+", "", f"{row} {c}") in flat, (code, c)
        for r in range(4):
            for c in range(7):
                assert f"$1,234,{r}{c}0" in flat, (code, r, c)
        assert "segment-very-long-address-segment-" in flat
        for number, (width, height, words) in enumerate(pages, 1):
            for x0, _y0, x1, y1, word in words:
                assert x0 >= 0 and x1 <= width + 0.5, f"page {number}: {word!r} off the side"
                assert y1 <= height + 0.5, f"page {number}: {word!r} off the foot"
            # A heading is never the last thing on a page (above the running foot).
            lines, _bottoms = _lines(words)
            body_lines = [line for line in lines if not re.search(r"\d+ / \d+$", line)]
            if body_lines and number < len(pages):
                last = re.sub(r"\s+", "", body_lines[-1])
                for i in range(1, 31):
                    for name in (heading, LONG_BODY[code][1]):
                        stranded = re.sub(r"\s+", "", f"{name} {i}")
                        assert last != stranded, f"{code} page {number} ends with {last!r}"
