"""The paper survey: printable sheets, each with its own sheet code."""

from flask import abort, current_app, request
from flask_babel import get_locale

from portal.blueprints.surveys import bp
from portal.blueprints.surveys.forms import PaperSheetsForm
from portal.blueprints.surveys.screens import load_survey, survey_steps
from portal.models.surveys import RespondentRole, SurveyArea
from portal.permissions import public
from portal.responses import pdf_download
from portal.services import survey_codes
from portal.services import surveys as survey_service


@bp.get("/surveys/<slug>/paper.pdf")
@public
def paper(slug: str):
    """Printable paper forms in one language, each sheet with its own sheet code."""
    survey = load_survey(slug)
    form = PaperSheetsForm(formdata=request.args)
    if not form.validate():
        abort(400)
    serials = form.serials()
    sheets = [survey_codes.sheet_code(current_app.secret_key, survey.id, n) for n in serials]
    return pdf_download(
        "surveys/pdf/paper.html",
        f"{survey.slug}-{get_locale()}-{serials[0]}-{serials[-1]}.pdf",
        survey=survey,
        sheets=sheets,
        schools=survey_service.covered_schools(survey),
        roles=list(RespondentRole),
        areas={area.value: area for area in SurveyArea},
        steps=survey_steps(survey),
    )
