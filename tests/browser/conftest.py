"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser) against a live
server on 127.0.0.1 that shares the test database.

Without /usr/bin/chromium these tests skip with one line; when CI is set a missing browser fails.
"""

import os

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PHONE = {"width": 360, "height": 740}


def pytest_collection_modifyitems(config, items):
    # What a browser sees does not depend on the database: each browser test runs once, on
    # SQLite. PostgreSQL is covered by every other test, which runs on both backends.
    duplicates = [
        item
        for item in items
        if "tests/browser" in str(item.fspath)
        and getattr(item, "callspec", None) is not None
        and item.callspec.params.get("app") == "postgresql"
    ]
    if duplicates:
        config.hook.pytest_deselected(items=duplicates)
        items[:] = [item for item in items if item not in duplicates]
        print(f"\nbrowser tests run on SQLite only: {len(duplicates)} PostgreSQL copies deselected")
    browser_items = [item for item in items if "tests/browser" in str(item.fspath)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if browser_items and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            raise pytest.UsageError(
                f"CI is set but {CHROMIUM} is missing: install Debian's chromium"
            )
        skip = pytest.mark.skip(reason=f"browser tests skipped: {CHROMIUM} not installed")
        for item in browser_items:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, tmp_path_factory):
    home = tmp_path_factory.mktemp("chromium-home")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
        ],
        "env": {**os.environ, "HOME": str(home)},
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def demo_site(app):
    """The demo district loaded once for a module, served on a loopback port: (app, base URL)."""
    from tests.browser.harness import serving
    from tests.conftest import _clean

    _clean(app)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with serving(app) as base:
        yield app, base
    _clean(app)
