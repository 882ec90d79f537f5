"""announce(): who hears what (school, district, bulletin-only subscribers), never twice for the
same event, and the services that announce (meetings, agendas, surveys, the allocation,
bulletins), each through the real service and the real database."""

import pytest

from portal.extensions import db
from portal.models import OutboxMessage
from portal.models.notices import Notice, NoticeDelivery
from tests import notice_helpers as h


def _told(session) -> dict[str, set[str]]:
    """Notice key -> the addresses it went to."""
    rows = session.query(NoticeDelivery).all()
    told: dict[str, set[str]] = {}
    from portal.models import Subscriber

    for row in rows:
        email = session.get(Subscriber, row.subscriber_id).email
        told.setdefault(row.notice.kind, set()).add(email)
    return told


def test_who_hears_what(district, clean_app, ctx):
    with clean_app.test_request_context("/"):
        d = district["id"]
        h.follower(d, "maple@example.org", follows=[("maple-elementary", "now")])
        h.follower(d, "district@example.org", follows=[(None, "now")])
        h.follower(d, "bulletins@example.org")  # a bulletin subscription: no follow rows
        h.follower(d, "unconfirmed@example.org", follows=[(None, "now")], confirmed=False)
        h.meeting("cedar-middle", {"en": "Cedar night"})  # one school's event
        h.survey(d)  # every school: district-wide
        h.bulletin(d, schools=["cedar-middle"])  # a bulletin for Cedar
    with ctx() as session:
        told = _told(session)
    assert told["meeting_scheduled"] == {"district@example.org"}
    assert told["survey_opened"] == {"district@example.org", "maple@example.org"}
    # A bulletin subscriber with no school hears every bulletin, and only bulletins.
    assert told["bulletin_published"] == {"district@example.org", "bulletins@example.org"}


def test_announcing_the_same_event_twice_tells_no_one_twice(district, clean_app, ctx):
    from portal.services.notices import announce

    with clean_app.test_request_context("/"):
        h.follower(district["id"], "ana@example.org", "es", [("maple-elementary", "now")])
        meeting = h.meeting()
        assert announce("meeting_scheduled", meeting) is not None
        announce("meeting_scheduled", db.session.merge(meeting))
        db.session.commit()
    with ctx() as session:
        assert session.query(Notice).count() == 1
        assert session.query(NoticeDelivery).count() == 1
        [row] = session.query(OutboxMessage).all()
        assert row.to_address == "ana@example.org" and "Noche del presupuesto" in row.subject
        assert row.headers["List-Unsubscribe"].startswith("<http")
        assert row.headers["Content-Language"] == "es"
        if hasattr(row, "body_html"):  # the multipart outbox (issue 17) takes the HTML part
            assert row.body_html and "/follow/manage/" in row.body_html


def test_agenda_posted_and_allocation_published_are_announced(district, clean_app, ctx):
    from portal.models.allocation import ScenarioStatus
    from portal.services.allocation_setup import move_scenario
    from portal.services.meetings import post_agenda
    from tests import factories

    with clean_app.test_request_context("/"):
        d = district["id"]
        h.follower(d, "maple@example.org", follows=[("maple-elementary", "now")])
        meeting = h.meeting()
        assert post_agenda(meeting, None) is True
        assert post_agenda(meeting, None) is False  # posting again tells no one again
        from portal.models import District

        row = db.session.get(District, d)
        year = factories.school_year(row)
        scenario = factories.scenario(row, year, "Table 2.2", {})
        move_scenario(scenario, ScenarioStatus.ADOPTED, None)
        db.session.commit()
    with ctx() as session:
        kinds = [n.kind for n in session.query(Notice).order_by(Notice.id)]
        assert kinds == ["meeting_scheduled", "agenda_posted", "budget_published"]
        subjects = [m.subject for m in session.query(OutboxMessage).order_by(OutboxMessage.id)]
        assert subjects[1].startswith("Agenda posted: Budget night")
        assert subjects[2] == "The budget allocation is published: Table 2.2"


def test_a_draft_scenario_or_a_draft_survey_tells_no_one(district, clean_app, ctx):
    from portal.services.notices import announce
    from portal.services.surveys import create_from_template

    with clean_app.test_request_context("/"):
        from datetime import UTC, datetime, timedelta

        now = datetime.now(UTC)
        draft = create_from_template(district["id"], "draft-one", now, now + timedelta(days=9))
        db.session.flush()
        assert announce("survey_opened", draft) is None
        assert announce("survey_results", draft) is None
        db.session.commit()
    with ctx() as session:
        assert session.query(Notice).count() == 0


def test_an_unknown_kind_is_a_programming_error(district, clean_app):
    from portal.services.notices import announce

    with clean_app.test_request_context("/"), pytest.raises(ValueError):
        announce("comment_answered", object())
