# ruff: noqa: F811  (pytest fixtures imported from tests.test_totals)
"""The people drill-down of a school's budget, the plan PDF's people table and whole allocation
(read back with pypdf), and a position's own cost kept off public pages under actual costing."""

import io
import re

from pypdf import PdfReader

from portal.extensions import db
from portal.models import SchoolPlan
from tests.test_totals import (  # noqa: F401  (fixtures)
    SCHOOL,
    add_positions,
    assert_sums_add_up,
    cents,
    planned,
    staffed,
    whole_figures,
)


def test_people_page_lists_every_role_and_adds_up(client, staffed):
    html = client.get(f"/schools/{SCHOOL}/budget/people").get_data(as_text=True)
    m = assert_sums_add_up(html, "people")
    for name in ("Principal", "Teacher, grades K-5", "Instructional aide", "Counselor"):
        assert name in html
    assert "Base program" in html and "Goal 1" in html and "One-time" in html
    # Each role's positions add up to the role's cost, the roles to their group's.
    assert any(k.startswith("role-") for k in m.totals)
    assert {"group-teacher", "group-aide", "people-cost", "people-funded"} <= set(m.totals)


def test_people_page_is_404_without_a_public_plan(client, staffed):
    assert client.get("/schools/lincoln-elementary/budget/people").status_code == 404
    assert client.get(f"/schools/{SCHOOL}/budget/people?year=1999-00").status_code == 404
    with staffed.app_context():
        for plan in db.session.query(SchoolPlan):
            plan.status = "draft"
        db.session.commit()
        db.session.remove()
    assert client.get(f"/schools/{SCHOOL}/budget/people").status_code == 404


def test_the_plan_pdf_prints_the_people_and_the_whole_allocation(client, staffed):
    budget = whole_figures(client.get(f"/schools/{SCHOOL}/budget").get_data(as_text=True), "budget")
    for lang in ("en", "es"):
        response = client.get(f"/schools/{SCHOOL}/plan.pdf?lang={lang}")
        assert response.status_code == 200
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
        flat = re.sub(r"\s+", " ", text)
        amounts = {cents(a) for a in re.findall(r"\$\s?[\d,]+(?:\.\d{2})?", flat)}
        for figure in ("available", "funded", "people", "other"):
            assert budget[figure] in amounts, f"{lang}: {figure} {budget[figure]} not in the PDF"
        assert budget["available"] - budget["funded"] in amounts  # not assigned yet
        for group in budget["groups"]:
            assert group in amounts
        assert "Principal" in flat and "Counselor" in flat
        if lang == "en":
            assert "Base program" in flat and "How many adults, in which roles" in flat


def test_actual_costing_keeps_a_persons_pay_off_public_pages(client, planned):
    add_positions(planned, costing="actual")
    with planned.app_context():
        from portal.models import Investment

        counselor = next(
            i for i in db.session.query(Investment) if i.staff_role and i.staff_role.code == "3100"
        )
        pay = counselor.cost_cents
        db.session.remove()
    pay_text = f"${pay // 100:,}"
    for path in ("budget", "budget/people"):
        html = client.get(f"/schools/{SCHOOL}/{path}").get_data(as_text=True)
        assert "the role&#39;s total" in html or "role's total" in html, path
    people = client.get(f"/schools/{SCHOOL}/budget/people").get_data(as_text=True)
    # No position line prints a cost of its own (its role's row has the role's total).
    rows = re.findall(r'<tr class="position-row.*?</tr>', people, flags=re.S)
    assert rows and not any("$" in row for row in rows), "a position's own pay is printed"
    assert pay_text in people  # the role's total (one position: the lead decides, see report)
    # The PDF keeps it off too: each position's row says "in the role's total".
    pdf = client.get(f"/schools/{SCHOOL}/plan.pdf?lang=en")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "in the role's total" in " ".join(text.split())
