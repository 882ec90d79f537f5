"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser) against a live
server on 127.0.0.1 that shares the test database.

Without /usr/bin/chromium the run stops with a clear message (`make test` installs it): browser
tests are never skipped silently. BROWSER_TESTS=0 leaves them out on purpose, and says so loudly
at the start and at the end of the run.
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
    if not browser_items:
        return
    if opted_out():
        config.hook.pytest_deselected(items=browser_items)
        items[:] = [item for item in items if item not in browser_items]
        config._browser_tests_left_out = len(browser_items)
        if hasattr(config, "workeroutput"):  # a pytest-xdist worker: tell the controller
            config.workeroutput["browser_tests_left_out"] = len(browser_items)
        print(f"\n{_opt_out_line(len(browser_items))}")
        return
    if not os.path.exists(CHROMIUM):
        raise pytest.UsageError(
            f"{CHROMIUM} is missing, so the {len(browser_items)} browser tests cannot run. "
            "Install Debian's Chromium (`make test` does it as root, or prints the apt-get line), "
            "or set CHROMIUM_PATH to a Chromium binary; BROWSER_TESTS=0 leaves them out on purpose."
        )


def opted_out() -> bool:
    """True when the person running the tests left the browser tests out (BROWSER_TESTS=0)."""
    return os.environ.get("BROWSER_TESTS", "1").strip().lower() in ("0", "no", "false", "off")


def _opt_out_line(count: int) -> str:
    return f"!!!!! BROWSER_TESTS=0: {count} browser tests NOT RUN (left out on purpose) !!!!!"


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    # Under pytest-xdist the workers collect: each reports what it left out (all the same).
    left_out = getattr(node, "workeroutput", {}).get("browser_tests_left_out", 0)
    node.config._browser_tests_left_out = max(
        left_out, getattr(node.config, "_browser_tests_left_out", 0)
    )


def pytest_report_header(config):
    # Said at the start on the controller too, where workers' collection output is not shown.
    if opted_out():
        return "!!!!! BROWSER_TESTS=0: browser tests NOT RUN (left out on purpose) !!!!!"
    return None


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    # Repeated at the very end, where a reader looks, so a green run never hides the gap.
    left_out = getattr(config, "_browser_tests_left_out", 0)
    if left_out:
        terminalreporter.write_line(_opt_out_line(left_out), red=True, bold=True)


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
