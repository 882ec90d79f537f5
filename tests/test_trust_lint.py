"""Where HTML is trusted, counted: every `|safe` and `Markup(` in the portal is on this list with
its reason, and a new one fails until someone writes down why it is safe. Author HTML (the one
kind of HTML people type) comes only from the sanitizer, without any hx-* attribute, inside an
`hx-disable` container. Inline script, style and on*= handlers in templates: tests/test_quality.py.
"""

import re
from collections import Counter
from html.parser import HTMLParser

import pytest

from portal.config import PROJECT_ROOT
from portal.services.sanitize import clean_html, render_markdown

PORTAL = PROJECT_ROOT / "portal"
TRUSTING = re.compile(r"\|\s*safe\b|\bMarkup\s*\(|\{%-?\s*autoescape\s+false")
# (file, how many times) -> why each is safe. Counts, so a second Markup( in a listed file fails.
ALLOWED = {
    ("portal/services/sanitize.py", 2): "nh3's allow-listed output, formatted (escaped) into "
    "the fixed hx-disable container: the only author HTML",
    ("portal/services/glossary.py", 2): "the text is escaped first, then glossary terms are "
    "wrapped in links built from escaped parts",
    ("portal/formatting.py", 2): "a fixed <span class=nowrap> template and a join; both "
    "escape every value that is not already Markup",
    ("portal/web.py", 2): "the bdi filter and the translation-fallback span: fixed templates "
    "whose .format() escapes every value",
}
# Chart helpers may build SVG as Markup (numbers and escaped labels); none does yet.
ALLOWED_MODULES_WITHOUT_COUNT = {"portal/services/charts.py"}


def _sources():
    for path in sorted(PORTAL.rglob("*")):
        if path.suffix in (".py", ".html", ".txt", ".xml", ".svg", ".j2") and (
            "__pycache__" not in path.parts and "static" not in path.parts
        ):
            yield path


def trusting_uses() -> Counter:
    """How many `|safe`, `Markup(` and `autoescape false` each source file holds."""
    found = Counter()
    for path in _sources():
        count = len(TRUSTING.findall(path.read_text(encoding="utf-8")))
        if count:
            found[path.relative_to(PROJECT_ROOT).as_posix()] = count
    return found


def test_html_is_trusted_only_where_the_list_says_why():
    allowed = {name: count for name, count in ALLOWED}
    found = trusting_uses()
    unexpected = {
        name: count
        for name, count in found.items()
        if name not in ALLOWED_MODULES_WITHOUT_COUNT and allowed.get(name) != count
    }
    assert not unexpected, (
        f"new |safe or Markup( (or one removed: update the list): {unexpected}; "
        "add it to ALLOWED with the reason it is safe, or render through the sanitizer"
    )
    assert all(reason.strip() for reason in ALLOWED.values())
    templates = [name for name in found if name.startswith("portal/templates/")]
    assert templates == [], "templates never mark text safe"


def test_the_scanner_sees_every_spelling():
    for bad in (
        "{{ x|safe }}",
        "{{ x | safe }}",
        "Markup(x)",
        "Markup (x)",
        "{% autoescape false %}",
    ):
        assert TRUSTING.search(bad), bad
    assert not TRUSTING.search("{{ x|safely }} markup_text(x)")


class _Attributes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.attributes: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.attributes.extend((tag, name, value) for name, value in attrs)


def _attributes(html: str):
    parser = _Attributes()
    parser.feed(str(html))
    return parser.attributes


HX_PAYLOADS = [
    '<a href="/x" hx-get="/manage/users" hx-trigger="load">x</a>',
    '<div hx-post="/auth/sign-out" hx-trigger="every 1s">x</div>',
    '<p data-hx-get="/manage" hx-swap-oob="true">x</p>',
    '<form hx-boost="true" hx-on:click="alert(1)"><button>go</button></form>',
]


@pytest.mark.parametrize("payload", HX_PAYLOADS)
def test_the_cleaner_drops_every_htmx_attribute(payload):
    """Layer one: even HTML the Markdown step passed through loses every hx-* attribute."""
    names = [name for _tag, name, _value in _attributes(clean_html(payload))]
    assert not [n for n in names if n.startswith(("hx-", "data-hx", "on"))], names


@pytest.mark.parametrize("payload", HX_PAYLOADS)
def test_author_text_never_reaches_the_page_as_an_htmx_attribute(payload):
    html = render_markdown(f"Read this\n\n{payload}\n\n[link](/x)")
    names = [name for _tag, name, _value in _attributes(html)]
    assert [n for n in names if "hx-" in n] == ["hx-disable"], html


def test_author_html_sits_in_an_hx_disable_container():
    """Layer two: htmx processes no hx-* attribute inside [hx-disable]."""
    html = str(render_markdown("**Hello**"))
    assert html.startswith('<div class="user-html" hx-disable>') and html.endswith("</div>")
    assert html.count("hx-disable") == 1
    # The vendored htmx honours it: its processing skips elements inside the selector.
    htmx = (PORTAL / "static" / "htmx-2.0.11.min.js").read_text(encoding="utf-8")
    assert 'disableSelector:"[hx-disable], [data-hx-disable]"' in htmx


def test_a_bulletin_page_shows_the_body_inside_the_container(client, district, ctx):
    from datetime import UTC, datetime

    from portal.models.bulletins import Bulletin

    with ctx() as session:
        session.add(
            Bulletin(
                district_id=district["id"],
                slug="2026-11-lint",
                title={"en": "Budget night"},
                summary={"en": "Come."},
                body={"en": 'Come <b hx-get="/manage">now</b> and [ask](/x).'},
                sms={"en": "Come."},
                status="published",
                published_at=datetime(2026, 11, 10, 16, tzinfo=UTC),
                source_locale="en",
            )
        )
        session.commit()
    page = client.get("/bulletins/2026-11-lint").get_data(as_text=True)
    assert '<div class="user-html" hx-disable><p>Come' in page
    names = [name for _tag, name, _value in _attributes(page)]
    assert "hx-get" not in names
