"""Votes are the members' own, and only a passed motion approves a plan.

- The secretary's form records only members present who have not voted; a member's own phone
  vote is shown read-only and never overwritten; each row names who recorded its choice.
- Twenty identical votes sent at the same moment to a real server store one row, and every
  request gets an answer (no 5xx), on SQLite and on PostgreSQL.
- Where the district calls for roll calls, the public meeting page shows each member's vote
  after the close (the name only with the member's consent), otherwise the totals only.
- A decision a past meeting took on paper is recorded afterwards, with the signed page; the
  public record says by whom and when, and the plan is approved through the close of the vote.
- No POST route, sent by any role with plausible data, approves a plan without a passed motion.
"""

import http.cookiejar
import io
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from portal.models import (
    AuditEntry,
    CommitteeMember,
    District,
    Meeting,
    MeetingDocument,
    Motion,
    MotionVote,
    Role,
    SchoolPlan,
    User,
)
from tests.committee_helpers import link_user, saving
from tests.conftest import PASSWORD, visible_text

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CONCURRENT = 20


def _vote_url(council) -> str:
    return f"/meetings/{council['meeting']}/vote"


def _votes(ctx, council) -> dict:
    with ctx() as session:
        return {
            v.member_id: (v.choice, v.recorded_by_id)
            for v in session.get(Motion, council["motion"]).votes
        }


def _text(html: str) -> str:
    """The visible text, names isolated in <bdi> read as typed ("Member 2: No")."""
    return visible_text(html).replace(" :", ":")


def _user_id(ctx, client) -> int:
    with ctx() as session:
        return session.query(User).filter_by(email=client.email).one().id


# -- The secretary never overwrites a member's own vote -----------------------------------------


def test_the_secretary_records_only_members_who_have_not_voted(council, login_as, ctx):
    members = council["members"]
    voter = login_as(Role.COUNCIL)
    link_user(ctx, voter, members[2])
    assert (
        voter.post(_vote_url(council), data={"motion_id": council["motion"], "choice": "no"})
    ).status_code == 303
    principal = login_as(Role.PRINCIPAL)
    page = principal.get(f"/manage/meetings/{council['meeting']}").get_data(as_text=True)
    # The member's phone vote is shown as theirs, read-only: no select for them.
    assert f'id="own-vote-{council["motion"]}-{members[2]}"' in page
    assert f'name="vote-{members[2]}"' not in page and f'name="vote-{members[3]}"' in page
    assert "Member 2: No" in _text(page)
    # A form drawn before the phone vote (or typed by hand) still cannot overwrite it.
    data = {f"vote-{members[2]}": "yes", f"vote-{members[3]}": "abstain"}
    url = f"/manage/motions/{council['motion']}/votes"
    assert principal.post(url, data=data).status_code == 303
    recorded = _votes(ctx, council)
    assert recorded == {
        members[2]: ("no", _user_id(ctx, voter)),
        members[3]: ("abstain", _user_id(ctx, principal)),
    }
    # The member changes their own vote; the secretary's entry for another is corrected by
    # an officer and then names that officer.
    assert (
        voter.post(_vote_url(council), data={"motion_id": council["motion"], "choice": "yes"})
    ).status_code == 303
    assert principal.post(url, data={f"vote-{members[3]}": "no"}).status_code == 303
    assert _votes(ctx, council) == {
        members[2]: ("yes", _user_id(ctx, voter)),
        members[3]: ("no", _user_id(ctx, principal)),
    }


def test_a_member_who_was_recorded_by_the_secretary_can_still_vote_themselves(
    council, login_as, ctx
):
    members = council["members"]
    principal = login_as(Role.PRINCIPAL)
    principal.post(f"/manage/motions/{council['motion']}/votes", data={f"vote-{members[4]}": "no"})
    voter = login_as(Role.COUNCIL)
    link_user(ctx, voter, members[4])
    page = _text(voter.get(_vote_url(council)).get_data(as_text=True))
    assert "The secretary recorded your vote: No." in page
    vote = {"motion_id": council["motion"], "choice": "yes"}
    assert voter.post(_vote_url(council), data=vote).status_code == 303
    assert "Your vote: Yes." in _text(voter.get(_vote_url(council)).get_data(as_text=True))
    assert _votes(ctx, council) == {members[4]: ("yes", _user_id(ctx, voter))}


# -- Twenty identical votes at once: one row, twenty answers -------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _signed_in_opener(base: str, email: str):
    """A urllib opener holding the session cookie of `email`, signed in through the form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    data = urllib.parse.urlencode({"email": email, "password": PASSWORD}).encode()
    try:
        opener.open(urllib.request.Request(f"{base}/auth/sign-in", data=data), timeout=30)
    except urllib.error.HTTPError as error:
        assert error.code == 303, error.code
    assert any(c.name for c in jar), "no session cookie"
    return opener


def _post(opener, url: str, form: dict) -> int:
    data = urllib.parse.urlencode(form).encode()
    try:
        with opener.open(urllib.request.Request(url, data=data, method="POST"), timeout=60) as r:
            return r.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("sessions", ["one session", "a session each"])
def test_twenty_identical_votes_at_once_store_one_row_and_answer_every_request(
    council, make_user, ctx, live_server, sessions
):
    email = make_user(Role.COUNCIL, schools=("maple-elementary",))
    member_id = council["members"][5]
    with saving(ctx) as session:
        user = session.query(User).filter_by(email=email).one()
        session.get(CommitteeMember, member_id).user_id = user.id
        user_id = user.id
    if sessions == "one session":
        openers = [_signed_in_opener(live_server, email)] * CONCURRENT
    else:
        openers = [_signed_in_opener(live_server, email) for _ in range(CONCURRENT)]
    url = f"{live_server}{_vote_url(council)}"
    barrier = threading.Barrier(CONCURRENT)

    def vote(n: int) -> int:
        barrier.wait()
        return _post(openers[n], url, {"motion_id": council["motion"], "choice": "yes"})

    with ThreadPoolExecutor(CONCURRENT) as pool:
        statuses = list(pool.map(vote, range(CONCURRENT)))
    assert len(statuses) == CONCURRENT
    assert all(200 <= s < 400 or s == 409 for s in statuses), statuses
    with ctx() as session:
        rows = session.query(MotionVote).filter_by(motion_id=council["motion"]).all()
        assert [(r.member_id, r.choice, r.recorded_by_id) for r in rows] == [
            (member_id, "yes", user_id)
        ]


# -- Roll call ---------------------------------------------------------------------------------


def _close_with_votes(ctx, council, login_as, roll_call: bool):
    with saving(ctx) as session:
        session.query(District).one().roll_call_votes = roll_call
    members = council["members"]
    principal = login_as(Role.PRINCIPAL)
    choices = ["yes"] * 6 + ["no", "abstain", "yes"]
    data = {f"vote-{m}": c for m, c in zip(members[:9], choices, strict=True)}
    assert (
        principal.post(f"/manage/motions/{council['motion']}/votes", data=data).status_code == 303
    )
    return principal


def test_a_roll_call_shows_each_members_vote_after_the_close(council, login_as, ctx, client):
    principal = _close_with_votes(ctx, council, login_as, roll_call=True)
    meeting_url = f"/meetings/{council['meeting']}"
    open_page = visible_text(client.get(meeting_url).get_data(as_text=True))
    assert "Roll call" not in open_page  # not while the vote is open
    assert principal.post(f"/manage/motions/{council['motion']}/close").status_code == 303
    page = _text(client.get(meeting_url).get_data(as_text=True))
    assert "Roll call:" in page and "Passed, 7–1–1" in page
    # Members 0, 2, 4, 6, 8 agreed to show their names; the others show as their seat.
    assert "Member 0: Yes" in page and "Member 6: No" in page and "Member 8: Yes" in page
    assert "Member 7" not in page and "Parent member: Abstain" in page
    assert "Member 1" not in page and "Teacher member: Yes" in page


def test_without_a_roll_call_the_public_sees_totals_only(council, login_as, ctx, client):
    principal = _close_with_votes(ctx, council, login_as, roll_call=False)
    assert principal.post(f"/manage/motions/{council['motion']}/close").status_code == 303
    page = _text(client.get(f"/meetings/{council['meeting']}").get_data(as_text=True))
    assert "Passed, 7–1–1" in page
    assert "Roll call" not in page and "Member 0: Yes" not in page


def test_the_district_settings_set_roll_calls(council, login_as, ctx):
    admin = login_as(Role.ADMIN)
    form = admin.get("/manage/district").get_data(as_text=True)
    assert 'name="roll_call_votes"' in form
    data = {
        "name": "Test Valley Unified",
        "default_locale": "en",
        "region": "US",
        "timezone": "America/Los_Angeles",
        "small_cell_threshold": "10",
        "roll_call_votes": "y",
        "tagline_en": "Plans.",
    }
    assert admin.post("/manage/district", data=data).status_code == 303
    with ctx() as session:
        assert session.query(District).one().roll_call_votes is True
    data.pop("roll_call_votes")
    assert admin.post("/manage/district", data=data).status_code == 303
    with ctx() as session:
        assert session.query(District).one().roll_call_votes is False


# -- Recorded afterwards -----------------------------------------------------------------------


def _past_meeting(ctx, council, days=10) -> int:
    """The council's meeting moved into the past (a plan approved on paper, before the portal)."""
    with saving(ctx) as session:
        meeting = session.get(Meeting, council["meeting"])
        meeting.starts_at = datetime.now(UTC) - timedelta(days=days)
        session.delete(session.get(Motion, council["motion"]))
    return council["meeting"]


def _paper_decision(council, **extra) -> dict:
    members = council["members"]
    return {
        "motion_en": "Approve the 2026-27 school plan",
        "subject": "plan",
        "mover_id": str(members[0]),
        "seconder_id": str(members[1]),
        "yes": "7",
        "no": "1",
        "abstain": "1",
        "signed_page": (io.BytesIO(PDF), "signatures.pdf"),
        **extra,
    }


def test_an_officer_records_a_paper_approval_afterwards(council, login_as, ctx, client):
    meeting_id = _past_meeting(ctx, council)
    principal = login_as(Role.PRINCIPAL)
    url = f"/manage/meetings/{meeting_id}/recorded-afterwards"
    assert principal.get(url).status_code == 200
    response = principal.post(url, data=_paper_decision(council))
    assert response.status_code == 303, response.get_data(as_text=True)
    with ctx() as session:
        motion = session.query(Motion).filter_by(meeting_id=meeting_id).one()
        assert motion.is_recorded_afterwards and not motion.is_open and motion.passed
        assert motion.tally == "7–1–1" and motion.votes == []
        assert motion.recorded_afterwards_by.email == principal.email
        assert motion.signed_record.mimetype == "application/pdf"
        assert motion.signed_record.title == "Signed signature page"
        plan = session.query(SchoolPlan).one()
        assert plan.is_approved and plan.approval_note == "7–1–1"
        name = motion.recorded_afterwards_by.name
        actions = {a.action for a in session.query(AuditEntry)}
        assert {"motion.recorded_afterwards", "motion.closed", "plan.approved"} <= actions
        document_id = motion.signed_record_id
    page = visible_text(client.get(f"/meetings/{meeting_id}").get_data(as_text=True))
    assert "Passed, 7–1–1" in page
    assert f"recorded afterwards by {name} on" in page and "The signed record" in page
    signed = client.get(f"/meetings/{meeting_id}/documents/{document_id}")
    assert signed.status_code == 200 and signed.data == PDF
    # The plan's approval line says so too, on the plan and on the budget.
    for path in ("/schools/maple-elementary/plan", "/schools/maple-elementary/budget"):
        public = visible_text(client.get(path).get_data(as_text=True))
        assert "Approved by the School Site Council on" in public, path
        assert f"Approved on paper; recorded afterwards by {name} on" in public, path


def test_a_paper_decision_recorded_without_totals_is_voted_member_by_member(council, login_as, ctx):
    meeting_id = _past_meeting(ctx, council)
    principal = login_as(Role.PRINCIPAL)
    url = f"/manage/meetings/{meeting_id}/recorded-afterwards"
    data = _paper_decision(council, yes="", no="", abstain="")
    assert principal.post(url, data=data).status_code == 303
    with ctx() as session:
        motion = session.query(Motion).filter_by(meeting_id=meeting_id).one()
        assert motion.is_open and motion.is_recorded_afterwards
        motion_id = motion.id
        assert not session.query(SchoolPlan).one().is_approved
    members = council["members"]
    # A paper decision's votes are the officer's to enter, not cast on a phone afterwards.
    voter = login_as(Role.COUNCIL)
    link_user(ctx, voter, members[2])
    vote = {"motion_id": motion_id, "choice": "no"}
    phone = voter.post(f"/meetings/{meeting_id}/vote", data=vote)
    assert phone.status_code == 409 and "taken on paper" in phone.get_data(as_text=True)
    votes = {f"vote-{m}": "yes" for m in members[:6]} | {f"vote-{members[6]}": "no"}
    assert principal.post(f"/manage/motions/{motion_id}/votes", data=votes).status_code == 303
    assert principal.post(f"/manage/motions/{motion_id}/close").status_code == 303
    with ctx() as session:
        assert session.get(Motion, motion_id).tally == "6–1–0"
        assert session.query(SchoolPlan).one().is_approved


@pytest.mark.parametrize(
    "change, field",
    [
        ({"signed_page": (b"not a pdf", "signatures.pdf")}, "signed_page"),
        ({"signed_page": (b"", "")}, "signed_page"),
        ({"no": ""}, "yes"),
        ({"motion_en": ""}, "motion_en"),
        ({"seconder_id": ""}, "seconder_id"),
    ],
)
def test_a_paper_decision_needs_its_signed_page_and_whole_totals(
    council, login_as, ctx, change, field
):
    meeting_id = _past_meeting(ctx, council)
    principal = login_as(Role.PRINCIPAL)
    if "signed_page" in change:  # a fresh file for each run (the backends share the values)
        data, name = change["signed_page"]
        change = {"signed_page": (io.BytesIO(data), name)}
    response = principal.post(
        f"/manage/meetings/{meeting_id}/recorded-afterwards",
        data=_paper_decision(council, **change),
    )
    assert response.status_code == 422
    assert f'href="#{field}"' in response.get_data(as_text=True)
    with ctx() as session:
        assert session.query(Motion).count() == 0 and session.query(MeetingDocument).count() == 0
        assert not session.query(SchoolPlan).one().is_approved


def test_only_a_past_meeting_and_only_its_officers_record_afterwards(council, login_as, ctx):
    principal = login_as(Role.PRINCIPAL)
    url = f"/manage/meetings/{council['meeting']}/recorded-afterwards"  # in an hour
    response = principal.post(url, data=_paper_decision(council))
    assert response.status_code == 422
    assert "Only a past meeting" in response.get_data(as_text=True)
    _past_meeting(ctx, council)
    bystander = login_as(Role.COUNCIL)  # a council account without a seat on this committee
    assert bystander.post(url, data=_paper_decision(council)).status_code == 403
    comms = login_as(Role.COMMS)
    assert comms.post(url, data=_paper_decision(council)).status_code == 403
    with ctx() as session:
        assert not session.query(SchoolPlan).one().is_approved


# -- No route approves a plan without a passed motion --------------------------------------------


def _route_values(council, past_meeting: int) -> dict:
    return {
        "meeting_id": [council["meeting"], past_meeting],
        "motion_id": [council["motion"]],
        "committee_id": [council["committee"]],
        "user_id": [99999],  # never one of the signed-in accounts (an edit could lock it out)
    }


def _plausible_form(council) -> dict:
    """Fields a request might send to try to approve: a status, a date, a tally, votes..."""
    members = council["members"]
    today = date.today().isoformat()
    return {
        "status": "approved",
        "review_status": "approved",
        "approved_on": today,
        "approval_note": "9–0–0",
        "decision": "accepted",
        "choice": "yes",
        "motion_id": str(council["motion"]),
        "subject": "plan",
        "motion_en": "Approve the plan",
        "mover_id": str(members[0]),
        "seconder_id": str(members[1]),
        "present": [str(m) for m in members],
        **{f"vote-{m}": "yes" for m in members},
        "yes": "9",
        "no": "0",
        "abstain": "0",
        "day": (date.today() - timedelta(days=30)).isoformat(),  # a meeting moved stays past
        "starts": "18:00",
        "title_en": "A title",
        "name": "A name",
        "note": "A note",
    }


def _passed_plan_motions(session) -> int:
    return (
        session.query(Motion)
        .filter(Motion.status == "closed", Motion.passed.is_(True))
        .filter(Motion.subject.in_(("plan", "budget")))
        .count()
    )


def _urls(rule, values: dict, slug: str) -> list[str]:
    combos = [{}]
    for arg in sorted(rule.arguments):
        converter = rule._converters[arg].__class__.__name__
        if arg in values:
            options = values[arg]
        elif converter == "IntegerConverter":
            options = [1]
        else:
            options = [slug]
        combos = [{**c, arg: v} for c in combos for v in options]
    return [rule.build(c, append_unknown=False)[1] for c in combos]


def test_no_post_route_approves_a_plan_without_a_passed_motion(council, login_as, ctx, clean_app):
    with saving(ctx) as session:
        past = Meeting(
            committee_id=council["committee"],
            title={"en": "Last spring"},
            starts_at=datetime.now(UTC) - timedelta(days=60),
            present_member_ids=council["members"][:9],
        )
        session.add(past)
        session.flush()
        past_id = past.id
    clients = {}
    for role in Role:
        clients[role] = login_as(role)
    # The council account holds the secretary's seat: it runs the meeting and votes.
    link_user(ctx, clients[Role.COUNCIL], council["members"][1])
    values = _route_values(council, past_id)
    rules = [
        r
        for r in clean_app.url_map.iter_rules()
        if "POST" in r.methods and not r.endpoint.startswith("auth.")
    ]
    assert len(rules) > 50
    sent = approvals = 0
    for role, client in clients.items():
        for rule in rules:
            for url in _urls(rule, values, "maple-elementary"):
                with ctx() as session:
                    passed_before = _passed_plan_motions(session)
                form = _plausible_form(council)
                form["signed_page"] = (io.BytesIO(PDF), "signatures.pdf")
                form["document"] = (io.BytesIO(PDF), "document.pdf")
                response = client.post(url, data=form)
                sent += 1
                assert response.status_code < 500, (role, url, response.status_code)
                with saving(ctx) as session:
                    approved = session.query(SchoolPlan).filter_by(status="approved").all()
                    if not approved:
                        continue
                    assert _passed_plan_motions(session) > passed_before, (
                        f"{role} POST {url} approved a plan without a passed motion"
                    )
                    approvals += 1
                    # Back to shared, so every later request is checked against a live plan.
                    session.execute(
                        update(SchoolPlan).values(
                            status="shared", approved_on=None, approval_note=""
                        )
                    )
    assert sent > 7 * 50
    # The legitimate path was exercised too: a passed motion approved the plan at least once.
    assert approvals >= 1
