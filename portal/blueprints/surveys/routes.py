"""The public survey: take it online, print it on paper, read its results."""

import secrets

from flask import (
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from portal import formatting
from portal.blueprints.surveys import bp
from portal.extensions import db, limiter
from portal.htmx import render
from portal.i18n import (
    LANGUAGES,
    TranslatedValue,
    district_default_locale,
    pick_translation,
    translated,
)
from portal.models import Survey
from portal.models.surveys import (
    AGREEMENT_LABELS,
    AGREEMENT_SCALE,
    DONT_KNOW,
    DONT_KNOW_LABEL,
    Channel,
    ItemKind,
    RespondentRole,
    SurveyArea,
    SurveyPhase,
)
from portal.pdf import PDF_MIMETYPE, render_pdf
from portal.permissions import is_district_staff, public
from portal.services import surveys as survey_service
from portal.services.survey_results import ResultFilter, build_results

ANSWERED_COOKIE = "cg_answered"
HONEYPOT_FIELD = "website"
MAX_SHEETS = 500


def _answered_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="survey-answered")


def answered_survey_ids() -> set[int]:
    """Surveys this device has answered, from a signed cookie (a device mark, not a person)."""
    raw = request.cookies.get(ANSWERED_COOKIE)
    if not raw:
        return set()
    try:
        return {int(i) for i in _answered_serializer().loads(raw)}
    except (BadSignature, TypeError, ValueError):
        return set()


def load_survey(slug: str) -> Survey:
    """The survey for a public page; a draft is seen only by district staff (404 for others)."""
    survey = db.session.scalars(select(Survey).where(Survey.slug == slug)).first()
    if survey is None or g.district is None or survey.district_id != g.district.id:
        abort(404)
    if survey.state == "draft" and not is_district_staff(current_user):
        abort(404)
    return survey


def survey_steps(survey: Survey) -> list[str]:
    """The screens of the stepped form: "about" then each area that has items."""
    present = {item.area for item in survey.items}
    return ["about", *[area.value for area in SurveyArea if area.value in present]]


def _form_context(
    survey: Survey, form, errors: dict, step: int | None, focus: bool = False
) -> dict:
    steps = survey_steps(survey)
    return {
        "survey": survey,
        "form": form,
        "errors": errors,
        "error_list": _error_list(survey, steps, errors),
        "steps": steps,
        "step": step,  # the screen shown; None: every screen at once (several need a look)
        "focus": focus,  # move focus to the screen's heading (after Next, Back or a switch)
        "areas": {area.value: area for area in SurveyArea},
        "roles": list(RespondentRole),
        "schools": survey_service.covered_schools(survey),
        "languages": LANGUAGES,
        "receipt": form.get("receipt") or secrets.token_urlsafe(16),
        "honeypot": HONEYPOT_FIELD,
        "district_wide": survey_service.DISTRICT_WIDE,
        "locale_default": str(get_locale()),
    }


RESPONDENT_FIELDS = ("role", "school", "language", "access_code")


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


def _error_list(survey: Survey, steps: list[str], errors: dict) -> list[tuple[str, str, str]]:
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


def _screen_with_errors(survey: Survey, errors: dict) -> int | None:
    """After a rejected submission: the one screen holding every error, else None (all)."""
    steps = survey_steps(survey)
    screens = {_step_of(survey, steps, name) for name in errors if name != "form"}
    if not screens:
        return len(steps) - 1
    return screens.pop() if len(screens) == 1 and None not in screens else None


@bp.get("/surveys")
@public
def index():
    """Open surveys first, then past ones."""
    surveys = list(
        db.session.scalars(
            select(Survey)
            .where(Survey.district_id == g.district.id, Survey.state == "published")
            .order_by(Survey.opens_at.desc())
        )
    )
    groups = {phase: [s for s in surveys if s.phase() == phase] for phase in SurveyPhase}
    return render_template("surveys/index.html", groups=groups, SurveyPhase=SurveyPhase)


def _moving() -> bool:
    """A Next or Back button or a language button was pressed: nothing is stored."""
    return "goto" in request.form


@bp.route("/surveys/<slug>", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["SURVEY_SUBMIT_RATE_LIMIT"],
    methods=["POST"],
    per_method=True,
    exempt_when=_moving,
)
def take(slug: str):
    """The survey form, one area per screen, drawn on the server: the first screen on GET; Next,
    Back and the language buttons post every answer so far (all screens are in the form, the
    ones not shown are hidden), with or without JavaScript."""
    survey = load_survey(slug)
    phase = survey.phase()
    if phase != SurveyPhase.OPEN and not (
        phase == SurveyPhase.DRAFT and is_district_staff(current_user)
    ):
        status = 409 if request.method == "POST" else 200
        return render_template("surveys/not_open.html", survey=survey, phase=phase), status
    if survey.id in answered_survey_ids():
        return render_template("surveys/already_answered.html", survey=survey)
    if request.method == "POST" and _moving():
        return _move(survey, partial=False)
    errors: dict = {}
    step: int | None = 0
    if request.method == "POST":
        if request.form.get(HONEYPOT_FIELD):
            # A bot filled the hidden field: thank it and store nothing.
            return redirect(url_for("surveys.thanks", slug=survey.slug), code=303)
        try:
            if phase == SurveyPhase.DRAFT:
                raise survey_service.SubmissionError(
                    {"form": _("This is a preview of a draft survey: answers are not saved.")}
                )
            submission = survey_service.validate_submission(survey, request.form)
            survey_service.record_response(
                survey,
                submission,
                Channel.ONLINE,
                receipt_token=request.form.get("receipt"),
                access_code=request.form.get("access_code"),
            )
            db.session.commit()
        except survey_service.SubmissionError as error:
            db.session.rollback()
            errors = error.errors
            step = _screen_with_errors(survey, errors)
        else:
            response = redirect(url_for("surveys.thanks", slug=survey.slug), code=303)
            _mark_answered(response, survey.id)
            return response
    context = _form_context(survey, request.form, errors, step=step, focus=bool(errors))
    return render_template("surveys/take.html", **context), 422 if errors else 200


@bp.post("/surveys/<slug>/step")
@public
def step(slug: str):
    """htmx: check the screen just filled in, then show the requested one (answers stay in the
    form in the browser, so nothing is lost if the connection drops)."""
    survey = load_survey(slug)
    return _move(survey, partial=bool(request.headers.get("HX-Request")))


def _move(survey: Survey, partial: bool):
    """Go from screen `current` to screen `goto` ("all": every screen), checking the screen
    being left when moving forward. A language button posts here too, with `?lang=`: the same
    screen comes back in the new language with every answer kept."""
    steps = survey_steps(survey)
    form = request.form.copy()
    wanted_raw = form.get("goto", "0")
    try:
        current = int(form.get("current", "0"))
        wanted = None if wanted_raw == "all" else int(wanted_raw)
    except ValueError:
        abort(400)
    if not (0 <= current < len(steps) and (wanted is None or 0 <= wanted < len(steps))):
        abort(400)
    if request.args.get("lang") and form.get("language") == form.get("shown_in"):
        # The preferred language was left as it came (the page's): it follows the switch.
        form["language"] = str(get_locale())
    errors: dict = {}
    if wanted is None:  # every screen: show what still needs a look, in the new language
        try:
            survey_service.validate_submission(survey, form)
        except survey_service.SubmissionError as error:
            errors = error.errors
    elif wanted > current:  # moving forward: the screen being left must be valid
        if steps[current] == "about":
            _values, errors = survey_service.validate_respondent(survey, form)
        else:
            items = [i for i in survey.items if i.area == steps[current]]
            _answers, errors = survey_service.validate_items(survey, form, items)
    shown = current if errors and wanted is not None else wanted
    status = 422 if errors and wanted is not None else 200
    context = _form_context(survey, form, errors, step=shown, focus=True)
    if partial:
        response = make_response(render_template("surveys/_form.html", **context), status)
    else:
        response = make_response(render_template("surveys/take.html", **context), status)
    response.vary.update(("HX-Request", "HX-Target"))
    return response


PHASE_LABELS = {
    SurveyPhase.DRAFT: _l("Draft"),
    SurveyPhase.UPCOMING: _l("Published, not open yet"),
    SurveyPhase.OPEN: _l("Open"),
    SurveyPhase.CLOSED: _l("Closed"),
}


@bp.app_template_filter()
def score(value: float) -> str:
    """A mean on the 1-4 agreement scale, two decimals, in the district's regional style."""
    return formatting.number(value, "0.00")


@bp.app_template_filter()
def score_change(value: float) -> str:
    """A change of a mean, signed ("+0.91", "-0.24"), in the district's regional style."""
    return formatting.number(value, "+0.00;-0.00")


@bp.app_template_filter()
def whole_percent(value: float) -> str:
    """A share (0.25) as a whole percentage in the district's regional style ("25%")."""
    return formatting.percent(value)


@bp.app_template_filter()
def survey_phase_label(phase: str) -> str:
    return str(PHASE_LABELS[SurveyPhase(phase)])


@bp.app_template_filter()
def area_label(area: str) -> str:
    return str(SurveyArea(area).label)


@bp.app_template_filter()
def item_kind_label(kind: str) -> str:
    from portal.blueprints.surveys.forms import KIND_LABELS

    return str(KIND_LABELS[ItemKind(kind)])


@bp.app_template_global()
def agreement_choices() -> list[tuple[str, str]]:
    """The 4-point scale and "don't know", as (form value, label) pairs."""
    return [(str(v), AGREEMENT_LABELS[v]) for v in AGREEMENT_SCALE] + [(DONT_KNOW, DONT_KNOW_LABEL)]


@bp.app_template_global()
def option_text(option: dict) -> TranslatedValue:
    """A choice option's label in the reader's language, or its fallback (for `shown`)."""
    return pick_translation(
        option.get("label"), str(get_locale()), (district_default_locale(), "en")
    )


@bp.app_template_global()
def option_label(option: dict) -> str:
    """A choice option's label as plain text (for a PDF table cell or a CSV)."""
    return option_text(option).text


def _mark_answered(response, survey_id: int) -> None:
    ids = sorted(answered_survey_ids() | {survey_id})[-50:]
    response.set_cookie(
        ANSWERED_COOKIE,
        _answered_serializer().dumps(ids),
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )


@bp.get("/surveys/<slug>/thanks")
@public
def thanks(slug: str):
    """Thank-you page after answering."""
    return render_template("surveys/thanks.html", survey=load_survey(slug))


def parse_filter(survey: Survey) -> ResultFilter:
    """Results filters from the query string; unknown values are ignored."""
    role = request.args.get("role") or None
    if role not in {r.value for r in RespondentRole}:
        role = None
    language = request.args.get("language") or None
    if language not in LANGUAGES:
        language = None
    school = request.args.get("school") or ""
    school_id = None
    if school == survey_service.DISTRICT_WIDE:
        school_id = 0
    elif school.isdigit():
        school_id = int(school)
    return ResultFilter(role=role, school_id=school_id, language=language)


def baseline_choices(survey: Survey) -> list[Survey]:
    return list(
        db.session.scalars(
            select(Survey)
            .where(
                Survey.district_id == survey.district_id,
                Survey.id != survey.id,
                Survey.state == "published",
                Survey.opens_at < survey.opens_at,
            )
            .order_by(Survey.opens_at.desc())
        )
    )


@bp.get("/surveys/<slug>/results")
@public
def results(slug: str):
    """Results by area and item, with filters; small groups are never shown to the public."""
    survey = load_survey(slug)
    staff = is_district_staff(current_user)
    if not (survey.results_public or staff):
        abort(404)
    where = parse_filter(survey)
    choices = baseline_choices(survey)
    baseline = survey.baseline
    wanted = request.args.get("baseline", "")
    if wanted.isdigit():
        baseline = next((s for s in choices if s.id == int(wanted)), baseline)
    elif wanted == "none":
        baseline = None
    view = build_results(
        survey,
        where,
        threshold=g.district.small_cell_threshold,
        baseline=baseline,
        suppress_small=not staff,
    )
    return render(
        "surveys/results.html",
        "surveys/_results.html",
        "results",
        survey=survey,
        view=view,
        where=where,
        baseline=baseline,
        baseline_choices=choices,
        roles=list(RespondentRole),
        schools=survey_service.covered_schools(survey),
        languages=LANGUAGES,
        channels=list(Channel),
        staff=staff,
        district_wide=survey_service.DISTRICT_WIDE,
    )


@bp.get("/surveys/<slug>/paper.pdf")
@public
def paper(slug: str):
    """Printable paper forms in one language, each sheet with its own sheet code."""
    survey = load_survey(slug)
    try:
        first = max(1, int(request.args.get("first", 1)))
        count = min(MAX_SHEETS, max(1, int(request.args.get("count", 1))))
    except ValueError:
        abort(400)
    sheets = [
        survey_service.sheet_code(current_app.secret_key, survey.id, serial)
        for serial in range(first, first + count)
    ]
    schools = survey_service.covered_schools(survey)
    pdf = render_pdf(
        "surveys/pdf/paper.html",
        survey=survey,
        sheets=sheets,
        schools=schools,
        roles=list(RespondentRole),
        areas={area.value: area for area in SurveyArea},
        steps=survey_steps(survey),
    )
    response = make_response(pdf)
    response.mimetype = PDF_MIMETYPE
    filename = f"{survey.slug}-{get_locale()}-{first}-{first + count - 1}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
