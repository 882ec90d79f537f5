"""`flask send-reminders`: a meeting's reminder the day before at the same local hour (across
both US daylight-saving changes), to the school's followers and the committee's members, once
(twice run, or two runs at once, on SQLite and PostgreSQL); a moved meeting is reminded again;
deadline reminders a week ahead to principals of schools that have not met them; schools
behind to district staff once the date has passed. Over a real SMTP server on 127.0.0.1."""

import threading
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from portal.extensions import db
from portal.models import CalendarEvent, District, EventRequirement, OutboxMessage, User
from portal.models.accounts import Role
from portal.models.notices import Notice
from tests import factories, test_bulletins
from tests import notice_helpers as h
from tests.test_bulletins import _send

smtp_sink = test_bulletins.smtp_sink  # the real SMTP server on 127.0.0.1 (a fixture)
LA = ZoneInfo("America/Los_Angeles")


def _run(app, now: datetime) -> dict:
    from portal.services.reminders import send_reminders

    with app.test_request_context("/"):
        return send_reminders(now)


def _meeting_with_member(email: str, day: date):
    """A Maple council whose first member has the account `email`, meeting at 18:00 on `day`."""
    from portal.services.meetings import add_meeting

    school = h.school("maple-elementary")
    committee = factories.committee(school)
    committee.district_id = school.district_id
    committee.members[0].user_id = db.session.query(User).filter_by(email=email).one().id
    db.session.flush()
    meeting = add_meeting(
        committee,
        db.session.get(District, school.district_id),
        None,
        title={"en": "Budget night", "es": "Noche del presupuesto"},
        day=day,
        starts=time(18),
        place="Library",
    )
    db.session.commit()
    return meeting.id


def test_the_day_before_at_the_same_local_hour_across_the_change():
    from portal.services.reminders import meeting_reminder_at

    # November 1, 2026 at 02:00 the clocks go back, March 8 at 02:00 forward. A meeting on
    # the day after the change keeps its offset (the brief's Monday, November 2: 24 hours); on
    # the day of the change, the reminder the evening before is 25 (or 23) real hours ahead.
    cases = [(date(2026, 11, 2), 24), (date(2026, 11, 1), 25), (date(2026, 3, 9), 24)]
    for meeting_day, gap in [*cases, (date(2026, 3, 8), 23)]:
        starts = datetime.combine(meeting_day, time(18), LA).astimezone(UTC)
        at = meeting_reminder_at(starts, "America/Los_Angeles", 24)
        local = at.astimezone(LA)
        assert (local.date(), local.hour) == (meeting_day - timedelta(days=1), 18)
        assert starts - at == timedelta(hours=gap)
        assert at.utcoffset() == timedelta(0)
    # Not a day: 36 hours on the district's clock.
    starts = datetime(2026, 11, 2, 18, tzinfo=LA).astimezone(UTC)
    local = meeting_reminder_at(starts, "America/Los_Angeles", 36).astimezone(LA)
    assert (local.day, local.hour) == (1, 6)


def test_a_meeting_reminder_lands_on_the_day_before_and_goes_once(
    district, clean_app, ctx, make_user, smtp_sink
):
    member = make_user(Role.COUNCIL, schools=["maple-elementary"])
    with clean_app.test_request_context("/"):
        h.follower(district["id"], "ana@example.org", "es", [("maple-elementary", "weekly")])
        h.follower(district["id"], "cedar@example.org", "en", [("cedar-middle", "now")])
        meeting_id = _meeting_with_member(member, date(2026, 11, 2))
    with ctx() as session:
        session.query(OutboxMessage).delete()  # the "scheduled" notices: not what we test
        session.commit()
    due = datetime(2026, 11, 1, 18, tzinfo=LA).astimezone(UTC)  # 02:00 UTC on Nov 2
    assert _run(clean_app, due - timedelta(minutes=1))["meeting_reminder"] == 0
    assert _run(clean_app, due)["meeting_reminder"] == 1
    assert _run(clean_app, due + timedelta(hours=1))["meeting_reminder"] == 0  # hourly: once
    assert _send(clean_app, smtp_sink.port) == (2, 0)
    by = {m["To"]: m for m in smtp_sink.messages}
    assert set(by) == {"ana@example.org", member}  # not Cedar's follower
    ana = by["ana@example.org"]
    assert "Noche del presupuesto, 2 nov 2026, 18:00" in ana["Subject"]
    assert ana["List-Unsubscribe"].startswith("<http")
    [ics] = [p for p in ana.iter_attachments() if p.get_filename() == "meeting.ics"]
    assert "BEGIN:VEVENT" in ics.get_content()
    text = by[member].get_body(preferencelist=("plain",)).get_content()
    assert by[member]["Subject"] == "Reminder: Budget night, Nov 2, 2026, 6:00:00\u202fPM"
    assert f"/meetings/{meeting_id}" in text and "/notices/stop/" in by[member]["List-Unsubscribe"]
    # Moved to the Tuesday: reminded again, on the Monday.
    from portal.models import Meeting
    from portal.services.meetings import edit_meeting

    with clean_app.test_request_context("/"):
        meeting = db.session.get(Meeting, meeting_id)
        edit_meeting(
            meeting,
            db.session.get(District, district["id"]),
            None,
            title=dict(meeting.title),
            day=date(2026, 11, 3),
            starts=time(18),
            place="Library",
        )
        db.session.commit()
    moved = datetime(2026, 11, 2, 18, tzinfo=LA).astimezone(UTC)
    assert _run(clean_app, moved - timedelta(minutes=1))["meeting_reminder"] == 0
    assert _run(clean_app, moved)["meeting_reminder"] == 1
    with ctx() as session:
        assert session.query(Notice).filter_by(kind="meeting_reminder").count() == 2


def test_the_march_change_too(district, clean_app, ctx, make_user):
    member = make_user(Role.COUNCIL, schools=["maple-elementary"])
    with clean_app.test_request_context("/"):
        _meeting_with_member(member, date(2026, 3, 8))  # the Sunday the clocks go forward
    due = datetime(2026, 3, 7, 18, tzinfo=LA).astimezone(UTC)
    assert due == datetime(2026, 3, 8, 2, tzinfo=UTC)  # still PST (UTC-8): 23 hours ahead
    assert _run(clean_app, due - timedelta(minutes=1))["meeting_reminder"] == 0
    assert _run(clean_app, due)["meeting_reminder"] == 1
    with ctx() as session:
        assert session.query(OutboxMessage).filter_by(to_address=member).count() == 2


def test_two_runs_at_once_send_each_reminder_once(district, clean_app, ctx, make_user):
    from portal.services.reminders import send_reminders

    members = [make_user(Role.COUNCIL, schools=["maple-elementary"]) for _n in range(3)]
    with clean_app.test_request_context("/"):
        for n in range(5):
            h.follower(district["id"], f"f{n}@example.org", follows=[("maple-elementary", "now")])
        for email in members:
            _meeting_with_member(email, date(2026, 12, 11))
    with ctx() as session:
        session.query(OutboxMessage).delete()
        session.commit()
    now = datetime(2026, 12, 10, 18, tzinfo=LA).astimezone(UTC)  # all three are due
    barrier, errors, counts = threading.Barrier(2), [], []

    def run():
        try:
            with clean_app.test_request_context("/"):
                barrier.wait()
                counts.append(send_reminders(now)["meeting_reminder"])
                db.session.remove()
        except Exception as error:  # reported below: a thread's failure must fail the test
            errors.append(error)

    threads = [threading.Thread(target=run) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors and sum(counts) == 3
    with ctx() as session:
        rows = session.query(OutboxMessage).all()
        # Each meeting: five followers and its one member; never a copy.
        assert len(rows) == 3 * 6 and len({r.dedupe_key for r in rows}) == 18
        assert session.query(Notice).filter_by(kind="meeting_reminder").count() == 3


def test_deadline_reminders_a_week_ahead_then_behind_schedule(
    district, clean_app, ctx, make_user, smtp_sink
):
    maple = make_user(Role.PRINCIPAL, schools=["maple-elementary"])
    cedar = make_user(Role.PRINCIPAL, schools=["cedar-middle"])
    staff = make_user(Role.DISTRICT)
    with clean_app.test_request_context("/"):
        row = db.session.get(District, district["id"])
        year = factories.school_year(row)
        db.session.add(
            EventRequirement(
                district_id=row.id,
                school_year_id=year.id,
                phase="engage",
                kind="focus_group",
                min_count=1,
                due_on=date(2026, 12, 15),
            )
        )
        db.session.add(  # Cedar has its focus group on the calendar: nothing to remind
            CalendarEvent(
                district_id=row.id,
                school_year_id=year.id,
                school_id=h.school("cedar-middle").id,
                phase="engage",
                kind="focus_group",
                title={"en": "Focus group"},
                starts_at=datetime(2026, 12, 10, 1, tzinfo=UTC),
            )
        )
        db.session.commit()
    due = datetime(2026, 12, 8, 8, tzinfo=LA).astimezone(UTC)
    assert _run(clean_app, due - timedelta(minutes=1))["deadline_reminder"] == 0
    counts = _run(clean_app, due)
    # Maple and Summit have no focus group yet (Summit has no principal account to tell).
    assert counts["deadline_reminder"] == 2 and counts["school_behind"] == 0
    assert _run(clean_app, due + timedelta(days=2))["deadline_reminder"] == 0  # once
    assert _send(clean_app, smtp_sink.port) == (1, 0)
    [message] = smtp_sink.messages
    assert message["To"] == maple and cedar not in {m["To"] for m in smtp_sink.messages}
    assert message["Subject"].startswith("Deadline coming up: Maple Elementary: Focus group")
    assert "Dec 15, 2026" in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "/manage/schools/maple-elementary/calendar" in body
    # The day after the due date, district staff hear Maple is behind (once).
    after = datetime(2026, 12, 16, 9, tzinfo=LA).astimezone(UTC)
    assert _run(clean_app, after)["school_behind"] == 2
    assert _run(clean_app, after + timedelta(hours=1))["school_behind"] == 0
    assert _send(clean_app, smtp_sink.port) == (2, 0)
    behind = smtp_sink.messages[-2:]
    assert {m["To"] for m in behind} == {staff}
    subjects = sorted(m["Subject"] for m in behind)
    assert subjects[0].startswith("Behind schedule: Maple Elementary: Focus group")
    assert subjects[1].startswith("Behind schedule: Summit High School: Focus group")
    assert "/manage/calendar" in behind[0].get_body(preferencelist=("plain",)).get_content()


def test_send_reminders_command(district, clean_app):
    result = clean_app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "Queued 0 meeting reminders, 0 deadline reminders" in result.output
