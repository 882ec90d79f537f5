"""Readiness assessment rules (Tiers 2 and 3 and the report). Plain functions taking the acting
user where they change something; refused input raises Rejected; callers commit."""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.content.readiness_inventory import QUESTIONS, QUESTIONS_BY_KEY
from portal.extensions import db
from portal.forms import parse_web_address
from portal.models import (
    Interview,
    InterviewObservation,
    InterviewQuestion,
    InventoryAnswer,
    InventoryInvite,
    ReadinessAssessment,
    Role,
    RoundtableNote,
    Survey,
    User,
)
from portal.models.accounts import RoleGrant
from portal.models.readiness import AssessmentStage, ObservationCode, Verdict
from portal.models.surveys import SurveyArea
from portal.services.audit import record_audit
from portal.services.errors import Rejected
from portal.services.survey_results import area_means

# What the hint says: lowercase words and digits joined by single hyphens.
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
WEAK_AREA_BELOW = 2.5  # a Tier 1 area whose mean agreement is below this is "weak"


def classify_agreement(ratings: list[int | None]) -> Verdict:
    """Consensus or contention among officials' ratings (1 clear strength ... 4 clear weakness).

    "too_few": fewer than two ratings. "contention": some see a strength and others a weakness,
    two or more points apart. "consensus": all within one point on the same side. Else "mixed".
    """
    given = [r for r in ratings if r is not None]
    if len(given) < 2:
        return Verdict.TOO_FEW
    spread = max(given) - min(given)
    strength = any(r <= 2 for r in given)
    weakness = any(r >= 3 for r in given)
    if strength and weakness and spread >= 2:
        return Verdict.CONTENTION
    if spread <= 1 and not (strength and weakness):
        return Verdict.CONSENSUS
    return Verdict.MIXED


def answers_by_question(assessment_id: int) -> dict[str, list[InventoryAnswer]]:
    rows = db.session.scalars(
        select(InventoryAnswer)
        .where(InventoryAnswer.assessment_id == assessment_id)
        .order_by(InventoryAnswer.user_id)
    )
    grouped: dict[str, list[InventoryAnswer]] = {}
    for row in rows:
        grouped.setdefault(row.question_key, []).append(row)
    return grouped


def classifications(assessment_id: int) -> dict[str, Verdict]:
    grouped = answers_by_question(assessment_id)
    return {
        q.key: classify_agreement([a.rating for a in grouped.get(q.key, [])]) for q in QUESTIONS
    }


@dataclass(frozen=True)
class InventoryEntry:
    """One official's answer to one inventory question, as typed. `rating` is 1 (clear
    strength) to 4 (clear weakness), or None with `unsure` when they chose "not sure"."""

    rating: int | None = None
    unsure: bool = False
    answer: str = ""
    evidence: str = ""
    links: list[str] = field(default_factory=list)

    @property
    def given(self) -> bool:
        return bool(self.rating is not None or self.unsure or self.answer or self.evidence)


def inventory_of(assessment_id: int, user_id: int) -> dict[str, InventoryAnswer]:
    """One official's stored answers, by question key."""
    return {
        a.question_key: a
        for a in db.session.scalars(
            select(InventoryAnswer).where(
                InventoryAnswer.assessment_id == assessment_id, InventoryAnswer.user_id == user_id
            )
        )
    }


def save_inventory(
    assessment: ReadinessAssessment, actor, entries: dict[str, InventoryEntry]
) -> None:
    """Store `actor`'s answers (question key -> entry). Every entry is checked before anything
    is written; a question left empty that was never answered stores no row."""
    if assessment.stage != AssessmentStage.INVENTORY_OPEN:
        raise Rejected(
            {}, _("The roundtable has closed this inventory; answers can no longer change.")
        )
    errors = {}
    for key, entry in entries.items():
        if key not in QUESTIONS_BY_KEY:
            raise Rejected({}, _("This form does not match the inventory. Please reload the page."))
        if entry.rating is not None and entry.rating not in (1, 2, 3, 4):
            errors[f"{key}.rating"] = _("Choose one of the ratings.")
        if any(not parse_web_address(link) for link in entry.links):
            errors[f"{key}.links"] = _("Each link must start with http:// or https://.")
    if errors:
        raise Rejected(errors)
    existing = inventory_of(assessment.id, actor.id)
    for key, entry in entries.items():
        if not (entry.given or entry.links) and key not in existing:
            continue
        row = existing.get(key) or InventoryAnswer(
            assessment_id=assessment.id, user_id=actor.id, question_key=key
        )
        row.rating, row.answer, row.evidence = (
            entry.rating,
            entry.answer[:5000],
            entry.evidence[:5000],
        )
        row.links = "\n".join(entry.links)
        db.session.add(row)


def save_roundtable_note(
    assessment: ReadinessAssessment,
    actor,
    question_key: str,
    conclusion: str,
    contentious: bool = False,
    carry: bool = False,
    close: bool = False,
) -> RoundtableNote:
    """Record what the roundtable concluded on one question ("" = overall). With `close` on the
    overall note, the roundtable is held and the inventory closes."""
    if question_key and question_key not in QUESTIONS_BY_KEY:
        raise Rejected({"question_key": _("This question is not in the inventory.")})
    note = db.session.scalars(
        select(RoundtableNote).where(
            RoundtableNote.assessment_id == assessment.id,
            RoundtableNote.question_key == question_key,
        )
    ).first() or RoundtableNote(assessment_id=assessment.id, question_key=question_key)
    note.conclusion = conclusion.strip()[:5000]
    note.contentious = contentious
    note.carry_to_interviews = carry
    db.session.add(note)
    if close and not question_key and assessment.stage == AssessmentStage.INVENTORY_OPEN:
        assessment.close_roundtable()
        record_audit(actor, "readiness.roundtable_closed", "readiness_assessment", assessment.id)
    return note


def roundtable_notes(assessment_id: int) -> dict[str, RoundtableNote]:
    return {
        n.question_key: n
        for n in db.session.scalars(
            select(RoundtableNote).where(RoundtableNote.assessment_id == assessment_id)
        )
    }


def officials_by_survey_area(assessment_id: int) -> dict[str, tuple[float | None, int]]:
    """Officials' ratings mapped onto the six survey areas, on the survey's agreement scale
    (a clear strength, 1, reads as strong agreement, 4): mean and number of ratings per area."""
    totals: dict[str, list[int]] = {}
    for answer in db.session.scalars(
        select(InventoryAnswer).where(
            InventoryAnswer.assessment_id == assessment_id, InventoryAnswer.rating.is_not(None)
        )
    ):
        question = QUESTIONS_BY_KEY.get(answer.question_key)
        if question and question.survey_area:
            totals.setdefault(question.survey_area, []).append(5 - answer.rating)
    return {
        area.value: (
            round(sum(totals[area.value]) / len(totals[area.value]), 2)
            if totals.get(area.value)
            else None,
            len(totals.get(area.value, [])),
        )
        for area in SurveyArea
    }


def observation_counts(assessment_id: int) -> tuple[Counter, Counter]:
    """How often interviews noted each code, and touched each survey area (counts only)."""
    rows = db.session.execute(
        select(InterviewObservation.code, InterviewObservation.survey_area, func.count())
        .join(Interview)
        .where(Interview.assessment_id == assessment_id)
        .group_by(InterviewObservation.code, InterviewObservation.survey_area)
    ).all()
    by_code, by_area = Counter(), Counter()
    for code, area, count in rows:
        by_code[code] += count
        if area:
            by_area[area] += count
    return by_code, by_area


def shareable_notes(assessment_id: int) -> list[InterviewObservation]:
    """Observations the facilitator allowed to be quoted; the report shows them without names."""
    return list(
        db.session.scalars(
            select(InterviewObservation)
            .join(Interview)
            .where(Interview.assessment_id == assessment_id, InterviewObservation.shareable)
            .order_by(InterviewObservation.id)
        )
    )


@dataclass(frozen=True)
class PerceptionGap:
    area: SurveyArea
    community_mean: float | None
    community_n: int
    officials_mean: float | None
    officials_n: int
    interview_mentions: int

    @property
    def gap(self) -> float | None:
        """Officials' view minus the community's, on the 1-4 agreement scale."""
        if self.community_mean is None or self.officials_mean is None:
            return None
        return round(self.officials_mean - self.community_mean, 2)


def perception_gaps(assessment: ReadinessAssessment) -> list[PerceptionGap]:
    """For each of the six areas, the three tiers side by side, largest gap first."""
    community = area_means(assessment.tier1_survey_id) if assessment.tier1_survey_id else {}
    officials = officials_by_survey_area(assessment.id)
    _codes, mentions = observation_counts(assessment.id)
    rows = [
        PerceptionGap(
            area,
            *community.get(area.value, (None, 0)),
            *officials[area.value],
            mentions.get(area.value, 0),
        )
        for area in SurveyArea
    ]
    return sorted(rows, key=lambda r: -(abs(r.gap) if r.gap is not None else -1))


def suggested_interview_questions(assessment: ReadinessAssessment) -> list[str]:
    """Protocol questions drawn from Tier 1 weak areas and Tier 2 contention."""
    suggestions = []
    if assessment.tier1_survey_id:
        for area, (mean, n) in area_means(assessment.tier1_survey_id).items():
            if mean is not None and n and mean < WEAK_AREA_BELOW:
                label = SurveyArea(area).label
                suggestions.append(
                    _(
                        "The community rated %(area)s low (%(mean)s of 4). What do you see "
                        "behind that, and what would change it?",
                        area=label,
                        mean=f"{mean:.2f}",
                    )
                )
    notes = roundtable_notes(assessment.id)
    for key, verdict in classifications(assessment.id).items():
        note = notes.get(key)
        if verdict == Verdict.CONTENTION or (
            note and (note.contentious or note.carry_to_interviews)
        ):
            suggestions.append(
                _(
                    "Officials disagreed on: “%(question)s” How do you see it, and why?",
                    question=QUESTIONS_BY_KEY[key].text,
                )
            )
    return suggestions


def next_protocol_position(assessment_id: int) -> int:
    current = db.session.scalar(
        select(func.max(InterviewQuestion.position)).where(
            InterviewQuestion.assessment_id == assessment_id
        )
    )
    return (current or 0) + 1


# --- assessments and the officials who answer -----------------------------------------------


def assessments_of(district_id: int) -> list[ReadinessAssessment]:
    return list(
        db.session.scalars(
            select(ReadinessAssessment)
            .where(ReadinessAssessment.district_id == district_id)
            .order_by(ReadinessAssessment.id.desc())
        )
    )


def published_assessment(district_id: int, slug: str) -> ReadinessAssessment | None:
    """The assessment whose public summary is published at /readiness/<slug>, or None."""
    return db.session.scalars(
        select(ReadinessAssessment).where(
            ReadinessAssessment.slug == slug,
            ReadinessAssessment.district_id == district_id,
            ReadinessAssessment.public_summary_published,
        )
    ).first()


def create_assessment(
    district, actor, title: str, slug: str, tier1_survey_id: int | None
) -> ReadinessAssessment:
    """Start an assessment in `district`, optionally linked to one of its surveys (Tier 1)."""
    title, slug = title.strip(), slug.strip()
    errors = {}
    if not title:
        errors["title"] = _("Enter a name.")
    if not SLUG.fullmatch(slug) or len(slug) > 80:
        errors["slug"] = _("Use lowercase letters, digits and single hyphens only.")
    elif db.session.scalars(
        select(ReadinessAssessment).where(ReadinessAssessment.slug == slug)
    ).first():
        errors["slug"] = _("Another assessment already uses this web address name.")
    survey = db.session.get(Survey, tier1_survey_id) if tier1_survey_id is not None else None
    if tier1_survey_id is not None and (survey is None or survey.district_id != district.id):
        errors["tier1_survey_id"] = _("Choose a survey from the list.")
    if errors:
        raise Rejected(errors)
    assessment = ReadinessAssessment(
        district_id=district.id,
        slug=slug,
        title=title[:200],
        tier1_survey_id=survey.id if survey else None,
        public_summary={},
        source_locale=district.default_locale,
    )
    db.session.add(assessment)
    db.session.flush()
    record_audit(actor, "readiness.created", "readiness_assessment", assessment.id, {"slug": slug})
    return assessment


def officials() -> list[User]:
    """Active accounts with the district staff role: who may be asked to answer the inventory."""
    return list(
        db.session.scalars(
            select(User)
            .join(RoleGrant)
            .where(RoleGrant.role == Role.DISTRICT.value, User.is_active)
            .order_by(User.name)
            .distinct()
        )
    )


def save_overview(
    assessment: ReadinessAssessment,
    actor,
    official_ids: list[int],
    summary: dict[str, str],
    publish: bool,
) -> None:
    """Who answers the inventory, the public summary in each language, and whether it shows."""
    chosen = set(official_ids)
    if not chosen <= {u.id for u in officials()}:
        raise Rejected({"officials": _("Choose officials from the list.")})
    kept = [i for i in assessment.invites if i.user_id in chosen]
    added = sorted(chosen - {i.user_id for i in assessment.invites})
    assessment.invites = kept + [InventoryInvite(user_id=uid) for uid in added]
    assessment.public_summary = {code: text[:5000] for code, text in summary.items() if text}
    if publish and not assessment.public_summary_published:
        assessment.publish_summary()
        record_audit(actor, "readiness.summary_published", "readiness_assessment", assessment.id)
    elif not publish and assessment.public_summary_published:
        assessment.withdraw_summary()
        record_audit(actor, "readiness.summary_withdrawn", "readiness_assessment", assessment.id)


def save_next_steps(assessment: ReadinessAssessment, actor, text: str) -> None:
    """The facilitator's recommended next steps, shown at the end of the report."""
    assessment.next_steps = text.strip()[:20000]


# --- Tier 3: the facilitator's protocol and interviews (confidential) -----------------------


def protocol(assessment_id: int) -> list[InterviewQuestion]:
    return list(
        db.session.scalars(
            select(InterviewQuestion)
            .where(InterviewQuestion.assessment_id == assessment_id)
            .order_by(InterviewQuestion.position)
        )
    )


def interviews_of(assessment_id: int) -> list[Interview]:
    return list(
        db.session.scalars(
            select(Interview)
            .where(Interview.assessment_id == assessment_id)
            .order_by(Interview.held_on.desc())
        )
    )


def add_protocol_question(assessment: ReadinessAssessment, actor, text: str) -> InterviewQuestion:
    """Append a question to the interview protocol."""
    text = text.strip()
    if not text:
        raise Rejected({"text": _("Write the question.")})
    question = InterviewQuestion(
        assessment_id=assessment.id,
        position=next_protocol_position(assessment.id),
        text=text[:1000],
    )
    db.session.add(question)
    return question


def log_interview(
    assessment: ReadinessAssessment,
    actor,
    *,
    interviewee_role: str,
    held_on: date | None,
    department: str = "",
    interviewee_name: str = "",
    notes: str = "",
) -> Interview:
    """Record an interview held by the facilitator (`actor`)."""
    errors = {}
    if not interviewee_role.strip():
        errors["interviewee_role"] = _("Enter the person's role.")
    if held_on is None:
        errors["held_on"] = _("Choose a date.")
    if errors:
        raise Rejected(errors)
    interview = Interview(
        assessment_id=assessment.id,
        interviewee_role=interviewee_role.strip()[:120],
        department=department.strip()[:120],
        interviewee_name=interviewee_name.strip()[:200],
        held_on=held_on,
        notes=notes.strip()[:20000],
        logged_by_id=actor.id,
    )
    db.session.add(interview)
    db.session.flush()
    return interview


def interview_of(assessment: ReadinessAssessment, interview_id: int) -> Interview | None:
    """The assessment's interview `interview_id`, or None (another assessment's is None too)."""
    record = db.session.get(Interview, interview_id)
    return record if record is not None and record.assessment_id == assessment.id else None


def add_observation(
    interview: Interview,
    actor,
    *,
    code: str,
    survey_area: str = "",
    note: str = "",
    needs: str = "",
    shareable: bool = False,
) -> InterviewObservation:
    """Add a coded observation to an interview."""
    errors = {}
    if code not in {c.value for c in ObservationCode}:
        errors["code"] = _("Choose what you observed.")
    if survey_area and survey_area not in {a.value for a in SurveyArea}:
        errors["survey_area"] = _("Choose an area from the list.")
    if errors:
        raise Rejected(errors)
    observation = InterviewObservation(
        code=code,
        survey_area=survey_area,
        note=note.strip()[:5000],
        needs=needs.strip()[:5000],
        shareable=shareable,
    )
    interview.observations.append(observation)
    return observation


def delete_interview(interview: Interview, actor) -> None:
    """Delete an interview record and its observations."""
    db.session.delete(interview)


# --- the report ------------------------------------------------------------------------------


def report(assessment: ReadinessAssessment) -> dict:
    """What the report (page and PDF) shows: the three tiers side by side. Nothing from the
    interviews but counts and the notes the facilitator allowed to be quoted."""
    verdicts = classifications(assessment.id)
    by_code, _by_area = observation_counts(assessment.id)
    return {
        "tier1": area_means(assessment.tier1_survey_id) if assessment.tier1_survey_id else {},
        "verdicts": verdicts,
        "verdict_counts": Counter(verdicts.values()),
        "notes": roundtable_notes(assessment.id),
        "by_code": by_code,
        "quotes": shareable_notes(assessment.id),
        "gaps": perception_gaps(assessment),
    }
