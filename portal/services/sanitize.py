"""The one place author-written HTML is made: Markdown rendered, then cleaned by an allow-list
(nh3), and returned as Markup inside an hx-disable container, so templates show it as it is
(they never mark text safe themselves)."""

import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# Raw HTML in Markdown is not passed through (html=False); what Markdown itself makes is then
# cleaned by an allow-list, so no author's markup can reach a page.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "code",
    "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto"}


# The container of every piece of author HTML: htmx processes no hx-* attribute inside an
# [hx-disable] element, so even markup that got past the cleaner could not make requests.
CONTAINER = '<div class="user-html" hx-disable>{}</div>'


def clean_html(html: str) -> str:
    """Keep only the allow-listed tags and attributes (no hx-*, on*, style, class, id...)."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener nofollow",
    )


def render_markdown(text: str) -> Markup:
    """Markdown -> HTML that is safe to put in a page (allow-listed tags, http/https/mailto),
    inside an `hx-disable` container."""
    html = _MARKDOWN.render(text or "")
    # Headings in a bulletin start at h2: the page's h1 is its title.
    html = re.sub(r"<(/?)h1>", r"<\1h2>", html)
    # nh3's allow-listed output is the one author HTML the portal trusts.
    cleaned = Markup(clean_html(html))  # noqa: S704
    return Markup(CONTAINER).format(cleaned)  # noqa: S704 - a fixed tag; format() escapes
