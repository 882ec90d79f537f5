"""Public calendar pages and feeds."""

from flask import g, render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from portal.blueprints.calendar import bp
from portal.blueprints.school_access import school_or_404
from portal.i18n import translated
from portal.links import public_url
from portal.models.calendar import Phase
from portal.permissions import cacheable
from portal.responses import download
from portal.services import school_calendar as cal
from portal.services.school_year import current_year

ICS_MIMETYPE = "text/calendar; charset=utf-8"


def _year_or_none():
    return current_year(g.district.id) if g.district else None


def _text(event, field: str) -> tuple[str, str]:
    """A field in the reader's language, or in the language it falls back to, with its tag."""
    value = translated(event, field)
    return str(value.text or ""), value.language.tag


def _webcal(url: str) -> str:
    """The same feed as a subscription link: phones keep it up to date."""
    return "webcal://" + url.split("://", 1)[1]


@bp.get("/schools/<slug>/calendar")
@cacheable
def school_calendar(slug: str):
    """Where we are now, the next three events, then the whole year as an agenda."""
    school = school_or_404(slug)
    year = _year_or_none()
    view = cal.school_year_view(year, school, cal.local_now(g.district))
    ics_url = public_url("calendar.school_ics", slug=school.slug, lang=str(get_locale()))
    return render_template(
        "calendar/school.html",
        school=school,
        year=year,
        phase=view.phase,
        windows=view.windows,
        next_events=view.next_events,
        by_phase=view.by_phase,
        phases=list(Phase),
        ics_url=ics_url,
        webcal_url=_webcal(ics_url),
    )


def _event_url(event) -> str:
    """Where an event is explained: a meeting's own page, else the school's calendar."""
    if event.is_meeting:
        return public_url("committees.meeting", meeting_id=event.meeting.id)
    if event.school_id:
        return public_url("calendar.school_calendar", slug=event.school.slug)
    return public_url("public.index")


def _ics_response(name: str, events: list, filename: str):
    body = cal.build_ics(name, events, _text, _event_url, str(get_locale()).replace("_", "-"))
    return download(body, filename, ICS_MIMETYPE, inline=True)


@bp.get("/schools/<slug>/calendar.ics")
@cacheable
def school_ics(slug: str):
    """The school's year as an iCalendar feed, in the language of `?lang=`."""
    school = school_or_404(slug)
    year = _year_or_none()
    events = cal.school_events(year.id, school.id) if year else []
    name = _("%(school)s: school year", school=school.name)
    return _ics_response(name, events, f"{school.slug}.ics")


@bp.get("/calendar.ics")
@cacheable
def district_ics():
    """Every school's events and the district's deadlines, in one feed."""
    year = _year_or_none()
    events = cal.district_events(year.id) if year is not None else []
    name = _("%(district)s: school year", district=g.district.name if g.district else "")
    return _ics_response(name, events, "district.ics")
