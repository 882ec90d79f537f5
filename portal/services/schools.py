"""The district and its schools: finding schools, adding and editing them, the district's
settings."""

import re
import string
import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select

from portal.extensions import db
from portal.models import School, SchoolYear, ShortLink, Survey
from portal.models.base import utcnow
from portal.models.district import SchoolLevel
from portal.models.surveys import SurveyState, survey_school
from portal.services.audit import record_audit
from portal.services.errors import Rejected
from portal.services.short_links import ensure_short_link

PER_PAGE = 25
MAX_WORDS = 6  # words of a search that count (each must match somewhere)


def _letter_variants() -> dict[str, str]:
    """Each ASCII letter, lowercase, and every letter that is it with marks (é, Ê, ǎ, ệ...),
    in both cases: what a search for that letter matches."""
    variants: dict[str, set[str]] = {c: {c, c.upper()} for c in string.ascii_lowercase}
    ranges = [range(0xC0, 0x250), range(0x1E00, 0x1F00)]
    for char in (chr(cp) for block in ranges for cp in block):
        base = unicodedata.normalize("NFD", char)[0].lower()
        if base in variants and char.lower() != base:
            variants[base].update({char, char.lower(), char.upper()})
    # Letters that are their own letter in Unicode but that readers type without the stroke.
    for base, extra in {"d": "đĐ", "o": "øØ", "l": "łŁ"}.items():
        variants[base].update(extra)
    return {base: "".join(sorted(chars)) for base, chars in variants.items()}


LETTER_VARIANTS = _letter_variants()


def fold(text: str) -> str:
    """Lowercase without marks: "César Chávez" -> "cesar chavez" (what a search compares)."""
    decomposed = unicodedata.normalize("NFD", (text or "").lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.translate(str.maketrans("đøł", "dol"))


def _word_pattern(word: str, dialect: str) -> str:
    """A pattern that finds `word` (folded) anywhere in a text, whatever its case and marks:
    a GLOB on SQLite, a regular expression on PostgreSQL, each letter a class of its
    variants. Every other character matches itself only (wildcards typed are not wildcards)."""
    parts = []
    for char in word:
        chars = LETTER_VARIANTS.get(char)
        if dialect == "sqlite":
            # GLOB: a class matches any of its characters; "*", "?", "[" are literal in [].
            parts.append(f"[{chars}]" if chars else (f"[{char}]" if char in "*?[" else char))
        else:
            parts.append(f"[{chars}]" if chars else re.escape(char))
    body = "".join(parts)
    return f"*{body}*" if dialect == "sqlite" else body


def _matches(pattern: str, column, dialect: str):
    op = "GLOB" if dialect == "sqlite" else "~"
    return func.coalesce(column, "").op(op)(pattern)


@dataclass
class SchoolPage:
    """One page of a school search: the schools on it, how many match in all, which page."""

    schools: list[School]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """The position of the page's first school (1-based; 0 on an empty list)."""
        return (self.page - 1) * self.per_page + 1 if self.schools else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * self.per_page + len(self.schools)

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def search_schools(
    district_id: int,
    query: str = "",
    level: str | None = None,
    area: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> SchoolPage | None:
    """One page of a district's schools, by name, for a search: each word of `query` must be
    in the name, address, grades or area, whatever the case and the accents ("cesar" finds
    "César"); `level` and `area` narrow it. One statement, whatever the number of schools
    (the total comes with the rows). None for a page past the last one."""
    dialect = db.session.get_bind().dialect.name
    stmt = select(School, func.count().over().label("total")).where(
        School.district_id == district_id
    )
    for word in fold((query or "")[:100]).split()[:MAX_WORDS]:
        pattern = _word_pattern(word, dialect)
        columns = (School.name, School.address, School.grades, School.area)
        stmt = stmt.where(or_(*(_matches(pattern, column, dialect) for column in columns)))
    if level:
        stmt = stmt.where(School.level == level)
    if area:
        stmt = stmt.where(School.area == area)
    page = max(1, page)
    rows = db.session.execute(
        stmt.order_by(School.name, School.id).limit(per_page).offset((page - 1) * per_page)
    ).all()
    if not rows and page > 1:
        return None
    total = rows[0].total if rows else 0
    return SchoolPage([row.School for row in rows], total, page, per_page)


def school_areas(district_id: int) -> list[str]:
    """The areas the district's schools are in, in order (for browsing by area)."""
    return list(
        db.session.scalars(
            select(School.area)
            .where(School.district_id == district_id, School.area.is_not(None), School.area != "")
            .group_by(School.area)
            .order_by(School.area)
        )
    )


def school_by_slug(slug: str) -> School | None:
    """The school with this web address name (slugs are unique across the installation)."""
    return db.session.scalars(select(School).where(School.slug == slug)).first()


def school_for_page(district_id: int, slug: str):
    """(school, its short link code or None, the current school year or None) in one
    statement, for the school's overview page; None for no such school in the district."""
    found = db.session.execute(
        select(School, ShortLink.code, SchoolYear)
        .outerjoin(ShortLink, and_(ShortLink.kind == "school", ShortLink.target_id == School.id))
        .outerjoin(
            SchoolYear,
            and_(SchoolYear.district_id == School.district_id, SchoolYear.is_current.is_(True)),
        )
        .where(School.slug == slug, School.district_id == district_id)
        .limit(1)
    ).first()
    return None if found is None else tuple(found)


def open_surveys_for_school(district_id: int, school_id: int) -> list[Survey]:
    """Published surveys open now that cover this school, in one statement (the same surveys
    as surveys.open_surveys(district_id, school_id), which reads each survey's schools one
    by one)."""
    now = utcnow()
    covered = (
        select(survey_school.c.survey_id)
        .where(survey_school.c.survey_id == Survey.id, survey_school.c.school_id == school_id)
        .exists()
    )
    return list(
        db.session.scalars(
            select(Survey)
            .where(
                Survey.district_id == district_id,
                Survey.state == SurveyState.PUBLISHED,
                Survey.opens_at <= now,
                Survey.closes_at > now,
                or_(Survey.covers_all_schools.is_(True), covered),
            )
            .order_by(Survey.closes_at)
        )
    )


def _texts(values: dict[str, str]) -> dict[str, str]:
    """{locale: text} without the languages left empty."""
    return {code: text.strip() for code, text in (values or {}).items() if (text or "").strip()}


def _fill_school(school: School, details: dict) -> None:
    """Write a school's details, or Rejected for a web address name another school uses."""
    clash = school_by_slug(details["slug"])
    if clash is not None and clash is not school:
        raise Rejected({"slug": _("Another school already uses this web address name.")})
    if details["level"] not in set(SchoolLevel):
        raise Rejected({"level": _("Choose the school's level.")})
    # Composed form (NFC), so an accented name from a file matches a search for its letters.
    school.name = unicodedata.normalize("NFC", details["name"].strip())
    school.slug = details["slug"]
    school.level = details["level"]
    school.address = unicodedata.normalize("NFC", (details.get("address") or "").strip())
    school.enrollment = details["enrollment"]
    school.source_locale = details.get("source_locale") or "en"
    school.description = _texts(details.get("description") or {})
    if "area" in details:  # a form or file without the field leaves the area as it is
        school.area = unicodedata.normalize("NFC", (details["area"] or "").strip())[:80] or None


def create_school(district, actor, **details) -> School:
    """Add a school to the district. `details`: name, slug, level, address, enrollment,
    source_locale, description ({locale: text}) and optionally area, as for `update_school`.
    Its short link is made here, so its page never has to make one while it is read."""
    school = School(district_id=district.id, description={})
    _fill_school(school, details)
    db.session.add(school)
    db.session.flush()
    ensure_short_link("school", school.id)  # for its page, paper and text messages
    record_audit(actor, "school.created", "school", school.id, {"slug": school.slug})
    return school


def update_school(school: School, actor, **details) -> School:
    """Change a school's details and its description in each language (see `create_school`)."""
    _fill_school(school, details)
    record_audit(actor, "school.saved", "school", school.id, {"slug": school.slug})
    return school


def update_district(
    district,
    actor,
    *,
    name: str,
    default_locale: str,
    timezone: str,
    region: str,
    small_cell_threshold: int,
    tagline: dict[str, str],
    roll_call_votes: bool = False,
) -> None:
    """The district's name, main language, time zone, region, privacy threshold, tagline and
    whether committee votes are roll calls.
    Raises Rejected for a time zone we do not know or a threshold below five."""
    timezone = (timezone or "").strip()
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Rejected({"timezone": _("This is not a time zone we know.")}) from None
    if small_cell_threshold is None or small_cell_threshold < 5:
        raise Rejected({"small_cell_threshold": _("Enter a number from 5 to 100.")})
    district.name = name.strip()
    district.default_locale = default_locale
    district.timezone = timezone
    district.region = region
    district.small_cell_threshold = small_cell_threshold
    district.tagline = _texts(tagline)
    district.roll_call_votes = bool(roll_call_votes)
    record_audit(actor, "district.settings_saved", "district", district.id, {})
