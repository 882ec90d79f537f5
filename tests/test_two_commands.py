"""The README's two commands on a fresh machine: `make run` and `make test` install the Debian
packages they need when run as root, or print the one apt-get line and stop; a missing optional
library never fails a test by a warning; the browser tests fail loudly without Chromium; and the
PDFs really embed the Chinese and Arabic fonts the packages bring.

The package steps run the Makefile's real `system-packages` target with a fake `dpkg-query`
(reporting the packages named in FAKE_MISSING as not installed) and a fake `apt-get` (recording
its arguments), as root and as an ordinary user (`nobody` through setpriv when we are root).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import pdf_text
from tests.test_school_year import SLUG, _planned

ROOT = Path(__file__).resolve().parent.parent

FAKE_DPKG_QUERY = """#!/bin/sh
# dpkg-query -W -f='${Status}' PACKAGE: not installed when PACKAGE is in FAKE_MISSING.
for last; do :; done
case " $FAKE_MISSING " in
  *" $last "*) echo "dpkg-query: no packages found matching $last" >&2; exit 1 ;;
esac
printf 'install ok installed'
"""
FAKE_APT_GET = """#!/bin/sh
echo "$@" >> "$FAKE_LOG"
[ -z "$FAKE_APT_FAIL" ] || exit 100
"""
FAKE_ID = """#!/bin/sh
# id -u as the user this test pretends to be.
echo "$FAKE_UID"
"""


def _packages() -> list[str]:
    text = (ROOT / "Makefile").read_text()
    block = re.search(r"^SYSTEM_PACKAGES := (.*?)\n(?=\S)", text, re.M | re.S).group(1)
    return block.replace("\\", " ").split()


@pytest.fixture
def fakes():
    """A world-readable directory with the Makefile and fake dpkg-query, apt-get and id (so an
    ordinary user can run it too); yields a function running `make system-packages` there."""
    where = Path(tempfile.mkdtemp(prefix="two-commands-"))
    where.chmod(0o777)
    bin_dir = where / "bin"
    bin_dir.mkdir()
    for name, text in (
        ("dpkg-query", FAKE_DPKG_QUERY),
        ("apt-get", FAKE_APT_GET),
        ("id", FAKE_ID),
    ):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    bin_dir.chmod(0o755)
    shutil.copy(ROOT / "Makefile", where / "Makefile")
    (where / "Makefile").chmod(0o644)
    log = where / "apt-get.log"

    def run(missing: list[str], *, root: bool, **extra):
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")
        }
        env.update(
            PATH=f"{bin_dir}:{env['PATH']}",
            FAKE_MISSING=" ".join(missing),
            FAKE_LOG=str(log),
            **extra,
        )
        command = ["make", "-s", "-C", str(where), "system-packages"]
        if root or os.getuid() != 0:
            # The fake id answers 0 or an ordinary user's id: the Makefile's only root check.
            env["FAKE_UID"] = "0" if root else str(os.getuid() or 65534)
        else:
            # Really an ordinary user: the real id, the same fakes, no way to install anything.
            (bin_dir / "id").unlink(missing_ok=True)
            command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command]
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        calls = log.read_text().splitlines() if log.exists() else []
        return result, calls

    yield run
    shutil.rmtree(where, ignore_errors=True)


def test_the_package_list_names_what_the_pdfs_and_browser_tests_need():
    packages = _packages()
    for needed in (
        "chromium",
        "fonts-noto-core",  # Noto Sans and Noto Sans Arabic
        "fonts-noto-cjk",  # Noto Sans CJK SC
        "fontconfig",
        "poppler-utils",
        "libpango-1.0-0",
        "libharfbuzz-subset0",
        "python3-venv",
    ):
        assert needed in packages
    for target in ("run", "test"):
        line = re.search(rf"^{target}: (.*)$", (ROOT / "Makefile").read_text(), re.M).group(1)
        assert line.split()[0] == "system-packages", f"make {target} starts with the packages"


def test_as_root_the_missing_packages_are_installed(fakes):
    result, calls = fakes(["chromium", "fonts-noto-cjk"], root=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Installing system packages: chromium fonts-noto-cjk" in result.stdout
    assert calls == ["update -qq", "install -y -qq --no-install-recommends chromium fonts-noto-cjk"]


def test_as_root_a_failed_install_stops_make(fakes):
    result, calls = fakes(["poppler-utils"], root=True, FAKE_APT_FAIL="1")
    assert result.returncode != 0
    assert calls == ["update -qq"]  # apt-get update failed: no install, make stops


def test_as_an_ordinary_user_the_one_apt_get_line_is_printed_and_make_stops(fakes):
    missing = ["chromium", "fonts-noto-core", "libharfbuzz-subset0"]
    result, calls = fakes(missing, root=False)
    assert result.returncode != 0
    assert calls == [], "nothing is installed without root"
    lines = [line for line in result.stdout.splitlines() if "apt-get" in line]
    assert lines == [
        "Missing system packages. Run:  sudo apt-get install -y "
        "chromium fonts-noto-core libharfbuzz-subset0"
    ]


@pytest.mark.parametrize("root", [True, False])
def test_nothing_is_installed_when_everything_is_there(fakes, root):
    result, calls = fakes([], root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert calls == [] and result.stdout == ""


FONTS_WITHOUT_CJK = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>/usr/share/fonts/truetype</dir><cachedir>{cache}</cachedir></fontconfig>
"""


def test_make_stops_when_the_chinese_font_cannot_be_found(fakes, tmp_path):
    # As on a machine where the packages are "installed" but fontconfig sees no CJK font
    # (fonts-noto-cjk keeps its fonts under /usr/share/fonts/opentype): no Chinese PDFs then.
    conf = tmp_path / "fonts.conf"
    conf.write_text(FONTS_WITHOUT_CJK.format(cache=tmp_path / "cache"))
    result, calls = fakes([], root=True, FONTCONFIG_FILE=str(conf))
    assert result.returncode != 0 and calls == []
    assert "No Noto Sans CJK SC font (fc-list :lang=zh)" in result.stdout


def test_make_test_runs_the_packages_then_pytest_and_ci_only_adds_postgresql():
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    plan = subprocess.run(
        ["make", "-n", "-C", str(ROOT), "test"], env=env, capture_output=True, text=True
    ).stdout
    assert plan.index("dpkg-query") < plan.index("-m pytest")
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci.strip().splitlines()[-1]
    assert "chromium" not in ci and "fonts-noto" not in ci  # the Makefile's job, not CI's


def test_the_fonts_for_chinese_and_arabic_are_noto():
    for lang, family in (("zh", "Noto Sans CJK SC"), ("ar", "Noto Sans Arabic")):
        families = subprocess.run(
            ["fc-list", f":lang={lang}", "family"], capture_output=True, text=True, check=True
        ).stdout
        assert family in families


def _fonts(data: bytes, tmp_path) -> list[tuple[str, bool]]:
    """(font name, embedded?) for every font of a PDF, read back with poppler's pdffonts."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    listing = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    # name type encoding emb sub uni object ID: "emb" is the fourth column from the end.
    return [(line.split()[0], line.split()[-5] == "yes") for line in listing if line.strip()]


@pytest.mark.parametrize(
    ("lang", "font", "sample"), [("zh-Hans", "CJK", "每个家庭"), ("ar", "Arabic", "")]
)
def test_a_plan_pdf_embeds_the_font_its_language_needs(
    client, funded, ctx, tmp_path, lang, font, sample
):
    _planned(ctx)
    pdf = client.get(f"/schools/{SLUG}/plan.pdf?lang={lang}")
    assert pdf.status_code == 200
    fonts = _fonts(pdf.data, tmp_path)
    assert any(font in name and embedded for name, embedded in fonts), fonts
    assert all(embedded for _name, embedded in fonts), fonts
    if sample:
        assert sample in pdf_text(pdf.data, tmp_path)


# A pytest plugin making the HarfBuzz-Subset library impossible to load, as on a machine without
# libharfbuzz-subset0, and a test file printing Chinese with WeasyPrint under the project's
# pytest settings (filterwarnings = error).
NO_HARFBUZZ_SUBSET = """
import cffi.api

_dlopen = cffi.api.FFI.dlopen


def dlopen(self, name, *args, **kwargs):
    if "harfbuzz-subset" in str(name):
        raise OSError(f"{name}: cannot open shared object file (hidden by the test)")
    return _dlopen(self, name, *args, **kwargs)


cffi.api.FFI.dlopen = dlopen
"""
PRINTS_CHINESE = """
import subprocess

import weasyprint
from weasyprint.text import ffi


def test_prints_chinese_without_harfbuzz_subset(tmp_path):
    assert ffi.harfbuzz_subset is None
    html = '<p style="font-family: Noto Sans CJK SC">每个家庭都能收到</p>'
    path = tmp_path / "zh.pdf"
    weasyprint.HTML(string=html).write_pdf(path)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "CJK" in fonts
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "每个家庭都能收到" in text
"""


def test_a_missing_optional_library_is_not_a_test_failure(tmp_path):
    (tmp_path / "no_harfbuzz_subset.py").write_text(NO_HARFBUZZ_SUBSET)
    (tmp_path / "test_prints_chinese.py").write_text(PRINTS_CHINESE)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no_harfbuzz_subset",
         "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path),
         str(tmp_path / "test_prints_chinese.py")],
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def _collect_browser(**env):
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "tests/browser/test_layout.py"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_chromium_the_browser_tests_fail_with_a_clear_message():
    result = _collect_browser(CHROMIUM_PATH="/nonexistent/chromium", BROWSER_TESTS="1")
    assert result.returncode != 0
    assert "/nonexistent/chromium is missing" in result.stdout + result.stderr
    assert "skipped" not in result.stdout


def test_leaving_the_browser_tests_out_is_said_loudly():
    result = _collect_browser(CHROMIUM_PATH="/nonexistent/chromium", BROWSER_TESTS="0")
    assert re.search(r"BROWSER_TESTS=0: \d+ browser tests NOT RUN", result.stdout)
    assert "skipped" not in result.stdout
