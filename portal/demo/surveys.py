"""Demo Tier 1 surveys: last year's closed baseline and this year's open survey with responses.

Responses are generated from a fixed seed and stored through the same service the site uses
(so tallies are real); they are made only once, so loading the demo twice adds nothing.
"""

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import School, Survey, SurveyResponse
from portal.models.surveys import Channel, ItemKind, RespondentRole
from portal.services import surveys as survey_service

# How the demo community leans in each area (the mean it tends toward), last year and this year.
LEANING = {
    "transparency": (1.9, 2.3),
    "engagement": (2.3, 2.6),
    "autonomy": (2.6, 2.7),
    "innovation": (2.5, 2.6),
    "equity": (2.2, 2.4),
    "efficiency": (2.4, 2.5),
}
ROLES = [
    (RespondentRole.PARENT, 50),
    (RespondentRole.TEACHER, 18),
    (RespondentRole.STAFF, 8),
    (RespondentRole.STUDENT, 10),
    (RespondentRole.COMMUNITY, 9),
    (RespondentRole.PRINCIPAL, 2),
    (RespondentRole.DISTRICT, 3),
]
LANGUAGES = [("en", 50), ("es", 32), ("zh_Hans", 9), ("vi", 9)]
CHANNELS = [(Channel.ONLINE, 72), (Channel.PAPER, 20), (Channel.MEETING, 8)]
COMMENTS = {
    "en": "Please share the budget earlier in the year so the council has time to discuss it.",
    "es": "Por favor compartan el presupuesto más temprano para que el consejo pueda hablarlo.",
    "zh_Hans": "希望能更早公布预算，让委员会有时间讨论。",
    "vi": "Xin công bố ngân sách sớm hơn để hội đồng có thời gian thảo luận.",
}


def _pick(rng: random.Random, weighted):
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _score(rng: random.Random, lean: float) -> int | str:
    if rng.random() < 0.06:
        return survey_service.DONT_KNOW
    return max(1, min(4, round(rng.gauss(lean, 0.85))))


def _ensure_survey(district_id, slug, opens_at, closes_at, public=True) -> Survey:
    survey = db.session.scalars(select(Survey).where(Survey.slug == slug)).first()
    if survey is None:
        survey = survey_service.create_from_template(district_id, slug, opens_at, closes_at)
        survey.publish()
    else:
        # Loaded again: the survey keeps the day it opened (its answers are dated from then)
        # and stays open at least as long as asked.
        survey.closes_at = max(survey.closes_at, closes_at)
    survey.results_public = public
    db.session.flush()
    return survey


def _fill(survey: Survey, count: int, year_index: int, seed: int) -> None:
    """`count` answers spread over the survey's first 30 days (or the days it has been open)."""
    if db.session.scalar(select(func.count()).where(SurveyResponse.survey_id == survey.id)):
        return
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    schools = list(db.session.scalars(select(School).order_by(School.name)))
    # Small schools answer less: Bridgeway stays under the privacy threshold on purpose.
    school_weights = [
        (s.id, 1 if s.slug == "bridgeway-continuation" else s.enrollment) for s in schools
    ]
    days = max(1, min(30, (min(survey.closes_at, datetime.now(UTC)) - survey.opens_at).days))
    for n in range(count):
        school_id = None if rng.random() < 0.08 else _pick(rng, school_weights)
        language = _pick(rng, LANGUAGES)
        form = {
            "role": _pick(rng, ROLES).value,
            "school": str(school_id) if school_id else survey_service.DISTRICT_WIDE,
            "language": language,
        }
        for item in survey.items:
            if item.kind == ItemKind.AGREEMENT and rng.random() > 0.04:
                lean = LEANING[item.area][year_index] + (0.3 if language == "en" else 0.0)
                form[survey_service.item_field(item.id)] = str(_score(rng, lean))
            elif item.kind == ItemKind.COMMENT and rng.random() < 0.1:
                form[survey_service.item_field(item.id)] = COMMENTS[language]
        submission = survey_service.validate_submission(survey, form)
        channel = _pick(rng, CHANNELS)
        survey_service.record_response(
            survey,
            submission,
            channel,
            sheet_code=f"{n + 1:04d}-DEM" if channel != Channel.ONLINE else None,
            today=(survey.opens_at + timedelta(days=n % days, hours=1)).date(),
            now=survey.opens_at + timedelta(days=n % days, hours=1),
        )


def load_survey_demo(district_id: int) -> Survey:
    """Create the two demo surveys with responses; returns this year's (open) survey."""
    now = datetime.now(UTC)
    baseline = _ensure_survey(
        district_id,
        "readiness-2025",
        datetime(2025, 10, 1, 7, tzinfo=UTC),
        datetime(2025, 11, 15, 7, tzinfo=UTC),
    )
    current = _ensure_survey(
        district_id, "readiness-2026", now - timedelta(days=30), now + timedelta(days=60)
    )
    current.baseline_id = baseline.id
    baseline.title = {
        "en": "Readiness survey 2025 (baseline)",
        "es": "Encuesta de preparación 2025 (línea de base)",
        "zh_Hans": "2025年准备情况调查（基线）",
        "vi": "Khảo sát mức sẵn sàng 2025 (mốc ban đầu)",
        "ar": "استطلاع الجاهزية 2025 (خط الأساس)",
    }
    db.session.flush()
    _fill(baseline, 180, 0, seed=2025)
    _fill(current, 360, 1, seed=2026)
    return current
