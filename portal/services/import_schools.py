"""Schools read from a file (see district_imports.py): name, level, address, grades, area
(the part of the district it is in) and an optional code (the school's web address name). A
row matches a school by its code, else by its name; an empty optional cell leaves what is
saved."""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.extensions import db
from portal.models import School
from portal.models.district import SchoolLevel
from portal.services.bulletins import slugify
from portal.services.district_imports import Column, ImportProblem
from portal.services.errors import Rejected
from portal.services.schools import create_school, school_by_slug, update_school

COLUMNS = (
    Column("name", ("school", "school name"), True, _l("The school's name, as parents know it.")),
    Column(
        "level",
        ("type", "school level"),
        True,
        _l("elementary, middle, high or other (or Elementary school...)."),
    ),
    Column("address", ("street address",), False, _l("Street address.")),
    Column(
        "grades", ("grade", "grade span", "grade levels"), False, _l("Such as K-5, TK-8, 9-12.")
    ),
    Column(
        "area",
        ("region", "local district", "zone"),
        False,
        _l("The part of the district the school is in, for browsing (such as Northeast)."),
    ),
    Column(
        "code",
        ("slug", "school code", "web address name"),
        False,
        _l("The school's short web address name (lowercase letters, digits, dashes)."),
    ),
)
EXAMPLE = ("Maple Elementary", "elementary", "12 Maple St", "K-5", "North", "maple-elementary")

# Grades in order: transitional kindergarten, pre-kindergarten, kindergarten, 1 to 12.
GRADE_ORDER = ["TK", "PK", "K", *[str(n) for n in range(1, 13)]]
GRADE_SPAN = re.compile(r"^([A-Z0-9]+)(?:\s*[-–]\s*([A-Z0-9]+))?$")
CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def parse_grades(text: str) -> str | None:
    """ "k-5" -> "K-5", "TK–8" -> "TK-8", "9" -> "9"; None when it is not a span of grades
    from low to high."""
    found = GRADE_SPAN.match((text or "").strip().upper())
    if not found:
        return None
    low, high = found.group(1), found.group(2) or found.group(1)
    low, high = low.lstrip("0") or low, high.lstrip("0") or high
    if low not in GRADE_ORDER or high not in GRADE_ORDER:
        return None
    if GRADE_ORDER.index(low) > GRADE_ORDER.index(high):
        return None
    return low if low == high else f"{low}-{high}"


def parse_level(text: str) -> str | None:
    """A level's value from its value or its name in the reader's language, any case."""
    wanted = (text or "").strip().lower()
    for level in SchoolLevel:
        if wanted in (level.value, str(level.label).lower()):
            return level.value
    return None


def check(district, rows):
    """(rows to stage, rows to show, problems) for the file's rows."""
    schools = list(db.session.scalars(select(School).where(School.district_id == district.id)))
    by_slug = {s.slug: s for s in schools}
    by_name = {s.name.strip().lower(): s for s in schools}
    checked, display, problems, seen, slugs = [], [], [], {}, set()
    for number, cells in rows:
        bad = []
        name = cells.get("name", "")
        level = parse_level(cells.get("level", ""))
        grades = cells.get("grades", "")
        code = cells.get("code", "").strip().lower()
        if not name:
            bad.append(_("Enter the school's name."))
        if level is None:
            bad.append(
                _(
                    "Unknown level: “%(value)s”. Use elementary, middle, high or other.",
                    value=cells.get("level", ""),
                )
            )
        if grades:
            grades = parse_grades(grades)
            if grades is None:
                bad.append(
                    _(
                        "Write the grades like K-5, TK-8 or 9-12, not “%(value)s”.",
                        value=cells["grades"],
                    )
                )
        if code and not CODE.match(code):
            bad.append(_("The code may hold only lowercase letters, digits and dashes."))
        school = by_slug.get(code) if code else None
        school = school or by_name.get(name.lower())
        key = school.id if school else (code or name.lower())
        if name and key in seen:
            bad.append(_("This school is already on row %(row)s.", row=seen[key]))
        seen.setdefault(key, number)
        slug = school.slug if school else (code or slugify(name))
        if school is None and name and (school_by_slug(slug) is not None or slug in slugs):
            bad.append(_("Another school already uses the code “%(code)s”.", code=slug))
        slugs.add(slug)
        problems.extend(ImportProblem(number, message) for message in bad)
        if bad:
            continue
        row = {
            "row": number,
            "school_id": school.id if school else None,
            "name": name[:200],
            "slug": slug[:80],
            "level": level,
            "address": cells.get("address", "")[:300],
            "grades": grades or "",
            "area": cells.get("area", "").strip()[:80],
        }
        checked.append(row)
        display.append(
            {
                "row": number,
                "cells": [
                    row["name"],
                    SchoolLevel(level).label,
                    row["grades"],
                    row["address"],
                    row["area"],
                ],
                "action": _action(school, row),
            }
        )
    return checked, display, problems


def _changes(school: School, row: dict) -> dict:
    """The fields the row would change (an empty optional cell changes nothing)."""
    wanted = {"name": row["name"], "level": row["level"]}
    wanted |= {key: row[key] for key in ("address", "grades", "area") if row.get(key)}
    return {key: value for key, value in wanted.items() if getattr(school, key) != value}


def _action(school, row) -> str:
    if school is None:
        return "create"
    return "update" if _changes(school, row) else "unchanged"


def apply(district, actor, rows) -> dict:
    """Create the new schools and change the ones the file changes (the caller commits)."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for row in rows:
        school = db.session.get(School, row["school_id"]) if row["school_id"] else None
        if row["school_id"] and (school is None or school.district_id != district.id):
            raise Rejected({}, _("A school in the file was removed since the preview."))
        if school is None:
            school = create_school(
                district,
                actor,
                name=row["name"],
                slug=row["slug"],
                level=row["level"],
                address=row["address"],
                area=row.get("area", ""),
                enrollment=0,
                source_locale=district.default_locale,
                description={},
            )
            school.grades = row["grades"]
            counts["created"] += 1
            continue
        changes = _changes(school, row)
        if not changes:
            counts["unchanged"] += 1
            continue
        details = {
            "name": school.name,
            "slug": school.slug,
            "level": school.level,
            "address": school.address,
            "enrollment": school.enrollment,
            "source_locale": school.source_locale,
            "description": dict(school.description or {}),
        } | {key: value for key, value in changes.items() if key != "grades"}
        update_school(school, actor, **details)
        school.grades = changes.get("grades", school.grades)
        counts["updated"] += 1
    return counts
