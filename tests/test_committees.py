"""Committees: composition and quorum rules, the agenda posting rule, voting on a phone, closed
votes that cannot change, and a passed motion approving the budget on the public page."""

from contextlib import contextmanager
from datetime import UTC, datetime

from portal.models import (
    Meeting,
    Motion,
    MotionVote,
    Role,
    SchoolPlan,
)
from portal.services.committees import composition_problems, decide, has_quorum
from tests.committee_helpers import link_user
from tests.conftest import visible_text


@contextmanager
def saving(ctx):
    with ctx() as session:
        yield session
        session.commit()


def test_site_council_composition_rules():
    balanced = [
        ("principal", False),
        ("teacher", False),
        ("teacher", False),
        ("parent", False),
        ("parent", False),
        ("community", False),
    ]
    assert composition_problems("ssc", balanced, 0) == []
    assert "ssc_balance" in composition_problems("ssc", [*balanced, ("parent", False)], 0)
    few_teachers = [
        ("principal", False),
        ("staff", False),
        ("teacher", False),
        ("parent", False),
        ("parent", False),
        ("parent", False),
    ]
    assert "ssc_teachers" in composition_problems("ssc", few_teachers, 0)
    assert "ssc_principal" in composition_problems(
        "ssc", [("teacher", False), ("parent", False)], 0
    )
    elac = [("parent", True), ("parent", False), ("teacher", False), ("parent", True)]
    assert composition_problems("elac", elac, 0.5) == []
    assert composition_problems("elac", elac, 0.6) == ["elac_parents"]


def test_quorum_and_majority():
    assert has_quorum(6, 10, 50) and not has_quorum(5, 10, 50) and not has_quorum(0, 0, 50)
    assert decide(["yes"] * 7 + ["no", "abstain"], 9, 10, 50).tally == "7–1–1"
    assert decide(["yes"] * 7 + ["no", "abstain"], 9, 10, 50).passed
    failed = decide(["yes"] * 4, 4, 10, 50)
    assert not failed.passed and failed.reason == "no_quorum"
    tie = decide(["yes", "no", "abstain"] * 2, 6, 10, 50)
    assert not tie.passed and tie.reason == "not_majority"


def test_a_member_votes_on_a_phone_and_the_record_closes(council, login_as, ctx, client):
    voter = login_as(Role.COUNCIL)
    link_user(ctx, voter, council["members"][2])
    outsider = login_as(Role.COUNCIL)
    vote_url = f"/meetings/{council['meeting']}/vote"
    assert voter.get(vote_url).status_code == 200
    assert outsider.get(vote_url).status_code == 403  # not a member of this committee
    assert (
        outsider.post(vote_url, data={"motion_id": council["motion"], "choice": "yes"}).status_code
        == 403
    )
    assert (
        voter.post(vote_url, data={"motion_id": council["motion"], "choice": "no"}).status_code
        == 303
    )
    assert (
        voter.post(vote_url, data={"motion_id": council["motion"], "choice": "yes"}).status_code
        == 303
    )  # changed while open
    with saving(ctx) as session:
        motion = session.get(Motion, council["motion"])
        assert [v.choice for v in motion.votes] == ["yes"]
        # The rest of the room, recorded by the secretary: 7 yes, 1 no, 1 abstain in all.
        for member_id, choice in zip(
            council["members"][3:9], ["yes"] * 4 + ["no", "abstain"], strict=True
        ):
            motion.votes.append(
                MotionVote(member_id=member_id, choice=choice, recorded_at=datetime.now(UTC))
            )
        motion.votes.append(
            MotionVote(member_id=council["members"][0], choice="yes", recorded_at=datetime.now(UTC))
        )
        motion.votes.append(
            MotionVote(member_id=council["members"][1], choice="yes", recorded_at=datetime.now(UTC))
        )
    principal = login_as(Role.PRINCIPAL)
    tally = principal.get(
        f"/manage/motions/{council['motion']}/tally",
        headers={"HX-Request": "true", "HX-Target": f"tally-{council['motion']}"},
    )
    assert "<html" not in tally.get_data(
        as_text=True
    ) and "Yes 7 · No 1 · Abstain 1" in visible_text(tally.get_data(as_text=True))
    assert principal.post(f"/manage/motions/{council['motion']}/close").status_code == 303
    # Closed: the vote cannot change, and closing again is refused.
    refused = voter.post(vote_url, data={"motion_id": council["motion"], "choice": "no"})
    assert refused.status_code == 409 and "This vote is closed" in refused.get_data(as_text=True)
    assert principal.post(f"/manage/motions/{council['motion']}/close").status_code == 409
    with ctx() as session:
        motion = session.get(Motion, council["motion"])
        assert motion.passed and motion.tally == "7–1–1"
        assert sorted(v.choice for v in motion.votes).count("yes") == 7
    budget = visible_text(client.get("/schools/maple-elementary/budget").get_data(as_text=True))
    assert "Approved by the School Site Council on" in budget and "7–1–1" in budget
    meeting_page = visible_text(
        client.get(f"/meetings/{council['meeting']}").get_data(as_text=True)
    )
    assert "Passed, 7–1–1" in meeting_page


def test_without_a_quorum_the_motion_fails_with_the_reason(council, login_as, ctx):
    with saving(ctx) as session:
        meeting = session.get(Meeting, council["meeting"])
        meeting.present_member_ids = council["members"][:4]
        motion = session.get(Motion, council["motion"])
        for member_id in council["members"][:4]:
            motion.votes.append(
                MotionVote(member_id=member_id, choice="yes", recorded_at=datetime.now(UTC))
            )
    principal = login_as(Role.PRINCIPAL)
    principal.post(f"/manage/motions/{council['motion']}/close")
    page = visible_text(
        principal.get(f"/manage/meetings/{council['meeting']}").get_data(as_text=True)
    )
    assert "not enough members were present for a quorum (4–0–0)" in page
    with ctx() as session:
        assert session.get(Motion, council["motion"]).passed is False
        assert session.query(SchoolPlan).one().status == "shared"


def test_public_committee_page_names_only_those_who_agreed(council, client):
    page = visible_text(client.get(f"/committees/{council['committee']}").get_data(as_text=True))
    assert "Member 0" in page and "Member 1" not in page and "Teacher member" in page
    assert "Reviews and approves the plan and budget." in page


def test_an_agenda_posted_late_is_marked_on_the_record(council, login_as, client):
    principal = login_as(Role.PRINCIPAL)
    page = visible_text(
        principal.get(f"/manage/meetings/{council['meeting']}").get_data(as_text=True)
    )
    assert "That time has passed" in page  # the meeting is in an hour; 72 hours are required
    principal.post(f"/manage/meetings/{council['meeting']}/agenda", data={"item_en": "Budget vote"})
    assert "not posted yet" in visible_text(
        client.get(f"/meetings/{council['meeting']}").get_data(as_text=True)
    )
    principal.post(f"/manage/meetings/{council['meeting']}/post")
    public = visible_text(client.get(f"/meetings/{council['meeting']}").get_data(as_text=True))
    assert "Budget vote" in public and "Posted late" in public
