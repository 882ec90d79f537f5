"""What every school's plan builds on, kept by district staff: the year's district goals, the
spending categories and the plain-language glossary. Text comes per language ({locale: text});
the district's main language is required. The caller commits."""

import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import DistrictGoal, GlossaryTerm, InvestmentCategory
from portal.services.audit import record_audit
from portal.services.errors import Rejected

CATEGORY_CODE = re.compile(r"[A-Za-z0-9_-]{1,20}")


def _audit(actor, action: str, item) -> None:
    record_audit(actor, f"planning.{action}", type(item).__name__.lower(), item.id)


def add_district_goal(district, year, title: dict[str, str], actor) -> DistrictGoal:
    """A district goal for the school year, last in the list."""
    if not title.get(district.default_locale):
        raise Rejected({"title": _("Write the goal in the district's main language.")})
    count = db.session.scalar(select(func.count()).where(DistrictGoal.school_year_id == year.id))
    goal = DistrictGoal(
        district_id=district.id,
        school_year_id=year.id,
        title=title,
        position=count,
        source_locale=district.default_locale,
    )
    db.session.add(goal)
    db.session.flush()
    _audit(actor, "goal_added", goal)
    return goal


def add_category(district, code: str, name: dict[str, str], actor) -> InvestmentCategory:
    """A spending category with its short code (unique in the district), such as 1000."""
    errors = {}
    if not name.get(district.default_locale):
        errors["name"] = _("Name the category in the district's main language.")
    if not CATEGORY_CODE.fullmatch(code or ""):
        errors["code"] = _("Use a short code of letters and digits, such as 1000.")
    elif db.session.scalars(
        select(InvestmentCategory).where(
            InvestmentCategory.district_id == district.id, InvestmentCategory.code == code
        )
    ).first():
        errors["code"] = _("This code is already used.")
    if errors:
        raise Rejected(errors)
    category = InvestmentCategory(
        district_id=district.id, code=code, name=name, source_locale=district.default_locale
    )
    db.session.add(category)
    db.session.flush()
    _audit(actor, "category_added", category)
    return category


def glossary_slug(term: str) -> str:
    """The term's anchor on the glossary page: "Title I" -> "title-i"."""
    return re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")[:60]


def add_glossary_term(
    district, term: dict[str, str], definition: dict[str, str], actor
) -> GlossaryTerm:
    """A word families meet, with a plain definition, both in the main language at least."""
    main = district.default_locale
    errors = {}
    if not term.get(main):
        errors["term"] = _("Write the term in the district's main language.")
    if not definition.get(main):
        errors["definition"] = _("Define it in one or two plain sentences.")
    slug = glossary_slug(term.get(main) or "")
    if (
        slug
        and db.session.scalars(
            select(GlossaryTerm).where(
                GlossaryTerm.district_id == district.id, GlossaryTerm.slug == slug
            )
        ).first()
    ):
        errors["term"] = _("This term is already in the glossary.")
    if errors:
        raise Rejected(errors)
    item = GlossaryTerm(
        district_id=district.id, slug=slug, term=term, definition=definition, source_locale=main
    )
    db.session.add(item)
    db.session.flush()
    _audit(actor, "term_added", item)
    return item


def remove_item(item, actor) -> None:
    """Remove a district goal, category or glossary term (schools' rows that pointed at it
    keep their text and lose the link)."""
    _audit(actor, "removed", item)
    db.session.delete(item)
