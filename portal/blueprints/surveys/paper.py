"""The paper survey: printable sheets, each with its own sheet code.

One request prints at most PAPER_SHEETS_PER_REQUEST sheets (anyone, rate limited for anonymous
visitors); district staff ask for more as a packet made in the background (packets.py), which
`flask work` makes here a part at a time (`make_paper_packet`)."""

import io

from flask import abort, current_app, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.blueprints.surveys import bp
from portal.blueprints.surveys.paper_forms import PaperSheetsForm
from portal.blueprints.surveys.screens import load_survey, survey_steps
from portal.extensions import db
from portal.models import Survey
from portal.models.surveys import RespondentRole, SurveyArea
from portal.pdf import render_pdf
from portal.permissions import is_district_staff, public
from portal.responses import pdf_download, pdf_refused, public_pdf_limit
from portal.services import documents, survey_codes
from portal.services import surveys as survey_service

PAPER_PACKET = "paper-sheets"


def paper_context(survey: Survey, serials: range) -> dict:
    """What the sheets template draws: the survey, one sheet code per serial number."""
    return dict(
        survey=survey,
        sheets=[survey_codes.sheet_code(current_app.secret_key, survey.id, n) for n in serials],
        schools=survey_service.covered_schools(survey),
        roles=list(RespondentRole),
        areas={area.value: area for area in SurveyArea},
        steps=survey_steps(survey),
    )


def packet_filename(survey: Survey, locale: str, serials: range) -> str:
    return f"{survey.slug}-{locale}-{serials[0]}-{serials[-1]}.pdf"


@bp.get("/surveys/<slug>/paper.pdf")
@public_pdf_limit
@public
def paper(slug: str):
    """Printable paper forms in one language, each sheet with its own sheet code; a few at a
    time (more: staff ask for a packet, others ask the school)."""
    survey = load_survey(slug)
    form = PaperSheetsForm(formdata=request.args)
    if not form.validate():
        abort(400)
    most = current_app.config["PAPER_SHEETS_PER_REQUEST"]
    if form.wanted > most:
        if is_district_staff(current_user):
            wanted = {"first": form.first_serial, "count": form.wanted}
            return redirect(url_for("surveys.manage_packets", survey_id=survey.id, **wanted), 303)
        fewer = url_for("surveys.paper", slug=slug, first=form.first_serial, count=most)
        return pdf_refused(
            _(
                "We print at most %(most)s sheets at a time here. For more paper forms, ask "
                "your school office or the district office: they can print as many as you need.",
                most=most,
            ),
            413,
            shorter_url=fewer,
            shorter_label=_("Print %(most)s sheets", most=most),
        )
    serials = form.serials()
    return pdf_download(
        "surveys/pdf/paper.html",
        packet_filename(survey, str(get_locale()), serials),
        **paper_context(survey, serials),
    )


@documents.maker(PAPER_PACKET)
def make_paper_packet(job) -> tuple[bytes, int]:
    """A packet of sheets, made by `flask work` in the job's language: PAPER_SHEETS_PER_PART
    sheets at a time (so memory stays bounded), each part within the background time limit,
    then joined into one PDF."""
    from pypdf import PdfReader, PdfWriter

    config = current_app.config
    survey = db.session.get(Survey, job.parameters["survey_id"])
    if survey is None or survey.district_id != job.district_id:
        raise LookupError("the survey is gone")
    first, count = int(job.parameters["first"]), int(job.parameters["count"])
    if not 1 <= count <= config["PAPER_SHEETS_PER_PACKET"]:
        raise ValueError(f"{count} sheets is more than a packet holds")
    part = config["PAPER_SHEETS_PER_PART"]
    writer, pages = PdfWriter(), 0
    for start in range(first, first + count, part):
        serials = range(start, min(start + part, first + count))
        data = render_pdf(
            "surveys/pdf/paper.html",
            max_pages=len(serials) * 8,
            seconds=config["BACKGROUND_PDF_TIME_LIMIT_SECONDS"],
            **paper_context(survey, serials),
        )
        reader = PdfReader(io.BytesIO(data))
        pages += len(reader.pages)
        writer.append(reader)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), pages
