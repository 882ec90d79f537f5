"""Salary averages read from the finance system's file (see district_imports.py): per role (the
finance job code) and school year, the average salary and benefits of a full-time person. A
row matches the year's salary row of that role; a code the district does not have yet is a new
role when the row names it and its group. Applying prices that year's positions again
(positions.reprice_year). A past year's table stays as it was: its rows are problems."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.extensions import db
from portal.formatting import money_exact
from portal.forms import parse_dollars
from portal.i18n import translated
from portal.models import SalaryRate, SchoolYear, StaffRole
from portal.models.staffing import RoleGroup
from portal.services import positions
from portal.services.district_imports import Column, ImportProblem
from portal.services.errors import Rejected
from portal.services.school_year import current_year
from portal.services.staffing_setup import ROLE_CODE, add_role
from portal.services.year_rollover import past_year

COLUMNS = (
    Column(
        "code",
        ("role code", "job code", "finance code"),
        True,
        _l("The finance system's job code of the role, such as T100."),
    ),
    Column(
        "year",
        ("school year",),
        False,
        _l("The school year, such as 2026-27. Empty: the current year. Past years are refused."),
    ),
    Column(
        "salary",
        ("average salary", "salary average"),
        True,
        _l("The average salary of a full-time person in the role, in dollars, such as 68500."),
    ),
    Column(
        "benefits",
        ("average benefits", "benefits average"),
        True,
        _l("The average benefits of a full-time person in the role, in dollars (0 if none)."),
    ),
    Column(
        "name",
        ("role name", "job title", "title"),
        False,
        _l("Only for a job code the district does not have yet: the role's name."),
    ),
    Column(
        "group",
        ("role group", "staff group", "kind of staff"),
        False,
        _l(
            "Only for a new role: teacher, aide, counselor, nurse, office... (or the group's name)."
        ),
    ),
)
EXAMPLE = ("T100", "2026-27", "68500", "24100", "Teacher, grades K-5", "teacher")


def parse_group(text: str) -> str | None:
    """A role group's value from its value or its name in the reader's language, any case."""
    wanted = " ".join((text or "").strip().lower().replace("-", " ").replace("_", " ").split())
    for group in RoleGroup:
        if wanted in (group.value.replace("_", " "), str(group.label).lower()):
            return group.value
    return None


def _years(district) -> tuple[dict, SchoolYear | None]:
    years = db.session.scalars(select(SchoolYear).where(SchoolYear.district_id == district.id))
    return {y.label: y for y in years}, current_year(district.id)


def _roles(district) -> dict[str, StaffRole]:
    """The district's roles by job code, exactly and in lower case."""
    found = {}
    for role in positions.staff_roles(district.id):
        found.setdefault(role.code.lower(), role)
        found[role.code] = role
    return found


def _role_of(roles: dict, code: str) -> StaffRole | None:
    return roles.get(code) or roles.get(code.lower())


def _year_of(cells, years, current, bad) -> SchoolYear | None:
    label = cells.get("year", "")
    year = years.get(label) if label else current
    if label and year is None:
        bad.append(_("Unknown school year: “%(value)s”. Write it like 2026-27.", value=label))
    elif year is None:
        bad.append(_("The district has no current school year: write the year in the row."))
    elif past_year(year):
        bad.append(
            _(
                "%(year)s is a past school year: its salary table stays as it was.",
                year=year.label,
            )
        )
        return None
    return year


def _new_role(cells, code, bad) -> tuple[str, str] | None:
    """(name, group) of a role the district does not have yet, or None (and why in `bad`)."""
    name, group_text = cells.get("name", ""), cells.get("group", "")
    if not name or not group_text:
        bad.append(
            _(
                "Unknown job code: “%(code)s”. Add the role's name and group to the row to add "
                "the role, or add it under Staffing first.",
                code=code,
            )
        )
        return None
    group = parse_group(group_text)
    if group is None:
        bad.append(_("Unknown group of staff: “%(value)s”.", value=group_text))
    if not ROLE_CODE.fullmatch(code):
        bad.append(_("Enter the finance system's job code: letters and digits, such as T100."))
    return None if bad else (name[:200], group)


def _amounts(cells, bad) -> tuple[int | None, int | None]:
    found = []
    for key, message in (
        ("salary", _("Enter the average salary in dollars, such as 68500.")),
        ("benefits", _("Enter the average benefits in dollars, such as 24100 (0 if none).")),
    ):
        cents = parse_dollars(cells.get(key, ""))
        if cents is None:
            bad.append(message)
        found.append(cents)
    return found[0], found[1]


def check(district, rows):
    """(rows to stage, rows to show, problems) for the file's rows."""
    years, current = _years(district)
    roles = _roles(district)
    rates = {}  # year id -> {role id: SalaryRate}
    checked, display, problems, seen = [], [], [], {}
    for number, cells in rows:
        bad = []
        code = cells.get("code", "")
        year = _year_of(cells, years, current, bad)
        role = _role_of(roles, code) if code else None
        new = None
        if not code:
            bad.append(_("Enter the role's job code."))
        elif role is None:
            new = _new_role(cells, code, bad)
        salary, benefits = _amounts(cells, bad)
        key = ((role.code if role else code).lower(), year.id if year else None)
        if code and year and key in seen:
            bad.append(_("This role and year are already on row %(row)s.", row=seen[key]))
        seen.setdefault(key, number)
        problems.extend(ImportProblem(number, message) for message in bad)
        if bad:
            continue
        table = rates.setdefault(year.id, positions.salary_table(year.id))
        rate = table.get(role.id) if role else None
        row = {
            "row": number,
            "role_id": role.id if role else None,
            "code": role.code if role else code,
            "name": new[0] if new else None,
            "group": new[1] if new else None,
            "year_id": year.id,
            "salary_cents": salary,
            "benefits_cents": benefits,
        }
        checked.append(row)
        shown = str(translated(role, "name")) if role else new[0]
        display.append(
            {
                "row": number,
                "cells": [
                    f"{shown} ({row['code']})",
                    year.label,
                    _("Salary %(amount)s", amount=money_exact(salary)),
                    _("Benefits %(amount)s", amount=money_exact(benefits)),
                    _("New role") if role is None else "",
                ],
                "action": _action(rate, salary, benefits),
            }
        )
    return checked, display, problems


def _action(rate, salary: int, benefits: int) -> str:
    if rate is None:
        return "create"
    same = (rate.salary_cents, rate.benefits_cents) == (salary, benefits)
    return "unchanged" if same else "update"


def apply(district, actor, rows) -> dict:
    """Write the rows' salary rows (and new roles), then price each year's positions again.
    The caller commits. Returns the counts and how many positions were priced again."""
    counts = {"created": 0, "updated": 0, "unchanged": 0, "repriced": 0}
    roles, touched = _roles(district), {}
    for row in rows:
        year = db.session.get(SchoolYear, row["year_id"])
        if year is None or year.district_id != district.id or past_year(year):
            raise Rejected({}, _("A school year in the file is closed or removed since."))
        role = _role_of(roles, row["code"])
        if role is None and row["name"] is None:
            raise Rejected({}, _("A role in the file was removed since the preview."))
        if role is None:
            names = {district.default_locale: row["name"]}
            role = add_role(district, actor, code=row["code"], names=names, group=row["group"])
            roles[role.code] = roles[role.code.lower()] = role
        rate = db.session.scalars(
            select(SalaryRate).where(
                SalaryRate.staff_role_id == role.id, SalaryRate.school_year_id == year.id
            )
        ).first()
        action = _action(rate, row["salary_cents"], row["benefits_cents"])
        counts[{"create": "created", "update": "updated"}.get(action, action)] += 1
        if rate is None:
            rate = SalaryRate(staff_role_id=role.id, school_year_id=year.id)
            db.session.add(rate)
        rate.salary_cents, rate.benefits_cents = row["salary_cents"], row["benefits_cents"]
        touched[year.id] = year
    db.session.flush()
    for year in touched.values():
        counts["repriced"] += positions.reprice_year(district, year)
    return counts
