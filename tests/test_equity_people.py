"""The whole budget's equity view (services/equity.py): schools in deciles of poverty with their
money per student split unrestricted / restricted, spending per student on people and on
everything else, staff per 100 students by role group, on /allocation and /schools/compare."""

import re
from fractions import Fraction
from types import SimpleNamespace

import pytest
from sqlalchemy import event, select

from portal.extensions import db
from portal.models import Investment, School, SchoolYear
from portal.models.staffing import StaffRole
from portal.services import equity, funding, plans
from portal.services.equity_charts import MONEY_PARTS, stacked_bars
from tests import factories
from tests.conftest import _clean, visible_text
from tests.test_totals import assert_sums_add_up, cents, marked

# -- the arithmetic, without a database -------------------------------------------------------


def row(n, pupils, poverty, unrestricted, restricted):
    school = SimpleNamespace(id=n, name=f"School {n:02d}", slug=f"school-{n}")
    return equity.SchoolEquity(school, pupils, poverty, unrestricted, restricted)


def half_up(total, pupils):
    return int(Fraction(total, pupils) + Fraction(1, 2))


def schools(count):
    """Schools whose poverty share falls as their number rises (so ranking reverses them), with
    amounts that do not divide evenly."""
    return [
        row(n, 300 + 7 * n, 290 - 11 * n, 1_000_003 * n + 17, 250_001 * (n % 4) + 9)
        for n in range(1, count + 1)
    ]


@pytest.mark.parametrize(
    ("count", "sizes"),
    [(7, [1] * 7), (10, [1] * 10), (23, [2, 2, 2, 3, 2, 2, 3, 2, 2, 3])],
)
def test_deciles_cut_ranked_schools_into_groups_of_nearly_equal_size(count, sizes):
    rows = schools(count)
    groups = equity.deciles(rows)
    assert [len(d.schools) for d in groups] == sizes
    assert [d.number for d in groups] == list(range(1, len(sizes) + 1))
    ranked = [s for d in groups for s in d.schools]
    assert ranked == sorted(rows, key=lambda s: Fraction(s.poverty, s.pupils))
    assert ranked[0].school.id == count  # the least poverty first
    for d in groups:
        pupils = sum(s.pupils for s in d.schools)
        total = sum(s.unrestricted_cents + s.restricted_cents for s in d.schools)
        unrestricted = sum(s.unrestricted_cents for s in d.schools)
        assert d.pupils == pupils
        assert d.per_pupil_cents == half_up(total, pupils)
        assert d.unrestricted_per_pupil_cents == half_up(unrestricted, pupils)
        # The two parts add up to the group's total per student, to the cent.
        assert d.unrestricted_per_pupil_cents + d.restricted_per_pupil_cents == d.per_pupil_cents
        assert all(isinstance(v, int) for v in (d.per_pupil_cents, d.restricted_per_pupil_cents))
        assert d.poverty_share == float(Fraction(sum(s.poverty for s in d.schools), pupils))


def test_a_decile_rounds_half_up_and_the_restricted_part_takes_the_remainder():
    # 1,000 cents for 3 students: 333.33 -> 333; unrestricted 500 -> 166.67 -> 167; so 166.
    d = equity.deciles([row(1, 3, 1, 500, 500)])[0]
    assert (d.per_pupil_cents, d.unrestricted_per_pupil_cents, d.restricted_per_pupil_cents) == (
        333,
        167,
        166,
    )
    # Two schools: (10,001 + 20,000) cents over 2 + 4 students = 5,000.17 -> 5,000; 30,001 / 6.
    d = equity.deciles([row(1, 2, 1, 10_001, 0), row(2, 4, 1, 0, 20_000)], count=1)[0]
    assert d.per_pupil_cents == 5_000 and d.unrestricted_per_pupil_cents == 1_667
    assert d.restricted_per_pupil_cents == 3_333


def test_staff_per_100_students_in_hundredths():
    assert equity.per_100(1800, 400) == 450  # 18 teachers for 400 students: 4.5 per 100
    assert equity.per_100(150, 400) == 38  # 37.5 rounds half up
    assert equity.per_100(100, 300) == 33
    assert equity.per_100(100, 0) == 0


def test_stacked_bars_lay_the_parts_end_to_end_and_mirror_in_rtl():
    groups = equity.deciles([row(1, 10, 1, 6_000, 2_000), row(2, 10, 5, 2_000, 2_000)])
    ltr = stacked_bars(groups, MONEY_PARTS, rtl=False)
    first = ltr["bars"][0].segments
    assert [s.cents for s in first] == [600, 200] and first[0].x == 0
    assert first[1].x == first[0].width == 240.0 and first[1].width == 80.0
    rtl = stacked_bars(groups, MONEY_PARTS, rtl=True)["bars"][0].segments
    assert rtl[0].x == 80.0 and rtl[1].x == 0.0  # growing from the right


# -- the portal: a district with positions -----------------------------------------------------

ROLES = [("T1", "Teacher", "teacher"), ("AIDE", "Aide", "aide"), ("CNS", "Counselor", "counselor")]


def build(count, slug_prefix="school"):
    """A district with `count` elementary schools (poverty rising with the number), Table 2.2
    adopted, a Title I grant at the first school, and at each school a shared plan paying
    for teachers, aides and a counselor from the base grant, and books from the supplemental
    grant (restricted)."""
    d = factories.district()
    rows = [
        factories.school(d, f"{slug_prefix}-{n}", f"School {n:02d}", enrollment=200 + 20 * n)
        for n in range(1, count + 1)
    ]
    year = factories.school_year(d)
    shares = {s.slug: (min(5 + 4 * n, 95), 20, 12) for n, s in enumerate(rows)}
    money = factories.funding(d, year, shares=shares, grant_schools=rows[:1])
    roles = {}
    for position, (code, name, group) in enumerate(ROLES):
        roles[group] = StaffRole(
            district_id=d.id, code=code, name={"en": name}, group=group, position=position
        )
        db.session.add(roles[group])
    db.session.flush()
    for n, school in enumerate(rows):
        books = factories.goal_spec("Read more", [("Books", 2_000, 9, {"supplemental": 2_000})])
        plan = factories.plan(school, year, [books], money=money)
        staff = [("teacher", 800 + 100 * n, 9_000_000), ("aide", 150, 2_000_000)]
        if n % 2 == 0:
            staff.append(("counselor", 100, 1_100_000))
        for priority, (group, fte, cost) in enumerate(staff, start=1):
            position = Investment(
                goal_id=None,
                staff_role_id=roles[group].id,
                fte=fte,
                cost_cents=cost,
                priority=priority,
                description={"en": f"{group} positions"},
            )
            plan.investments.append(position)
            db.session.flush()
            plans.set_budget_line(position, money.streams["base"].id, cost)
    db.session.flush()
    return d, year, rows


@pytest.fixture
def staffed(clean_app):
    with clean_app.app_context():
        build(4)
        db.session.commit()
        db.session.remove()
    return clean_app


def _view(app):
    with app.test_request_context():
        year = db.session.scalars(select(SchoolYear)).one()
        district_id = year.district_id
        run = funding.published_run(district_id, year.id)
        money = funding.district_money(run)
        schools = {s.id: s for s in db.session.scalars(select(School))}
        counts = {i.school_id: i.enrollment for i in funding.school_inputs(district_id, year.id)}
        return equity.equity_view(district_id, year.id, money, schools, counts, True), money


def test_school_rows_split_money_by_kind_and_count_funded_staff(staffed):
    with staffed.app_context():
        view, money = _view(staffed)
        assert len(view.schools) == 4 and len(view.deciles) == 4 and view.fewer_than_ten
        for s in view.schools:
            own = money.for_school(s.school.id)
            restricted = sum(x.cents for x in own.sources if x.stream.kind == "restricted")
            assert s.restricted_cents == restricted > 0
            assert s.total_cents == own.total_cents
            totals = plans.budget_totals(
                plans.load_plan(s.school.id, own.scenario.school_year_id), own
            )
            assert (s.people_cents, s.other_cents) == (totals.people_cents, totals.other_cents)
            assert s.people_cents == 11_000_000 + (1_100_000 if "counselor" in s.staff else 0)
        first = next(s for s in view.schools if s.school.slug == "school-1")
        # 800 hundredths of teachers for 220 students: 3.636... -> 364 hundredths per 100.
        assert first.pupils == 220 and first.staff == {
            "teacher": 800,
            "aide": 150,
            "counselor": 100,
        }
        assert first.per_100("teacher") == 364 and first.per_100("aide") == 68
        assert first.staff_per_100 == equity.per_100(1050, 220) == 477
        assert view.staff_groups == ["teacher", "aide", "counselor"]


def test_the_district_page_has_the_decile_charts_and_staff_per_100(client, staffed):
    html = client.get("/allocation?lang=en").get_data(as_text=True)
    page = visible_text(html)
    assert 'id="deciles-money-table"' in html and 'id="deciles-spending-table"' in html
    assert html.count('class="bar-chart decile-bars"') == 2
    assert "each group is one school" in page
    m = assert_sums_add_up(html, "allocation")
    with staffed.app_context():
        view, _money = _view(staffed)
    for d in view.deciles:
        parts = [cents(p) for p in m.parts[f"deciles-money-{d.number}"]]
        assert parts == [d.unrestricted_per_pupil_cents, d.restricted_per_pupil_cents]
        assert cents(m.totals[f"deciles-money-{d.number}"][0]) == d.per_pupil_cents
        assert [cents(p) for p in m.parts[f"deciles-spending-{d.number}"]] == [
            d.people_per_pupil_cents,
            d.other_per_pupil_cents,
        ]
    staff = re.search(r'<tr id="staff-school-1">(.*?)</tr>', html, re.S).group(1)
    cells = dict(re.findall(r'data-group="(\w+)">([^<]+)<', staff))
    assert cells == {"teacher": "3.64", "aide": "0.68", "counselor": "0.45", "all": "4.77"}
    assert "Staff per 100 students" in page and "Counselors" in page


def test_the_district_page_in_spanish(client, staffed):
    response = client.get("/allocation?lang=es")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'lang="es"' in html and 'id="deciles-money-table"' in html
    assert_sums_add_up(html, "allocation es")


def test_compare_prints_the_budget_totals_figures(client, staffed):
    slugs = ["school-1", "school-2"]
    with staffed.app_context():
        year = db.session.scalars(select(SchoolYear)).one()
        run = funding.published_run(year.district_id, year.id)
        expected = {}
        for slug in slugs:
            school = db.session.scalars(select(School).filter_by(slug=slug)).one()
            money = funding.school_funding(run, school.id)
            expected[slug] = (
                plans.budget_totals(plans.load_plan(school.id, year.id), money),
                money,
            )
    for lang in ("en", "es"):
        response = client.get(f"/schools/compare?schools={','.join(slugs)}&lang={lang}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        for slug, (totals, money) in expected.items():
            start = html.index(f'id="compare-{slug}"')
            section = html[start : html.find('id="compare-', start + 1)]
            m = marked(section)
            # The whole budget: base program + goals (funded) + not assigned = the allocation.
            assert [cents(p) for p in m.parts["funded"]] == [g.funded_cents for g in totals.groups]
            assert totals.groups[0].is_base_program and 'data-group="base"' in section
            assert [cents(p) for p in m.parts["allocation"]] == [
                totals.funded_cents,
                totals.left_cents,
            ]
            assert cents(m.totals["allocation"][0]) == totals.available_cents
            # Per student: people + everything else = funded, from the same totals.
            people = funding.per_pupil(totals.people_cents, money.pupils)
            funded = funding.per_pupil(totals.funded_cents, money.pupils)
            assert [cents(p) for p in m.parts[f"pp-{slug}"]] == [people, funded - people]
            assert cents(m.totals[f"pp-{slug}"][0]) == funded
    html = client.get(f"/schools/compare?schools={','.join(slugs)}&lang=en").get_data(as_text=True)
    section = html[html.index('id="compare-school-1"') : html.index('id="compare-school-2"')]
    groups = re.findall(
        r'<tr data-group="(\w+)"><th scope="row">[^<]+</th>'
        r"<td[^>]*>([^<]+)</td><td[^>]*>([^<]+)</td>",
        section,
    )
    assert groups == [
        ("teacher", "8", "3.64"),
        ("aide", "1.5", "0.68"),
        ("counselor", "1", "0.45"),
        ("all", "10.5", "4.77"),
    ]


def test_the_district_page_does_not_query_per_school(clean_app, client):
    def statements(count):
        _clean(clean_app)
        with clean_app.app_context():
            build(count)
            db.session.commit()
            db.session.remove()
            engine = db.engine
        seen = []

        def tally(*_args):
            seen.append(1)

        client.get("/allocation")  # warm up: first-request caches
        event.listen(engine, "before_cursor_execute", tally)
        try:
            html = client.get("/allocation").get_data(as_text=True)
        finally:
            event.remove(engine, "before_cursor_execute", tally)
        assert html.count('<tr id="staff-') == count
        return len(seen)

    five, twenty = statements(5), statements(20)
    assert five == twenty, (five, twenty)


def test_a_draft_plan_is_not_counted(client, staffed):
    with staffed.app_context():
        school = db.session.scalars(select(School).filter_by(slug="school-2")).one()
        year = db.session.scalars(select(SchoolYear)).one()
        plans.load_plan(school.id, year.id).withdraw()  # back to draft: the office's only
        db.session.commit()
    html = client.get("/allocation?lang=en").get_data(as_text=True)
    assert 'id="staff-school-1"' in html and 'id="staff-school-2"' not in html
    assert "1 school has not published this year's plan yet" in visible_text(html)


def test_without_positions_the_district_page_says_so(client, funded):
    page = visible_text(client.get("/allocation?lang=en").get_data(as_text=True))
    assert "No school has published a plan with its staff yet." in page
    assert "so each group is one school instead of a tenth" in page  # three schools
