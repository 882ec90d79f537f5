"""Plain-language glossary: marking the jargon in public text so a parent can tap it."""

import re

from markupsafe import Markup, escape


class GlossaryMarker:
    """Links the first use of each glossary term in texts. Built once per page (the pattern is
    compiled once), then applied to each text; "first use" is per text.

    `terms` are (slug, term as the reader sees it, plain definition); `href(slug)` is the
    glossary address. Longer terms win ("Title I funds" before "Title I"); matching ignores case
    and, for words in Latin letters, respects word boundaries.
    """

    def __init__(self, terms: list[tuple[str, str, str]], href):
        usable = sorted(
            ((s, t.strip(), d) for s, t, d in terms if t and t.strip()), key=lambda x: -len(x[1])
        )
        # Each term is its own named group, so a match says which term it is. Looking the matched
        # text up instead broke on case folding: "ſ" matches "s" under IGNORECASE, and "s" was
        # not a key (a 500 on every page that shows glossed text).
        self.terms: list[tuple[str, str, str]] = []
        seen_keys: set[str] = set()
        parts = []
        for slug, term, definition in usable:
            key = str(escape(term)).casefold()
            if key in seen_keys:
                continue
            seen_keys.add(key)
            self.terms.append((str(escape(href(slug))), str(escape(definition)), slug))
            pattern = re.escape(str(escape(term)))
            if re.match(r"\w", term[0], re.ASCII):
                pattern = rf"(?<![\w&;]){pattern}(?!\w)"
            parts.append(f"(?P<t{len(self.terms) - 1}>{pattern})")
        self.pattern = re.compile("|".join(parts), re.IGNORECASE) if parts else None

    def mark(self, text: str) -> Markup:
        escaped = str(escape(text or ""))
        if not escaped or self.pattern is None:
            return Markup(escaped)  # noqa: S704 - escaped above
        seen: set[str] = set()

        def link(match: re.Match) -> str:
            href, definition, slug = self.terms[int(match.lastgroup[1:])]
            if slug in seen:
                return match.group(0)
            seen.add(slug)
            term = match.group(0)
            return f'<a class="term" href="{href}"><abbr title="{definition}">{term}</abbr></a>'

        # Safe: the text was escaped first; only our own tags, with escaped values, are added.
        return Markup(self.pattern.sub(link, escaped))  # noqa: S704


def mark_terms(text: str, terms: list[tuple[str, str, str]], href) -> Markup:
    """Link the glossary's terms in one text (see GlossaryMarker)."""
    return GlossaryMarker(terms, href).mark(text)
