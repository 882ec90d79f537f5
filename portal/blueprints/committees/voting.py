"""Votes: the running tally on the principal's screen, the secretary's record of the votes of
members present, closing the vote, and a member's own vote on their phone. Every vote goes
through services/votes.py (one path: `Motion.record_vote`)."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.blueprints.committees import bp
from portal.blueprints.committees.forms import VoteForm, record_votes_form
from portal.blueprints.committees.loading import meeting_or_404, motion_to_run, seat_or_403
from portal.extensions import db
from portal.htmx import render
from portal.models import Meeting
from portal.models.base import IllegalMove
from portal.permissions import MEMBERS, OFFICERS, role_required
from portal.services import votes


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
    """The secretary records the votes of members present (those not voting on a phone)."""
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
