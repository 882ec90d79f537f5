"""Tier 2 (officials' inventory and roundtable), Tier 3 (interviews) and the readiness report."""

import re
from datetime import date

from flask import abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from portal.blueprints.readiness import bp
from portal.blueprints.school_access import district_row_or_404
from portal.content.readiness_inventory import INVENTORY_AREAS, QUESTIONS, RATINGS
from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.models import (
    Interview,
    InterviewObservation,
    InterviewQuestion,
    InventoryInvite,
    ReadinessAssessment,
    Role,
    Survey,
    User,
)
from portal.models.accounts import RoleGrant
from portal.models.readiness import ObservationCode
from portal.models.surveys import SurveyArea
from portal.pdf import PDF_MIMETYPE, render_pdf
from portal.permissions import (
    ASSESSMENT_STAFF,
    can_read_interviews,
    can_take_inventory,
    confidential,
    public,
    role_required,
)
from portal.services import readiness as service
from portal.services.survey_results import area_means, response_counts

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # what the hint says: words, single hyphens


# What the evidence-link check accepts (services.readiness._valid_link), said in the hint.
LINKS_HINT = _l(
    "Each link starts with https:// or http://, for example https://example.org/budget."
)

VERDICT_LABELS = {
    "consensus": _l("Consensus"),
    "contention": _l("Contention"),
    "mixed": _l("Mixed views"),
    "too_few": _l("Too few answers"),
}


@bp.app_template_filter()
def verdict_label(verdict: str) -> str:
    return str(VERDICT_LABELS[verdict])


@bp.app_template_filter()
def observation_label(code: str) -> str:
    return str(ObservationCode(code).label)


def _load(assessment_id: int) -> ReadinessAssessment:
    return district_row_or_404(ReadinessAssessment, assessment_id)


def _officials() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(RoleGrant)
            .where(RoleGrant.role == Role.DISTRICT.value, User.is_active)
            .order_by(User.name)
            .distinct()
        )
    )


@bp.get("/manage/readiness")
@role_required(*ASSESSMENT_STAFF)
def index():
    """Readiness assessments."""
    return _index_page({})


@bp.post("/manage/readiness")
@role_required(Role.DISTRICT)
def create():
    """District staff start an assessment."""
    errors = {}
    title = (request.form.get("title") or "").strip()[:200]
    slug = (request.form.get("slug") or "").strip()
    survey_id = request.form.get("tier1_survey_id") or ""
    if not title:
        errors["title"] = _("Enter a name.")
    if not SLUG.fullmatch(slug) or len(slug) > 80:
        errors["slug"] = _("Use lowercase letters, digits and single hyphens only.")
    elif db.session.scalars(
        select(ReadinessAssessment).where(ReadinessAssessment.slug == slug)
    ).first():
        errors["slug"] = _("Another assessment already uses this web address name.")
    survey = db.session.get(Survey, int(survey_id)) if survey_id.isdigit() else None
    if survey is not None and survey.district_id != g.district.id:
        survey = None
    if survey_id and survey is None:
        errors["tier1_survey_id"] = _("Choose a survey from the list.")
    if not errors:
        assessment = ReadinessAssessment(
            district_id=g.district.id,
            slug=slug,
            title=title,
            tier1_survey_id=survey.id if survey else None,
            public_summary={},
            source_locale=g.district.default_locale,
        )
        db.session.add(assessment)
        db.session.commit()
        flash(
            _("Assessment created. Invite the officials who will answer the inventory."),
            "success",
        )
        return redirect(url_for("readiness.overview", assessment_id=assessment.id), code=303)
    return _index_page(errors)


def _index_page(errors: dict):
    assessments = list(
        db.session.scalars(
            select(ReadinessAssessment)
            .where(ReadinessAssessment.district_id == g.district.id)
            .order_by(ReadinessAssessment.id.desc())
        )
    )
    surveys = list(db.session.scalars(select(Survey).where(Survey.district_id == g.district.id)))
    return render_template(
        "readiness/index.html",
        assessments=assessments,
        surveys=surveys,
        errors=errors,
        form=request.form,
    ), 422 if errors else 200


@bp.route("/manage/readiness/<int:assessment_id>", methods=["GET", "POST"])
@role_required(Role.DISTRICT)
def overview(assessment_id: int):
    """Who answers the inventory, and what the public summary says."""
    assessment = _load(assessment_id)
    officials = _officials()
    if request.method == "POST":
        chosen = {int(v) for v in request.form.getlist("officials") if v.isdigit()}
        allowed = {u.id for u in officials}
        if not chosen <= allowed:
            abort(400)
        assessment.invites = [i for i in assessment.invites if i.user_id in chosen] + [
            InventoryInvite(user_id=uid)
            for uid in sorted(chosen - {i.user_id for i in assessment.invites})
        ]
        assessment.public_summary = {
            code: text
            for code in LANGUAGES
            if (text := (request.form.get(f"summary_{code}") or "").strip()[:5000])
        }
        assessment.public_summary_published = bool(request.form.get("publish"))
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("readiness.overview", assessment_id=assessment.id), code=303)
    answered = {key: len(rows) for key, rows in service.answers_by_question(assessment.id).items()}
    return render_template(
        "readiness/overview.html",
        assessment=assessment,
        officials=officials,
        invited={i.user_id for i in assessment.invites},
        answered=answered,
        languages=LANGUAGES,
    )


@bp.route("/manage/readiness/<int:assessment_id>/inventory", methods=["GET", "POST"])
@role_required(Role.DISTRICT)
def inventory(assessment_id: int):
    """One official's answers to the inventory: a rating, an answer and evidence per question."""
    assessment = _load(assessment_id)
    if not can_take_inventory(current_user, assessment):
        return render_template("readiness/not_invited.html", assessment=assessment), 403
    errors = {}
    if request.method == "POST":
        errors = service.save_inventory(assessment, current_user.id, request.form)
        if errors:
            db.session.rollback()
        else:
            db.session.commit()
            flash(_("Saved. You can change your answers until the roundtable."), "success")
            return redirect(url_for("readiness.inventory", assessment_id=assessment.id), code=303)
    mine = {
        key: next((a for a in rows if a.user_id == current_user.id), None)
        for key, rows in service.answers_by_question(assessment.id).items()
    }
    return render_template(
        "readiness/inventory.html",
        assessment=assessment,
        questions=QUESTIONS,
        areas=INVENTORY_AREAS,
        ratings=RATINGS,
        mine=mine,
        links_hint=LINKS_HINT,
        form=request.form if errors else None,
        errors=errors,
    ), 422 if errors else 200


@bp.route("/manage/readiness/<int:assessment_id>/roundtable", methods=["GET", "POST"])
@role_required(*ASSESSMENT_STAFF)
def roundtable(assessment_id: int):
    """Answers side by side per question, consensus and contention marked; record conclusions."""
    assessment = _load(assessment_id)
    if request.method == "POST":
        key = request.form.get("question_key", "")
        try:
            service.save_roundtable_note(
                assessment.id,
                key,
                request.form.get("conclusion", ""),
                bool(request.form.get("contentious")),
                bool(request.form.get("carry")),
            )
        except ValueError:
            db.session.rollback()
            abort(400)
        if request.form.get("close") and not key:
            assessment.roundtable_closed = True
        db.session.commit()
        flash(_("Roundtable record saved."), "success")
        anchor = f"q-{key}" if key else "overall"
        return redirect(
            url_for("readiness.roundtable", assessment_id=assessment.id) + f"#{anchor}", code=303
        )
    return render_template(
        "readiness/roundtable.html",
        assessment=assessment,
        questions=QUESTIONS,
        areas=INVENTORY_AREAS,
        ratings=RATINGS,
        grouped=service.answers_by_question(assessment.id),
        verdicts=service.classifications(assessment.id),
        notes=service.roundtable_notes(assessment.id),
    )


@bp.route("/manage/readiness/<int:assessment_id>/interviews", methods=["GET", "POST"])
@confidential
def interviews(assessment_id: int):
    """The facilitator's protocol and interview log (confidential)."""
    assessment = _load(assessment_id)
    errors = {}
    if request.method == "POST":
        action = request.form.get("action")
        if action == "question":
            text = (request.form.get("text") or "").strip()[:1000]
            if not text:
                errors["text"] = _("Write the question.")
            else:
                db.session.add(
                    InterviewQuestion(
                        assessment_id=assessment.id,
                        position=service.next_protocol_position(assessment.id),
                        text=text,
                    )
                )
        elif action == "interview":
            role = (request.form.get("interviewee_role") or "").strip()[:120]
            try:
                held_on = date.fromisoformat(request.form.get("held_on") or "")
            except ValueError:
                errors["held_on"] = _("Choose a date.")
                held_on = None
            if not role:
                errors["interviewee_role"] = _("Enter the person's role.")
            if not errors:
                interview = Interview(
                    assessment_id=assessment.id,
                    interviewee_role=role,
                    department=(request.form.get("department") or "").strip()[:120],
                    interviewee_name=(request.form.get("interviewee_name") or "").strip()[:200],
                    held_on=held_on,
                    notes=(request.form.get("notes") or "").strip()[:20000],
                    logged_by_id=current_user.id,
                )
                db.session.add(interview)
                db.session.commit()
                flash(_("Interview logged. Add coded observations below."), "success")
                return redirect(
                    url_for(
                        "readiness.interview",
                        assessment_id=assessment.id,
                        interview_id=interview.id,
                    ),
                    code=303,
                )
        else:
            abort(400)
        if not errors:
            db.session.commit()
            flash(_("Question added to the protocol."), "success")
            return redirect(url_for("readiness.interviews", assessment_id=assessment.id), code=303)
        db.session.rollback()
    protocol = list(
        db.session.scalars(
            select(InterviewQuestion)
            .where(InterviewQuestion.assessment_id == assessment.id)
            .order_by(InterviewQuestion.position)
        )
    )
    logged = list(
        db.session.scalars(
            select(Interview)
            .where(Interview.assessment_id == assessment.id)
            .order_by(Interview.held_on.desc())
        )
    )
    return render_template(
        "readiness/interviews.html",
        assessment=assessment,
        protocol=protocol,
        suggestions=service.suggested_interview_questions(assessment),
        interviews=logged,
        errors=errors,
        form=request.form,
    ), 422 if errors else 200


@bp.route(
    "/manage/readiness/<int:assessment_id>/interviews/<int:interview_id>", methods=["GET", "POST"]
)
@confidential
def interview(assessment_id: int, interview_id: int):
    """One interview: notes and coded observations (confidential)."""
    assessment = _load(assessment_id)
    record = db.session.get(Interview, interview_id)
    if record is None or record.assessment_id != assessment.id:
        abort(404)
    errors = {}
    if request.method == "POST":
        code = request.form.get("code", "")
        area = request.form.get("survey_area", "")
        if code not in {c.value for c in ObservationCode}:
            errors["code"] = _("Choose what you observed.")
        if area and area not in {a.value for a in SurveyArea}:
            errors["survey_area"] = _("Choose an area from the list.")
        if not errors:
            record.observations.append(
                InterviewObservation(
                    code=code,
                    survey_area=area,
                    note=(request.form.get("note") or "").strip()[:5000],
                    needs=(request.form.get("needs") or "").strip()[:5000],
                    shareable=bool(request.form.get("shareable")),
                )
            )
            db.session.commit()
            flash(_("Observation added."), "success")
            return redirect(
                url_for("readiness.interview", assessment_id=assessment.id, interview_id=record.id),
                code=303,
            )
    return render_template(
        "readiness/interview.html",
        assessment=assessment,
        interview=record,
        codes=list(ObservationCode),
        survey_areas=list(SurveyArea),
        errors=errors,
        form=request.form,
    ), 422 if errors else 200


@bp.post("/manage/readiness/<int:assessment_id>/interviews/<int:interview_id>/delete")
@confidential
def delete_interview(assessment_id: int, interview_id: int):
    """Delete an interview record and its observations."""
    assessment = _load(assessment_id)
    record = db.session.get(Interview, interview_id)
    if record is None or record.assessment_id != assessment.id:
        abort(404)
    db.session.delete(record)
    db.session.commit()
    flash(_("Interview deleted."), "success")
    return redirect(url_for("readiness.interviews", assessment_id=assessment.id), code=303)


def _report_context(assessment: ReadinessAssessment) -> dict:
    verdicts = service.classifications(assessment.id)
    by_code, by_area = service.observation_counts(assessment.id)
    tier1 = area_means(assessment.tier1_survey_id) if assessment.tier1_survey_id else {}
    return {
        "assessment": assessment,
        "tier1": tier1,
        "survey_areas": list(SurveyArea),
        "verdicts": verdicts,
        "verdict_counts": {v: list(verdicts.values()).count(v) for v in set(verdicts.values())},
        "questions": QUESTIONS,
        "notes": service.roundtable_notes(assessment.id),
        "by_code": by_code,
        "codes": list(ObservationCode),
        "quotes": service.shareable_notes(assessment.id),
        "gaps": service.perception_gaps(assessment),
    }


@bp.post("/manage/readiness/<int:assessment_id>/next-steps")
@role_required(Role.FACILITATOR)
def save_next_steps(assessment_id: int):
    """The facilitator writes the recommended next steps."""
    assessment = _load(assessment_id)
    assessment.next_steps = (request.form.get("next_steps") or "").strip()[:20000]
    db.session.commit()
    flash(_("Next steps saved."), "success")
    return redirect(url_for("readiness.report", assessment_id=assessment.id), code=303)


@bp.get("/manage/readiness/<int:assessment_id>/report")
@role_required(*ASSESSMENT_STAFF)
def report(assessment_id: int):
    """The readiness report: the three tiers side by side, and the recommended next steps."""
    assessment = _load(assessment_id)
    return render_template(
        "readiness/report.html",
        can_write_next_steps=can_read_interviews(current_user),
        **_report_context(assessment),
    )


@bp.get("/manage/readiness/<int:assessment_id>/report.pdf")
@role_required(*ASSESSMENT_STAFF)
def report_pdf(assessment_id: int):
    """The readiness report as a PDF (no interview notes, names or unshared quotes)."""
    assessment = _load(assessment_id)
    response = make_response(render_pdf("readiness/pdf/report.html", **_report_context(assessment)))
    response.mimetype = PDF_MIMETYPE
    response.headers["Content-Disposition"] = f'inline; filename="{assessment.slug}-report.pdf"'
    return response


@bp.get("/readiness/<slug>")
@public
def public_summary(slug: str):
    """What the district chose to share: Tier 1 by area (small groups hidden) and its summary."""
    assessment = db.session.scalars(
        select(ReadinessAssessment).where(ReadinessAssessment.slug == slug)
    ).first()
    if (
        assessment is None
        or g.district is None
        or assessment.district_id != g.district.id
        or not assessment.public_summary_published
    ):
        abort(404)
    tier1 = area_means(assessment.tier1_survey_id) if assessment.tier1_survey_id else {}
    # Small groups are judged by people, not answers: a handful of people answer many items.
    people = response_counts(assessment.tier1_survey_id).total if assessment.tier1_survey_id else 0
    return render_template(
        "readiness/public.html",
        assessment=assessment,
        tier1=tier1,
        people=people,
        survey_areas=list(SurveyArea),
        threshold=g.district.small_cell_threshold,
    )
