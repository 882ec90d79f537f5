"""Committees: composition and quorum rules, the agenda posting rule, voting on a phone, closed
votes that cannot change, and a passed motion approving the budget on the public page."""

import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from portal.models import (
    CommitteeMember,
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
    assert re.search(r"Approved by the School Site Council on \w+, \w+ \d+, \d{4}, 7–1–1", budget)
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


XSS = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>',
       "javascript:alert(1)", "<a href=javascript:alert(1)>x</a>"]  # fmt: skip


def test_agenda_items_are_inert_text(council, login_as, client):
    from tests.test_bulletins import live_markup

    principal = login_as(Role.PRINCIPAL)
    principal.post(f"/manage/meetings/{council['meeting']}/agenda", data={"item_en": " ".join(XSS)})
    principal.post(f"/manage/meetings/{council['meeting']}/post")
    html = client.get(f"/meetings/{council['meeting']}").get_data(as_text=True)
    main = html[html.find("<main") :]
    assert "&lt;script&gt;" in main and live_markup(main) == []


def test_a_meeting_from_a_sample_agenda_lands_in_the_calendar(council, login_as, ctx, client):
    from portal.models import CalendarEvent

    principal = login_as(Role.PRINCIPAL)
    response = principal.post(
        f"/manage/committees/{council['committee']}/meetings",
        data={"sample": "spring", "day": "2027-04-22", "starts": "18:00", "place": "Library"},
    )
    assert response.status_code == 303
    with ctx() as session:
        meeting = session.query(Meeting).order_by(Meeting.id.desc()).first()
        assert (
            meeting.title["es"] == "Primavera: aprobar el presupuesto" and len(meeting.agenda) == 4
        )
        event = session.get(CalendarEvent, meeting.event_id)
        assert (
            event.phase == "decide"
            and event.kind == "site_council"
            and event.title["zh_Hans"] == "春季：批准预算"
        )
    assert (
        principal.post(
            f"/manage/committees/{council['committee']}/meetings", data={"day": "x"}
        ).status_code
        == 422
    )
    feed = client.get("/schools/maple-elementary/calendar.ics?lang=vi").get_data(as_text=True)
    assert "Mùa xuân: phê duyệt ngân sách" in feed.replace("\r\n ", "")


def test_uploads_are_judged_by_content_not_by_name(council, login_as, client):
    import io

    from PIL import Image

    principal = login_as(Role.PRINCIPAL)
    url = f"/manage/meetings/{council['meeting']}/documents"
    for name, data in (
        ("agenda.pdf", b"<html><script>alert(1)</script></html>"),
        ("photo.jpg", b"MZ\x90\x00 not a picture"),
        ("budget.pdf", b"%PDF-1.4 but never ends"),
    ):
        response = principal.post(
            url,
            data={"title": "Budget", "document": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )
        assert response.status_code == 422, name
        assert "not a PDF or a picture" in response.get_data(as_text=True)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    assert (
        principal.post(
            url,
            data={"title": "Draft budget", "document": (io.BytesIO(pdf), "x.png")},
            content_type="multipart/form-data",
        ).status_code
        == 303
    )
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(buffer, "PNG")
    assert (
        principal.post(
            url,
            data={"title": "Photo", "document": (io.BytesIO(buffer.getvalue()), "photo.pdf")},
            content_type="multipart/form-data",
        ).status_code
        == 303
    )
    page = client.get(f"/meetings/{council['meeting']}").get_data(as_text=True)
    links = re.findall(r'href="(/meetings/\d+/documents/\d+)"', page)
    assert len(links) == 2
    first = client.get(links[0])
    assert first.headers["Content-Type"] == "application/pdf" and first.headers[
        "Content-Disposition"
    ].startswith("attachment")
    assert (
        first.headers["X-Content-Type-Options"] == "nosniff"
        and "sandbox" in first.headers["Content-Security-Policy"]
    )
    second = client.get(links[1])
    assert second.headers["Content-Type"] in ("image/jpeg", "image/png") and Image.open(
        io.BytesIO(second.data)
    ).size == (40, 30)


def test_the_audit_log_is_for_admins_and_lists_votes(council, login_as, ctx):
    voter = login_as(Role.COUNCIL)
    link_user(ctx, voter, council["members"][2])
    voter.post(
        f"/meetings/{council['meeting']}/vote",
        data={"motion_id": council["motion"], "choice": "yes"},
    )
    assert login_as(Role.PRINCIPAL).get("/manage/audit").status_code == 403
    admin = login_as(Role.ADMIN)
    page = visible_text(admin.get("/manage/audit").get_data(as_text=True))
    assert "vote.cast" in page and f"motion {council['motion']}" in page
    with ctx() as session:
        from portal.models import User

        name = session.query(User).filter_by(email=voter.email).one().name
    assert name in page  # who, by name, not by number
    assert admin.get("/manage/audit?page=abc").status_code == 200  # a bad page is page 1
    assert admin.get("/manage/audit?page=2").status_code == 200


def test_minutes_from_draft_through_amendment_to_approval_and_correction(
    council, login_as, ctx, client
):
    from portal.models import AgendaItem, MinutesVersion
    from tests.test_bulletins import live_markup

    with saving(ctx) as session:
        meeting = session.get(Meeting, council["meeting"])
        meeting.agenda.append(AgendaItem(title={"en": "Budget"}, position=0))
        later = Meeting(
            title={"en": "Next meeting"}, starts_at=meeting.starts_at + timedelta(days=30)
        )
        meeting.committee.meetings.append(later)
        session.flush()
        item_id, later_id = meeting.agenda[0].id, later.id
    principal = login_as(Role.PRINCIPAL)
    url = f"/manage/meetings/{council['meeting']}/minutes"
    payload = " ".join(XSS)
    assert (
        principal.post(
            url,
            data={
                f"discussion_{item_id}": f"Después de hablar, the council agreed. {payload}",
                f"input_{item_id}": "Parents asked for more tutoring.",
            },
        ).status_code
        == 303
    )
    public = f"/meetings/{council['meeting']}"
    assert "the council agreed" not in client.get(public).get_data(
        as_text=True
    )  # drafts are private
    # A member who attended proposes an amendment; one who did not cannot.
    member = login_as(Role.COUNCIL)
    link_user(ctx, member, council["members"][2])
    absent = login_as(Role.COUNCIL)
    link_user(ctx, absent, council["members"][9])  # not marked present
    amend = f"/meetings/{council['meeting']}/minutes/amendments"
    assert absent.post(amend, data={"item_key": item_id, "text": "No."}).status_code == 403
    assert (
        member.post(
            amend, data={"item_key": item_id, "text": f"The council agreed 7–1–1. {payload}"}
        ).status_code
        == 303
    )
    approve = f"/manage/meetings/{council['meeting']}/minutes/approve"
    principal.post(approve, data={"at_meeting_id": later_id})
    with ctx() as session:
        draft = session.query(MinutesVersion).one()
        assert draft.status == "draft"  # a proposed amendment is still open
        amendment_id = draft.amendments[0].id
        minutes_id = draft.id
    principal.post(
        f"/manage/minutes/{minutes_id}/amendments/{amendment_id}",
        data={"decision": "accepted", "note": "Clearer"},
    )
    assert (
        principal.post(approve, data={"at_meeting_id": council["meeting"]}).status_code == 422
    )  # not a later one
    principal.post(approve, data={"at_meeting_id": later_id})
    html = client.get(public).get_data(as_text=True)
    main = html[html.find("<main") :]
    assert "The council agreed 7–1–1." in main and "Parents asked for more tutoring." in main
    assert live_markup(main) == []
    # Approved minutes never change silently: a correction is version 2, with its note.
    principal.post(url, data={f"discussion_{item_id}": "Changed quietly"})
    with ctx() as session:
        assert session.query(MinutesVersion).count() == 1  # refused without a note
    principal.post(
        url,
        data={
            "correction_note": "The vote count was wrong",
            f"discussion_{item_id}": "Después de contar, the council agreed 6–2–1.",
        },
    )
    with saving(ctx) as session:
        second = session.query(MinutesVersion).filter_by(version=2).one()
        assert second.status == "draft"
    principal.post(approve, data={"at_meeting_id": later_id})
    page = visible_text(client.get(public).get_data(as_text=True))
    assert (
        "Version 2, corrected: The vote count was wrong" in page
        and "6–2–1" in page
        and "Earlier versions" in page
    )
    archive = visible_text(
        client.get(f"/committees/{council['committee']}/minutes?q=DESPUÉS").get_data(as_text=True)
    )
    assert "Spring: approve the budget" in archive
    none = visible_text(
        client.get(f"/committees/{council['committee']}/minutes?q=zzzz").get_data(as_text=True)
    )
    assert "No minutes found." in none


def test_the_secretary_records_votes_only_for_members_present(council, login_as, ctx):
    principal = login_as(Role.PRINCIPAL)
    members = council["members"]
    data = {
        f"vote-{members[0]}": "yes",
        f"vote-{members[1]}": "no",
        f"vote-{members[9]}": "yes",
    }  # 9 is absent
    assert (
        principal.post(f"/manage/motions/{council['motion']}/votes", data=data).status_code == 303
    )
    with ctx() as session:
        votes = {v.member_id: v.choice for v in session.get(Motion, council["motion"]).votes}
    assert votes == {members[0]: "yes", members[1]: "no"}
    principal.post(f"/manage/motions/{council['motion']}/close")
    assert (
        principal.post(f"/manage/motions/{council['motion']}/votes", data=data).status_code == 409
    )


def test_the_approved_plan_has_a_signature_page(council, login_as, ctx, client, tmp_path):
    from tests.conftest import pdf_text

    assert (
        client.get("/schools/maple-elementary/plan/signatures.pdf").status_code == 404
    )  # nothing approved
    with saving(ctx) as session:
        motion = session.get(Motion, council["motion"])
        for member_id in council["members"][:7]:
            motion.votes.append(
                MotionVote(member_id=member_id, choice="yes", recorded_at=datetime.now(UTC))
            )
        session.get(CommitteeMember, council["members"][1]).officer = "chair"
    login_as(Role.PRINCIPAL).post(f"/manage/motions/{council['motion']}/close")
    response = client.get("/schools/maple-elementary/plan/signatures.pdf?lang=es")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    text = pdf_text(response.data, tmp_path)
    assert "Maple Elementary" in text and "7–0–0" in text and "Approve the 2026-27 budget" in text


def test_the_quorum_is_set_per_committee(council, login_as, ctx):
    from portal.models import Committee

    principal = login_as(Role.PRINCIPAL)
    url = f"/manage/committees/{council['committee']}/rules"
    assert principal.post(url, data={"quorum_percent": "150"}).status_code == 422
    assert principal.post(url, data={"quorum_percent": "66"}).status_code == 303
    with ctx() as session:
        assert session.get(Committee, council["committee"]).quorum_percent == 66
    assert login_as(Role.COUNCIL).post(url, data={"quorum_percent": "10"}).status_code == 403


def test_officers_run_meetings_but_only_the_school_edits_roster_and_quorum(council, login_as, ctx):
    """A chair sees the meeting forms; the roster and quorum forms (which would answer 403)
    are shown only to the school's editors, and the chair reads the quorum instead."""
    chair = login_as(Role.COUNCIL)
    link_user(ctx, chair, council["members"][1])
    with saving(ctx) as session:
        session.get(CommitteeMember, council["members"][1]).officer = "chair"
    url = f"/manage/committees/{council['committee']}"
    page = chair.get(url).get_data(as_text=True)
    assert "Add a meeting" in page
    assert "Add a member" not in page and 'name="quorum_percent"' not in page
    assert "A vote needs more than 50% of the seated members present." in page
    staff = login_as(Role.PRINCIPAL).get(url).get_data(as_text=True)
    assert "Add a member" in staff and 'name="quorum_percent"' in staff
