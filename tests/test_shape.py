"""The code's shape, held by tests: handlers stay HTTP-only and short, services never read the
request, blueprints do not reach into each other, and markup is trusted only from the sanitizer
and the helpers that escape what they wrap. See README "Layout" and tools/shape.py."""

import ast
import re
from pathlib import Path

import pytest

from tools.shape import ROOT, route_handlers

PORTAL = ROOT / "portal"
HANDLER_LIMIT = 40
# Handlers allowed over the limit, each with its reason. Keep this list short.
LONG_HANDLERS: dict[str, str] = {}
# Modules allowed to call Markup(): each escapes what it wraps or is the sanitizer itself.
MARKUP_MODULES = {
    "portal/services/sanitize.py": "nh3 output: the only user HTML",
    "portal/services/glossary.py": "escapes the text, then links glossary terms",
    "portal/formatting.py": "escapes the text, then keeps numbers from breaking",
    "portal/web.py": "the bdi filter formats escaped values into a fixed tag",
    "portal/services/charts.py": "SVG built from numbers and escaped labels",
}


def _python_files(under: Path):
    return sorted(p for p in under.rglob("*.py") if "__pycache__" not in p.parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize(
    "path", _python_files(PORTAL / "blueprints"), ids=lambda p: _rel(p).removeprefix("portal/")
)
def test_blueprint_never_imports_another_blueprint(path):
    """What two blueprints share lives in a service (or blueprints/school_access.py, which
    finds rows for any blueprint), so a domain can be read and changed on its own."""
    parts = path.relative_to(PORTAL / "blueprints").parts
    if len(parts) < 2:
        return  # blueprints/school_access.py and blueprints/__init__.py belong to no domain
    own = parts[0]
    foreign = {
        name
        for name in _imports(path)
        if name.startswith("portal.blueprints.")
        and name.split(".")[2] not in (own, "school_access")
    }
    assert not foreign, f"{_rel(path)} imports another blueprint: {sorted(foreign)}"


REQUEST_STATE = {"request", "session", "current_user", "g"}


@pytest.mark.parametrize(
    "path",
    _python_files(PORTAL / "services") + _python_files(PORTAL / "models"),
    ids=lambda p: _rel(p).removeprefix("portal/"),
)
def test_services_and_models_never_read_the_request(path):
    """Services take plain values and the acting user, so the CLI, the scheduler, the demo and
    tests call them exactly as routes do."""
    names = set()
    for name in _imports(path):
        module, _, last = name.rpartition(".")
        if module in ("flask", "flask_login") and last in REQUEST_STATE:
            names.add(name)
    assert not names, f"{_rel(path)} imports {sorted(names)}"


def test_route_handlers_stay_short():
    """Load or 404, check or 403, validate, call a service, commit, redirect or render: that
    fits in 40 lines. Anything longer is doing a service's work."""
    long = {h.where: h.length for h in route_handlers() if h.length > HANDLER_LIMIT}
    unexplained = {where: n for where, n in long.items() if where not in LONG_HANDLERS}
    assert not unexplained, f"handlers over {HANDLER_LIMIT} lines: {unexplained}"
    stale = set(LONG_HANDLERS) - set(long)
    assert not stale, f"listed as long but no longer are (remove them): {sorted(stale)}"


def test_handler_counter_sees_every_route(app):
    """The length rule is only as good as its census: every endpoint in the URL map (but the
    static files) is a handler it measured."""
    measured = {h.name for h in route_handlers()}
    endpoints = {rule.endpoint.rpartition(".")[2] for rule in app.url_map.iter_rules()} - {"static"}
    assert endpoints <= measured, sorted(endpoints - measured)


TEMPLATES = sorted((PORTAL / "templates").rglob("*.html")) + sorted(
    (PORTAL / "templates").rglob("*.xml")
)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.relative_to(PORTAL).as_posix())
def test_templates_never_mark_text_safe(path):
    """`|safe` would trust whatever reaches it. Trusted HTML arrives as Markup from the
    sanitizer (services/sanitize.py) or from a helper that escapes, never by a filter."""
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"\|\s*safe\b", text), f"{path.name} uses |safe"
    assert "Markup(" not in text


@pytest.mark.parametrize("path", _python_files(PORTAL), ids=lambda p: _rel(p))
def test_markup_only_where_it_is_escaped_or_sanitized(path):
    text = path.read_text(encoding="utf-8")
    if re.search(r"\bMarkup\(", text):
        assert _rel(path) in MARKUP_MODULES, f"{_rel(path)} builds Markup"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.relative_to(PORTAL).as_posix())
def test_csrf_fields_come_from_a_form_object(path):
    """A hand-typed `<input name="csrf_token">` is a form nobody validates as a form."""
    assert 'name="csrf_token"' not in path.read_text(encoding="utf-8")


def test_one_macro_set_draws_fields():
    assert not (PORTAL / "templates" / "_macros" / "plain.html").exists()


@pytest.mark.parametrize(
    "path", _python_files(PORTAL / "blueprints"), ids=lambda p: _rel(p).removeprefix("portal/")
)
def test_forms_are_read_through_flask_wtf(path):
    """Every field is declared on a form class with its validators; nothing reads
    request.form by hand (htmx helpers that only echo a count are listed in the form too)."""
    text = path.read_text(encoding="utf-8")
    hand_read = re.findall(r"request\.form(?:\.get|\.getlist|\[)", text)
    assert not hand_read, f"{_rel(path)} reads request.form by hand {len(hand_read)} times"


def test_shape_figures_print(capsys):
    from tools import shape

    shape.main([])
    out = capsys.readouterr().out
    assert "handlers over 30 lines" in out and "longest handler" in out


def test_every_pdf_starts_from_the_pdf_base_template():
    """One base gives every PDF its language, direction and print stylesheet."""
    used = set()
    for path in _python_files(PORTAL / "blueprints"):
        text = path.read_text(encoding="utf-8")
        used.update(re.findall(r'pdf_download\(\s*"([^"]+)"', text))
    assert len(used) >= 5, used
    for name in sorted(used):
        first = (PORTAL / "templates" / name).read_text(encoding="utf-8").splitlines()[0]
        assert first == '{% extends "_pdf_base.html" %}', name
