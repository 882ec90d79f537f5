"""Approval freezes a version (issue 13, item 1): what the site council approved is what the
public reads, a later change to the working plan is announced with its before and after, and a
new motion approves it as the next version. Versions cannot be edited or deleted."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from portal.models import (
    BudgetLine,
    FundingStream,
    Goal,
    Investment,
    Meeting,
    Motion,
    MotionVote,
    PlanVersion,
    Role,
    SchoolPlan,
    Strategy,
)
from portal.models.base import IllegalMove
from portal.services import plan_versions
from tests.committee_helpers import saving
from tests.conftest import pdf_text, visible_text

PLAN = "/schools/maple-elementary/plan"
BUDGET = "/schools/maple-elementary/budget"
APPROVED = "Approved by the School Site Council on"
CHANGED = "Changed since the council approved it on"
BEFORE_AFTER = "$95,000 → $195,000"


def _fill_plan(ctx) -> dict:
    """The council's shared plan gets a goal, a strategy and a $95,000 tutoring investment paid
    from the first funding stream."""
    with saving(ctx) as session:
        plan = session.scalars(select(SchoolPlan)).one()
        stream = session.scalars(select(FundingStream).order_by(FundingStream.id)).first()
        goal = Goal(
            statement={"en": "More students read at grade level", "es": "Más alumnos leen bien"},
            indicator={"en": "Share reading at grade level"},
            baseline=40,
            target=55,
            source_locale="en",
        )
        goal.strategies.append(Strategy(description={"en": "Small reading groups"}))
        plan.goals.append(goal)
        session.flush()
        investment = Investment(
            goal_id=goal.id,
            description={"en": "Reading tutors", "es": "Tutores de lectura"},
            cost_cents=9_500_000,
            priority=1,
            source_locale="en",
        )
        investment.budget_lines.append(BudgetLine(funding_stream_id=stream.id, cents=9_500_000))
        plan.investments.append(investment)
        session.flush()
        return {"plan": plan.id, "investment": investment.id, "stream": stream.id}


def _vote_yes(ctx, motion_id: int, members: list[int]) -> None:
    with saving(ctx) as session:
        motion = session.get(Motion, motion_id)
        for member_id in members:
            motion.votes.append(
                MotionVote(member_id=member_id, choice="yes", recorded_at=datetime.now(UTC))
            )


def _approve(ctx, login_as, motion_id: int, members: list[int]) -> None:
    """Seven members present vote yes and the principal closes the vote."""
    _vote_yes(ctx, motion_id, members[:7])
    closed = login_as(Role.PRINCIPAL).post(f"/manage/motions/{motion_id}/close")
    assert closed.status_code == 303


def _second_motion(ctx, council) -> int:
    with saving(ctx) as session:
        meeting = session.get(Meeting, council["meeting"])
        motion = Motion(
            text={"en": "Approve the change to the tutoring investment"},
            subject="plan",
            mover_id=council["members"][0],
            seconder_id=council["members"][1],
        )
        meeting.motions.append(motion)
        session.flush()
        return motion.id


def _raise_tutoring(ctx, ids) -> None:
    """The principal raises the tutoring investment to $195,000 (and its budget line)."""
    with saving(ctx) as session:
        investment = session.get(Investment, ids["investment"])
        investment.cost_cents = 19_500_000
        investment.budget_lines[0].cents = 19_500_000


def _text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    # Tags become spaces: "Reading tutors : $95,000" reads "Reading tutors: $95,000".
    return re.sub(r" ([:,.])", r"\1", visible_text(response.get_data(as_text=True)))


def test_a_passing_motion_freezes_version_1_equal_to_the_plan(council, login_as, ctx, client):
    ids = _fill_plan(ctx)
    _approve(ctx, login_as, council["motion"], council["members"])
    with ctx() as session:
        plan = session.get(SchoolPlan, ids["plan"])
        (version,) = plan_versions.versions(plan.id)
        assert version.number == 1 and version.motion_id == council["motion"]
        assert version.tally == "7–0–0" and version.approved_on == plan.approved_on
        data = version.snapshot
        assert data["school"]["slug"] == "maple-elementary"
        assert data["year"]["id"] == plan.school_year_id
        assert data["motion"] == {
            "id": council["motion"],
            "subject": "budget",
            "text": {"en": "Approve the 2026-27 budget"},
            "tally": "7–0–0",
        }
        (goal,) = data["goals"]
        assert goal["statement"] == {
            "en": "More students read at grade level",
            "es": "Más alumnos leen bien",
        }
        assert goal["strategies"][0]["description"] == {"en": "Small reading groups"}
        (investment,) = data["investments"]
        assert investment["cost_cents"] == 9_500_000 and investment["priority"] == 1
        assert investment["description"]["es"] == "Tutores de lectura"
        assert investment["budget_lines"] == [
            {"funding_stream_id": ids["stream"], "cents": 9_500_000}
        ]
        money = plan_versions.school_money(plan)
        assert money is not None and data["allocation"]["total_cents"] == money.total_cents
        assert {s["id"]: s["cents"] for s in data["allocation"]["streams"]} == {
            s.stream.id: s.cents for s in money.sources
        }
        # Nothing changed yet, and the rebuilt version totals the same as the plan.
        assert plan_versions.changes_since(version, plan, money) == []
        frozen, frozen_money = plan_versions.rebuild(version)
        from portal.services import plans

        assert plans.budget_totals(frozen, frozen_money).cost_cents == 9_500_000
        assert frozen not in session
    page = _text(client, PLAN)
    assert APPROVED in page and "7–0–0" in page and CHANGED not in page
    assert "Version 1, approved on" in page


def test_a_change_after_approval_is_announced_and_a_new_motion_makes_version_2(
    council, login_as, ctx, client, tmp_path
):
    ids = _fill_plan(ctx)
    _approve(ctx, login_as, council["motion"], council["members"])
    _raise_tutoring(ctx, ids)

    for url in (PLAN, BUDGET):
        page = _text(client, url)
        assert CHANGED in page, url
        assert f"Reading tutors: {BEFORE_AFTER}" in page, url
        assert BEFORE_AFTER in page.split(CHANGED, 1)[1]
        # The approval line belongs to the version approved, never beside the changed plan.
        assert APPROVED not in page, url
        assert "Read version 1, as the council approved it on" in page
    assert "the council decides on the changes at a meeting" in _text(client, BUDGET)

    pdf = client.get(f"{PLAN}.pdf")
    assert pdf.status_code == 200
    text = " ".join(pdf_text(pdf.data, tmp_path).split())
    assert CHANGED in text and "$95,000" in text and "$195,000" in text
    assert APPROVED not in text

    version_page = _text(client, f"{PLAN}/versions/1")
    assert APPROVED in version_page and "7–0–0" in version_page
    assert "Reading tutors: $95,000" in version_page and "$195,000" not in version_page
    assert "You are reading version 1 of the plan" in version_page
    version_pdf = client.get(f"{PLAN}/versions/1.pdf")
    assert version_pdf.status_code == 200
    text = " ".join(pdf_text(version_pdf.data, tmp_path).split())
    assert APPROVED in text and "$95,000" in text and "$195,000" not in text
    assert CHANGED not in text and "The plan has changed since." in text
    assert client.get(f"{PLAN}/versions/2").status_code == 404
    assert client.get(f"{PLAN}/versions/2.pdf").status_code == 404
    assert client.get("/schools/no-such-school/plan/versions/1").status_code == 404

    # The council approves the change: version 2, and the notice goes.
    second = _second_motion(ctx, council)
    _approve(ctx, login_as, second, council["members"])
    with ctx() as session:
        numbers = [v.number for v in plan_versions.versions(ids["plan"])]
        assert numbers == [2, 1]
        latest = session.scalars(select(PlanVersion).where(PlanVersion.number == 2)).one()
        assert latest.snapshot["investments"][0]["cost_cents"] == 19_500_000
        assert latest.motion_id == second
    for url in (PLAN, BUDGET):
        page = _text(client, url)
        assert CHANGED not in page and APPROVED in page, url
    assert "Reading tutors: $195,000" in _text(client, f"{PLAN}/versions/2")
    old = _text(client, f"{PLAN}/versions/1")
    assert "Reading tutors: $95,000" in old and "The plan has changed since." in old
    text = " ".join(pdf_text(client.get(f"{PLAN}.pdf").data, tmp_path).split())
    assert CHANGED not in text and APPROVED in text


def test_changes_list_added_removed_and_changed(council, login_as, ctx):
    ids = _fill_plan(ctx)
    _approve(ctx, login_as, council["motion"], council["members"])
    with saving(ctx) as session:
        plan = session.get(SchoolPlan, ids["plan"])
        goal = plan.goals[0]
        goal.statement = {"en": "Every student reads at grade level"}
        plan.investments.append(
            Investment(
                goal_id=goal.id, description={"en": "Library books"}, cost_cents=500_000, priority=2
            )
        )
        session.get(Investment, ids["investment"]).budget_lines[0].cents = 9_000_000
    with ctx() as session:
        plan = session.get(SchoolPlan, ids["plan"])
        (version,) = plan_versions.versions(plan.id)
        changes = plan_versions.changes_since(version, plan)
        found = {(c.kind, c.what, c.text.get("en"), c.before_cents, c.after_cents) for c in changes}
        assert found == {
            ("changed", "goal", "Every student reads at grade level", None, None),
            ("added", "investment", "Library books", None, 500_000),
            ("amount", "budget_line", "Reading tutors", 9_500_000, 9_000_000),
        }
        plan.investments.remove(session.get(Investment, ids["investment"]))
        session.flush()
        removed = [c for c in plan_versions.changes_since(version, plan) if c.kind == "removed"]
        assert [(c.what, c.before_cents) for c in removed] == [("investment", 9_500_000)]
        session.rollback()


def test_a_version_cannot_be_edited_or_deleted(council, login_as, ctx):
    _fill_plan(ctx)
    _approve(ctx, login_as, council["motion"], council["members"])
    with ctx() as session:
        version = session.scalars(select(PlanVersion)).one()
        version.tally = "9–0–0"
        with pytest.raises(IllegalMove):
            session.flush()
        session.rollback()
        version = session.scalars(select(PlanVersion)).one()
        session.delete(version)
        with pytest.raises(IllegalMove):
            session.flush()
        session.rollback()
        assert session.scalars(select(PlanVersion)).one().tally == "7–0–0"


@pytest.mark.parametrize("lang", ["es", "ar"])
def test_version_pages_render_in_every_language(council, login_as, ctx, client, lang):
    ids = _fill_plan(ctx)
    _approve(ctx, login_as, council["motion"], council["members"])
    _raise_tutoring(ctx, ids)
    for url in (PLAN, BUDGET, f"{PLAN}/versions/1", f"{PLAN}.pdf"):
        response = client.get(url, query_string={"lang": lang})
        assert response.status_code == 200, (lang, url)
    # Until the catalogs carry the new strings, the notice's structure is what is checked.
    html = client.get(PLAN, query_string={"lang": lang}).get_data(as_text=True)
    assert 'class="notice changed-notice"' in html and "/plan/versions/1" in html
    version = client.get(f"{PLAN}/versions/1", query_string={"lang": lang}).get_data(as_text=True)
    assert 'class="status approved"' in version and "changed-notice" not in version


def test_approving_in_the_same_session_as_typing_finds_nothing_changed(council, ctx):
    """The demo's path: goals typed (baseline 60, an int) and approved by close_motion in one
    transaction; read back later (60.00), the plan is still what was approved. The version is
    on the audit log."""
    from portal.models import AuditEntry, District
    from portal.services import votes

    ids = _fill_plan(ctx)
    with saving(ctx) as session:
        session.get(SchoolPlan, ids["plan"]).goals[0].baseline = 60
        motion = session.get(Motion, council["motion"])
        for member_id in council["members"][:7]:
            motion.votes.append(
                MotionVote(member_id=member_id, choice="yes", recorded_at=datetime.now(UTC))
            )
        session.flush()
        votes.close_motion(motion, session.scalars(select(District)).one(), None)
    with ctx() as session:
        plan = session.get(SchoolPlan, ids["plan"])
        (version,) = plan_versions.versions(plan.id)
        assert plan_versions.changes_since(version, plan, plan_versions.school_money(plan)) == []
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "plan.version_frozen")
        ).one()
        assert entry.object_id == plan.id and entry.detail["version"] == 1


def test_a_new_allocation_is_a_change_too(council, login_as, ctx):
    """The approved plan rested on the school's allocation: when the district's published money
    for the school changes, the notice says so with the before and after."""
    from types import SimpleNamespace

    ids = _fill_plan(ctx)
    _approve(ctx, login_as, council["motion"], council["members"])
    with ctx() as session:
        plan = session.get(SchoolPlan, ids["plan"])
        (version,) = plan_versions.versions(plan.id)
        before = version.snapshot["allocation"]["total_cents"]
        money = SimpleNamespace(total_cents=before + 100_000, sources=[])
        (change,) = plan_versions.changes_since(version, plan, money)
        assert (change.what, change.before_cents, change.after_cents) == (
            "allocation",
            before,
            before + 100_000,
        )


def test_a_returned_plan_keeps_its_versions_but_not_its_approval_line(
    council, login_as, ctx, client
):
    """The district's return undoes the council's approval until a new motion passes: the plan
    page no longer prints the approval line, and version 1 still does."""
    ids = _fill_plan(ctx)
    _approve(ctx, login_as, council["motion"], council["members"])
    with saving(ctx) as session:
        plan = session.get(SchoolPlan, ids["plan"])
        plan.submit(None, datetime.now(UTC))
        plan.return_to_school(None, datetime.now(UTC), "Say how tutoring is measured.")
    page = _text(client, PLAN)
    assert APPROVED not in page and CHANGED not in page
    assert "Version 1, approved on" in page
    assert APPROVED in _text(client, f"{PLAN}/versions/1")
