"""Test data built through the models and the services, small and explicit (not the demo).

Each factory adds rows to the session of the current app context and flushes; the caller
commits (usually a fixture: `with app.app_context(): ...; db.session.commit()`). A factory takes
what the test cares about and defaults the rest, so a test shows the numbers it checks against:

    d = factories.district()
    maple = factories.school(d, "maple-elementary", enrollment=412)
    year = factories.school_year(d)
    factories.funding(d, year)  # Table 2.2 adopted, 40% in poverty, 20% EL, 12% special ed
    reading = factories.goal_spec("Read more", [("Tutors", 9_000)])
    plan = factories.plan(maple, year, goals=[reading])
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import (
    AgendaItem,
    AllocationScenario,
    Committee,
    CommitteeMember,
    District,
    Enrollment,
    FundingStream,
    Goal,
    Investment,
    InvestmentCategory,
    Meeting,
    NeedGroup,
    PriorAllocation,
    ReadinessAssessment,
    School,
    SchoolPlan,
    SchoolYear,
    Strategy,
    Survey,
    User,
)
from portal.models.base import utcnow
from portal.models.planning import PlanStatus
from portal.services import plans as plan_service
from portal.services import surveys as survey_service
from portal.services.accounts import set_roles
from portal.services.allocation import Policy, SchoolInput, allocate
from portal.services.committee_record import schedule_meeting

PASSWORD = "correct horse battery"  # the same as tests/conftest.py's users
_numbers = count(1)


def text(en: str, **others: str) -> dict:
    """A translated text: text("Books", es="Libros", zh_Hans="书")."""
    return {"en": en, **others}


# -- the district, its schools, years and people ------------------------------------------------


def district(slug="test-valley", name="Test Valley Unified", **values) -> District:
    """A district in California's time zone, English first."""
    row = District(
        slug=slug,
        name=name,
        default_locale="en",
        source_locale="en",
        timezone="America/Los_Angeles",
        tagline=values.pop("tagline", {"en": "Plans and budgets in plain language."}),
        **values,
    )
    db.session.add(row)
    db.session.flush()
    return row


def school(district, slug, name=None, level="elementary", enrollment=400, **values) -> School:
    """A school of the district; the name defaults to the slug's words."""
    row = School(
        district_id=district.id,
        slug=slug,
        name=name or slug.replace("-", " ").title(),
        level=level,
        enrollment=enrollment,
        address=values.pop("address", f"1 {slug.split('-')[0].title()} St"),
        description=values.pop("description", {"en": f"About {name or slug}."}),
        source_locale="en",
        **values,
    )
    db.session.add(row)
    db.session.flush()
    return row


def school_year(district, label="2026-27", current=True) -> SchoolYear:
    """July 1 to June 30 of the years the label names ("2026-27")."""
    first = int(label[:4])
    row = SchoolYear(
        district_id=district.id,
        label=label,
        starts_on=date(first, 7, 1),
        ends_on=date(first + 1, 6, 30),
        is_current=current,
    )
    db.session.add(row)
    db.session.flush()
    return row


def user(*roles, schools=(), email=None, name=None, password=PASSWORD) -> User:
    """An active user with these roles (Role values), at these schools (School rows)."""
    email = email or f"{roles[0].value if roles else 'user'}{next(_numbers)}@example.test"
    row = User(email=email, name=name or email.split("@")[0].title(), is_active=True)
    row.set_password(password)
    set_roles(row, [r.value for r in roles], [s.id for s in schools])
    db.session.add(row)
    db.session.flush()
    return row


# -- money: need groups, enrollment, streams and the adopted formula -----------------------------

# Guidebook Table 2.2, in cents per pupil; continuation ("other") schools use the high row.
TABLE_2_2 = {
    "elementary": {"all": 374100, "poverty": 127200, "el": 63600, "sped": 344200},
    "middle": {"all": 366700, "poverty": 124700, "el": 51300, "sped": 315400},
    "high": {"all": 468300, "poverty": 107700, "el": 74900, "sped": 388700},
}
TABLE_2_2["other"] = dict(TABLE_2_2["high"])
NEED_GROUPS = [
    ("poverty", text("students in poverty", es="estudiantes en situación de pobreza",
                     vi="học sinh thuộc diện nghèo")),
    ("el", text("English learners", es="estudiantes de inglés", vi="học sinh học tiếng Anh")),
    ("sped", text("students in special education", es="estudiantes de educación especial",
                  vi="học sinh giáo dục đặc biệt")),
]  # fmt: skip
# The streams' names in every language (a budget table's headers are as tall as the longest).
STREAM_NAMES = {
    "base": text("Base grant (unrestricted)", es="Subvención base (sin restricciones)",
                 zh_Hans="基本拨款（无限制）", vi="Khoản cấp cơ bản (không hạn chế)",
                 ar="المنحة الأساسية (غير مقيَّدة)"),
    "supplemental": text("Supplemental and concentration grant",
                         es="Subvención suplementaria y de concentración", zh_Hans="补充和集中拨款",
                         vi="Khoản cấp bổ sung và tập trung", ar="المنحة التكميلية ومنحة التركيز"),
    "title-i": text("Title I (federal)", es="Título I (federal)", zh_Hans="第一条款（联邦）",
                    vi="Tiêu đề I (liên bang)", ar="الباب الأول (اتحادي)"),
    "special-ed": text("Special education (held centrally)",
                       es="Educación especial (administrada por el distrito)",
                       zh_Hans="特殊教育（由学区统一管理）",
                       vi="Giáo dục đặc biệt (học khu quản lý)",
                       ar="التربية الخاصة (تديرها المنطقة التعليمية)"),
}  # fmt: skip
SHARES = (40, 20, 12)  # percent of a school's students in poverty, learning English, in sped
GRANT_CENTS = 15_000_000  # Title I, per eligible school


@dataclass
class Money:
    """What `funding` made: the streams by key and the two scenarios."""

    streams: dict[str, FundingStream]
    adopted: AllocationScenario
    what_if: AllocationScenario
    needed_cents: int = 0
    shares: dict[str, tuple[int, int, int]] = field(default_factory=dict)


def funding(district, year, shares=None, grant_schools=(), revenue_percent=None) -> Money:
    """The district's money for `year`: the three need groups, each school's enrollment by
    group (`shares`: slug -> percents, SHARES otherwise), last year's allocations, four
    streams (base 80% and supplemental 20% of a formula revenue that covers Table 2.2 with 10%
    held centrally; Title I, a grant to `grant_schools`; special education held centrally), and
    Table 2.2 adopted ($1,000,000 minimum) beside a draft "what if" doubling the EL weights."""
    shares = shares or {}
    for position, (key, name) in enumerate(NEED_GROUPS):
        db.session.add(
            NeedGroup(
                district_id=district.id, key=key, name=name, position=position, source_locale="en"
            )
        )
    schools = list(db.session.scalars(select(School).where(School.district_id == district.id)))
    inputs = []
    for s in schools:
        poverty, el, sped = shares.get(s.slug, SHARES)
        counts = {
            "all": s.enrollment,
            "poverty": s.enrollment * poverty // 100,
            "el": s.enrollment * el // 100,
            "sped": s.enrollment * sped // 100,
        }
        for key, pupils in counts.items():
            db.session.add(
                Enrollment(school_id=s.id, school_year_id=year.id, group_key=key, pupils=pupils)
            )
        inputs.append(SchoolInput(s.id, s.level, counts))
    result = allocate(inputs, Policy(TABLE_2_2, 10**13))
    for s, allocation in zip(schools, result.schools, strict=True):
        db.session.add(
            PriorAllocation(
                school_id=s.id, school_year_id=year.id, cents=allocation.total_cents * 95 // 100
            )
        )
    # Formula revenue covering the weights with 10% held centrally, rounded up to $100,000.
    revenue = -(-result.total_cents * 10 // 9 // 10_000_000) * 10_000_000
    if revenue_percent is not None:
        revenue = revenue * revenue_percent // 100
    streams = {
        "base": stream(district, year, STREAM_NAMES["base"], revenue=revenue * 80 // 100),
        "supplemental": stream(
            district,
            year,
            STREAM_NAMES["supplemental"],
            restriction="Must pay for more or better services for students in poverty, English "
            "learners and foster youth.",
            revenue=revenue - revenue * 80 // 100,
        ),
        "title-i": stream(
            district,
            year,
            STREAM_NAMES["title-i"],
            restriction="Must add to, not replace, help for students at risk of falling behind.",
            distribution="grant",
            grant=GRANT_CENTS,
            schools=grant_schools,
        ),
        "special-ed": stream(
            district,
            year,
            STREAM_NAMES["special-ed"],
            restriction="Pays for services in students' individual education programs.",
            revenue=450_000_000,
            distribution="central",
        ),
    }
    adopted = scenario(district, year, "Guidebook weights (Table 2.2)", TABLE_2_2)
    what_if = scenario(
        district,
        year,
        "What if: more for English learners",
        {level: {**w, "el": w["el"] * 2} for level, w in TABLE_2_2.items()},
    )
    adopted.adopt()  # the transition only: test data leaves no audit entry
    db.session.flush()
    return Money(streams, adopted, what_if, result.total_cents, shares)


def stream(
    district, year, name, *, restriction="", revenue=0, distribution="formula", grant=0, schools=()
) -> FundingStream:
    """A funding stream; restricted when it has a restriction."""
    row = FundingStream(
        district_id=district.id,
        school_year_id=year.id,
        name=text(name) if isinstance(name, str) else name,
        kind="restricted" if restriction else "unrestricted",
        restriction=text(restriction) if restriction else {},
        revenue_cents=revenue,
        distribution=distribution,
        grant_cents=grant,
        position=db.session.scalar(
            select(func.count(FundingStream.id)).where(FundingStream.school_year_id == year.id)
        ),
        eligible_schools=list(schools),
        source_locale="en",
    )
    db.session.add(row)
    db.session.flush()
    return row


def scenario(district, year, name, weights, central_share_bp=1000, minimum=100_000_000):
    """A draft allocation scenario (AllocationScenario.adopt puts it in force)."""
    row = AllocationScenario(
        district_id=district.id,
        school_year_id=year.id,
        name=name,
        weights=weights,
        central_share_bp=central_share_bp,
        minimum_cents=minimum,
        hold_harmless=False,
    )
    db.session.add(row)
    db.session.flush()
    return row


# -- plans ----------------------------------------------------------------------------------------


@dataclass
class InvestmentSpec:
    """An investment of a goal: what it is, what it costs (dollars), its priority, and what
    each stream (by key in Money.streams) pays for it (dollars)."""

    description: dict
    cost: int
    priority: int = 1
    paid_by: dict = field(default_factory=dict)
    category: str = "1000"


@dataclass
class GoalSpec:
    statement: dict
    indicator: dict
    investments: list[InvestmentSpec] = field(default_factory=list)
    strategy: dict | None = None


def goal_spec(statement, investments=(), indicator=None, strategy=None) -> GoalSpec:
    """A goal from plain values: investments as (description, cost dollars[, priority[,
    {stream key: dollars}]]) tuples or InvestmentSpec rows; texts as str or {locale: text}."""

    def as_text(value):
        return text(value) if isinstance(value, str) else value

    rows = [
        i if isinstance(i, InvestmentSpec) else InvestmentSpec(as_text(i[0]), *i[1:])
        for i in investments
    ]
    return GoalSpec(
        as_text(statement),
        as_text(indicator or f"How we measure: {as_text(statement)['en']}"),
        rows,
        as_text(strategy) if strategy else None,
    )


def category(district, code="1000", name="Teachers and tutors") -> InvestmentCategory:
    """The district's spending category with this code (made once)."""
    row = db.session.scalars(
        select(InvestmentCategory).where(
            InvestmentCategory.district_id == district.id, InvestmentCategory.code == code
        )
    ).first()
    if row is None:
        row = InvestmentCategory(district_id=district.id, code=code, name=text(name))
        db.session.add(row)
        db.session.flush()
    return row


def plan(school, year, goals=(), status=PlanStatus.SHARED, money: Money | None = None):
    """A school's plan for `year`, created as a draft and shared (SchoolPlan.share) unless
    `status` is draft; goals from goal_spec, budget lines through services.plans. (An approved
    plan comes from a council's vote: see `approve_plan`.)"""
    row = SchoolPlan(
        school_id=school.id,
        school_year_id=year.id,
        status=PlanStatus.DRAFT.value,
        source_locale="en",
        needs={},
    )
    db.session.add(row)
    for position, spec in enumerate(goals):
        goal = Goal(
            statement=spec.statement,
            indicator=spec.indicator,
            baseline=40,
            target=55,
            target_date=year.ends_on,
            position=position,
            source_locale="en",
        )
        row.goals.append(goal)
        if spec.strategy:
            goal.strategies.append(Strategy(description=spec.strategy, source_locale="en"))
        db.session.flush()
        for item in spec.investments:
            investment = Investment(
                goal_id=goal.id,
                strategy_id=goal.strategies[0].id if goal.strategies else None,
                category_id=category(school.district, item.category).id,
                description=item.description,
                cost_cents=item.cost * 100,
                priority=item.priority,
                source_locale="en",
            )
            row.investments.append(investment)
            db.session.flush()
            for key, dollars in item.paid_by.items():
                plan_service.set_budget_line(investment, money.streams[key].id, dollars * 100)
    if status != PlanStatus.DRAFT:
        row.share()
    db.session.flush()
    return row


# -- committees -----------------------------------------------------------------------------------

# (name, seat, officer): a site council that meets the composition rules.
COUNCIL = [
    ("Rosa Delgado", "principal", ""),
    ("Ana Lima", "teacher", "chair"),
    ("Tom Becker", "teacher", "secretary"),
    ("Li Wen", "teacher", ""),
    ("Sara Ortiz", "staff", ""),
    ("Jamal Carter", "parent", ""),
    ("Minh Tran", "parent", ""),
    ("Lucía Ramos", "parent", ""),
    ("Mei Chen", "parent", ""),
    ("Joe Park", "community", ""),
]


def committee(school, kind="ssc", members=COUNCIL, term=(date(2026, 7, 1), date(2028, 6, 30))):
    """A committee of the school with these members (name, seat, officer), seated for `term`."""
    row = Committee(
        school_id=school.id,
        kind=kind,
        name=text("School Site Council" if kind == "ssc" else kind.upper()),
        purpose=text("Reviews and approves the school plan."),
        source_locale="en",
    )
    for name, seat, officer in members:
        row.members.append(
            CommitteeMember(
                name=name,
                seat=seat,
                officer=officer,
                name_public=True,
                term_start=term[0],
                term_end=term[1],
            )
        )
    db.session.add(row)
    db.session.flush()
    return row


def meeting(committee, district, day: date, hour=18, title="Council meeting", agenda=()):
    """A meeting at `hour` o'clock on `day` in the district, scheduled as the committee page
    schedules one (its calendar identity from schedule_meeting)."""
    starts = datetime.combine(day, time(hour), ZoneInfo(district.timezone)).astimezone(UTC)
    row = Meeting(title=text(title), starts_at=starts, place="Library", source_locale="en")
    row.agenda = [
        AgendaItem(title=text(t), position=n, source_locale="en") for n, t in enumerate(agenda)
    ]
    committee.meetings.append(row)
    db.session.flush()
    schedule_meeting(row, district)
    return row


# -- surveys --------------------------------------------------------------------------------------


def survey(district, slug="ssfr-test", opens_in_days=-1, closes_in_days=30, **values) -> Survey:
    """A published survey from the SSFR template, open from `opens_in_days` to
    `closes_in_days` from now."""
    now = utcnow()
    row = survey_service.create_from_template(
        district.id, slug, now + timedelta(days=opens_in_days), now + timedelta(days=closes_in_days)
    )
    row.publish()
    for key, value in values.items():
        setattr(row, key, value)
    db.session.flush()
    return row


# -- readiness --------------------------------------------------------------------------------

OBSERVATIONS = [
    ("compliance", "efficiency", "Sees the budget as a set of compliance checks."),
    ("fatigue", "", "Has seen three budgeting reforms come and go."),
    ("ally", "innovation", "Wants schools to choose their own interventions."),
    ("gap", "autonomy", "Spends most of the week on approvals principals could make."),
    ("opponent", "autonomy", "Worries that site staffing choices will break the contract."),
    ("service", "engagement", "Describes the office as there to serve schools."),
    ("ally", "transparency", "Already shares the school budget with the site council."),
    ("bias", "equity", "Assumes some families are not interested in budgets."),
]


def readiness_assessment(
    district, survey, facilitator, officials, slug="readiness-test", interviews=5
) -> ReadinessAssessment:
    """An assessment of `survey` run by `facilitator` through the readiness services: every
    official (district staff users) answers the whole inventory (they split, strength against
    weakness, on the first three questions); the roundtable notes those three as contested and
    closes with an overall conclusion; a three-question protocol; `interviews` interviews with
    two coded observations each, one of them shareable; the summary published; next steps."""
    from portal.content.readiness_inventory import QUESTIONS
    from portal.services import interviews as interview_service
    from portal.services import readiness

    assessment = readiness.create_assessment(
        district, facilitator, "Readiness test", slug, survey.id
    )
    ids = [o.id for o in officials]
    readiness.save_overview(assessment, facilitator, ids, {"en": "What we learned."}, True)
    readiness.save_next_steps(assessment, facilitator, "1. Publish every school's budget.")
    split = {q.key for q in QUESTIONS[:3]}
    for index, official in enumerate(officials):
        readiness.save_inventory(
            assessment,
            official,
            {
                q.key: readiness.InventoryEntry(
                    rating=(1 if index % 2 == 0 else 4) if q.key in split else 2 + index % 2,
                    answer="See the evidence.",
                    evidence="Board minutes." if index == 0 else "",
                )
                for q in QUESTIONS
            },
        )
    for key in sorted(split):
        readiness.save_roundtable_note(
            assessment, facilitator, key, "No agreement: ask.", contentious=True, carry=True
        )
    readiness.save_roundtable_note(
        assessment, facilitator, "", "Officials and families see it differently.", close=True
    )
    for text in ("Your role in budgets?", "Where is time wasted?", "What would you need?"):
        interview_service.add_protocol_question(assessment, facilitator, text)
    for n in range(interviews):
        interview = interview_service.log_interview(
            assessment,
            facilitator,
            interviewee_role=f"Official {n + 1}",
            department="Business services",
            held_on=date(2026, 11, 2 + n),
            notes="Notes kept by the facilitator only.",
        )
        for k, (code, area, note) in enumerate(OBSERVATIONS[2 * n % 8 : 2 * n % 8 + 2]):
            interview_service.add_observation(
                interview, facilitator, code=code, survey_area=area, note=note, shareable=k == 0
            )
    db.session.flush()
    return assessment
