"""The survey form's screens, shared by the public form and the staff's paper entry: which
screens there are, which screen an error is on, and what the templates draw them with."""

from flask import abort, current_app, g
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.blueprints.surveys.forms import RESPONDENT_FIELDS
from portal.i18n import LANGUAGES, translated
from portal.models import Survey
from portal.models.surveys import RespondentRole, SurveyArea
from portal.permissions import is_district_staff
from portal.services import survey_guard
from portal.services import surveys as survey_service

HONEYPOT_FIELD = "website"


def load_survey(slug: str) -> Survey:
    """The survey for a public page; a draft is seen only by district staff (404 for others)."""
    survey = survey_service.find_survey(g.district.id, slug) if g.district is not None else None
    if survey is None or (survey.is_draft and not is_district_staff(current_user)):
        abort(404)
    return survey


def receipt_rules() -> survey_guard.ReceiptRules:
    """How this app signs and checks survey form receipts (its secret and settings)."""
    config = current_app.config
    return survey_guard.ReceiptRules(
        secret=current_app.secret_key,
        min_fill_seconds=float(config["SURVEY_MIN_FILL_SECONDS"]),
        max_age_seconds=float(config["SURVEY_RECEIPT_MAX_AGE_HOURS"]) * 3600,
    )


def form_receipt(survey: Survey, posted: str | None) -> str:
    """The receipt the form carries: the one it came with while it is ours and not too old (so
    the time it was first drawn goes along every screen), else a new one."""
    rules = receipt_rules()
    receipt = survey_guard.read_receipt(rules, survey.id, posted)
    if receipt is not None and not survey_guard.is_expired(rules, receipt):
        return posted
    return survey_guard.issue_receipt(rules, survey.id)


def survey_steps(survey: Survey) -> list[str]:
    """The screens of the stepped form: "about" then each area that has items."""
    present = {item.area for item in survey.items}
    return ["about", *[area.value for area in SurveyArea if area.value in present]]


def form_context(survey: Survey, form, step: int | None, focus: bool = False) -> dict:
    """What surveys/_form.html (and the paper entry page) draw the answers `form` with."""
    steps = survey_steps(survey)
    errors = form.answer_errors
    return {
        "survey": survey,
        "form": form,
        "errors": errors,
        "error_list": _error_list(survey, errors),
        "steps": steps,
        "step": step,  # the screen shown; None: every screen at once (several need a look)
        "focus": focus,  # move focus to the screen's heading (after Next, Back or a switch)
        "areas": {area.value: area for area in SurveyArea},
        "roles": list(RespondentRole),
        "schools": survey_service.school_choices(survey),
        "languages": LANGUAGES,
        "receipt": form_receipt(survey, form.receipt.data),
        "honeypot": HONEYPOT_FIELD,
        "district_wide": survey_service.DISTRICT_WIDE,
        "locale_default": str(get_locale()),
    }


def _step_of(survey: Survey, steps: list[str], name: str) -> int | None:
    """The screen a form field is on, or None for an error about the whole form."""
    if name in RESPONDENT_FIELDS:
        return 0
    match = survey_service.ITEM_FIELD.match(name)
    if match:
        item = next((i for i in survey.items if i.id == int(match.group(1))), None)
        if item is not None and item.area in steps:
            return steps.index(item.area)
    return None


def _error_list(survey: Survey, errors: dict) -> list[tuple[str, str, str]]:
    """The error summary: (field id to link to, what the field asks, message), in form order."""
    labels = {
        "role": _("Which describes you best?"),
        "school": _("Your school"),
        "language": _("The language you prefer"),
        "access_code": _("Access code"),
    }
    prompts = {
        survey_service.item_field(item.id): translated(item, "prompt").text for item in survey.items
    }
    order = list(RESPONDENT_FIELDS) + [survey_service.item_field(i.id) for i in survey.items]
    return [
        (name, labels.get(name) or prompts.get(name, ""), errors[name])
        for name in order
        if name in errors
    ]


def screen_with_errors(survey: Survey, errors: dict) -> int | None:
    """After a rejected submission: the one screen holding every error, else None (all)."""
    steps = survey_steps(survey)
    screens = {_step_of(survey, steps, name) for name in errors if name != "form"}
    if not screens:
        return len(steps) - 1
    return screens.pop() if len(screens) == 1 and None not in screens else None
