"""Language choice, content fallback and locale formatting."""

import pytest

from portal.i18n import normalize_locale, pick_translation
from portal.models import District
from tests.conftest import visible_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("es", "es"),
        ("es-MX", "es"),
        ("ES", "es"),
        ("zh", "zh_Hans"),
        ("zh-CN", "zh_Hans"),
        ("zh-Hans", "zh_Hans"),
        ("zh_Hans", "zh_Hans"),
        ("vi-VN", "vi"),
        ("en-US", "en"),
        ("zh-TW", None),
        ("klingon", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_locale(raw, expected):
    assert normalize_locale(raw) == expected


def test_pick_translation_prefers_wanted_then_fallbacks():
    values = {"en": "Hello", "es": "Hola", "vi": "  "}
    assert pick_translation(values, "es", ("en",)).text == "Hola"
    fallback = pick_translation(values, "vi", ("en",))
    assert (fallback.text, fallback.locale, fallback.is_fallback) == ("Hello", "en", True)
    only_spanish = pick_translation({"es": "Hola"}, "zh_Hans", ("en",))
    assert (only_spanish.text, only_spanish.is_fallback) == ("Hola", True)
    assert not pick_translation({}, "en", ("en",))


def test_lang_parameter_translates_the_page_and_is_remembered(client, district):
    response = client.get("/?lang=es")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="es" dir="ltr">' in html
    assert "Busque su escuela" in html or "Encuentre su escuela" in html
    assert "lang=es" in response.headers["Set-Cookie"]
    assert "private" in response.headers["Cache-Control"]  # a response that sets a cookie
    # The cookie carries the choice to the next page.
    later = client.get("/privacy").get_data(as_text=True)
    assert '<html lang="es"' in later


@pytest.mark.parametrize(
    ("header", "lang_attr"),
    [("vi-VN,vi;q=0.9,en;q=0.5", "vi"), ("zh-CN,zh;q=0.9", "zh-Hans"), ("fr-FR", "en")],
)
def test_accept_language_picks_a_language_we_speak(client, district, header, lang_attr):
    html = client.get("/", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{lang_attr}"' in html


def test_every_language_translates_the_home_page(client, district):
    english = visible_text(client.get("/?lang=en").get_data(as_text=True))
    for code in ("es", "zh-Hans", "vi"):
        other = visible_text(client.get(f"/?lang={code}").get_data(as_text=True))
        assert "Find your school" not in other, code
        assert "Skip to main content" not in other, code
        assert other != english


def test_unknown_language_is_a_400_in_the_current_language(client, district):
    client.get("/?lang=es")
    response = client.get("/?lang=xx-evil")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<html lang="es"' in html
    assert "xx-evil" not in html  # the bad value is not echoed back


def test_missing_translation_falls_back_with_a_visible_note(client, district):
    html = client.get("/schools/maple-elementary?lang=vi").get_data(as_text=True)
    assert "About Maple Elementary." in html
    assert 'lang="en"' in html  # the fallback text is marked as English for screen readers
    assert 'class="fallback-note"' in html
    spanish = client.get("/schools/maple-elementary?lang=es").get_data(as_text=True)
    assert "Acerca de Maple Elementary." in spanish
    assert 'class="fallback-note"' not in spanish


def test_numbers_and_money_follow_the_district_region(clean_app, district):
    """A US district writes amounts the US way for every reader, whatever the language."""
    from flask import g
    from flask_babel import force_locale

    from portal.formatting import money, money_exact, number

    with clean_app.test_request_context("/"):
        g.district = District.current()
        for locale in ("en", "es", "zh_Hans", "vi", "ar"):
            with force_locale(locale):
                assert number(1876) == "1,876", locale
                assert money(154129200) == "$1,541,292", locale
                assert money_exact(154129200) == "$1,541,292.00", locale


def test_district_default_language_is_used_when_nothing_else_matches(client, district, ctx):
    from portal.models import District

    with ctx() as session:
        session.query(District).one().default_locale = "es"
        session.commit()
    html = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="es"' in html


def test_built_in_content_speaks_every_language():
    """The survey, agendas and inventory that ship with the portal are complete in every
    language: any {locale: text} in portal/content names every language, none empty."""
    import importlib
    import pkgutil

    import portal.content
    from portal.i18n import LANGUAGES

    def texts(value):
        if isinstance(value, dict):
            if "en" in value and all(isinstance(v, str) for v in value.values()):
                yield value
            else:
                for v in value.values():
                    yield from texts(v)
        elif isinstance(value, list | tuple):
            for v in value:
                yield from texts(v)
        elif hasattr(value, "__dict__") and not isinstance(value, type):
            yield from texts(vars(value))

    found = 0
    for info in pkgutil.iter_modules(portal.content.__path__):
        module = importlib.import_module(f"portal.content.{info.name}")
        for name, value in vars(module).items():
            if name.startswith("_"):
                continue
            for text in texts(value):
                found += 1
                missing = [code for code in LANGUAGES if not (text.get(code) or "").strip()]
                assert not missing, (info.name, text["en"][:60], missing)
    assert found > 30


def test_a_refused_calendar_form_explains_in_the_readers_language(login_as, funded):
    """Messages from the form (a date) and from the service (the title in the district's main
    language) both come back in Spanish, beside their fields."""
    from portal.models import Role

    principal = login_as(Role.PRINCIPAL)
    response = principal.post(
        "/manage/schools/maple-elementary/calendar/events?lang=es",
        data={"title_es": "Noche de familias", "kind": "training", "phase": "reflect",
              "day": "pronto", "starts": "18:00"},
    )  # fmt: skip
    assert response.status_code == 422
    text = visible_text(response.get_data(as_text=True))
    assert "Escriba un título para el evento en el idioma principal del distrito." in text
    assert "Escriba una fecha como 2026-12-03" in text  # the date kept whole (a nowrap span)
    assert "Enter a date" not in text and "Give the event a title" not in text
