"""The assessment, Tier 2 (officials' inventory and roundtable) and the readiness report. Tier 3
(the confidential interviews) is in readiness/interviews.py."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.blueprints.readiness import bp
from portal.blueprints.readiness.forms import (
    InventoryForm,
    NewAssessmentForm,
    NextStepsForm,
    OverviewForm,
    RoundtableNoteForm,
    roundtable_forms,
)
from portal.blueprints.school_access import district_row_or_404
from portal.content.readiness_inventory import INVENTORY_AREAS, QUESTIONS, RATINGS
from portal.extensions import db
from portal.forms import saved
from portal.models import ReadinessAssessment, Role
from portal.models.readiness import ObservationCode, Verdict
from portal.models.surveys import SurveyArea
from portal.permissions import (
    ASSESSMENT_STAFF,
    DISTRICT_STAFF,
    cacheable,
    can_read_interviews,
    can_take_inventory,
    role_required,
)
from portal.responses import pdf_download
from portal.services import interviews
from portal.services import readiness as service
from portal.services.errors import Rejected
from portal.services.readiness_report import report as report_figures
from portal.services.survey_results import (
    ResultFilter,
    build_results,
)
from portal.services.surveys import district_surveys


@bp.app_template_filter()
def verdict_label(verdict: str) -> str:
    """Consensus, contention... in the reader's language."""
    return str(Verdict(verdict).label)


@bp.app_template_filter()
def observation_label(code: str) -> str:
    """What an interview observation's code means, in the reader's language."""
    return str(ObservationCode(code).label)


def load_assessment(assessment_id: int) -> ReadinessAssessment:
    """The district's assessment, or 404."""
    return district_row_or_404(ReadinessAssessment, assessment_id)


def status_of(form) -> int:
    """422 for a form refused, 200 otherwise."""
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
    created = []  # the new assessment, for its page
    if saved(
        form,
        lambda: created.append(
            service.create_assessment(
                g.district, current_user, form.title.data, form.slug.data, form.tier1_survey_id.data
            )
        ),
    ):
        flash(
            _("Assessment created. Invite the officials who will answer the inventory."),
            "success",
        )
        return redirect(url_for("readiness.overview", assessment_id=created[0].id), code=303)
    return _index_page(form)


def _index_page(form: NewAssessmentForm):
    assessments = service.assessments_of(g.district.id)
    page = render_template("readiness/index.html", assessments=assessments, form=form)
    return page, status_of(form)


@bp.route("/manage/readiness/<int:assessment_id>", methods=["GET", "POST"])
@role_required(*DISTRICT_STAFF)
def overview(assessment_id: int):
    """Who answers the inventory, and what the public summary says."""
    assessment = load_assessment(assessment_id)
    form = OverviewForm.of(assessment, service.officials())
    if saved(
        form,
        lambda: service.save_overview(
            assessment,
            current_user,
            form.officials.data or [],  # none ticked: the browser sends no field at all
            form.translations("summary"),
            form.publish.data,
        ),
    ):
        flash(_("Saved."), "success")
        return redirect(url_for("readiness.overview", assessment_id=assessment.id), code=303)
    answered = service.answers_by_question(assessment.id)
    return render_template(
        "readiness/overview.html", assessment=assessment, form=form, answered=answered
    ), status_of(form)


@bp.route("/manage/readiness/<int:assessment_id>/inventory", methods=["GET", "POST"])
@role_required(*DISTRICT_STAFF)
def inventory(assessment_id: int):
    """One official's answers to the inventory: a rating, an answer and evidence per question."""
    assessment = load_assessment(assessment_id)
    if not can_take_inventory(current_user, assessment):
        return render_template("readiness/not_invited.html", assessment=assessment), 403
    form = InventoryForm.of(service.inventory_of(assessment.id, current_user.id))
    if saved(form, lambda: service.save_inventory(assessment, current_user, form.entries())):
        flash(_("Saved. You can change your answers until the roundtable."), "success")
        return redirect(url_for("readiness.inventory", assessment_id=assessment.id), code=303)
    return render_template(
        "readiness/inventory.html",
        assessment=assessment,
        form=form,
        questions=QUESTIONS,
        areas=INVENTORY_AREAS,
        ratings=RATINGS,
    ), status_of(form)


@bp.route("/manage/readiness/<int:assessment_id>/roundtable", methods=["GET", "POST"])
@role_required(*ASSESSMENT_STAFF)
def roundtable(assessment_id: int):
    """Answers side by side per question, consensus and contention marked; record conclusions.
    Its forms are hidden fields, a text with the browser's own length limit and checkboxes:
    one that does not validate was not sent by the page (400)."""
    assessment = load_assessment(assessment_id)
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
    assessment = load_assessment(assessment_id)
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
    assessment = load_assessment(assessment_id)
    return _report_page(assessment, NextStepsForm(next_steps=assessment.next_steps))


def _report_page(assessment: ReadinessAssessment, form: NextStepsForm, status: int = 200):
    context = _report_context(assessment)
    _record_quoting(assessment, context, "page")
    return render_template(
        "readiness/report.html",
        form=form if can_read_interviews(current_user) else None,
        **context,
    ), status


def _record_quoting(assessment: ReadinessAssessment, context: dict, shown_as: str) -> None:
    # Quoted interview notes are about to be shown: the audit log records who saw which.
    interviews.record_quoting(current_user, assessment, context["quotes"], shown_as)
    db.session.commit()


@bp.get("/manage/readiness/<int:assessment_id>/report.pdf")
@role_required(*ASSESSMENT_STAFF)
def report_pdf(assessment_id: int):
    """The readiness report as a PDF (no interview notes, names or unshared quotes)."""
    assessment = load_assessment(assessment_id)
    context = _report_context(assessment)
    _record_quoting(assessment, context, "pdf")
    return pdf_download("readiness/pdf/report.html", f"{assessment.slug}-report.pdf", **context)


@bp.get("/readiness/<slug>")
@cacheable
def public_summary(slug: str):
    """What the district chose to share: Tier 1 by area (small groups hidden) and its summary."""
    if g.district is None:
        abort(404)
    assessment = service.published_assessment(g.district.id, slug)
    if assessment is None:
        abort(404)
    threshold = g.district.small_cell_threshold
    tier1, people = {}, 0
    if assessment.tier1_survey is not None:
        # The same figures the public results page shows for everyone, never more: an area's
        # average pools its items, so an area with a withheld item would give that item away
        # next to the results page's other items (survey_disclosure).
        view = build_results(assessment.tier1_survey, ResultFilter(), threshold)
        people = view.counts.total or 0
        tier1 = {
            area.area.value: (area.summary.mean, area.summary.scored) if area.summary else None
            for area in view.areas
        }
    return render_template(
        "readiness/public.html",
        assessment=assessment,
        tier1=tier1,
        people=people,
        survey_areas=list(SurveyArea),
        threshold=threshold,
    )
