"""A Spanish-speaking parent answers the survey on a phone; staff see it; the public does not see
small groups. axe-core checks every survey page."""

import re

from playwright.sync_api import expect

from portal.models import Role
from tests.browser.test_foundation_flows import assert_accessible, assert_fits_a_phone
from tests.conftest import PASSWORD


def test_spanish_parent_answers_every_area_on_a_phone(page, live_server, survey_id, make_user):
    page.goto(f"{live_server}/?lang=es")
    page.get_by_role("link", name="Responder la encuesta").first.click()
    expect(page.get_by_text("Paso 1 de 7")).to_be_visible()  # htmx turned on one screen per area
    assert_accessible(page)
    assert_fits_a_phone(page)

    # Trying to go on without answering shows the errors beside the questions.
    page.get_by_role("button", name="Siguiente").click()
    expect(page.locator("#role-error")).to_be_visible()

    page.get_by_label("Padre, madre o tutor").check()
    page.locator("#school").select_option(label="Maple Elementary")
    page.get_by_role("button", name="Siguiente").click()
    for step in range(2, 8):
        expect(page.get_by_text(f"Paso {step} de 7")).to_be_visible()
        section = page.locator(".survey-step:not([hidden])")
        for fieldset in section.locator("fieldset.item").all():
            radios = fieldset.locator("input[type=radio]")
            if radios.count():
                radios.nth(2).check()  # "De acuerdo"
        if step == 2:
            assert_accessible(page)
            assert_fits_a_phone(page)
        if step < 7:
            section.get_by_role("button", name="Siguiente").click()
    page.get_by_role("button", name="Enviar mis respuestas").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("¡Gracias!")
    assert_accessible(page)

    # Public results: one response is a group under the threshold, so nothing is shown.
    page.goto(f"{live_server}/surveys/ssfr-test/results")
    expect(page.locator("#results")).to_contain_text("Menos de 10 personas")
    assert_accessible(page)
    assert_fits_a_phone(page)

    # District staff see the response.
    staff = make_user(Role.DISTRICT)
    page.goto(f"{live_server}/auth/sign-in?lang=en")
    page.get_by_label("E-mail address").fill(staff)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Workspace")
    page.goto(f"{live_server}/surveys/ssfr-test/results")
    expect(page.locator("#results")).to_contain_text("Responses: 1")
    expect(page.locator("#results")).to_contain_text("Average 3.00 out of 4")
    page.locator("#filter-language").select_option("es")
    expect(page).to_have_url(re.compile(r"language=es"))
    expect(page.locator("#results")).to_contain_text("Responses: 1")
    assert_accessible(page)
    for path in (
        "/manage/surveys",
        f"/manage/surveys/{survey_id}",
        f"/manage/surveys/{survey_id}/items",
        f"/manage/surveys/{survey_id}/codes",
        f"/manage/surveys/{survey_id}/paper",
    ):
        page.goto(f"{live_server}{path}")
        assert_accessible(page)
        assert_fits_a_phone(page)


def test_the_survey_works_without_javascript(browser, live_server, survey_id):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server}/surveys/ssfr-test?lang=vi")
    page.locator("input[name=role][value=teacher]").check()
    page.locator("#school").select_option(value="district")
    # Each screen is a plain form post: the server checks it and draws the next one.
    for step in range(2, 8):
        page.locator(".survey-step:not([hidden])").get_by_role("button", name="Tiếp theo").click()
        expect(page.get_by_text(f"Bước {step} trên 7")).to_be_visible()
        for fieldset in page.locator(".survey-step:not([hidden]) fieldset.item").all():
            radios = fieldset.locator("input[type=radio]")
            if radios.count() == 5:
                radios.nth(3).check()
    page.get_by_role("button", name="Gửi câu trả lời của tôi").click()
    expect(page).to_have_url(re.compile(r"/surveys/ssfr-test/thanks$"))
    context.close()
