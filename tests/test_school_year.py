"""The school year in public: calendar and feeds, the plan editor (with and without htmx), the
budget matrix, the public plan and budget, the PDF, the glossary and comparing schools."""

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import event

from portal.extensions import db
from portal.models import (
    CalendarEvent,
    EventRequirement,
    FundingStream,
    GlossaryTerm,
    Goal,
    GoalMeasurement,
    Investment,
    InvestmentCategory,
    PhaseWindow,
    Role,
    School,
    SchoolPlan,
    SchoolYear,
)
from portal.models.planning import PlanStatus
from tests.conftest import hx, pdf_text, visible_text
from tests.plan_helpers import approve_by_council

SLUG = "maple-elementary"


@contextmanager
def saving(ctx):
    """A session that commits what the block wrote."""
    with ctx() as session:
        yield session
        session.commit()


def _ids(ctx):
    with saving(ctx) as session:
        school = session.query(School).filter_by(slug=SLUG).one()
        year = session.query(SchoolYear).filter_by(is_current=True).one()
        return school.id, year.id, school.district_id


@pytest.fixture
def calendar_year(funded, ctx):
    """Phases around today, two of Maple's events ahead and one past, a district deadline."""
    school_id, year_id, district_id = _ids(ctx)
    today = datetime.now(UTC).date()
    now = datetime.now(UTC)
    with saving(ctx) as session:
        for phase, start, end in (
            ("engage", today - timedelta(days=90), today - timedelta(days=31)),
            ("reflect", today - timedelta(days=30), today + timedelta(days=30)),
            ("prioritize", today + timedelta(days=31), today + timedelta(days=90)),
            ("decide", today + timedelta(days=91), today + timedelta(days=180)),
        ):
            session.add(
                PhaseWindow(
                    district_id=district_id,
                    school_year_id=year_id,
                    phase=phase,
                    starts_on=start,
                    ends_on=end,
                )
            )
        rows = [
            (
                school_id,
                "reflect",
                "site_council",
                {"en": "Council: review data", "es": "Consejo: revisar datos"},
                now + timedelta(days=3),
            ),
            (
                school_id,
                "reflect",
                "survey_window",
                {"en": "Family survey opens", "es": "Se abre la encuesta"},
                now + timedelta(days=5),
            ),
            (
                school_id,
                "engage",
                "training",
                {"en": "Council training", "es": "Capacitación"},
                now - timedelta(days=40),
            ),
            (
                None,
                "prioritize",
                "deadline",
                {"en": "Allocations released", "es": "Se publican las asignaciones"},
                now + timedelta(days=40),
            ),
        ]
        for school, phase, kind, title, starts in rows:
            session.add(
                CalendarEvent(
                    district_id=district_id,
                    school_year_id=year_id,
                    school_id=school,
                    phase=phase,
                    kind=kind,
                    title=title,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=1),
                    place="Library",
                    interpretation=True,
                )
            )
        session.add(
            EventRequirement(
                district_id=district_id,
                school_year_id=year_id,
                phase="reflect",
                kind="site_council",
                min_count=2,
                # Two days back: in the evening in Los Angeles, "yesterday" in UTC is today.
                due_on=today - timedelta(days=2),
            )
        )
        session.add(
            EventRequirement(
                district_id=district_id,
                school_year_id=year_id,
                phase="reflect",
                kind="survey_window",
                min_count=1,
                due_on=today + timedelta(days=10),
            )
        )
    return funded


def test_calendar_page_says_where_we_are_and_what_comes_next(client, calendar_year):
    text = visible_text(client.get(f"/schools/{SLUG}/calendar").get_data(as_text=True))
    assert "Where we are now" in text and "Engage and reflect" in text
    assert "We look at last year's results with the site council" in text
    coming = text[text.index("Coming up") : text.index("The whole")]
    assert (
        coming.index("Council: review data")
        < coming.index("Family survey opens")
        < coming.index("Allocations released")
    )
    assert "Council training" not in coming  # already past
    assert "Interpretation offered" in coming
    assert "Add to my phone's calendar" in text


def test_ics_feed_parses_keeps_uids_and_speaks_the_language(client, calendar_year, login_as, ctx):
    first = client.get(f"/schools/{SLUG}/calendar.ics?lang=es")
    assert first.status_code == 200 and first.headers["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(first.data)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert len(events) == 4  # three of Maple's and the district deadline
    assert {str(e["summary"]) for e in events.values()} >= {
        "Consejo: revisar datos",
        "Se publican las asignaciones",
    }
    again = Calendar.from_ical(client.get(f"/schools/{SLUG}/calendar.ics?lang=es").data)
    assert {str(e["uid"]) for e in again.walk("VEVENT")} == set(events)
    # Editing an event keeps its UID and raises its SEQUENCE, so phones update it in place.
    with saving(ctx) as session:
        row = session.query(CalendarEvent).filter(CalendarEvent.kind == "site_council").one()
        event_id, uid = row.id, row.uid
    principal = login_as(Role.PRINCIPAL)
    local_day = (datetime.now(UTC) + timedelta(days=4)).date().isoformat()
    response = principal.post(
        f"/manage/calendar/events/{event_id}",
        data={
            "title_en": "Council: data review",
            "title_es": "Consejo: revisión de datos",
            "kind": "site_council",
            "phase": "reflect",
            "day": local_day,
            "starts": "18:30",
            "ends": "20:00",
        },
    )
    assert response.status_code == 303
    updated = Calendar.from_ical(client.get(f"/schools/{SLUG}/calendar.ics?lang=en").data)
    [entry] = [e for e in updated.walk("VEVENT") if str(e["uid"]).startswith(uid)]
    assert str(entry["summary"]) == "Council: data review" and int(entry["sequence"]) == 1
    district_feed = Calendar.from_ical(client.get("/calendar.ics").data)
    assert len(list(district_feed.walk("VEVENT"))) == 4


def test_a_bad_event_form_is_answered_beside_the_fields_and_saves_nothing(
    login_as, calendar_year, ctx
):
    principal = login_as(Role.PRINCIPAL)
    with saving(ctx) as session:
        before = session.query(CalendarEvent).count()
    response = principal.post(
        f"/manage/schools/{SLUG}/calendar/events",
        data={
            "title_en": "",
            "kind": "party",
            "phase": "reflect",
            "day": "2026-13-40",
            "starts": "25:00",
            "online_url": "javascript:alert(1)",
        },
    )
    assert response.status_code == 422
    text = visible_text(response.get_data(as_text=True))
    for message in (
        "Give the event a title",
        "Choose what kind of event",
        "Enter a date such as",
        "Enter a time such as 18:30",
        "starting with https://",
    ):
        assert message in text
    with saving(ctx) as session:
        assert session.query(CalendarEvent).count() == before
    good = principal.post(
        f"/manage/schools/{SLUG}/calendar/events",
        data={
            "title_en": "ELAC meeting",
            "kind": "committee",
            "phase": "reflect",
            "day": "2026-12-02",
            "starts": "18:00",
            "committee": "elac",
            "childcare": "1",
        },
    )
    assert good.status_code == 303
    with saving(ctx) as session:
        added = session.query(CalendarEvent).filter(CalendarEvent.committee == "elac").one()
        # 18:00 in Los Angeles is 02:00 UTC the next day.
        assert added.starts_at == datetime(2026, 12, 3, 2, 0, tzinfo=UTC) and added.childcare


def test_the_district_dashboard_shows_who_is_behind(login_as, calendar_year):
    staff = login_as(Role.DISTRICT)
    text = visible_text(staff.get("/manage/calendar").get_data(as_text=True))
    maple = text[text.index("Maple Elementary") :]
    assert "1 scheduled" in maple or "Late: missing" in maple
    assert "Behind schedule" in text  # Maple has one of two council meetings, and the date passed
    assert "Cedar Middle School" in text


def test_a_principal_edits_only_their_own_school(login_as, funded):
    other = login_as(Role.PRINCIPAL, schools=("cedar-middle",))
    # 404, not 403: another school's editors are not even confirmed to exist.
    for path in ("plan", "budget", "calendar", "committees", "feedback"):
        assert other.get(f"/manage/schools/{SLUG}/{path}").status_code == 404, path
    assert other.post(f"/manage/schools/{SLUG}/plan").status_code == 404
    assert other.get("/manage/schools/cedar-middle/plan").status_code == 200


def _goal_form(**extra):
    return {
        "statement": "Raise the share of third graders reading at grade level from 48% to 65%.",
        "indicator": "Share at grade level on the spring test",
        "baseline": "48",
        "target": "65",
        "target_date": "2027-06-15",
        **extra,
    }


def test_editing_a_plan_with_plain_forms(login_as, funded, ctx, client):
    principal = login_as(Role.PRINCIPAL)
    assert principal.post(f"/manage/schools/{SLUG}/plan", data={"from": "empty"}).status_code == 303
    assert (
        principal.post(f"/manage/schools/{SLUG}/plan/goal/add", data=_goal_form()).status_code
        == 303
    )
    bad = principal.post(
        f"/manage/schools/{SLUG}/plan/goal/add", data=_goal_form(statement="", baseline="lots")
    )
    assert bad.status_code == 422
    text = visible_text(bad.get_data(as_text=True))
    assert "Say what the goal is, in one sentence." in text and "Enter a number such as 60." in text
    with saving(ctx) as session:
        plan = session.query(SchoolPlan).one()
        [goal] = plan.goals
        goal_id = goal.id
        assert goal.statement["en"].startswith("Raise") and goal.baseline == 48
    assert (
        principal.post(
            f"/manage/schools/{SLUG}/plan/strategy/add",
            data={"parent_id": goal_id, "description": "Small reading groups"},
        ).status_code
        == 303
    )
    with saving(ctx) as session:
        strategy_id = session.query(Goal).one().strategies[0].id
    assert (
        principal.post(
            f"/manage/schools/{SLUG}/plan/action/add",
            data={
                "parent_id": strategy_id,
                "description": "Hire a reading teacher",
                "owner": "Principal",
                "due_on": "2027-01-15",
            },
        ).status_code
        == 303
    )
    for description, cost, priority in (
        ("Reading teacher", "98,000", "1"),
        ("Books", "12,000.50", "2"),
    ):
        response = principal.post(
            f"/manage/schools/{SLUG}/plan/investment/add",
            data={
                "description": description,
                "cost": cost,
                "priority": priority,
                "recurrence": "ongoing",
                "goal_id": goal_id,
            },
        )
        assert response.status_code == 303
    bad = principal.post(
        f"/manage/schools/{SLUG}/plan/investment/add",
        data={"description": "x", "cost": "-5", "priority": "0", "goal_id": "999999"},
    )
    assert bad.status_code == 422
    with saving(ctx) as session:
        assert session.query(Investment).count() == 2
        assert sorted(i.cost_cents for i in session.query(Investment)) == [1_200_050, 9_800_000]
    # A draft is not public; shared for feedback, it is.
    assert "not published yet" in visible_text(
        client.get(f"/schools/{SLUG}/plan").get_data(as_text=True)
    )
    assert (
        principal.post(
            f"/manage/schools/{SLUG}/plan/settings", data={"status": "approved"}
        ).status_code
        == 422
    )
    assert (
        principal.post(
            f"/manage/schools/{SLUG}/plan/settings", data={"status": "shared"}
        ).status_code
        == 303
    )
    page = visible_text(client.get(f"/schools/{SLUG}/plan").get_data(as_text=True))
    assert "Goal 1: Raise the share of third graders" in page
    assert "Small reading groups" in page and "Hire a reading teacher" in page
    assert "What it costs: $110,000.50" in page


def test_editing_with_htmx_returns_the_section_not_the_page(login_as, funded, ctx):
    principal = login_as(Role.PRINCIPAL)
    principal.post(f"/manage/schools/{SLUG}/plan", data={"from": "empty"})
    response = principal.post(
        f"/manage/schools/{SLUG}/plan/goal/add", data=_goal_form(), headers=hx("goals")
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<section id="goals"')
    assert "Raise the share of third graders" in html
    bad = principal.post(
        f"/manage/schools/{SLUG}/plan/goal/add", data=_goal_form(indicator=""), headers=hx("goals")
    )
    assert bad.status_code == 422 and "<html" not in bad.get_data(as_text=True)
    assert "Say how progress will be measured." in bad.get_data(as_text=True)
    # The "what if" selector swaps just the investments.
    what_if = principal.get(f"/manage/schools/{SLUG}/plan?change=-10", headers=hx("investments"))
    assert what_if.get_data(as_text=True).lstrip().startswith('<section id="investments"')


def _planned(ctx, investments=((1, 60_000_00), (2, 40_000_00), (3, 9_000_000_00))):
    school_id, year_id, _district_id = _ids(ctx)
    with saving(ctx) as session:
        plan = SchoolPlan(school_id=school_id, school_year_id=year_id, source_locale="en")
        plan.share()
        goal = Goal(
            statement={
                "en": "Every family gets Title I news.",
                "zh_Hans": "每个家庭都能收到第一款（Title I）的消息。",
            },
            indicator={"en": "Families reached"},
            lineage="maple-1",
        )
        plan.goals.append(goal)
        session.add(plan)
        session.flush()
        for priority, cents in investments:
            plan.investments.append(
                Investment(
                    goal_id=goal.id,
                    description={"en": f"Item {priority}"},
                    cost_cents=cents,
                    priority=priority,
                )
            )
        session.flush()
        return plan.id, goal.id


def test_budget_matrix_validates_saves_and_flags_in_plain_words(login_as, funded, ctx, client):
    _planned(ctx)
    principal = login_as(Role.PRINCIPAL)
    page = principal.get(f"/manage/schools/{SLUG}/budget")
    assert page.status_code == 200
    with saving(ctx) as session:
        streams = {s.name["en"]: s.id for s in session.query(FundingStream)}
        items = {i.description["en"]: i.id for i in session.query(Investment)}
    base = streams["Base grant (unrestricted)"]
    bad = principal.post(
        f"/manage/schools/{SLUG}/budget", data={f"cell-{items['Item 1']}-{base}": "lots"}
    )
    assert bad.status_code == 422 and "Enter dollars" in bad.get_data(as_text=True)
    good = principal.post(
        f"/manage/schools/{SLUG}/budget",
        data={
            f"cell-{items['Item 1']}-{base}": "60,000",
            f"cell-{items['Item 3']}-{base}": "9,000,000",
        },
    )
    assert good.status_code == 303
    text = visible_text(principal.get(f"/manage/schools/{SLUG}/budget").get_data(as_text=True))
    assert "Base grant (unrestricted) is over by" in text
    # The public budget: spending by goal, the cut line, every investment as a card.
    public = visible_text(client.get(f"/schools/{SLUG}/budget").get_data(as_text=True))
    assert "What it is spent on" in public and "What is still open for your input" in public
    assert "Below the line: funded only if more money comes." in public
    assert "$9,060,000" in public and "$9,060,000.00" not in public


def test_start_this_year_from_last_year_keeps_history(login_as, funded, ctx, client):
    school_id, year_id, district_id = _ids(ctx)
    with saving(ctx) as session:
        last = SchoolYear(
            district_id=district_id,
            label="2025-26",
            starts_on=date(2025, 7, 1),
            ends_on=date(2026, 6, 30),
        )
        session.add(last)
        session.flush()
        old = SchoolPlan(school_id=school_id, school_year_id=last.id)
        approve_by_council(old, date(2026, 5, 1))
        goal = Goal(
            statement={"en": "Read more"}, indicator={"en": "Share reading"}, lineage="lineage-read"
        )
        old.goals.append(goal)
        session.add(old)
        session.flush()
        old.investments.append(
            Investment(goal_id=goal.id, description={"en": "Books"}, cost_cents=500_00, priority=1)
        )
        session.add(GoalMeasurement(lineage="lineage-read", school_year_id=last.id, value=40))
        old_id = old.id
    principal = login_as(Role.PRINCIPAL)
    assert (
        principal.post(f"/manage/schools/{SLUG}/plan", data={"from": "previous"}).status_code == 303
    )
    with saving(ctx) as session:
        new = session.query(SchoolPlan).filter_by(school_year_id=year_id).one()
        assert new.copied_from_id == old_id and new.status == PlanStatus.DRAFT
        assert [g.lineage for g in new.goals] == ["lineage-read"]
        assert new.investments[0].description["en"] == "Books"
        assert session.get(SchoolPlan, old_id).status == PlanStatus.APPROVED
        goal_id = new.goals[0].id
        new.share()
    assert (
        principal.post(
            f"/manage/schools/{SLUG}/plan/goal/{goal_id}/progress", data={"value": "47.5"}
        ).status_code
        == 303
    )
    page = client.get(f"/schools/{SLUG}/plan").get_data(as_text=True)
    assert "Progress by school year" in page and "<polyline" in page
    assert "2025-26" in page and "47.5" in page


def test_public_plan_marks_glossary_terms_and_prints_in_chinese(client, funded, ctx, tmp_path):
    _planned(ctx)
    _school_id, _year_id, district_id = _ids(ctx)
    with saving(ctx) as session:
        session.add(
            GlossaryTerm(
                district_id=district_id,
                slug="title-i",
                term={"en": "Title I", "zh_Hans": "第一款（Title I）"},
                definition={"en": "Federal money.", "zh_Hans": "联邦资金。"},
            )
        )
    html = client.get(f"/schools/{SLUG}/plan").get_data(as_text=True)
    assert (
        '<a class="term" href="/glossary#title-i"><abbr title="Federal money.">Title I</abbr></a>'
        in html
    )
    glossary = client.get("/glossary?lang=zh-Hans").get_data(as_text=True)
    assert 'id="title-i"' in glossary and "联邦资金。" in glossary
    pdf = client.get(f"/schools/{SLUG}/plan.pdf?lang=zh-Hans")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.data, tmp_path)
    assert "Maple Elementary" in text
    assert "每个家庭都能收到第一款" in text
    assert "1 / " in text  # page numbers in the running footer


def test_compare_two_schools_side_by_side(client, funded, ctx):
    _planned(ctx)
    page = visible_text(
        client.get(f"/schools/compare?schools={SLUG},cedar-middle").get_data(as_text=True)
    )
    assert "Maple Elementary" in page and "Cedar Middle School" in page
    assert "Every family gets Title I news." in page
    assert "per student" in page
    only_one = visible_text(client.get(f"/schools/compare?schools={SLUG}").get_data(as_text=True))
    assert "Choose at least two schools." in only_one


def test_public_school_pages_do_not_query_per_goal_or_investment(client, funded, ctx, clean_app):
    """Query counts stay the same whether a plan has 2 investments or 80."""

    def count(path):
        statements = []

        def record(*_args):
            statements.append(1)

        with clean_app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return len(statements)

    plan_id, goal_id = _planned(ctx, investments=((1, 100), (2, 200)))
    small = {
        p: count(p)
        for p in (f"/schools/{SLUG}/plan", f"/schools/{SLUG}/budget", f"/schools/{SLUG}/calendar")
    }
    with saving(ctx) as session:
        plan = session.get(SchoolPlan, plan_id)
        for n in range(14):
            plan.goals.append(Goal(statement={"en": f"Goal {n}"}, indicator={"en": "x"}))
        session.flush()
        goals = [g.id for g in plan.goals]
        for n in range(78):
            plan.investments.append(
                Investment(
                    goal_id=goals[n % len(goals)],
                    description={"en": f"I{n}"},
                    cost_cents=n,
                    priority=n + 3,
                )
            )
    large = {p: count(p) for p in small}
    assert large == small


def test_district_lists_for_every_plan_validate_and_feed_the_streams(login_as, funded, ctx):
    staff = login_as(Role.DISTRICT)
    bad = staff.post("/manage/planning/category", data={"code": "no spaces!", "name_en": ""})
    assert bad.status_code == 422
    text = visible_text(bad.get_data(as_text=True))
    assert "Use a short code" in text and "Name the category" in text
    assert (
        staff.post(
            "/manage/planning/category", data={"code": "1000", "name_en": "Teachers"}
        ).status_code
        == 303
    )
    assert (
        staff.post(
            "/manage/planning/category", data={"code": "1000", "name_en": "Again"}
        ).status_code
        == 422
    )
    assert (
        staff.post("/manage/planning/goal", data={"title_en": "Every child reads."}).status_code
        == 303
    )
    assert (
        staff.post(
            "/manage/planning/term", data={"term_en": "ELAC", "definition_en": ""}
        ).status_code
        == 422
    )
    assert (
        staff.post(
            "/manage/planning/term",
            data={"term_en": "ELAC", "definition_en": "Parents who advise."},
        ).status_code
        == 303
    )
    with saving(ctx) as session:
        category_id = session.query(InvestmentCategory).one().id
        assert session.query(GlossaryTerm).one().slug == "elac"
    response = staff.post(
        "/manage/allocation/streams",
        data={
            "name_en": "Tutoring grant",
            "kind": "restricted",
            "restriction_en": "Staff only.",
            "revenue": "10,000",
            "distribution": "formula",
            "allowed_category": str(category_id),
        },
    )
    assert response.status_code == 303
    with saving(ctx) as session:
        stream = session.query(FundingStream).filter(FundingStream.revenue_cents == 1_000_000).one()
        assert [c.code for c in stream.allowed_categories] == ["1000"]


def test_a_school_sets_its_own_phase_dates_over_the_districts(login_as, calendar_year, ctx, client):
    principal = login_as(Role.PRINCIPAL)
    today = datetime.now(UTC).date()
    url = f"/manage/schools/{SLUG}/calendar/phases"
    assert (
        principal.post(
            url, data={"prioritize_starts": "2027-02-01", "prioritize_ends": "2027-01-01"}
        ).status_code
        == 422
    )
    # Maple moves Prioritize to include today: its page now says so; the district's stays.
    data = {
        "prioritize_starts": (today - timedelta(days=1)).isoformat(),
        "prioritize_ends": (today + timedelta(days=5)).isoformat(),
    }
    assert principal.post(url, data=data).status_code == 303
    text = visible_text(client.get(f"/schools/{SLUG}/calendar").get_data(as_text=True))
    now = text[text.index("Where we are now") : text.index("Coming up")]
    assert "We use what families told us" in now
    other = visible_text(client.get("/schools/cedar-middle/calendar").get_data(as_text=True))
    assert "We look at last year's results" in other
    # Emptied, the phase follows the district again.
    assert principal.post(url, data={}).status_code == 303
    text = visible_text(client.get(f"/schools/{SLUG}/calendar").get_data(as_text=True))
    assert "We look at last year's results" in text


def test_district_phase_dates_need_all_four_phases(login_as, calendar_year, ctx):
    staff = login_as(Role.DISTRICT)
    dates = {
        "engage": ("2026-07-01", "2026-08-31"),
        "reflect": ("2026-09-01", "2026-11-30"),
        "prioritize": ("2026-12-01", "2027-02-28"),
        "decide": ("2027-03-01", "2027-06-30"),
    }
    form = {
        f"{p}_{end}": v for p, (a, b) in dates.items() for end, v in (("starts", a), ("ends", b))
    }
    assert (
        staff.post("/manage/calendar/phases", data={**form, "decide_ends": ""}).status_code == 422
    )
    assert staff.post("/manage/calendar/phases", data=form).status_code == 303
    with ctx() as session:
        rows = {
            w.phase: (w.starts_on.isoformat(), w.ends_on.isoformat())
            for w in session.query(PhaseWindow).filter(PhaseWindow.school_id.is_(None))
        }
    assert rows == dates


def test_feeds_and_pages_link_to_the_site_address_never_the_request_host(
    clean_app, calendar_year, monkeypatch
):
    """The feed address on the calendar page and each event's link in the .ics are built from
    PUBLIC_BASE_URL, so a Host header (here the test client's "localhost") never reaches a page
    or a feed."""
    monkeypatch.setitem(clean_app.config, "PUBLIC_BASE_URL", "https://portal.example")
    client = clean_app.test_client()
    page = client.get(f"/schools/{SLUG}/calendar").get_data(as_text=True)
    assert f"https://portal.example/schools/{SLUG}/calendar.ics" in page
    feed = client.get(f"/schools/{SLUG}/calendar.ics").get_data(as_text=True)
    assert f"https://portal.example/schools/{SLUG}/calendar" in feed.replace("\r\n ", "")
    for body in (page, feed):
        assert "//localhost" not in body
