"""District staff: packets of many paper sheets, made in the background and downloaded when
ready. Asking is a POST; the list page refreshes itself (a Refresh header without JavaScript,
htmx polling with it) while a packet is still being made."""

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.blueprints.school_access import district_row_or_404
from portal.blueprints.surveys import bp
from portal.blueprints.surveys.paper import PAPER_PACKET, packet_filename
from portal.blueprints.surveys.paper_forms import PacketForm
from portal.forms import saved
from portal.htmx import render
from portal.i18n import normalize_locale
from portal.models import DocumentJob, Survey
from portal.models.documents import JobState
from portal.pdf import PDF_MIMETYPE
from portal.permissions import DISTRICT_STAFF, role_required
from portal.responses import download
from portal.services import documents

# How often the list looks again while a packet is being made.
REFRESH_SECONDS = 10


def _ask_for_packet(survey: Survey, form: PacketForm) -> DocumentJob:
    """Queue the packet the form describes, for the signed-in staff member."""
    first, count, locale = form.first.data, form.count.data, form.language.data
    return documents.request_document(
        g.district.id,
        current_user,
        PAPER_PACKET,
        {"survey_id": survey.id, "first": first, "count": count, "locale": locale},
        packet_filename(survey, locale, range(first, first + count)),
        subject_id=survey.id,
    )


def _after(jobs) -> int:
    """The first sheet number after every packet asked for (after the 20 of the print link
    when there is none), so two packets never print the same sheet codes."""
    ends = [job.parameters["first"] + job.parameters["count"] for job in jobs]
    return max(ends, default=current_app.config["PAPER_SHEETS_PER_REQUEST"] + 1)


@bp.route("/manage/surveys/<int:survey_id>/packets", methods=["GET", "POST"])
@role_required(*DISTRICT_STAFF)
def manage_packets(survey_id: int):
    """Ask for a packet of paper sheets; see every packet of this survey and download it."""
    survey = district_row_or_404(Survey, survey_id)
    jobs = documents.jobs_about(g.district.id, PAPER_PACKET, survey.id)
    locale = normalize_locale(str(get_locale())) or "en"
    form = PacketForm.of(request.args, locale, next_first=_after(jobs))
    if saved(form, lambda: _ask_for_packet(survey, form)):
        flash(_("Your packet is on its way. This page shows when it is ready."), "success")
        return redirect(url_for("surveys.manage_packets", survey_id=survey.id), code=303)
    pending = any(job.pending for job in jobs)
    response = render(
        "surveys/manage/packets.html",
        "surveys/manage/_packets.html",
        "packets",
        status=422 if form.errors else 200,
        survey=survey,
        form=form,
        jobs=jobs,
        pending=pending,
        refresh_seconds=REFRESH_SECONDS,
    )
    if pending and not form.errors:
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


@bp.get("/manage/packets/<int:job_id>.pdf")
@role_required(*DISTRICT_STAFF)
def manage_packet_pdf(job_id: int):
    """A packet that is ready: only for this district's staff (404 for anyone else, and
    for a packet still being made)."""
    job = district_row_or_404(DocumentJob, job_id)
    if job.state != JobState.DONE or job.pdf is None:
        abort(404)
    return download(job.pdf, job.filename, PDF_MIMETYPE)
