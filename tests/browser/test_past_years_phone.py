"""Past years on a phone (issue 13, item 7), on the demo district: César Chávez's school page
carries the year picker; last year's plan and budget open under `?year=2025-26` with the
council's April 2026 approval line, and all of them fit 360 px in English, Spanish and Arabic."""

import pytest

from tests.browser.harness import layout_problems, visit

SCHOOL = "/schools/cesar-chavez-elementary"
PAGES = [SCHOOL, f"{SCHOOL}/plan?year=2025-26", f"{SCHOOL}/budget?year=2025-26"]


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("tag", ["en", "es", "ar"])
def test_last_years_pages_and_the_year_picker_fit_a_phone(demo_site, phone, tag):
    _, base = demo_site
    failures = {}
    for path in PAGES:
        assert visit(phone, base, path, tag) == 200, path
        picker = phone.locator(".year-picker")
        assert picker.count() == 1, path
        assert "2025-26" in picker.inner_text(), path
        if "year=" in path:
            assert phone.locator("p.status.approved").count() == 1, path
        problems = layout_problems(phone)
        if problems:
            failures[path] = problems
    assert not failures, "\n".join(f"{path}: {p}" for path, ps in failures.items() for p in ps)
