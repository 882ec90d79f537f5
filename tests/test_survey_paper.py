"""Paper forms: PDFs in every language with sheet codes, and staff data entry of the sheets."""

import subprocess

import pytest

from portal.models import Role, SurveyResponse
from portal.services import survey_codes
from tests.conftest import visible_text
from tests.survey_helpers import answer_form

EXPECTED_TITLE = {
    "en": "Is our district ready for per-pupil budgeting?",
    "es": "¿Está nuestro distrito listo para el presupuesto por estudiante?",
    "zh-Hans": "我们学区准备好实行按学生拨款的预算了吗？",
    "vi": "Học khu của chúng ta đã sẵn sàng lập ngân sách theo từng học sinh chưa?",
}


def pdf_text(data: bytes, tmp_path) -> str:
    """The PDF's text layer, as poppler reads it (what a screen reader or search would see)."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.mark.parametrize("lang", ["en", "es", "zh-Hans", "vi"])
def test_paper_form_renders_in_each_language_with_sheet_codes(
    client, survey_id, tmp_path, lang, clean_app
):
    response = client.get(f"/surveys/ssfr-test/paper.pdf?lang={lang}&first=7&count=2")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data, tmp_path)
    flat = " ".join(text.split())
    assert " ".join(EXPECTED_TITLE[lang].split()) in flat
    codes = [survey_codes.sheet_code(clean_app.secret_key, survey_id, n) for n in (7, 8)]
    for code in codes:
        assert code in text
    if lang == "zh-Hans":
        assert "我了解资源" in flat  # CJK glyphs reached the text layer, not empty boxes
    if lang == "vi":
        assert "Tôi hiểu cách các nguồn lực" in flat


def test_sheet_codes_are_checked():
    code = survey_codes.sheet_code("k", 3, 42)
    assert code.startswith("0042-") and len(code) == 8
    assert survey_codes.parse_sheet_code("k", 3, code.lower().replace("-", " ")) == code
    assert survey_codes.parse_sheet_code("k", 4, code) is None  # another survey's sheet
    assert survey_codes.parse_sheet_code("k", 3, "0042-AAA") in (None, code)
    assert survey_codes.parse_sheet_code("k", 3, "hello") is None


def test_too_many_sheets_or_bad_numbers(client, survey_id):
    assert client.get("/surveys/ssfr-test/paper.pdf?count=abc").status_code == 400


def test_staff_enter_a_paper_sheet_once(clean_app, survey_id, login_as, ctx):
    staff = login_as(Role.DISTRICT)
    page = staff.get(f"/manage/surveys/{survey_id}/paper")
    assert page.status_code == 200
    code = survey_codes.sheet_code(clean_app.secret_key, survey_id, 12)
    form = answer_form(clean_app, survey_id, language="vi", role="parent", school="district")
    form.update({"sheet_code": code, "channel": "paper"})
    saved = staff.post(f"/manage/surveys/{survey_id}/paper", data=form)
    assert saved.status_code == 303
    with ctx() as session:
        response = session.query(SurveyResponse).one()
        assert response.channel == "paper" and response.language == "vi"
        assert response.entered_by_id is not None
    again = staff.post(f"/manage/surveys/{survey_id}/paper", data=form)
    assert again.status_code == 422
    assert "already been entered" in again.get_data(as_text=True)
    bad = staff.post(f"/manage/surveys/{survey_id}/paper", data={**form, "sheet_code": "0012-ZZZ"})
    assert bad.status_code == 422
    assert "not a sheet code printed for this survey" in bad.get_data(as_text=True)
    with ctx() as session:
        assert session.query(SurveyResponse).count() == 1


def test_paper_entry_shows_up_in_results_by_channel(clean_app, survey_id, login_as, client):
    staff = login_as(Role.DISTRICT)
    for n in range(1, 11):
        form = answer_form(clean_app, survey_id)
        code = survey_codes.sheet_code(clean_app.secret_key, survey_id, n)
        channel = "meeting" if n > 8 else "paper"
        form.update({"sheet_code": code, "channel": channel, "language": "es"})
        assert staff.post(f"/manage/surveys/{survey_id}/paper", data=form).status_code == 303
    html = client.get("/surveys/ssfr-test/results").get_data(as_text=True)
    # 8 paper sheets and 2 from a meeting: small cells, both hidden in public (and so is the
    # empty "online", so the hidden ones together are not 10 minus what is shown).
    assert "Paper form: not shown" in html and "Entered by staff at a meeting: not shown" in html
    staff_html = visible_text(staff.get("/surveys/ssfr-test/results").get_data(as_text=True))
    assert "Paper form: 8" in staff_html and "Entered by staff at a meeting: 2" in staff_html
