"""Demo school year: phase dates, district template and deadlines, school events, district goals,
spending categories, a glossary, and plans with budgets for four schools (César Chávez in all
five languages, with last year's plan and goal progress). Plans are created as drafts and
shared (SchoolPlan.share); only a site council's vote approves one (portal/demo/committees.py).
Safe to run again: demo rows are replaced, and events keep their UIDs. What it says is in
portal/demo/content/ (calendar, planning, plans)."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from portal.demo.content.calendar import DISTRICT_EVENTS, PHASES, REQUIREMENTS, SCHOOL_EVENTS
from portal.demo.content.planning import CATEGORIES, DISTRICT_GOALS, GLOSSARY, NEEDS, PROGRESS, T
from portal.demo.content.plans import PLANS
from portal.demo.staffing import budget_school, copy_positions, load_staffing_demo
from portal.extensions import db
from portal.models import (
    CalendarEvent,
    DistrictGoal,
    EventRequirement,
    FundingStream,
    GlossaryTerm,
    Goal,
    GoalMeasurement,
    Investment,
    InvestmentCategory,
    PhaseWindow,
    PlanAction,
    School,
    SchoolPlan,
    SchoolYear,
    Strategy,
)
from portal.models.planning import PlanStatus
from portal.services import funding, plans
from portal.services.school_year import current_year


def _year(district_id: int, label: str) -> SchoolYear | None:
    return db.session.scalars(
        select(SchoolYear).where(SchoolYear.district_id == district_id, SchoolYear.label == label)
    ).first()


def _day(year: SchoolYear, month: int, day: int) -> date:
    """A day of the school year: July to December in its first calendar year, then the next."""
    return date(year.starts_on.year if month >= 7 else year.ends_on.year, month, day)


def _local(zone: ZoneInfo, year: SchoolYear, month: int, day: int, hour: int) -> datetime:
    return datetime.combine(_day(year, month, day), time(hour), zone).astimezone(UTC)


def load_planning_demo(district) -> None:
    """Create or refresh the demo's calendar, district planning lists and school plans."""
    year = current_year(district.id)
    zone = ZoneInfo(district.timezone)
    schools = {
        s.slug: s
        for s in db.session.scalars(select(School).where(School.district_id == district.id))
    }

    # Glossary, district goals, categories.
    db.session.execute(delete(GlossaryTerm).where(GlossaryTerm.district_id == district.id))
    for slug, term, definition in GLOSSARY:
        db.session.add(
            GlossaryTerm(
                district_id=district.id,
                slug=slug,
                term=term,
                definition=definition,
                source_locale="en",
            )
        )
    db.session.execute(
        delete(SchoolPlan).where(SchoolPlan.school_id.in_([s.id for s in schools.values()]))
    )
    db.session.execute(delete(DistrictGoal).where(DistrictGoal.district_id == district.id))
    goals = [
        DistrictGoal(
            district_id=district.id, school_year_id=year.id, title=t, position=i, source_locale="en"
        )
        for i, t in enumerate(DISTRICT_GOALS)
    ]
    db.session.add_all(goals)
    categories = {}
    existing = {
        c.code: c
        for c in db.session.scalars(
            select(InvestmentCategory).where(InvestmentCategory.district_id == district.id)
        )
    }
    for position, (code, name) in enumerate(CATEGORIES):
        category = existing.get(code) or InvestmentCategory(district_id=district.id, code=code)
        category.name, category.position, category.source_locale = name, position, "en"
        db.session.add(category)
        categories[code] = category
    db.session.flush()

    # Restricted streams may pay for these categories only.
    streams = {(s.name or {}).get("en"): s for s in funding.streams_for(district.id, year.id)}
    stream_keys = {
        "base": streams.get("Base grant (unrestricted)"),
        "supplemental": streams.get("Supplemental and concentration grant"),
        "title-i": streams.get("Title I (federal)"),
    }
    if stream_keys["title-i"] is not None:
        stream_keys["title-i"].allowed_categories = [
            categories[c] for c in ("1000", "2000", "5000", "5800")
        ]

    # Phases, the template's requirements, district-wide deadlines, school events.
    db.session.execute(delete(PhaseWindow).where(PhaseWindow.district_id == district.id))
    db.session.execute(delete(EventRequirement).where(EventRequirement.district_id == district.id))
    # The same four phases every year (last year's too, so its meetings have their phase).
    for each in db.session.scalars(select(SchoolYear).where(SchoolYear.district_id == district.id)):
        for phase, (month, day), (end_month, end_day) in PHASES:
            db.session.add(
                PhaseWindow(
                    district_id=district.id,
                    school_year_id=each.id,
                    phase=phase,
                    starts_on=_day(each, month, day),
                    ends_on=_day(each, end_month, end_day),
                )
            )
    for phase, kind, count, (month, day) in REQUIREMENTS:
        db.session.add(
            EventRequirement(
                district_id=district.id,
                school_year_id=year.id,
                phase=phase,
                kind=kind,
                min_count=count,
                due_on=_day(year, month, day),
            )
        )
    events = {
        e.uid: e
        for e in db.session.scalars(
            select(CalendarEvent).where(CalendarEvent.district_id == district.id)
        )
    }
    wanted = set()

    def upsert(uid, **values):
        wanted.add(uid)
        event = events.get(uid) or CalendarEvent(
            uid=uid, district_id=district.id, school_year_id=year.id
        )
        for key, value in values.items():
            setattr(event, key, value)
        event.source_locale = "en"
        db.session.add(event)

    for n, (phase, kind, title, month, day, hour) in enumerate(DISTRICT_EVENTS):
        upsert(
            f"demo-district-{n}",
            school_id=None,
            phase=phase,
            kind=kind,
            title=title,
            description={},
            starts_at=_local(zone, year, month, day, hour),
            ends_at=None,
            place="",
            online_url="",
            interpretation=False,
            childcare=False,
            committee="",
        )
    for index, school in enumerate(sorted(schools.values(), key=lambda s: s.slug)):
        for n, (phase, kind, title, month, day, hour, interp, care, committee) in enumerate(
            SCHOOL_EVENTS
        ):
            # Lincoln has not scheduled its fall meetings yet: the dashboard shows it behind.
            if school.slug == "lincoln-elementary" and phase == "reflect":
                continue
            starts = _local(zone, year, month, day, hour) + timedelta(days=index % 3)
            upsert(
                f"demo-{school.slug}-{n}",
                school_id=school.id,
                phase=phase,
                kind=kind,
                title=title,
                description=T(
                    "Everyone is welcome. Come and have a say.",
                    "Todos son bienvenidos. Venga a opinar.",
                    "欢迎所有人参加，来发表您的意见。",
                    "Mọi người đều được chào đón. Hãy đến và góp ý.",
                ),
                starts_at=starts,
                ends_at=starts + timedelta(hours=1, minutes=30),
                place=f"{school.name}, library",
                online_url="",
                interpretation=interp,
                childcare=care,
                committee=committee,
            )
    for uid, event in events.items():
        if uid.startswith("demo-") and uid not in wanted:
            db.session.delete(event)
    db.session.flush()

    # Plans and whole-school budgets: the plan's goals and investments, then the people and
    # start-up costs that budget nearly all of the published allocation (demo/staffing.py).
    roles = load_staffing_demo(district, categories)
    run = funding.published_run(district.id, year.id)
    previous = _year(district.id, "2025-26")
    for slug, (status, plan_goals) in PLANS.items():
        school = schools.get(slug)
        if school is None:
            continue
        plan = _load_plan(school, year, status, plan_goals, goals, categories, stream_keys)
        money = funding.school_funding(run, school.id)
        if money is not None:
            db.session.flush()
            budget_school(plan, school, year, money, roles, categories, stream_keys)
        # Last year's plan was shared too; its site council approved it in the spring
        # (portal/demo/committees.py holds that meeting and its vote).
        if slug in PROGRESS and previous is not None:
            past = _load_plan(school, previous, "shared", plan_goals, goals, categories, {})
            db.session.flush()
            copy_positions(plan, past, previous)
    db.session.flush()
    for slug, series in PROGRESS.items():
        for n, points in enumerate(series):
            lineage = f"demo-{slug}-{n}"
            db.session.execute(delete(GoalMeasurement).where(GoalMeasurement.lineage == lineage))
            for label, value in points:
                point_year = _year(district.id, label)
                if point_year is not None:
                    db.session.add(
                        GoalMeasurement(
                            lineage=lineage, school_year_id=point_year.id, value=Decimal(value)
                        )
                    )
    db.session.flush()


def _load_plan(
    school, year, status, plan_goals, district_goals, categories, stream_keys
) -> SchoolPlan:
    plan = SchoolPlan(
        school_id=school.id,
        school_year_id=year.id,
        status=PlanStatus.DRAFT.value,
        source_locale="en",
        needs={key: T(*answer) for key, answer in NEEDS.items()},
    )
    if status == PlanStatus.SHARED:
        plan.share()  # a plan becomes approved only by its site council's vote
    db.session.add(plan)
    for position, (
        statement,
        indicator,
        baseline,
        target,
        district_goal,
        strategies,
        investments,
    ) in enumerate(plan_goals):
        goal = Goal(
            statement=statement,
            indicator=indicator,
            baseline=Decimal(baseline),
            target=Decimal(target),
            target_date=date(year.ends_on.year, 6, 15),
            position=position,
            source_locale="en",
            lineage=f"demo-{school.slug}-{position}",
            district_goal_id=district_goals[district_goal].id if year.is_current else None,
        )
        plan.goals.append(goal)
        for s_position, (description, actions) in enumerate(strategies):
            strategy = Strategy(description=description, position=s_position, source_locale="en")
            goal.strategies.append(strategy)
            for a_position, (text, owner, month, day, action_status) in enumerate(actions):
                due_year = year.starts_on.year if month >= 7 else year.ends_on.year
                strategy.actions.append(
                    PlanAction(
                        description=text,
                        owner=owner,
                        due_on=date(due_year, month, day),
                        status=action_status,
                        position=a_position,
                        source_locale="en",
                    )
                )
        db.session.flush()
        for description, category, cost, priority, funded_by in investments:
            investment = Investment(
                goal_id=goal.id,
                strategy_id=goal.strategies[0].id if goal.strategies else None,
                category_id=categories[category].id,
                description=description,
                cost_cents=cost * 100,
                priority=priority,
                source_locale="en",
            )
            plan.investments.append(investment)
            for key, dollars in funded_by.items():
                stream: FundingStream | None = stream_keys.get(key)
                if stream is not None:
                    plans.set_budget_line(investment, stream.id, dollars * 100)
    return plan
