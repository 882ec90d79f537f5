"""District staff: the year's district goals, the spending categories, the glossary."""

import re

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.blueprints.plans import bp
from portal.blueprints.school_access import district_row_or_404
from portal.extensions import db
from portal.forms import translations
from portal.models import DistrictGoal, GlossaryTerm, InvestmentCategory, Role
from portal.permissions import role_required
from portal.services.school_year import current_year

KINDS = {"goal": DistrictGoal, "category": InvestmentCategory, "term": GlossaryTerm}


def _page(status=200, errors=None, form=None, which=None):
    year = current_year(g.district.id)
    goals = (
        list(
            db.session.scalars(
                select(DistrictGoal)
                .where(DistrictGoal.school_year_id == year.id)
                .order_by(DistrictGoal.position)
            )
        )
        if year
        else []
    )
    return render_template(
        "plans/district.html",
        year=year,
        goals=goals,
        categories=list(
            db.session.scalars(
                select(InvestmentCategory)
                .where(InvestmentCategory.district_id == g.district.id)
                .order_by(InvestmentCategory.position)
            )
        ),
        terms=list(
            db.session.scalars(
                select(GlossaryTerm).where(GlossaryTerm.district_id == g.district.id)
            )
        ),
        errors=errors or {},
        form=form or {},
        which=which,
    ), status


@bp.get("/manage/planning")
@role_required(Role.DISTRICT)
def district_planning():
    """What every school's plan builds on."""
    return _page()


@bp.post("/manage/planning/<kind>")
@role_required(Role.DISTRICT)
def add_planning_item(kind: str):
    """Add a district goal, a spending category or a glossary term."""
    if kind not in KINDS:
        abort(404)
    form, errors = request.form, {}
    main = g.district.default_locale
    if kind == "goal":
        year = current_year(g.district.id)
        title = translations(form, "title", 300)
        if year is None:
            abort(404)
        if not title.get(main):
            errors["title"] = _("Write the goal in the district's main language.")
        item = DistrictGoal(district_id=g.district.id, school_year_id=year.id, title=title)
    elif kind == "category":
        name = translations(form, "name", 120)
        code = (form.get("code") or "").strip()[:20]
        if not name.get(main):
            errors["name"] = _("Name the category in the district's main language.")
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,20}", code):
            errors["code"] = _("Use a short code of letters and digits, such as 1000.")
        elif db.session.scalars(
            select(InvestmentCategory).where(
                InvestmentCategory.district_id == g.district.id, InvestmentCategory.code == code
            )
        ).first():
            errors["code"] = _("This code is already used.")
        item = InvestmentCategory(district_id=g.district.id, code=code, name=name)
    else:
        term = translations(form, "term", 120)
        definition = translations(form, "definition", 600)
        if not term.get(main):
            errors["term"] = _("Write the term in the district's main language.")
        if not definition.get(main):
            errors["definition"] = _("Define it in one or two plain sentences.")
        slug = re.sub(r"[^a-z0-9]+", "-", (term.get(main) or "").lower()).strip("-")[:60]
        if (
            slug
            and db.session.scalars(
                select(GlossaryTerm).where(
                    GlossaryTerm.district_id == g.district.id, GlossaryTerm.slug == slug
                )
            ).first()
        ):
            errors["term"] = _("This term is already in the glossary.")
        item = GlossaryTerm(district_id=g.district.id, slug=slug, term=term, definition=definition)
    if errors:
        return _page(422, errors, form, kind)
    item.source_locale = main
    db.session.add(item)
    db.session.commit()
    flash(_("Added."), "success")
    return redirect(url_for("plans.district_planning") + f"#{kind}", code=303)


@bp.post("/manage/planning/<kind>/<int:item_id>/delete")
@role_required(Role.DISTRICT)
def delete_planning_item(kind: str, item_id: int):
    if kind not in KINDS:
        abort(404)
    item = district_row_or_404(KINDS[kind], item_id)
    db.session.delete(item)
    db.session.commit()
    flash(_("Removed."), "success")
    return redirect(url_for("plans.district_planning") + f"#{kind}", code=303)
