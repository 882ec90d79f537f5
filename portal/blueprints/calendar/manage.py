"""Staff screens: the district dashboard and template, and each school's events."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.blueprints.calendar import bp
from portal.blueprints.school_access import (
    current_year_or_404,
    district_row_or_404,
    editable_school_or_404,
)
from portal.extensions import db
from portal.forms import parse_date, parse_int, parse_time, parse_web_address, translations
from portal.i18n import LANGUAGES
from portal.models import CalendarEvent, Committee, EventRequirement, Meeting, PhaseWindow, Role
from portal.models.calendar import EventKind, Phase
from portal.models.committees import CommitteeKind
from portal.permissions import SCHOOL_EDITORS, can_edit_event, role_required
from portal.services import school_calendar as cal


def parse_event(form, timezone: str, school_id: int | None = None) -> tuple[dict, dict]:
    """An event form -> (values, errors). Times are typed in the district's time zone and
    stored in UTC. A meeting of a committee the school has on the portal is refused here: it
    is scheduled on the committee's page, so that it is one record in both places."""
    errors = {}
    title = translations(form, "title", 200)
    description = translations(form, "description", 2000)
    day = parse_date(form.get("day"))
    starts = parse_time(form.get("starts"))
    ends = parse_time(form.get("ends")) if form.get("ends") else None
    online_url = parse_web_address(form.get("online_url"))
    if not title.get(g.district.default_locale):
        errors["title"] = _("Give the event a title in the district's main language.")
    if form.get("kind") not in {k.value for k in EventKind}:
        errors["kind"] = _("Choose what kind of event this is.")
    if form.get("phase") not in {p.value for p in Phase}:
        errors["phase"] = _("Choose the phase of the year.")
    if day is None:
        errors["day"] = _("Enter a date such as 2026-12-03.")
    if starts is None:
        errors["starts"] = _("Enter a time such as 18:30.")
    if form.get("ends") and ends is None:
        errors["ends"] = _("Enter a time such as 20:00, or leave it empty.")
    if online_url is None:
        errors["online_url"] = _("Enter a web address starting with https://, or leave it empty.")
    committee = form.get("committee") or ""
    if committee and committee not in {c.value for c in CommitteeKind}:
        errors["committee"] = _("Choose a committee from the list.")
    elif school_id is not None and portal_committee(school_id, form.get("kind"), committee):
        errors["kind"] = _(
            "This committee is on the portal: add its meetings on the committee's page, so the "
            "committee page and the calendar show the same meeting."
        )
    values = {}
    if not errors:
        zone = ZoneInfo(timezone)
        starts_at = datetime.combine(day, starts, zone).astimezone(UTC)
        ends_at = datetime.combine(day, ends, zone).astimezone(UTC) if ends else None
        if ends_at is not None and ends_at < starts_at:
            errors["ends"] = _("The event cannot end before it starts.")
        values = {
            "title": title,
            "description": description,
            "kind": form["kind"],
            "phase": form["phase"],
            "starts_at": starts_at,
            "ends_at": ends_at,
            "place": (form.get("place") or "").strip()[:300],
            "online_url": online_url,
            "interpretation": bool(form.get("interpretation")),
            "childcare": bool(form.get("childcare")),
            "committee": committee,
        }
    return values, errors


def portal_committee(school_id: int, kind: str | None, committee: str) -> Committee | None:
    """The school's committee on the portal that an event of this kind would be a meeting of."""
    if kind not in cal.MEETING_KINDS:
        return None
    wanted = "ssc" if kind == "site_council" else committee
    if not wanted:
        return None
    return db.session.scalars(
        select(Committee).where(Committee.school_id == school_id, Committee.kind == wanted)
    ).first()


def _event_form_context(event=None, form=None, errors=None):
    return {
        "event": event,
        "form": form or {},
        "errors": errors or {},
        "kind_options": [(k.value, k.label) for k in EventKind],
        "phase_options": [(p.value, p.label) for p in Phase],
        "committee_options": [(c.value, c.label) for c in CommitteeKind],
        "languages": LANGUAGES,
    }


def _school_page(school, status=200, **extra):
    year = current_year_or_404()
    events = [e for e in cal.school_events(year.id, school.id) if e.school_id == school.id]
    committees = list(db.session.scalars(select(Committee).where(Committee.school_id == school.id)))
    requirements = list(
        db.session.scalars(
            select(EventRequirement).where(EventRequirement.school_year_id == year.id)
        )
    )
    return render_template(
        "calendar/manage_school.html",
        school=school,
        year=year,
        events=events,
        checks=cal.requirement_status(requirements, events),
        windows=cal.phase_windows(year.id, school.id),
        own_windows={
            phase: (w.starts_on, w.ends_on) for phase, w in phase_rows(year.id, school.id).items()
        },
        committees=committees,
        **_event_form_context(form=extra.pop("form", None), errors=extra.pop("errors", None)),
        **extra,
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
    values, errors = parse_event(request.form, g.district.timezone, school.id)
    if errors:
        return _school_page(school, 422, form=request.form, errors=errors)
    db.session.add(
        CalendarEvent(
            district_id=g.district.id,
            school_year_id=current_year_or_404().id,
            school_id=school.id,
            source_locale=g.district.default_locale,
            **values,
        )
    )
    db.session.commit()
    flash(_("Event added to the calendar."), "success")
    return redirect(url_for("calendar.manage_school", slug=school.slug), code=303)


def _meeting_of(event: CalendarEvent) -> Meeting | None:
    return db.session.scalars(select(Meeting).where(Meeting.event_id == event.id)).first()


def _event_or_404(event_id: int) -> CalendarEvent:
    event = district_row_or_404(CalendarEvent, event_id)
    if not can_edit_event(current_user, event):
        abort(403)
    return event


def _back(event: CalendarEvent):
    if event.school_id:
        return url_for("calendar.manage_school", slug=event.school.slug)
    return url_for("calendar.dashboard")


@bp.route("/manage/calendar/events/<int:event_id>", methods=["GET", "POST"])
@role_required(*SCHOOL_EDITORS)
def edit_event(event_id: int):
    """Change an event; its UID stays and its SEQUENCE goes up, so phones update it. A
    committee meeting is changed on its own page (it is one record)."""
    event = _event_or_404(event_id)
    meeting = _meeting_of(event)
    if meeting is not None:
        return redirect(url_for("committees.manage_meeting", meeting_id=meeting.id), code=303)
    if request.method == "POST":
        values, errors = parse_event(request.form, g.district.timezone, event.school_id)
        if not errors:
            for key, value in values.items():
                setattr(event, key, value)
            event.sequence += 1
            db.session.commit()
            flash(_("Event saved."), "success")
            return redirect(_back(event), code=303)
        return render_template(
            "calendar/edit_event.html", **_event_form_context(event, request.form, errors)
        ), 422
    return render_template("calendar/edit_event.html", **_event_form_context(event))


@bp.post("/manage/calendar/events/<int:event_id>/delete")
@role_required(*SCHOOL_EDITORS)
def delete_event(event_id: int):
    event = _event_or_404(event_id)
    meeting = _meeting_of(event)
    if meeting is not None:
        return redirect(url_for("committees.manage_meeting", meeting_id=meeting.id), code=303)
    back = _back(event)
    db.session.delete(event)
    db.session.commit()
    flash(_("Event removed."), "success")
    return redirect(back, code=303)


def _dashboard(status=200, **extra):
    year = current_year_or_404()
    today = cal.local_now(g.district).date()
    district_events = list(
        db.session.scalars(
            select(CalendarEvent)
            .where(CalendarEvent.school_year_id == year.id, CalendarEvent.school_id.is_(None))
            .order_by(CalendarEvent.starts_at)
        )
    )
    requirements = list(
        db.session.scalars(
            select(EventRequirement)
            .where(EventRequirement.school_year_id == year.id)
            .order_by(EventRequirement.due_on, EventRequirement.id)
        )
    )
    return render_template(
        "calendar/dashboard.html",
        year=year,
        today=today,
        rows=cal.dashboard(g.district, year.id, today),
        requirements=requirements,
        windows=cal.phase_windows(year.id, None),
        district_events=district_events,
        **_event_form_context(form=extra.pop("form", None), errors=extra.pop("errors", None)),
        **extra,
    ), status


@bp.get("/manage/calendar")
@role_required(Role.DISTRICT)
def dashboard():
    """Every school against the district template: phase, required events, who is behind."""
    return _dashboard()


@bp.post("/manage/calendar/events")
@role_required(Role.DISTRICT)
def add_district_event():
    """A district-wide deadline or event that every school's calendar inherits."""
    values, errors = parse_event(request.form, g.district.timezone)
    if errors:
        return _dashboard(422, form=request.form, errors=errors)
    db.session.add(
        CalendarEvent(
            district_id=g.district.id,
            school_year_id=current_year_or_404().id,
            school_id=None,
            source_locale=g.district.default_locale,
            **values,
        )
    )
    db.session.commit()
    flash(_("Event added to every school's calendar."), "success")
    return redirect(url_for("calendar.dashboard"), code=303)


def parse_phase_dates(form, optional: bool) -> tuple[dict, dict]:
    """The phase date fields -> ({phase: (starts, ends) or None}, errors). With `optional`, a
    phase left empty is None (it follows the district's dates)."""
    errors, dates = {}, {}
    for phase in Phase:
        raw_start, raw_end = form.get(f"{phase.value}_starts"), form.get(f"{phase.value}_ends")
        if optional and not raw_start and not raw_end:
            dates[phase] = None
            continue
        starts, ends = parse_date(raw_start), parse_date(raw_end)
        if starts is None or ends is None or ends < starts:
            errors[phase.value] = _("Enter a start and an end date, the end after the start.")
        else:
            dates[phase] = (starts, ends)
    return dates, errors


def phase_rows(year_id: int, school_id: int | None) -> dict[str, PhaseWindow]:
    """The stored phase windows of the district's template (no school) or of one school."""
    owner = (
        PhaseWindow.school_id.is_(None) if school_id is None else PhaseWindow.school_id == school_id
    )
    return {
        w.phase: w
        for w in db.session.scalars(
            select(PhaseWindow).where(PhaseWindow.school_year_id == year_id, owner)
        )
    }


def save_phase_dates(year, school_id: int | None, dates: dict) -> None:
    """Write the phase windows; a phase whose dates are None loses its window."""
    existing = phase_rows(year.id, school_id)
    for phase, window_dates in dates.items():
        window = existing.get(phase.value)
        if window_dates is None:
            if window is not None:
                db.session.delete(window)
            continue
        window = window or PhaseWindow(
            district_id=g.district.id,
            school_year_id=year.id,
            school_id=school_id,
            phase=phase.value,
        )
        window.starts_on, window.ends_on = window_dates
        db.session.add(window)
    db.session.commit()


@bp.post("/manage/calendar/phases")
@role_required(Role.DISTRICT)
def set_phases():
    """The template's phase dates for the year."""
    year = current_year_or_404()
    dates, errors = parse_phase_dates(request.form, optional=False)
    if errors:
        return _dashboard(422, phase_form=request.form, phase_errors=errors)
    save_phase_dates(year, None, dates)
    flash(_("Phase dates saved."), "success")
    return redirect(url_for("calendar.dashboard"), code=303)


@bp.post("/manage/calendar/requirements")
@role_required(Role.DISTRICT)
def add_requirement():
    """Require every school to schedule an event of a kind in a phase, by a date."""
    form, errors = request.form, {}
    count = parse_int(form.get("min_count"), 1, 50)
    due_on = parse_date(form.get("due_on"))
    if form.get("kind") not in {k.value for k in EventKind}:
        errors["req_kind"] = _("Choose what kind of event this is.")
    if form.get("phase") not in {p.value for p in Phase}:
        errors["req_phase"] = _("Choose the phase of the year.")
    if count is None:
        errors["min_count"] = _("Enter a whole number from 1 to 50.")
    if due_on is None:
        errors["due_on"] = _("Enter a date such as 2026-12-03.")
    if errors:
        return _dashboard(422, req_form=form, req_errors=errors)
    db.session.add(
        EventRequirement(
            district_id=g.district.id,
            school_year_id=current_year_or_404().id,
            kind=form["kind"],
            phase=form["phase"],
            min_count=count,
            due_on=due_on,
        )
    )
    db.session.commit()
    flash(_("Requirement added."), "success")
    return redirect(url_for("calendar.dashboard"), code=303)


@bp.post("/manage/calendar/requirements/<int:requirement_id>/delete")
@role_required(Role.DISTRICT)
def delete_requirement(requirement_id: int):
    requirement = district_row_or_404(EventRequirement, requirement_id)
    db.session.delete(requirement)
    db.session.commit()
    flash(_("Requirement removed."), "success")
    return redirect(url_for("calendar.dashboard"), code=303)


@bp.post("/manage/schools/<slug>/calendar/phases")
@role_required(*SCHOOL_EDITORS)
def set_school_phases(slug: str):
    """A school's own phase dates; a phase left empty follows the district's."""
    school = editable_school_or_404(slug)
    year = current_year_or_404()
    dates, errors = parse_phase_dates(request.form, optional=True)
    if errors:
        return _school_page(school, 422, phase_form=request.form, phase_errors=errors)
    save_phase_dates(year, school.id, dates)
    flash(_("Phase dates saved."), "success")
    return redirect(url_for("calendar.manage_school", slug=school.slug), code=303)
