"""Votes: the running tally on the principal's screen, the secretary's record of the votes of
members present who have not voted, closing the vote, a member's own vote on their phone, and a
past meeting's decision taken on paper, recorded afterwards. Every vote goes through
services/votes.py (one path: `Motion.record_vote`)."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.blueprints.committees import bp
from portal.blueprints.committees.forms import (
    RecordAfterwardsForm,
    VoteForm,
    record_votes_form,
)
from portal.blueprints.committees.loading import (
    meeting_or_404,
    meeting_to_run,
    motion_to_run,
    seat_or_403,
)
from portal.extensions import db
from portal.forms import saved
from portal.htmx import render
from portal.models import Meeting
from portal.models.base import IllegalMove
from portal.permissions import MEMBERS, OFFICERS, role_required
from portal.services import votes
from portal.services.meetings import seated_members


def _to_meeting(meeting: Meeting):
    return redirect(url_for("committees.manage_meeting", meeting_id=meeting.id), code=303)


@bp.get("/manage/motions/<int:motion_id>/tally")
@role_required(*OFFICERS)
def tally(motion_id: int):
    """The running tally, polled by htmx on the principal's screen."""
    motion = motion_to_run(motion_id)
    return render(
        "committees/tally_page.html",
        "committees/_partials/tally.html",
        f"tally-{motion.id}",
        motion=motion,
    )


@bp.post("/manage/motions/<int:motion_id>/votes")
@role_required(*OFFICERS)
def record_votes(motion_id: int):
    """The secretary records the votes of members present who have not voted on a phone."""
    motion = motion_to_run(motion_id)
    present = [m for m in motion.meeting.committee.members if m.id in motion.meeting.present_ids]
    form = record_votes_form(motion, present)
    form.validate_on_submit()  # only the CSRF token can fail; anything else is "not recorded"
    votes.record_votes(motion, form.choices(), current_user)
    db.session.commit()
    return _to_meeting(motion.meeting)


@bp.post("/manage/motions/<int:motion_id>/close")
@role_required(*OFFICERS)
def close(motion_id: int):
    """Close the vote: the outcome is computed and the record can no longer change."""
    motion = motion_to_run(motion_id)
    votes.close_motion(motion, g.district, current_user)
    db.session.commit()
    return _to_meeting(motion.meeting)


@bp.route("/meetings/<int:meeting_id>/vote", methods=["GET", "POST"])
@role_required(*MEMBERS)
def vote(meeting_id: int):
    """A member signed in on a phone votes on the meeting's open motions."""
    meeting = meeting_or_404(meeting_id)
    member = seat_or_403(meeting)
    form, refused = VoteForm(), None
    if form.is_submitted():
        chosen = form.validate() and form.motion_id.data
        motion = next((m for m in meeting.motions if m.id == chosen), None)
        if motion is None:
            abort(400)
        try:
            votes.cast_vote(motion, member, form.choice.data, current_user)
        except IllegalMove as error:
            db.session.rollback()
            refused = str(error.args[0])
        else:
            db.session.commit()
            flash(_("Your vote is recorded."), "success")
            return redirect(url_for("committees.vote", meeting_id=meeting.id), code=303)
    return render_template(
        "committees/vote.html", meeting=meeting, member=member, error=refused
    ), 409 if refused else 200


@bp.route("/manage/meetings/<int:meeting_id>/recorded-afterwards", methods=["GET", "POST"])
@role_required(*OFFICERS)
def record_afterwards(meeting_id: int):
    """A past meeting's decision taken on paper: an officer enters the motion and its vote from
    the signed signature page, which is attached; the public record says it was recorded
    afterwards, by whom and when."""
    meeting = meeting_to_run(meeting_id)
    form = RecordAfterwardsForm(main_locale=g.district.default_locale)
    form.offer(seated_members(meeting, g.district))
    if saved(
        form,
        lambda: votes.record_afterwards(meeting, g.district, current_user, **form.record()),
    ):
        flash(_("The decision is on the record, marked as recorded afterwards."), "success")
        return _to_meeting(meeting)
    return render_template(
        "committees/record_afterwards.html", meeting=meeting, form=form
    ), 422 if form.is_submitted() else 200
