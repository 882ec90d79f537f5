""" "Tell me when it's answered", end to end through a real SMTP server on 127.0.0.1: the
optional address on the comment form, kept apart from the comment (never on the comment, its
page, the moderation queue or the audit log), one message in the writer's language once the
answer is public, the address deleted with it; a bad address comes back beside the field with
the comment kept; an unused address goes after its retention."""

import json
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEntry, Feedback, OutboxMessage, Role
from portal.models.notices import AnswerWatch
from portal.services import retention
from tests import test_bulletins
from tests.committee_helpers import saving
from tests.test_bulletins import _send
from tests.test_feedback import _targets

smtp_sink = test_bulletins.smtp_sink  # the real SMTP server on 127.0.0.1 (a fixture)

ADDRESS = "ana.lopez@example.org"
MODERATE = "/manage/schools/maple-elementary/feedback"


def _comment(client, goal_id, email=ADDRESS, body="Más clases de lectura, por favor.", lang="es"):
    data = {"target_type": "goal", "target_id": str(goal_id), "body": body, "name": "Ana"}
    return client.post(f"/feedback?lang={lang}", data={**data, "email": email})


def _moderate(principal, feedback_id, **data):
    return principal.post(f"{MODERATE}/{feedback_id}", data=data)


def _answer(principal, feedback_id, text="Añadimos un grupo de lectura."):
    return _moderate(
        principal,
        feedback_id,
        action="answer",
        status="acted_on",
        answer=text,
        what_changed="Plan: a second reading group",
    )


def test_the_answer_reaches_the_writer_once_in_their_language_and_the_address_goes(
    council, login_as, ctx, client, clean_app, smtp_sink
):
    ids = _targets(ctx)
    response = _comment(client, ids["goal"], email="  Ana.Lopez@Example.org ")
    assert response.status_code == 303
    with ctx() as session:
        comment = session.scalars(select(Feedback)).one()
        watch = session.scalars(select(AnswerWatch)).one()
        assert (watch.feedback_id, watch.email, watch.locale) == (comment.id, ADDRESS, "es")
        # Nothing of the address on the comment itself.
        columns = {c.name: getattr(comment, c.key) for c in Feedback.__mapper__.columns}
        assert ADDRESS not in json.dumps(columns, default=str).lower()
        feedback_id = comment.id
    principal = login_as(Role.PRINCIPAL)
    assert ADDRESS not in principal.get(MODERATE).get_data(as_text=True)
    assert _moderate(principal, feedback_id, action="approve").status_code == 303
    with ctx() as session:
        assert session.scalars(select(OutboxMessage)).all() == []  # published, not answered yet
    page = client.get("/schools/maple-elementary/plan").get_data(as_text=True)
    assert "Más clases de lectura" in page and ADDRESS not in page
    assert f'id="comment-{feedback_id}"' in page

    assert _answer(principal, feedback_id).status_code == 303
    with ctx() as session:
        assert session.scalars(select(AnswerWatch)).all() == []  # deleted with the answer
        entries = session.scalars(select(AuditEntry)).all()
        assert entries and all(
            ADDRESS not in json.dumps(e.detail, default=str).lower() for e in entries
        )
    with ctx() as session:
        (row,) = session.scalars(select(OutboxMessage)).all()
        assert row.headers == {"Content-Language": "es"}
    assert _send(clean_app, smtp_sink.port) == (1, 0)
    message = smtp_sink.messages[-1]
    assert message["To"] == ADDRESS
    assert message["List-Unsubscribe"] is None  # a one-off reply, not a list
    assert "Maple Elementary" in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Nuestra respuesta:" in text and "Añadimos un grupo de lectura." in text
    assert "Se actuó" in text and "Plan: a second reading group" in text
    link = re.search(r"https?://\S+/schools/maple-elementary/plan\S*", text).group(0)
    assert link.endswith(f"?lang=es#comment-{feedback_id}")
    assert link in html and 'lang="es"' in html
    assert "Añadimos un grupo de lectura." in client.get(link).get_data(as_text=True)

    # Changing the answer later sends nothing more: the address is gone.
    _answer(principal, feedback_id, text="Dos grupos de lectura.")
    assert _send(clean_app, smtp_sink.port) == (0, 0)
    assert len(smtp_sink.messages) == 1


def test_an_answer_written_before_publishing_goes_when_the_comment_is_published(
    council, login_as, ctx, client
):
    ids = _targets(ctx)
    _comment(client, ids["goal"])
    principal = login_as(Role.PRINCIPAL)
    with ctx() as session:
        feedback_id = session.scalars(select(Feedback.id)).one()
    _answer(principal, feedback_id)  # still waiting for review: the answer is not public
    with ctx() as session:
        assert session.scalars(select(OutboxMessage)).all() == []
        assert session.scalars(select(AnswerWatch)).one()
    _moderate(principal, feedback_id, action="approve")
    with ctx() as session:
        (row,) = session.scalars(select(OutboxMessage)).all()
        assert row.to_address == ADDRESS and row.dedupe_key == f"answer:{feedback_id}"
        assert session.scalars(select(AnswerWatch)).all() == []


def test_a_hidden_comment_tells_no_one(council, login_as, ctx, client):
    ids = _targets(ctx)
    _comment(client, ids["goal"])
    principal = login_as(Role.PRINCIPAL)
    with ctx() as session:
        feedback_id = session.scalars(select(Feedback.id)).one()
    _moderate(principal, feedback_id, action="hide", reason="Off topic")
    _answer(principal, feedback_id)
    with ctx() as session:
        assert session.scalars(select(OutboxMessage)).all() == []
        assert session.scalars(select(AnswerWatch)).one()  # until its retention ends


def test_a_bad_address_comes_back_beside_the_field_with_the_comment_kept(council, ctx, client):
    ids = _targets(ctx)
    response = _comment(client, ids["goal"], email="ana@example", lang="en")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    field = f"fbe-goal-{ids['goal']}"
    assert re.search(
        rf'<input[^>]*aria-invalid="true"[^>]*id="{field}"[^>]*value="ana@example"', page
    ), page
    assert f'<p class="error" id="{field}-error">Enter a valid e-mail address' in page
    assert f'href="#{field}"' in page  # the summary links to the field
    assert "Más clases de lectura, por favor.</textarea>" in page  # the comment is kept
    assert 'value="Ana"' in page
    assert "no-store" in response.headers["Cache-Control"]
    # Both messages at once when the comment is missing too.
    both = _comment(client, ids["goal"], email="nope", body="", lang="en").get_data(as_text=True)
    assert "Write your comment before sending it." in both and "Enter a valid e-mail" in both
    with ctx() as session:
        assert session.scalars(select(Feedback)).all() == []
        assert session.scalars(select(AnswerWatch)).all() == []
    # Empty is fine: the comment, and no address.
    assert _comment(client, ids["goal"], email="  ").status_code == 303
    with ctx() as session:
        assert len(session.scalars(select(Feedback)).all()) == 1
        assert session.scalars(select(AnswerWatch)).all() == []


def test_the_form_offers_the_address_with_its_reason_and_the_privacy_page(council, ctx, client):
    ids = _targets(ctx)
    response = client.get("/schools/maple-elementary/plan")
    form_url = f"/feedback/goal/{ids['goal']}/new"
    # The page links to the form: it carries no visitor's token and stays publicly cacheable.
    assert f'href="{form_url}"' in response.get_data(as_text=True)
    assert response.headers["Cache-Control"].startswith("public")
    assert "Set-Cookie" not in response.headers
    response = client.get(form_url)
    page = response.get_data(as_text=True)
    field = f"fbe-goal-{ids['goal']}"
    assert f'<label for="{field}">Your e-mail, to hear the answer (optional)</label>' in page
    assert re.search(rf'<input[^>]*aria-describedby="{field}-hint"[^>]*type="email"', page)
    assert "Used once, to send you the answer, then deleted" in page
    assert 'href="/privacy"' in page
    assert response.headers["Cache-Control"] == "private, no-store"


NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_an_unused_address_is_deleted_after_its_retention(council, ctx):
    ids = _targets(ctx)
    with saving(ctx) as session:
        days = next(k for k in retention.KINDS if k.key == "answer_addresses").days()
        for n, age in enumerate((days * 86400 - 60, days * 86400 + 60)):
            row = Feedback(
                school_id=1, target_type="goal", target_id=ids["goal"], body="Hello there"
            )
            session.add(row)
            session.flush()
            at = NOW - timedelta(seconds=age)
            session.add(AnswerWatch(feedback_id=row.id, email=f"{n}@example.org", created_at=at))
    with ctx() as session:
        assert dict(retention.purge(now=NOW))["answer addresses"] == 1
        assert [w.email for w in session.scalars(select(AnswerWatch))] == ["0@example.org"]
        db.session.commit()


def test_the_moderators_hear_of_a_comment_waiting_and_of_one_reported_once(
    council, make_user, ctx, client
):
    """The hooks for staff notices (the kinds are staff_notices'): a comment that needs review,
    and a reader's report, each told once to the school's principal."""
    ids = _targets(ctx)
    principal = make_user(Role.PRINCIPAL, schools=["maple-elementary"])
    _comment(client, ids["goal"], email="")
    with ctx() as session:
        (row,) = session.scalars(select(OutboxMessage)).all()
        assert row.to_address == principal
        assert row.subject == "A comment is waiting for your review: Maple Elementary"
        feedback_id = session.scalars(select(Feedback.id)).one()
    with saving(ctx) as session:
        session.get(Feedback, feedback_id).visibility = "visible"
    for _ in range(2):
        assert client.post(f"/feedback/{feedback_id}/flag").status_code == 303
    with ctx() as session:
        reported = [
            r.to_address
            for r in session.scalars(select(OutboxMessage))
            if r.subject == "A reader reported a comment: Maple Elementary"
        ]
        assert reported == [principal]
        assert session.get(Feedback, feedback_id).flags == 2


def test_without_premoderation_no_one_is_told_a_comment_waits(council, make_user, ctx, client):
    from portal.models import District

    ids = _targets(ctx)
    make_user(Role.PRINCIPAL, schools=["maple-elementary"])
    with saving(ctx) as session:
        session.scalars(select(District)).one().feedback_premoderation = False
    _comment(client, ids["goal"], email="")
    with ctx() as session:
        assert session.scalars(select(OutboxMessage)).all() == []
