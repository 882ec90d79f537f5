"""Shared phone-quality rules: what error pages may claim, money and numbers by region, the
fallback language of user-entered text, and compression."""

import gzip

import pytest
from flask import g

from portal.extensions import db as _db
from portal.models import District


def _failing_post(clean_app, commit_first: bool):
    original = clean_app.view_functions["auth.sign_in"]

    def boom():
        if commit_first:
            district = District.current()
            district.name = "Renamed before the failure"
            _db.session.commit()
        raise RuntimeError("secret internal detail")

    clean_app.config["PROPAGATE_TEST_ERRORS"] = False
    clean_app.view_functions["auth.sign_in"] = boom
    try:
        return clean_app.test_client().post("/auth/sign-in?lang=es", data={})
    finally:
        clean_app.view_functions["auth.sign_in"] = original
        clean_app.config["PROPAGATE_TEST_ERRORS"] = True


@pytest.mark.parametrize("commit_first", [True, False])
def test_an_error_page_says_nothing_was_saved_only_when_nothing_was(clean_app, district, commit_first):
    with clean_app.test_request_context(headers={"Accept-Language": "en"}):
        from portal.errors import ROLLED_BACK, SAVED_BEFORE_ERROR

        saved, rolled_back = str(SAVED_BEFORE_ERROR), str(ROLLED_BACK)
    response = _failing_post(clean_app, commit_first)
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internal detail" not in body
    with clean_app.app_context():
        renamed = District.current().name == "Renamed before the failure"
    assert renamed is commit_first
    # The page is in Spanish, so compare with the catalog's Spanish, not the English source.
    with clean_app.test_request_context("/?lang=es"):
        g.chosen_locale = "es"
        from flask_babel import force_locale

        with force_locale("es"):
            saved, rolled_back = str(SAVED_BEFORE_ERROR), str(ROLLED_BACK)
    from html import unescape

    text = unescape(body)
    if commit_first:
        assert saved in text and rolled_back not in text
    else:
        assert rolled_back in text and saved not in text
