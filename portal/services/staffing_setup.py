"""The district's staffing setup, kept by district staff: the list of roles, the salary table of
each school year, how positions are priced, and the base program every school keeps. Names
come per language ({locale: text}); the district's main language is required. Every change is
audited. The caller commits."""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.formatting import fte as fte_text
from portal.i18n import translated
from portal.models import BaseProgramRule, District, Investment, SalaryRate, StaffRole
from portal.models.base import IllegalMove
from portal.models.district import SchoolLevel
from portal.models.staffing import PositionCosting, RoleGroup
from portal.services import positions
from portal.services.audit import record_audit
from portal.services.errors import Rejected
from portal.services.year_rollover import PAST_YEAR_MESSAGE, past_year

ROLE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}")
MAX_FTE = 10_000  # a hundred full-time people, in hundredths
MAX_STUDENTS = 5_000

# The schools a rule covers, as the start of its sentence.
SCHOOLS_PHRASES = {
    None: _l("All schools"),
    SchoolLevel.ELEMENTARY: _l("Elementary schools"),
    SchoolLevel.MIDDLE: _l("Middle schools"),
    SchoolLevel.HIGH: _l("High schools"),
    SchoolLevel.OTHER: _l("Schools of another level"),
}


def _audit(actor, action: str, row, detail=None, district_id=None) -> None:
    record_audit(
        actor,
        f"staffing.{action}",
        type(row).__name__.lower(),
        row.id,
        detail,
        district_id=district_id,
    )


# -- Roles ----------------------------------------------------------------------------------------


def _check_role(district, code: str, names: dict, group: str, role=None) -> None:
    errors = {}
    if not names.get(district.default_locale):
        errors["name"] = _("Name the role in the district's main language.")
    if not ROLE_CODE.fullmatch(code or ""):
        errors["code"] = _("Enter the finance system's job code: letters and digits, such as T100.")
    else:
        taken = db.session.scalars(
            select(StaffRole).where(StaffRole.district_id == district.id, StaffRole.code == code)
        ).first()
        if taken is not None and taken is not role:
            errors["code"] = _("Another role already has this job code.")
    if group not in {g.value for g in RoleGroup}:
        errors["group"] = _("Choose the kind of staff.")
    if errors:
        raise Rejected(errors)


def add_role(district, actor, *, code: str, names: dict, group: str) -> StaffRole:
    """A role at the end of the district's list."""
    code = (code or "").strip()
    _check_role(district, code, names, group)
    last = db.session.scalar(
        select(func.max(StaffRole.position)).where(StaffRole.district_id == district.id)
    )
    role = StaffRole(
        district_id=district.id,
        code=code,
        name=names,
        group=group,
        position=(last or 0) + 1,
        source_locale=district.default_locale,
    )
    db.session.add(role)
    db.session.flush()
    _audit(actor, "role_added", role, {"code": code})
    return role


def edit_role(role, actor, *, code: str, names: dict, group: str) -> StaffRole:
    """A role's job code, names and group."""
    code = (code or "").strip()
    _check_role(db.session.get(District, role.district_id), code, names, group, role)
    role.code, role.name, role.group = code, names, group
    db.session.flush()
    _audit(actor, "role_edited", role, {"code": code})
    return role


def move_role(role, actor, step: int) -> None:
    """Move a role one place up (-1) or down (+1) in the district's list."""
    roles = positions.staff_roles(role.district_id)
    index = roles.index(role)
    other = index + step
    if 0 <= other < len(roles):
        roles[index], roles[other] = roles[other], roles[index]
    for position, row in enumerate(roles, start=1):
        row.position = position
    db.session.flush()
    _audit(actor, "role_moved", role, {"position": role.position})


def positions_using(role) -> int:
    return db.session.scalar(
        select(func.count(Investment.id)).where(Investment.staff_role_id == role.id)
    )


def remove_role(role, actor) -> None:
    """Remove a role nobody's budget uses, with its salary rows and base-program rules.
    Rejected, plainly, while any position (of any year) is budgeted in it."""
    used = positions_using(role)
    refusal = Rejected(
        {},
        ngettext(
            "%(num)d position in a school budget is in this role, so it cannot be removed. "
            "Move that position to another role first.",
            "%(num)d positions in school budgets are in this role, so it cannot be removed. "
            "Move those positions to another role first.",
            max(used, 1),
        ),
    )
    if used:
        raise refusal
    detail = {"code": role.code, "name": dict(role.name or {})}
    _audit(actor, "role_removed", role, detail, district_id=role.district_id)
    for model in (SalaryRate, BaseProgramRule):
        for row in db.session.scalars(select(model).where(model.staff_role_id == role.id)):
            db.session.delete(row)
    db.session.delete(role)
    try:
        db.session.flush()
    except IntegrityError:  # a position added a moment ago: the foreign key refuses
        raise refusal from None


# -- The salary table -----------------------------------------------------------------------------


def check_year_open(year) -> None:
    """A past school year's table stays as it was: IllegalMove (the routes answer 409)."""
    if past_year(year):
        raise IllegalMove(PAST_YEAR_MESSAGE)


def save_salary_table(district, year, actor, rows: dict) -> int:
    """The year's average salary and benefits per role: `rows` is {role_id: (salary_cents,
    benefits_cents)}, both None for a role with no average yet. Positions of the year are then
    priced again (under average costing); returns how many positions' costs changed. A past
    year's table stays as it was (IllegalMove: 409)."""
    check_year_open(year)
    errors = {}
    for role_id, (salary, benefits) in rows.items():
        if salary is None and benefits is not None:
            errors[f"salary_{role_id}"] = _("Enter the average salary, or leave both empty.")
        for name, cents in (("salary", salary), ("benefits", benefits)):
            if cents is not None and cents < 0:
                errors[f"{name}_{role_id}"] = _("Enter an amount in dollars, such as 68,500.")
    if errors:
        raise Rejected(errors)
    roles = {r.id: r for r in positions.staff_roles(district.id)}
    table = positions.salary_table(year.id)
    changed_roles = 0
    for role_id, (salary, benefits) in rows.items():
        if role_id not in roles:
            continue
        rate = table.get(role_id)
        if salary is None:
            if rate is not None:
                db.session.delete(rate)
                changed_roles += 1
            continue
        if rate is None:
            rate = SalaryRate(staff_role_id=role_id, school_year_id=year.id)
            db.session.add(rate)
        elif (rate.salary_cents, rate.benefits_cents) == (salary, benefits or 0):
            continue
        rate.salary_cents, rate.benefits_cents = salary, benefits or 0
        changed_roles += 1
    db.session.flush()
    repriced = positions.reprice_year(district, year)
    record_audit(
        actor,
        "staffing.salary_table_saved",
        "school_year",
        year.id,
        {"year": year.label, "roles_changed": changed_roles, "positions_repriced": repriced},
        district_id=district.id,
    )
    return repriced


# -- Pricing --------------------------------------------------------------------------------------


def set_costing(district, year, actor, costing: str) -> int:
    """Price positions at the district's averages or at their actual cost. Moving to averages
    prices the current year's positions from its table at once; returns how many changed."""
    if costing not in {c.value for c in PositionCosting}:
        raise Rejected({"costing": _("Choose how positions are priced.")})
    before = district.position_costing
    if before == costing:
        return 0
    district.position_costing = costing
    db.session.flush()
    repriced = positions.reprice_year(district, year) if year is not None else 0
    record_audit(
        actor,
        "staffing.costing_changed",
        "district",
        district.id,
        {"from": before, "to": costing, "positions_repriced": repriced},
        district_id=district.id,
    )
    return repriced


# -- The base program -----------------------------------------------------------------------------


def _rule_values(district, role_id, level, minimum_fte, students_per_fte) -> dict:
    errors = {}
    role = db.session.get(StaffRole, role_id) if role_id else None
    if role is None or role.district_id != district.id:
        errors["role"] = _("Choose a role.")
    if level not in {"", *(lv.value for lv in SchoolLevel)}:
        errors["level"] = _("Choose which schools.")
    if minimum_fte is None or not 0 <= minimum_fte <= MAX_FTE:
        errors["minimum_fte"] = _("Enter how many full-time people, such as 1 or 0.5.")
    if students_per_fte is not None and not 1 <= students_per_fte <= MAX_STUDENTS:
        errors["students_per_fte"] = _("Enter a whole number of students, such as 24.")
    if not errors and not minimum_fte and students_per_fte is None:
        errors["minimum_fte"] = _(
            "Enter at least some full-time people, or a number of students per person."
        )
    if errors:
        raise Rejected(errors)
    return {
        "staff_role_id": role.id,
        "level": level or None,
        "minimum_fte": minimum_fte,
        "students_per_fte": students_per_fte,
    }


def add_rule(district, actor, *, role_id, level, minimum_fte, students_per_fte):
    """A base-program rule, last in the list."""
    values = _rule_values(district, role_id, level, minimum_fte, students_per_fte)
    last = db.session.scalar(
        select(func.max(BaseProgramRule.position)).where(BaseProgramRule.district_id == district.id)
    )
    rule = BaseProgramRule(district_id=district.id, position=(last or 0) + 1, **values)
    db.session.add(rule)
    db.session.flush()
    _audit(actor, "base_rule_added", rule, values)
    return rule


def edit_rule(rule, actor, *, role_id, level, minimum_fte, students_per_fte):
    """A rule's role, schools, minimum and students per full-time person."""
    values = _rule_values(
        db.session.get(District, rule.district_id), role_id, level, minimum_fte, students_per_fte
    )
    for name, value in values.items():
        setattr(rule, name, value)
    db.session.flush()
    _audit(actor, "base_rule_edited", rule, values)
    return rule


def remove_rule(rule, actor) -> None:
    _audit(actor, "base_rule_removed", rule, {"staff_role_id": rule.staff_role_id})
    db.session.delete(rule)
    db.session.flush()


def base_rules(district_id: int) -> list[BaseProgramRule]:
    """Every base-program rule of the district, in its order."""
    return list(
        db.session.scalars(
            select(BaseProgramRule)
            .where(BaseProgramRule.district_id == district_id)
            .order_by(BaseProgramRule.position, BaseProgramRule.id)
        )
    )


def rule_sentence(rule) -> str:
    """A rule in plain words: "Elementary schools: at least 1 full-time Principal." or "All
    schools: one Teacher, grades K-5 for every 24 students, and at least 2." (a label and a
    phrase, so no translation has to make a verb agree with a group of schools)."""
    level = SchoolLevel(rule.level) if rule.level else None
    schools = str(SCHOOLS_PHRASES[level])
    role = translated(rule.role, "name").text
    fte = fte_text(rule.minimum_fte)
    if rule.students_per_fte is None:
        return _(
            "%(schools)s: at least %(fte)s full-time %(role)s.",
            schools=schools,
            fte=fte,
            role=role,
        )
    students = rule.students_per_fte
    if not rule.minimum_fte:
        return ngettext(
            "%(schools)s: one %(role)s for every %(num)d student.",
            "%(schools)s: one %(role)s for every %(num)d students.",
            students,
            schools=schools,
            role=role,
        )
    return ngettext(
        "%(schools)s: one %(role)s for every %(num)d student, and at least %(fte)s.",
        "%(schools)s: one %(role)s for every %(num)d students, and at least %(fte)s.",
        students,
        schools=schools,
        role=role,
        fte=fte,
    )
