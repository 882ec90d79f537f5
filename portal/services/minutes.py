"""Minutes: the secretary drafts them item by item, members who attended propose amendments,
the committee approves them at a later meeting, and a correction is a new, visible version
(`MinutesVersion`'s transitions hold the rules of each move)."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.extensions import db
from portal.models import Meeting, MinutesAmendment, MinutesVersion
from portal.models.base import IllegalMove, utcnow
from portal.models.committees import MinutesStatus
from portal.services.audit import record_audit
from portal.services.errors import Rejected
from portal.services.notices import announce

TEXT_LENGTH, NOTE_LENGTH = 4000, 500
NOTE_NEEDED = _l("Say what the correction changes.")
LATER_MEETING_NEEDED = _l("Choose the later meeting where the committee approved the minutes.")
AMENDMENTS_OPEN = _l("Accept or decline every proposed amendment first.")
WORDING_NEEDED = _l("Write the wording you propose.")


def latest(meeting: Meeting) -> MinutesVersion | None:
    """The newest version of the meeting's minutes: a draft, or the approved text."""
    return db.session.scalars(
        select(MinutesVersion)
        .where(MinutesVersion.meeting_id == meeting.id)
        .order_by(MinutesVersion.version.desc())
    ).first()


def published(meeting: Meeting) -> list[MinutesVersion]:
    """Approved versions, newest first (drafts are never public)."""
    return list(
        db.session.scalars(
            select(MinutesVersion)
            .where(
                MinutesVersion.meeting_id == meeting.id,
                MinutesVersion.status.in_((MinutesStatus.APPROVED, MinutesStatus.SUPERSEDED)),
            )
            .order_by(MinutesVersion.version.desc())
        )
    )


def editable_draft(meeting: Meeting) -> MinutesVersion:
    """The draft members amend and the committee approves; IllegalMove when there is none."""
    current = latest(meeting)
    if current is None or not current.is_draft:
        raise IllegalMove(_l("There is no draft of these minutes."))
    return current


def later_meetings(meeting: Meeting) -> list[Meeting]:
    """The committee's meetings after this one: where its minutes can be approved."""
    return [
        m
        for m in meeting.committee.meetings
        if m.starts_at > meeting.starts_at and m.id != meeting.id
    ]


def save_minutes(
    meeting: Meeting, actor, *, texts: dict, correction_note: str = "", locale: str = "en"
) -> MinutesVersion:
    """Write the draft: `texts` maps an agenda item's id (as text) to {"discussion", "input"}.
    With no draft yet, one is started: the first version, or a correction of the approved
    minutes, which needs a note saying what it changes. `locale` is the language written in."""
    note = (correction_note or "").strip()[:NOTE_LENGTH]
    current = latest(meeting)
    if current is None or not current.is_draft:
        if current is not None and not note:
            raise Rejected({"correction_note": NOTE_NEEDED})
        if current is None:
            current = MinutesVersion(
                meeting_id=meeting.id,
                version=1,
                locale=locale,
                sections={},
                correction_note=note,
                written_by_id=actor.id,
            )
        else:
            current = current.correction(note, locale, actor.id)
        db.session.add(current)
        record_audit(
            actor, "minutes.draft_started", "meeting", meeting.id, {"version": current.version}
        )
    sections = dict(current.sections or {})
    for item in meeting.agenda:
        typed = texts.get(str(item.id), {})
        sections[str(item.id)] = {
            "discussion": (typed.get("discussion") or "").strip()[:TEXT_LENGTH],
            "input": (typed.get("input") or "").strip()[:TEXT_LENGTH],
        }
    current.write(sections)
    record_audit(actor, "minutes.edited", "meeting", meeting.id, {"version": current.version})
    db.session.flush()
    announce("minutes_draft", current)  # members hear once per version: amendments are open
    return current


def propose_amendment(meeting: Meeting, member, actor, *, item_key: str, text: str):
    """A member who attended proposes new wording for one item of the draft."""
    draft = editable_draft(meeting)
    text = (text or "").strip()[:TEXT_LENGTH]
    if item_key not in {str(item.id) for item in meeting.agenda}:
        raise Rejected({"item_key": _l("Choose an item of the agenda.")})
    if not text:
        raise Rejected({"text": WORDING_NEEDED})
    amendment = draft.propose_amendment(member, item_key, text)
    record_audit(actor, "minutes.amendment_proposed", "meeting", meeting.id, {"member": member.id})
    return amendment


def decide_amendment(amendment: MinutesAmendment, actor, *, accept: bool, note: str = "") -> None:
    """Accept (the item's text becomes the amendment's) or decline, with a note."""
    note = (note or "").strip()[:NOTE_LENGTH]
    if accept:
        amendment.accept(note)
    else:
        amendment.decline(note)
    record_audit(
        actor,
        f"minutes.amendment_{amendment.status}",
        "meeting",
        amendment.minutes.meeting_id,
        {"amendment": amendment.id},
    )


def approve_minutes(
    meeting: Meeting, actor, *, at_meeting: Meeting | None, at: datetime | None = None
) -> MinutesVersion:
    """The committee approved the draft at `at_meeting`, a later meeting: it is published, the
    version it corrects is superseded, and who attended is kept as it stood."""
    draft = editable_draft(meeting)
    problems = {}
    if at_meeting is None or at_meeting not in later_meetings(meeting):
        problems["at_meeting_id"] = LATER_MEETING_NEEDED
    if draft.open_amendments:
        problems["amendments"] = AMENDMENTS_OPEN
    if problems:
        raise Rejected(problems)
    for older in published(meeting):
        if older.status == MinutesStatus.APPROVED:
            older.supersede()
    attendance = [
        {"name": m.name if m.name_public else "", "seat": m.seat}
        for m in meeting.committee.members
        if m.id in meeting.present_ids
    ]
    draft.approve(at_meeting, at or utcnow(), attendance)
    record_audit(
        actor,
        "minutes.approved",
        "meeting",
        meeting.id,
        {"version": draft.version, "at": at_meeting.id},
    )
    announce("minutes_approved", draft)  # the members hear the minutes are approved
    return draft


def archive(committee, query: str = "", page: int = 1, per_page: int = 20):
    """Approved minutes of the committee's meetings, newest meeting first, whose text contains
    `query` (any case): (one page of rows, whether there are more)."""
    statement = (
        select(MinutesVersion)
        .join(Meeting, Meeting.id == MinutesVersion.meeting_id)
        .where(
            Meeting.committee_id == committee.id, MinutesVersion.status == MinutesStatus.APPROVED
        )
        .order_by(Meeting.starts_at.desc())
    )
    if query:
        escaped = query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(MinutesVersion.search_text.like(f"%{escaped}%", escape="\\"))
    rows = list(db.session.scalars(statement.offset((page - 1) * per_page).limit(per_page + 1)))
    return rows[:per_page], len(rows) > per_page
