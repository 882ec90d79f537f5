"""District-level committees (a DELAC): district staff create and run them, members vote on
their phones, the meeting is on the district calendar feed, and the public pages (linked from
the district's home page) show the roster, meetings, agendas, decisions and minutes."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.extensions import db
from portal.models import Committee, District, Meeting, Role
from portal.models.base import utcnow
from portal.models.committees import DISTRICT_KINDS, SCHOOL_KINDS, CommitteeKind
from portal.services.committees import composition_problems
from tests.conftest import visible_text

DELAC = {
    "kind": "delac",
    "name_en": "District English Learner Advisory Committee",
    "name_es": "Comité Asesor del Distrito para Estudiantes de Inglés",
    "purpose_en": "Advises the board on programs for English learners.",
}


def test_delac_majority_rule():
    """Education Code § 52176(a): parents of English learners not employed by the district
    are a majority."""
    parents = [("parent", True, False)] * 3
    assert composition_problems("delac", [*parents, ("staff", False, True)], 0) == []
    # Half is not a majority; a parent who works for the district does not count.
    assert composition_problems("delac", [*parents[:2], ("teacher", False, True)] * 1, 0) == []
    assert composition_problems(
        "delac", [*parents[:2], ("parent", True, True), ("teacher", False, True)], 0
    ) == ["delac_parents"]
    assert composition_problems("delac", [("parent", False, False), ("community", False)], 0) == [
        "delac_parents"
    ]
    # No rule is invented for the budget committee or the advisory council.
    assert composition_problems("district_budget", [("teacher", False, True)], 0) == []
    assert set(DISTRICT_KINDS).isdisjoint(SCHOOL_KINDS)
    assert CommitteeKind.DELAC.district_level and not CommitteeKind.ELAC.district_level


def _meeting_form(day, title):
    return {"title_en": title, "day": day.isoformat(), "starts": "18:00", "place": "Board room",
            "interpretation": "1", "sample": ""}  # fmt: skip


@pytest.fixture
def delac(funded, login_as, ctx):
    """A DELAC created by district staff through the screens, with three members (two of whom
    vote on the portal) and a meeting ten days ahead."""
    staff = login_as(Role.DISTRICT)
    created = staff.post("/manage/district/committees", data=DELAC)
    assert created.status_code == 303, created.get_data(as_text=True)
    committee_url = created.headers["Location"]
    committee_id = int(committee_url.rstrip("/").rsplit("/", 1)[1])
    voters = [login_as(Role.COUNCIL), login_as(Role.COUNCIL)]
    members = [
        {"name": "Rosa Díaz", "seat": "parent", "officer": "chair", "term_start": "2026-07-01",
         "email": voters[0].email, "name_public": "1", "parent_of_english_learner": "1"},
        {"name": "Tuan Le", "seat": "parent", "officer": "", "term_start": "2026-07-01",
         "email": voters[1].email, "name_public": "1", "parent_of_english_learner": "1"},
        {"name": "Dana Fox", "seat": "staff", "officer": "", "term_start": "2026-07-01",
         "district_employee": "1"},
    ]  # fmt: skip
    for member in members:
        added = staff.post(f"/manage/committees/{committee_id}/members", data=member)
        assert added.status_code == 303, added.get_data(as_text=True)
    with ctx():
        zone = ZoneInfo(db.session.get(District, funded["id"]).timezone)
    day = (utcnow() + timedelta(days=10)).astimezone(zone).date()
    scheduled = staff.post(
        f"/manage/committees/{committee_id}/meetings", data=_meeting_form(day, "Fall DELAC")
    )
    assert scheduled.status_code == 303, scheduled.get_data(as_text=True)
    meeting_id = int(scheduled.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    return {"staff": staff, "id": committee_id, "meeting": meeting_id, "voters": voters, "day": day}


def test_only_district_staff_create_district_committees(funded, login_as, ctx):
    principal = login_as(Role.PRINCIPAL)
    assert principal.get("/manage/district/committees").status_code == 403
    assert principal.post("/manage/district/committees", data=DELAC).status_code == 403
    staff = login_as(Role.DISTRICT)
    assert staff.get("/manage/district/committees").status_code == 200
    # A school's kind is refused here, and a district kind on a school's page.
    refused = staff.post("/manage/district/committees", data={**DELAC, "kind": "ssc"})
    assert refused.status_code == 422
    refused = staff.post("/manage/schools/maple-elementary/committees", data=DELAC)
    assert refused.status_code == 422
    with ctx():
        assert db.session.query(Committee).count() == 0


def test_a_delac_meets_votes_and_keeps_minutes(delac, login_as, ctx, client):
    staff, committee_id, meeting_id = delac["staff"], delac["id"], delac["meeting"]
    with ctx():
        committee = db.session.get(Committee, committee_id)
        assert committee.school_id is None and committee.district_id is not None
        assert committee.is_district_committee
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.event_id is not None
        members = {m.name: m.id for m in committee.members}

    # The principal of a school neither manages nor runs the district's committee.
    principal = login_as(Role.PRINCIPAL)
    assert principal.get(f"/manage/committees/{committee_id}").status_code == 403
    assert principal.get(f"/manage/meetings/{meeting_id}").status_code == 403
    assert staff.get(f"/manage/committees/{committee_id}").status_code == 200

    # On the district calendar feed (district-wide: no school).
    feed = client.get("/calendar.ics").get_data(as_text=True)
    assert "Fall DELAC" in feed

    # The agenda, posted in time.
    url = f"/manage/meetings/{meeting_id}"
    assert staff.post(f"{url}/agenda", data={"item_en": "Reclassification"}).status_code == 303
    assert (
        client.get(f"/meetings/{meeting_id}").get_data(as_text=True).count("Reclassification") == 0
    )  # not public before it is posted
    assert staff.post(f"{url}/post").status_code == 303
    page = visible_text(client.get(f"/meetings/{meeting_id}").get_data(as_text=True))
    assert "Reclassification" in page and "Posted late" not in page
    # A posted district agenda takes comments, as a school's (each item links to its form).
    assert "Comment" in page
    assert "/feedback/agenda_item/" in client.get(f"/meetings/{meeting_id}").get_data(as_text=True)

    # A vote: two of three present, both vote yes on their phones.
    present = [members["Rosa Díaz"], members["Tuan Le"]]
    assert staff.post(f"{url}/attendance", data={"present": present}).status_code == 303
    rosa, tuan = str(members["Rosa Díaz"]), str(members["Tuan Le"])
    motion = {"motion_en": "Recommend the EL master plan", "subject": "other",
              "mover_id": rosa, "seconder_id": tuan}  # fmt: skip
    # A district committee's motion approves no school's plan or budget.
    assert staff.post(f"{url}/motions", data={**motion, "subject": "plan"}).status_code == 422
    assert staff.post(f"{url}/motions", data=motion).status_code == 303
    with ctx():
        motion_id = db.session.get(Meeting, meeting_id).motions[0].id
    for voter in delac["voters"]:
        cast = voter.post(
            f"/meetings/{meeting_id}/vote", data={"motion_id": motion_id, "choice": "yes"}
        )
        assert cast.status_code == 303, cast.get_data(as_text=True)
    # A member's workspace lists the district committee's open vote beside any school's.
    desk = visible_text(delac["voters"][0].get("/manage/").get_data(as_text=True))
    assert "Recommend the EL master plan" in desk and "District" in desk
    assert staff.post(f"/manage/motions/{motion_id}/close").status_code == 303
    page = visible_text(client.get(f"/meetings/{meeting_id}").get_data(as_text=True))
    assert "Passed, 2–0–0" in page

    # Minutes: drafted by the district, approved at the next meeting, then public.
    with ctx():
        item_id = db.session.get(Meeting, meeting_id).agenda[0].id
    drafted = staff.post(
        f"{url}/minutes",
        data={f"discussion_{item_id}": "Parents asked for the reclassification criteria.",
              f"input_{item_id}": "Publish them in Spanish.", "correction_note": ""},
    )  # fmt: skip
    assert drafted.status_code == 303, drafted.get_data(as_text=True)
    later = staff.post(
        f"/manage/committees/{committee_id}/meetings",
        data=_meeting_form(delac["day"] + timedelta(days=30), "Winter DELAC"),
    )
    later_id = int(later.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    approved = staff.post(f"{url}/minutes/approve", data={"at_meeting_id": str(later_id)})
    assert approved.status_code == 303, approved.get_data(as_text=True)
    page = visible_text(client.get(f"/meetings/{meeting_id}").get_data(as_text=True))
    assert "reclassification criteria" in page
    archive = client.get(f"/committees/{committee_id}/minutes")
    assert archive.status_code == 200


@pytest.mark.parametrize("lang", ["en", "es", "ar"])
def test_public_pages_in_every_language(delac, client, lang):
    committee_id, meeting_id = delac["id"], delac["meeting"]
    home = client.get(f"/?lang={lang}").get_data(as_text=True)
    assert 'href="/committees"' in home
    listing = client.get(f"/committees?lang={lang}")
    assert listing.status_code == 200
    name = "Comité Asesor" if lang == "es" else "District English Learner Advisory Committee"
    assert name in listing.get_data(as_text=True)
    page = client.get(f"/committees/{committee_id}?lang={lang}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert name in html and "Rosa Díaz" in html and "Fall DELAC" in html
    assert f'href="/meetings/{meeting_id}"' in html
    assert 'href="/committees"' in html  # the breadcrumb leads back to the district's list
    assert client.get(f"/meetings/{meeting_id}?lang={lang}").status_code == 200
    assert client.get(f"/committees/{committee_id}/minutes?lang={lang}").status_code == 200


def test_composition_problem_is_shown(delac, ctx, client):
    """One more district employee makes the parents of English learners only half."""
    staff = delac["staff"]
    extra = {"name": "Sam Roe", "seat": "teacher", "officer": "", "term_start": "2026-07-01",
             "district_employee": "1"}  # fmt: skip
    assert staff.post(f"/manage/committees/{delac['id']}/members", data=extra).status_code == 303
    message = "Parents of English learners who are not district employees should be a majority"
    assert message in client.get(f"/committees/{delac['id']}").get_data(as_text=True)
    assert message in staff.get(f"/manage/committees/{delac['id']}").get_data(as_text=True)


def test_another_districts_committee_is_not_found(delac, ctx, client):
    with ctx() as session:
        other = District(name="Elsewhere Unified", slug="elsewhere", default_locale="en")
        session.add(other)
        session.flush()
        foreign = Committee(district_id=other.id, kind="delac", name={"en": "Their DELAC"})
        foreign.meetings.append(
            Meeting(title={"en": "Theirs"}, starts_at=utcnow() + timedelta(days=3))
        )
        session.add(foreign)
        session.commit()
        committee_id, meeting_id = foreign.id, foreign.meetings[0].id
    assert client.get(f"/committees/{committee_id}").status_code == 404
    assert client.get(f"/meetings/{meeting_id}").status_code == 404
    assert delac["staff"].get(f"/manage/committees/{committee_id}").status_code == 404
    assert "Their DELAC" not in client.get("/committees").get_data(as_text=True)


def test_a_district_agenda_takes_comments_district_staff_moderate(delac, login_as, ctx, client):
    """Issue 13 item 5: feedback works for a district committee as for a school's. A comment on
    a DELAC's posted agenda waits for review; district staff (not a principal) publish it on
    the district's moderation page; then it shows on the public meeting page. An agenda not
    yet posted takes none."""
    from portal.models import AgendaItem, Feedback

    staff, meeting_id = delac["staff"], delac["meeting"]
    url = f"/manage/meetings/{meeting_id}"
    assert staff.post(f"{url}/agenda", data={"item_en": "Reclassification"}).status_code == 303
    with ctx():
        item_id = db.session.query(AgendaItem).filter_by(meeting_id=meeting_id).one().id
    comment = {"target_type": "agenda_item", "target_id": str(item_id),
               "body": "Please explain the reclassification criteria."}  # fmt: skip
    # Not posted: not public, so no comments.
    assert client.post("/feedback", data=comment).status_code == 404
    assert staff.post(f"{url}/post").status_code == 303
    sent = client.post("/feedback", data=comment)
    assert sent.status_code == 303 and sent.location.endswith(f"/meetings/{meeting_id}")
    with ctx():
        row = db.session.query(Feedback).one()
        district_id = db.session.get(Committee, delac["id"]).district_id
        assert row.school_id is None and row.district_id == district_id
        assert row.visibility == "pending"
        feedback_id = row.id
    page = visible_text(client.get(f"/meetings/{meeting_id}").get_data(as_text=True))
    assert "reclassification criteria" not in page  # waiting for review

    # A principal neither sees the district's queue nor moderates its comments.
    principal = login_as(Role.PRINCIPAL)
    assert principal.get("/manage/district/feedback").status_code == 403
    moderate = f"/manage/district/feedback/{feedback_id}"
    assert principal.post(moderate, data={"action": "approve"}).status_code == 403
    assert (
        principal.post(
            f"/manage/schools/maple-elementary/feedback/{feedback_id}", data={"action": "approve"}
        ).status_code
        == 404
    )
    queue = staff.get("/manage/district/feedback")
    assert queue.status_code == 200
    assert "reclassification criteria" in visible_text(queue.get_data(as_text=True))
    assert "Community feedback: district committees" in visible_text(
        staff.get("/manage/").get_data(as_text=True)
    )
    # Hiding needs a reason (422, kept on the same page); then publish and answer.
    assert staff.post(moderate, data={"action": "hide", "reason": " "}).status_code == 422
    published = staff.post(moderate, data={"action": "approve"})
    assert published.status_code == 303
    assert published.location.endswith("/manage/district/feedback")
    answer = {"action": "answer", "status": "considered", "answer": "The criteria are on page 3.",
              "what_changed": ""}  # fmt: skip
    assert staff.post(moderate, data=answer).status_code == 303
    page = visible_text(client.get(f"/meetings/{meeting_id}").get_data(as_text=True))
    assert "Please explain the reclassification criteria." in page
    assert "The criteria are on page 3." in page
    with ctx():
        assert db.session.get(Feedback, feedback_id).visibility == "visible"
