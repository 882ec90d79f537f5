"""Feedback from the community on goals, investments and agenda items: anyone may write (no
account), a principal or officer approves or hides it, and answers it publicly ("you said, we
did")."""

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from portal.blueprints.committees import bp
from portal.blueprints.school_access import editable_school_or_404
from portal.extensions import db, limiter
from portal.forms import parse_int
from portal.models import AgendaItem, Feedback, Goal, Investment, School
from portal.models.base import utcnow
from portal.models.planning import PlanStatus
from portal.permissions import SCHOOL_EDITORS, public, role_required
from portal.services.audit import record_audit

STATUSES = ("received", "considered", "acted_on", "not_adopted")
STATUS_LABELS = {
    "received": _l("Received"),
    "considered": _l("Being considered"),
    "acted_on": _l("Acted on"),
    "not_adopted": _l("Not adopted"),
}


@bp.app_template_global("feedback_status_label")
def feedback_status_label(status: str) -> str:
    return STATUS_LABELS.get(status, "")


def _target(target_type: str, target_id: int):
    """(school_id, page URL) of what the feedback is about, or None."""
    if target_type == "goal":
        goal = db.session.get(Goal, target_id)
        # Only what the public can see takes comments: a draft plan is not shown to anyone.
        if goal is None or goal.plan.status == PlanStatus.DRAFT:
            return None
        school = goal.plan.school
        return school, url_for("plans.school_plan", slug=school.slug) + f"#goal-{goal.id}"
    if target_type == "investment":
        investment = db.session.get(Investment, target_id)
        if investment is None or investment.plan.status == PlanStatus.DRAFT:
            return None
        school = investment.plan.school
        return school, url_for("allocation.school_budget", slug=school.slug) + "#every-line"
    if target_type == "agenda_item":
        item = db.session.get(AgendaItem, target_id)
        if item is None or item.meeting.agenda_posted_at is None:  # not posted: not public
            return None
        return item.meeting.committee.school, url_for(
            "committees.meeting", meeting_id=item.meeting_id
        )
    return None


def visible_feedback(school_id: int, target_type: str) -> dict[int, list[Feedback]]:
    """Published feedback for a page, by target, in one query."""
    rows = db.session.scalars(
        select(Feedback)
        .where(
            Feedback.school_id == school_id,
            Feedback.target_type == target_type,
            Feedback.visibility == "visible",
        )
        .order_by(Feedback.created_at)
    )
    grouped: dict[int, list[Feedback]] = {}
    for row in rows:
        grouped.setdefault(row.target_id, []).append(row)
    return grouped


def feedback_counts(school_id: int, since) -> tuple[int, int]:
    """(received, answered) this school year."""
    received, answered = db.session.execute(
        select(func.count(Feedback.id), func.count(Feedback.answered_at)).where(
            Feedback.school_id == school_id, Feedback.created_at >= since
        )
    ).one()
    return received, answered


@bp.post("/feedback")
@limiter.limit(lambda: current_app.config.get("FEEDBACK_RATE_LIMIT", "20 per hour"))
@public
def leave_feedback():
    """Anyone can comment; it shows once approved (or at once without pre-moderation)."""
    form = request.form
    target_type = form.get("target_type", "")
    target_id = parse_int(form.get("target_id"), 1, 2**31) or 0
    found = _target(target_type, target_id)
    if found is None or found[0].district_id != g.district.id:
        abort(404)
    school, back = found
    if form.get("website"):  # the honeypot
        return redirect(back, code=303)
    body = (form.get("body") or "").strip()[:2000]
    if len(body) < 3:
        flash(_("Write your comment before sending it."), "error")
        return redirect(back, code=303)
    premoderated = g.district.feedback_premoderation
    db.session.add(
        Feedback(
            school_id=school.id,
            target_type=target_type,
            target_id=target_id,
            body=body,
            author_name=(form.get("name") or "").strip()[:100],
            locale=str(get_locale()),
            visibility="pending" if premoderated else "visible",
        )
    )
    db.session.commit()
    flash(
        _("Thank you. Your comment will appear after a quick review.")
        if premoderated
        else _("Thank you. Your comment is published."),
        "success",
    )
    return redirect(back, code=303)


@bp.post("/feedback/<int:feedback_id>/flag")
@limiter.limit("30 per hour")
@public
def flag_feedback(feedback_id: int):
    """Anyone can flag a comment for the moderators to look at again."""
    row = db.session.get(Feedback, feedback_id)
    found = _target(row.target_type, row.target_id) if row else None
    if row is None or found is None or found[0].district_id != g.district.id:
        abort(404)
    row.flags += 1
    db.session.commit()
    flash(_("Thank you. A moderator will look at it."), "success")
    return redirect(found[1], code=303)


def _moderation_page(school: School, status=200, errors=None, form=None, failed=None):
    """The queue; after a refused post, `failed` is the comment whose form shows its typed
    values (`form`) and `errors` again."""
    rows = list(
        db.session.scalars(
            select(Feedback)
            .where(Feedback.school_id == school.id)
            .order_by(
                (Feedback.visibility == "pending").desc(), Feedback.flags.desc(), Feedback.id.desc()
            )
            .limit(200)
        )
    )
    return render_template(
        "committees/moderate.html",
        school=school,
        rows=rows,
        statuses=STATUSES,
        errors=errors or {},
        form=form or {},
        failed=failed,
    ), status


@bp.get("/manage/schools/<slug>/feedback")
@role_required(*SCHOOL_EDITORS)
def moderate(slug: str):
    """The moderation queue first, then everything else, flagged first."""
    return _moderation_page(editable_school_or_404(slug))


def _own_feedback(school: School, feedback_id: int) -> Feedback:
    row = db.session.get(Feedback, feedback_id)
    if row is None or row.school_id != school.id:
        abort(404)
    return row


@bp.post("/manage/schools/<slug>/feedback/<int:feedback_id>")
@role_required(*SCHOOL_EDITORS)
def moderate_one(slug: str, feedback_id: int):
    """Approve, hide (with a reason), or answer a comment."""
    school = editable_school_or_404(slug)
    row = _own_feedback(school, feedback_id)
    action = request.form.get("action")
    if action == "approve":
        row.visibility, row.moderated_by_id = "visible", current_user.id
    elif action == "hide":
        reason = (request.form.get("reason") or "").strip()[:300]
        if not reason:
            errors = {f"reason-{row.id}": _("Say why the comment is hidden.")}
            return _moderation_page(school, 422, errors, request.form, row.id)
        row.visibility, row.moderated_by_id, row.hidden_reason = "hidden", current_user.id, reason
    elif action == "answer":
        status = request.form.get("status")
        answer = (request.form.get("answer") or "").strip()[:2000]
        errors = {}
        if not answer:
            errors[f"answer-{row.id}"] = _("Write the answer.")
        if status not in STATUSES:
            errors[f"status-{row.id}"] = _("Choose a status.")
        if errors:
            return _moderation_page(school, 422, errors, request.form, row.id)
        row.status, row.answer, row.answered_at = status, answer, utcnow()
        row.what_changed = (request.form.get("what_changed") or "").strip()[:300]
    else:
        abort(400)
    record_audit(
        current_user,
        f"feedback.{action}",
        "feedback",
        row.id,
        {"reason": row.hidden_reason, "status": row.status},
    )
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("committees.moderate", slug=slug), code=303)
