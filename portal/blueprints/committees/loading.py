"""Finding a committee's rows for a request: 404 when they are not this district's, 403 when
the signed-in user may not do what the page does (the rules are portal.permissions'), and 404
again when the committee is another school's (refusal_status)."""

from flask import abort, g
from flask_login import current_user

from portal.access import deny
from portal.extensions import db
from portal.models import Committee, Meeting, MinutesAmendment, Motion
from portal.permissions import can_manage_committee, can_run_committee, member_of, refusal_status


def committee_or_404(committee_id: int) -> Committee:
    """A committee of this district (one of its schools' or its own), or 404."""
    committee = db.session.get(Committee, committee_id)
    if committee is None or g.district is None or committee.district_id != g.district.id:
        abort(404)
    return committee


def meeting_or_404(meeting_id: int) -> Meeting:
    """A meeting of one of this district's committees, or 404."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    committee_or_404(meeting.committee_id)
    return meeting


def committee_to_run(committee_id: int) -> Committee:
    """A committee whose meetings the signed-in user runs (officers, principals, district)."""
    committee = committee_or_404(committee_id)
    if not can_run_committee(current_user, committee):
        deny(
            refusal_status(current_user, committee.school, seat=member_of(current_user, committee))
        )
    return committee


def committee_to_manage(committee_id: int) -> Committee:
    """A committee whose roster and rules the signed-in user sets (the school's editors)."""
    committee = committee_or_404(committee_id)
    if not can_manage_committee(current_user, committee):
        deny(
            refusal_status(current_user, committee.school, seat=member_of(current_user, committee))
        )
    return committee


def meeting_to_run(meeting_id: int) -> Meeting:
    meeting = meeting_or_404(meeting_id)
    committee_to_run(meeting.committee_id)
    return meeting


def motion_to_run(motion_id: int) -> Motion:
    """A motion of a meeting the signed-in user runs, else 404/403."""
    motion = db.session.get(Motion, motion_id)
    if motion is None:
        abort(404)
    meeting_to_run(motion.meeting_id)
    return motion


def amendment_to_decide(minutes_id: int, amendment_id: int) -> MinutesAmendment:
    """An amendment to these minutes, of a meeting the signed-in user runs, else 404/403."""
    amendment = db.session.get(MinutesAmendment, amendment_id)
    if amendment is None or amendment.minutes_id != minutes_id:
        abort(404)
    committee_to_run(amendment.minutes.meeting.committee_id)
    return amendment


def seat_or_403(meeting: Meeting):
    """The signed-in user's seat on the meeting's committee, else 403."""
    member = member_of(current_user, meeting.committee)
    if member is None:
        deny(refusal_status(current_user, meeting.committee.school))
    return member


def attending_seat_or_403(meeting: Meeting):
    """The signed-in user's seat, if they attended this meeting; else 403."""
    member = seat_or_403(meeting)
    if member.id not in meeting.present_ids:
        abort(403)
    return member
