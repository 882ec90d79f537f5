"""Pages anyone can read, without an account."""

from datetime import UTC, datetime, time

from flask import abort, g, jsonify, redirect, render_template, request
from flask_babel import get_locale
from sqlalchemy import text

from portal.blueprints.public import bp
from portal.extensions import db
from portal.forms import parse_int
from portal.htmx import render
from portal.models import SchoolLevel
from portal.permissions import public
from portal.services.bulletin_reading import latest_for
from portal.services.feedback import feedback_counts
from portal.services.plan_years import published_years
from portal.services.schools import (
    open_surveys_for_school,
    school_areas,
    school_for_page,
    search_schools,
)
from portal.services.short_links import share_url_for_code
from portal.services.surveys import open_surveys

# Page numbers past this are not pages (a list of a few thousand schools has far fewer).
MAX_PAGE = 10_000


@bp.get("/")
@public
def index():
    """The district's front page: who we are, open surveys, and one page of schools to search
    and browse (the same list as /schools)."""
    if g.district is None:
        return render_template("public/not_set_up.html"), 503
    return render(
        "public/index.html",
        "public/_school_list.html",
        "school-list",
        **_school_list("public.index"),
        open_surveys=open_surveys(g.district.id),
        bulletins=latest_for(g.district),
    )


@bp.get("/schools")
@public
def schools():
    """Every school of the district, searchable and paged, browseable by level and area."""
    if g.district is None:
        abort(404)
    return render(
        "public/schools.html",
        "public/_school_list.html",
        "school-list",
        **_school_list("public.schools"),
    )


def _school_list(endpoint: str) -> dict:
    """The search form's values and one page of the schools it finds (404 past the last page;
    a page number that is not one is page 1)."""
    query = request.args.get("q", "")[:100]
    level = request.args.get("level") or None
    if level is not None and level not in {lv.value for lv in SchoolLevel}:
        level = None
    area = (request.args.get("area") or "").strip()[:80] or None
    page = parse_int(request.args.get("page"), 1, MAX_PAGE) or 1
    results = search_schools(g.district.id, query, level, area, page)
    if results is None:
        abort(404)
    return {
        "results": results,
        "query": query,
        "level": level,
        "area": area,
        "levels": list(SchoolLevel),
        "areas": school_areas(g.district.id),
        "list_endpoint": endpoint,
    }


@bp.get("/schools/<slug>")
@public
def school(slug: str):
    """A school's overview: the page a parent lands on from a text message. Six statements
    whatever the school has (tests/test_statement_budgets_public.py), and it writes nothing:
    the short link was made with the school."""
    found = school_for_page(g.district.id, slug) if g.district is not None else None
    if found is None:
        abort(404)
    school, code, year = found
    return render_template(
        "public/school.html",
        school=school,
        open_surveys=open_surveys_for_school(g.district.id, school.id),
        bulletins=latest_for(g.district, school),
        share_link=share_url_for_code("school", school.slug, code, str(get_locale())),
        short_link_made=code is not None,
        feedback_counts=_feedback_counts(school, year),
        published_years=published_years(school.id),
    )


def _feedback_counts(school, year) -> tuple[int, int] | None:
    """Comments received and answered this school year, for the school page."""
    if year is None:
        return None
    return feedback_counts(school.id, datetime.combine(year.starts_on, time(), UTC))


@bp.get("/privacy")
@public
def privacy():
    """What the portal collects, who sees it, how long it is kept: the retention registry that
    `flask purge` enforces (portal/services/retention.py), so the two cannot disagree."""
    from portal.blueprints.public.security import security_contact
    from portal.services.retention import kinds

    return render_template(
        "public/privacy.html", kinds=kinds(), security_contact=security_contact()
    )


@bp.get("/favicon.ico")
@public
def favicon():
    """Browsers that ignore <link rel="icon"> still find the icon."""
    from portal.web import static_url

    return redirect(static_url("favicon.svg"), code=301)


@bp.get("/healthz")
@public
def healthz():
    """For load balancers: is the database reachable?"""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        db.session.rollback()
        response = jsonify(status="error", database="unreachable")
        response.status_code = 503
    else:
        response = jsonify(status="ok", database="ok")
    response.headers["Cache-Control"] = "no-store"
    return response
