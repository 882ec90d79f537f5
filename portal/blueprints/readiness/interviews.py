"""Tier 3 of the readiness assessment: the facilitator's protocol, interviews and coded
observations. Every route here is `confidential`: 404 to anyone but the facilitator and admins,
so nobody learns that interview records exist."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.blueprints.readiness import bp
from portal.blueprints.readiness.forms import InterviewForm, ObservationForm, ProtocolQuestionForm
from portal.blueprints.readiness.routes import load_assessment, status_of
from portal.extensions import db
from portal.forms import saved
from portal.models import ReadinessAssessment
from portal.permissions import confidential
from portal.services import interviews as tier3


@bp.route("/manage/readiness/<int:assessment_id>/interviews", methods=["GET", "POST"])
@confidential
def interviews(assessment_id: int):
    """The facilitator's protocol and interview log (confidential). Two forms post here: a
    question for the protocol (action=question) and an interview (action=interview)."""
    assessment = load_assessment(assessment_id)
    question, logged = ProtocolQuestionForm(), InterviewForm()
    if request.method == "POST" and not (question.posted() or logged.posted()):
        abort(400)
    if question.posted() and saved(
        question,
        lambda: tier3.add_protocol_question(assessment, current_user, question.text.data),
    ):
        flash(_("Question added to the protocol."), "success")
        return redirect(url_for("readiness.interviews", assessment_id=assessment.id), code=303)
    records = []  # the interview logged, for its page
    if logged.posted() and saved(
        logged,
        lambda: records.append(tier3.log_interview(assessment, current_user, **logged.values())),
    ):
        flash(_("Interview logged. Add coded observations below."), "success")
        return redirect(_interview_url(records[0]), code=303)
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
    """One interview: notes and coded observations (confidential; each reading audited)."""
    assessment = load_assessment(assessment_id)
    record = _interview_or_404(assessment, interview_id)
    form = ObservationForm()
    if saved(form, lambda: tier3.add_observation(record, current_user, **form.values())):
        flash(_("Observation added."), "success")
        return redirect(_interview_url(record), code=303)
    # The notes are about to be shown: the log records who read them (never what they say).
    tier3.record_reading(current_user, record)
    db.session.commit()
    return render_template(
        "readiness/interview.html", assessment=assessment, interview=record, form=form
    ), status_of(form)


@bp.post("/manage/readiness/<int:assessment_id>/interviews/<int:interview_id>/delete")
@confidential
def delete_interview(assessment_id: int, interview_id: int):
    """Delete an interview record and its observations."""
    record = _interview_or_404(load_assessment(assessment_id), interview_id)
    tier3.delete_interview(record, current_user)
    db.session.commit()
    flash(_("Interview deleted."), "success")
    return redirect(url_for("readiness.interviews", assessment_id=assessment_id), code=303)
