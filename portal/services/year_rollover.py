"""Opening the next school year: what carries over from the current one, shown first for
review (the district calendar template's dates moved to the new year, editable), then saved in
one transaction. The year before stays as it was, public under its label and read-only
(`past_year_row`). What is copied row by row is in services/year_carry.py."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import Committee, CommitteeMember, School, SchoolYear
from portal.models.allocation import AllocationScenario, ScenarioStatus
from portal.models.calendar import EventRequirement, Phase
from portal.services import plans as plan_service
from portal.services import year_carry as carry
from portal.services.audit import record_audit
from portal.services.calendar_editing import set_phase_dates
from portal.services.errors import Rejected
from portal.services.funding import run_scenario
from portal.services.plan_editing import start_plan
from portal.services.school_year import current_year, phase_windows

PAST_YEAR_MESSAGE = _l(
    "This belongs to a past school year. Past years stay as they were: change this year's instead."
)


def next_label(label: str) -> str | None:
    """The label of the year after: "2026-27" -> "2027-28", "2026-2027" -> "2027-2028",
    "2026" -> "2027"; None for a label of another shape."""
    first, _sep, second = label.partition("-")
    if not first.isdigit() or len(first) != 4:
        return None
    if not second:
        return str(int(first) + 1)
    if not second.isdigit() or len(second) not in (2, 4):
        return None
    later = str(int(first) + 2)
    return f"{int(first) + 1}-{later[-len(second) :]}"


def _plus_one_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # February 29 -> February 28
        return day.replace(year=day.year + 1, day=28)


def moved(day: date, starts_on: date | None = None, ends_on: date | None = None) -> date:
    """A date of this year moved to the next on the same weekday: one year later, then to the
    nearest day with the same weekday (one to three days away), or the one on the other side
    when the nearest falls outside the new year's bounds (when they are given)."""
    target = _plus_one_year(day)
    back = (target.weekday() - day.weekday()) % 7  # days to go back to the same weekday
    candidates = sorted(
        (target - timedelta(days=back), target + timedelta(days=(7 - back) % 7)),
        key=lambda c: abs((c - target).days),
    )
    inside = [
        c
        for c in candidates
        if (starts_on is None or c >= starts_on) and (ends_on is None or c <= ends_on)
    ]
    return (inside or candidates)[0]


@dataclass
class RolloverPreview:
    """What opening the next year would do, for the review page."""

    year: SchoolYear
    label: str
    starts_on: date
    ends_on: date
    phases: dict  # {Phase: (starts, ends)} of the new year's district template
    requirements: list  # [(EventRequirement of this year, its due date next year)]
    scenario: AllocationScenario | None  # this year's adopted allocation
    priors: dict  # {school_id: cents}: next year's "last year" figures
    schools: list
    plans: dict  # {school_id: this year's plan}
    ended_terms: list = field(default_factory=list)  # [(committee, member)]


def ended_terms(district_id: int, on: date) -> list[tuple[Committee, CommitteeMember]]:
    """Committee members whose term ends before `on` (the first day of the new year): still on
    the roster, flagged for the principal to renew or replace."""
    rows = db.session.execute(
        select(Committee, CommitteeMember)
        .join(CommitteeMember, CommitteeMember.committee_id == Committee.id)
        .where(
            Committee.district_id == district_id,
            CommitteeMember.term_end.is_not(None),
            CommitteeMember.term_end < on,
        )
        .order_by(Committee.id, CommitteeMember.name)
    )
    return [(c, m) for c, m in rows]


def ended_terms_of(committee: Committee, today: date) -> list[CommitteeMember]:
    """A committee's members whose term has ended, or ends before the current school year
    starts (a roster carried into a new year): flagged for the principal to renew or replace."""
    year = current_year(committee.district_id)
    cutoff = max(today, year.starts_on) if year is not None else today
    return [m for m in committee.members if m.term_end is not None and m.term_end < cutoff]


def adopted_scenario(district_id: int, year_id: int) -> AllocationScenario | None:
    """The year's adopted allocation, if the district adopted one."""
    return db.session.scalars(
        select(AllocationScenario).where(
            AllocationScenario.district_id == district_id,
            AllocationScenario.school_year_id == year_id,
            AllocationScenario.status == ScenarioStatus.ADOPTED,
        )
    ).first()


def preview(district) -> RolloverPreview:
    """What opening the year after the current one would carry over. Rejected when there is
    no current year, its label has no year after it, or that year already exists."""
    year = current_year(district.id)
    if year is None:
        raise Rejected({}, _("There is no current school year to roll over."))
    label = next_label(year.label)
    if label is None:
        raise Rejected({}, _("The year's label should look like 2026-27."))
    exists = db.session.scalars(
        select(SchoolYear).where(
            SchoolYear.district_id == district.id,
            (SchoolYear.label == label) | (SchoolYear.starts_on > year.starts_on),
        )
    ).first()
    if exists is not None:
        raise Rejected({}, _("The school year %(label)s is already open.", label=exists.label))
    starts_on, ends_on = _plus_one_year(year.starts_on), _plus_one_year(year.ends_on)
    template = {
        phase: (moved(s, starts_on, ends_on), moved(e, starts_on, ends_on))
        for phase, (s, e) in phase_windows(year.id, None).items()
    }
    requirements = [
        (r, moved(r.due_on, starts_on, ends_on))
        for r in db.session.scalars(
            select(EventRequirement)
            .where(EventRequirement.school_year_id == year.id)
            .order_by(EventRequirement.due_on, EventRequirement.id)
        )
    ]
    scenario = adopted_scenario(district.id, year.id)
    priors = {}
    if scenario is not None:
        result, _pool = run_scenario(scenario)
        priors = {s.school_id: s.total_cents for s in result.schools}
    schools = list(db.session.scalars(select(School).where(School.district_id == district.id)))
    plans = {
        s.id: plan for s in schools if (plan := plan_service.load_plan(s.id, year.id)) is not None
    }
    return RolloverPreview(
        year,
        label,
        starts_on,
        ends_on,
        template,
        requirements,
        scenario,
        priors,
        schools,
        plans,
        ended_terms(district.id, starts_on),
    )


def open_next_year(district, actor, phases: dict, due_dates: dict[int, date | None]) -> SchoolYear:
    """Open the year after the current one and make it current: the district template with
    the reviewed `phases` ({Phase: (starts, ends)}) and requirement `due_dates` ({id: date}),
    this year's adopted allocation as each school's "last year" figure, the funding streams,
    need-group enrollment, adopted weights (as a draft), district goals and the salary table
    copied, and each school's plan started from this year's (a draft; goals keep their
    history). Committees
    keep their rosters. Rejected (nothing saved) when the year already exists or a date is
    missing. The caller commits."""
    plan = preview(district)
    errors = {
        f"due_{r.id}": _("Enter the date this is due next year.")
        for r, _default in plan.requirements
        if due_dates.get(r.id) is None
    }
    if plan.phases or any(s or e for s, e in phases.values()):
        for phase in Phase:
            starts, ends = phases.get(phase, (None, None))
            if starts is None or ends is None or ends < starts:
                errors[f"{phase.value}_starts"] = _(
                    "%(phase)s: enter a start and an end date, the end after the start.",
                    phase=phase.label,
                )
    if errors:
        raise Rejected(errors)
    old = plan.year
    new = SchoolYear(
        district_id=district.id,
        label=plan.label,
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        is_current=False,
    )
    db.session.add(new)
    old.is_current = False
    try:
        db.session.flush()
    except IntegrityError:  # another request opened the same year a moment before
        raise Rejected(
            {}, _("The school year %(label)s is already open.", label=plan.label)
        ) from None
    new.is_current = True
    db.session.flush()
    if plan.phases or any(s or e for s, e in phases.values()):
        set_phase_dates(district, new, None, phases, actor)
    carry.requirements(district, new, [(r, due_dates[r.id]) for r, _d in plan.requirements])
    carry.priors(new, plan.priors)
    carry.allocation_setup(district, old, new, plan.scenario)
    carry.district_goals(district, old, new)
    rates = carry.salary_table(old, new)
    started = []
    for school in plan.schools:
        if school.id in plan.plans:
            start_plan(school, new, plan.plans[school.id].source_locale, actor, from_previous=True)
            started.append(school.id)
    record_audit(
        actor,
        "school_year.opened",
        "school_year",
        new.id,
        {
            "label": new.label,
            "after": old.label,
            "plans_started": len(started),
            "prior_allocations": len(plan.priors),
            "requirements": len(plan.requirements),
            "ended_terms": len(plan.ended_terms),
            "salary_rates": rates,
        },
    )
    return new


def past_year_row(row) -> bool:
    """Whether a row belongs to a school year before the district's current one (the past
    stays as it was: editing routes answer 409)."""
    year_id = getattr(row, "school_year_id", None)
    if year_id is None:
        return False
    return past_year(db.session.get(SchoolYear, year_id))


def past_year(year: SchoolYear | None) -> bool:
    """Whether `year` started before the district's current one (its rows stay as they were)."""
    current = current_year(year.district_id) if year is not None else None
    return current is not None and year.starts_on < current.starts_on
