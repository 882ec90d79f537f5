"""The moves the calendar's and the accounts' records allow, and those they refuse: a phase's
dates, an event's revision (UID kept, SEQUENCE raised), a requirement's state, an account's
deactivation and a device's sign-out."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from portal.extensions import db
from portal.models import (
    CalendarEvent,
    EventRequirement,
    LoginSession,
    PhaseWindow,
    School,
    SchoolYear,
    User,
)
from portal.models.accounts import AccountStatus, SessionState
from portal.models.base import IllegalMove, utcnow
from portal.models.calendar import RequirementState
from portal.services import calendar_editing as edit
from portal.services.errors import Rejected


@pytest.fixture
def year(clean_app, district):
    with clean_app.app_context():
        row = SchoolYear(
            district_id=district["id"],
            label="2026-27",
            starts_on=date(2026, 7, 1),
            ends_on=date(2027, 6, 30),
            is_current=True,
        )
        db.session.add(row)
        db.session.commit()
        db.session.remove()
    return district


# --------------------------------------------------------------------------- phase windows


def test_a_phase_window_moves_to_dates_that_end_after_they_start():
    window = PhaseWindow(phase="reflect", starts_on=date(2026, 9, 1), ends_on=date(2026, 11, 30))
    window.reschedule(date(2026, 9, 15), date(2026, 12, 15))
    assert (window.starts_on, window.ends_on) == (date(2026, 9, 15), date(2026, 12, 15))
    window.reschedule(date(2026, 10, 1), date(2026, 10, 1))  # one day is a phase too
    assert window.starts_on == window.ends_on


@pytest.mark.parametrize(
    ("starts", "ends"),
    [(date(2026, 10, 2), date(2026, 10, 1)), (None, date(2026, 10, 1)), (date(2026, 10, 1), None)],
)
def test_a_phase_window_refuses_to_end_before_it_starts(starts, ends):
    window = PhaseWindow(phase="reflect", starts_on=date(2026, 9, 1), ends_on=date(2026, 11, 30))
    with pytest.raises(IllegalMove):
        window.reschedule(starts, ends)
    assert (window.starts_on, window.ends_on) == (date(2026, 9, 1), date(2026, 11, 30))


# --------------------------------------------------------------------------- events


def _event(ctx, district_id, **values):
    with ctx() as session:
        school = session.query(School).filter_by(slug="maple-elementary").one()
        row = CalendarEvent(
            district_id=district_id,
            school_year_id=session.query(SchoolYear).one().id,
            school_id=school.id,
            phase="reflect",
            kind="training",
            title={"en": "Training"},
            starts_at=datetime(2026, 10, 1, 1, tzinfo=UTC),
            **values,
        )
        session.add(row)
        session.commit()
        return row.id, row.uid


def test_revising_an_event_keeps_its_uid_and_raises_its_sequence_only_on_change(year, ctx):
    event_id, uid = _event(ctx, year["id"])
    with ctx() as session:
        event = session.get(CalendarEvent, event_id)
        assert event.revise(title={"en": "Training night"}, place="Gym")
        assert (event.uid, event.sequence) == (uid, 1)
        assert not event.revise(title={"en": "Training night"}, place="Gym")  # nothing new
        assert event.sequence == 1
        assert event.revise(starts_at=event.starts_at + timedelta(hours=1))
        assert (event.uid, event.sequence) == (uid, 2)


def test_a_new_event_starts_at_sequence_zero():
    event = CalendarEvent(title={}, sequence=0)
    event.revise(title={"en": "Family night"})
    assert event.sequence == 0  # not yet in anyone's calendar


def test_the_event_service_refuses_what_the_rules_refuse(year, clean_app):
    from portal.models import District

    with clean_app.test_request_context("/"):
        session = db.session
        district = session.get(District, year["id"])
        school_year = session.query(SchoolYear).one()
        details = edit.EventDetails(
            title={"es": "Noche de familias"},
            kind="party",
            phase="reflect",
            day=date(2026, 10, 1),
            starts=time(19, 0),
            ends=time(18, 0),
            committee="nope",
        )
        with pytest.raises(Rejected) as refused:
            edit.add_event(district, school_year, None, details, actor=None)
        assert set(refused.value.fields) == {"title", "kind", "committee", "ends"}
        good = edit.EventDetails(
            title={"en": "Family night"}, kind="training", phase="reflect",
            day=date(2026, 10, 1), starts=time(19, 0),
        )  # fmt: skip
        event = edit.add_event(district, school_year, None, good, actor=None)
        # 7 pm in Los Angeles is 2 am UTC the next day.
        assert event.starts_at == datetime(2026, 10, 2, 2, tzinfo=UTC) and event.sequence == 0


def test_the_districts_phases_need_every_date_a_schools_may_be_left_empty(year, clean_app):
    from portal.models import District
    from portal.models.calendar import Phase

    with clean_app.test_request_context("/"):
        session = db.session
        district = session.get(District, year["id"])
        school_year = session.query(SchoolYear).one()
        school = session.query(School).filter_by(slug="maple-elementary").one()
        some = {Phase.REFLECT: (date(2026, 9, 1), date(2026, 11, 30))}
        with pytest.raises(Rejected) as refused:
            edit.set_phase_dates(district, school_year, None, some, actor=None)
        assert set(refused.value.fields) == {"engage_starts", "prioritize_starts", "decide_starts"}
        edit.set_phase_dates(district, school_year, school, some, actor=None)
        assert [w.phase for w in session.query(PhaseWindow)] == ["reflect"]
        half = {Phase.REFLECT: (date(2026, 9, 1), None)}
        with pytest.raises(Rejected):
            edit.set_phase_dates(district, school_year, school, half, actor=None)
        edit.set_phase_dates(district, school_year, school, {}, actor=None)  # all follow again
        assert session.query(PhaseWindow).count() == 0


# --------------------------------------------------------------------------- requirements


@pytest.mark.parametrize(
    ("scheduled", "today", "state"),
    [
        (2, date(2026, 10, 1), RequirementState.MET),
        (3, date(2026, 12, 1), RequirementState.MET),  # met stays met after the date
        (1, date(2026, 10, 1), RequirementState.MISSING),
        (1, date(2026, 10, 15), RequirementState.MISSING),  # the due day itself is in time
        (1, date(2026, 10, 16), RequirementState.LATE),
        (0, date(2027, 1, 1), RequirementState.LATE),
    ],
)
def test_a_requirement_is_met_missing_or_late(scheduled, today, state):
    requirement = EventRequirement(min_count=2, due_on=date(2026, 10, 15))
    assert requirement.state(scheduled, today) is state
    assert state.label


# --------------------------------------------------------------------------- accounts


def test_an_account_is_deactivated_and_reactivated_once_each():
    user = User(email="a@example.test", name="A", is_active=True)
    assert user.status is AccountStatus.ACTIVE
    user.deactivate()
    assert user.status is AccountStatus.INACTIVE and user.is_active is False
    with pytest.raises(IllegalMove):
        user.deactivate()
    user.reactivate()
    assert user.status is AccountStatus.ACTIVE
    with pytest.raises(IllegalMove):
        user.reactivate()


def test_a_device_is_signed_out_once_and_stays_signed_out():
    now = utcnow()
    live = LoginSession(token_hash="x" * 64, expires_at=now + timedelta(days=1))
    assert live.state(now) is SessionState.LIVE
    live.revoke(now)
    assert live.state(now) is SessionState.REVOKED and live.revoked_at == now
    with pytest.raises(IllegalMove):
        live.revoke(now)
    expired = LoginSession(token_hash="y" * 64, expires_at=now - timedelta(seconds=1))
    assert expired.state(now) is SessionState.EXPIRED
    expired.revoke(now)  # an expired session may still be revoked, so it is never revived
    assert expired.state(now + timedelta(days=30)) is SessionState.REVOKED
