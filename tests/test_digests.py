"""The weekly digest: three events become one message, in the order they happened, sent over a
real SMTP server; running the command again that week sends nothing more; what happens after
waits for next week's digest; as-it-happens wins when two follows cover the same event."""

from datetime import UTC, datetime, timedelta

from portal.extensions import db
from portal.models import OutboxMessage
from portal.models.notices import NoticeDelivery
from tests import notice_helpers as h
from tests import test_bulletins
from tests.test_bulletins import _send

smtp_sink = test_bulletins.smtp_sink  # the real SMTP server on 127.0.0.1 (a fixture)


def _digests(app, now=None):
    from portal.services.digests import send_digests

    with app.test_request_context("/"):
        count = send_digests(now)
        db.session.commit()
        return count


def test_a_weekly_digest_merges_three_events_into_one_message(district, clean_app, ctx, smtp_sink):
    with clean_app.test_request_context("/"):
        h.follower(district["id"], "weekly@example.org", "es", [("maple-elementary", "weekly")])
        h.meeting()
        h.survey(district["id"])
        h.bulletin(district["id"])
        # Another school's meeting is not in her digest.
        h.meeting("cedar-middle", {"en": "Cedar night", "es": "Noche de Cedar"})
    with ctx() as session:
        assert session.query(OutboxMessage).count() == 0  # nothing yet: she chose weekly
        assert session.query(NoticeDelivery).filter_by(status="pending").count() == 3
    result = clean_app.test_cli_runner().invoke(args=["send-digests"])
    assert result.exit_code == 0 and "Queued 1 digests." in result.output
    assert _send(clean_app, smtp_sink.port) == (1, 0)
    [message] = smtp_sink.messages
    assert message["To"] == "weekly@example.org"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = message.get_body(preferencelist=("plain",)).get_content()
    titles = ["Noche del presupuesto", "Encuesta para familias", "Noticias del presupuesto"]
    positions = [body.index(title) for title in titles]
    assert positions == sorted(positions)  # in the order they happened
    assert "Cedar" not in body and "/follow/manage/" in body
    assert "/q/" in body and "/b/" in body  # the survey's and the bulletin's short links
    with ctx() as session:
        assert session.query(NoticeDelivery).filter_by(status="pending").count() == 0
    # Again the same week: nothing more. A new event waits for next week's digest.
    assert _digests(clean_app) == 0
    with clean_app.test_request_context("/"):
        h.meeting(title={"en": "Later", "es": "Después"})
    assert _digests(clean_app) == 0
    with ctx() as session:
        assert session.query(NoticeDelivery).filter_by(status="pending").count() == 1
    assert _digests(clean_app, datetime.now(UTC) + timedelta(days=7)) == 1
    assert _send(clean_app, smtp_sink.port) == (1, 0)
    assert "Después" in smtp_sink.messages[-1].get_body().get_content()
    assert "Noche del presupuesto" not in smtp_sink.messages[-1].get_body().get_content()


def test_as_it_happens_wins_when_two_follows_cover_an_event(district, clean_app, ctx):
    with clean_app.test_request_context("/"):
        h.follower(
            district["id"],
            "both@example.org",
            follows=[("maple-elementary", "now"), (None, "weekly")],
        )
        h.meeting()
        h.meeting("cedar-middle", {"en": "Cedar night"})
    with ctx() as session:
        deliveries = session.query(NoticeDelivery).order_by(NoticeDelivery.id).all()
        assert [d.frequency for d in deliveries] == ["now", "weekly"]
        assert session.query(OutboxMessage).count() == 1  # Maple's, at once; Cedar's waits
