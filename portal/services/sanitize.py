"""The one place author-written HTML is made: Markdown rendered, then cleaned by an allow-list
(nh3), and returned as Markup so templates show it without `|safe`."""

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


def render_markdown(text: str) -> Markup:
    """Markdown -> HTML that is safe to put in a page (allow-listed tags, http/https/mailto)."""
    html = _MARKDOWN.render(text or "")
    # Headings in a bulletin start at h2: the page's h1 is its title.
    html = re.sub(r"<(/?)h1>", r"<\1h2>", html)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener nofollow",
    )
    # nh3's allow-listed output is the one author HTML the portal trusts.
    return Markup(cleaned)  # noqa: S704
