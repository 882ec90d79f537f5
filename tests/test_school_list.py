"""The school list at district scale (issue 18): search by name, street, grades and area without
regard to case or accents, 25 schools a page with links that keep the search, browsing by level
and by area, the same list on / and /schools, whole pages without JavaScript and the list alone
for htmx."""

import re

import pytest

from portal.extensions import db
from portal.models import School
from portal.services import schools as school_service
from tests import factories
from tests.conftest import hx, visible_text

ROWS = [
    # slug, name, level, address, grades, area
    ("cesar-chavez", "César Chávez Elementary", "elementary", "1450 Mission Rd", "K-5", "Eastside"),
    ("nino-heroes", "Niños Héroes Middle", "middle", "8 Ñandú Way", "6-8", "Eastside"),
    ("oak-grove", "Oak Grove Elementary", "elementary", "220 Oak Grove Ave", "TK-5", "Northside"),
    ("harbor-high", "Harbor High School", "high", "1 Pier Rd", "9-12", "Harbor"),
    ("nguyen-du", "Nguyễn Du Academy", "other", "3 Đồng Khởi St", "K-8", None),
]


@pytest.fixture
def schools(clean_app):
    """Five schools with accents (Spanish, Vietnamese), levels, grades and areas."""
    with clean_app.app_context():
        district = factories.district()
        for slug, name, level, address, grades, area in ROWS:
            factories.school(district, slug, name, level, address=address, grades=grades, area=area)
        db.session.commit()
        db.session.remove()


@pytest.fixture
def many(clean_app):
    """60 schools: 20 of each level, the high schools in the area "Harbor"."""
    with clean_app.app_context():
        district = factories.district()
        for n in range(60):
            level = ("elementary", "middle", "high")[n % 3]
            factories.school(
                district,
                f"school-{n:02}",
                f"School {n:02}",
                level,
                area="Harbor" if level == "high" else "Inland",
            )
        db.session.commit()
        db.session.remove()


def _names(client, path: str, **kwargs) -> list[str]:
    response = client.get(path, **kwargs)
    assert response.status_code == 200, (path, response.status_code)
    return re.findall(r'href="/schools/[a-z0-9-]+"><strong>([^<]+)</strong>', _html(response))


def _html(response) -> str:
    from html import unescape

    return unescape(response.get_data(as_text=True))


SEARCHES = [
    ("oak", ["Oak Grove Elementary"]),
    ("pier rd", ["Harbor High School"]),  # the street
    ("6-8", ["Niños Héroes Middle"]),  # the grades
    ("northside", ["Oak Grove Elementary"]),  # the area
    ("eastside elementary", ["César Chávez Elementary"]),  # every word, anywhere
    ("HARBOR", ["Harbor High School"]),
]


def test_search_by_name_street_grades_and_area(client, schools):
    for query, expected in SEARCHES:
        assert _names(client, "/", query_string={"q": query}) == expected, query


ACCENTS = [
    ("cesar", "César Chávez Elementary"),
    ("CHAVEZ", "César Chávez Elementary"),
    ("César Chávez", "César Chávez Elementary"),
    ("cÉsAr", "César Chávez Elementary"),
    ("ninos heroes", "Niños Héroes Middle"),
    ("nandu", "Niños Héroes Middle"),
    ("nguyen", "Nguyễn Du Academy"),
    ("dong khoi", "Nguyễn Du Academy"),  # Đ is read as D
    ("nguyễn", "Nguyễn Du Academy"),
]


def test_search_ignores_accents_and_case(client, schools):
    for query, expected in ACCENTS:
        assert _names(client, "/", query_string={"q": query}) == [expected], query


def test_an_accent_typed_finds_the_name_written_without_it(clean_app, client):
    with clean_app.app_context():
        factories.school(factories.district(), "cesar-park", "Cesar Park Elementary")
        db.session.commit()
        db.session.remove()
    assert _names(client, "/", query_string={"q": "césar"}) == ["Cesar Park Elementary"]


def test_wildcards_typed_match_themselves(client, schools):
    for query in ["%", "_", "*", "?", "[", "a%", "o_k", ".*", "(", "\\", "[a-z]"]:
        html = _html(client.get("/", query_string={"q": query}))
        assert "No school matches your search" in html, query


def test_a_name_stored_decomposed_is_found_too(clean_app, client):
    """A name from a file in decomposed form (e + combining accent) is stored composed."""
    with clean_app.app_context():
        district = factories.district()
        school_service.create_school(
            district,
            None,
            name="Jose\u0301 Marti\u0301 Middle",
            slug="jose-marti",
            level="middle",
            enrollment=10,
        )
        db.session.commit()
        db.session.remove()
    assert _names(client, "/", query_string={"q": "josé"}) == ["José Martí Middle"]
    assert _names(client, "/", query_string={"q": "marti"}) == ["José Martí Middle"]


def test_level_and_area_filters(client, schools):
    assert _names(client, "/?level=elementary") == [
        "César Chávez Elementary",
        "Oak Grove Elementary",
    ]
    assert _names(client, "/?area=Eastside") == ["César Chávez Elementary", "Niños Héroes Middle"]
    assert _names(client, "/?area=Eastside&level=middle") == ["Niños Héroes Middle"]
    assert _names(client, "/?area=Nowhere") == []
    # An unknown level is no filter, not an error.
    assert len(_names(client, "/?level=university")) == 5


def test_the_area_choice_lists_the_districts_areas(client, schools):
    html = _html(client.get("/"))
    areas = re.findall(r'<option value="([^"]+)"[^>]*>\1</option>', html)
    assert areas == ["Eastside", "Harbor", "Northside"]
    assert 'name="area"' in html


def test_no_area_choice_when_no_school_has_an_area(clean_app, client):
    with clean_app.app_context():
        factories.school(factories.district(), "plain-school")
        db.session.commit()
        db.session.remove()
    assert 'name="area"' not in _html(client.get("/"))


def test_pages_of_25_with_links_that_keep_the_search(client, many):
    first = _html(client.get("/?level=high"))
    assert "20 schools" in visible_text(first)  # one page: no "Showing"
    assert 'rel="next"' not in first
    page1 = _html(client.get("/"))
    assert "Showing 1–25 of 60 schools" in visible_text(page1)
    assert len(_names(client, "/")) == 25
    assert 'rel="prev"' not in page1
    assert re.search(r'<a rel="next" href="/\?page=2"', page1)
    page3 = _html(client.get("/?page=3"))
    assert "Showing 51–60 of 60 schools" in visible_text(page3)
    assert _names(client, "/?page=3")[0] == "School 50"
    assert 'rel="next"' not in page3
    assert re.search(r'<a rel="prev" href="/\?page=2"', page3)
    searched = _html(client.get("/schools?q=school&area=Inland&page=2"))
    assert "Showing 26–40 of 40 schools" in visible_text(searched)
    prev = re.search(r'<a rel="prev" href="([^"]+)"', searched).group(1)
    assert prev.startswith("/schools?") and "q=school" in prev and "area=Inland" in prev
    assert "page=" not in prev  # page 1 is the plain address


def test_a_page_number_that_is_not_one_is_page_one(client, many):
    for page in ["0", "-1", "abc", "", "1.5", "99999999999", "%00", "2e3", "١"]:
        response = client.get("/", query_string={"page": page})
        assert response.status_code == 200, page
        assert "Showing 1–25 of 60 schools" in visible_text(_html(response)), page


def test_a_page_past_the_last_is_404(client, many):
    for path in ["/?page=4", "/?page=9999", "/schools?page=2&level=high", "/?q=zzz&page=2"]:
        assert client.get(path).status_code == 404, path


def test_a_search_with_no_match_is_page_one_not_404(client, many):
    response = client.get("/?q=zzz")
    assert response.status_code == 200
    assert "No school matches" in _html(response)


def test_a_thousand_schools_draw_one_page_and_count_in_the_districts_style(clean_app, client):
    with clean_app.app_context():
        district = factories.district()
        db.session.add_all(
            School(
                district_id=district.id,
                slug=f"s-{n:04}",
                name=f"School {n:04}",
                level="elementary",
                description={},
            )
            for n in range(1000)
        )
        db.session.commit()
        db.session.remove()
    html = _html(client.get("/?page=2"))
    assert "Showing 26–50 of 1,000 schools" in visible_text(html)
    assert len(re.findall(r'href="/schools/s-\d{4}"', html)) == 25
    assert client.get("/?page=40").status_code == 200
    assert client.get("/?page=41").status_code == 404


def test_htmx_gets_the_list_alone_with_its_page_links(client, many):
    response = client.get("/?page=2", headers=hx("school-list"))
    body = _html(response)
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="school-list"')
    assert 'hx-get="/?page=3"' in body and 'hx-target="#school-list"' in body
    assert {"HX-Request", "HX-Target"} <= set(response.vary)
    listed = _html(client.get("/schools?q=school", headers=hx("school-list")))
    assert listed.lstrip().startswith('<div id="school-list"')
    assert 'href="/schools?page=2&q=school"' in listed


def test_without_javascript_the_form_and_links_are_plain(client, many):
    for path in ("/", "/schools"):
        html = _html(client.get(path))
        assert "<html" in html
        form = re.search(r'<form class="search" method="get" action="([^"]+)"', html)
        assert form and form.group(1) == path
        assert 'name="q"' in html and 'name="level"' in html and 'name="area"' in html
        assert re.search(r'<a rel="next" href="[^"]+"', html)
    # What the form sends with JavaScript off: a plain GET, a whole page.
    html = _html(client.get("/schools?q=&level=high&area=Harbor"))
    assert "<html" in html and "20 schools" in visible_text(html)


def test_the_school_page_links_back_to_the_list_and_shows_its_area(client, schools):
    html = _html(client.get("/schools/cesar-chavez"))
    assert 'href="/schools">All schools</a>' in html
    text = visible_text(html)
    assert "Eastside" in text and "K-5" in text


def test_area_is_saved_with_the_school_and_kept_when_a_form_has_no_area(clean_app):
    with clean_app.app_context():
        district = factories.district()
        details = {"name": "Area School", "slug": "area-school", "level": "high", "enrollment": 1}
        row = school_service.create_school(district, None, area="  Westside ", **details)
        assert row.area == "Westside"
        school_service.update_school(row, None, **details)  # the manage form, before areas
        assert row.area == "Westside"
        school_service.update_school(row, None, area="", **details)
        assert row.area is None
        db.session.rollback()
        db.session.remove()
