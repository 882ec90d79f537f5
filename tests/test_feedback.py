"""Feedback: leaving a comment on what the public can see (and nothing else), moderation by the
school's editors (publish, hide with a reason, answer), reporting, and the registry of what can
receive feedback."""

from datetime import UTC, datetime

import pytest

from portal.extensions import db
from portal.models import AgendaItem, Feedback, Goal, Investment, Meeting, Role, SchoolPlan
from portal.models.feedback import TARGET_TYPES, FeedbackVisibility
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


