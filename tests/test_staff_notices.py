"""Notices for staff and members: who hears each kind, in their own language, once per person
and event whatever their roles, as they chose (as it happens, daily, off), end to end over a
real SMTP server on 127.0.0.1 (the message, its language, its link, its one-click stop)."""

from portal.extensions import db
from portal.models import Feedback, OutboxMessage, User
from portal.models.accounts import Role
from portal.models.notices import NoticeDelivery
from tests import notice_helpers as h


def _comment(district_id: int, slug: str | None, **values) -> Feedback:
    school = h.school(slug) if slug else None
    row = Feedback(
        district_id=district_id,
        school_id=school.id if school else None,
        target_type="goal",
        target_id=1,
        body="More tutoring, please.",
        **values,
    )
    db.session.add(row)
    db.session.flush()
    return row


def test_a_comment_waiting_tells_the_schools_principals(district, clean_app, ctx, make_user):
    from portal.services.notices import announce

    principal = make_user(Role.PRINCIPAL, schools=["maple-elementary"])
    make_user(Role.PRINCIPAL, schools=["cedar-middle"])
    staff = make_user(Role.DISTRICT)
    with clean_app.test_request_context("/"):
        announce("comment_waiting", _comment(district["id"], "maple-elementary"))
        announce("comment_waiting", _comment(district["id"], None))
        db.session.commit()
    with ctx() as session:
        rows = session.query(OutboxMessage).order_by(OutboxMessage.id).all()
        assert [r.to_address for r in rows] == [principal, staff]
        assert rows[0].subject == "A comment is waiting for your review: Maple Elementary"
        assert "/manage/schools/maple-elementary/feedback" in rows[0].body_text
        assert "/notices/stop/" in rows[0].headers["List-Unsubscribe"]
        assert session.query(NoticeDelivery).filter(NoticeDelivery.user_id.is_not(None)).count()
        assert session.query(User).count() == 3
