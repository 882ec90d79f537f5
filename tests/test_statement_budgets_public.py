"""Statement budgets of the district's front pages (issue 18): the home page and the school list
run the same number of SQL statements with 5 schools as with 200 and draw one page of schools
at most; a school's overview runs at most six, the same with nothing on it as with 30
bulletins, 30 surveys and 30 comments, and none of them writes (tests/statements.py counts
them, on SQLite and on PostgreSQL)."""

import re
from datetime import UTC, datetime, timedelta

from portal.extensions import db
from portal.models import Bulletin, Feedback, School, ShortLink, Survey
from portal.services.schools import PER_PAGE
from portal.services.short_links import ensure_short_link
from tests import factories
from tests.conftest import _clean
from tests.statements import counted, statements_for

OVERVIEW_LIMIT = 6  # the budget for /schools/<slug>
SLUG = "school-000"
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def _district(app, schools: int, extras: int = 0) -> None:
    """A district with `schools` schools (every tenth in an area) and, with `extras`, that many
    published bulletins (half addressed to the first school, half to another), open surveys
    (half limited to other schools) and visible comments on the first school."""
    with app.app_context():
        district = factories.district()
        factories.school_year(district)
        rows = [
            factories.school(
                district,
                f"school-{n:03}",
                level=("elementary", "middle", "high")[n % 3],
                area=f"Area {n // 10}" if n % 10 == 0 else None,
            )
            for n in range(schools)
        ]
        for row in rows:
            ensure_short_link("school", row.id)
        first, other = rows[0], rows[-1]
        now = datetime.now(UTC)
        for n in range(extras):
            bulletin = Bulletin(
                district_id=district.id,
                slug=f"bulletin-{n}",
                title={"en": f"Bulletin {n}"},
                summary={"en": "Summary."},
                body={"en": "Body."},
                status="published",
                published_at=now - timedelta(hours=n + 1),
                source_locale="en",
            )
            bulletin.schools = [first if n % 2 else other]
            db.session.add(bulletin)
            survey = factories.survey(district, slug=f"survey-{n}")
            if n % 2:
                survey.covers_all_schools = False
                survey.schools = [other, first] if n % 4 == 1 else [other]
            db.session.add(
                Feedback(
                    district_id=district.id,
                    school_id=first.id,
                    target_type="goal",
                    target_id=1,
                    body=f"Comment {n}",
                    locale="en",
                    visibility="visible",
                    answered_at=now if n % 3 == 0 else None,
                )
            )
        db.session.commit()
        db.session.remove()


def _cards(html: str) -> int:
    """How many schools the page draws (links to a school's overview)."""
    return len(re.findall(r'href="/schools/school-\d{3}"', html))


PATHS = ["/", "/schools", "/?level=middle", "/?area=Area+1", "/?q=school"]


def test_the_school_list_costs_the_same_with_5_and_with_200_schools(app):
    counts, drawn = {}, {}
    for schools in (5, 200):
        _clean(app)
        _district(app, schools, extras=3)
        client = app.test_client()
        paths = PATHS + (["/?q=school&page=2", "/schools?page=8"] if schools == 200 else [])
        for path in paths:
            counts[schools, path] = len(statements_for(app, client, path))
            drawn[schools, path] = _cards(client.get(path).get_data(as_text=True))
    _clean(app)
    for path in PATHS:
        assert counts[5, path] == counts[200, path], (path, counts)
    assert max(counts.values()) <= 5, counts
    assert max(drawn.values()) == PER_PAGE, drawn  # one full page at 200 schools, no more


def test_the_school_overview_stays_within_six_statements_and_writes_nothing(app):
    counts = {}
    for extras in (0, 30):
        _clean(app)
        _district(app, 3, extras=extras)
        client = app.test_client()
        seen = statements_for(app, client, f"/schools/{SLUG}")
        counts[extras] = len(seen)
        assert not [s for s in seen if WRITES.match(s)], seen
        html = client.get(f"/schools/{SLUG}").get_data(as_text=True)
        if extras:  # the page really shows what it has
            assert "Bulletin 1" in html and "This year: 30 comments" in html
            assert html.count('class="card card-call"') == 23  # 15 for all, 8 of the others
    _clean(app)
    assert counts[0] == counts[30], counts
    assert counts[30] <= OVERVIEW_LIMIT, counts


def test_a_school_without_a_short_link_is_shown_without_making_one(app):
    """A school from before short links (or a file) shows its full address; the GET does not
    make the link (no GET writes)."""
    _clean(app)
    _district(app, 2)
    with app.app_context():
        db.session.execute(db.delete(ShortLink))
        db.session.commit()
        db.session.remove()
    client = app.test_client()
    with counted(app) as seen:
        html = client.get(f"/schools/{SLUG}").get_data(as_text=True)
    assert not [s for s in seen if WRITES.match(s)]
    assert "Link to share, in this language:" in html
    assert f"/schools/{SLUG}" in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ShortLink)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(School)) == 2
        assert db.session.scalar(db.select(db.func.count()).select_from(Survey)) == 0
        db.session.remove()
    _clean(app)
