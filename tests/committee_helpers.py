"""A site council with a meeting and a motion, shared by the committee tests."""

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest

from portal.models import (
    Committee,
    CommitteeMember,
    Meeting,
    Motion,
    School,
    SchoolPlan,
    SchoolYear,
    User,
)


@contextmanager
def saving(ctx):
    with ctx() as session:
        yield session
        session.commit()


@pytest.fixture
def council(funded, ctx, make_user):
    """Maple's site council: principal, four teachers, five parents and community members; a
    shared plan; a meeting today with nine present and a motion to approve the budget."""
    with saving(ctx) as session:
        school = session.query(School).filter_by(slug="maple-elementary").one()
        year = session.query(SchoolYear).filter_by(is_current=True).one()
        session.add(SchoolPlan(school_id=school.id, school_year_id=year.id, status="shared"))
        committee = Committee(
            school_id=school.id,
            kind="ssc",
            name={"en": "School Site Council"},
            purpose={"en": "Reviews and approves the plan and budget."},
        )
        seats = ["principal"] + ["teacher"] * 4 + ["parent"] * 4 + ["community"]
        for n, seat in enumerate(seats):
            committee.members.append(
                CommitteeMember(
                    name=f"Member {n}",
                    seat=seat,
                    term_start=date(2026, 7, 1),
                    name_public=n % 2 == 0,
                    officer="secretary" if n == 1 else "",
                )
            )
        session.add(committee)
        session.flush()
        meeting = Meeting(
            title={"en": "Spring: approve the budget"},
            starts_at=datetime.now(UTC) + timedelta(hours=1),
            present_member_ids=[m.id for m in committee.members[:9]],
        )
        committee.meetings.append(meeting)
        session.flush()
        motion = Motion(
            text={"en": "Approve the 2026-27 budget"},
            subject="budget",
            mover_id=committee.members[0].id,
            seconder_id=committee.members[1].id,
        )
        meeting.motions.append(motion)
        session.flush()
        ids = {
            "committee": committee.id,
            "meeting": meeting.id,
            "motion": motion.id,
            "members": [m.id for m in committee.members],
        }
    return ids


def link_user(ctx, client, member_id):
    with saving(ctx) as session:
        user = session.query(User).filter_by(email=client.email).one()
        session.get(CommitteeMember, member_id).user_id = user.id
