"""Pages anyone can read, without an account."""

from datetime import UTC, datetime, time

from flask import abort, g, jsonify, redirect, render_template, request
from flask_babel import get_locale
from sqlalchemy import text

from portal.blueprints.public import bp
from portal.extensions import db
from portal.htmx import render
from portal.models import SchoolLevel
from portal.permissions import public
from portal.services.bulletin_reading import latest_for
from portal.services.feedback import feedback_counts
from portal.services.school_year import current_year
from portal.services.schools import school_by_slug, search_schools
from portal.services.short_links import share_url, short_url
from portal.services.surveys import open_surveys


@bp.get("/")
@public
def index():
    """The district's front page: who we are and a searchable list of schools."""
    if g.district is None:
        return render_template("public/not_set_up.html"), 503
    query = request.args.get("q", "")
    level = request.args.get("level") or None
    if level is not None and level not in {lv.value for lv in SchoolLevel}:
        level = None
    schools = search_schools(g.district.id, query, level)
    return render(
        "public/index.html",
        "public/_school_list.html",
        "school-list",
        schools=schools,
        query=query,
        level=level,
        levels=list(SchoolLevel),
        open_surveys=open_surveys(g.district.id),
        bulletins=latest_for(g.district),
    )


@bp.get("/schools/<slug>")
@public
def school(slug: str):
    """A school's overview: the page a parent lands on from a text message."""
    found = school_by_slug(slug)
    if found is None or g.district is None or found.district_id != g.district.id:
        abort(404)
    locale = str(get_locale())
    return render_template(
        "public/school.html",
        school=found,
        open_surveys=open_surveys(g.district.id, found.id),
        bulletins=latest_for(g.district, found),
        # The short link is made with the school; until then, the page's full address.
        share_link=share_url("school", found, locale),
        short_link_made=short_url("school", found.id, locale) is not None,
        feedback_counts=_feedback_counts(found),
    )


def _feedback_counts(school) -> tuple[int, int] | None:
    """Comments received and answered this school year, for the school page."""
    year = current_year(g.district.id)
    if year is None:
        return None
    since = datetime.combine(year.starts_on, time(), UTC)
    return feedback_counts(school.id, since)


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
