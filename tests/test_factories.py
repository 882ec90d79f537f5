"""Tests build their data with tests/factories.py instead of loading the demo: its pieces fit
together the way the screens' own records do."""

from datetime import date

from portal.models import Role, Survey
from portal.services import school_calendar
from tests import factories
from tests.conftest import sign_in, visible_text


def test_factories_build_a_school_year_whose_pages_agree(clean_app, ctx):
    with ctx() as session:
        d = factories.district()
        maple = factories.school(d, "maple-elementary", "Maple Elementary", enrollment=412)
        year = factories.school_year(d)
        money = factories.funding(d, year, grant_schools=[maple])
        reading = factories.goal_spec("Read more", [("Tutors", 9_000, 1, {"title-i": 9_000})])
        plan = factories.plan(maple, year, [reading], money=money)
        council = factories.committee(maple)
        meeting = factories.meeting(council, d, date(2026, 10, 8), agenda=["Welcome"])
        survey = factories.survey(d)
        principal = factories.user(Role.PRINCIPAL, schools=[maple])
        session.commit()
        ids = plan.status, meeting.id, survey.slug, principal.email, council.id
        entries = school_calendar.school_events(year.id, maple.id)
        assert [e.meeting.id for e in entries if e.is_meeting] == [meeting.id]
        assert session.query(Survey).one().phase() == "open"
    status, meeting_id, slug, email, council_id = ids
    assert status == "shared"
    client = clean_app.test_client()
    budget = visible_text(client.get("/schools/maple-elementary/budget").get_data(as_text=True))
    assert "412 students × $3,741.00 = $1,541,292.00" in budget
    assert "Read more" in client.get("/schools/maple-elementary/plan").get_data(as_text=True)
    assert f'id="event-meeting-{meeting_id}"' in client.get(
        "/schools/maple-elementary/calendar"
    ).get_data(as_text=True)
    assert client.get(f"/committees/{council_id}").status_code == 200
    assert client.get(f"/surveys/{slug}").status_code == 200
    assert sign_in(client, email).status_code == 303
