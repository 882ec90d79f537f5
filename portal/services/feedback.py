"""Feedback from the community: what can receive it, leaving and reporting a comment, and the
school's moderation (publish, hide with a reason, answer: "you said, we did").

What can receive feedback is the one registry below, `TARGETS`: each entry knows how to find
its row, the school it belongs to (None for a district committee's agenda) and its district,
whether the public can comment on it now (nothing on a draft
plan or an agenda not yet posted, which nobody else can see), the page it is shown on, and its
label. Everything else (the form, the moderation queue, the counts) works from the entry.

To let people comment on something new, a school's calendar event say:

1. add an entry here, e.g.
   ``FeedbackTarget("calendar_event", _l("Calendar event"), CalendarEvent,
   school=lambda e: e.school, is_open=lambda e: e.school_id is not None,
   page=lambda e: ("calendar.school_calendar", {"slug": e.school.slug,
   "_anchor": f"event-{e.id}"}))``;
2. add "calendar_event" to `TARGET_TYPES` in portal/models/feedback.py, with an Alembic
   migration widening the table's `target_type_known` check constraint to the new value;
3. pass ``feedback=visible_feedback(school.id, "calendar_event")`` to the page's template and
   include the partial where the comments should appear (calendar/_partials/event.html):
   ``{% with target_type="calendar_event", target_id=event.id %}
   {% include "feedback/_partials/feedback.html" %}{% endwith %}``.

The form, the way back to the page, the moderation queue, the counts on the school page and the
permissions (the school's editors moderate) then work for it unchanged.

A comment belongs to one district, and to one school when its target has one: a school's
editors moderate a school's comments, district staff the district's own (those on a district
committee's agenda, a DELAC's), on the district's moderation page.

The functions take plain values, the district and the acting user; they never commit.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AgendaItem, Feedback, Goal, Investment, School
from portal.models.base import utcnow
from portal.models.feedback import FeedbackStatus, FeedbackVisibility
from portal.models.planning import PlanStatus
from portal.services import answer_watch
from portal.services.audit import record_audit
from portal.services.errors import Rejected
from portal.services.notices import announce

BODY_MAX, NAME_MAX, REASON_MAX, ANSWER_MAX, CHANGED_MAX = 2000, 100, 300, 2000, 300
BODY_MIN = 3  # shorter is a slip of the thumb, not a comment


@dataclass(frozen=True)
class FeedbackTarget:
    """One kind of thing people can comment on."""

    type: str  # stored in Feedback.target_type
    label: Any  # lazy text: what the thing is called ("Plan goal")
    model: type
    school: Callable[[Any], School | None]  # None: the district's own (district staff moderate)
    district_id: Callable[[Any], int]
    # Whether the public may comment on it now: only what the public can see takes comments.
    is_open: Callable[[Any], bool]
    # The public page that shows it: (endpoint, url_for values), for the way back after posting.
    page: Callable[[Any], tuple[str, dict]]


TARGETS: dict[str, FeedbackTarget] = {
    target.type: target
    for target in (
        FeedbackTarget(
            "goal",
            _l("Plan goal"),
            Goal,
            school=lambda goal: goal.plan.school,
            district_id=lambda goal: goal.plan.school.district_id,
            is_open=lambda goal: goal.plan.status != PlanStatus.DRAFT,
            page=lambda goal: (
                "plans.school_plan",
                {"slug": goal.plan.school.slug, "_anchor": f"goal-{goal.id}"},
            ),
        ),
        FeedbackTarget(
            "investment",
            _l("Budget investment"),
            Investment,
            school=lambda investment: investment.plan.school,
            district_id=lambda investment: investment.plan.school.district_id,
            is_open=lambda investment: investment.plan.status != PlanStatus.DRAFT,
            page=lambda investment: (
                "allocation.school_budget",
                {"slug": investment.plan.school.slug, "_anchor": "every-line"},
            ),
        ),
        FeedbackTarget(
            "agenda_item",
            _l("Agenda item"),
            AgendaItem,
            # A district committee's agenda (a DELAC's) has no school: district staff moderate.
            school=lambda item: item.meeting.committee.school,
            district_id=lambda item: item.meeting.committee.district_id,
            is_open=lambda item: item.meeting.agenda_posted_at is not None,
            page=lambda item: ("committees.meeting", {"meeting_id": item.meeting_id}),
        ),
    )
}


@dataclass(frozen=True)
class Found:
    """A thing open to feedback: its registry entry, its row, its school (None for the
    district's own) and its district."""

    target: FeedbackTarget
    row: Any
    school: School | None
    district_id: int

    @property
    def page(self) -> tuple[str, dict]:
        """(endpoint, url_for values) of the public page showing it."""
        return self.target.page(self.row)


def find_target(district, target_type: str, target_id: int | None) -> Found | None:
    """What a comment would be about, if it exists in `district` and is open to feedback now;
    None otherwise (unknown kind, no such row, a draft plan, an agenda not yet posted)."""
    target = TARGETS.get(target_type or "")
    if target is None or not target_id or district is None:
        return None
    row = db.session.get(target.model, target_id)
    if row is None or not target.is_open(row):
        return None
    if target.district_id(row) != district.id:
        return None
    return Found(target, row, target.school(row), district.id)


def target_of(feedback: Feedback, district) -> Found | None:
    """What an existing comment is about, while it is still open to feedback in `district`."""
    found = find_target(district, feedback.target_type, feedback.target_id)
    if found is None or found.district_id != feedback.district_id:
        return None
    return found if (found.school.id if found.school else None) == feedback.school_id else None


def target_label(target_type: str) -> str:
    """What a kind of target is called, in the reader's language."""
    target = TARGETS.get(target_type)
    return str(target.label) if target else ""


def leave_feedback(
    target_type: str,
    target_id: int,
    body: str,
    name: str,
    locale: str,
    district,
    email: str = "",
) -> Feedback:
    """Add a comment from anyone. It waits for review where the district pre-moderates, else
    it is published at once. `email`, if given, is kept apart from the comment to send its
    answer once (services/answer_watch.py). Raises LookupError when the target is not open to
    feedback."""
    found = find_target(district, target_type, target_id)
    if found is None:
        raise LookupError(f"{target_type} {target_id} is not open to feedback")
    body = (body or "").strip()[:BODY_MAX]
    errors = {}
    if len(body) < BODY_MIN:
        errors["body"] = _("Write your comment before sending it.")
    try:
        email = answer_watch.clean_address(email)
    except Rejected as error:
        errors.update(error.fields)
    if errors:
        raise Rejected(errors)
    premoderated = district.feedback_premoderation
    row = Feedback(
        district_id=found.district_id,
        school_id=found.school.id if found.school is not None else None,
        target_type=found.target.type,
        target_id=target_id,
        body=body,
        author_name=(name or "").strip()[:NAME_MAX],
        locale=locale,
        visibility=(
            FeedbackVisibility.PENDING if premoderated else FeedbackVisibility.VISIBLE
        ).value,
    )
    db.session.add(row)
    db.session.flush()  # the address and the notice name the comment by its id
    answer_watch.watch(row, email, locale)
    if premoderated:
        announce("comment_waiting", row)  # its moderators hear, as each chose
    return row


def flag(feedback: Feedback) -> None:
    """Someone reported a published comment; it comes first in the moderators' queue, and
    they hear of it (once per comment, however often it is reported)."""
    feedback.flag()
    db.session.flush()
    announce("comment_reported", feedback)


def _audit(actor, action: str, feedback: Feedback) -> None:
    record_audit(
        actor,
        f"feedback.{action}",
        "feedback",
        feedback.id,
        {"reason": feedback.hidden_reason, "status": feedback.status},
    )


def approve(feedback: Feedback, actor) -> None:
    """Publish a comment (waiting for review, or hidden earlier)."""
    feedback.approve(actor)
    _audit(actor, "approve", feedback)
    _tell_the_writer(feedback)


def hide(feedback: Feedback, actor, reason: str) -> None:
    """Hide a comment from the public; the reason is required and stays in the record."""
    reason = (reason or "").strip()[:REASON_MAX]
    if not reason:
        raise Rejected({"reason": _("Say why the comment is hidden.")})
    feedback.hide(actor, reason)
    _audit(actor, "hide", feedback)


def answer(feedback: Feedback, actor, status: str, answer: str, what_changed: str) -> None:
    """Answer a comment publicly, with where the school stands and what changed."""
    answer = (answer or "").strip()[:ANSWER_MAX]
    errors = {}
    if not answer:
        errors["answer"] = _("Write the answer.")
    if status not in {s.value for s in FeedbackStatus}:
        errors["status"] = _("Choose a status.")
    if errors:
        raise Rejected(errors)
    feedback.answer_with(status, answer, (what_changed or "").strip()[:CHANGED_MAX], utcnow())
    _audit(actor, "answer", feedback)
    _tell_the_writer(feedback)


def _tell_the_writer(feedback: Feedback) -> None:
    """Once the answer is public (published and answered, in either order), the one message
    to the writer who asked for it; its address is deleted with it."""
    target = TARGETS.get(feedback.target_type)
    row = db.session.get(target.model, feedback.target_id) if target else None
    answer_watch.deliver(feedback, target.page(row) if row is not None else None)


def moderation_queue(school: School, limit: int = 200) -> list[Feedback]:
    """A school's comments for its moderators: waiting for review first, then the most
    reported, then the newest."""
    return _queue(Feedback.school_id == school.id, limit)


def district_moderation_queue(district, limit: int = 200) -> list[Feedback]:
    """The district's own comments (on its committees' agendas) for district staff, in the
    same order as a school's queue."""
    return _queue((Feedback.district_id == district.id) & Feedback.school_id.is_(None), limit)


def _queue(where, limit: int) -> list[Feedback]:
    return list(
        db.session.scalars(
            select(Feedback)
            .where(where)
            .order_by(
                (Feedback.visibility == FeedbackVisibility.PENDING.value).desc(),
                Feedback.flags.desc(),
                Feedback.id.desc(),
            )
            .limit(limit)
        )
    )


def visible_feedback(
    school_id: int | None, target_type: str, district_id: int | None = None
) -> dict[int, list[Feedback]]:
    """Published feedback for a page, by target id, oldest first, in one query: a school's
    (`school_id`), or the district's own (`school_id` None, `district_id` given)."""
    if school_id is None:
        place = (Feedback.school_id.is_(None), Feedback.district_id == district_id)
    else:
        place = (Feedback.school_id == school_id,)
    rows = db.session.scalars(
        select(Feedback)
        .where(
            *place,
            Feedback.target_type == target_type,
            Feedback.visibility == FeedbackVisibility.VISIBLE.value,
        )
        .order_by(Feedback.created_at)
    )
    grouped: dict[int, list[Feedback]] = {}
    for row in rows:
        grouped.setdefault(row.target_id, []).append(row)
    return grouped


def feedback_counts(school_id: int, since: datetime) -> tuple[int, int]:
    """(received, answered) comments on a school since `since` (the school year's start)."""
    received, answered = db.session.execute(
        select(func.count(Feedback.id), func.count(Feedback.answered_at)).where(
            Feedback.school_id == school_id, Feedback.created_at >= since
        )
    ).one()
    return received, answered
