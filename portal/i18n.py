"""Languages: which ones the portal speaks, how a request picks one, and translated content.

UI strings go through Flask-Babel catalogs in translations/. Content typed by people (school
descriptions now; plans, bulletins, survey items later) is stored per language in a JSON column
keyed by locale code and read through `translated()`, which falls back to the district's default
language and says so.
"""

import re
from dataclasses import dataclass

from babel import Locale
from flask import g, has_request_context, request
from flask_babel import get_locale

COOKIE_NAME = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


@dataclass(frozen=True)
class Language:
    code: str  # Babel locale identifier used for catalogs and stored content, e.g. "zh_Hans"
    tag: str  # BCP 47 tag used in URLs and <html lang>, e.g. "zh-Hans"
    native_name: str

    @property
    def direction(self) -> str:
        try:
            return Locale.parse(self.code).text_direction
        except (ValueError, TypeError):
            return "auto"


# To add a language: add it here, run `make translations-init LANG=xx`, translate, compile.
# Right-to-left languages (Arabic) work through `direction`; no template change is needed.
LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("en", "en", "English"),
        Language("es", "es", "Español"),
        Language("zh_Hans", "zh-Hans", "简体中文"),
        Language("vi", "vi", "Tiếng Việt"),
        Language("ar", "ar", "العربية"),
    )
}
DEFAULT_LOCALE = "en"

# Tags a browser or a link may use for a language we speak.
_ALIASES = {
    "zh": "zh_Hans",
    "zh-hans": "zh_Hans",
    "zh_hans": "zh_Hans",
    "zh-cn": "zh_Hans",
    "zh-sg": "zh_Hans",
    "zh-hans-cn": "zh_Hans",
}


def normalize_locale(value: str | None) -> str | None:
    """Map a tag from a URL, cookie or header to a locale code we speak, or None."""
    if not value:
        return None
    value = value.strip()
    if value in LANGUAGES:
        return value
    lowered = value.lower().replace("_", "-")
    if lowered in _ALIASES:
        return _ALIASES[lowered]
    for code, lang in LANGUAGES.items():
        if lowered == lang.tag.lower():
            return code
    primary = lowered.split("-")[0]
    if primary in LANGUAGES and primary != "zh":
        return primary
    return None


def negotiate_accept_language(header_values) -> str | None:
    """The best language we speak from Accept-Language, in the browser's order of preference."""
    for value, _quality in header_values:
        code = normalize_locale(value)
        if code:
            return code
    return None


def select_locale() -> str:
    """Flask-Babel locale selector: ?lang=, then the cookie, then Accept-Language, then default."""
    chosen = getattr(g, "chosen_locale", None)
    if chosen:
        return chosen
    if not has_request_context():
        # The CLI and the scheduler call the same services as routes; their messages are
        # written in the district's language (or chosen with flask_babel.force_locale).
        return district_default_locale()
    from_cookie = normalize_locale(request.cookies.get(COOKIE_NAME))
    if from_cookie:
        return from_cookie
    from_header = negotiate_accept_language(request.accept_languages)
    if from_header:
        return from_header
    return district_default_locale()


def district_default_locale() -> str:
    district = getattr(g, "district", None)
    if district is not None and district.default_locale in LANGUAGES:
        return district.default_locale
    return DEFAULT_LOCALE


def language_label(code: str) -> str:
    """A language's name in the reader's language ("英语" for English to a Chinese reader)."""
    try:
        name = Locale.parse(code).get_display_name(str(get_locale()))
    except (ValueError, TypeError):
        return code
    return name or code


def current_language() -> Language:
    return LANGUAGES.get(str(get_locale()), LANGUAGES[DEFAULT_LOCALE])


@dataclass(frozen=True)
class TranslatedValue:
    """Text in the reader's language if we have it, else the fallback, and which one it is."""

    text: str
    locale: str
    is_fallback: bool

    @property
    def language(self) -> Language:
        return LANGUAGES.get(self.locale, Language(self.locale, self.locale, self.locale))

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


def pick_translation(
    values: dict | None, wanted: str, fallbacks: tuple[str, ...]
) -> TranslatedValue:
    """Choose among per-locale texts: the wanted locale, else each fallback, else any text."""
    values = values or {}
    if values.get(wanted, "").strip():
        return TranslatedValue(values[wanted], wanted, False)
    for code in (*fallbacks, *sorted(values)):
        if values.get(code, "").strip():
            return TranslatedValue(values[code], code, True)
    return TranslatedValue("", wanted, False)


def pick(values: dict | None) -> TranslatedValue:
    """Per-locale texts not on a row ({locale: text}) in the reader's language, with fallback."""
    return pick_translation(values, str(get_locale()), (district_default_locale(), DEFAULT_LOCALE))


def translated(obj, field: str) -> TranslatedValue:
    """The `field` of a translatable row in the reader's language, with a visible fallback."""
    wanted = str(get_locale())
    fallbacks = (district_default_locale(), getattr(obj, "source_locale", DEFAULT_LOCALE))
    return pick_translation(getattr(obj, field), wanted, fallbacks)


# Words that, counted, tell English from Spanish in a short reply (only words of one language).
_ENGLISH = (
    "the and of to is are was were we our you your it this that with for from will can "
    "be have has in on at by an they their there what which who would should"
)
_SPANISH = (
    "el la los las de del que y en por para con una un es son su sus al lo como más pero "
    "nuestro nuestra nuestros le les hay muy también está están usted ustedes desde"
)
_WORDS = {"en": frozenset(_ENGLISH.split(" ")), "es": frozenset(_SPANISH.split(" "))}
_HAN = re.compile(r"[\u3400-\u9fff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
# Letters only Vietnamese uses among the portal's languages (stacked tone marks, ơ, ư, đ, ă).
_VIETNAMESE = re.compile(r"[ăđơư]|[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)


def guess_locale(text: str, default: str, known=("en", "es", "zh_Hans", "vi", "ar")) -> str:
    """The language a short piece of text is written in, for text whose language is not
    stored (a school's reply, minutes typed under another interface language): the script for
    Chinese, Arabic and Vietnamese, word counts for English against Spanish; `default` when the
    text does not say. Never a language outside `known`."""
    text = text or ""
    if _HAN.search(text):
        found = "zh_Hans"
    elif _ARABIC.search(text):
        found = "ar"
    elif _VIETNAMESE.search(text):
        found = "vi"
    else:
        words = re.findall(r"[^\W\d_]+", text.lower())
        english = sum(w in _WORDS["en"] for w in words)
        spanish = sum(w in _WORDS["es"] for w in words) + text.count("¿") + text.count("¡")
        found = "en" if english > spanish else "es" if spanish > english else default
    return found if found in known else default


def written(text: str, locale: str | None = None) -> TranslatedValue:
    """Text typed in one language whose language is not stored with it (a school's reply, a
    place, minutes), for the `shown` macro: in `locale` when the text does not say otherwise,
    else the district's main language. A reader of another language gets the notice and the
    text its true `lang`. A Jinja global."""
    district = g.get("district")
    default = locale or (district.default_locale if district else DEFAULT_LOCALE)
    return pick({guess_locale(text or "", default, tuple(LANGUAGES)): text or ""})
