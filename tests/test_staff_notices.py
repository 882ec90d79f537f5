"""Notices for staff and members: who hears each kind, in their own language, once per person
and event whatever their roles, as they chose (as it happens, daily, off), end to end over a
real SMTP server on 127.0.0.1 (the message, its language, its link, its one-click stop)."""

import re
from datetime import UTC, date, datetime, time, timedelta

from portal.extensions import db
from portal.models import District, Feedback, OutboxMessage, User
from portal.models.accounts import Role
from portal.models.notices import NoticeDelivery, NoticePreference
from portal.models.planning import PlanStatus
from tests import factories, test_bulletins
from tests import notice_helpers as h
from tests.plan_helpers import approve_by_council
from tests.test_bulletins import _send

smtp_sink = test_bulletins.smtp_sink  # the real SMTP server on 127.0.0.1 (a fixture)


def _comment(district_id: int, slug: str | None) -> Feedback:
    school = h.school(slug) if slug else None
    row = Feedback(
        district_id=district_id,
        school_id=school.id if school else None,
        target_type="goal",
        target_id=1,
        body="More tutoring, please.",
    )
    db.session.add(row)
    db.session.flush()
    return row


def _user(email: str) -> User:
    return db.session.query(User).filter_by(email=email).one()


def _seat(committee, *emails: str) -> None:
    """Give the first members of the committee these accounts."""
    for member, email in zip(committee.members, emails, strict=False):
        member.user_id = _user(email).id
    db.session.flush()


def _meeting(committee, day=date(2026, 12, 8), title=None):
    from portal.services.meetings import add_meeting

    district = db.session.get(District, committee.district_id)
    return add_meeting(
        committee,
        district,
        None,
        title=title or {"en": "Budget night", "es": "Noche del presupuesto"},
        day=day,
        starts=time(18),
        place="Library",
    )


def _body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _by_address(messages) -> dict[str, list]:
    found: dict[str, list] = {}
    for message in messages:
        found.setdefault(message["To"], []).append(message)
    return found


def _committee(slug="maple-elementary"):
    school = h.school(slug)
    row = factories.committee(school)
    row.district_id = school.district_id
    db.session.flush()
    return row


def test_members_hear_the_committees_work_once_each_in_their_language(
    district, clean_app, client, ctx, make_user, smtp_sink
):
    from portal.services import minutes, votes
    from portal.services.meetings import post_agenda

    both = make_user(Role.PRINCIPAL, Role.COUNCIL, schools=["maple-elementary"])
    member = make_user(Role.COUNCIL, schools=["maple-elementary"])
    with clean_app.test_request_context("/"):
        _user(both).preferred_locale = "es"
        # She follows her school too, with the same address: still one message per event.
        h.follower(district["id"], both, "es", [("maple-elementary", "now")])
        committee = _committee()
        _seat(committee, both, member)
        meeting = _meeting(committee)
        later = _meeting(committee, date(2027, 1, 12), {"en": "January"})
        post_agenda(meeting, None)
        district_row = db.session.get(District, district["id"])
        first, second = committee.members[1].id, committee.members[2].id
        motion = votes.open_motion(
            meeting,
            district_row,
            None,
            text={"en": "Adopt the plan", "es": "Adoptar el plan"},
            subject="other",
            mover_id=first,
            seconder_id=second,
        )
        writer = _user(member)
        minutes.save_minutes(meeting, writer, texts={})
        minutes.save_minutes(meeting, writer, texts={})  # the same draft again: told once
        minutes.approve_minutes(meeting, writer, at_meeting=later)
        db.session.commit()
        motion_id, meeting_id = motion.id, meeting.id
    assert _send(clean_app, smtp_sink.port)[1] == 0
    mine = _by_address(smtp_sink.messages)
    # Two meetings scheduled, the agenda, the vote, the draft, the approval: six each, once.
    assert len(mine[both]) == 6 and len(mine[member]) == 6
    assert "/follow/manage/" in _body(mine[both][0])  # the meetings came to her as a follower
    # Her account is in Spanish: the titles in Spanish, dates the Spanish way.
    subjects = [m["Subject"] for m in mine[both]]
    assert "Noche del presupuesto, 8 dic 2026" in subjects[0]
    assert "Adoptar el plan" in subjects[3]
    with ctx() as session:
        languages = {
            row.to_address: row.headers["Content-Language"] for row in session.query(OutboxMessage)
        }
    assert languages == {both: "es", member: "en"}
    english = {m["Subject"]: m for m in mine[member]}
    vote = english["A vote is open: Adopt the plan"]
    assert f"/meetings/{meeting_id}/vote" in _body(vote) and f"#motion-{motion_id}" in _body(vote)
    draft = english["Draft minutes are ready for amendments: Budget night"]
    assert f"/meetings/{meeting_id}/minutes/draft" in _body(draft)
    assert "Minutes approved: Budget night" in english
    assert "/manage/notices" in _body(vote)  # their choices page
    # The one-click stop (RFC 8058): a mail program POSTs to the List-Unsubscribe address.
    assert vote["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    stop = re.fullmatch(r"<http://[^/]+(/notices/stop/[^>]+)>", vote["List-Unsubscribe"]).group(1)
    assert client.get(stop).status_code == 200  # a link only asks
    with ctx() as session:
        assert session.query(NoticePreference).count() == 0
    assert client.post(stop).status_code == 200
    assert client.post(stop + "x").status_code == 400  # a forged link changes nothing
    with ctx() as session:
        [row] = session.query(NoticePreference).all()
        assert (row.kind, row.frequency) == ("vote_open", "off")
    with clean_app.test_request_context("/"):
        votes.open_motion(
            db.session.merge(meeting),
            db.session.get(District, district["id"]),
            None,
            text={"en": "Another motion"},
            subject="other",
            mover_id=first,
            seconder_id=second,
        )
        db.session.commit()
    with ctx() as session:
        told = session.query(OutboxMessage).filter(OutboxMessage.subject.contains("Another"))
        assert [m.to_address for m in told] == [both]  # the member turned votes off


def test_principals_and_district_staff_hear_comments_and_plans(
    district, clean_app, ctx, make_user, smtp_sink
):
    from portal.services import plan_review
    from portal.services.notices import announce

    principal = make_user(Role.PRINCIPAL, schools=["maple-elementary"])
    make_user(Role.PRINCIPAL, schools=["cedar-middle"])
    staff = make_user(Role.DISTRICT)
    with clean_app.test_request_context("/"):
        announce("comment_waiting", _comment(district["id"], "maple-elementary"))
        reported = _comment(district["id"], None)
        assert announce("comment_reported", reported) is None  # nobody reported it
        reported.flags = 1
        announce("comment_reported", reported)
        row = db.session.get(District, district["id"])
        year = factories.school_year(row)
        plan = factories.plan(h.school("maple-elementary"), year, status=PlanStatus.SHARED)
        approve_by_council(plan, date(2026, 11, 3))
        plan_review.submit_plan(plan, _user(principal))
        plan_review.return_plan(plan, "Show the tutoring costs.", _user(staff))
        db.session.commit()
    assert _send(clean_app, smtp_sink.port) == (4, 0)
    mine = _by_address(smtp_sink.messages)
    assert set(mine) == {principal, staff}  # Cedar's principal hears nothing of Maple
    waiting, returned = mine[principal]
    assert waiting["Subject"] == "A comment is waiting for your review: Maple Elementary"
    assert "/manage/schools/maple-elementary/feedback?lang=en" in _body(waiting)
    assert returned["Subject"] == "The district returned your plan: Maple Elementary"
    assert "/manage/schools/maple-elementary/plan" in _body(returned)
    reported_mail, submitted = mine[staff]
    assert reported_mail["Subject"] == "A reader reported a comment: Test Valley Unified"
    assert "/manage/district/feedback" in _body(reported_mail)
    assert submitted["Subject"] == "A plan was submitted for review: Maple Elementary"
    assert "/manage/plans/review#plan-maple-elementary" in _body(submitted)
    for message in smtp_sink.messages:
        html = message.get_body(preferencelist=("html",)).get_content()
        assert "/manage/notices" in html and message["List-Unsubscribe"]


def test_choices_page_off_and_daily_digest(district, clean_app, client, ctx, make_user, smtp_sink):
    from portal.services.notices import announce
    from tests.conftest import sign_in

    principal = make_user(Role.PRINCIPAL, schools=["maple-elementary"])
    assert client.get("/manage/notices").status_code in (302, 303, 401)  # signed in only
    sign_in(client, principal)
    page = client.get("/manage/notices")
    assert page.status_code == 200 and "Comments waiting for review" in page.get_data(True)
    assert "Minutes approved" not in page.get_data(True)  # no seat: no committee kinds
    bad = client.post("/manage/notices", data={"kind_comment_waiting": "weekly"})
    assert bad.status_code == 422
    with ctx() as session:
        assert session.query(NoticePreference).count() == 0
    saved = client.post(
        "/manage/notices",
        data={
            "kind_comment_waiting": "daily",
            "kind_comment_reported": "off",
            "kind_plan_returned": "now",
            "kind_deadline_reminder": "now",
        },
    )
    assert saved.status_code == 303
    with clean_app.test_request_context("/"):
        for _n in range(3):
            announce("comment_waiting", _comment(district["id"], "maple-elementary"))
        reported = _comment(district["id"], "maple-elementary")
        reported.flags = 2
        announce("comment_reported", reported)
        db.session.commit()
    with ctx() as session:
        assert session.query(OutboxMessage).count() == 0  # daily waits, off tells nothing
        assert session.query(NoticeDelivery).filter_by(status="pending").count() == 3
    from tests.test_digests import _digests

    now = datetime.now(UTC)
    assert _digests(clean_app, now) == 1
    assert _digests(clean_app, now) == 0  # again the same day: nothing more
    assert _send(clean_app, smtp_sink.port) == (1, 0)
    [digest] = smtp_sink.messages
    assert digest["To"] == principal and "3 things for you" in digest["Subject"]
    assert _body(digest).count("A comment is waiting for your review") == 3
    with clean_app.test_request_context("/"):
        announce("comment_waiting", _comment(district["id"], "maple-elementary"))
        db.session.commit()
    assert _digests(clean_app, now) == 0  # today's went: tomorrow's
    assert _digests(clean_app, now + timedelta(days=1)) == 1
