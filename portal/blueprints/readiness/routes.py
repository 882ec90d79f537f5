"""Tier 2 (officials' inventory and roundtable), Tier 3 (interviews) and the readiness report."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.blueprints.readiness import bp
from portal.blueprints.readiness.forms import (
    InterviewForm,
    InventoryForm,
    NewAssessmentForm,
    NextStepsForm,
    ObservationForm,
    OverviewForm,
    ProtocolQuestionForm,
    RoundtableNoteForm,
    roundtable_forms,
)
from portal.blueprints.school_access import district_row_or_404
from portal.content.readiness_inventory import INVENTORY_AREAS, QUESTIONS, RATINGS
from portal.extensions import db
from portal.models import ReadinessAssessment, Role
from portal.models.readiness import ObservationCode, Verdict
from portal.models.surveys import SurveyArea
from portal.permissions import (
    ASSESSMENT_STAFF,
    DISTRICT_STAFF,
    can_read_interviews,
    can_take_inventory,
    confidential,
    public,
    role_required,
)
from portal.responses import pdf_download
from portal.services import interviews as tier3
from portal.services import readiness as service
from portal.services.errors import Rejected
from portal.services.readiness_report import report as report_figures
from portal.services.survey_results import area_means, response_counts
from portal.services.surveys import district_surveys


@bp.app_template_filter()
def verdict_label(verdict: str) -> str:
    """Consensus, contention... in the reader's language."""
    return str(Verdict(verdict).label)


@bp.app_template_filter()
def observation_label(code: str) -> str:
    """What an interview observation's code means, in the reader's language."""
    return str(ObservationCode(code).label)


def _load(assessment_id: int) -> ReadinessAssessment:
    return district_row_or_404(ReadinessAssessment, assessment_id)


def _status(form) -> int:
    return 422 if form.errors else 200


@bp.get("/manage/readiness")
@role_required(*ASSESSMENT_STAFF)
def index():
    """Readiness assessments."""
    return _index_page(NewAssessmentForm.of(district_surveys(g.district.id)))


@bp.post("/manage/readiness")
@role_required(*DISTRICT_STAFF)
def create():
    """District staff start an assessment."""
    form = NewAssessmentForm.of(district_surveys(g.district.id))
    if form.validate_on_submit():
        try:
            assessment = service.create_assessment(
                g.district, current_user, form.title.data, form.slug.data, form.tier1_survey_id.data
            )
        except Rejected as error:
            form.reject(error)
            db.session.rollback()
        else:
            db.session.commit()
            flash(
                _("Assessment created. Invite the officials who will answer the inventory."),
                "success",
            )
            return redirect(url_for("readiness.overview", assessment_id=assessment.id), code=303)
    return _index_page(form)


def _index_page(form: NewAssessmentForm):
    assessments = service.assessments_of(g.district.id)
    return render_template("readiness/index.html", assessments=assessments, form=form), _status(
        form
    )


@bp.route("/manage/readiness/<int:assessment_id>", methods=["GET", "POST"])
@role_required(*DISTRICT_STAFF)
def overview(assessment_id: int):
    """Who answers the inventory, and what the public summary says."""
    assessment = _load(assessment_id)
    form = OverviewForm.of(assessment, service.officials())
    if form.validate_on_submit():
        try:
            service.save_overview(
                assessment,
                current_user,
                form.officials.data,
                form.translations("summary"),
                form.publish.data,
            )
        except Rejected as error:
            form.reject(error)
            db.session.rollback()
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("readiness.overview", assessment_id=assessment.id), code=303)
    answered = service.answers_by_question(assessment.id)
    return render_template(
        "readiness/overview.html", assessment=assessment, form=form, answered=answered
    ), _status(form)


@bp.route("/manage/readiness/<int:assessment_id>/inventory", methods=["GET", "POST"])
@role_required(*DISTRICT_STAFF)
def inventory(assessment_id: int):
    """One official's answers to the inventory: a rating, an answer and evidence per question."""
    assessment = _load(assessment_id)
    if not can_take_inventory(current_user, assessment):
        return render_template("readiness/not_invited.html", assessment=assessment), 403
    form = InventoryForm.of(service.inventory_of(assessment.id, current_user.id))
    if form.validate_on_submit():
        try:
            service.save_inventory(assessment, current_user, form.entries())
        except Rejected as error:
            form.reject(error)
            db.session.rollback()
        else:
            db.session.commit()
            flash(_("Saved. You can change your answers until the roundtable."), "success")
            return redirect(url_for("readiness.inventory", assessment_id=assessment.id), code=303)
    return render_template(
        "readiness/inventory.html",
        assessment=assessment,
        form=form,
        questions=QUESTIONS,
        areas=INVENTORY_AREAS,
        ratings=RATINGS,
    ), _status(form)


@bp.route("/manage/readiness/<int:assessment_id>/roundtable", methods=["GET", "POST"])
@role_required(*ASSESSMENT_STAFF)
def roundtable(assessment_id: int):
    """Answers side by side per question, consensus and contention marked; record conclusions.
    Its forms are hidden fields, a text with the browser's own length limit and checkboxes:
    one that does not validate was not sent by the page (400)."""
    assessment = _load(assessment_id)
    form = RoundtableNoteForm()
    if not form.is_submitted():
        return _roundtable_page(assessment)
    try:
        if not form.validate():
            abort(400)
        service.save_roundtable_note(assessment, current_user, **form.values())
    except Rejected:
        db.session.rollback()
        abort(400)
    db.session.commit()
    flash(_("Roundtable record saved."), "success")
    anchor = f"q-{form.question_key.data}" if form.question_key.data else "overall"
    url = url_for("readiness.roundtable", assessment_id=assessment.id, _anchor=anchor)
    return redirect(url, code=303)


def _roundtable_page(assessment: ReadinessAssessment):
    return render_template(
        "readiness/roundtable.html",
        assessment=assessment,
        questions=QUESTIONS,
        areas=INVENTORY_AREAS,
        ratings=RATINGS,
        grouped=service.answers_by_question(assessment.id),
        verdicts=service.classifications(assessment.id),
        forms=roundtable_forms(service.roundtable_notes(assessment.id)),
    )


@bp.route("/manage/readiness/<int:assessment_id>/interviews", methods=["GET", "POST"])
@confidential
def interviews(assessment_id: int):
    """The facilitator's protocol and interview log (confidential). Two forms post here: a
    question for the protocol (action=question) and an interview (action=interview)."""
    assessment = _load(assessment_id)
    question, logged = ProtocolQuestionForm(), InterviewForm()
    if request.method == "POST" and not (question.posted() or logged.posted()):
        abort(400)
    try:
        if question.posted() and question.validate():
            tier3.add_protocol_question(assessment, current_user, question.text.data)
            db.session.commit()
            flash(_("Question added to the protocol."), "success")
            return redirect(url_for("readiness.interviews", assessment_id=assessment.id), code=303)
        if logged.posted() and logged.validate():
            record = tier3.log_interview(assessment, current_user, **logged.values())
            db.session.commit()
            flash(_("Interview logged. Add coded observations below."), "success")
            return redirect(_interview_url(record), code=303)
    except Rejected as error:
        (question if question.posted() else logged).reject(error)
        db.session.rollback()
    return render_template(
        "readiness/interviews.html",
        assessment=assessment,
        question=question,
        logged=logged,
        protocol=tier3.protocol(assessment.id),
        suggestions=tier3.suggested_interview_questions(assessment),
        interviews=tier3.interviews_of(assessment.id),
    ), 422 if request.method == "POST" else 200


def _interview_url(record) -> str:
    return url_for(
        "readiness.interview", assessment_id=record.assessment_id, interview_id=record.id
    )


def _interview_or_404(assessment: ReadinessAssessment, interview_id: int):
    record = tier3.interview_of(assessment, interview_id)
    if record is None:
        abort(404)
    return record


@bp.route(
    "/manage/readiness/<int:assessment_id>/interviews/<int:interview_id>", methods=["GET", "POST"]
)
@confidential
def interview(assessment_id: int, interview_id: int):
    """One interview: notes and coded observations (confidential)."""
    assessment = _load(assessment_id)
    record = _interview_or_404(assessment, interview_id)
    form = ObservationForm()
    if form.validate_on_submit():
        try:
            tier3.add_observation(record, current_user, **form.values())
        except Rejected as error:
            form.reject(error)
            db.session.rollback()
        else:
            db.session.commit()
            flash(_("Observation added."), "success")
            return redirect(_interview_url(record), code=303)
    return render_template(
        "readiness/interview.html", assessment=assessment, interview=record, form=form
    ), _status(form)


@bp.post("/manage/readiness/<int:assessment_id>/interviews/<int:interview_id>/delete")
@confidential
def delete_interview(assessment_id: int, interview_id: int):
    """Delete an interview record and its observations."""
    record = _interview_or_404(_load(assessment_id), interview_id)
    tier3.delete_interview(record, current_user)
    db.session.commit()
    flash(_("Interview deleted."), "success")
    return redirect(url_for("readiness.interviews", assessment_id=assessment_id), code=303)


def _report_context(assessment: ReadinessAssessment) -> dict:
    return {
        "assessment": assessment,
        "survey_areas": list(SurveyArea),
        "questions": QUESTIONS,
        "codes": list(ObservationCode),
        **report_figures(assessment),
    }


@bp.post("/manage/readiness/<int:assessment_id>/next-steps")
@role_required(Role.FACILITATOR)
def save_next_steps(assessment_id: int):
    """The facilitator writes the recommended next steps."""
    assessment = _load(assessment_id)
    form = NextStepsForm()
    if not form.validate_on_submit():
        return _report_page(assessment, form, 422)
    service.save_next_steps(assessment, current_user, form.next_steps.data or "")
    db.session.commit()
    flash(_("Next steps saved."), "success")
    return redirect(url_for("readiness.report", assessment_id=assessment.id), code=303)


@bp.get("/manage/readiness/<int:assessment_id>/report")
@role_required(*ASSESSMENT_STAFF)
def report(assessment_id: int):
    """The readiness report: the three tiers side by side, and the recommended next steps."""
    assessment = _load(assessment_id)
    return _report_page(assessment, NextStepsForm(next_steps=assessment.next_steps))


def _report_page(assessment: ReadinessAssessment, form: NextStepsForm, status: int = 200):
    return render_template(
        "readiness/report.html",
        form=form if can_read_interviews(current_user) else None,
        **_report_context(assessment),
    ), status


@bp.get("/manage/readiness/<int:assessment_id>/report.pdf")
@role_required(*ASSESSMENT_STAFF)
def report_pdf(assessment_id: int):
    """The readiness report as a PDF (no interview notes, names or unshared quotes)."""
    assessment = _load(assessment_id)
    return pdf_download(
        "readiness/pdf/report.html", f"{assessment.slug}-report.pdf", **_report_context(assessment)
    )


@bp.get("/readiness/<slug>")
@public
def public_summary(slug: str):
    """What the district chose to share: Tier 1 by area (small groups hidden) and its summary."""
    if g.district is None:
        abort(404)
    assessment = service.published_assessment(g.district.id, slug)
    if assessment is None:
        abort(404)
    survey_id = assessment.tier1_survey_id
    # Small groups are judged by people, not answers: a handful of people answer many items.
    return render_template(
        "readiness/public.html",
        assessment=assessment,
        tier1=area_means(survey_id) if survey_id else {},
        people=response_counts(survey_id).total if survey_id else 0,
        survey_areas=list(SurveyArea),
        threshold=g.district.small_cell_threshold,
    )
