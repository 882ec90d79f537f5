"""The survey on a phone without JavaScript: a plain HTTP client that, like a browser, sends back
exactly what the page it was given holds (checked radios, chosen options, typed text). Switching
language in the middle keeps every answer; the stepped form comes in one download; a refused
screen says what is wrong at the top and beside each field."""

import os
import re
import subprocess
import unicodedata
from html import unescape
from html.parser import HTMLParser

import pytest
from werkzeug.datastructures import MultiDict

from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.models import Role, Survey, SurveyResponse
from portal.models.surveys import ItemKind, SurveyArea
from tests.conftest import hx
from tests.survey_helpers import receipt_for


class _FormReader(HTMLParser):
    """The values a browser would submit from the form with id `form_id`, and its buttons."""

    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.values: list[tuple[str, str]] = []
        self.buttons: list[dict] = []
        self.action = ""
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []
        self._button: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form" and (self.form_id is None or a.get("id") == self.form_id):
            self.inside, self.action = True, a.get("action", "")
            return
        if not self.inside:
            return
        if tag == "input":
            kind = a.get("type", "text")
            if "name" not in a or kind in ("submit", "button"):
                return
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.values.append((a["name"], a.get("value", "on")))
            else:
                self.values.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select, self._select_first, self._select_chosen = a.get("name"), None, False
        elif tag == "option" and self._select:
            if self._select_first is None:
                self._select_first = a.get("value", "")
            if "selected" in a:
                self.values.append((self._select, a.get("value", "")))
                self._select_chosen = True
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), []
        elif tag == "button":
            self._button = {**a, "text": ""}

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            if not self._select_chosen:
                self.values.append((self._select, self._select_first or ""))
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text).replace("\r\n", "\n").removeprefix("\n")
            self.values.append((self._textarea, text))
            self._textarea = None
        elif tag == "button" and self._button is not None:
            self._button["text"] = self._button["text"].strip()
            self.buttons.append(self._button)
            self._button = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)
        if self._button is not None:
            self._button["text"] += data


def read_form(html: str, form_id: str = "survey-form") -> _FormReader:
    reader = _FormReader(form_id)
    reader.feed(html)
    return reader


def press(client, html: str, text: str, change: dict | None = None, form_id="survey-form"):
    """Press the visible button labelled `text` of the page's form, after setting `change`,
    as a browser without JavaScript does: a plain POST of every field in the form."""
    form = read_form(html, form_id)
    button = next(b for b in form.buttons if b["text"] == text and "hidden" not in b)
    values = [(k, v) for k, v in form.values if k not in (change or {})]
    values += list((change or {}).items())
    if button.get("name"):
        values.append((button["name"], button.get("value", "")))
    return client.post(unescape(button.get("formaction") or form.action), data=MultiDict(values))


def _items(app, survey_id):
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        by_area = {
            area.value: [i.id for i in survey.items if i.area == area.value] for area in SurveyArea
        }
        kinds = {i.id: i.kind for i in survey.items}
        db.session.remove()
    return by_area, kinds


def _area_answers(by_area, kinds, area: str, score: str) -> dict:
    return {
        f"item-{i}": score if kinds[i] == ItemKind.AGREEMENT else "Más libros, por favor."
        for i in by_area[area]
    }


def test_switching_language_mid_survey_keeps_every_answer_without_javascript(
    client, clean_app, survey_id
):
    by_area, kinds = _items(clean_app, survey_id)
    page = client.get("/surveys/ssfr-test?lang=en")
    html = page.get_data(as_text=True)
    assert "Step 1 of 7" in html
    receipt = dict(read_form(html).values)["receipt"]

    # Screen 1, then Next: a plain post of the whole form.
    about = {"role": "parent", "school": "district"}
    html = press(client, html, "Next", about).get_data(as_text=True)
    assert "Step 2 of 7" in html
    transparency = _area_answers(by_area, kinds, "transparency", "2")
    first_half = dict(list(transparency.items())[:2])

    # Half-way through screen 2 the parent switches to Spanish.
    switched = press(client, html, "Español", first_half)
    assert switched.status_code == 200
    html = switched.get_data(as_text=True)
    assert '<html lang="es"' in html
    assert "Paso 2 de 7" in html  # the same screen, now in Spanish
    values = read_form(html).values
    for name, value in [*about.items(), *first_half.items(), ("receipt", receipt)]:
        assert (name, value) in values, name
    # The preferred language was left as the page's: it follows the switch.
    assert ("language", "es") in values

    # And back to English, then to Vietnamese, from the same screen: still nothing lost.
    html = press(client, html, "English").get_data(as_text=True)
    assert '<html lang="en"' in html and "Step 2 of 7" in html
    html = press(client, html, "Tiếng Việt").get_data(as_text=True)
    assert '<html lang="vi"' in html
    assert all(pair in read_form(html).values for pair in first_half.items())

    # Finish the survey in Vietnamese with the form as the pages carried it.
    html = press(client, html, "Tiếp theo", transparency).get_data(as_text=True)
    for area in [a.value for a in SurveyArea][1:]:
        html = press(client, html, "Tiếp theo", _area_answers(by_area, kinds, area, "3")).get_data(
            as_text=True
        )
        if "Gửi câu trả lời của tôi" in [
            b["text"] for b in read_form(html).buttons if "hidden" not in b
        ]:
            break
    done = press(client, html, "Gửi câu trả lời của tôi")
    assert done.status_code == 303, done.get_data(as_text=True)[:2000]
    with clean_app.app_context():
        stored = db.session.query(SurveyResponse).one()
        assert (stored.respondent_role, stored.language) == ("parent", "vi")
        by_item = {a.item_id: a for a in stored.answers}
        for name in transparency:
            item_id = int(name.split("-")[1])
            if kinds[item_id] == ItemKind.AGREEMENT:
                assert by_item[item_id].score == 2, name
        db.session.remove()


def test_a_preferred_language_chosen_by_hand_stays_through_a_switch(client, survey_id):
    html = client.get("/surveys/ssfr-test?lang=en").get_data(as_text=True)
    html = press(client, html, "Español", {"language": "zh_Hans"}).get_data(as_text=True)
    assert ("language", "zh_Hans") in read_form(html).values


def test_a_comment_survives_a_language_switch_word_for_word(client, clean_app, survey_id):
    by_area, kinds = _items(clean_app, survey_id)
    comment = next(f"item-{i}" for i, k in kinds.items() if k == ItemKind.COMMENT)
    text = 'Line one <b>not bold</b> & "quoted"\nLine two'
    html = client.get("/surveys/ssfr-test?lang=en").get_data(as_text=True)
    html = press(client, html, "简体中文", {comment: text}).get_data(as_text=True)
    assert '<html lang="zh-Hans"' in html
    assert (comment, text) in read_form(html).values
    assert "<b>not bold</b>" not in html  # kept as text, never as markup


def test_the_stepped_form_is_one_download(client, survey_id):
    response = client.get("/surveys/ssfr-test")
    html = response.get_data(as_text=True)
    form = html.split('id="survey-form"', 1)[1].split("</form>")[0]
    # Nothing on the page asks the server for the form again when it loads.
    assert "hx-trigger" not in html
    assert 'hx-get="/surveys' not in html
    # Later screens are hidden from the first paint by the markup itself.
    shown = re.findall(r'<section class="survey-step" id="step-([a-z]+)"(?![^>]*hidden)', form)
    assert shown == ["about"]


def test_enter_in_a_field_presses_next_not_a_language_button(client, survey_id):
    form = read_form(client.get("/surveys/ssfr-test").get_data(as_text=True))
    first = form.buttons[0]  # the form's default button, pressed by Enter
    assert (first.get("name"), first.get("value"), "formaction" in first) == ("goto", "1", False)


def test_a_tampered_language_switch_is_a_400_not_a_500(client, survey_id):
    for goto in ("x", "-1", "99", ""):
        response = client.post("/surveys/ssfr-test?lang=es", data={"goto": goto, "current": "0"})
        assert response.status_code == 400, goto


def test_a_refused_screen_says_what_is_wrong_at_the_top_and_beside_each_field(client, survey_id):
    html = client.get("/surveys/ssfr-test?lang=es").get_data(as_text=True)
    refused = press(client, html, "Siguiente", {"school": "district"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    summary = html.split('class="form-errors error-summary"', 1)[1].split("</div>")[0]
    assert 'href="#role"' in summary and "¿Qué lo describe mejor a usted?" in summary
    assert re.search(r'<input id="role" type="radio" name="role"', html)
    assert 'id="role-error"' in html
    assert html.index("error-summary") < html.index('id="step-about"')
    assert ("school", "district") in read_form(html).values


def test_a_refused_submission_keeps_every_answer_and_links_each_error(client, clean_app, survey_id):
    by_area, kinds = _items(clean_app, survey_id)
    data = {"role": "teacher", "school": "district", "language": "en"}
    data["receipt"] = receipt_for(clean_app, survey_id)  # one the server issued: it is kept
    for area in by_area:
        data.update(_area_answers(by_area, kinds, area, "4"))
    bad = next(f"item-{i}" for i in by_area["efficiency"] if kinds[i] == ItemKind.AGREEMENT)
    data[bad] = "7"
    response = client.post("/surveys/ssfr-test", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'href="#{bad}"' in html and f'id="{bad}-error"' in html
    # The one screen with the error is shown, every other answer is still in the form.
    assert re.search(r'id="step-efficiency"(?![^>]*hidden)', html)
    values = read_form(html).values
    for name, value in data.items():
        if name != bad:
            assert (name, value) in values, name


def test_htmx_next_swaps_only_the_form(client, clean_app, survey_id):
    response = client.post(
        "/surveys/ssfr-test/step",
        data={"role": "parent", "school": "district", "language": "en", "goto": "1"},
        headers=hx("survey-form"),
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and "Step 2 of 7" in body
    assert "autofocus" in body.split('id="step-transparency"')[1].split("</h2>")[0]


# --- printed forms and reports: what belongs together stays on one page ---------------------

BOX = "\u2610"


def _pdf_pages(data: bytes, tmp_path) -> list[str]:
    """The text of each page of a PDF, read back with poppler (pdftotext -f N -l N -layout)."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    count = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
    return [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, count + 1)
    ]


def _squeeze(text: str) -> str:
    """Text as compared with what poppler reads back: no spaces, line breaks or direction
    marks, no combining marks, and in Arabic without lam and alef (poppler gives the lam-alef
    ligature back in the wrong order), so one text compares equal whichever way it came."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return re.sub(r"[\s\u200e\u200f\u202a-\u202e\u2066-\u2069\u0640لاأإآىٱ]+", "", text)


def _assert_words_inside_the_page(data: bytes, tmp_path):
    """Tables and text fit: no word reaches into the side margins (0.6 in; allow 0.2 in)."""
    path = tmp_path / "bbox.pdf"
    path.write_bytes(data)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for page in re.findall(r"<page (.*?)</page>", html, re.S):
        width = float(re.search(r'width="([\d.]+)"', page).group(1))
        for x_min, x_max in re.findall(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', page
        ):
            assert float(x_min) >= 0.4 * 72 and float(x_max) <= width - 0.4 * 72, (x_min, x_max)


def _assert_no_page_ends_with_a_heading(pages: list[str], headings: list[str]):
    for number, text in enumerate(pages, start=1):
        body = _squeeze(re.sub(r"\s*\d+\s*$", "", text))  # the page number at the foot
        for heading in headings:
            assert not body.endswith(_squeeze(heading)), f"page {number} ends with {heading!r}"


def _distinct_starts(texts: list[str]) -> list[str]:
    """The start of each text, long enough to tell it from the others' (poppler may split a
    right-to-left line around a mark, so the whole text is not always found in one piece)."""
    squeezed = [_squeeze(t) for t in texts]
    keys = []
    for i, text in enumerate(squeezed):
        common = max(
            (
                len(os.path.commonprefix([text, other]))
                for j, other in enumerate(squeezed)
                if j != i
            ),
            default=0,
        )
        keys.append(text[: max(8, common + 3)])
    return keys


def _assert_each_question_has_its_boxes_on_its_page(pages, questions, sheets):
    """questions: (words, boxes). A question's boxes are the ballot boxes on the lines from its
    first word to the next question's (a table row's boxes sit beside one of its lines, on the
    left in right-to-left), and all of them must be on the page where its words are. Each
    question is printed once a sheet."""
    found = dict.fromkeys(range(len(questions)), 0)
    # Each question by its whole text; one poppler cannot give back in one piece (a right-to-
    # left line split around a mark) by a start long enough to tell it from the others.
    everything = "".join(_squeeze(page).replace(BOX, "") for page in pages)
    starts_only = _distinct_starts([words for words, _boxes in questions])
    keys = [
        _squeeze(words) if _squeeze(words) in everything else start
        for (words, _boxes), start in zip(questions, starts_only, strict=True)
    ]
    for number, text in enumerate(pages, start=1):
        lines = [_squeeze(line) for line in text.splitlines()]
        boxes_on = [line.count(BOX) for line in lines]
        # The page's words with the boxes taken out, each character knowing its line.
        plain, line_of = "", []
        for n, line in enumerate(lines):
            words = line.replace(BOX, "")
            plain += words
            line_of += [n] * len(words)
        starts = sorted(
            (line_of[match.start()], match.start(), index)
            for index, key in enumerate(keys)
            for match in re.finditer(re.escape(key), plain)
        )
        ends = [line for line, _at, _index in starts[1:]] + [len(lines)] if starts else []
        for (line, _at, index), end in zip(starts, ends, strict=True):
            words, boxes = questions[index]
            if boxes:
                got = sum(boxes_on[line:end])
                assert got == boxes, f"page {number}: {words!r} with {got} of its {boxes} boxes"
            found[index] += 1
    missing = [questions[i][0] for i, n in found.items() if n != sheets]
    assert missing == [], missing


def _paper_questions(app, survey_id, code):
    from flask_babel import force_locale

    from portal.i18n import translated
    from portal.models.surveys import RespondentRole
    from portal.services.surveys import covered_schools

    with app.test_request_context(f"/?lang={code}"), force_locale(code):
        survey = db.session.get(Survey, survey_id)
        from flask_babel import gettext as _

        questions = [
            (_("Which describes you best?"), len(RespondentRole)),
            (_("Your school"), 1 + len(covered_schools(survey))),
        ]
        for item in survey.items:
            prompt = translated(item, "prompt").text
            if item.kind == ItemKind.AGREEMENT:
                questions.append((prompt, 5))
            elif item.kind == ItemKind.CHOICE:
                questions.append((prompt, len(item.options)))
            else:  # a comment: its box has the hint in it
                questions.append((prompt, 0))
                questions.append(
                    (
                        _(
                            "Optional. Please do not write names or anything that identifies "
                            "you or others."
                        ),
                        0,
                    )
                )
        headings = [_("About you")] + [str(area.label) for area in SurveyArea]
        db.session.remove()
    return questions, headings


def _set_intro(app, survey_id, words: int):
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        survey.intro = {code: " ".join(["Lorem ipsum dolor."] * words) for code in survey.intro}
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_paper_survey_keeps_each_question_with_its_boxes_in_every_language(
    client, clean_app, survey_id, code, tmp_path
):
    questions, headings = _paper_questions(clean_app, survey_id, code)
    # Longer and shorter introductions move every question up and down the pages.
    for words in (0, 25, 60):
        _set_intro(clean_app, survey_id, words)
        response = client.get(f"/surveys/ssfr-test/paper.pdf?lang={code}&count=2")
        assert response.status_code == 200
        pages = _pdf_pages(response.data, tmp_path)
        assert len(pages) >= 2
        _assert_each_question_has_its_boxes_on_its_page(pages, questions, sheets=2)
        _assert_no_page_ends_with_a_heading(pages, headings)
        _assert_words_inside_the_page(response.data, tmp_path)


def test_paper_survey_breaks_well_wherever_the_page_falls(client, clean_app, survey_id, tmp_path):
    questions, headings = _paper_questions(clean_app, survey_id, "en")
    for words in range(5, 120, 9):
        _set_intro(clean_app, survey_id, words)
        pages = _pdf_pages(client.get("/surveys/ssfr-test/paper.pdf?lang=en").data, tmp_path)
        _assert_each_question_has_its_boxes_on_its_page(pages, questions, sheets=1)
        _assert_no_page_ends_with_a_heading(pages, headings)


def _report_headings(app, code):
    from flask_babel import force_locale
    from flask_babel import gettext as _

    with app.test_request_context(f"/?lang={code}"), force_locale(code):
        return [
            _("Where perceptions differ"),
            _("Tier 1: the community survey"),
            _("Tier 2: officials' inventory and roundtable"),
            _("Overall conclusions"),
            _("Tier 3: themes from the interviews"),
            _("In their words (shared with permission, without names)"),
            _("Recommended next steps"),
        ]


@pytest.fixture
def three_tiers(clean_app, district, survey_id):
    """A readiness assessment of the test survey with all three tiers filled in: four
    officials' inventories, the roundtable held, five interviews (tests/factories.py)."""
    from portal.models import District, Survey
    from tests import factories

    with clean_app.app_context():
        row = db.session.get(District, district["id"])
        officials = [factories.user(Role.DISTRICT) for _ in range(4)]
        facilitator = factories.user(Role.FACILITATOR)
        survey = db.session.get(Survey, survey_id)
        assessment_id = factories.readiness_assessment(row, survey, facilitator, officials).id
        db.session.commit()
        db.session.remove()
    return assessment_id


def _set_conclusion(app, assessment_id, lines: int):
    from portal.models import RoundtableNote

    with app.app_context():
        note = db.session.query(RoundtableNote).filter_by(
            assessment_id=assessment_id, question_key=""
        )
        note.one().conclusion = "\n".join(
            f"Point {n}: we agree to look again." for n in range(lines)
        )
        db.session.commit()
        db.session.remove()


def test_readiness_report_pdf_breaks_well_in_every_language(
    clean_app, three_tiers, login_as, tmp_path
):
    staff = login_as(Role.DISTRICT)
    for code in LANGUAGES:
        response = staff.get(f"/manage/readiness/{three_tiers}/report.pdf?lang={code}")
        assert response.status_code == 200
        pages = _pdf_pages(response.data, tmp_path)
        _assert_no_page_ends_with_a_heading(pages, _report_headings(clean_app, code))
        _assert_words_inside_the_page(response.data, tmp_path)
    # Longer conclusions move every later heading down the pages: none is left at a foot.
    headings = _report_headings(clean_app, "en")
    for lines in range(0, 60, 5):
        _set_conclusion(clean_app, three_tiers, lines)
        data = staff.get(f"/manage/readiness/{three_tiers}/report.pdf?lang=en").data
        _assert_no_page_ends_with_a_heading(_pdf_pages(data, tmp_path), headings)


# --- staff forms: a refused form keeps every typed value, with a summary linking to fields --


def _assert_refused_and_kept(response, data: dict, links: list[str]):
    """422; every typed value is in the page's forms again; the summary at the top links to
    each field in error, and each message is also beside its field."""
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    values = read_form(html, None).values
    for name, value in data.items():
        for one in value if isinstance(value, list) else [value]:
            assert (name, one) in values, (name, one)
    summary = html.split('class="form-errors error-summary"', 1)[1].split("</div>")[0]
    for field_id in links:
        assert f'href="#{field_id}"' in summary, field_id
        assert re.search(rf'id="{re.escape(field_id)}"', html), field_id
        assert f'id="{field_id}-error"' in html or f'"{field_id}-error' in html, field_id
    # The summary comes first in the page's content, before any field.
    main = html.split('<main id="main"', 1)[1]
    assert main.index("error-summary") < min(main.index(f'id="{f}"') for f in links)
    return html


def test_new_survey_form_keeps_what_was_typed(login_as, survey_id):
    staff = login_as(Role.DISTRICT)
    data = {"slug": "Not A Slug", "opens_on": "2027-03-01", "closes_on": "2027-04-01"}
    _assert_refused_and_kept(staff.post("/manage/surveys", data=data), data, ["slug"])
    data = {"slug": "spring-2027", "opens_on": "2027-05-01", "closes_on": "2027-04-01"}
    _assert_refused_and_kept(staff.post("/manage/surveys", data=data), data, ["closes_on"])


def test_survey_settings_form_keeps_every_language_and_every_choice(login_as, survey_id):
    staff = login_as(Role.DISTRICT)
    data = {"opens_on": "2027-05-01", "closes_on": "2027-04-01", "results_public": "y"}
    data["baseline_id"] = "0"
    for code in LANGUAGES:
        data[f"title_{code}"] = f"Title typed in {code}"
        data[f"intro_{code}"] = f"Introduction typed in {code},\nwith a second line."
    html = _assert_refused_and_kept(
        staff.post(f"/manage/surveys/{survey_id}", data=data), data, ["closes_on"]
    )
    assert "requires_access_code" not in dict(read_form(html, None).values)


def test_question_forms_keep_every_language(login_as, clean_app, district):
    from tests.survey_helpers import make_survey

    staff = login_as(Role.DISTRICT)
    draft = make_survey(clean_app, district["id"], slug="draft-one")
    with clean_app.app_context():
        survey = db.session.get(Survey, draft)
        survey.state = "draft"
        item_id = survey.items[0].id
        db.session.commit()
        db.session.remove()
    data = {"area": "equity", "kind": "choice", "prompt_en": ""}
    for code in LANGUAGES:
        if code != "en":
            data[f"prompt_{code}"] = f"Statement in {code}"
            data[f"options_{code}"] = f"One {code}\nTwo {code}"
    response = staff.post(f"/manage/surveys/{draft}/items", data=data)
    _assert_refused_and_kept(response, data, ["prompt_en"])
    edit = {k: v for k, v in data.items() if k.startswith("prompt_")}
    response = staff.post(f"/manage/surveys/{draft}/items/{item_id}", data=edit)
    _assert_refused_and_kept(response, edit, ["prompt_en"])


def test_access_code_form_keeps_what_was_typed(login_as, survey_id):
    staff = login_as(Role.DISTRICT)
    data = {"count": "lots", "batch_label": "Oak Grove family night"}
    _assert_refused_and_kept(
        staff.post(f"/manage/surveys/{survey_id}/codes", data=data), data, ["count"]
    )


def test_paper_entry_keeps_every_answer_and_shows_every_error_at_once(
    login_as, clean_app, survey_id
):
    from tests.survey_helpers import answer_form

    staff = login_as(Role.DISTRICT)
    data = answer_form(clean_app, survey_id, school="district", score="2")
    bad_item = next(k for k in data if k.startswith("item-"))
    data.update({"sheet_code": "0042-ZZZ", "channel": "meeting", "language": "vi"})
    sent = {**data, bad_item: "9"}
    response = staff.post(f"/manage/surveys/{survey_id}/paper", data=sent)
    kept = {k: v for k, v in data.items() if k != bad_item}
    _assert_refused_and_kept(response, kept, ["sheet_code", bad_item])
    with clean_app.app_context():
        assert db.session.query(SurveyResponse).count() == 0
        db.session.remove()


@pytest.fixture
def invited(clean_app, district, survey_id, login_as):
    from portal.models import InventoryInvite, ReadinessAssessment, User

    staff = login_as(Role.DISTRICT, Role.FACILITATOR)
    with clean_app.app_context():
        assessment = ReadinessAssessment(
            district_id=district["id"], slug="ready", title="Ready?", tier1_survey_id=survey_id
        )
        db.session.add(assessment)
        db.session.flush()
        user = db.session.query(User).filter_by(email=staff.email).one()
        db.session.add(InventoryInvite(assessment_id=assessment.id, user_id=user.id))
        db.session.commit()
        staff.assessment_id = assessment.id
        db.session.remove()
    return staff


def test_new_assessment_form_keeps_what_was_typed(invited, survey_id):
    data = {"title": "", "slug": "two--hyphens", "tier1_survey_id": str(survey_id)}
    response = invited.post("/manage/readiness", data=data)
    _assert_refused_and_kept(response, data, ["title", "slug"])


def test_inventory_form_keeps_every_answer(invited):
    data = {
        "vision.success.rating": "2",
        "vision.success.answer": "More students reading at grade level.",
        "vision.success.evidence": "State test results.",
        "vision.success.links": "https://example.org/ok\nexample.org/no-scheme",
        "systems.tools.rating": "unsure",
        "systems.tools.answer": "Spreadsheets.",
    }
    response = invited.post(f"/manage/readiness/{invited.assessment_id}/inventory", data=data)
    _assert_refused_and_kept(response, data, ["vision.success-links"])


def test_interview_forms_keep_what_was_typed(invited, clean_app):
    base = f"/manage/readiness/{invited.assessment_id}/interviews"
    response = invited.post(base, data={"action": "question", "text": "   "})
    _assert_refused_and_kept(response, {}, ["text"])
    data = {
        "action": "interview",
        "interviewee_role": "",
        "department": "Finance",
        "interviewee_name": "Pat",
        "held_on": "2026-13-45",
        "notes": "Notes typed\nover two lines.",
    }
    _assert_refused_and_kept(invited.post(base, data=data), data, ["interviewee_role", "held_on"])
    data.update({"interviewee_role": "Budget director", "held_on": "2026-11-10"})
    created = invited.post(base, data=data)
    assert created.status_code == 303
    observation = {
        "code": "",
        "survey_area": "equity",
        "note": "Says the formula is unfair.",
        "needs": "The numbers, school by school.",
        "shareable": "y",
    }
    response = invited.post(created.headers["Location"], data=observation)
    _assert_refused_and_kept(response, observation, ["code"])


# --- charts read without their tables -------------------------------------------------------


@pytest.mark.parametrize(
    "counts",
    [
        {"1": 1, "2": 1, "3": 1},  # thirds: 33 + 33 + 34
        {"1": 2, "2": 2, "3": 2, "4": 1, "dk": 0},
        {"4": 7},
        {"1": 1, "2": 5, "3": 7, "4": 3, "dk": 1},
        {},
    ],
)
def test_the_shares_printed_beside_a_bar_add_up_to_100(counts):
    from portal.services.survey_results import summarize

    shares = summarize(counts).whole_shares()
    assert sum(shares.values()) == (100 if counts else 0)
    for answer, share in shares.items():
        exact = summarize(counts).share(answer)
        assert abs(share - exact) < 1, answer


@pytest.mark.parametrize("code", ["en", "es", "zh_Hans", "vi", "ar"])
def test_result_bars_name_each_answer_with_its_share_in_every_language(
    client, clean_app, survey_id, code
):
    from tests.survey_helpers import answer_form

    for n in range(10):
        form = answer_form(clean_app, survey_id, receipt=f"b{n}", score=str(1 + n % 4))
        assert clean_app.test_client().post("/surveys/ssfr-test", data=form).status_code == 303
    tag = LANGUAGES[code].tag
    html = client.get(f"/surveys/ssfr-test/results?lang={tag}").get_data(as_text=True)
    legends = re.findall(r'<ul class="bar-legend">(.*?)</ul>', html, re.S)
    assert legends
    with clean_app.test_request_context(f"/?lang={tag}"):
        from flask_babel import force_locale

        from portal.blueprints.surveys.routes import agreement_choices

        with force_locale(code):
            labels = [str(label) for _value, label in agreement_choices()]
    for legend in legends:
        items = re.findall(r"<li>(.*?)</li>", legend, re.S)
        assert len(items) == 5
        for label, item in zip(labels, items, strict=True):
            assert unescape(str(label)) in unescape(item)
            assert re.search(r'<span class="num">[^<]*\d[^<]*%[^<]*</span>', item), item


def test_the_gap_chart_says_each_area_and_its_numbers_in_words(clean_app, three_tiers, login_as):
    staff = login_as(Role.DISTRICT)
    html = staff.get(f"/manage/readiness/{three_tiers}/report?lang=es").get_data(as_text=True)
    chart = html.split('<figure class="gap-chart', 1)[1].split("</figure>")[0]
    rows = re.findall(r'<p class="gap-label">(.*?)</p>', chart, re.S)
    assert len(rows) == len(SurveyArea)
    for row in rows:
        text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", row)))
        assert re.search(r"\d[.,]\d\d", text), text  # a mean, in figures
    assert "1:" in chart and "4:" in chart  # both ends of the scale are named
    assert re.findall(r'<svg class="gap-track"[^>]*aria-hidden="true"', chart)


@pytest.mark.parametrize("code", ["es", "vi", "zh_Hans", "ar"])
def test_means_and_shares_follow_the_district_region_not_the_language(
    client, clean_app, survey_id, code
):
    from tests.survey_helpers import answer_form

    for n in range(10):
        form = answer_form(clean_app, survey_id, receipt=f"m{n}", score="2" if n < 5 else "3")
        assert clean_app.test_client().post("/surveys/ssfr-test", data=form).status_code == 303
    html = client.get(f"/surveys/ssfr-test/results?lang={LANGUAGES[code].tag}").get_data(
        as_text=True
    )
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    assert "2.50" in text and "2,50" not in text  # a US district: a point, in every language
    assert re.search(r"50\s?%", text)
