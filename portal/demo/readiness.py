"""The demo readiness assessment, run the way the facilitator runs one, through the readiness
services: the assessment linked to this year's survey (Tier 1), the officials asked and the
public summary published, each official's inventory answers, the roundtable's notes (closing
the inventory), the next steps, and the interviews with their coded observations (Tier 3).
Safe to run twice: the answers, notes and interviews are made once. What it says is in
portal/demo/content/readiness.py."""

import random
from datetime import date

from sqlalchemy import select

from portal.content.readiness_inventory import QUESTIONS
from portal.demo.content.readiness import (
    CONTENTIOUS,
    CONTESTED,
    INTERVIEWS,
    NEXT_STEPS,
    NOTES,
    OFFICIALS,
    OVERALL,
    PROTOCOL,
    SLUG,
    SUMMARY,
    TITLE,
)
from portal.extensions import db
from portal.models import InventoryAnswer, ReadinessAssessment, Role, User
from portal.services import interviews, readiness
from portal.services.accounts import set_roles


def _official(email: str, name: str) -> User:
    user = db.session.scalars(select(User).where(User.email == email)).first()
    if user is None:
        user = User(email=email, name=name)
        db.session.add(user)
    user.name, user.is_active = name, True
    user.set_password("demo")  # the published demo password (see portal.demo.DEMO_PASSWORD)
    set_roles(user, [Role.DISTRICT.value], [])
    return user


def _answers(index: int, rng: random.Random) -> dict[str, readiness.InventoryEntry]:
    """An official's inventory: they split on the contentious questions (strength against
    weakness), think the district transparent, and rate the rest middling."""
    entries = {}
    for question in QUESTIONS:
        if question.key in CONTENTIOUS:
            rating = 1 if index % 2 == 0 else 4
        elif question.survey_area == "transparency":
            rating = rng.choice([1, 2])
        else:
            rating = rng.choice([2, 2, 3])
        entries[question.key] = readiness.InventoryEntry(
            rating=rating,
            answer="See the evidence." if rating <= 2 else "This needs work.",
            evidence="Board minutes and the budget calendar." if index == 0 else "",
        )
    return entries


def load_readiness_demo(district, survey, facilitator) -> None:
    """Create or refresh the demo assessment; `facilitator` runs it."""
    assessment = db.session.scalars(
        select(ReadinessAssessment).where(ReadinessAssessment.slug == SLUG)
    ).first() or readiness.create_assessment(district, facilitator, TITLE, SLUG, survey.id)
    assessment.title, assessment.tier1_survey_id = TITLE, survey.id
    officials = [_official(email, name) for email, name in OFFICIALS]
    officials.append(
        db.session.scalars(select(User).where(User.email == "district@demo.test")).one()
    )
    db.session.flush()
    readiness.save_overview(assessment, facilitator, [u.id for u in officials], SUMMARY, True)
    readiness.save_next_steps(assessment, facilitator, NEXT_STEPS)
    if db.session.scalars(
        select(InventoryAnswer).where(InventoryAnswer.assessment_id == assessment.id)
    ).first():
        return  # the inventory, roundtable and interviews are in already
    rng = random.Random(2026)  # noqa: S311 - reproducible demo data
    for index, official in enumerate(officials):
        readiness.save_inventory(assessment, official, _answers(index, rng))
    for key in sorted(CONTENTIOUS):
        readiness.save_roundtable_note(
            assessment, facilitator, key, CONTESTED, contentious=True, carry=True
        )
    readiness.save_roundtable_note(assessment, facilitator, "", OVERALL, close=True)
    for text in PROTOCOL:
        interviews.add_protocol_question(assessment, facilitator, text)
    for n, (role, department, observations) in enumerate(INTERVIEWS):
        interview = interviews.log_interview(
            assessment,
            facilitator,
            interviewee_role=role,
            department=department,
            held_on=date(2026, 11, 2 + n),
            notes=NOTES,
        )
        for code, area, note, needs, shareable in observations:
            interviews.add_observation(
                interview,
                facilitator,
                code=code,
                survey_area=area,
                note=note,
                needs=needs,
                shareable=shareable,
            )
    db.session.flush()
