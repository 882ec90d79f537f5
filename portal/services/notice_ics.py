"""One meeting as an iCalendar file (a notice's attachment and its link), built by the same
`build_ics` from the same `MeetingEntry` as the school calendar feed, so the phone that imports
it and the feed agree (same UID and SEQUENCE: a later change moves the meeting, no duplicate)."""

from portal.extensions import db
from portal.i18n import translated
from portal.links import public_url
from portal.models import CalendarEvent
from portal.services.calendar_meetings import MeetingEntry
from portal.services.school_calendar import build_ics


def _text(event, field: str) -> tuple[str, str]:
    value = translated(event, field)
    return str(value.text or ""), value.language.tag


def meeting_calendar(meeting, locale: str = "en") -> str:
    """The meeting's calendar entry as .ics text, in the current language."""
    event = db.session.get(CalendarEvent, meeting.event_id) if meeting.event_id else None
    entry = MeetingEntry(meeting, event, event.phase if event else "")
    body = build_ics(
        str(translated(meeting, "title").text or ""),
        [entry],
        _text,
        lambda _entry: public_url("committees.meeting", meeting_id=meeting.id),
        locale.replace("_", "-"),
    )
    return body.decode("utf-8")
