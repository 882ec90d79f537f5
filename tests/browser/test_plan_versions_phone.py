"""Approved versions on a phone (issue 13, item 1), on the demo district: after Oak Grove's
approved plan changes, its plan and budget pages carry the "changed since" notice with the
before and after, its version 1 page the approval line, and all of them fit 360 px in English,
Spanish and Arabic."""

import pytest
from sqlalchemy import select

from portal.extensions import db
from tests.browser.harness import layout_problems, visit

SCHOOL = "oak-grove-elementary"
PAGES = [
    f"/schools/{SCHOOL}/plan",
    f"/schools/{SCHOOL}/budget",
    f"/schools/{SCHOOL}/plan/versions/1",
]


@pytest.fixture(scope="module")
def changed_site(demo_site):
    """The demo, with Oak Grove's most expensive investment raised by $100,000 after approval."""
    from portal.models import Investment, School, SchoolPlan

    app, base = demo_site
    with app.app_context():
        investment = db.session.scalars(
            select(Investment)
            .join(SchoolPlan, SchoolPlan.id == Investment.plan_id)
            .join(School, School.id == SchoolPlan.school_id)
            .where(School.slug == SCHOOL)
            .order_by(Investment.cost_cents.desc())
        ).first()
        investment.cost_cents += 10_000_000
        db.session.commit()
        db.session.remove()
    return base


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    yield context.new_page()
    context.close()


def _translated(tag: str, text: str) -> str:
    """`text` as the reader of `tag` sees it, from the compiled catalogs."""
    from babel.support import Translations

    from portal.config import PROJECT_ROOT

    return Translations.load(str(PROJECT_ROOT / "translations"), [tag]).gettext(text)


@pytest.mark.parametrize("tag", ["en", "es", "ar"])
def test_the_changed_notice_and_the_approved_version_fit_a_phone(changed_site, phone, tag):
    failures = {}
    for path in PAGES:
        assert visit(phone, changed_site, path, tag) == 200, path
        if path.endswith("/versions/1"):
            assert phone.locator("p.status.approved").count() == 1
            assert phone.locator(".changed-notice").count() == 0
            notice = phone.locator(".version-notice").inner_text()
            assert _translated(tag, "The plan has changed since.") in notice
        else:
            assert phone.locator(".changed-notice li").count() >= 1, path
            assert phone.locator("p.status.approved").count() == 0, path
            arrow = "←" if tag == "ar" else "→"
            assert arrow in phone.locator(".changed-notice li").first.inner_text(), path
        problems = layout_problems(phone)
        if problems:
            failures[path] = problems
    assert not failures, "\n".join(f"{path}: {p}" for path, ps in failures.items() for p in ps)
