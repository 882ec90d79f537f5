"""District staff: build a survey, open and close it, hand out codes, type in paper forms."""

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.blueprints.school_access import district_row_or_404
from portal.blueprints.surveys import bp
from portal.blueprints.surveys.forms import (
    AccessCodeForm,
    ItemForm,
    NewSurveyForm,
    PaperEntryForm,
    PromptForm,
    SurveySettingsForm,
    answers_form,
)
from portal.blueprints.surveys.screens import form_context
from portal.extensions import db
from portal.forms import saved
from portal.i18n import LANGUAGES
from portal.models import Survey, SurveyItem
from portal.models.surveys import Channel, SurveyStateError
from portal.permissions import DISTRICT_STAFF, role_required
from portal.responses import csv_download
from portal.services import survey_codes, survey_export, survey_guard
from portal.services import survey_editing as editing
from portal.services import surveys as survey_service
from portal.services.errors import Rejected


def _load(survey_id: int) -> Survey:
    return district_row_or_404(Survey, survey_id)


def _item_or_404(survey: Survey, item_id: int) -> SurveyItem:
    item = db.session.get(SurveyItem, item_id)
    if item is None or item.survey_id != survey.id:
        abort(404)
    return item


def _status(form) -> int:
    return 422 if form.errors else 200


@bp.route("/manage/surveys", methods=["GET", "POST"])
@role_required(*DISTRICT_STAFF)
def manage_index():
    """Every survey with its state and response count; start a new one from the template."""
    form = NewSurveyForm()
    created = []  # the new survey, for its settings page
    if saved(
        form,
        lambda: created.append(
            editing.create_survey(
                g.district, current_user, form.slug.data, form.opens_on.data, form.closes_on.data
            )
        ),
    ):
        flash(_("Survey created from the SSFR template. Review it, then publish."), "success")
        return redirect(url_for("surveys.manage_settings", survey_id=created[0].id), code=303)
    return render_template(
        "surveys/manage/index.html",
        form=form,
        surveys=survey_service.district_surveys(g.district.id),
        counts=editing.response_counts(g.district.id),
    ), _status(form)


@bp.route("/manage/surveys/<int:survey_id>", methods=["GET", "POST"])
@role_required(*DISTRICT_STAFF)
def manage_settings(survey_id: int):
    """Title and introduction in each language, dates, schools, who sees results."""
    survey = _load(survey_id)
    schools, others = editing.district_schools(g.district.id), editing.other_surveys(survey)
    form = SurveySettingsForm.of(survey, g.district, schools, others)
    if saved(
        form, lambda: editing.save_settings(survey, current_user, g.district, form.settings())
    ):
        flash(_("Survey settings saved."), "success")
        return redirect(url_for("surveys.manage_settings", survey_id=survey.id), code=303)
    return render_template(
        "surveys/manage/settings.html",
        form=form,
        survey=survey,
        languages=LANGUAGES,
        dropped=survey_guard.dropped_counts(survey.id),  # answers kept out, by reason
    ), _status(form)


@bp.post("/manage/surveys/<int:survey_id>/publish")
@role_required(*DISTRICT_STAFF)
def manage_publish(survey_id: int):
    """Publish a draft: it opens on its opening date."""
    survey = _load(survey_id)
    try:
        editing.publish(survey, current_user)
    except SurveyStateError:
        db.session.rollback()
        flash(_("Only a draft with at least one question can be published."), "error")
    else:
        db.session.commit()
        flash(_("Published. The survey opens on its opening date."), "success")
    return redirect(url_for("surveys.manage_settings", survey_id=survey.id), code=303)


@bp.post("/manage/surveys/<int:survey_id>/close")
@role_required(*DISTRICT_STAFF)
def manage_close(survey_id: int):
    """Close an open survey now."""
    survey = _load(survey_id)
    try:
        editing.close(survey, current_user)
    except SurveyStateError:
        db.session.rollback()
        flash(_("Only an open survey can be closed."), "error")
    else:
        db.session.commit()
        flash(_("The survey is closed."), "success")
    return redirect(url_for("surveys.manage_settings", survey_id=survey.id), code=303)


@bp.route("/manage/surveys/<int:survey_id>/items", methods=["GET", "POST"])
@role_required(*DISTRICT_STAFF)
def manage_items(survey_id: int):
    """The survey's statements by area; add a new one (drafts only: 409 once published)."""
    survey = _load(survey_id)
    form = ItemForm()
    if saved(
        form,
        lambda: editing.add_question(
            survey,
            current_user,
            g.district.default_locale,
            form.area.data,
            form.kind.data,
            form.translations("prompt"),
            form.option_lines(),
        ),
    ):
        flash(_("Question added."), "success")
        return redirect(url_for("surveys.manage_items", survey_id=survey.id), code=303)
    return render_template(
        "surveys/manage/items.html", survey=survey, form=form, languages=LANGUAGES
    ), _status(form)


@bp.route("/manage/surveys/<int:survey_id>/items/<int:item_id>", methods=["GET", "POST"])
@role_required(*DISTRICT_STAFF)
def manage_item(survey_id: int, item_id: int):
    """Edit a statement's wording and translations (always allowed: it does not move answers)."""
    survey = _load(survey_id)
    item = _item_or_404(survey, item_id)
    form = PromptForm.of(item)
    if saved(
        form,
        lambda: editing.edit_question(
            item, current_user, g.district.default_locale, form.translations("prompt")
        ),
    ):
        flash(_("Question saved."), "success")
        return redirect(url_for("surveys.manage_items", survey_id=survey.id), code=303)
    return render_template(
        "surveys/manage/item.html", survey=survey, item=item, form=form, languages=LANGUAGES
    ), _status(form)


@bp.post("/manage/surveys/<int:survey_id>/items/<int:item_id>/delete")
@role_required(*DISTRICT_STAFF)
def manage_item_delete(survey_id: int, item_id: int):
    """Remove a question from a draft."""
    survey = _load(survey_id)
    item = _item_or_404(survey, item_id)
    try:
        editing.remove_question(survey, current_user, item)
    except SurveyStateError:
        db.session.rollback()
        flash(_("Questions of a published survey cannot be removed."), "error")
    else:
        db.session.commit()
        flash(_("Question removed."), "success")
    return redirect(url_for("surveys.manage_items", survey_id=survey.id), code=303)


@bp.route("/manage/surveys/<int:survey_id>/codes", methods=["GET", "POST"])
@role_required(*DISTRICT_STAFF)
def manage_codes(survey_id: int):
    """Make a batch of one-time access codes to hand out (shown once, then only hashes remain)."""
    survey = _load(survey_id)
    form = AccessCodeForm()
    codes = []
    if form.validate_on_submit():
        codes = survey_codes.generate_access_codes(
            survey, form.count.data, form.batch_label.data or ""
        )
        db.session.commit()
    return render_template(
        "surveys/manage/codes.html", survey=survey, form=form, codes=codes
    ), _status(form)


@bp.route("/manage/surveys/<int:survey_id>/paper", methods=["GET", "POST"])
@role_required(*DISTRICT_STAFF)
def manage_paper(survey_id: int):
    """Fast, keyboard-only entry of paper forms and answers taken at meetings."""
    survey = _load(survey_id)
    entry = PaperEntryForm.of(request.args, g.district.default_locale)
    answers = answers_form(survey)
    if entry.validate_on_submit():
        try:
            code = survey_service.enter_paper_sheet(
                survey,
                current_user,
                current_app.secret_key,
                entry.sheet_code.data or "",
                Channel(entry.channel.data),
                answers.answers(),
            )
        except Rejected as error:
            entry.reject(error)
            answers.reject(error)
            db.session.rollback()
        else:
            db.session.commit()
            flash(_("Sheet %(code)s saved. Ready for the next one.", code=code), "success")
            again = {"channel": entry.channel.data, "language": entry.language.data}
            return redirect(url_for("surveys.manage_paper", survey_id=survey.id, **again), 303)
    context = form_context(survey, answers, step=None)
    failed = entry.errors or answers.answer_errors
    return render_template(
        "surveys/manage/paper.html", entry=entry, entered=editing.typed_in_count(survey), **context
    ), 422 if failed else 200


@bp.get("/manage/surveys/<int:survey_id>/export.csv")
@role_required(*DISTRICT_STAFF)
def manage_export(survey_id: int):
    """Every response as CSV: one row per response, in random order, with no id or other
    identifying field. Each export is written to the audit log (who, which survey, how many)."""
    survey = _load(survey_id)
    header, rows = survey_export.export_responses(survey, current_user, "csv")
    db.session.commit()  # the audit entry: an export is a reading that is recorded
    return csv_download(header, rows, f"{survey.slug}-responses.csv")
