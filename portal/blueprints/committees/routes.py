"""Public committee pages: purpose, members, meetings, agendas and the votes taken."""

from flask import abort, g, render_template

from portal.blueprints.committees import bp
from portal.blueprints.committees.loading import committee_or_404, meeting_or_404
from portal.blueprints.school_access import school_or_404
from portal.models.base import utcnow
from portal.permissions import cacheable
from portal.responses import download, pdf_download, public_pdf_limit
from portal.services import committee_record, minutes, rosters
from portal.services.committee_record import posting_deadline, roster_now
from portal.services.feedback import visible_feedback

EXTENSIONS = {"application/pdf": "pdf", "image/png": "png"}


@bp.get("/schools/<slug>/committees")
@cacheable
def school_committees(slug: str):
    school = school_or_404(slug)
    return render_template(
        "committees/school.html", school=school, committees=rosters.committees_of(school)
    )


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
        feedback=visible_feedback(
            found.committee.school_id, "agenda_item", district_id=found.committee.district_id
        ),
        minutes_versions=minutes.published(found),
    )


@bp.get("/meetings/<int:meeting_id>/documents/<int:document_id>")
@cacheable
def document(meeting_id: int, document_id: int):
    """A meeting document, with headers that stop a browser from running or guessing it: a PDF
    is saved, a picture shown."""
    found = next((d for d in meeting_or_404(meeting_id).documents if d.id == document_id), None)
    if found is None:
        abort(404)
    name = f"document-{found.id}.{EXTENSIONS.get(found.mimetype, 'jpg')}"
    response = download(
        found.data, name, found.mimetype, inline=found.mimetype != "application/pdf"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@bp.get("/schools/<slug>/plan/signatures.pdf")
@public_pdf_limit
@cacheable
def signature_page(slug: str):
    """The approved plan's signature page: the council's approval, its date and tally, lines for
    the chair, the principal and (where its advice was sought) the ELAC chair."""
    school = school_or_404(slug)
    page = committee_record.signature_page(school)
    if page is None:
        abort(404)
    return pdf_download(
        "committees/signatures.html", f"{school.slug}-signatures.pdf", school=school, **page
    )
