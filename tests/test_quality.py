"""Build gates that need no database: translations complete, templates fully translatable,
no inline script, the vendored htmx unmodified."""

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portal.config import PROJECT_ROOT
from portal.i18n import LANGUAGES

TEMPLATES = PROJECT_ROOT / "portal" / "templates"
TRANSLATIONS = PROJECT_ROOT / "translations"
HTMX_SHA256 = "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"
CATALOG_LOCALES = [code for code in LANGUAGES if code != "en"]
# Attributes whose values people read or hear.
READABLE_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label", "aria-description")


def _template_files():
    return sorted(TEMPLATES.rglob("*.html"))


def untranslated_text(source: str) -> list[str]:
    """English a reader would see that is not inside _() or {% trans %}: a simple scanner."""
    problems = []
    for attr in READABLE_ATTRIBUTES:
        for value in re.findall(rf'\s{attr}="([^"]*)"', source):
            if re.search(r"[A-Za-z]", re.sub(r"\{\{.*?\}\}", "", value)):
                problems.append(f'{attr}="{value}"')
    text = re.sub(r"\{#.*?#\}", " ", source, flags=re.S)
    text = re.sub(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}", " ", text, flags=re.S)
    text = re.sub(r"\{\{.*?\}\}", " ", text, flags=re.S)
    text = re.sub(r"\{%.*?%\}", " ", text, flags=re.S)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text, flags=re.S)
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", text)
    problems.extend(word for word in re.findall(r"[A-Za-z][A-Za-z'’]+", text))
    return problems


@pytest.mark.parametrize("path", _template_files(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_has_no_untranslated_text(path):
    assert untranslated_text(path.read_text()) == []


def test_scanner_catches_bare_text():
    assert untranslated_text("<p>Hello there</p>") == ["Hello", "there"]
    assert untranslated_text('<img alt="A chart">') == ['alt="A chart"']
    assert untranslated_text('<p>{{ _("Hi") }}</p>{% trans %}Ok{% endtrans %}') == []


@pytest.mark.parametrize("path", _template_files(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_has_no_inline_script_or_handlers(path):
    source = path.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", source), "inline on*= handler"
    assert not re.search(r"\sstyle\s*=", source), "inline style attribute"
    assert "hx-on" not in source
    assert "http://" not in source and "https://" not in source, "external resource"


# Any Jinja construct that binds the name `_`, which would shadow gettext for the rest of the
# template (the plan editor answered 500 once an investment fell below the cut line).
UNDERSCORE_BINDING = re.compile(
    r"\{%-?\s*(?:set|for|with)\s+(?:[\w\s,()]*,\s*)?_\s*(?:,|=|\)|\bin\b)"
    r"|\{%-?\s*(?:import|from)\b[^%]*\bas\s+_\b"
    r"|\{%-?\s*(?:macro|call)\b[^%]*[(,]\s*_\s*[,)=]"
)


def assigns_to_underscore(source: str) -> list[str]:
    return UNDERSCORE_BINDING.findall(source)


@pytest.mark.parametrize("path", _template_files(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_never_assigns_to_the_translation_function(path):
    assert assigns_to_underscore(path.read_text()) == [], "use {% do ... %} instead"


def test_underscore_scanner_catches_every_binding():
    for bad in (
        "{% set _ = x.append(1) %}",
        "{%- set _ = d.update({}) %}",
        "{% set a, _ = pair %}",
        "{% for _ in rows %}",
        "{% for k, _ in d.items() %}",
        "{% with _ = 1 %}",
        '{% from "m.html" import f as _ %}',
        "{% macro m(a, _) %}",
    ):
        assert assigns_to_underscore(bad), bad
    for good in ('{{ _("Hi") }}', "{% do x.append(1) %}", "{% set _x = 1 %}", "{% for a_ in r %}"):
        assert not assigns_to_underscore(good), good


@pytest.fixture(scope="module")
def extracted_ids(tmp_path_factory):
    """Message ids extracted from the source right now, exactly as `make translations` does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [
            str(pybabel),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "--ignore-dirs",
            ".* __pycache__",
            "-o",
            str(pot),
            ".",
        ],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as fh:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}


@pytest.mark.parametrize("locale", CATALOG_LOCALES)
def test_catalog_is_complete_and_current(locale, extracted_ids):
    path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        catalog = read_po(fh)
    entries = {(m.id if isinstance(m.id, str) else m.id[0]): m for m in catalog if m.id}
    missing = sorted(extracted_ids - entries.keys())
    assert not missing, f"{locale}: run `make translations`; missing {missing[:5]}"
    fuzzy = [key for key, m in entries.items() if m.fuzzy]
    assert not fuzzy, f"{locale}: fuzzy entries {fuzzy[:5]}"
    empty = [
        key
        for key, m in entries.items()
        if not all(m.string if isinstance(m.string, tuple) else (m.string,))
    ]
    assert not empty, f"{locale}: untranslated {empty[:5]}"
    for key, m in entries.items():
        wanted = set(re.findall(r"%\(\w+\)[sd]", key))
        for text in m.string if isinstance(m.string, tuple) else (m.string,):
            assert set(re.findall(r"%\(\w+\)[sd]", text)) == wanted, (locale, key)


def test_vendored_htmx_is_the_pinned_release():
    data = (PROJECT_ROOT / "portal" / "static" / "htmx-2.0.11.min.js").read_bytes()
    assert hashlib.sha256(data).hexdigest() == HTMX_SHA256


def test_static_assets_stay_small():
    static = PROJECT_ROOT / "portal" / "static"
    # What travels is the compressed file (the app and nginx send it gzip or Brotli), and a first
    # visit must stay small on a slow phone connection: page, CSS and htmx together.
    import gzip

    raw = (static / "app.css").read_bytes()
    assert len(raw) < 40_000, f"app.css is {len(raw)} bytes"
    packed = len(gzip.compress(raw, 9))
    assert packed < 9_000, f"app.css is {packed} bytes gzipped"
    assert not list(static.rglob("*.woff*")), "no web fonts"


# Flask-Babel's number filters follow the reader's language ("2,50" for Spanish); ours follow
# the district's region (portal/formatting.py: number, money, money_exact and the survey ones).
LANGUAGE_NUMBER_FILTERS = re.compile(
    r"\|\s*(?:decimalformat|percentformat|numberformat|currencyformat|scientificformat)\b"
    r"|\bformat_(?:decimal|currency|percent|number)\("
)


@pytest.mark.parametrize("path", _template_files(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_format_numbers_by_the_district_region(path):
    assert not LANGUAGE_NUMBER_FILTERS.findall(path.read_text())


def test_python_formats_numbers_only_through_portal_formatting():
    offenders = []
    for source in (PROJECT_ROOT / "portal").rglob("*.py"):
        if source.name == "formatting.py":
            continue
        text = source.read_text()
        if re.search(r"\bformat_(?:decimal|currency|percent|number)\b", text):
            offenders.append(str(source.relative_to(PROJECT_ROOT)))
    assert offenders == []
