"""One meeting as an iCalendar file (for a notice's attachment and its link), built by the same
`build_ics` as the school calendar feed, so the phone that imports it and the feed agree (same
UID and SEQUENCE: a later change moves the meeting instead of adding a second one)."""

from portal.extensions import db
from portal.i18n import translated
from portal.links import public_url
from portal.models import CalendarEvent
from portal.services.school_calendar import build_ics


def _text(event, field: str) -> tuple[str, str]:
    value = translated(event, field)
    return str(value.text or ""), value.language.tag


def meeting_calendar(meeting, locale: str = "en") -> str | None:
    """The meeting's calendar entry as .ics text, or None when it has none."""
    event = db.session.get(CalendarEvent, meeting.event_id) if meeting.event_id else None
    if event is None:
        return None
    body = build_ics(
        str(translated(meeting, "title").text or ""),
        [event],
        _text,
        lambda _event: public_url("committees.meeting", meeting_id=meeting.id),
        locale.replace("_", "-"),
    )
    return body.decode("utf-8")
