"""Public committee pages: purpose, members, meetings, agendas and the votes taken."""

from flask import abort, g, make_response, render_template
from sqlalchemy import select

from portal.blueprints.committees import bp
from portal.blueprints.committees.manage import committee_or_404, meeting_or_404
from portal.blueprints.committees.minutes import published as published_minutes
from portal.blueprints.school_access import school_or_404
from portal.extensions import db
from portal.models import Committee, Meeting, MeetingDocument, Motion
from portal.models.base import utcnow
from portal.pdf import PDF_MIMETYPE, render_pdf
from portal.permissions import cacheable
from portal.services.committee_record import posting_deadline, roster_now
from portal.services.feedback import visible_feedback


@bp.get("/schools/<slug>/committees")
@cacheable
def school_committees(slug: str):
    school = school_or_404(slug)
    committees = list(db.session.scalars(select(Committee).where(Committee.school_id == school.id)))
    return render_template("committees/school.html", school=school, committees=committees)


@bp.get("/committees/<int:committee_id>")
@cacheable
def committee(committee_id: int):
    """Purpose in plain words, members (names only with consent), meetings ahead and past."""
    found = committee_or_404(committee_id)
    current, problems = roster_now(found, g.district)
    now = utcnow()
    return render_template(
        "committees/committee.html",
        committee=found,
        current=current,
        problems=problems,
        upcoming=[m for m in found.meetings if m.starts_at >= now],
        past=[m for m in reversed(found.meetings) if m.starts_at < now],
    )


@bp.get("/meetings/<int:meeting_id>")
@cacheable
def meeting(meeting_id: int):
    """A meeting's posted agenda (and when it was posted) and the motions decided."""
    found = meeting_or_404(meeting_id)
    deadline = posting_deadline(found)
    return render_template(
        "committees/meeting.html",
        meeting=found,
        late=found.agenda_posted_at is not None and found.agenda_posted_at > deadline,
        feedback=visible_feedback(found.committee.school_id, "agenda_item"),
        minutes_versions=published_minutes(found),
    )


@bp.get("/meetings/<int:meeting_id>/documents/<int:document_id>")
@cacheable
def document(meeting_id: int, document_id: int):
    """A meeting document, with headers that stop a browser from running or guessing it."""
    meeting_or_404(meeting_id)
    found = db.session.get(MeetingDocument, document_id)
    if found is None or found.meeting_id != meeting_id:
        abort(404)
    extension = {"application/pdf": "pdf", "image/png": "png"}.get(found.mimetype, "jpg")
    response = make_response(found.data)
    response.headers["Content-Type"] = found.mimetype
    disposition = "attachment" if found.mimetype == "application/pdf" else "inline"
    response.headers["Content-Disposition"] = (
        f'{disposition}; filename="document-{found.id}.{extension}"'
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@bp.get("/schools/<slug>/plan/signatures.pdf")
@cacheable
def signature_page(slug: str):
    """The approved plan's signature page: the council's approval, its date and tally, lines for
    the chair, the principal and (where its advice was sought) the ELAC chair."""
    school = school_or_404(slug)
    motion = db.session.scalars(
        select(Motion)
        .join(Meeting, Meeting.id == Motion.meeting_id)
        .join(Committee, Committee.id == Meeting.committee_id)
        .where(
            Committee.school_id == school.id,
            Committee.kind == "ssc",
            Motion.subject.in_(("plan", "budget")),
            Motion.passed.is_(True),
        )
        .order_by(Motion.closed_at.desc())
    ).first()
    if motion is None:
        abort(404)
    council = motion.meeting.committee
    elac = db.session.scalars(
        select(Committee).where(Committee.school_id == school.id, Committee.kind == "elac")
    ).first()
    elac_consulted = elac is not None and any(
        m.starts_at <= motion.meeting.starts_at for m in elac.meetings
    )

    def officer(committee, role):
        return (
            next((m for m in committee.members if m.officer == role), None) if committee else None
        )

    pdf = render_pdf(
        "committees/signatures.html",
        school=school,
        motion=motion,
        council=council,
        chair=officer(council, "chair"),
        principal=next((m for m in council.members if m.seat == "principal"), None),
        elac=elac if elac_consulted else None,
        elac_chair=officer(elac, "chair") if elac_consulted else None,
    )
    response = make_response(pdf)
    response.headers["Content-Type"] = PDF_MIMETYPE
    response.headers["Content-Disposition"] = f'inline; filename="{school.slug}-signatures.pdf"'
    return response
