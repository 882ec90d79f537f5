"""The public survey: take it online, print it on paper, read its results."""

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from portal.blueprints.surveys import bp
from portal.blueprints.surveys.device import Device
from portal.blueprints.surveys.device import answered_survey_ids as answered_survey_ids
from portal.blueprints.surveys.filters import (
    agreement_choices,  # noqa: F401 (tests read it here)
    mark_withheld,
)
from portal.blueprints.surveys.forms import (
    AnotherPersonForm,
    ResultFilterForm,
    answers_form,
    moving_between_screens,
)
from portal.blueprints.surveys.screens import (
    form_context,
    load_survey,
    receipt_rules,
    screen_with_errors,
    survey_steps,
)
from portal.extensions import db, limiter
from portal.htmx import render
from portal.i18n import LANGUAGES
from portal.models import Survey
from portal.models.survey_guard import DropReason
from portal.models.surveys import Channel, RespondentRole, SurveyPhase
from portal.permissions import cacheable, is_district_staff, public
from portal.services import survey_guard
from portal.services import surveys as survey_service
from portal.services.errors import Rejected
from portal.services.survey_results import build_results, earlier_surveys, pick_baseline


@bp.get("/surveys")
@cacheable
def index():
    """Open surveys first, then past ones."""
    surveys = survey_service.published_surveys(g.district.id)
    groups = {phase: [s for s in surveys if s.phase() == phase] for phase in SurveyPhase}
    return render_template("surveys/index.html", groups=groups, SurveyPhase=SurveyPhase)


def _not_open(survey: Survey):
    """The page for a survey that takes no answers now (a draft previews for district staff)."""
    phase = survey.phase()
    if phase == SurveyPhase.OPEN or (
        phase == SurveyPhase.DRAFT and is_district_staff(current_user)
    ):
        return None
    status = 409 if request.method == "POST" else 200
    return render_template("surveys/not_open.html", survey=survey, phase=phase), status


def _count_flood(_limit) -> None:
    """Over the flood limit (the visitor gets 429): counted where staff see dropped answers."""
    slug = (request.view_args or {}).get("slug", "")
    survey = survey_service.find_survey(g.district.id, slug) if g.district is not None else None
    if survey is not None:
        survey_guard.count_dropped(survey.id, DropReason.TOO_MANY)


@bp.route("/surveys/<slug>", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["SURVEY_SUBMIT_RATE_LIMIT"],
    methods=["POST"],
    per_method=True,
    exempt_when=moving_between_screens,
    on_breach=_count_flood,
)
def take(slug: str):
    """The survey form, one area per screen, drawn on the server: the first screen on GET; Next,
    Back and the language buttons post every answer so far (all screens are in the form, the
    ones not shown are hidden), with or without JavaScript. Sending needs the form's receipt
    (survey_guard; see _refused)."""
    survey = load_survey(slug)
    if (closed := _not_open(survey)) is not None:
        return closed
    device = Device.from_request()
    if not device.may_answer(survey.id):
        return _answered_page("surveys/already_answered.html", survey, device)
    form = answers_form(survey)
    if form.is_submitted() and form.goto.data is not None:
        return _move(survey, form)
    if not form.validate_on_submit():
        return render_template("surveys/take.html", **form_context(survey, form, step=0))
    if form.website.data:  # a bot filled the hidden field: thank it, store nothing, count it
        survey_guard.count_dropped(survey.id, DropReason.HONEYPOT)
        return redirect(url_for("surveys.thanks", slug=survey.slug), code=303)
    try:
        survey_service.submit_online(
            survey, form.answers(), form.receipt.data, form.access_code.data, receipt_rules()
        )
    except Rejected as error:
        return _refused(survey, form, error)
    survey_id = survey.id  # read before the commit expires it (no reload after)
    db.session.commit()
    response = redirect(url_for("surveys.thanks", slug=slug), code=303)
    device.answered_now(survey_id)
    device.save(response)
    return response


def _refused(survey: Survey, form, error: Rejected):
    """The form again with every answer kept and what to fix. A dropped submission is counted
    after the rollback, in its own transaction. The form keeps its receipt while that is ours
    and unexpired (too fast: the time runs from the first draw; reused: sending again stays a
    no-op); any other gets a fresh one (screens.form_receipt)."""
    db.session.rollback()
    if isinstance(error, survey_guard.Dropped):
        survey_guard.count_dropped(survey.id, error.reason)
    form.reject(error)
    step = screen_with_errors(survey, form.answer_errors)
    return render_template("surveys/take.html", **form_context(survey, form, step, True)), 422


def _answered_page(template: str, survey: Survey, device: Device):
    """The thank-you or already-answered page, with the household button."""
    return render_template(
        template,
        survey=survey,
        persons=device.persons(survey.id),
        another_form=AnotherPersonForm(),
    )


@bp.post("/surveys/<slug>/someone-else")
@public
def someone_else(slug: str):
    """ "Someone else in my household wants to answer": this device may send the survey once
    more (the device mark counts people; nothing is stored on the server)."""
    survey = load_survey(slug)
    if (closed := _not_open(survey)) is not None:
        return closed
    if not AnotherPersonForm().validate_on_submit():
        abort(400)
    device = Device.from_request()
    device.someone_else(survey.id)
    response = redirect(url_for("surveys.take", slug=survey.slug), code=303)
    device.save(response)
    return response


@bp.post("/surveys/<slug>/step")
@public
def step(slug: str):
    """htmx: check the screen just filled in, then show the requested one (answers stay in the
    form in the browser, so nothing is lost if the connection drops)."""
    survey = load_survey(slug)
    return _move(survey, answers_form(survey))


def _move(survey: Survey, form):
    """Go from screen `current` to screen `goto` ("all": every screen), checking the screen
    being left when moving forward. A language button posts here too, with `?lang=`: the same
    screen comes back in the new language with every answer kept. Nothing is stored."""
    steps = survey_steps(survey)
    try:
        current, wanted = form.screens(len(steps))
    except ValueError:
        abort(400)
    if form.shown_in.data and form.language.data == form.shown_in.data:
        # The preferred language was left as it came (the page's): it follows a switch.
        form.language.data = str(get_locale())
    try:
        if wanted is None:  # every screen: show what still needs a look, in the new language
            survey_service.validate_submission(survey, form.answers())
        elif wanted > current and steps[current] == "about":  # forward: check the screen left
            survey_service.validate_respondent(survey, form.answers())
        elif wanted > current:
            items = [i for i in survey.items if i.area == steps[current]]
            survey_service.validate_items(survey, form.answers(), items)
    except Rejected as error:
        form.reject(error)
    refused = bool(form.answer_errors) and wanted is not None
    context = form_context(survey, form, step=current if refused else wanted, focus=True)
    status = 422 if refused else 200
    return render("surveys/take.html", "surveys/_form.html", "survey-form", status, **context)


@bp.get("/surveys/<slug>/thanks")
@public
def thanks(slug: str):
    """Thank-you page after answering."""
    return _answered_page("surveys/thanks.html", load_survey(slug), Device.from_request())


@bp.get("/surveys/<slug>/results")
@cacheable
def results(slug: str):
    """Results by area and item, with filters; small groups are never shown to the public."""
    survey = load_survey(slug)
    staff = is_district_staff(current_user)
    if not (survey.results_public or staff):
        abort(404)
    schools = survey_service.covered_schools(survey)
    filters = ResultFilterForm.of(request.args, schools, earlier_surveys(survey))
    baseline = pick_baseline(survey, filters.baseline.data)
    filters.show_baseline(baseline)
    threshold = g.district.small_cell_threshold
    view = build_results(
        survey, filters.where(), threshold, baseline=baseline, suppress_small=not staff
    )
    mark_withheld(filters, view.withheld)
    return render(
        "surveys/results.html",
        "surveys/_results.html",
        "results",
        survey=survey,
        view=view,
        filters=filters,
        baseline=baseline,
        roles=list(RespondentRole),
        languages=LANGUAGES,
        channels=list(Channel),
        staff=staff,
    )
