"""Committees: rosters, meetings, agendas, motions and votes, on the public record."""

from flask import Blueprint, g

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


from portal.blueprints.committees import feedback, manage, minutes, routes  # noqa: E402, F401
