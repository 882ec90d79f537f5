"""Feedback: leaving a comment on what the public can see (and nothing else), moderation by the
school's editors (publish, hide with a reason, answer), reporting, and the registry of what can
receive feedback."""

from datetime import UTC, datetime

import pytest

from portal.extensions import db
from portal.models import AgendaItem, Feedback, Goal, Investment, Meeting, Role, SchoolPlan
from portal.models.feedback import TARGET_TYPES
from portal.services import feedback
from portal.services.errors import Rejected
from tests.committee_helpers import saving
from tests.conftest import visible_text
from tests.test_committees import XSS

MODERATE = "/manage/schools/maple-elementary/feedback"


def _goal_id(ctx):
    from portal.models import Goal

    with saving(ctx) as session:
        plan = session.query(SchoolPlan).one()
        goal = Goal(statement={"en": "Read more"}, indicator={"en": "Share reading"})
        plan.goals.append(goal)
        session.flush()
        return goal.id


def test_feedback_waits_for_review_then_is_answered_and_stays_inert(council, login_as, ctx, client):
    from portal.models import Feedback
    from tests.test_bulletins import live_markup

    goal_id = _goal_id(ctx)
    payload = " ".join(XSS)
    bad = client.post("/feedback", data={"target_type": "goal", "target_id": "999999", "body": "x"})
    assert bad.status_code == 404
    client.post(
        "/feedback",
        data={"target_type": "goal", "target_id": goal_id, "body": "bot", "website": "x"},
    )
    response = client.post(
        "/feedback",
        data={"target_type": "goal", "target_id": goal_id, "body": payload, "name": payload},
    )
    assert response.status_code == 303
    client.post(
        "/feedback",
        data={
            "target_type": "goal",
            "target_id": goal_id,
            "body": "Más clases de lectura, por favor.",
            "name": "Ana",
        },
    )
    with ctx() as session:
        rows = session.query(Feedback).order_by(Feedback.id).all()
        assert len(rows) == 2 and all(
            r.visibility == "pending" for r in rows
        )  # honeypot stored nothing
        ids = [r.id for r in rows]
    page = client.get("/schools/maple-elementary/plan").get_data(as_text=True)
    assert "Más clases de lectura" not in page  # not yet reviewed
    principal = login_as(Role.PRINCIPAL)
    queue = principal.get("/schools/maple-elementary/plan")
    queue = principal.get("/manage/schools/maple-elementary/feedback").get_data(as_text=True)
    assert live_markup(queue[queue.find("<main") :]) == []
    assert (
        principal.post(
            f"/manage/schools/maple-elementary/feedback/{ids[0]}", data={"action": "hide"}
        ).status_code
        == 422  # no reason: refused, with the message beside the field
    )
    principal.post(
        f"/manage/schools/maple-elementary/feedback/{ids[0]}",
        data={"action": "hide", "reason": "Spam"},
    )
    principal.post(
        f"/manage/schools/maple-elementary/feedback/{ids[1]}", data={"action": "approve"}
    )
    principal.post(
        f"/manage/schools/maple-elementary/feedback/{ids[1]}",
        data={
            "action": "answer",
            "status": "acted_on",
            "answer": "We added a reading group.",
            "what_changed": "Plan: a second reading group",
        },
    )
    page = client.get("/schools/maple-elementary/plan").get_data(as_text=True)
    main = page[page.find("<main") :]
    assert (
        "Más clases de lectura" in main
        and "We added a reading group." in main
        and "Acted on" in main
    )
    assert "alert(1)" not in main  # the hidden one is not shown
    assert live_markup(main) == []
    with ctx() as session:
        hidden = session.get(Feedback, ids[0])
        assert (
            hidden.visibility == "hidden"
            and hidden.hidden_reason == "Spam"
            and hidden.moderated_by_id
        )
    # Shown without review, the payload is still only text.
    with saving(ctx) as session:
        session.get(Feedback, ids[0]).visibility = "visible"
    main = client.get("/schools/maple-elementary/plan").get_data(as_text=True)
    main = main[main.find("<main") :]
    assert "&lt;script&gt;" in main and live_markup(main) == []
    school = visible_text(client.get("/schools/maple-elementary").get_data(as_text=True))
    assert "This year: 2 comments from families, 1 answered." in school


def test_every_kind_of_target_is_in_the_registry_and_the_table():
    """One registry entry per value the table's check constraint accepts."""
    assert set(feedback.TARGETS) == set(TARGET_TYPES)
    for kind, target in feedback.TARGETS.items():
        assert target.type == kind and str(target.label)


def _targets(ctx, plan_status="shared", agenda_posted=True):
    """A goal and an investment of Maple's plan, and an item of the council's meeting."""
    with saving(ctx) as session:
        plan = session.query(SchoolPlan).one()
        plan.status = plan_status
        goal = Goal(statement={"en": "Read more"}, indicator={"en": "Share reading"})
        plan.goals.append(goal)
        investment = Investment(goal=goal, description={"en": "Reading tutor"}, cost_cents=100_00)
        plan.investments.append(investment)
        meeting = session.query(Meeting).one()
        meeting.agenda_posted_at = datetime.now(UTC) if agenda_posted else None
        item = AgendaItem(title={"en": "The budget"})
        meeting.agenda.append(item)
        session.flush()
        return {"goal": goal.id, "investment": investment.id, "agenda_item": item.id}


def _comment(client, kind, target_id, body="A fair question, I think."):
    return client.post(
        "/feedback", data={"target_type": kind, "target_id": str(target_id), "body": body}
    )


def test_each_kind_of_target_takes_comments_and_sends_the_writer_back(council, ctx, client):
    ids = _targets(ctx)
    back = {
        "goal": f"/schools/maple-elementary/plan#goal-{ids['goal']}",
        "investment": "/schools/maple-elementary/budget#every-line",
        "agenda_item": f"/meetings/{council['meeting']}",
    }
    for kind, target_id in ids.items():
        response = _comment(client, kind, target_id)
        assert response.status_code == 303 and response.location.endswith(back[kind]), kind
    with ctx() as session:
        rows = session.query(Feedback).order_by(Feedback.id).all()
        assert [(r.target_type, r.target_id) for r in rows] == list(ids.items())
        assert {r.visibility for r in rows} == {"pending"}


def test_nothing_unseen_takes_comments(council, ctx, client):
    """A draft plan and an agenda not yet posted are not public, so not open to feedback; nor
    is an unknown kind or an id that is not a number."""
    ids = _targets(ctx, plan_status="draft", agenda_posted=False)
    for kind, target_id in ids.items():
        assert _comment(client, kind, target_id).status_code == 404, kind
    assert _comment(client, "school", 1).status_code == 404
    assert _comment(client, "goal", "x").status_code == 404
    with ctx() as session:
        assert session.query(Feedback).count() == 0


def test_a_short_comment_is_refused_with_its_reason(council, ctx, client):
    ids = _targets(ctx)
    response = _comment(client, "goal", ids["goal"], body=" ok ")
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "Write your comment before sending it." in page
    with ctx() as session:
        assert session.query(Feedback).count() == 0


def test_without_premoderation_a_comment_is_published_at_once(council, ctx, client):
    from portal.models import District

    ids = _targets(ctx)
    with saving(ctx) as session:
        session.query(District).one().feedback_premoderation = False
    response = _comment(client, "investment", ids["investment"], body="Tutors help, thank you.")
    page = client.get(response.location).get_data(as_text=True)
    assert "Your comment is published." in page and "Tutors help, thank you." in page


def _published(ctx, kind_id, visibility="visible"):
    with saving(ctx) as session:
        row = Feedback(
            school_id=session.query(SchoolPlan).one().school_id,
            target_type="goal",
            target_id=kind_id,
            body="Please add a reading club.",
            visibility=visibility,
        )
        session.add(row)
        session.flush()
        return row.id


def test_anyone_reports_a_published_comment_and_it_comes_first(council, login_as, ctx, client):
    ids = _targets(ctx)
    first = _published(ctx, ids["goal"])
    reported = _published(ctx, ids["goal"])
    response = client.post(f"/feedback/{first}/flag")
    assert response.status_code == 303 and response.location.endswith(f"#goal-{ids['goal']}")
    assert client.post("/feedback/999999/flag").status_code == 404
    pending = _published(ctx, ids["goal"], visibility="pending")
    # Nobody can see it, so for the public it is not there (no way to tell a number is taken).
    assert client.post(f"/feedback/{pending}/flag").status_code == 404
    assert client.get(f"/feedback/{pending}/flag").status_code == 404
    with ctx() as session:
        assert session.get(Feedback, first).flags == 1
        assert session.get(Feedback, pending).flags == 0
    queue = login_as(Role.PRINCIPAL).get(MODERATE).get_data(as_text=True)
    order = [queue.index(f'id="feedback-{n}"') for n in (pending, first, reported)]
    assert order == sorted(order)  # waiting for review, then reported, then the rest
    assert "Reported 1 times" in queue and "Plan goal" in queue


def test_moderation_is_for_the_schools_editors(council, login_as, ctx, client):
    ids = _targets(ctx)
    row = _published(ctx, ids["goal"], visibility="pending")
    one = f"{MODERATE}/{row}"
    assert client.get(MODERATE).status_code == 302  # to sign in
    member = login_as(Role.COUNCIL)
    assert member.get(MODERATE).status_code == 403
    assert member.post(one, data={"action": "approve"}).status_code == 403
    other = login_as(Role.PRINCIPAL, schools=("cedar-middle",))
    assert other.get(MODERATE).status_code == 404  # another school's: as if it did not exist
    assert other.post(one, data={"action": "approve"}).status_code == 404
    principal = login_as(Role.PRINCIPAL)
    assert principal.get(MODERATE).status_code == 200
    assert principal.post(one, data={"action": "delete"}).status_code == 400
    assert principal.post(f"{MODERATE}/999999", data={"action": "approve"}).status_code == 404
    with ctx() as session:
        assert session.get(Feedback, row).visibility == "pending"


def test_moderation_moves_are_audited_and_illegal_ones_refused(council, login_as, ctx):
    from portal.models import AuditEntry

    ids = _targets(ctx)
    row = _published(ctx, ids["goal"], visibility="pending")
    one = f"{MODERATE}/{row}"
    principal = login_as(Role.PRINCIPAL)
    assert principal.post(one, data={"action": "approve"}).status_code == 303
    assert principal.post(one, data={"action": "approve"}).status_code == 409  # published
    assert principal.post(one, data={"action": "hide", "reason": "Spam"}).status_code == 303
    page = principal.get(MODERATE).get_data(as_text=True)
    assert f'id="reason-{row}"' not in page  # hidden: it can only be published again
    assert principal.post(one, data={"action": "hide", "reason": "Again"}).status_code == 409
    answer = {"action": "answer", "status": "nope", "answer": "", "what_changed": "x" * 301}
    html = principal.post(one, data=answer).get_data(as_text=True)
    assert f'href="#changed-{row}"' in html  # too long: refused by the form
    del answer["what_changed"]
    html = principal.post(one, data=answer).get_data(as_text=True)
    assert "Write the answer." in html and "Choose a status." in html
    with ctx() as session:
        # The plan and goal the fixture stored are on the record too (by the system).
        entries = session.query(AuditEntry).filter_by(object_type="feedback")
        actions = [e.action for e in entries.order_by(AuditEntry.id)]
        assert actions == ["feedback.approve", "feedback.hide"]
        hidden = session.get(Feedback, row)
        assert (hidden.visibility, hidden.hidden_reason, hidden.answer) == ("hidden", "Spam", "")


def test_the_queue_is_read_without_writing(council, login_as, ctx):
    ids = _targets(ctx)
    _published(ctx, ids["goal"], visibility="pending")
    principal = login_as(Role.PRINCIPAL)
    with ctx() as session:
        before = [(r.id, r.visibility, r.flags, r.updated_at) for r in session.query(Feedback)]
    assert principal.get(MODERATE).status_code == 200
    with ctx() as session:
        after = [(r.id, r.visibility, r.flags, r.updated_at) for r in session.query(Feedback)]
    assert before == after


def test_the_service_refuses_and_counts_without_a_request(council, ctx, app):
    from portal.models import District

    ids = _targets(ctx)
    # A request context only for Babel's choice of language: the service reads nothing of it.
    with app.test_request_context():
        district = db.session.query(District).one()
        with pytest.raises(Rejected) as refused:
            feedback.leave_feedback("goal", ids["goal"], "  ", "", "en", district)
        assert set(refused.value.fields) == {"body"}
        with pytest.raises(LookupError):
            feedback.leave_feedback("goal", 999_999, "A real comment", "", "es", district)
        row = feedback.leave_feedback("goal", ids["goal"], "Una pregunta", " Ana ", "es", district)
        db.session.flush()
        assert (row.author_name, row.locale, row.visibility) == ("Ana", "es", "pending")
        with pytest.raises(Rejected) as refused:
            feedback.answer(row, None, "nope", " ", "")
        assert set(refused.value.fields) == {"answer", "status"}
        with pytest.raises(Rejected):
            feedback.hide(row, None, " ")
        feedback.approve(row, None)
        feedback.answer(row, None, "considered", "We will look at it.", "")
        school_id = row.school_id
        since = datetime(2000, 1, 1, tzinfo=UTC)
        assert feedback.feedback_counts(school_id, since) == (1, 1)
        assert list(feedback.visible_feedback(school_id, "goal")) == [ids["goal"]]
        assert feedback.visible_feedback(school_id, "investment") == {}
        db.session.rollback()


def test_a_comment_belongs_to_its_district_and_a_district_agenda_to_no_school(council, ctx, app):
    """A school's comment carries its school's district; one on a district committee's posted
    agenda has no school, is in the district's queue (not the school's) and its page's."""
    from portal.models import Committee, District, School

    ids = _targets(ctx)
    with saving(ctx) as session:
        district = session.query(District).one()
        delac = Committee(district_id=district.id, kind="delac", name={"en": "DELAC"})
        session.add(delac)
        session.flush()
        meeting = Meeting(
            committee_id=delac.id, starts_at=datetime.now(UTC), agenda_posted_at=datetime.now(UTC)
        )
        session.add(meeting)
        meeting.agenda.append(AgendaItem(title={"en": "Reclassification"}))
        session.flush()
        district_item = meeting.agenda[0].id
    with app.test_request_context():
        district = db.session.query(District).one()
        maple = db.session.query(School).filter_by(slug="maple-elementary").one()
        found = feedback.find_target(district, "agenda_item", district_item)
        assert found.school is None and found.district_id == district.id
        ours = feedback.leave_feedback("agenda_item", district_item, "Why?", "", "en", district)
        school_one = feedback.leave_feedback("goal", ids["goal"], "And this?", "", "en", district)
        db.session.flush()
        assert (ours.school_id, ours.district_id) == (None, district.id)
        assert (school_one.school_id, school_one.district_id) == (maple.id, district.id)
        assert feedback.target_of(ours, district).row.id == district_item
        assert feedback.district_moderation_queue(district) == [ours]
        assert feedback.moderation_queue(maple) == [school_one]
        feedback.approve(ours, None)
        shown = feedback.visible_feedback(None, "agenda_item", district_id=district.id)
        assert list(shown) == [district_item]
        assert feedback.visible_feedback(maple.id, "agenda_item") == {}
        db.session.rollback()
