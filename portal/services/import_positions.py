"""Positions read from the finance system's file (see district_imports.py) into each school's
plan for the current year: school, job code, FTE, the goal it serves (its number in the plan)
or the base program, the funding stream, ongoing or one-time, priority, the actual cost (under
actual costing only) and a description. A row matches a position of the plan by role, goal and
description, so the same file twice changes nothing. Under average costing a position costs
the year's average for its role (positions.average_cost)."""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from portal.extensions import db
from portal.formatting import fte as fte_text
from portal.formatting import money_exact, parse_fte
from portal.forms import parse_dollars
from portal.i18n import translated
from portal.models import FundingStream, Investment, School, SchoolPlan
from portal.models.staffing import Recurrence
from portal.services import positions
from portal.services.district_imports import Column, ImportProblem
from portal.services.errors import Rejected
from portal.services.school_year import current_year

COLUMNS = (
    Column("school", ("school name", "school code"), True, _l("The school's code or name.")),
    Column(
        "code",
        ("role code", "job code", "finance code"),
        True,
        _l("The finance system's job code of the role (import the salaries first)."),
    ),
    Column("fte", ("full time equivalent",), True, _l("How much of a full-time person: 1, 0.5.")),
    Column(
        "goal",
        ("goal number",),
        True,
        _l("The goal's number in the school's plan (1, 2...), or “base” for the base program."),
    ),
    Column("stream", ("funding stream",), False, _l("The funding stream that pays for it.")),
    Column(
        "recurrence",
        ("ongoing or one-time", "ongoing", "one-time"),
        True,
        _l("ongoing (it comes back every year) or one-time."),
    ),
    Column("priority", (), False, _l("1 is funded first. Empty: 1, or what the position has now.")),
    Column(
        "cost",
        ("actual cost",),
        False,
        _l("Only when the district prices positions at their actual cost: salary and benefits."),
    ),
    Column("description", (), False, _l("What the position is for, in a few words.")),
)
EXAMPLE = ("maple-elementary", "T100", "0.5", "1", "Title I", "ongoing", "2", "", "Reading")
GOAL = re.compile(r"^(?:goal\s*)?(\d{1,3})$")
BASE_WORDS = ("base", "base program", "base programme")
MAX_FTE = 4000  # 40 people, as the editor allows
MAX_PRIORITY = 999


def _words(text: str) -> str:
    return " ".join((text or "").lower().replace("_", " ").replace("-", " ").split())


def parse_recurrence(text: str) -> str | None:
    """ongoing / one-time (or one_time, "one time", the label in the reader's language)."""
    wanted = _words(text)
    for recurrence in Recurrence:
        label = _words(str(recurrence.label))
        if wanted and wanted in (_words(recurrence.value), label, label.split(":")[0]):
            return recurrence.value
    return None


def _goal_of(plan: SchoolPlan, text: str, bad: list) -> tuple[bool, int | None]:
    """(found, goal id or None for the base program) from "2", "Goal 2" or "base"."""
    wanted = _words(text)
    if wanted in BASE_WORDS or wanted == _words(_("Base program")):
        return True, None
    found = GOAL.match(wanted)
    if found and 1 <= int(found.group(1)) <= len(plan.goals):
        return True, plan.goals[int(found.group(1)) - 1].id
    if found:
        bad.append(
            ngettext(
                "The school's plan has no goal %(value)s: it has %(num)d goal.",
                "The school's plan has no goal %(value)s: it has %(num)d goals.",
                len(plan.goals),
                value=found.group(1),
            )
        )
    else:
        bad.append(_("Write the goal's number (such as 1) or “base”, not “%(value)s”.", value=text))
    return False, None


def _key(description: str) -> str:
    return " ".join((description or "").lower().split())


def _existing(plan: SchoolPlan, role_id: int, goal_id, description: str):
    wanted = _key(description)
    for investment in sorted(plan.investments, key=lambda i: i.id):
        if investment.staff_role_id != role_id or investment.goal_id != goal_id:
            continue
        texts = [_key(t) for t in (investment.description or {}).values() if t]
        if wanted in texts or (not wanted and not texts):
            return investment
    return None


class _Context:
    """What every row is checked against, loaded once: the year, its plans, the district's
    schools, roles, streams and salary table."""

    def __init__(self, district):
        self.district = district
        self.year = current_year(district.id)
        self.actual = positions.costs_actual(district)
        schools = list(db.session.scalars(select(School).where(School.district_id == district.id)))
        self.schools = {s.slug: s for s in schools} | {s.name.strip().lower(): s for s in schools}
        self.roles = {}
        for role in positions.staff_roles(district.id):
            self.roles.setdefault(role.code.lower(), role)
            self.roles[role.code] = role
        self.plans, self.streams, self.rates = {}, {}, {}
        if self.year is None:
            return
        self.rates = positions.salary_table(self.year.id)
        for plan in db.session.scalars(
            select(SchoolPlan).where(SchoolPlan.school_year_id == self.year.id)
        ):
            self.plans[plan.school_id] = plan
        for stream in db.session.scalars(
            select(FundingStream).where(
                FundingStream.district_id == district.id,
                FundingStream.school_year_id == self.year.id,
            )
        ):
            for name in (stream.name or {}).values():
                self.streams.setdefault(_words(name), stream)

    def role(self, code: str):
        return self.roles.get(code) or self.roles.get(code.lower())


def _cost(context: _Context, cells, role, fte, bad) -> int | None:
    if context.actual:
        cost = parse_dollars(cells.get("cost", ""))
        if cost is None:
            bad.append(
                _("The district prices positions at their actual cost: enter it in dollars.")
            )
        return cost
    if role is None or fte is None:
        return None
    cost = positions.average_cost(context.rates, role.id, fte)
    if cost is None:
        bad.append(
            _(
                "The district has no average salary for %(code)s in %(year)s yet: import the "
                "salaries first.",
                code=role.code,
                year=context.year.label,
            )
        )
    return cost


def _check_row(context: _Context, cells, bad) -> dict | None:
    school = context.schools.get(cells.get("school", "").lower())
    plan = context.plans.get(school.id) if school else None
    if school is None:
        bad.append(_("Unknown school: %(name)s.", name=cells.get("school", "")))
    elif plan is None:
        bad.append(
            _("%(name)s has no plan for %(year)s yet.", name=school.name, year=context.year.label)
        )
    role = context.role(cells.get("code", ""))
    if role is None:
        bad.append(_("Unknown job code: “%(code)s”.", code=cells.get("code", "")))
    fte = parse_fte(cells.get("fte", ""))
    if fte is None or not 1 <= fte <= MAX_FTE:
        bad.append(_("Enter the FTE as a number from 0.01 to 40, such as 0.5."))
        fte = None
    goal_found, goal_id = _goal_of(plan, cells.get("goal", ""), bad) if plan else (False, None)
    stream_name = cells.get("stream", "")
    stream = context.streams.get(_words(stream_name)) if stream_name else None
    if stream_name and stream is None:
        bad.append(_("Unknown funding stream for this year: %(name)s.", name=stream_name))
    recurrence = parse_recurrence(cells.get("recurrence", ""))
    if recurrence is None:
        bad.append(_("Write ongoing or one-time."))
    priority = None
    if cells.get("priority"):
        text = cells["priority"]
        priority = int(text) if text.isdigit() else None
        if priority is None or not 1 <= priority <= MAX_PRIORITY:
            bad.append(_("The priority is a whole number from 1 to 999."))
    cost = _cost(context, cells, role, fte, bad)
    if bad or not goal_found:
        return None
    description = cells.get("description", "")[:500]
    existing = _existing(plan, role.id, goal_id, description)
    return {
        "plan_id": plan.id,
        "investment_id": existing.id if existing else None,
        "role_id": role.id,
        "goal_id": goal_id,
        "fte": fte,
        "stream_id": stream.id if stream else None,
        "recurrence": recurrence,
        "priority": priority,
        "cost_cents": cost,
        "description": description,
    }


def check(district, rows):
    """(rows to stage, rows to show, problems) for the file's rows."""
    context = _Context(district)
    if context.year is None:
        return [], [], [ImportProblem(1, _("The district has no current school year."))]
    checked, display, problems, seen = [], [], [], {}
    for number, cells in rows:
        bad = []
        row = _check_row(context, cells, bad)
        if row is not None:
            key = (row["plan_id"], row["role_id"], row["goal_id"], _key(row["description"]))
            if key in seen:
                bad.append(_("This position is already on row %(row)s.", row=seen[key]))
            seen.setdefault(key, number)
        problems.extend(ImportProblem(number, message) for message in bad)
        if bad:
            continue
        row["row"] = number
        checked.append(row)
        display.append(_shown(context, row))
    return checked, display, problems


def _shown(context: _Context, row: dict) -> dict:
    plan = next(p for p in context.plans.values() if p.id == row["plan_id"])
    role = next(r for r in context.roles.values() if r.id == row["role_id"])
    goals = {g.id: n for n, g in enumerate(plan.goals, start=1)}
    investment = db.session.get(Investment, row["investment_id"]) if row["investment_id"] else None
    return {
        "row": row["row"],
        "cells": [
            plan.school.name,
            f"{translated(role, 'name')} ({role.code}) · "
            + _("%(fte)s FTE", fte=fte_text(row["fte"])),
            _("Goal %(n)s", n=goals[row["goal_id"]]) if row["goal_id"] else _("Base program"),
            money_exact(row["cost_cents"]),
            str(Recurrence(row["recurrence"]).label),
            row["description"],
        ],
        "action": "create" if investment is None else _action(investment, row),
    }


def _changes(investment: Investment, row: dict) -> dict:
    wanted = {
        "fte": row["fte"],
        "cost_cents": row["cost_cents"],
        "recurrence": row["recurrence"],
        "funding_stream_id": row["stream_id"],
    }
    if row["priority"] is not None:
        wanted["priority"] = row["priority"]
    return {k: v for k, v in wanted.items() if getattr(investment, k) != v}


def _action(investment: Investment, row: dict) -> str:
    return "update" if _changes(investment, row) else "unchanged"


def apply(district, actor, rows) -> dict:
    """Add the new positions and change the ones the file changes, each priced again under
    average costing (the salary table may have changed since the preview). The caller commits."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    rates = None if positions.costs_actual(district) else {}
    for row in rows:
        plan = db.session.get(SchoolPlan, row["plan_id"])
        if plan is None or plan.school.district_id != district.id:
            raise Rejected({}, _("A school's plan in the file was removed since the preview."))
        if rates is not None:
            rates = rates or positions.salary_table(plan.school_year_id)
            row = {**row, "cost_cents": positions.average_cost(rates, row["role_id"], row["fte"])}
            if row["cost_cents"] is None:
                raise Rejected({}, _("A role's average salary was removed since the preview."))
        if row["goal_id"] is not None and row["goal_id"] not in {g.id for g in plan.goals}:
            raise Rejected({}, _("A goal in the file was removed since the preview."))
        investment = _existing(plan, row["role_id"], row["goal_id"], row["description"])
        if investment is None:
            investment = Investment(
                goal_id=row["goal_id"],
                staff_role_id=row["role_id"],
                description={district.default_locale: row["description"]}
                if row["description"]
                else {},
                priority=row["priority"] or 1,
                source_locale=district.default_locale,
            )
            plan.investments.append(investment)
            counts["created"] += 1
        else:
            counts["updated" if _changes(investment, row) else "unchanged"] += 1
        investment.fte, investment.cost_cents = row["fte"], row["cost_cents"]
        investment.recurrence, investment.funding_stream_id = row["recurrence"], row["stream_id"]
        if row["priority"] is not None:
            investment.priority = row["priority"]
        positions.sync_stream_line(investment)
        db.session.flush()
    return counts
