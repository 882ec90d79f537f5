"""Plain-language glossary: marking the jargon in public text so a parent can tap it."""

import re

from markupsafe import Markup, escape


def mark_terms(text: str, terms: list[tuple[str, str, str]], href) -> Markup:
    """Escape `text`, then link the first use of each glossary term.

    `terms` are (slug, term as the reader sees it, plain definition); `href(slug)` is the
    glossary address. Longer terms win ("Title I funds" before "Title I"); matching ignores case
    and, for words in Latin letters, respects word boundaries.
    """
    escaped = str(escape(text or ""))
    usable = sorted(((s, t, d) for s, t, d in terms if t and t.strip()), key=lambda x: -len(x[1]))
    if not escaped or not usable:
        return Markup(escaped)  # noqa: S704 - escaped above
    by_text = {}
    parts = []
    for slug, term, definition in usable:
        key = str(escape(term.strip())).lower()
        if key in by_text:
            continue
        by_text[key] = (slug, definition)
        pattern = re.escape(str(escape(term.strip())))
        if re.match(r"\w", term.strip()[0], re.ASCII):
            pattern = rf"(?<![\w&;]){pattern}(?!\w)"
        parts.append(pattern)
    seen: set[str] = set()

    def link(match: re.Match) -> str:
        slug, definition = by_text[match.group(0).lower()]
        if slug in seen:
            return match.group(0)
        seen.add(slug)
        return (
            f'<a class="term" href="{escape(href(slug))}">'
            f'<abbr title="{escape(definition)}">{match.group(0)}</abbr></a>'
        )

    # Safe: the text was escaped first; only our own <a><abbr> tags, with escaped values, are added.
    return Markup(re.sub("|".join(parts), link, escaped, flags=re.IGNORECASE))  # noqa: S704
