"""The district's review of a council-approved plan: the principal submits it, the district
returns it with a comment (the principal and the council read it) or accepts it, the board's
approval is recorded with its minutes; every move is audited, an illegal one is a 409, and the
calendar dashboard calls a school behind when its plan is not with the district by the due
date."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from portal.models import (
    AuditEntry,
    Meeting,
    Motion,
    MotionVote,
    PhaseWindow,
    Role,
    School,
    SchoolPlan,
    SchoolYear,
)
from portal.models.base import IllegalMove
from portal.models.planning import PlanStatus, ReviewStatus
from portal.services.plan_review import plan_behind, plan_due_on, plan_state
from tests.committee_helpers import saving
from tests.conftest import visible_text
from tests.plan_helpers import approve_by_council, passed_motion

PLAN = "/manage/schools/maple-elementary/plan"
REVIEW = "/manage/plans/review"
MAPLE = f"{REVIEW}/maple-elementary"
BOARD = {"board_approved_on": "2027-06-10", "minutes_url": "https://board.example.org/minutes"}
NOW = datetime(2027, 5, 1, 17, tzinfo=UTC)


def _plan(ctx):
    with ctx() as session:
        plan = session.query(SchoolPlan).one()
        return plan.status, plan.review_status


def _pass_motion(ctx, council, subject="budget", new=False):
    """Seven of the nine present vote yes on the council's motion (or a new one on the plan);
    the motion's id, for the principal to close it."""
    with saving(ctx) as session:
        if new:
            motion = Motion(
                text={"en": "Approve the changed plan"},
                subject=subject,
                mover_id=council["members"][0],
                seconder_id=council["members"][1],
            )
            meeting = session.get(Meeting, council["meeting"])
            meeting.motions.append(motion)
            session.flush()
        else:
            motion = session.get(Motion, council["motion"])
        for member_id in council["members"][:7]:
            motion.votes.append(
                MotionVote(member_id=member_id, choice="yes", recorded_at=datetime.now(UTC))
            )
        session.flush()
        return motion.id


def _approve(ctx, council, principal, new=False):
    motion_id = _pass_motion(ctx, council, subject="plan" if new else "budget", new=new)
    assert principal.post(f"/manage/motions/{motion_id}/close").status_code == 303
    assert _plan(ctx)[0] == PlanStatus.APPROVED


# -- The model's moves -------------------------------------------------------------------------


def test_the_review_moves_legal_and_illegal(app):
    with app.app_context():
        plan = SchoolPlan(status="shared")
        assert plan.review_status == ReviewStatus.NOT_SUBMITTED
        with pytest.raises(IllegalMove):  # the council has not approved it
            plan.submit(None, NOW)
        for move in (
            lambda: plan.accept(None, NOW),
            lambda: plan.return_to_school(None, NOW, "Fix goal 2"),
            lambda: plan.record_board_approval(date(2027, 6, 1), "https://x.test/m", None),
        ):
            with pytest.raises(IllegalMove):
                move()
        approve_by_council(plan, date(2027, 4, 20))
        plan.submit(None, NOW)
        assert plan.review_status == ReviewStatus.SUBMITTED and plan.submitted_at == NOW
        with pytest.raises(IllegalMove):
            plan.submit(None, NOW)  # already with the district
        with pytest.raises(IllegalMove):
            plan.record_board_approval(date(2027, 6, 1), "https://x.test/m", None)
        with pytest.raises(IllegalMove):
            plan.return_to_school(None, NOW, "   ")  # a return says what to change
        plan.return_to_school(None, NOW, "Goal 2 needs a target.")
        # Returned: the council's approval no longer stands until a new motion passes.
        assert plan.review_status == ReviewStatus.RETURNED and plan.status == PlanStatus.SHARED
        assert [c.body for c in plan.review_comments] == ["Goal 2 needs a target."]
        with pytest.raises(IllegalMove):
            plan.submit(None, NOW)
        with pytest.raises(IllegalMove):
            plan.accept(None, NOW)
        plan.approve(passed_motion(), date(2027, 4, 27))
        plan.submit(None, NOW)
        plan.accept(None, NOW)
        assert plan.review_status == ReviewStatus.ACCEPTED
        for move in (
            lambda: plan.accept(None, NOW),
            lambda: plan.return_to_school(None, NOW, "Late thought"),
            lambda: plan.submit(None, NOW),
            lambda: plan.record_board_approval(date(2027, 6, 1), "javascript:alert(1)", None),
        ):
            with pytest.raises(IllegalMove):
                move()
        plan.record_board_approval(date(2027, 6, 10), "https://board.test/minutes", None)
        assert plan.review_status == ReviewStatus.BOARD_APPROVED
        assert plan.board_approved_on == date(2027, 6, 10)
        with pytest.raises(IllegalMove):
            plan.record_board_approval(date(2027, 6, 11), "https://board.test/minutes", None)


def test_behind_after_the_due_date_unless_the_district_has_the_plan(app):
    due = date(2027, 5, 31)
    assert plan_due_on({}) is None
    with app.app_context():
        from portal.models.calendar import Phase

        assert plan_due_on({Phase.DECIDE: (date(2027, 3, 1), due)}) == due
        draft, shared = SchoolPlan(), SchoolPlan(status="shared")
        approved = SchoolPlan(status="shared")
        approve_by_council(approved, date(2027, 4, 1))
        submitted = SchoolPlan(status="shared")
        approve_by_council(submitted, date(2027, 4, 1))
        submitted.submit(None, NOW)
        after, before = due + timedelta(days=1), due
        for plan in (None, draft, shared, approved):
            assert plan_behind(plan, due, after) and not plan_behind(plan, due, before)
            assert not plan_behind(plan, None, after)  # no decide phase: no due date
        assert not plan_behind(submitted, due, after)
        assert str(plan_state(None)) == "No plan yet"
        assert str(plan_state(submitted)) == "With the district for review"


# -- The whole path, through the pages ---------------------------------------------------------


def test_the_whole_review_path_with_its_audit_entries(council, login_as, ctx, client):
    principal = login_as(Role.PRINCIPAL)
    member = login_as(Role.COUNCIL)  # a council member of Maple (signed in)
    district = login_as(Role.DISTRICT)
    editor = visible_text(principal.get(PLAN).get_data(as_text=True))
    assert "Submit to the district" not in editor  # not approved yet
    _approve(ctx, council, principal)
    assert "Submit to the district" in visible_text(principal.get(PLAN).get_data(as_text=True))

    assert principal.post(f"{PLAN}/submit").status_code == 303
    assert _plan(ctx) == ("approved", "submitted")
    page = visible_text(district.get(REVIEW).get_data(as_text=True))
    assert "Maple Elementary" in page and "With the district for review" in page
    assert "Submit to the district" not in visible_text(principal.get(PLAN).get_data(as_text=True))

    refused = district.post(f"{MAPLE}/return", data={"comment": "  "})
    assert refused.status_code == 422 and "Say what the school should change." in visible_text(
        refused.get_data(as_text=True)
    )
    comment = "Goal 2 needs a target, and the tutoring line needs a funding stream."
    assert district.post(f"{MAPLE}/return", data={"comment": comment}).status_code == 303
    assert _plan(ctx) == ("shared", "returned")
    # The principal and the council read the comment; the public reads only the status.
    editor = visible_text(principal.get(PLAN).get_data(as_text=True))
    assert comment in editor and "The district returned it to the school on" in editor
    assert comment in visible_text(member.get("/schools/maple-elementary/plan").get_data(True))
    public = visible_text(client.get("/schools/maple-elementary/plan").get_data(as_text=True))
    assert "The district returned it to the school on" in public and comment not in public
    # Not approved again yet: it cannot go back.
    assert principal.post(f"{PLAN}/submit").status_code == 409

    _approve(ctx, council, principal, new=True)  # a new passing motion on the changed plan
    assert principal.post(f"{PLAN}/submit").status_code == 303
    assert district.post(f"{MAPLE}/accept").status_code == 303
    assert _plan(ctx) == ("approved", "accepted")
    bad = district.post(f"{MAPLE}/board", data={**BOARD, "minutes_url": "javascript:alert(1)"})
    assert bad.status_code == 422 and _plan(ctx)[1] == "accepted"
    assert district.post(f"{MAPLE}/board", data=BOARD).status_code == 303
    assert _plan(ctx) == ("approved", "board_approved")

    html = client.get("/schools/maple-elementary/plan").get_data(as_text=True)
    public = visible_text(html)
    assert re.search(r"Approved by the School Site Council on \w+, \w+ \d+, \d{4}", public)
    assert re.search(
        r"The district accepted it on \w+, \w+ \d+, \d{4}; the board approved it on "
        r"Thursday, June 10, 2027 \( ?minutes ?\)",
        public,
    )
    assert 'href="https://board.example.org/minutes"' in html

    with ctx() as session:
        plan = session.query(SchoolPlan).one()
        entries = (
            session.query(AuditEntry)
            .filter(AuditEntry.object_type == "school_plan", AuditEntry.object_id == plan.id)
            .order_by(AuditEntry.id)
            .all()
        )
        moves = {"plan.submitted", "plan.returned", "plan.accepted", "plan.board_approved"}
        review = [e for e in entries if e.action in moves]
        assert [e.action for e in review] == [
            "plan.submitted",
            "plan.returned",
            "plan.submitted",
            "plan.accepted",
            "plan.board_approved",
        ]
        assert [e.action for e in entries].count("plan.approved") == 2
        assert all(e.user_id is not None for e in review)
        returned = review[1].detail
        assert returned["before"] == {"status": "approved", "review_status": "submitted"}
        assert returned["after"] == {"status": "shared", "review_status": "returned"}
        assert returned["comment"] == comment
        assert review[-1].detail["minutes_url"] == BOARD["minutes_url"]
        assert review[-1].detail["before"]["review_status"] == "accepted"


def _at_state(ctx, state: str) -> None:
    """Put Maple's plan in a review state through the model's own moves."""
    with saving(ctx) as session:
        plan = session.query(SchoolPlan).one()
        if state == "not_submitted":
            return
        approve_by_council(plan, date(2026, 12, 1))
        plan.submit(None, NOW)
        if state == "returned":
            plan.return_to_school(None, NOW, "Change goal 1.")
        if state in ("accepted", "board_approved"):
            plan.accept(None, NOW)
        if state == "board_approved":
            plan.record_board_approval(date(2027, 6, 1), "https://board.test/m", None)


# What each state refuses: (address under the plan, form).
REFUSED = {
    "not_submitted": ["submit", "accept", "return", "board"],
    "submitted": ["submit", "board"],
    "returned": ["submit", "accept", "return", "board"],
    "accepted": ["submit", "accept", "return"],
    "board_approved": ["submit", "accept", "return", "board"],
}


@pytest.mark.parametrize("state", list(REFUSED))
def test_illegal_moves_are_refused_with_409(state, council, login_as, ctx):
    _at_state(ctx, state)
    district = login_as(Role.DISTRICT)
    before = _plan(ctx)
    urls = {
        "submit": (f"{PLAN}/submit", {}),
        "accept": (f"{MAPLE}/accept", {}),
        "return": (f"{MAPLE}/return", {"comment": "Once more."}),
        "board": (f"{MAPLE}/board", BOARD),
    }
    for move in REFUSED[state]:
        url, data = urls[move]
        response = district.post(url, data=data)
        assert response.status_code == 409, (state, move)
    assert _plan(ctx) == before


def test_who_may_submit_and_review(council, login_as, ctx, make_user):
    _at_state(ctx, "not_submitted")
    with saving(ctx) as session:
        approve_by_council(session.query(SchoolPlan).one(), date(2026, 12, 1))
    other_principal = login_as(Role.PRINCIPAL, schools=("cedar-middle",))
    member = login_as(Role.COUNCIL)
    principal = login_as(Role.PRINCIPAL)
    district = login_as(Role.DISTRICT)
    assert other_principal.post(f"{PLAN}/submit").status_code == 404
    assert member.post(f"{PLAN}/submit").status_code == 403
    for client in (member, principal, other_principal):
        assert client.get(REVIEW).status_code == 403
        assert client.post(f"{MAPLE}/accept").status_code == 403
        assert client.post(f"{MAPLE}/return", data={"comment": "No."}).status_code == 403
        assert client.post(f"{MAPLE}/board", data=BOARD).status_code == 403
    assert _plan(ctx)[1] == "not_submitted"
    assert district.post(f"{PLAN}/submit").status_code == 303  # district staff edit every school
    assert district.get(REVIEW).status_code == 200
    assert district.post(f"{MAPLE}/accept").status_code == 303
    assert district.post(f"{REVIEW}/no-such-school/accept").status_code == 404
    assert district.post(f"{REVIEW}/cedar-middle/accept").status_code == 404  # no plan


# -- The calendar dashboard --------------------------------------------------------------------


def _decide_phase_ends(ctx, ends_on: date) -> None:
    with saving(ctx) as session:
        year = session.query(SchoolYear).filter_by(is_current=True).one()
        session.add(
            PhaseWindow(
                district_id=year.district_id,
                school_year_id=year.id,
                school_id=None,
                phase="decide",
                starts_on=ends_on - timedelta(days=60),
                ends_on=ends_on,
            )
        )


def _dashboard_row(html: str, slug: str) -> str:
    row = next(r for r in html.split("<tr>") if f"/manage/schools/{slug}/calendar" in r)
    return visible_text(row)


def test_the_dashboard_calls_a_school_without_a_plan_behind_after_the_due_date(
    council, login_as, ctx
):
    district = login_as(Role.DISTRICT)
    with ctx() as session:
        assert session.query(School).filter_by(slug="cedar-middle").one()
    today = datetime.now(UTC).date()
    _decide_phase_ends(ctx, today + timedelta(days=30))
    html = district.get("/manage/calendar").get_data(as_text=True)
    cedar = _dashboard_row(html, "cedar-middle")
    assert "No plan yet" in cedar and "On schedule" in cedar and "Behind" not in cedar

    with saving(ctx) as session:
        window = session.query(PhaseWindow).filter_by(phase="decide").one()
        window.ends_on = today - timedelta(days=2)
    html = district.get("/manage/calendar").get_data(as_text=True)
    cedar, maple = _dashboard_row(html, "cedar-middle"), _dashboard_row(html, "maple-elementary")
    assert "No plan yet" in cedar and "Behind schedule" in cedar
    assert "Shared, not approved yet" in maple and "Behind schedule" in maple

    _at_state(ctx, "submitted")
    maple = _dashboard_row(
        district.get("/manage/calendar").get_data(as_text=True), "maple-elementary"
    )
    assert "With the district for review" in maple and "On schedule" in maple
