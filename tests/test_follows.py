"""Following a school without an account, end to end through a real SMTP server on 127.0.0.1:
follow, confirm from the received e-mail, an event, `flask send-outbox`, the message in the
follower's language with its link and List-Unsubscribe, one-click unsubscribe. Also: the page
says the same for a known address, the manage link, the rate limit, and the 7-day purge."""

import re
from datetime import UTC, date, datetime, timedelta

from portal.models import OutboxMessage, School, Subscriber
from portal.models.notices import Follow
from tests import test_bulletins
from tests.test_bulletins import _send

smtp_sink = test_bulletins.smtp_sink  # the real SMTP server on 127.0.0.1 (a fixture)


def _path(url: str, app) -> str:
    return url.replace(app.config["PUBLIC_BASE_URL"], "")


def _link(message, path: str) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(rf"https?://\S+{re.escape(path)}\S*", body).group(0)


def _follow(client, email="Ana@Example.org", locale="es", schools=("maple-elementary",), **more):
    data = {"email": email, "locale": locale, "schools": list(schools), "frequency": "now"}
    return client.post("/follow", data={**data, **more})


def _confirm(client, app, sink):
    confirm = _path(_link(sink.messages[-1], "/follow/confirm/"), app)
    assert client.get(confirm).status_code == 200  # a link only asks
    assert client.post(confirm).status_code == 200


def _checked(html: str) -> list[str]:
    """The schools ticked on a follow form."""
    return re.findall(
        r'<input checked id="schools-\d+" name="schools" type="checkbox" value="([^"]+)"', html
    )


def _meeting(app, school_slug="maple-elementary", title=None):
    """A committee meeting of the school, scheduled through the service (which announces)."""
    from portal.extensions import db
    from portal.models import District
    from portal.services.meetings import add_meeting
    from tests import factories

    with app.test_request_context("/"):
        school = db.session.query(School).filter_by(slug=school_slug).one()
        district = db.session.get(District, school.district_id)
        committee = factories.committee(school)
        meeting = add_meeting(
            committee,
            district,
            None,
            title=title or {"en": "Budget night", "es": "Noche del presupuesto"},
            day=date(2026, 12, 8),
            starts=datetime(2026, 12, 8, 18, 0).time(),
            place="Library",
        )
        db.session.commit()
        return meeting.id


def test_follow_confirm_hear_in_spanish_and_unsubscribe_with_one_post(
    client, district, ctx, clean_app, smtp_sink
):
    assert _follow(client).status_code == 200
    with ctx() as session:
        subscriber = session.query(Subscriber).one()
        assert subscriber.email == "ana@example.org" and subscriber.confirmed_at is None
        assert [f.school_id for f in session.query(Follow)] == [
            session.query(School).filter_by(slug="maple-elementary").one().id
        ]
    assert _send(clean_app, smtp_sink.port) == (1, 0)
    # Not confirmed yet: an event tells no one.
    _meeting(clean_app, title={"en": "Early", "es": "Temprano"})
    with ctx() as session:
        assert session.query(OutboxMessage).count() == 1
    _confirm(client, clean_app, smtp_sink)
    with ctx() as session:
        assert session.query(Subscriber).one().confirmed_at is not None
    meeting_id = _meeting(clean_app)
    # Another school's meeting is not for her.
    _meeting(clean_app, "cedar-middle", {"en": "Cedar night", "es": "Noche de Cedar"})
    assert _send(clean_app, smtp_sink.port) == (1, 0)
    message = smtp_sink.messages[-1]
    assert message["To"] == "ana@example.org"
    assert "Noche del presupuesto" in message["Subject"] and "dic" in message["Subject"]
    with ctx() as session:  # (the sender drops Content-* headers: see the report)
        row = session.query(OutboxMessage).filter(OutboxMessage.subject == message["Subject"]).one()
        assert row.headers["Content-Language"] == "es"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Maple Elementary" in body and "Cedar" not in body
    page = _path(_link(message, f"/meetings/{meeting_id}"), clean_app)
    assert page == f"/meetings/{meeting_id}?lang=es"
    assert client.get(page).status_code == 200
    ics = client.get(_path(_link(message, f"/meetings/{meeting_id}/meeting.ics"), clean_app))
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    assert "BEGIN:VEVENT" in ics.get_data(as_text=True)
    assert _path(_link(message, "/follow/manage/"), clean_app)
    unsubscribe = _path(message["List-Unsubscribe"].strip("<>"), clean_app)
    assert "/follow/unsubscribe/" in unsubscribe
    assert client.get(unsubscribe).status_code == 200  # asks only
    with ctx() as session:
        assert session.query(Subscriber).count() == 1
    assert client.post(unsubscribe).status_code == 200  # the mail program's one click
    with ctx() as session:
        assert session.query(Subscriber).count() == 0 and session.query(Follow).count() == 0


def test_a_known_address_gets_the_same_page_and_a_manage_link_not_a_change(
    client, district, ctx, clean_app, smtp_sink
):
    _follow(client)
    _send(clean_app, smtp_sink.port)
    _confirm(client, clean_app, smtp_sink)
    fresh = _follow(client, email="new@example.org", schools=("cedar-middle",))
    known = _follow(client, schools=("cedar-middle",), locale="en")
    assert fresh.status_code == known.status_code == 200
    assert fresh.get_data(as_text=True) == known.get_data(as_text=True)
    with ctx() as session:
        ana = session.query(Subscriber).filter_by(email="ana@example.org").one()
        assert ana.locale == "es"  # a stranger cannot change what she follows
        maple = session.query(School).filter_by(slug="maple-elementary").one().id
        assert [f.school_id for f in session.query(Follow).filter_by(subscriber_id=ana.id)] == [
            maple
        ]
    _send(clean_app, smtp_sink.port)
    manage_mail = next(
        m
        for m in smtp_sink.messages
        if m["To"] == "ana@example.org" and "/follow/manage/" in m.get_body().get_content()
    )
    manage = _path(_link(manage_mail, "/follow/manage/"), clean_app)
    page = client.get(manage)
    assert page.status_code == 200 and _checked(page.get_data(as_text=True)) == ["maple-elementary"]
    # Nothing chosen is refused beside the field, with what was typed kept.
    refused = client.post(manage, data={"locale": "en", "frequency": "weekly"})
    assert refused.status_code == 422
    assert "Choose at least one school, or the whole district." in refused.get_data(as_text=True)
    saved = client.post(
        manage,
        data={
            "locale": "en",
            "schools": ["cedar-middle"],
            "district_wide": "y",
            "frequency": "weekly",
        },
    )
    assert saved.status_code == 200
    with ctx() as session:
        ana = session.query(Subscriber).filter_by(email="ana@example.org").one()
        rows = session.query(Follow).filter_by(subscriber_id=ana.id).all()
        assert ana.locale == "en" and {f.frequency for f in rows} == {"weekly"}
        assert len(rows) == 2 and None in {f.school_id for f in rows}
    assert client.get("/follow/manage/forged").status_code == 400


def test_bad_input_is_refused_and_the_honeypot_stores_nothing(client, district, ctx):
    bad = client.post("/follow", data={"email": "nope", "locale": "xx", "frequency": "daily"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Enter a valid e-mail address." in text
    assert "Choose at least one school, or the whole district." in text
    assert 'value="nope"' in text
    assert (
        client.post(
            "/follow", data={"email": "a@b.org", "locale": "en", "schools": ["x"]}
        ).status_code
        == 422
    )
    _follow(client, email="bot@example.org", website="spam")
    with ctx() as session:
        assert session.query(Subscriber).count() == 0


def test_the_follow_form_is_rate_limited_like_bulletin_sign_ups(
    client, district, clean_app, monkeypatch
):
    monkeypatch.setitem(clean_app.config, "SUBSCRIBE_RATE_LIMIT", "2 per hour")
    assert _follow(client, email="one@example.org").status_code == 200
    assert _follow(client, email="two@example.org").status_code == 200
    assert _follow(client, email="three@example.org").status_code == 429


def test_a_school_page_offers_to_follow_it(client, district):
    page = client.get("/schools/maple-elementary").get_data(as_text=True)
    assert 'href="/follow?school=maple-elementary"' in page
    form = client.get("/follow?school=maple-elementary").get_data(as_text=True)
    assert _checked(form) == ["maple-elementary"]


def test_unconfirmed_followers_are_purged_after_7_days_bulletin_sign_ups_after_14(
    client, district, ctx, clean_app
):
    from portal.services.retention import purge

    _follow(client, email="follower@example.org")
    with ctx() as session:
        session.add(Subscriber(district_id=district["id"], email="bulletins@example.org"))
        session.commit()
    now = datetime.now(UTC)
    with clean_app.app_context():
        assert dict(purge(now + timedelta(days=6)))["unconfirmed followers"] == 0
    with clean_app.app_context():
        counts = dict(purge(now + timedelta(days=8)))
        assert counts["unconfirmed followers"] == 1 and counts["unconfirmed subscribers"] == 0
    with ctx() as session:
        assert [s.email for s in session.query(Subscriber)] == ["bulletins@example.org"]
        assert session.query(Follow).count() == 0
    privacy = client.get("/privacy").get_data(as_text=True)
    assert "School followers" in privacy and "7 days" in privacy
