"""Minutes: the secretary drafts them per agenda item, members who attended propose amendments,
the committee approves them at a later meeting, and a correction is a new, visible version."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from portal.blueprints.committees import bp
from portal.blueprints.committees.manage import (
    OFFICERS,
    _member_of,
    _require_run,
    committee_or_404,
    meeting_or_404,
    meeting_to_run,
)
from portal.extensions import db
from portal.formatting import short_day
from portal.forms import parse_int
from portal.i18n import translated
from portal.models import Meeting, MinutesAmendment, MinutesVersion, Role
from portal.models.base import utcnow
from portal.permissions import cacheable, role_required
from portal.services.audit import record_audit

PER_PAGE = 20
AMENDMENT_LABELS = {
    "proposed": _l("Proposed"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
}


@bp.app_template_global("amendment_status_label")
def amendment_status_label(status: str) -> str:
    return AMENDMENT_LABELS.get(status, "")


def _index(minutes: MinutesVersion) -> None:
    minutes.search_text = " ".join(
        text for section in (minutes.sections or {}).values() for text in section.values() if text
    ).lower()


def latest(meeting: Meeting) -> MinutesVersion | None:
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
                MinutesVersion.status.in_(("approved", "superseded")),
            )
            .order_by(MinutesVersion.version.desc())
        )
    )


def _attending_member_or_403(meeting: Meeting):
    """The signed-in user's seat on the committee, if they attended this meeting; else 403."""
    member = _member_of(meeting.committee)
    if member is None or member.id not in meeting.present_ids:
        abort(403)
    return member


def _editable_draft(meeting: Meeting) -> MinutesVersion:
    current = latest(meeting)
    if current is None or current.status != "draft":
        abort(409)
    return current


def _minutes_page(meeting: Meeting, status=200, errors=None, form=None, failed=""):
    """The secretary's minutes page; after a refused post, `failed` names the form whose typed
    values (`form`) and `errors` are shown again."""
    later = [
        m
        for m in meeting.committee.meetings
        if m.starts_at > meeting.starts_at and m.id != meeting.id
    ]
    return render_template(
        "committees/minutes_edit.html",
        meeting=meeting,
        minutes=latest(meeting),
        later_options=[
            (m.id, f"{translated(m, 'title').text}, {short_day(m.starts_at)}") for m in later
        ],
        errors=errors or {},
        form=form or {},
        failed=failed,
    ), status


@bp.route("/manage/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
@role_required(*OFFICERS)
def edit_minutes(meeting_id: int):
    """Write the draft, item by item; after approval, start a correction as a new version."""
    meeting = meeting_to_run(meeting_id)
    current = latest(meeting)
    if request.method == "POST":
        if current is None or current.status != "draft":
            note = (request.form.get("correction_note") or "").strip()[:500]
            if current is not None and not note:
                errors = {"correction_note": _("Say what the correction changes.")}
                return _minutes_page(meeting, 422, errors, request.form, "minutes")
            draft = MinutesVersion(
                meeting_id=meeting.id,
                version=(current.version + 1) if current else 1,
                locale=str(get_locale()),
                sections={k: dict(v) for k, v in (current.sections if current else {}).items()},
                correction_note=note,
                written_by_id=current_user.id,
            )
            db.session.add(draft)
            record_audit(
                current_user,
                "minutes.draft_started",
                "meeting",
                meeting.id,
                {"version": draft.version},
            )
            current = draft
        sections = dict(current.sections or {})
        for item in meeting.agenda:
            key = str(item.id)
            sections[key] = {
                "discussion": (request.form.get(f"discussion_{key}") or "").strip()[:4000],
                "input": (request.form.get(f"input_{key}") or "").strip()[:4000],
            }
        current.sections = sections
        _index(current)
        record_audit(
            current_user, "minutes.edited", "meeting", meeting.id, {"version": current.version}
        )
        db.session.commit()
        flash(_("Minutes saved."), "success")
        return redirect(url_for("committees.edit_minutes", meeting_id=meeting.id), code=303)
    return _minutes_page(meeting)


@bp.post("/manage/minutes/<int:minutes_id>/amendments/<int:amendment_id>")
@role_required(*OFFICERS)
def decide_amendment(minutes_id: int, amendment_id: int):
    """Accept (the item's text becomes the amendment) or decline, with a note."""
    amendment = db.session.get(MinutesAmendment, amendment_id)
    if amendment is None or amendment.minutes_id != minutes_id:
        abort(404)
    minutes = amendment.minutes
    _require_run(minutes.meeting.committee)
    if minutes.status != "draft" or amendment.status != "proposed":
        abort(409)
    decision = request.form.get("decision")
    if decision not in ("accepted", "declined"):
        abort(400)
    amendment.status, amendment.note = decision, (request.form.get("note") or "").strip()[:500]
    if decision == "accepted":
        sections = {k: dict(v) for k, v in (minutes.sections or {}).items()}
        sections.setdefault(amendment.item_key, {})["discussion"] = amendment.text
        minutes.sections = sections
        _index(minutes)
    record_audit(
        current_user,
        f"minutes.amendment_{decision}",
        "meeting",
        minutes.meeting_id,
        {"amendment": amendment.id},
    )
    db.session.commit()
    return redirect(url_for("committees.edit_minutes", meeting_id=minutes.meeting_id), code=303)


@bp.post("/manage/meetings/<int:meeting_id>/minutes/approve")
@role_required(*OFFICERS)
def approve_minutes(meeting_id: int):
    """Record that the committee approved the draft at a later meeting."""
    meeting = meeting_to_run(meeting_id)
    draft = _editable_draft(meeting)
    at_id = parse_int(request.form.get("at_meeting_id"), 1, 2**31)
    at = next((m for m in meeting.committee.meetings if m.id == at_id), None)
    errors = {}
    if at is None or at.starts_at <= meeting.starts_at:
        errors["at_meeting_id"] = _(
            "Choose the later meeting where the committee approved the minutes."
        )
    if any(a.status == "proposed" for a in draft.amendments):
        errors["amendments"] = _("Accept or decline every proposed amendment first.")
    if errors:
        return _minutes_page(meeting, 422, errors, request.form, "approve")
    for older in published(meeting):
        older.status = "superseded"
    draft.status, draft.approved_at, draft.approved_at_meeting_id = "approved", utcnow(), at.id
    draft.attendance = [
        {"name": m.name if m.name_public else "", "seat": m.seat}
        for m in meeting.committee.members
        if m.id in meeting.present_ids
    ]
    record_audit(
        current_user,
        "minutes.approved",
        "meeting",
        meeting.id,
        {"version": draft.version, "at": at.id},
    )
    db.session.commit()
    flash(_("Minutes approved and published."), "success")
    return redirect(url_for("committees.edit_minutes", meeting_id=meeting.id), code=303)


@bp.post("/meetings/<int:meeting_id>/minutes/amendments")
@role_required(Role.COUNCIL, Role.PRINCIPAL)
def propose_amendment(meeting_id: int):
    """A member who attended proposes a change to one item of the draft minutes."""
    meeting = meeting_or_404(meeting_id)
    member = _attending_member_or_403(meeting)
    draft = _editable_draft(meeting)
    key = request.form.get("item_key", "")
    text = (request.form.get("text") or "").strip()[:4000]
    if key not in {str(item.id) for item in meeting.agenda}:
        abort(400)
    if not text:
        return render_template(
            "committees/minutes_review.html",
            meeting=meeting,
            minutes=draft,
            errors={f"amend-{key}": _("Write the wording you propose.")},
            form=request.form,
        ), 422
    draft.amendments.append(MinutesAmendment(member_id=member.id, item_key=key, text=text))
    record_audit(
        current_user, "minutes.amendment_proposed", "meeting", meeting.id, {"member": member.id}
    )
    db.session.commit()
    flash(_("Your amendment is proposed. The secretary will accept or decline it."), "success")
    return redirect(url_for("committees.review_minutes", meeting_id=meeting.id), code=303)


@bp.get("/meetings/<int:meeting_id>/minutes/draft")
@role_required(Role.COUNCIL, Role.PRINCIPAL)
def review_minutes(meeting_id: int):
    """The draft for members who attended, with a form to propose amendments."""
    meeting = meeting_or_404(meeting_id)
    _attending_member_or_403(meeting)
    return render_template(
        "committees/minutes_review.html", meeting=meeting, minutes=latest(meeting), errors={}
    )


@bp.get("/committees/<int:committee_id>/minutes")
@cacheable
def minutes_archive(committee_id: int):
    """Approved minutes of past meetings, newest first, searchable by text, a page at a time."""
    committee = committee_or_404(committee_id)
    query = (request.args.get("q") or "").strip()[:100]
    page = parse_int(request.args.get("page"), 1, 1000) or 1
    statement = (
        select(MinutesVersion)
        .join(Meeting, Meeting.id == MinutesVersion.meeting_id)
        .where(Meeting.committee_id == committee.id, MinutesVersion.status == "approved")
        .order_by(Meeting.starts_at.desc())
    )
    if query:
        escaped = query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(MinutesVersion.search_text.like(f"%{escaped}%", escape="\\"))
    rows = list(db.session.scalars(statement.offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)))
    return render_template(
        "committees/minutes_archive.html",
        committee=committee,
        rows=rows[:PER_PAGE],
        query=query,
        page=page,
        more=len(rows) > PER_PAGE,
    )
