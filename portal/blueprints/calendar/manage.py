"""Staff screens: the district dashboard and template, and each school's events."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.access import deny
from portal.blueprints.calendar import bp
from portal.blueprints.calendar.forms import (
    PhaseDatesForm,
    event_form,
    phase_form,
    requirement_form,
)
from portal.blueprints.school_access import (
    current_year_or_404,
    district_row_or_404,
    editable_school_or_404,
)
from portal.extensions import db
from portal.forms import parse_int, saved
from portal.models import CalendarEvent, EventRequirement, SchoolLevel
from portal.permissions import (
    DISTRICT_STAFF,
    SCHOOL_EDITORS,
    can_edit_event,
    refusal_status,
    role_required,
)
from portal.services import calendar_editing as edit
from portal.services import school_calendar as cal
from portal.services.allocation_pages import paged

SCHOOL_LEVELS = [level.value for level in SchoolLevel]


def _school_page(school, status=200, event=None, phases=None):
    """A school's editor; a refused form comes back as it was typed, the others fresh."""
    year = current_year_or_404()
    desk = edit.school_desk(year, school)
    return render_template(
        "calendar/manage_school.html",
        school=school,
        year=year,
        desk=desk,
        event_form=event or event_form(g.district, posted=False),
        phase_form=phases or phase_form(desk.own_windows, posted=False),
    ), status


@bp.get("/manage/schools/<slug>/calendar")
@role_required(*SCHOOL_EDITORS)
def manage_school(slug: str):
    """A school's own events, and which required ones are still missing."""
    return _school_page(editable_school_or_404(slug))


@bp.post("/manage/schools/<slug>/calendar/events")
@role_required(*SCHOOL_EDITORS)
def add_school_event(slug: str):
    school = editable_school_or_404(slug)
    form = event_form(g.district)
    if saved(
        form,
        lambda: edit.add_event(
            g.district, current_year_or_404(), school, form.details(), current_user
        ),
    ):
        flash(_("Event added to the calendar."), "success")
        return redirect(url_for("calendar.manage_school", slug=school.slug), code=303)
    return _school_page(school, 422, event=form)


def _event_or_404(event_id: int) -> CalendarEvent:
    event = district_row_or_404(CalendarEvent, event_id)
    if not can_edit_event(current_user, event):
        deny(refusal_status(current_user, event.school))
    return event


def _back(event: CalendarEvent) -> str:
    if event.school_id:
        return url_for("calendar.manage_school", slug=event.school.slug)
    return url_for("calendar.dashboard")


def _meeting_page(event: CalendarEvent) -> str | None:
    """A committee meeting is changed on its own page (it is one record)."""
    meeting = edit.meeting_of(event)
    return url_for("committees.manage_meeting", meeting_id=meeting.id) if meeting else None


@bp.route("/manage/calendar/events/<int:event_id>", methods=["GET", "POST"])
@role_required(*SCHOOL_EDITORS)
def edit_event(event_id: int):
    """Change an event; its UID stays and its SEQUENCE goes up, so phones update it."""
    event = _event_or_404(event_id)
    if meeting_page := _meeting_page(event):
        return redirect(meeting_page, code=303)
    form = event_form(g.district, event)
    if saved(form, lambda: edit.change_event(g.district, event, form.details(), current_user)):
        flash(_("Event saved."), "success")
        return redirect(_back(event), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("calendar/edit_event.html", event=event, form=form), status


@bp.post("/manage/calendar/events/<int:event_id>/delete")
@role_required(*SCHOOL_EDITORS)
def delete_event(event_id: int):
    event = _event_or_404(event_id)
    if meeting_page := _meeting_page(event):
        return redirect(meeting_page, code=303)
    back = _back(event)
    edit.remove_event(event, current_user)
    db.session.commit()
    flash(_("Event removed."), "success")
    return redirect(back, code=303)


def _dashboard(status=200, event=None, phases=None, requirement=None):
    """The district's dashboard; a refused form comes back as typed, the others fresh."""
    year = current_year_or_404()
    desk = edit.district_desk(g.district, year, cal.local_now(g.district).date())
    level = request.args.get("level")
    level = level if level in SCHOOL_LEVELS else None
    behind = request.args.get("behind") == "1"
    # Every school is checked; the table shows 25 at a time, of a level or behind only.
    shown = [
        row for row in desk.rows if level in (None, row.school.level) and (row.behind or not behind)
    ]
    return render_template(
        "calendar/dashboard.html",
        year=year,
        today=cal.local_now(g.district).date(),
        desk=desk,
        table=paged(shown, parse_int(request.args.get("page"), 1, 10_000) or 1),
        behind_count=sum(1 for row in desk.rows if row.behind),
        level=level,
        behind=behind,
        levels=SCHOOL_LEVELS,
        event_form=event or event_form(g.district, posted=False),
        phase_form=phases or phase_form(desk.windows, posted=False),
        requirement_form=requirement or requirement_form(posted=False),
    ), status


@bp.get("/manage/calendar")
@role_required(*DISTRICT_STAFF)
def dashboard():
    """Every school against the district template: phase, required events, who is behind."""
    return _dashboard()


@bp.post("/manage/calendar/events")
@role_required(*DISTRICT_STAFF)
def add_district_event():
    """A district-wide deadline or event that every school's calendar inherits."""
    form = event_form(g.district)
    if saved(
        form,
        lambda: edit.add_event(
            g.district, current_year_or_404(), None, form.details(), current_user
        ),
    ):
        flash(_("Event added to every school's calendar."), "success")
        return redirect(url_for("calendar.dashboard"), code=303)
    return _dashboard(422, event=form)


@bp.post("/manage/calendar/phases")
@role_required(*DISTRICT_STAFF)
def set_phases():
    """The template's phase dates for the year: all four phases."""
    form = PhaseDatesForm()
    if saved(
        form,
        lambda: edit.set_phase_dates(
            g.district, current_year_or_404(), None, form.dates(), current_user
        ),
    ):
        flash(_("Phase dates saved."), "success")
        return redirect(url_for("calendar.dashboard"), code=303)
    return _dashboard(422, phases=form)


@bp.post("/manage/calendar/requirements")
@role_required(*DISTRICT_STAFF)
def add_requirement():
    """Require every school to schedule an event of a kind in a phase, by a date."""
    form = requirement_form()
    if saved(
        form,
        lambda: edit.add_requirement(
            g.district, current_year_or_404(), actor=current_user, **form.requirement()
        ),
    ):
        flash(_("Requirement added."), "success")
        return redirect(url_for("calendar.dashboard"), code=303)
    return _dashboard(422, requirement=form)


@bp.post("/manage/calendar/requirements/<int:requirement_id>/delete")
@role_required(*DISTRICT_STAFF)
def delete_requirement(requirement_id: int):
    requirement = district_row_or_404(EventRequirement, requirement_id)
    edit.remove_requirement(requirement, current_user)
    db.session.commit()
    flash(_("Requirement removed."), "success")
    return redirect(url_for("calendar.dashboard"), code=303)


@bp.post("/manage/schools/<slug>/calendar/phases")
@role_required(*SCHOOL_EDITORS)
def set_school_phases(slug: str):
    """A school's own phase dates; a phase left empty follows the district's."""
    school = editable_school_or_404(slug)
    form = PhaseDatesForm()
    if saved(
        form,
        lambda: edit.set_phase_dates(
            g.district, current_year_or_404(), school, form.dates(), current_user
        ),
    ):
        flash(_("Phase dates saved."), "success")
        return redirect(url_for("calendar.manage_school", slug=school.slug), code=303)
    return _school_page(school, 422, phases=form)
