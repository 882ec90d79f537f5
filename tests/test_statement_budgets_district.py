"""Statement budgets of the district-wide and record pages (issue 18): no page's statement
count grows with its rows. Each page is rendered in a district with few rows and in one with
many (schools, meetings, items, motions, votes, documents, bulletins), after one warm-up
request, and the two counts must be equal; a failure prints every statement of both runs."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from portal.extensions import db
from portal.models import (
    AgendaItem,
    Bulletin,
    District,
    Meeting,
    MeetingDocument,
    Motion,
    MotionVote,
    Role,
)
from portal.services.short_links import ensure_short_link
from tests import factories
from tests.conftest import PASSWORD, _clean, sign_in
from tests.statements import statements_for
from tests.test_equity_people import build

FEW = {"schools": 5, "meetings": 3, "items": 2, "bulletins": 3}
MANY = {"schools": 80, "meetings": 60, "items": 12, "bulletins": 45}


def _records(district, rows, meetings: int, items: int, bulletins: int) -> dict:
    """A site council at the first school with `meetings` past meetings; the newest has
    `items` agenda items, motions (each with a vote per member) and documents. `bulletins`
    published bulletins, each naming the first two schools."""
    committee = factories.committee(rows[0])
    start = datetime(2026, 11, 20, 18, tzinfo=UTC)
    newest = None
    for n in range(meetings):
        meeting = Meeting(
            title={"en": f"Meeting {n}"},
            starts_at=start - timedelta(days=30 * n),
            place="Library",
            source_locale="en",
            present_member_ids=[m.id for m in committee.members],
        )
        committee.meetings.append(meeting)
        newest = newest or meeting
    db.session.flush()
    for n in range(items):
        newest.agenda.append(AgendaItem(title={"en": f"Item {n}"}, position=n, source_locale="en"))
        motion = Motion(
            text={"en": f"Motion {n}"}, subject="other", mover_id=committee.members[0].id
        )
        newest.motions.append(motion)
        newest.documents.append(
            MeetingDocument(
                title=f"Document {n}",
                mimetype="application/pdf",
                data=b"%PDF-1.4",
                uploaded_at=start,
            )
        )
        db.session.flush()
        for member in committee.members:
            motion.votes.append(MotionVote(member_id=member.id, choice="yes", recorded_at=start))
    for n in range(bulletins):
        bulletin = Bulletin(
            district_id=district.id,
            slug=f"bulletin-{n}",
            title={"en": f"News {n}", "es": f"Noticias {n}"},
            summary={"en": "Short.", "es": "Corto."},
            body={"en": "Read it.", "es": "Léalo."},
            status="published",
            published_at=start - timedelta(days=3 * n),
            source_locale="en",
        )
        bulletin.schools = rows[:2]
        db.session.add(bulletin)
        db.session.flush()
        ensure_short_link("bulletin", bulletin.id)
    db.session.flush()
    return {"committee": committee.id, "meeting": newest.id, "slugs": [s.slug for s in rows]}


def _world(app, size: dict) -> dict:
    _clean(app)
    with app.app_context():
        district, _year, rows = build(size["schools"])
        ids = _records(district, rows, size["meetings"], size["items"], size["bulletins"])
        user = factories.user(Role.DISTRICT)
        ids["email"] = user.email
        db.session.commit()
        db.session.remove()
    return ids


def _path(page: str, ids: dict, size: dict) -> str:
    slugs = ids["slugs"]
    chosen = slugs[:2] if size is FEW else slugs[:8]
    return page.format(
        committee=ids["committee"],
        meeting=ids["meeting"],
        slug=slugs[0],
        compare=",".join(chosen),
    )


PUBLIC = [
    "/allocation",
    "/schools/compare?schools={compare}",
    "/bulletins",
    "/bulletins/bulletin-0",
    "/bulletins/feed.xml",
    "/committees",
    "/committees/{committee}/minutes",
    "/meetings/{meeting}",
    "/meetings/{meeting}/meeting.ics",
    "/schools/{slug}/calendar.ics",
    "/calendar.ics",
]
STAFF = ["/manage/", "/manage/calendar", "/manage/schools"]


def _counts(app, pages, staff: bool) -> dict:
    """{page: (few statements, many statements)}."""
    seen = {}
    for size in (FEW, MANY):
        ids = _world(app, size)
        client = app.test_client()
        if staff:
            assert sign_in(client, ids["email"], PASSWORD).status_code == 303
        for page in pages:
            seen.setdefault(page, []).append(statements_for(app, client, _path(page, ids, size)))
    return seen


def _report(page, few, many) -> str:
    return (
        f"{page}: {len(few)} statements with few rows, {len(many)} with many\n--- few:\n"
        + "\n".join(few)
        + "\n--- many:\n"
        + "\n".join(many)
    )


@pytest.fixture(scope="module")
def public_counts(app):
    return _counts(app, PUBLIC, staff=False)


@pytest.fixture(scope="module")
def staff_counts(app):
    return _counts(app, STAFF, staff=True)


@pytest.mark.parametrize("page", PUBLIC)
def test_public_page_statements_do_not_grow_with_rows(public_counts, page):
    few, many = public_counts[page]
    assert len(few) == len(many), _report(page, few, many)


@pytest.mark.parametrize("page", STAFF)
def test_staff_page_statements_do_not_grow_with_schools(staff_counts, page):
    few, many = staff_counts[page]
    assert len(few) == len(many), _report(page, few, many)


# -- 1,000 schools: the per-school tables of /allocation come a page at a time ------------------


@pytest.fixture
def sixty(clean_app):
    """60 elementary schools and 3 middle schools, each with a shared plan."""
    with clean_app.app_context():
        district, _year, rows = build(63)
        for school in rows[60:]:
            school.level = "middle"
        db.session.commit()
        db.session.remove()
    return clean_app


def _rows(html: str, prefix: str) -> list[str]:
    return re.findall(rf'<tr id="{prefix}([a-z0-9-]+)"', html)


def test_allocation_pages_its_school_tables_and_totals_every_school(sixty, client):
    first = client.get("/allocation").get_data(as_text=True)
    staff = _rows(first, "staff-")
    assert len(staff) == 25
    assert first.count('class="card"><a href="/schools/') == 25
    assert "Page 1 of 3" in first and "staff_page=2" in first
    total = re.search(r"Every school with a plan</th>\s*<td[^>]*>([^<]+)<", first).group(1)
    assert total == f"{sum(200 + 20 * n for n in range(1, 64)):,}"

    last = client.get("/allocation?staff_page=3&page=3").get_data(as_text=True)
    assert len(_rows(last, "staff-")) == 13
    assert last.count('class="card"><a href="/schools/') == 13
    seen = staff + _rows(client.get("/allocation?staff_page=2").get_data(as_text=True), "staff-")
    assert len(set(seen + _rows(last, "staff-"))) == 63  # every school once, none twice

    middle = client.get("/allocation?level=middle").get_data(as_text=True)
    assert sorted(_rows(middle, "staff-")) == ["school-61", "school-62", "school-63"]
    assert "Page 1 of" not in middle
    # The deciles still cover every school, whatever the table shows.
    assert middle.count('id="deciles-money"') == first.count('id="deciles-money"')


def test_allocation_prints_numbers_in_the_readers_locale(sixty, client):
    """Numbers follow the reader's language in the district's region (formatting.number):
    a Spanish reader in a district in Spain sees "52.920" and "Página"-style page numbers."""
    with sixty.app_context():
        db.session.execute(update(District).values(region="ES"))
        db.session.commit()
        db.session.remove()
    html = client.get("/allocation?page=2", headers={"Accept-Language": "es"}).get_data(
        as_text=True
    )
    total = sum(200 + 20 * n for n in range(1, 64))
    assert f"{total:,}".replace(",", ".") in html
    assert re.search(r"\b2\b[^<]*\b3\b", html)  # "page 2 of 3", in whatever words


def _staff_client(app):
    with app.app_context():
        email = factories.user(Role.DISTRICT).email
        db.session.commit()
        db.session.remove()
    client = app.test_client()
    assert sign_in(client, email, PASSWORD).status_code == 303
    return client


def test_staff_school_list_and_calendar_dashboard_are_paged_and_filtered(sixty):
    client = _staff_client(sixty)
    first = client.get("/manage/schools").get_data(as_text=True)
    assert first.count('href="/manage/schools/school-') == 25
    assert 'rel="next"' in first and "of 63" in first
    last = client.get("/manage/schools?page=3").get_data(as_text=True)
    assert last.count('href="/manage/schools/school-') == 13
    assert client.get("/manage/schools?page=4").status_code == 404
    middle = client.get("/manage/schools?level=middle").get_data(as_text=True)
    assert middle.count('href="/manage/schools/school-') == 3
    found = client.get("/manage/schools?q=School+07").get_data(as_text=True)
    assert found.count('href="/manage/schools/school-') == 1

    html = client.get("/manage/calendar").get_data(as_text=True)
    assert html.count('<tr><th scope="row"><a href="/manage/schools/school-') == 25
    assert "Page 1 of 3" in html and "of 63 schools are behind schedule" in html
    middle = client.get("/manage/calendar?level=middle").get_data(as_text=True)
    assert middle.count('<tr><th scope="row"><a href="/manage/schools/school-') == 3


def test_the_public_choosers_offer_matches_not_every_school(sixty, client):
    compare = client.get("/schools/compare").get_data(as_text=True)
    assert compare.count('type="checkbox" name="school"') == 40
    assert "More schools match" in compare
    found = client.get("/schools/compare?q=school+61&school=school-1").get_data(as_text=True)
    assert 'value="school-61"' in found and 'value="school-1" checked' in found
    assert found.count('type="checkbox" name="school"') == 2

    bulletins = client.get("/bulletins").get_data(as_text=True)
    assert '<select id="school"' not in bulletins and 'name="find"' in bulletins
    found = client.get("/bulletins?find=School+62").get_data(as_text=True)
    assert '<option value="school-62"' in found and found.count('<option value="school-') == 1


@pytest.mark.parametrize("rtl", [False, True])
def test_a_dense_scatter_puts_every_dot_and_the_trend_where_the_named_chart_does(rtl):
    """At 1,000 schools the chart skips names (and their quadratic placement), not accuracy:
    each dot, each tick and the fitted line sit exactly where scatter_chart puts them."""
    from portal.services.charts import scatter_chart
    from portal.services.equity_charts import NAMED_DOTS, dense_scatter

    points = [
        {
            "name": f"S{n}",
            "school": n,
            "share": (n * 37 % 97) / 100,
            "per_pupil": 500_000 + n * 7919 % 300_000,
        }
        for n in range(NAMED_DOTS + 40)
    ]
    dense, named = dense_scatter(points, str, rtl), scatter_chart(points, str, rtl)
    assert not dense["named"]
    assert [(d["x"], d["y"]) for d in dense["points"]] == [
        (d["x"], d["y"]) for d in named["points"]
    ]
    assert dense["x_ticks"] == named["x_ticks"] and dense["y_ticks"] == named["y_ticks"]
    assert dense["line"] == named["line"]
    assert dense_scatter(points[:NAMED_DOTS], str, rtl)["named"]
