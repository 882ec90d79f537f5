"""A paper approval recorded afterwards, on a 360 px phone: the principal opens a past meeting,
fills the decision and its totals, attaches the signed signature page (a PDF) and records it;
the public meeting page then says it was recorded afterwards, by whom, links the signed page,
and, where the district calls for roll calls, lists each member's vote. The pages fit the
screen in English and Arabic."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import District, Meeting, Motion, Role
from tests.browser.harness import layout_problems, sign_in, visit
from tests.committee_helpers import saving
from tests.conftest import PASSWORD

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def past_council(council, ctx):
    """The council's meeting ten days ago, with no motion yet; the district calls roll calls."""
    with saving(ctx) as session:
        session.get(Meeting, council["meeting"]).starts_at = datetime.now(UTC) - timedelta(days=10)
        session.delete(session.get(Motion, council["motion"]))
        session.query(District).one().roll_call_votes = True
    return council


def test_a_paper_approval_is_recorded_afterwards_on_a_phone(
    page, live_server, past_council, make_user, ctx, clean_app, tmp_path
):
    council = past_council
    email = make_user(Role.PRINCIPAL, schools=("maple-elementary",))
    sign_in(page, live_server, email, PASSWORD)
    form_path = f"/manage/meetings/{council['meeting']}/recorded-afterwards"
    for tag in ("en", "ar"):
        assert visit(page, live_server, form_path, tag) == 200
        assert layout_problems(page) == [], tag
    visit(page, live_server, form_path, "en")
    page.fill("input[name=motion_en]", "Approve the 2026-27 school plan")
    page.select_option("select[name=subject]", "plan")
    page.select_option("select[name=mover_id]", str(council["members"][0]))
    page.select_option("select[name=seconder_id]", str(council["members"][1]))
    page.fill("input[name=yes]", "7")
    page.fill("input[name=no]", "1")
    page.fill("input[name=abstain]", "1")
    signed = tmp_path / "signatures.pdf"
    signed.write_bytes(PDF)
    page.set_input_files("input[name=signed_page]", str(signed))
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".flash")).to_contain_text("marked as recorded afterwards")

    for tag in ("en", "ar"):
        assert visit(page, live_server, f"/meetings/{council['meeting']}", tag) == 200
        assert layout_problems(page) == [], tag
    visit(page, live_server, f"/meetings/{council['meeting']}", "en")
    record = page.locator(".recorded-afterwards")
    expect(record).to_contain_text("recorded afterwards by")
    expect(record.get_by_role("link", name="The signed record")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Passed, 7–1–1")
    # Totals from paper carry no member's vote: the roll call shows only votes on the record.
    expect(page.locator(".roll-call")).to_have_count(0)
    with clean_app.app_context():
        db.session.remove()
