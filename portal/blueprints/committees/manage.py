"""Principals and officers: committees, rosters and the quorum, meetings, agendas, documents,
attendance and opening motions (the votes are in voting.py). Each handler loads (404), checks
(403), validates its form, calls one service and commits; a refused form comes back with 422
and everything typed."""

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.blueprints.committees import bp
from portal.blueprints.committees.forms import (
    AgendaItemForm,
    AttendanceForm,
    CommitteeForm,
    DocumentForm,
    MeetingForm,
    MemberForm,
    MotionForm,
    NewMeetingForm,
    QuorumForm,
    record_votes_form,
)
from portal.blueprints.committees.loading import (
    committee_to_manage,
    committee_to_run,
    meeting_to_run,
)
from portal.blueprints.school_access import editable_school_or_404
from portal.extensions import db
from portal.forms import saved
from portal.models import Committee, Meeting
from portal.models.base import utcnow
from portal.permissions import OFFICERS, SCHOOL_EDITORS, role_required
from portal.services import meetings, rosters, votes
from portal.services.committee_record import posting_deadline, roster_now


def _to_committee(committee: Committee):
    return redirect(url_for("committees.manage_committee", committee_id=committee.id), code=303)


def _to_meeting(meeting: Meeting):
    return redirect(url_for("committees.manage_meeting", meeting_id=meeting.id), code=303)


def _district_form(form_class, **kwargs):
    """A form of the district's: its per-language groups need the district's main language."""
    return form_class(main_locale=g.district.default_locale, **kwargs)


@bp.route("/manage/schools/<slug>/committees", methods=["GET", "POST"])
@role_required(*SCHOOL_EDITORS)
def manage_school(slug: str):
    """A school's committees; add one of the guidebook's kinds."""
    school = editable_school_or_404(slug)
    form = _district_form(CommitteeForm)
    created = []  # the new committee, for its page
    if saved(
        form,
        lambda: created.append(
            rosters.create_committee(school, g.district, current_user, **form.committee())
        ),
    ):
        return _to_committee(created[0])
    return render_template(
        "committees/manage_school.html",
        school=school,
        committees=rosters.committees_of(school),
        form=form,
    ), 422 if form.is_submitted() else 200


def _committee_page(committee: Committee, failed: str = "", form=None, status: int = 200):
    """The committee's staff page. After a refused post, `failed` names the form sent (member,
    quorum, meeting), shown as `form` with what was typed; the others are drawn fresh."""
    current, problems = roster_now(committee, g.district)
    forms = {
        "member": MemberForm(formdata=None),
        "quorum": QuorumForm(formdata=None, obj=committee),
        "meeting": _district_form(NewMeetingForm, formdata=None),
    }
    if failed:
        forms[failed] = form
    return render_template(
        "committees/manage_committee.html",
        committee=committee,
        current=current,
        problems=problems,
        failed=failed,
        member_form=forms["member"],
        quorum_form=forms["quorum"],
        meeting_form=forms["meeting"],
    ), status


@bp.get("/manage/committees/<int:committee_id>")
@role_required(*OFFICERS)
def manage_committee(committee_id: int):
    """The roster against the composition rules, the quorum, and the committee's meetings."""
    return _committee_page(committee_to_run(committee_id))


@bp.post("/manage/committees/<int:committee_id>/members")
@role_required(*SCHOOL_EDITORS)
def add_member(committee_id: int):
    committee = committee_to_manage(committee_id)
    form = MemberForm()
    if saved(form, lambda: rosters.add_member(committee, current_user, **form.member())):
        flash(_("Member added."), "success")
        return _to_committee(committee)
    return _committee_page(committee, "member", form, 422)


@bp.post("/manage/committees/<int:committee_id>/rules")
@role_required(*SCHOOL_EDITORS)
def committee_rules(committee_id: int):
    """The committee's quorum: more than this share of seated members present."""
    committee = committee_to_manage(committee_id)
    form = QuorumForm()
    if saved(form, lambda: rosters.set_quorum(committee, current_user, form.quorum_percent.data)):
        flash(_("Saved."), "success")
        return _to_committee(committee)
    return _committee_page(committee, "quorum", form, 422)


@bp.post("/manage/committees/<int:committee_id>/meetings")
@role_required(*OFFICERS)
def add_meeting(committee_id: int):
    """A meeting: one record, which the committee page, the school calendar and its .ics feed
    all read."""
    committee = committee_to_run(committee_id)
    form = _district_form(NewMeetingForm)
    created = []  # the new meeting, for its page
    if saved(
        form,
        lambda: created.append(
            meetings.add_meeting(committee, g.district, current_user, **form.details())
        ),
    ):
        return _to_meeting(created[0])
    return _committee_page(committee, "meeting", form, 422)


def _meeting_page(meeting: Meeting, failed: str = "", form=None, status: int = 200):
    """The meeting's staff page. After a refused post, `failed` names the form sent (details,
    agenda, document, motion), shown as `form` with what was typed; the others fresh."""
    seated = meetings.seated_members(meeting, g.district)
    present = [m for m in seated if m.id in meeting.present_ids]
    forms = {
        "details": _district_form(MeetingForm, formdata=None).fill(meeting, g.district.timezone),
        "agenda": _district_form(AgendaItemForm, formdata=None),
        "document": DocumentForm(formdata=None),
        "motion": _district_form(MotionForm, formdata=None),
    }
    if failed:
        forms[failed] = form
    attendance = AttendanceForm(formdata=None, present=sorted(meeting.present_ids))
    attendance.present.choices = [SelectChoice(m.id, f"{m.name} ({m.seat_label})") for m in seated]
    return render_template(
        "committees/manage_meeting.html",
        meeting=meeting,
        committee=meeting.committee,
        seated=seated,
        deadline=posting_deadline(meeting),
        late_now=utcnow() > posting_deadline(meeting),
        failed=failed,
        details_form=forms["details"],
        agenda_form=forms["agenda"],
        document_form=forms["document"],
        motion_form=forms["motion"].offer(seated, meeting.committee),
        attendance_form=attendance,
        vote_forms={
            m.id: record_votes_form(m, present, posted=False) for m in meeting.motions if m.is_open
        },
    ), status


@bp.get("/manage/meetings/<int:meeting_id>")
@role_required(*OFFICERS)
def manage_meeting(meeting_id: int):
    """Agenda and its posting, attendance, motions and the live tally."""
    return _meeting_page(meeting_to_run(meeting_id))


@bp.post("/manage/meetings/<int:meeting_id>/details")
@role_required(*OFFICERS)
def edit_meeting(meeting_id: int):
    """Change a meeting's title, time or place: the committee page, the calendar and the feed
    all show the change, and subscribed phones move the meeting."""
    meeting = meeting_to_run(meeting_id)
    form = _district_form(MeetingForm)
    if saved(
        form, lambda: meetings.edit_meeting(meeting, g.district, current_user, **form.details())
    ):
        flash(_("Meeting saved."), "success")
        return _to_meeting(meeting)
    return _meeting_page(meeting, "details", form, 422)


@bp.post("/manage/meetings/<int:meeting_id>/agenda")
@role_required(*OFFICERS)
def add_agenda_item(meeting_id: int):
    meeting = meeting_to_run(meeting_id)
    form = _district_form(AgendaItemForm)
    if saved(
        form,
        lambda: meetings.add_agenda_item(
            meeting, g.district, current_user, form.translations("item")
        ),
    ):
        return _to_meeting(meeting)
    return _meeting_page(meeting, "agenda", form, 422)


@bp.post("/manage/meetings/<int:meeting_id>/post")
@role_required(*OFFICERS)
def post_agenda(meeting_id: int):
    """Make the agenda public; the record keeps when, so a late posting shows."""
    meeting = meeting_to_run(meeting_id)
    if meetings.post_agenda(meeting, current_user):
        db.session.commit()
    return _to_meeting(meeting)


@bp.post("/manage/meetings/<int:meeting_id>/attendance")
@role_required(*OFFICERS)
def attendance(meeting_id: int):
    meeting = meeting_to_run(meeting_id)
    form = AttendanceForm()
    form.validate_on_submit()  # only the CSRF token can fail; the model keeps members only
    meetings.take_attendance(meeting, current_user, form.present.data or [])
    db.session.commit()
    return _to_meeting(meeting)


@bp.post("/manage/meetings/<int:meeting_id>/documents")
@role_required(*OFFICERS)
def upload_document(meeting_id: int):
    """Attach a PDF or a picture to a meeting."""
    meeting = meeting_to_run(meeting_id)
    form = DocumentForm()
    if saved(
        form,
        lambda: meetings.attach_document(meeting, current_user, form.title.data, form.upload()),
    ):
        return _to_meeting(meeting)
    return _meeting_page(meeting, "document", form, 422)


@bp.post("/manage/meetings/<int:meeting_id>/motions")
@role_required(*OFFICERS)
def add_motion(meeting_id: int):
    meeting = meeting_to_run(meeting_id)
    form = _district_form(MotionForm).offer(
        meetings.seated_members(meeting, g.district), meeting.committee
    )
    if saved(form, lambda: votes.open_motion(meeting, g.district, current_user, **form.motion())):
        return _to_meeting(meeting)
    return _meeting_page(meeting, "motion", form, 422)
