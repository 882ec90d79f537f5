"""Communications staff write a bulletin in English, add the Spanish side by side and publish it;
a visitor whose phone speaks Spanish reads it; the print edition has its QR code; the Atom feed
is valid XML and lists it. axe-core on the editor and the public pages."""

import subprocess
import xml.etree.ElementTree as ET

from playwright.sync_api import expect

from portal.models import Role
from tests.browser.test_foundation_flows import assert_accessible, assert_fits_a_phone
from tests.conftest import PASSWORD


def test_write_translate_publish_and_read_in_spanish(
    page, browser, live_server, district, make_user, tmp_path
):
    staff = make_user(Role.COMMS)
    page.goto(f"{live_server}/auth/sign-in?lang=en")
    page.get_by_label("E-mail address").fill(staff)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Workspace")
    page.goto(f"{live_server}/manage/bulletins")
    page.get_by_label("Title in English").fill("Budget night on Thursday")
    page.get_by_role("button", name="Start writing").click()

    # The editor: English and Spanish side by side, field by field.
    page.locator("#body_en").fill("Come and **ask** about the budget.")
    page.locator("#title_es").fill("Noche del presupuesto el jueves")
    page.locator("#body_es").fill("Venga a **preguntar** sobre el presupuesto.")
    page.locator("#sms_es").fill("Noche del presupuesto el jueves a las 6.")
    page.get_by_label("The Español translation is").select_option("reviewed")
    assert_accessible(page)
    assert_fits_a_phone(page)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Bulletin saved.")
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".flash")).to_contain_text("Published.")

    # A visitor whose phone is set to Spanish.
    visitor = browser.new_context(locale="es-ES", viewport={"width": 360, "height": 740})
    phone = visitor.new_page()
    phone.goto(f"{live_server}/bulletins")
    phone.get_by_role("link", name="Noche del presupuesto el jueves").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Noche del presupuesto el jueves")
    expect(phone.locator(".prose strong")).to_have_text("preguntar")
    assert_accessible(phone)
    assert_fits_a_phone(phone)

    pdf_href = phone.get_by_role("link", name="Edición impresa (PDF)").get_attribute("href")
    pdf = phone.request.get(f"{live_server}{pdf_href}")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    path = tmp_path / "bulletin.pdf"
    path.write_bytes(pdf.body())
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Noche del presupuesto el jueves" in text and "/b/" in text  # the QR code's address
    images = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert len(images.strip().splitlines()) >= 3  # header lines plus the QR code

    feed = phone.request.get(f"{live_server}/bulletins/feed.xml?lang=es")
    root = ET.fromstring(feed.body())
    titles = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert "Noche del presupuesto el jueves" in titles
    visitor.close()
