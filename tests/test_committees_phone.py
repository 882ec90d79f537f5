"""Committees and the calendar on a phone (issue 11): a meeting is one record, shown at the same
time on the committee page, the meeting page, the school calendar and its feed; a member's
workspace leads to their votes and draft minutes; the vote page shows nothing chosen until the
member chooses; text typed in one language carries that language everywhere it is shown; and
every refused staff form gives back every typed value with an error summary."""

import re
from datetime import UTC, datetime, timedelta
from html import escape, unescape
from html.parser import HTMLParser

import pytest
from babel import Locale
from icalendar import Calendar

from portal.models import (
    AgendaItem,
    CalendarEvent,
    Committee,
    Feedback,
    Meeting,
    MinutesAmendment,
    MinutesVersion,
    Motion,
    MotionVote,
    Role,
    School,
    SchoolYear,
)
from tests.committee_helpers import link_user, saving
from tests.conftest import pdf_text, visible_text

# --------------------------------------------------------------------------- helpers


def _time_of(html: str, anchor: str) -> tuple[str, str]:
    """(datetime attribute, visible text) of the first <time> after `anchor` in the page."""
    start = html.index(anchor)
    found = re.search(r'<time datetime="([^"]+)">(.*?)</time>', html[start:], re.S)
    assert found, anchor
    return found.group(1), visible_text(found.group(2)).strip()


def _calendar_entry(html: str, meeting_id: int) -> str:
    start = html.index(f'id="event-meeting-{meeting_id}"')
    return html[start : html.index("</li>", start)]


def _feed_starts(feed: bytes) -> dict[str, list[datetime]]:
    """Summary -> start times of the events in an iCalendar feed."""
    starts: dict[str, list[datetime]] = {}
    for event in Calendar.from_ical(feed).walk("VEVENT"):
        starts.setdefault(str(event["SUMMARY"]), []).append(event.decoded("DTSTART"))
    return starts


def assert_same_meetings(
    client, slug: str, committees: list[tuple[int, list]], committee_labels=("School Site Council",)
) -> None:
    """Every meeting of the school's committees in the current year is on the committee page,
    its own page, the school calendar and the feed at the same time; the calendar and the feed
    list no committee meeting that is not a meeting record."""
    calendar = client.get(f"/schools/{slug}/calendar?lang=en").get_data(as_text=True)
    feed = _feed_starts(client.get(f"/schools/{slug}/calendar.ics?lang=en").data)
    district_feed = _feed_starts(client.get("/calendar.ics?lang=en").data)
    listed = set(re.findall(r'id="event-meeting-(\d+)"', calendar))
    expected = set()
    for committee_id, meetings in committees:
        page = client.get(f"/committees/{committee_id}?lang=en").get_data(as_text=True)
        for meeting_id, title, starts_at in meetings:
            expected.add(str(meeting_id))
            on_committee = _time_of(page, f'href="/meetings/{meeting_id}"')
            on_meeting = _time_of(
                client.get(f"/meetings/{meeting_id}?lang=en").get_data(as_text=True), "<h1"
            )
            entry = _calendar_entry(calendar, meeting_id)
            on_calendar = _time_of(entry, "id=")
            assert on_committee == on_meeting == on_calendar, (meeting_id, title)
            assert on_calendar[0] == starts_at.isoformat()
            assert title.replace(" ", "") in visible_text(entry).replace(" ", "")  # glossary links
            to_the_second = starts_at.replace(microsecond=0)  # iCalendar keeps seconds
            assert to_the_second in feed.get(title, []), (title, feed.get(title))
            assert to_the_second in district_feed.get(title, [])
    assert listed == expected
    # No other meeting of these committees in the calendar: every one is a meeting record.
    for entry_id, body in re.findall(
        r'<li class="event" id="event-([^"]+)">(.*?)</li>', calendar, re.S
    ):
        meta = visible_text(re.search(r'<p class="meta">(.*?)</p>', body, re.S).group(1))
        if meta.startswith(("Site council meeting", "Committee meeting")) and any(
            label in meta for label in committee_labels
        ):
            assert entry_id.startswith("meeting-"), meta


class LangWalker(HTMLParser):
    """Where a piece of text appears in a page: the language of the element it is in, and
    whether the short "in <language>" notice follows the element that carries that language."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self, needle: str):
        super().__init__()
        self.needle, self.stack, self.hits = needle, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "small" and "fallback-tag" in (attrs.get("class") or ""):
            for hit in self.hits:
                if hit["depth"] == len(self.stack):
                    hit["noticed"] = True
        if tag in self.VOID:
            return
        self.stack.append((tag, attrs.get("lang")))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        # The browser tab's <title> is plain text that base.html writes (no element to mark).
        if self.needle not in unescape(data) or any(tag == "title" for tag, _ in self.stack):
            return
        depth = max(i for i, (_, lang) in enumerate(self.stack) if lang is not None)
        self.hits.append({"lang": self.stack[depth][1], "depth": depth, "noticed": False})


def languages_of(html: str, needle: str) -> list[tuple[str, bool]]:
    walker = LangWalker(needle)
    walker.feed(html)
    return [(hit["lang"], hit["noticed"]) for hit in walker.hits]


def assert_marked(html: str, needle: str, lang: str) -> None:
    """`needle` is shown, every time in an element of language `lang` followed by the notice."""
    found = languages_of(html, needle)
    assert found, needle
    assert all(hit == (lang, True) for hit in found), (needle, found)


def assert_kept(html: str, typed: dict[str, str]) -> None:
    """Every typed value is back in its field (by id): inputs, textareas, selects, checkboxes."""
    for field_id, value in typed.items():
        tag = re.search(rf'<(input|textarea|select)\b[^>]*\bid="{re.escape(field_id)}"[^>]*>', html)
        assert tag, f"no field #{field_id}"
        kind, markup = tag.group(1), tag.group(0)
        if kind == "textarea":
            body = html[tag.end() : html.index("</textarea>", tag.end())]
            body = body.removeprefix("\r\n")  # WTForms' leading newline, which HTML drops
            assert unescape(body) == value, (field_id, body)
        elif kind == "select":
            body = html[tag.end() : html.index("</select>", tag.end())]
            chosen = re.findall(r'<option value="([^"]*)" selected>', body)
            assert chosen == ([value] if value else []), (field_id, chosen)
        elif 'type="checkbox"' in markup:
            assert (" checked" in markup) == bool(value), (field_id, markup)
        else:
            shown = re.search(r'value="([^"]*)"', markup)
            assert shown and unescape(shown.group(1)) == value, (field_id, markup)


def assert_summary(html: str, field_ids: list[str]) -> None:
    """The error summary at the top links to each field in error, which exists on the page,
    and each message is also beside its field."""
    summary = re.search(r'<div class="form-errors error-summary[^"]*".*?</div>', html, re.S)
    assert summary, "no error summary"
    main = html.index("<main")
    assert summary.start() < html.index("<form", main), "the summary is not at the top"
    links = re.findall(r'href="#([^"]+)"', summary.group(0))
    assert sorted(links) == sorted(field_ids), links
    for field_id in field_ids:
        assert f'id="{field_id}"' in html, field_id
    assert html.count('class="error"') >= len(field_ids)


# --------------------------------------------------------------------------- item 11


def _current_meetings(ctx, committee_id):
    with ctx() as session:
        committee = session.get(Committee, committee_id)
        return [(m.id, m.title.get("en"), m.starts_at) for m in committee.meetings]


def test_a_meeting_is_one_record_in_the_committee_page_the_calendar_and_its_feed(
    council, login_as, ctx, client
):
    principal = login_as(Role.PRINCIPAL)
    # A meeting written straight into the record (no calendar row), one added on the committee
    # page, and one moved afterwards: all three are in every place at the same time.
    added = principal.post(
        f"/manage/committees/{council['committee']}/meetings",
        data={"title_en": "Winter: set priorities", "day": "2026-12-10", "starts": "18:30"},
    )
    assert added.status_code == 303
    moved_id = int(added.headers["Location"].rsplit("/", 1)[1])
    response = principal.post(
        f"/manage/meetings/{moved_id}/details",
        data={"title_en": "Winter: set priorities", "day": "2026-12-17", "starts": "19:00"},
    )
    assert response.status_code == 303
    with ctx() as session:
        moved = session.get(Meeting, moved_id)
        assert moved.starts_at == datetime(2026, 12, 18, 3, tzinfo=UTC)  # 7 pm in Los Angeles
        event = session.get(CalendarEvent, moved.event_id)
        assert event.sequence == 1 and event.starts_at == moved.starts_at  # phones move it
        uid = event.uid
    assert_same_meetings(
        client,
        "maple-elementary",
        [(council["committee"], _current_meetings(ctx, council["committee"]))],
    )
    feed = client.get("/schools/maple-elementary/calendar.ics").data
    assert f"UID:{uid}@commonground".encode() in feed  # the same UID: updated, not duplicated
    # The calendar's editor hands a meeting to its own page instead of making a second record.
    assert (
        principal.get(f"/manage/calendar/events/{event.id}")
        .headers["Location"]
        .endswith(f"/manage/meetings/{moved_id}")
    )
    refused = principal.post(
        "/manage/schools/maple-elementary/calendar/events",
        data={
            "title_en": "Site council",
            "kind": "site_council",
            "phase": "reflect",
            "day": "2026-10-01",
            "starts": "18:00",
        },
    )
    assert refused.status_code == 422
    assert "add its meetings on the committee" in visible_text(refused.get_data(as_text=True))
    # The refused event made no calendar row: the only one is the added meeting's identity.
    with ctx() as session:
        assert session.query(CalendarEvent).filter_by(kind="site_council").count() == 1


# --------------------------------------------------------------------------- item 8


def test_a_members_workspace_leads_to_the_vote_and_the_draft_minutes(council, login_as, ctx):
    member = login_as(Role.COUNCIL)
    link_user(ctx, member, council["members"][2])
    with saving(ctx) as session:
        meeting = session.get(Meeting, council["meeting"])
        item = AgendaItem(title={"en": "Budget"}, position=0)
        meeting.agenda.append(item)
        earlier = Meeting(
            title={"en": "Fall: review last year's data"},
            starts_at=meeting.starts_at - timedelta(days=30),
            present_member_ids=[council["members"][2]],
        )
        earlier.agenda.append(AgendaItem(title={"en": "Reading results"}, position=0))
        meeting.committee.meetings.append(earlier)
        session.flush()
        session.add(
            MinutesVersion(
                meeting_id=earlier.id,
                sections={str(earlier.agenda[0].id): {"discussion": "Scores rose.", "input": ""}},
            )
        )
        earlier_id = earlier.id
    page = member.get("/manage/").get_data(as_text=True)
    text = visible_text(page)
    assert "Votes open now" in text and "Approve the 2026-27 budget" in text
    assert f'href="/meetings/{council["meeting"]}/vote#motion-{council["motion"]}"' in page
    assert "You have not voted yet." in text
    assert "Draft minutes waiting for your amendments" in text
    assert f'href="/meetings/{earlier_id}/minutes/draft"' in page
    assert "Your next meetings" in text and "Spring: approve the budget" in text
    assert "Your committees" in text and "School Site Council" in text
    # The vote page: nothing looks chosen until the member chooses.
    vote_url = f"/meetings/{council['meeting']}/vote"
    assert f'href="{vote_url}"' in member.get(f"/meetings/{council['meeting']}").get_data(
        as_text=True
    )  # the meeting's page leads there too while the vote is open
    html = member.get(vote_url).get_data(as_text=True)
    assert 'aria-pressed="true"' not in html and html.count('aria-pressed="false"') == 3
    assert "Your vote:" not in visible_text(html)
    buttons = re.findall(r'<button type="submit" name="choice"[^>]*>', html)
    assert len({re.sub(r'value="\w+"|aria-pressed="\w+"', "", b) for b in buttons}) == 1
    member.post(vote_url, data={"motion_id": council["motion"], "choice": "no"})
    html = member.get(vote_url).get_data(as_text=True)
    pressed = re.findall(r'value="(\w+)" class="secondary" aria-pressed="true"', html)
    assert pressed == ["no"] and "Your vote: No." in visible_text(html)
    assert "Your vote: No." in visible_text(member.get("/manage/").get_data(as_text=True))
    # Someone with no seat sees no committee section.
    other = visible_text(login_as(Role.COUNCIL).get("/manage/").get_data(as_text=True))
    assert "Votes open now" not in other


# --------------------------------------------------------------------------- item 7


@pytest.fixture
def english_only(council, ctx):
    """The council's content written only in English, with approved minutes, an agenda item
    with a comment in Spanish answered in English, and a place."""
    with saving(ctx) as session:
        meeting = session.get(Meeting, council["meeting"])
        meeting.place = "Library"
        meeting.agenda_posted_at = meeting.starts_at - timedelta(days=5)
        item = AgendaItem(title={"en": "Reading results"}, position=0, source_locale="en")
        meeting.agenda.append(item)
        later = Meeting(
            title={"en": "Follow-up meeting"}, starts_at=meeting.starts_at + timedelta(days=14)
        )
        meeting.committee.meetings.append(later)
        session.flush()
        session.add(
            MinutesVersion(
                meeting_id=meeting.id,
                status="approved",
                locale="en",
                sections={
                    str(item.id): {"discussion": "The council read the scores.", "input": ""}
                },
                approved_at=meeting.starts_at + timedelta(days=14),
                approved_at_meeting_id=later.id,
            )
        )
        session.add(
            Feedback(
                school_id=meeting.committee.school_id,
                target_type="agenda_item",
                target_id=item.id,
                body="¿Pueden compartir los resultados por escuela?",
                locale="es",
                visibility="visible",
                status="acted_on",
                answer="Yes: the results of every school are in the plan.",
                answered_at=datetime.now(UTC),
            )
        )
    return council


@pytest.mark.parametrize("lang,tag", [("zh-Hans", "zh-Hans"), ("vi", "vi")])
def test_english_content_carries_its_language_and_a_notice_everywhere(
    english_only, login_as, ctx, client, lang, tag, tmp_path
):
    council = english_only
    member = login_as(Role.COUNCIL)
    link_user(ctx, member, council["members"][2])
    meeting_page = client.get(f"/meetings/{council['meeting']}?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{tag}"' in meeting_page
    for needle in (
        "Spring: approve the budget",
        "Reading results",
        "The council read the scores.",
        "Library",
        "Yes: the results of every school are in the plan.",
        "School Site Council",
    ):
        assert_marked(meeting_page, needle, "en")
    assert_marked(meeting_page, "¿Pueden compartir los resultados por escuela?", "es")
    committee_page = client.get(f"/committees/{council['committee']}?lang={lang}")
    assert_marked(committee_page.get_data(as_text=True), "Spring: approve the budget", "en")
    calendar = client.get(f"/schools/maple-elementary/calendar?lang={lang}").get_data(as_text=True)
    assert_marked(calendar, "Spring: approve the budget", "en")
    assert_marked(calendar, "Library", "en")
    vote = member.get(f"/meetings/{council['meeting']}/vote?lang={lang}").get_data(as_text=True)
    assert_marked(vote, "Approve the 2026-27 budget", "en")
    desk = member.get(f"/manage/?lang={lang}").get_data(as_text=True)
    assert_marked(desk, "Approve the 2026-27 budget", "en")
    # htmx fragment: the tally keeps its own words; the page around it is checked above.
    feed = client.get(f"/schools/maple-elementary/calendar.ics?lang={lang}").data
    event = next(
        e
        for e in Calendar.from_ical(feed).walk("VEVENT")
        if str(e["SUMMARY"]) == "Spring: approve the budget"
    )
    assert event["SUMMARY"].params["LANGUAGE"] == "en"
    # The signature page says the motion is in English, in the reader's language.
    with saving(ctx) as session:
        motion = session.get(Motion, council["motion"])
        for member_id in council["members"][:7]:
            motion.votes.append(
                MotionVote(member_id=member_id, choice="yes", recorded_at=datetime.now(UTC))
            )
    login_as(Role.PRINCIPAL).post(f"/manage/motions/{council['motion']}/close")
    pdf = client.get(f"/schools/maple-elementary/plan/signatures.pdf?lang={lang}")
    text = re.sub(r"\s+", " ", pdf_text(pdf.data, tmp_path))
    english = Locale.parse("en").get_display_name(lang.replace("-", "_"))
    assert "Approve the 2026-27 budget" in text and english in text


def test_a_school_reply_in_english_is_not_marked_spanish(english_only, client):
    page = client.get(f"/meetings/{english_only['meeting']}?lang=es").get_data(as_text=True)
    assert_marked(page, "Yes: the results of every school are in the plan.", "en")
    # The Spanish comment on a Spanish page is simply in the page's language.
    assert languages_of(page, "¿Pueden compartir los resultados por escuela?") == [("es", False)]


# --------------------------------------------------------------------------- item 10


@pytest.mark.parametrize("lang", ["es", "vi", "zh-Hans"])
def test_the_signature_page_keeps_each_signer_together_on_the_page(
    council, login_as, ctx, client, lang, tmp_path
):
    import subprocess

    with saving(ctx) as session:
        motion = session.get(Motion, council["motion"])
        for member_id in council["members"][:7]:
            motion.votes.append(
                MotionVote(member_id=member_id, choice="yes", recorded_at=datetime.now(UTC))
            )
        committee = session.get(Committee, council["committee"])
        committee.members[1].officer = "chair"
        school = session.get(School, committee.school_id)
        elac = Committee(school_id=school.id, kind="elac", name={"en": "ELAC"})
        elac.meetings.append(
            Meeting(title={"en": "Advice"}, starts_at=datetime.now(UTC) - timedelta(days=3))
        )
        session.add(elac)
    login_as(Role.PRINCIPAL).post(f"/manage/motions/{council['motion']}/close")
    response = client.get(f"/schools/maple-elementary/plan/signatures.pdf?lang={lang}")
    assert response.status_code == 200
    path = tmp_path / "s.pdf"
    path.write_bytes(response.data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert re.search(r"^Pages:\s+1$", info.stdout, re.M)  # three signers, one Letter page
    assert "7–0–0" in pdf_text(response.data, tmp_path)
    # Every word inside the page: the signature lines and long role names fit.
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    right = [float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes)]
    assert right and max(right) <= width - 36  # within the 0.6 in margin, less a little


# --------------------------------------------------------------------------- item 2


def _typed_page(response) -> str:
    assert response.status_code == 422, response.status_code
    return response.get_data(as_text=True)


def test_committee_forms_keep_every_typed_value_on_rejection(council, login_as, ctx):
    principal = login_as(Role.PRINCIPAL)
    committee = f"/manage/committees/{council['committee']}"
    members = council["members"]

    html = _typed_page(
        principal.post(
            "/manage/schools/maple-elementary/committees",
            data={"kind": "nope", "name_en": "Our ELAC", "name_es": "Nuestro ELAC",
                  "purpose_es": "Asesora al consejo."},
        )
    )  # fmt: skip
    assert_summary(html, ["kind", "purpose_en"])
    assert_kept(html, {"name_en": "Our ELAC", "name_es": "Nuestro ELAC",
                       "purpose_es": "Asesora al consejo.", "purpose_en": ""})  # fmt: skip

    member = {"name": "Ana <Q>", "seat": "", "officer": "chair", "term_start": "1/9/2026",
              "term_end": "2028-06-30", "email": "nobody@example.test", "name_public": "1",
              "parent_of_english_learner": "1"}  # fmt: skip
    html = _typed_page(principal.post(f"{committee}/members", data=member))
    assert_summary(html, ["seat", "term_start", "email"])
    assert_kept(html, member)

    html = _typed_page(principal.post(f"{committee}/rules", data={"quorum_percent": "150"}))
    assert_summary(html, ["quorum_percent"])
    assert_kept(html, {"quorum_percent": "150"})

    meeting = {"title_es": "Reunión de invierno", "title_vi": "Họp mùa đông",
               "day": "2026-13-40", "starts": "7pm", "place": "Library", "interpretation": "1",
               "childcare": "", "sample": ""}  # fmt: skip
    html = _typed_page(principal.post(f"{committee}/meetings", data=meeting))
    assert_summary(html, ["title_en", "day", "starts"])
    assert_kept(html, meeting)

    url = f"/manage/meetings/{council['meeting']}"
    details = {"title_en": "", "title_zh_Hans": "春季会议", "day": "soon", "starts": "18:30",
               "place": "Room 5", "interpretation": "", "childcare": "1"}  # fmt: skip
    html = _typed_page(principal.post(f"{url}/details", data=details))
    assert_summary(html, ["title_en", "day"])
    assert_kept(html, details)
    assert '<details class="meeting-details" open>' in html

    html = _typed_page(principal.post(f"{url}/agenda", data={"item_es": "Presupuesto"}))
    assert_summary(html, ["item_en"])
    assert_kept(html, {"item_es": "Presupuesto", "item_en": ""})

    motion = {"motion_en": "Buy books", "motion_es": "Comprar libros", "subject": "plan",
              "mover_id": str(members[0]), "seconder_id": str(members[0])}  # fmt: skip
    html = _typed_page(principal.post(f"{url}/motions", data=motion))
    assert_summary(html, ["seconder_id"])
    assert_kept(html, motion)

    html = _typed_page(principal.post(f"{url}/documents", data={"title": "Budget draft"}))
    assert_summary(html, ["document"])
    assert_kept(html, {"document-title": "Budget draft"})


def test_minutes_and_moderation_forms_keep_every_typed_value_on_rejection(
    english_only, login_as, ctx
):
    council = english_only
    principal = login_as(Role.PRINCIPAL)
    with ctx() as session:
        meeting = session.get(Meeting, council["meeting"])
        item_id = meeting.agenda[0].id
        later_id = next(m.id for m in meeting.committee.meetings if m.id != meeting.id)
        feedback_id = session.query(Feedback).one().id
    url = f"/manage/meetings/{council['meeting']}/minutes"
    # A correction of approved minutes needs its note; what was typed comes back.
    typed = {f"discussion_{item_id}": "Scores rose by 4 points.", f"input_{item_id}": "None."}
    html = _typed_page(principal.post(url, data={**typed, "correction_note": ""}))
    assert_summary(html, ["correction_note"])
    assert_kept(html, {**typed, "correction_note": ""})
    # A new draft with an amendment still open cannot be approved.
    principal.post(url, data={"correction_note": "Fix the count", **typed})
    with saving(ctx) as session:
        draft = session.query(MinutesVersion).filter_by(status="draft").one()
        draft.amendments.append(MinutesAmendment(item_key=str(item_id), text="Scores rose."))
    html = _typed_page(principal.post(f"{url}/approve", data={"at_meeting_id": str(later_id)}))
    assert_summary(html, ["amendments"])
    assert_kept(html, {"at_meeting_id": str(later_id)})
    # A member's empty amendment is refused beside its box.
    member = login_as(Role.COUNCIL)
    link_user(ctx, member, council["members"][2])
    html = _typed_page(
        member.post(
            f"/meetings/{council['meeting']}/minutes/amendments",
            data={"item_key": str(item_id), "text": "  "},
        )
    )
    assert_summary(html, [f"amend-{item_id}"])
    # Moderation: hiding needs a reason, an answer needs its text.
    moderate = f"/manage/schools/maple-elementary/feedback/{feedback_id}"
    html = _typed_page(principal.post(moderate, data={"action": "hide", "reason": " "}))
    assert_summary(html, [f"reason-{feedback_id}"])
    answer = {"answer": "", "status": "considered", "what_changed": "Plan: more tutors"}
    html = _typed_page(principal.post(moderate, data={"action": "answer", **answer}))
    assert_summary(html, [f"answer-{feedback_id}"])
    assert_kept(html, {f"answer-{feedback_id}": "", f"status-{feedback_id}": "considered",
                       f"changed-{feedback_id}": "Plan: more tutors"})  # fmt: skip


def test_calendar_forms_keep_every_typed_value_on_rejection(council, login_as, ctx, make_user):
    from tests.conftest import sign_in

    principal = login_as(Role.PRINCIPAL)
    event = {"title_es": "Noche de familias", "description_en": "Come & see <b>",
             "kind": "training", "phase": "reflect", "day": "2026-02-30", "starts": "18:00",
             "ends": "25:00", "place": "Gym", "online_url": "javascript:alert(1)", "committee": "",
             "interpretation": "1", "childcare": ""}  # fmt: skip
    html = _typed_page(
        principal.post("/manage/schools/maple-elementary/calendar/events", data=event)
    )
    assert_summary(html, ["title_en", "day", "ends", "online_url"])
    assert_kept(html, event)
    phases = {"engage_starts": "2026-07-01", "engage_ends": "", "reflect_starts": "2026-09-01",
              "reflect_ends": "2026-08-01", "prioritize_starts": "", "prioritize_ends": "",
              "decide_starts": "", "decide_ends": ""}  # fmt: skip
    html = _typed_page(
        principal.post("/manage/schools/maple-elementary/calendar/phases", data=phases)
    )
    assert_summary(html, ["engage_starts", "reflect_starts"])
    assert_kept(html, phases)
    # Editing: a field emptied on purpose stays empty (it is not filled back from the record).
    with saving(ctx) as session:
        school = session.query(School).filter_by(slug="maple-elementary").one()
        year = session.query(SchoolYear).filter_by(is_current=True).one()
        row = CalendarEvent(
            district_id=school.district_id,
            school_year_id=year.id,
            school_id=school.id,
            phase="reflect",
            kind="training",
            title={"en": "Training"},
            place="Library",
            starts_at=datetime(2026, 10, 1, 1, tzinfo=UTC),
        )
        session.add(row)
        session.flush()
        event_id = row.id
    edit = {"title_en": "Training night", "kind": "training", "phase": "reflect",
            "day": "someday", "starts": "18:00", "place": ""}  # fmt: skip
    html = _typed_page(principal.post(f"/manage/calendar/events/{event_id}", data=edit))
    assert_summary(html, ["day"])
    assert_kept(html, edit)
    # The district's own forms.
    district = clean_client = principal.application.test_client()
    sign_in(clean_client, make_user(Role.DISTRICT))
    html = _typed_page(district.post("/manage/calendar/events", data=event))
    assert_summary(html, ["title_en", "day", "ends", "online_url"])
    assert_kept(html, event)
    full = {**phases, "engage_ends": "2026-08-31"}
    html = _typed_page(district.post("/manage/calendar/phases", data=full))
    assert_summary(html, ["prioritize_starts", "reflect_starts", "decide_starts"])
    assert_kept(html, full)
    requirement = {"kind": "nope", "phase": "reflect", "min_count": "0", "due_on": "tomorrow"}
    html = _typed_page(district.post("/manage/calendar/requirements", data=requirement))
    assert_summary(html, ["req-kind", "min_count", "due_on"])
    assert_kept(html, {"req-phase": "reflect", "min_count": "0", "due_on": "tomorrow"})


# --------------------------------------------------------------------------- the demo


@pytest.fixture(scope="module")
def demo(app):
    from tests.conftest import _clean

    _clean(app)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    yield app
    _clean(app)


def test_every_demo_meeting_is_in_the_calendar_the_feed_and_the_committee_page(demo):
    from portal.extensions import db

    client = demo.test_client()
    with demo.app_context():
        year = db.session.query(SchoolYear).filter_by(is_current=True).one()
        # The schools' councils (the district's DELAC is checked against the district feed in
        # tests/test_demo.py).
        councils = db.session.query(Committee).filter(Committee.school_id.is_not(None)).all()
        assert councils
        by_school: dict[str, list] = {}
        for committee in councils:
            meetings = [
                (m.id, m.title["en"], m.starts_at)
                for m in committee.meetings
                if year.starts_on <= m.starts_at.date() <= year.ends_on
            ]
            assert len(meetings) >= 3
            by_school.setdefault(committee.school.slug, []).append((committee.id, meetings))
        db.session.remove()
    for slug, committees in by_school.items():
        assert_same_meetings(client, slug, committees)
    html = client.get("/schools/cesar-chavez-elementary/committees").get_data(as_text=True)
    assert escape("Every meeting is also in the school calendar") in html
