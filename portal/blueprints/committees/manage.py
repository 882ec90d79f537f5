"""Principals and officers: rosters, meetings, agendas, attendance, motions and votes."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.blueprints.committees import bp
from portal.blueprints.school_access import editable_school_or_404
from portal.content.sample_agendas import SAMPLE_AGENDAS
from portal.extensions import db
from portal.forms import parse_date, parse_int, parse_time, translations
from portal.htmx import render
from portal.i18n import pick
from portal.models import (
    AgendaItem,
    Committee,
    CommitteeMember,
    Meeting,
    MeetingDocument,
    Motion,
    MotionVote,
    Role,
)
from portal.models.base import utcnow
from portal.models.committees import CommitteeKind, Seat
from portal.permissions import SCHOOL_EDITORS, can_edit_school, role_required
from portal.services.audit import record_audit
from portal.services.committee_record import (
    close_motion,
    posting_deadline,
    roster_now,
    schedule_meeting,
)
from portal.services.images import ImageRejected, process_image

OFFICERS = (Role.PRINCIPAL, Role.DISTRICT, Role.COUNCIL)


def committee_or_404(committee_id: int) -> Committee:
    """A committee of one of this district's schools, or 404."""
    committee = db.session.get(Committee, committee_id)
    if committee is None or g.district is None or committee.school.district_id != g.district.id:
        abort(404)
    return committee


def meeting_or_404(meeting_id: int) -> Meeting:
    """A meeting of one of this district's committees, or 404."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    committee_or_404(meeting.committee_id)
    return meeting


def _member_of(committee: Committee) -> CommitteeMember | None:
    return next((m for m in committee.members if m.user_id == current_user.id), None)


def _may_run(committee: Committee) -> bool:
    """Principals of the school, district staff, and the committee's chair or secretary."""
    if can_edit_school(current_user, committee.school):
        return True
    member = _member_of(committee)
    return member is not None and member.officer in ("chair", "secretary")


def _require_run(committee: Committee) -> None:
    if not _may_run(committee):
        abort(403)


def meeting_to_run(meeting_id: int) -> Meeting:
    """A meeting the signed-in user may run (officer, principal or district staff), else 404/403."""
    meeting = meeting_or_404(meeting_id)
    _require_run(meeting.committee)
    return meeting


@bp.route("/manage/schools/<slug>/committees", methods=["GET", "POST"])
@role_required(*SCHOOL_EDITORS)
def manage_school(slug: str):
    """A school's committees; add one of the guidebook's kinds."""
    school = editable_school_or_404(slug)
    errors, form = {}, request.form
    if request.method == "POST":
        kind = form.get("kind")
        name = translations(form, "name", 200)
        purpose = translations(form, "purpose", 1000)
        if kind not in {k.value for k in CommitteeKind}:
            errors["kind"] = _("Choose the kind of committee.")
        if not purpose.get(g.district.default_locale):
            errors["purpose"] = _("Say what the committee does, in plain words.")
        if not errors:
            if not name.get(g.district.default_locale):
                name[g.district.default_locale] = str(CommitteeKind(kind).label)
            committee = Committee(
                school_id=school.id,
                kind=kind,
                name=name,
                purpose=purpose,
                source_locale=g.district.default_locale,
            )
            db.session.add(committee)
            db.session.commit()
            return redirect(
                url_for("committees.manage_committee", committee_id=committee.id), code=303
            )
    committees = list(db.session.scalars(select(Committee).where(Committee.school_id == school.id)))
    return render_template(
        "committees/manage_school.html",
        school=school,
        committees=committees,
        kinds=[(k.value, k.label) for k in CommitteeKind],
        errors=errors,
        form=form if errors else {},
    ), 422 if errors else 200


def _committee_page(committee: Committee, status=200, errors=None, form=None, failed=""):
    """The committee's staff page; after a refused post, `failed` names the form whose typed
    values (`form`) and `errors` are shown again."""
    current, problems = roster_now(committee, g.district)
    return render_template(
        "committees/manage_committee.html",
        committee=committee,
        current=current,
        problems=problems,
        seats=[(s.value, s.label) for s in Seat],
        samples=[(key, pick(value["title"]).text) for key, value in SAMPLE_AGENDAS.items()],
        errors=errors or {},
        form=form or {},
        failed=failed,
    ), status


@bp.get("/manage/committees/<int:committee_id>")
@role_required(*OFFICERS)
def manage_committee(committee_id: int):
    """The roster against the composition rules, and the committee's meetings."""
    committee = committee_or_404(committee_id)
    _require_run(committee)
    return _committee_page(committee)


@bp.post("/manage/committees/<int:committee_id>/members")
@role_required(*SCHOOL_EDITORS)
def add_member(committee_id: int):
    committee = committee_or_404(committee_id)
    if not can_edit_school(current_user, committee.school):
        abort(403)
    form, errors = request.form, {}
    name = (form.get("name") or "").strip()[:200]
    start = parse_date(form.get("term_start"))
    end = parse_date(form.get("term_end")) if form.get("term_end") else None
    if not name:
        errors["name"] = _("Enter the member's name.")
    if form.get("seat") not in {s.value for s in Seat}:
        errors["seat"] = _("Choose the seat.")
    if form.get("officer", "") not in ("", "chair", "secretary"):
        errors["officer"] = _("Choose an officer role or none.")
    if start is None:
        errors["term_start"] = _("Enter a date such as 2026-09-01.")
    if form.get("term_end") and (end is None or (start and end < start)):
        errors["term_end"] = _("Enter an end date after the start, or leave it empty.")
    user_id = None
    if form.get("email"):
        from portal.models import User

        user = db.session.scalars(
            select(User).where(User.email == form["email"].strip().lower())
        ).first()
        if user is None:
            errors["email"] = _("No account has this e-mail address.")
        else:
            user_id = user.id
    if errors:
        return _committee_page(committee, 422, errors, form, "member")
    committee.members.append(
        CommitteeMember(
            name=name,
            seat=form["seat"],
            officer=form.get("officer", ""),
            term_start=start,
            term_end=end,
            user_id=user_id,
            name_public=bool(form.get("name_public")),
            parent_of_english_learner=bool(form.get("parent_of_english_learner")),
        )
    )
    record_audit(
        current_user,
        "member.added",
        "committee",
        committee.id,
        {"name": name, "seat": form["seat"]},
    )
    db.session.commit()
    flash(_("Member added."), "success")
    return redirect(url_for("committees.manage_committee", committee_id=committee.id), code=303)


def parse_meeting(form, sample=None) -> tuple[dict, dict]:
    """A meeting form -> (values, errors). The time is typed in the district's time zone and
    stored in UTC; a sample agenda gives the title when none is typed."""
    errors = {}
    title = translations(form, "title", 200)
    if sample and not title.get(g.district.default_locale):
        title = dict(sample["title"])
    day, clock = parse_date(form.get("day")), parse_time(form.get("starts"))
    if not title.get(g.district.default_locale):
        errors["title"] = _("Give the meeting a title in the district's main language.")
    if day is None:
        errors["day"] = _("Enter a date such as 2026-12-03.")
    if clock is None:
        errors["starts"] = _("Enter a time such as 18:30.")
    if errors:
        return {}, errors
    return {
        "title": title,
        "starts_at": datetime.combine(day, clock, ZoneInfo(g.district.timezone)).astimezone(UTC),
        "place": (form.get("place") or "").strip()[:300],
        "interpretation": bool(form.get("interpretation")),
        "childcare": bool(form.get("childcare")),
    }, {}


@bp.post("/manage/committees/<int:committee_id>/meetings")
@role_required(*OFFICERS)
def add_meeting(committee_id: int):
    """A meeting: one record, which the committee page, the school calendar and its .ics feed
    all read."""
    committee = committee_or_404(committee_id)
    _require_run(committee)
    sample = SAMPLE_AGENDAS.get(request.form.get("sample", ""))
    values, errors = parse_meeting(request.form, sample)
    if errors:
        return _committee_page(committee, 422, errors, request.form, "meeting")
    meeting = Meeting(source_locale=g.district.default_locale, **values)
    committee.meetings.append(meeting)
    if sample:
        meeting.agenda = [
            AgendaItem(title=dict(item), position=n, source_locale="en")
            for n, item in enumerate(sample["items"])
        ]
    db.session.flush()
    schedule_meeting(meeting, g.district, sample["phase"] if sample else None)
    record_audit(
        current_user,
        "meeting.added",
        "meeting",
        meeting.id,
        {"starts_at": meeting.starts_at.isoformat()},
    )
    db.session.commit()
    return redirect(url_for("committees.manage_meeting", meeting_id=meeting.id), code=303)


@bp.post("/manage/meetings/<int:meeting_id>/details")
@role_required(*OFFICERS)
def edit_meeting(meeting_id: int):
    """Change a meeting's title, time or place: the committee page, the calendar and the feed
    all show the change, and subscribed phones move the meeting."""
    meeting = meeting_to_run(meeting_id)
    values, errors = parse_meeting(request.form)
    if errors:
        return _meeting_page(meeting, 422, errors, request.form, "details")
    for key, value in values.items():
        setattr(meeting, key, value)
    schedule_meeting(meeting, g.district)
    record_audit(
        current_user,
        "meeting.changed",
        "meeting",
        meeting.id,
        {"starts_at": meeting.starts_at.isoformat()},
    )
    db.session.commit()
    flash(_("Meeting saved."), "success")
    return redirect(url_for("committees.manage_meeting", meeting_id=meeting.id), code=303)


def _meeting_page(meeting: Meeting, status=200, errors=None, form=None, failed=""):
    """The meeting's staff page; after a refused post, `failed` names the form whose typed
    values (`form`) and `errors` are shown again."""
    committee = meeting.committee
    day = meeting.starts_at.astimezone(ZoneInfo(g.district.timezone)).date()
    seated = [m for m in committee.members if m.seated_on(day)]
    return render_template(
        "committees/manage_meeting.html",
        meeting=meeting,
        committee=committee,
        seated=seated,
        member_options=[(m.id, m.name) for m in seated],
        deadline=posting_deadline(meeting),
        late_now=utcnow() > posting_deadline(meeting),
        errors=errors or {},
        form=form or {},
        failed=failed,
    ), status


@bp.get("/manage/meetings/<int:meeting_id>")
@role_required(*OFFICERS)
def manage_meeting(meeting_id: int):
    """Agenda and its posting, attendance, motions and the live tally."""
    meeting = meeting_to_run(meeting_id)
    return _meeting_page(meeting)


@bp.post("/manage/meetings/<int:meeting_id>/agenda")
@role_required(*OFFICERS)
def add_agenda_item(meeting_id: int):
    meeting = meeting_to_run(meeting_id)
    title = translations(request.form, "item", 300)
    if not title.get(g.district.default_locale):
        return _meeting_page(
            meeting,
            422,
            {"item": _("Write the agenda item in the district's main language.")},
            request.form,
            "agenda",
        )
    meeting.agenda.append(
        AgendaItem(
            title=title, position=len(meeting.agenda), source_locale=g.district.default_locale
        )
    )
    record_audit(current_user, "agenda.item_added", "meeting", meeting.id, {"title": title})
    db.session.commit()
    return redirect(url_for("committees.manage_meeting", meeting_id=meeting.id), code=303)


@bp.post("/manage/meetings/<int:meeting_id>/post")
@role_required(*OFFICERS)
def post_agenda(meeting_id: int):
    """Make the agenda public; the record keeps when, so a late posting shows."""
    meeting = meeting_to_run(meeting_id)
    if meeting.agenda_posted_at is None:
        meeting.agenda_posted_at = utcnow()
        record_audit(
            current_user,
            "agenda.posted",
            "meeting",
            meeting.id,
            {"late": meeting.agenda_posted_at > posting_deadline(meeting)},
        )
        db.session.commit()
    return redirect(url_for("committees.manage_meeting", meeting_id=meeting.id), code=303)


@bp.post("/manage/meetings/<int:meeting_id>/attendance")
@role_required(*OFFICERS)
def attendance(meeting_id: int):
    meeting = meeting_to_run(meeting_id)
    ids = {m.id for m in meeting.committee.members}
    meeting.present_member_ids = sorted(
        int(v) for v in request.form.getlist("present") if v.isdigit() and int(v) in ids
    )
    record_audit(
        current_user,
        "meeting.attendance",
        "meeting",
        meeting.id,
        {"present": meeting.present_member_ids},
    )
    db.session.commit()
    return redirect(url_for("committees.manage_meeting", meeting_id=meeting.id), code=303)


@bp.post("/manage/meetings/<int:meeting_id>/motions")
@role_required(*OFFICERS)
def add_motion(meeting_id: int):
    meeting = meeting_to_run(meeting_id)
    text = translations(request.form, "motion", 500)
    subject = request.form.get("subject", "other")
    ids = {m.id for m in meeting.committee.members}
    mover = parse_int(request.form.get("mover_id"), 1, 2**31)
    seconder = parse_int(request.form.get("seconder_id"), 1, 2**31)
    errors = {}
    if not text.get(g.district.default_locale):
        errors["motion"] = _("Write the motion.")
    if subject not in ("plan", "budget", "other"):
        errors["subject"] = _("Choose what the motion approves.")
    if mover not in ids:
        errors["mover_id"] = _("Choose who moved the motion.")
    if seconder not in ids or seconder == mover:
        errors["seconder_id"] = _("Choose a seconder other than the mover.")
    if errors:
        return _meeting_page(meeting, 422, errors, request.form, "motion")
    meeting.motions.append(
        Motion(
            text=text,
            subject=subject,
            mover_id=mover,
            seconder_id=seconder,
            source_locale=g.district.default_locale,
        )
    )
    record_audit(
        current_user, "motion.opened", "meeting", meeting.id, {"text": text, "subject": subject}
    )
    db.session.commit()
    return redirect(url_for("committees.manage_meeting", meeting_id=meeting.id), code=303)


def _motion_to_run(motion_id: int) -> Motion:
    """A motion of a meeting the signed-in user may run, else 404/403."""
    motion = db.session.get(Motion, motion_id)
    if motion is None:
        abort(404)
    meeting_to_run(motion.meeting_id)
    return motion


@bp.get("/manage/motions/<int:motion_id>/tally")
@role_required(*OFFICERS)
def tally(motion_id: int):
    """The running tally, polled by htmx on the principal's screen."""
    motion = _motion_to_run(motion_id)
    return render(
        "committees/tally_page.html",
        "committees/_partials/tally.html",
        f"tally-{motion.id}",
        motion=motion,
    )


@bp.post("/manage/motions/<int:motion_id>/close")
@role_required(*OFFICERS)
def close(motion_id: int):
    """Close the vote: the outcome is computed and the record can no longer change."""
    motion = _motion_to_run(motion_id)
    if motion.status == "closed":
        abort(409)
    close_motion(motion, g.district, current_user)
    db.session.commit()
    return redirect(url_for("committees.manage_meeting", meeting_id=motion.meeting_id), code=303)


@bp.route("/meetings/<int:meeting_id>/vote", methods=["GET", "POST"])
@role_required(Role.COUNCIL, Role.PRINCIPAL)
def vote(meeting_id: int):
    """A member signed in on a phone votes on the meeting's open motions."""
    meeting = meeting_or_404(meeting_id)
    member = _member_of(meeting.committee)
    if member is None:
        abort(403)
    error = None
    if request.method == "POST":
        motion = next(
            (m for m in meeting.motions if str(m.id) == request.form.get("motion_id")), None
        )
        choice = request.form.get("choice")
        if motion is None or choice not in ("yes", "no", "abstain"):
            abort(400)
        if motion.status != "open":
            error = _("This vote is closed; the record cannot change.")
        elif member.id not in meeting.present_ids:
            error = _("Only members marked present can vote.")
        else:
            existing = next((v for v in motion.votes if v.member_id == member.id), None)
            if existing is None:
                motion.votes.append(
                    MotionVote(
                        member_id=member.id,
                        choice=choice,
                        recorded_by_id=current_user.id,
                        recorded_at=utcnow(),
                    )
                )
            else:
                existing.choice, existing.recorded_at = choice, utcnow()
            record_audit(
                current_user,
                "vote.cast",
                "motion",
                motion.id,
                {"member": member.id, "choice": choice},
            )
            db.session.commit()
            flash(_("Your vote is recorded."), "success")
            return redirect(url_for("committees.vote", meeting_id=meeting.id), code=303)
    return render_template(
        "committees/vote.html",
        meeting=meeting,
        member=member,
        error=error,
        mine={
            v.motion_id: v.choice
            for m in meeting.motions
            for v in m.votes
            if v.member_id == member.id
        },
    ), 409 if error else 200


MAX_DOCUMENT_BYTES = 2 * 1024 * 1024


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


@bp.post("/manage/meetings/<int:meeting_id>/documents")
@role_required(*OFFICERS)
def upload_document(meeting_id: int):
    """Attach a PDF or a picture to a meeting."""
    meeting = meeting_to_run(meeting_id)
    upload = request.files.get("document")
    title = (request.form.get("title") or "").strip()[:200]
    data = upload.read(MAX_DOCUMENT_BYTES + 1) if upload and upload.filename else b""
    errors = {}
    if not title:
        errors["title"] = _("Give the document a title.")
    if not data:
        errors["document"] = _("Choose a PDF or a picture.")
    elif len(data) > MAX_DOCUMENT_BYTES:
        errors["document"] = _("The file is larger than 2 MB.")
    sniffed = sniff_document(data) if data and not errors.get("document") else None
    if data and not errors.get("document") and sniffed is None:
        errors["document"] = _("This file is not a PDF or a picture, whatever its name says.")
    if errors:
        return _meeting_page(meeting, 422, errors, request.form, "document")
    mimetype, content = sniffed
    meeting.documents.append(
        MeetingDocument(title=title, mimetype=mimetype, data=content, uploaded_at=utcnow())
    )
    record_audit(
        current_user, "document.added", "meeting", meeting.id, {"title": title, "type": mimetype}
    )
    db.session.commit()
    return redirect(url_for("committees.manage_meeting", meeting_id=meeting.id), code=303)


@bp.get("/manage/audit")
@role_required(Role.ADMIN)
def audit_log():
    """Every change to minutes, motions, votes, agendas and moderation: who, when, what."""
    from portal.models import AuditEntry

    page = parse_int(request.args.get("page"), 1, 10_000) or 1
    rows = list(
        db.session.scalars(
            select(AuditEntry).order_by(AuditEntry.id.desc()).offset((page - 1) * 100).limit(101)
        )
    )
    return render_template(
        "committees/audit.html", rows=rows[:100], page=page, more=len(rows) > 100
    )


@bp.post("/manage/motions/<int:motion_id>/votes")
@role_required(*OFFICERS)
def record_votes(motion_id: int):
    """The secretary records the votes of members present (those not voting on a phone)."""
    motion = _motion_to_run(motion_id)
    meeting = motion.meeting
    if motion.status != "open":
        abort(409)
    present = meeting.present_ids
    existing = {v.member_id: v for v in motion.votes}
    for member in meeting.committee.members:
        choice = request.form.get(f"vote-{member.id}", "")
        if member.id not in present or choice not in ("yes", "no", "abstain"):
            continue
        if member.id in existing:
            existing[member.id].choice = choice
        else:
            motion.votes.append(
                MotionVote(
                    member_id=member.id,
                    choice=choice,
                    recorded_by_id=current_user.id,
                    recorded_at=utcnow(),
                )
            )
        record_audit(
            current_user,
            "vote.recorded",
            "motion",
            motion.id,
            {"member": member.id, "choice": choice},
        )
    db.session.commit()
    return redirect(url_for("committees.manage_meeting", meeting_id=meeting.id), code=303)


@bp.post("/manage/committees/<int:committee_id>/rules")
@role_required(*SCHOOL_EDITORS)
def committee_rules(committee_id: int):
    """The committee's quorum: more than this share of seated members present."""
    committee = committee_or_404(committee_id)
    if not can_edit_school(current_user, committee.school):
        abort(403)
    percent = parse_int(request.form.get("quorum_percent"), 1, 99)
    if percent is None:
        return _committee_page(
            committee,
            422,
            {"quorum_percent": _("Enter a whole number from 1 to 99.")},
            request.form,
            "quorum",
        )
    committee.quorum_percent = percent
    record_audit(
        current_user, "committee.quorum", "committee", committee.id, {"quorum_percent": percent}
    )
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("committees.manage_committee", committee_id=committee.id), code=303)
