"""District staff: build a survey, open and close it, hand out codes, type in paper forms."""

import csv
import io
import random
from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import (
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from portal.blueprints.school_access import district_row_or_404
from portal.blueprints.surveys import bp
from portal.blueprints.surveys.forms import (
    AccessCodeForm,
    ItemForm,
    NewSurveyForm,
    PaperEntryForm,
    SurveySettingsForm,
)
from portal.blueprints.surveys.routes import _form_context
from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.models import Role, School, Survey, SurveyAnswer, SurveyItem, SurveyResponse
from portal.models.surveys import Channel, ItemKind, SurveyStateError
from portal.permissions import role_required
from portal.services import surveys as survey_service


def _district_tz() -> ZoneInfo:
    return ZoneInfo(g.district.timezone)


def _start_of(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=_district_tz())


def _local_day(moment: datetime):
    return moment.astimezone(_district_tz()).date()


def _load(survey_id: int) -> Survey:
    return district_row_or_404(Survey, survey_id)


@bp.route("/manage/surveys", methods=["GET", "POST"])
@role_required(Role.DISTRICT)
def manage_index():
    """Every survey with its state and response count; start a new one from the template."""
    form = NewSurveyForm()
    if form.validate_on_submit():
        if form.closes_on.data <= form.opens_on.data:
            form.closes_on.errors.append(_("The closing date must come after the opening date."))
        elif db.session.scalars(select(Survey).where(Survey.slug == form.slug.data)).first():
            form.slug.errors.append(_("Another survey already uses this web address name."))
        else:
            survey = survey_service.create_from_template(
                g.district.id,
                form.slug.data,
                _start_of(form.opens_on.data),
                _start_of(form.closes_on.data),
            )
            db.session.commit()
            flash(_("Survey created from the SSFR template. Review it, then publish."), "success")
            return redirect(url_for("surveys.manage_settings", survey_id=survey.id), code=303)
    counts = dict(
        db.session.execute(
            select(SurveyResponse.survey_id, func.count()).group_by(SurveyResponse.survey_id)
        ).all()
    )
    surveys = list(
        db.session.scalars(
            select(Survey)
            .where(Survey.district_id == g.district.id)
            .order_by(Survey.opens_at.desc())
        )
    )
    status = 422 if form.is_submitted() and form.errors or any(f.errors for f in form) else 200
    return render_template(
        "surveys/manage/index.html", form=form, surveys=surveys, counts=counts
    ), status


@bp.route("/manage/surveys/<int:survey_id>", methods=["GET", "POST"])
@role_required(Role.DISTRICT)
def manage_settings(survey_id: int):
    """Title and introduction in each language, dates, schools, who sees results."""
    survey = _load(survey_id)
    form = SurveySettingsForm(obj=survey)
    form.schools.choices = [
        SelectChoice(s.id, s.name)
        for s in db.session.scalars(
            select(School).where(School.district_id == g.district.id).order_by(School.name)
        )
    ]
    others = [
        s
        for s in db.session.scalars(select(Survey).where(Survey.district_id == g.district.id))
        if s.id != survey.id
    ]
    form.baseline_id.choices = [SelectChoice(0, _("No comparison"))] + [
        SelectChoice(s.id, str(s.title.get(g.district.default_locale) or s.slug)) for s in others
    ]
    if not form.is_submitted():
        form.opens_on.data = _local_day(survey.opens_at)
        form.closes_on.data = _local_day(survey.closes_at)
        form.schools.data = [s.id for s in survey.schools]
        form.baseline_id.data = survey.baseline_id or 0
        for code in LANGUAGES:
            getattr(form, f"title_{code}").data = survey.title.get(code, "")
            getattr(form, f"intro_{code}").data = survey.intro.get(code, "")
    elif form.validate():
        if form.closes_on.data <= form.opens_on.data:
            form.closes_on.errors.append(_("The closing date must come after the opening date."))
        elif not form.covers_all_schools.data and not form.schools.data:
            form.schools.errors.append(_("Choose at least one school, or every school."))
        elif not (getattr(form, f"title_{g.district.default_locale}").data or "").strip():
            getattr(form, f"title_{g.district.default_locale}").errors.append(
                _("Give the survey a title in the district's main language.")
            )
        else:
            survey.opens_at = _start_of(form.opens_on.data)
            survey.closes_at = _start_of(form.closes_on.data)
            survey.covers_all_schools = form.covers_all_schools.data
            survey.schools = list(
                db.session.scalars(select(School).where(School.id.in_(form.schools.data or [])))
            )
            survey.results_public = form.results_public.data
            survey.requires_access_code = form.requires_access_code.data
            survey.baseline_id = form.baseline_id.data or None
            survey.title = _per_language(form, "title")
            survey.intro = _per_language(form, "intro")
            db.session.commit()
            flash(_("Survey settings saved."), "success")
            return redirect(url_for("surveys.manage_settings", survey_id=survey.id), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "surveys/manage/settings.html", form=form, survey=survey, languages=LANGUAGES
    ), status


def _per_language(form, prefix: str) -> dict:
    values = {}
    for code in LANGUAGES:
        text = (getattr(form, f"{prefix}_{code}").data or "").strip()
        if text:
            values[code] = text
    return values


@bp.post("/manage/surveys/<int:survey_id>/publish")
@role_required(Role.DISTRICT)
def manage_publish(survey_id: int):
    """Publish a draft: it opens on its opening date."""
    survey = _load(survey_id)
    try:
        survey.publish()
    except SurveyStateError:
        db.session.rollback()
        flash(_("Only a draft with at least one question can be published."), "error")
    else:
        db.session.commit()
        flash(_("Published. The survey opens on its opening date."), "success")
    return redirect(url_for("surveys.manage_settings", survey_id=survey.id), code=303)


@bp.post("/manage/surveys/<int:survey_id>/close")
@role_required(Role.DISTRICT)
def manage_close(survey_id: int):
    """Close an open survey now."""
    survey = _load(survey_id)
    try:
        survey.close_now()
    except SurveyStateError:
        db.session.rollback()
        flash(_("Only an open survey can be closed."), "error")
    else:
        db.session.commit()
        flash(_("The survey is closed."), "success")
    return redirect(url_for("surveys.manage_settings", survey_id=survey.id), code=303)


@bp.route("/manage/surveys/<int:survey_id>/items", methods=["GET", "POST"])
@role_required(Role.DISTRICT)
def manage_items(survey_id: int):
    """The survey's statements by area; add a new one (drafts only)."""
    survey = _load(survey_id)
    form = ItemForm()
    if form.validate_on_submit():
        if survey.state != "draft":
            abort(409)
        prompt = _per_language(form, "prompt")
        options = _options(form)
        if not prompt.get(g.district.default_locale):
            getattr(form, f"prompt_{g.district.default_locale}").errors.append(
                _("Write the statement in the district's main language.")
            )
        elif form.kind.data == ItemKind.CHOICE and len(options) < 2:
            getattr(form, f"options_{g.district.default_locale}").errors.append(
                _("Give at least two choices, one per line.")
            )
        else:
            survey_service.add_item(survey, form.area.data, form.kind.data, prompt, options=options)
            db.session.commit()
            flash(_("Question added."), "success")
            return redirect(url_for("surveys.manage_items", survey_id=survey.id), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "surveys/manage/items.html", survey=survey, form=form, languages=LANGUAGES
    ), status


def _options(form) -> list[dict]:
    lines = {
        code: [line.strip() for line in (getattr(form, f"options_{code}").data or "").splitlines()]
        for code in LANGUAGES
    }
    main = [line for line in lines[g.district.default_locale] if line]
    options = []
    for index, label in enumerate(main):
        labels = {g.district.default_locale: label}
        for code, values in lines.items():
            values = [v for v in values if v]
            if code != g.district.default_locale and index < len(values):
                labels[code] = values[index]
        options.append({"value": str(index + 1), "label": labels})
    return options


@bp.route("/manage/surveys/<int:survey_id>/items/<int:item_id>", methods=["GET", "POST"])
@role_required(Role.DISTRICT)
def manage_item(survey_id: int, item_id: int):
    """Edit a statement's wording and translations (always allowed: it does not move answers)."""
    survey = _load(survey_id)
    item = db.session.get(SurveyItem, item_id)
    if item is None or item.survey_id != survey.id:
        abort(404)
    form = ItemForm(obj=item)
    if not form.is_submitted():
        for code in LANGUAGES:
            getattr(form, f"prompt_{code}").data = item.prompt.get(code, "")
    elif form.validate():
        prompt = _per_language(form, "prompt")
        if not prompt.get(g.district.default_locale):
            getattr(form, f"prompt_{g.district.default_locale}").errors.append(
                _("Write the statement in the district's main language.")
            )
        else:
            item.prompt = prompt
            db.session.commit()
            flash(_("Question saved."), "success")
            return redirect(url_for("surveys.manage_items", survey_id=survey.id), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "surveys/manage/item.html", survey=survey, item=item, form=form, languages=LANGUAGES
    ), status


@bp.post("/manage/surveys/<int:survey_id>/items/<int:item_id>/delete")
@role_required(Role.DISTRICT)
def manage_item_delete(survey_id: int, item_id: int):
    """Remove a question from a draft."""
    survey = _load(survey_id)
    item = db.session.get(SurveyItem, item_id)
    if item is None or item.survey_id != survey.id:
        abort(404)
    if survey.state != "draft":
        flash(_("Questions of a published survey cannot be removed."), "error")
    else:
        survey.items.remove(item)
        db.session.commit()
        flash(_("Question removed."), "success")
    return redirect(url_for("surveys.manage_items", survey_id=survey.id), code=303)


@bp.route("/manage/surveys/<int:survey_id>/codes", methods=["GET", "POST"])
@role_required(Role.DISTRICT)
def manage_codes(survey_id: int):
    """Make a batch of one-time access codes to hand out (shown once, then only hashes remain)."""
    survey = _load(survey_id)
    form = AccessCodeForm()
    codes = []
    if form.validate_on_submit():
        codes = survey_service.generate_access_codes(
            survey, form.count.data, form.batch_label.data or ""
        )
        db.session.commit()
    status = 422 if form.is_submitted() and not codes else 200
    return render_template(
        "surveys/manage/codes.html", survey=survey, form=form, codes=codes
    ), status


@bp.route("/manage/surveys/<int:survey_id>/paper", methods=["GET", "POST"])
@role_required(Role.DISTRICT)
def manage_paper(survey_id: int):
    """Fast, keyboard-only entry of paper forms and answers taken at meetings."""
    survey = _load(survey_id)
    form = PaperEntryForm()
    form.channel.choices = [
        SelectChoice(Channel.PAPER.value, Channel.PAPER.label),
        SelectChoice(Channel.MEETING.value, Channel.MEETING.label),
    ]
    errors: dict = {}
    if form.is_submitted():
        # Every answer is checked even when the sheet code is wrong, so all errors show at once.
        try:
            submission = survey_service.validate_submission(survey, request.form)
        except survey_service.SubmissionError as error:
            submission, errors = None, error.errors
    if form.validate_on_submit():
        code = survey_service.parse_sheet_code(
            current_app.secret_key, survey.id, form.sheet_code.data
        )
        if code is None:
            form.sheet_code.errors.append(_("This is not a sheet code printed for this survey."))
        elif submission is not None:
            try:
                survey_service.record_response(
                    survey,
                    submission,
                    Channel(form.channel.data),
                    sheet_code=code,
                    entered_by_id=current_user.id,
                )
                db.session.commit()
            except survey_service.SubmissionError as error:
                db.session.rollback()
                errors = error.errors
                if "sheet_code" in errors:
                    form.sheet_code.errors.append(errors.pop("sheet_code"))
            else:
                flash(_("Sheet %(code)s saved. Ready for the next one.", code=code), "success")
                return redirect(
                    url_for(
                        "surveys.manage_paper",
                        survey_id=survey.id,
                        channel=form.channel.data,
                        language=form.language.data,
                    ),
                    code=303,
                )
    elif not form.is_submitted():
        form.channel.data = request.args.get("channel", Channel.PAPER.value)
        form.language.data = request.args.get("language", g.district.default_locale)
    context = _form_context(survey, request.form, errors, step=None)
    entered = db.session.scalar(
        select(func.count()).where(
            SurveyResponse.survey_id == survey.id, SurveyResponse.channel != Channel.ONLINE.value
        )
    )
    status = 422 if form.is_submitted() else 200
    return render_template(
        "surveys/manage/paper.html", entry=form, entered=entered, **context
    ), status


@bp.get("/manage/surveys/<int:survey_id>/export.csv")
@role_required(Role.DISTRICT)
def manage_export(survey_id: int):
    """Every response as CSV: one row per response. There is no identifying field to export."""
    survey = _load(survey_id)
    items = list(survey.items)
    out = io.StringIO()
    writer = csv.writer(out)
    # No response id, and rows in no order that follows how they were stored: paper sheets are
    # typed one after another, so an id or the storage order could pair answers with sheets.
    writer.writerow(
        ["channel", "role", "school", "language", "submitted_on"]
        + [item.key or f"item-{item.id}" for item in items]
    )
    schools = dict(db.session.execute(select(School.id, School.name)).all())
    answers: dict[int, dict[int, str]] = {}
    for response_id, item_id, score, dont_know, choice, comment in db.session.execute(
        select(
            SurveyAnswer.response_id,
            SurveyAnswer.item_id,
            SurveyAnswer.score,
            SurveyAnswer.dont_know,
            SurveyAnswer.choice,
            SurveyAnswer.comment,
        )
        .join(SurveyResponse)
        .where(SurveyResponse.survey_id == survey.id)
    ):
        value = "dk" if dont_know else score if score is not None else choice or comment or ""
        answers.setdefault(response_id, {})[item_id] = str(value)
    rows = []
    for response in db.session.scalars(
        select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)
    ):
        row = answers.get(response.id, {})
        rows.append(
            [
                response.channel,
                response.respondent_role,
                schools.get(response.school_id, "district"),
                response.language,
                response.submitted_on.isoformat(),
            ]
            + [_csv_safe(row.get(item.id, "")) for item in items]
        )
    random.SystemRandom().shuffle(rows)
    rows.sort(key=lambda r: r[4])  # by day (already a column), shuffled within each day
    writer.writerows(rows)
    result = make_response(out.getvalue())
    result.mimetype = "text/csv"
    result.headers["Content-Disposition"] = f'attachment; filename="{survey.slug}-responses.csv"'
    return result


def _csv_safe(value: str) -> str:
    """Stop spreadsheet formula injection from comments typed by the public."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
