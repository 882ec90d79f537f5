"""Opening the next school year (item 6 of issue 15): a district with one year's data rolls
over; every carried thing is checked, the past year is unchanged, public under its year and
read-only (409), and a second rollover is refused. GET never changes anything."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import (
    AllocationScenario,
    AuditEntry,
    District,
    DistrictGoal,
    Enrollment,
    EventRequirement,
    FundingStream,
    Goal,
    PhaseWindow,
    PriorAllocation,
    Role,
    School,
    SchoolPlan,
    SchoolYear,
)
from portal.models.base import utcnow
from portal.services.funding import run_scenario
from tests import factories
from tests.conftest import visible_text

PHASES = {
    "engage": (date(2026, 8, 17), date(2026, 11, 20)),
    "reflect": (date(2026, 11, 23), date(2027, 1, 29)),
    "prioritize": (date(2027, 2, 1), date(2027, 4, 30)),
    "decide": (date(2027, 5, 3), date(2027, 6, 30)),
}


@pytest.fixture
def one_year(clean_app, funded):
    """The funded test district's 2026-27 with a calendar template, a required event, a
    district goal, Maple's shared plan with a goal and its progress, a site council with one
    member whose term ends in June 2027, and a published survey."""
    with clean_app.app_context():
        district = db.session.get(District, funded["id"])
        year = db.session.scalars(select(SchoolYear)).one()
        for phase, (starts, ends) in PHASES.items():
            db.session.add(
                PhaseWindow(
                    district_id=district.id,
                    school_year_id=year.id,
                    phase=phase,
                    starts_on=starts,
                    ends_on=ends,
                )
            )
        db.session.add(
            EventRequirement(
                district_id=district.id,
                school_year_id=year.id,
                phase="engage",
                kind="site_council",
                min_count=2,
                due_on=date(2026, 10, 15),
            )
        )
        db.session.add(
            DistrictGoal(
                district_id=district.id,
                school_year_id=year.id,
                title=factories.text("Every student reads by third grade"),
                source_locale="en",
            )
        )
        maple = db.session.scalars(select(School).where(School.slug == "maple-elementary")).one()
        spec = factories.goal_spec("Read at grade level", indicator="Share reading at level")
        factories.plan(maple, year, goals=[spec])
        members = [*factories.COUNCIL[:-1]]
        council = factories.committee(maple, members=members)
        council.members[0].term_end = date(2027, 6, 30)  # ends before 2027-28
        survey = factories.survey(district, slug="ssfr-2026")
        db.session.commit()
        info = {"district": district.id, "year": year.id, "survey": survey.id}
        db.session.remove()
    return info


def _snapshot(ctx, year_id: int) -> dict:
    """What the year holds, to show it unchanged."""
    with ctx() as session:
        plan = session.scalars(select(SchoolPlan).where(SchoolPlan.school_year_id == year_id)).one()
        return {
            "phases": sorted(
                (w.phase, w.starts_on, w.ends_on)
                for w in session.scalars(
                    select(PhaseWindow).where(PhaseWindow.school_year_id == year_id)
                )
            ),
            "plan": (plan.status, plan.updated_at, [g.statement for g in plan.goals]),
            "streams": sorted(
                (s.id, s.revenue_cents)
                for s in session.scalars(
                    select(FundingStream).where(FundingStream.school_year_id == year_id)
                )
            ),
            "scenarios": sorted(
                (s.id, s.status)
                for s in session.scalars(
                    select(AllocationScenario).where(AllocationScenario.school_year_id == year_id)
                )
            ),
            "priors": sorted(
                (p.school_id, p.cents)
                for p in session.scalars(
                    select(PriorAllocation).where(PriorAllocation.school_year_id == year_id)
                )
            ),
        }


def _open(staff, **dates):
    page = staff.get("/manage/years")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    import re

    form = {
        name: value
        for name, value in re.findall(r'name="([a-z_0-9]+)"[^>]*value="([^"]*)"', html)
        if name.endswith(("_starts", "_ends")) or name.startswith("due_") or name == "opening"
    }
    return staff.post("/manage/years/next", data={**form, **dates})


def test_the_review_page_shows_what_carries_over_and_changes_nothing(login_as, one_year, ctx):
    staff = login_as(Role.DISTRICT)
    page = staff.get("/manage/years")
    assert page.status_code == 200
    text = visible_text(page.get_data(as_text=True))
    assert "Open 2027-28" in text
    assert "starts from this year's plan" in text
    assert "Rosa Delgado" in text  # the member whose term ends, flagged
    html = page.get_data(as_text=True)
    # Monday 2026-08-17 moves to Monday 2027-08-16; the Thursday due date to a Thursday.
    assert 'value="2027-08-16"' in html and 'value="2027-10-14"' in html
    with ctx() as session:
        assert session.scalar(select(func.count(SchoolYear.id))) == 1


def test_opening_the_next_year_carries_everything_and_leaves_the_past_unchanged(
    login_as, one_year, ctx
):
    before = _snapshot(ctx, one_year["year"])
    with ctx() as session:
        adopted = session.scalars(
            select(AllocationScenario).where(AllocationScenario.status == "adopted")
        ).one()
        result, _pool = run_scenario(adopted)
        expected_priors = sorted((s.school_id, s.total_cents) for s in result.schools)
    staff = login_as(Role.DISTRICT)
    response = _open(staff, decide_ends="2028-06-23")  # one date changed in review
    assert response.status_code == 303, visible_text(response.get_data(as_text=True))
    with ctx() as session:
        old = session.get(SchoolYear, one_year["year"])
        new = session.scalars(select(SchoolYear).where(SchoolYear.label == "2027-28")).one()
        assert new.is_current and not old.is_current
        assert (new.starts_on, new.ends_on) == (date(2027, 7, 1), date(2028, 6, 30))
        # The calendar template, moved on the same weekdays (and the date changed in review).
        windows = {
            w.phase: (w.starts_on, w.ends_on)
            for w in session.scalars(
                select(PhaseWindow).where(PhaseWindow.school_year_id == new.id)
            )
        }
        assert windows["engage"] == (date(2027, 8, 16), date(2027, 11, 19))
        assert windows["decide"][1] == date(2028, 6, 23)
        for phase, (starts, _ends) in PHASES.items():
            assert windows[phase][0].weekday() == starts.weekday()
        requirement = session.scalars(
            select(EventRequirement).where(EventRequirement.school_year_id == new.id)
        ).one()
        assert (requirement.kind, requirement.min_count) == ("site_council", 2)
        assert requirement.due_on == date(2027, 10, 14)
        # This year's adopted allocation is next year's "last year".
        priors = sorted(
            (p.school_id, p.cents)
            for p in session.scalars(
                select(PriorAllocation).where(PriorAllocation.school_year_id == new.id)
            )
        )
        assert priors == expected_priors
        # Streams, enrollment and the weights (a draft) to start from; nothing published.
        streams = session.scalars(
            select(FundingStream).where(FundingStream.school_year_id == new.id)
        ).all()
        assert len(streams) == 4
        assert session.scalar(
            select(func.count()).where(Enrollment.school_year_id == new.id)
        ) == session.scalar(select(func.count()).where(Enrollment.school_year_id == old.id))
        copies = session.scalars(
            select(AllocationScenario).where(AllocationScenario.school_year_id == new.id)
        ).all()
        assert [(c.name, c.status) for c in copies] == [(adopted.name, "draft")]
        assert session.scalar(select(func.count()).where(DistrictGoal.school_year_id == new.id))
        # Maple starts from last year's plan; the goal keeps its lineage (one history).
        old_plan = session.scalars(
            select(SchoolPlan).where(SchoolPlan.school_year_id == old.id)
        ).one()
        new_plan = session.scalars(
            select(SchoolPlan).where(SchoolPlan.school_year_id == new.id)
        ).one()
        assert new_plan.status == "draft" and new_plan.copied_from_id == old_plan.id
        assert [g.lineage for g in new_plan.goals] == [g.lineage for g in old_plan.goals]
        assert session.scalar(select(func.count(Goal.id))) == 2
        # Committees keep their rosters.
        council = factories_council(session)
        assert len(council.members) == 9
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "school_year.opened")
        ).one()
        assert entry.detail["plans_started"] == 1 and entry.detail["ended_terms"] == 1
    after = _snapshot(ctx, one_year["year"])
    assert after == before


def factories_council(session):
    from portal.models import Committee

    return session.scalars(select(Committee)).one()


def test_a_second_rollover_is_refused(login_as, one_year, ctx):
    staff = login_as(Role.DISTRICT)
    assert _open(staff).status_code == 303
    # 2027-28 is now current; its next year would be 2028-29, so reopen the old year to ask
    # for 2027-28 again: refused, since it exists.
    with ctx() as session:
        for y in session.scalars(select(SchoolYear)):
            y.is_current = y.label == "2026-27"
        session.commit()
    page = staff.get("/manage/years")
    assert "already open" in visible_text(page.get_data(as_text=True))
    again = staff.post("/manage/years/next", data={})
    assert again.status_code == 409
    assert "already open" in visible_text(again.get_data(as_text=True))
    with ctx() as session:
        assert session.scalar(select(func.count(SchoolYear.id))) == 2


def test_a_missing_date_is_refused_beside_its_field_and_nothing_is_saved(login_as, one_year, ctx):
    staff = login_as(Role.DISTRICT)
    response = _open(staff, decide_starts="", **{"due_1": ""})
    assert response.status_code == 422
    text = visible_text(response.get_data(as_text=True))
    assert "Deciding" in text or "decide" in text.lower()
    assert "Enter the date this is due next year." in text
    with ctx() as session:
        assert session.scalar(select(func.count(SchoolYear.id))) == 1
        assert session.get(SchoolYear, one_year["year"]).is_current


def test_the_past_year_stays_public_and_read_only(login_as, one_year, ctx, client):
    staff = login_as(Role.DISTRICT)
    assert _open(staff).status_code == 303
    with ctx() as session:
        old = session.get(SchoolYear, one_year["year"])
        scenario = session.scalars(
            select(AllocationScenario).where(
                AllocationScenario.school_year_id == old.id,
                AllocationScenario.status == "adopted",
            )
        ).one()
        stream = session.scalars(
            select(FundingStream).where(FundingStream.school_year_id == old.id)
        ).first()
        requirement = session.scalars(
            select(EventRequirement).where(EventRequirement.school_year_id == old.id)
        ).one()
        ids = scenario.id, stream.id, requirement.id
    before = _snapshot(ctx, one_year["year"])
    refused = staff.post(f"/manage/allocation/scenarios/{ids[0]}/status", data={"status": "draft"})
    assert refused.status_code == 409
    assert "past school year" in visible_text(refused.get_data(as_text=True))
    assert staff.post(f"/manage/allocation/streams/{ids[1]}/delete").status_code == 409
    assert staff.post(f"/manage/allocation/scenarios/{ids[0]}", data={}).status_code == 409
    assert staff.get(f"/manage/allocation/scenarios/{ids[0]}").status_code == 200  # readable
    assert _snapshot(ctx, one_year["year"]) == before
    with ctx() as session:
        assert session.get(EventRequirement, ids[2]) is not None
    # The public reads last year's plan under its year; this year's page has none yet.
    past = client.get("/schools/maple-elementary/plan?year=2026-27")
    assert past.status_code == 200 and "Read at grade level" in past.get_data(as_text=True)


def test_the_next_survey_can_take_this_years_as_its_baseline(login_as, one_year, clean_app):
    from portal.models import Survey
    from portal.services.survey_results import earlier_surveys, pick_baseline

    staff = login_as(Role.DISTRICT)
    assert _open(staff).status_code == 303
    with clean_app.app_context():
        district = db.session.get(District, one_year["district"])
        later = factories.survey(district, slug="ssfr-2027", opens_in_days=300, closes_in_days=330)
        old = db.session.get(Survey, one_year["survey"])
        assert old in earlier_surveys(later)
        assert pick_baseline(later, str(old.id)) == old
        later.baseline = old
        assert pick_baseline(later, "") == old
        db.session.rollback()


def test_only_district_staff_open_a_year(login_as, one_year):
    principal = login_as(Role.PRINCIPAL)
    assert principal.get("/manage/years").status_code == 403
    assert principal.post("/manage/years/next", data={}).status_code == 403


def test_the_weekday_move(app):
    from portal.services.year_rollover import moved, next_label

    assert next_label("2026-27") == "2027-28" and next_label("2099-00") == "2100-01"
    assert next_label("2026-2027") == "2027-2028" and next_label("Year one") is None
    for day in (date(2026, 7, 1), date(2027, 2, 28), date(2028, 2, 29)):
        later = moved(day)
        assert later.weekday() == day.weekday()
        assert abs((later - day).days - 365) <= 4
    # Wednesday 2026-07-01 -> Wednesday 2027-06-30 falls before the new year: the next one.
    assert moved(date(2026, 7, 1), date(2027, 7, 1), date(2028, 6, 30)) == date(2027, 7, 7)
    assert utcnow() - timedelta(days=1) < utcnow()


def test_the_principal_sees_the_ended_terms_and_the_public_this_years_calendar(
    login_as, one_year, ctx, client
):
    from portal.models import Committee

    staff = login_as(Role.DISTRICT)
    assert _open(staff).status_code == 303
    with ctx() as session:
        council_id = session.scalars(select(Committee.id)).one()
    principal = login_as(Role.PRINCIPAL, schools=["maple-elementary"])
    page = visible_text(principal.get(f"/manage/committees/{council_id}").get_data(as_text=True))
    assert "Terms that have ended" in page
    ended = page[page.index("Terms that have ended") :]
    assert "Rosa Delgado" in ended and "Ana Lima" not in ended
    calendar = client.get("/schools/maple-elementary/calendar").get_data(as_text=True)
    assert "2027-28" in calendar
    assert "Aug 16, 2027" in visible_text(calendar) or "2027-08-16" in calendar


def test_the_demo_district_rolls_over(clean_app, ctx):
    """The demo's two years (a past one with plans, the current one) roll into a third."""
    from portal.models import User
    from portal.services import year_rollover as rollover

    result = clean_app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with clean_app.test_request_context():
        district = District.current()
        actor = db.session.scalars(select(User).where(User.email == "district@demo.test")).one()
        plan = rollover.preview(district)
        phases = dict(plan.phases)
        due = {r.id: d for r, d in plan.requirements}
        new = rollover.open_next_year(district, actor, phases, due)
        db.session.commit()
        assert new.is_current and new.starts_on > plan.year.starts_on
        started = db.session.scalar(
            select(func.count(SchoolPlan.id)).where(SchoolPlan.school_year_id == new.id)
        )
        assert started == len(plan.plans) > 0
        assert db.session.scalar(
            select(func.count()).where(PriorAllocation.school_year_id == new.id)
        ) == len(plan.priors)
        db.session.remove()


def test_two_requests_opening_the_same_year_at_once_open_it_once(one_year, clean_app, monkeypatch):
    """The second of two simultaneous requests passed its check before the first saved: the
    database's unique label refuses it, as a message, not an error page."""
    from portal.models import User
    from portal.services import year_rollover as rollover
    from portal.services.errors import Rejected

    with clean_app.test_request_context():
        district = db.session.get(District, one_year["district"])
        stale = rollover.preview(district)
        db.session.add(
            SchoolYear(
                district_id=district.id,
                label="2027-28",
                starts_on=date(2027, 7, 1),
                ends_on=date(2028, 6, 30),
            )
        )
        db.session.flush()
        monkeypatch.setattr(rollover, "preview", lambda _district: stale)
        actor = db.session.scalars(select(User)).first()
        with pytest.raises(Rejected, match="already open"):
            due = {r.id: d for r, d in stale.requirements}
            rollover.open_next_year(district, actor, dict(stale.phases), due)
        db.session.rollback()
        db.session.remove()


def test_a_second_click_does_not_open_the_year_after(login_as, one_year, ctx):
    """The form names the year it offered: sent again after that year opened, it is refused,
    rather than opening the year after that."""
    staff = login_as(Role.DISTRICT)
    page = staff.get("/manage/years").get_data(as_text=True)
    assert 'name="opening" type="hidden" value="2027-28"' in page or 'value="2027-28"' in page
    assert _open(staff).status_code == 303
    again = staff.post(
        "/manage/years/next",
        data={"opening": "2027-28", **{f"{p}_starts": "2028-08-14" for p in PHASES}},
    )
    assert again.status_code == 409
    assert "2027-28 is already open" in visible_text(again.get_data(as_text=True))
    with ctx() as session:
        assert session.scalar(select(func.count(SchoolYear.id))) == 2
