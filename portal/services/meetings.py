"""Running a committee's meetings: scheduling one (which gives it its calendar identity),
changing it, its agenda and the posting of it, attendance, and the documents attached to it.

Every function takes the district and the acting user (`actor`) explicitly, raises `Rejected`
for refused input and leaves the commit to its caller."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from portal.content.sample_agendas import SAMPLE_AGENDAS
from portal.extensions import db
from portal.models import AgendaItem, Meeting, MeetingDocument
from portal.models.base import utcnow
from portal.services.audit import record_audit
from portal.services.committee_record import posting_deadline, schedule_meeting
from portal.services.errors import Rejected
from portal.services.images import ImageRejected, process_image
from portal.services.notices import announce

TITLE_LENGTH, PLACE_LENGTH, ITEM_LENGTH, DOCUMENT_TITLE_LENGTH = 200, 300, 300, 200
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024

TITLE_NEEDED = _l("Give the meeting a title in the district's main language.")
ITEM_NEEDED = _l("Write the agenda item in the district's main language.")
DAY_NEEDED = _l("Enter a date such as 2026-12-03.")
TIME_NEEDED = _l("Enter a time such as 18:30.")


def meeting_day(meeting: Meeting, district) -> date:
    """The meeting's day on the district's clock (who is seated, which school year)."""
    return meeting.starts_at.astimezone(ZoneInfo(district.timezone)).date()


def seated_members(meeting: Meeting, district) -> list:
    """The committee's members whose term covers the meeting's day."""
    day = meeting_day(meeting, district)
    return [m for m in meeting.committee.members if m.seated_on(day)]


def _details(district, title: dict, day, starts, place, interpretation, childcare) -> dict:
    """A meeting's columns from what was typed: the time is typed on the district's clock and
    stored in UTC."""
    problems = {}
    if not title.get(district.default_locale):
        problems["title"] = TITLE_NEEDED
    if day is None:
        problems["day"] = DAY_NEEDED
    if starts is None:
        problems["starts"] = TIME_NEEDED
    if problems:
        raise Rejected(problems)
    return {
        "title": dict(title),
        "starts_at": datetime.combine(day, starts, ZoneInfo(district.timezone)).astimezone(UTC),
        "place": (place or "").strip()[:PLACE_LENGTH],
        "interpretation": bool(interpretation),
        "childcare": bool(childcare),
    }


def add_meeting(
    committee,
    district,
    actor,
    *,
    title: dict,
    day: date | None,
    starts: time | None,
    place: str = "",
    interpretation: bool = False,
    childcare: bool = False,
    sample: str = "",
) -> Meeting:
    """Schedule a meeting: one record, which the committee page, the school calendar and its
    .ics feed all read. A sample agenda (`SAMPLE_AGENDAS` key) gives the agenda, and the title
    when none is typed in the district's main language."""
    agenda = SAMPLE_AGENDAS.get(sample or "")
    if agenda and not title.get(district.default_locale):
        title = dict(agenda["title"])
    values = _details(district, title, day, starts, place, interpretation, childcare)
    meeting = Meeting(source_locale=district.default_locale, **values)
    committee.meetings.append(meeting)
    if agenda:
        meeting.agenda = [
            AgendaItem(title=dict(item), position=n, source_locale="en")
            for n, item in enumerate(agenda["items"])
        ]
    db.session.flush()
    schedule_meeting(meeting, district, agenda["phase"] if agenda else None)
    announce("meeting_scheduled", meeting)  # followers of its school hear of it
    record_audit(
        actor, "meeting.added", "meeting", meeting.id, {"starts_at": meeting.starts_at.isoformat()}
    )
    return meeting


def edit_meeting(
    meeting: Meeting,
    district,
    actor,
    *,
    title: dict,
    day: date | None,
    starts: time | None,
    place: str = "",
    interpretation: bool = False,
    childcare: bool = False,
) -> None:
    """Change a meeting's title, time or place: the committee page, the calendar and the feed
    all show the change, and subscribed phones move the meeting (its event's SEQUENCE)."""
    values = _details(district, title, day, starts, place, interpretation, childcare)
    for key, value in values.items():
        setattr(meeting, key, value)
    schedule_meeting(meeting, district)
    record_audit(
        actor,
        "meeting.changed",
        "meeting",
        meeting.id,
        {"starts_at": meeting.starts_at.isoformat()},
    )


def add_agenda_item(meeting: Meeting, district, actor, title: dict) -> AgendaItem:
    """An item at the end of the agenda, written at least in the district's main language."""
    if not title.get(district.default_locale):
        raise Rejected({"item": ITEM_NEEDED})
    item = AgendaItem(
        title=dict(title), position=len(meeting.agenda), source_locale=district.default_locale
    )
    meeting.agenda.append(item)
    record_audit(actor, "agenda.item_added", "meeting", meeting.id, {"title": dict(title)})
    return item


def post_agenda(meeting: Meeting, actor, at: datetime | None = None) -> bool:
    """Make the agenda public; the record keeps when, so a late posting shows. Posting again (a
    second tap, a page left open) changes nothing: False."""
    if meeting.agenda_posted_at is not None:
        return False
    meeting.post_agenda(at or utcnow())
    announce("agenda_posted", meeting)
    record_audit(
        actor,
        "agenda.posted",
        "meeting",
        meeting.id,
        {"late": meeting.agenda_posted_at > posting_deadline(meeting)},
    )
    return True


def take_attendance(meeting: Meeting, actor, member_ids) -> None:
    """Who is here: these members present, everyone else absent."""
    meeting.take_attendance(member_ids)
    record_audit(
        actor, "meeting.attendance", "meeting", meeting.id, {"present": meeting.present_member_ids}
    )


def sniff_document(data: bytes) -> tuple[str, bytes] | None:
    """(mimetype, bytes to keep) for a PDF or a picture, judged by content; None otherwise.
    Pictures are re-encoded, so nothing hidden in them survives."""
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        return "application/pdf", data
    try:
        picture = process_image(data)
    except ImageRejected:
        return None
    return picture.mimetype, picture.large


def attach_document(meeting: Meeting, actor, title: str, data: bytes) -> MeetingDocument:
    """Attach a PDF or a picture, judged by its content, never its name. `data` is what was
    sent, read up to one byte over the limit (so a larger file is known to be too large)."""
    title = (title or "").strip()[:DOCUMENT_TITLE_LENGTH]
    problems = {}
    if not title:
        problems["title"] = _l("Give the document a title.")
    sniffed = None
    if not data:
        problems["document"] = _l("Choose a PDF or a picture.")
    elif len(data) > MAX_DOCUMENT_BYTES:
        problems["document"] = _l("The file is larger than 2 MB.")
    elif (sniffed := sniff_document(data)) is None:
        problems["document"] = _l("This file is not a PDF or a picture, whatever its name says.")
    if problems:
        raise Rejected(problems)
    mimetype, content = sniffed
    document = MeetingDocument(title=title, mimetype=mimetype, data=content, uploaded_at=utcnow())
    meeting.documents.append(document)
    record_audit(actor, "document.added", "meeting", meeting.id, {"title": title, "type": mimetype})
    return document
