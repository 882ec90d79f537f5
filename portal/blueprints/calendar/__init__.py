"""The school year in public: each school's calendar, its iCalendar feed, and the district's
dashboard of every school against the template."""

from flask import Blueprint

bp = Blueprint("calendar", __name__)

from portal.blueprints.calendar import manage, routes  # noqa: E402, F401
