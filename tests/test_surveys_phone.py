"""The survey on a phone without JavaScript: a plain HTTP client that, like a browser, sends back
exactly what the page it was given holds (checked radios, chosen options, typed text). Switching
language in the middle keeps every answer; the stepped form comes in one download; a refused
screen says what is wrong at the top and beside each field."""

import re
from html import unescape
from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict

from portal.extensions import db
from portal.models import Survey, SurveyResponse
from portal.models.surveys import ItemKind, SurveyArea
from tests.conftest import hx


class _FormReader(HTMLParser):
    """The values a browser would submit from the form with id `form_id`, and its buttons."""

    def __init__(self, form_id: str):
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
        if tag == "form" and a.get("id") == self.form_id:
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
            self.values.append((self._textarea, "".join(self._text).removeprefix("\n")))
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
    data = {"role": "teacher", "school": "district", "language": "en", "receipt": "r"}
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
