"""Readiness assessment rules: the assessment itself, who answers the inventory, the public
summary, and Tier 2 (officials' inventory and the roundtable). Plain functions taking the acting
user where they change something; refused input raises Rejected; callers commit. Tier 3 is in
services.interviews, the report in services.readiness_report."""

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from portal.content.readiness_inventory import QUESTIONS, QUESTIONS_BY_KEY
from portal.extensions import db
from portal.forms import parse_web_address
from portal.models import (
    InventoryAnswer,
    InventoryInvite,
    ReadinessAssessment,
    Role,
    RoundtableNote,
    Survey,
    User,
)
from portal.models.accounts import RoleGrant
from portal.models.readiness import AssessmentStage, Verdict
from portal.services.audit import record_audit
from portal.services.errors import Rejected

# What the hint says: lowercase words and digits joined by single hyphens.
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


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
    """Every official's inventory answers, by question key."""
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
    """How far officials agree on each question, by question key."""
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
        """Whether the official answered anything (a rating, "not sure", or words)."""
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
    """What the roundtable concluded, by question key ("" = overall)."""
    return {
        n.question_key: n
        for n in db.session.scalars(
            select(RoundtableNote).where(RoundtableNote.assessment_id == assessment_id)
        )
    }


# --- assessments and the officials who answer -----------------------------------------------


def assessments_of(district_id: int) -> list[ReadinessAssessment]:
    """The district's assessments, newest first."""
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
