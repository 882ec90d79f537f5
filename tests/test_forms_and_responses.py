"""The shared pieces every domain's forms and file responses are built from."""

from datetime import time
from decimal import Decimal

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portal.extensions import db
from portal.forms import (
    DollarsField,
    PercentField,
    PortalForm,
    TimeOfDayField,
    WebAddressField,
    csrf_field,
    per_language,
    saved,
)
from portal.i18n import LANGUAGES
from portal.models import GlossaryTerm
from portal.models.base import IllegalMove
from portal.responses import csv_cell, csv_download, download
from portal.services.errors import Rejected


class CostForm(PortalForm):
    cost = DollarsField("Cost")
    share = PercentField("Share")
    starts = TimeOfDayField("Starts")
    link = WebAddressField("Link")


per_language(CostForm, "title", "Title", 50, textarea=False)


@pytest.fixture
def request_ctx(app):
    with app.test_request_context("/", method="POST"):
        yield


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("95,000", 9_500_000), ("$3,741.50", 374_150), ("0", 0), (" 12 ", 1200)],
)
def test_dollars_field_reads_what_people_type_as_cents(request_ctx, typed, cents):
    form = CostForm(formdata=MultiDict({"cost": typed}))
    assert form.validate(), form.errors
    assert form.cost.data == cents


@pytest.mark.parametrize("typed", ["-5", "12.345", "ten", "1e20", "nan"])
def test_refused_amounts_come_back_as_typed_with_a_message(request_ctx, typed):
    form = CostForm(formdata=MultiDict({"cost": typed}))
    assert not form.validate()
    assert form.cost.errors and "dollars" in form.cost.errors[0]
    assert f'value="{typed}"' in form.cost()


def test_parsed_fields_take_times_percentages_and_addresses(request_ctx):
    form = CostForm(
        formdata=MultiDict({"share": "12.5%", "starts": "18:30", "link": "https://example.org/a"})
    )
    assert form.validate(), form.errors
    assert form.share.data == Decimal("12.50")
    assert form.starts.data == time(18, 30)
    assert form.link.data == "https://example.org/a"
    bad = CostForm(formdata=MultiDict({"starts": "25:99", "link": "javascript:alert(1)"}))
    assert not bad.validate()
    assert bad.starts.errors and bad.link.errors


def test_stored_cents_show_as_dollars_in_the_field(request_ctx):
    form = CostForm(data={"cost": 9_500_050})
    assert 'value="95000.50"' in form.cost()


def test_per_language_fields_read_as_translations(request_ctx):
    codes = list(LANGUAGES)
    form = CostForm(formdata=MultiDict({f"title_{codes[0]}": " Hello ", f"title_{codes[1]}": ""}))
    assert form.validate()
    assert form.translations("title") == {codes[0]: "Hello"}
    first = form.group_fields("title")[0]
    assert f'lang="{LANGUAGES[codes[0]].tag}"' in first()


def test_rejected_lands_beside_its_field_its_group_or_the_summary(request_ctx):
    form = CostForm(formdata=MultiDict({"cost": "5"}))
    assert form.validate()
    form.reject(
        Rejected(
            {"cost": "Too much.", "title": "Write it in English.", "nowhere": "Odd."},
            "Start again.",
        )
    )
    assert form.cost.errors == ["Too much."]
    assert form.group_errors == {"title": ["Write it in English."]}
    assert form.form_errors == ["Odd.", "Start again."]


def _add_term(district_id: int, slug: str) -> None:
    """What a service does: a row in the session, written to the database (not committed)."""
    db.session.add(GlossaryTerm(district_id=district_id, slug=slug, term={"en": slug.upper()}))
    db.session.flush()


def test_saved_rolls_back_a_refused_change_and_shows_why(clean_app, ctx, district):
    def refuse():
        _add_term(district["id"], "elac")
        raise Rejected({"cost": "Too much."}, "Start again.")

    with clean_app.test_request_context("/", method="POST", data={"cost": "5"}):
        form = CostForm()
        assert saved(form, refuse) is False
        assert form.cost.errors == ["Too much."]
        assert form.form_errors == ["Start again."]
        db.session.commit()  # a later commit in the request does not bring the change back
    with ctx() as session:
        assert session.scalars(select(GlossaryTerm)).all() == []


def test_saved_commits_a_valid_form_and_skips_an_invalid_one(clean_app, ctx, district):
    calls = []
    with clean_app.test_request_context("/", method="POST", data={"cost": "ten"}):
        form = CostForm()
        assert saved(form, lambda: calls.append("called")) is False
        assert calls == [] and form.cost.errors
    with clean_app.test_request_context("/", method="POST", data={"cost": "5"}):
        form = CostForm()
        assert saved(form, lambda: _add_term(district["id"], "title-i")) is True
        assert not form.errors
        db.session.rollback()  # committed already: nothing left to undo
    with ctx() as session:
        assert [t.slug for t in session.scalars(select(GlossaryTerm))] == ["title-i"]


def test_csrf_field_comes_from_a_form_and_has_no_id(app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        with app.test_request_context("/"):
            html = str(csrf_field())
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert 'name="csrf_token"' in html and 'type="hidden"' in html
    assert "id=" not in html


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("plain", "plain"),
        (12, 12),
    ],
)
def test_csv_cells_never_start_a_formula(value, cell):
    assert csv_cell(value) == cell


def test_csv_download_makes_every_cell_safe_and_names_the_file(app):
    with app.test_request_context("/"):
        response = csv_download(["a", "b"], [["=1+1", 3]], "résumé.csv")
    assert response.get_data(as_text=True).splitlines() == ["a,b", "'=1+1,3"]
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''r%C3%A9sum%C3%A9.csv" in disposition
    assert 'filename="r_sum_.csv"' in disposition


def test_inline_download_for_pages_the_browser_shows(app):
    with app.test_request_context("/"):
        response = download(b"%PDF-", 'plan "x".pdf', "application/pdf", inline=True)
    assert response.headers["Content-Disposition"].startswith('inline; filename="plan x.pdf"')
    assert response.mimetype == "application/pdf"


def test_an_illegal_move_answers_409_in_the_readers_language(app):
    """The app's error handler for IllegalMove: a translated message is shown, an internal
    one is not."""
    from flask_babel import lazy_gettext as _l

    handler = app.error_handler_spec[None][None][IllegalMove]
    with app.test_request_context("/?lang=es"):
        app.preprocess_request()
        shown = handler(IllegalMove(_l("This plan is already approved.")))
        hidden = handler(IllegalMove("internal detail nobody should read"))
    assert shown.status_code == hidden.status_code == 409
    page = shown.get_data(as_text=True)
    assert "Esto ya no se puede cambiar" in page and "Este plan ya está aprobado." in page
    assert "internal detail" not in hidden.get_data(as_text=True)


def test_services_messages_translate_outside_a_request(app):
    """The CLI and the scheduler raise the same translated Rejected as routes: choosing the
    locale must not need a request."""
    from flask_babel import gettext, lazy_gettext

    with app.app_context():
        assert gettext("Draft") == "Draft"
        assert str(lazy_gettext("Draft")) == "Draft"
        error = Rejected({"title": lazy_gettext("Draft")})
        assert str(error.fields["title"]) == "Draft"
