"""Committees: rosters, meetings, agendas, motions and votes, on the public record."""

import re

from flask import Blueprint, g
from markupsafe import Markup, escape

from portal.i18n import LANGUAGES, TranslatedValue, pick
from portal.services.committees import guess_locale

bp = Blueprint("committees", __name__)


@bp.app_template_global("written")
def written(text: str, locale: str | None = None) -> TranslatedValue:
    """Text typed in one language whose language is not stored with it (a school's reply, a
    place, minutes), for the `shown` macro: in `locale` when the text does not say otherwise,
    else the district's main language. A reader of another language gets the notice and the
    text its true `lang`."""
    district = g.get("district")
    default = locale or (district.default_locale if district else "en")
    return pick({guess_locale(text or "", default, tuple(LANGUAGES)): text or ""})


# A date (2026-12-03) or a time of day (18:30) inside a sentence, to keep on one line.
_VALUE = re.compile(r"\d{4}-\d{2}-\d{2}|\b\d{1,2}:\d{2}\b")
_NOWRAP = Markup('<span class="nowrap">{}</span>')


@bp.app_template_filter("whole_values")
def whole_values(text) -> Markup:
    """Escape a message and keep each date and time in it from breaking across lines (a phone
    breaks "2026-12-03" at its hyphens otherwise)."""
    text, pieces, last = str(text), [], 0
    for found in _VALUE.finditer(text):
        pieces += [escape(text[last : found.start()]), _NOWRAP.format(found.group(0))]
        last = found.end()
    return Markup("").join([*pieces, escape(text[last:])])


from portal.blueprints.committees import feedback, manage, minutes, routes  # noqa: E402, F401
