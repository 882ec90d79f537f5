"""tools/supply_chain.py: a bandit finding fails the lint unless its line accepts it with the
matching number; pip-audit fails on a known vulnerability and is skipped, with one line and
no failure, when its service cannot answer."""

import json
import subprocess

import pytest

from tools import supply_chain


def _finding(tmp_path, line: str, test_id="B704") -> dict:
    source = tmp_path / "module.py"
    source.write_text(f"x = 1\n{line}\n")
    return {"filename": str(source), "line_number": 2, "line_range": [2], "test_id": test_id}


@pytest.mark.parametrize(
    ("line", "accepted"),
    [
        ("return Markup(text)", False),
        ("return Markup(text)  # noqa: S704 - escaped above", True),
        ("return Markup(text)  # noqa: E501, S704", True),
        ("return Markup(text)  # noqa: S70 - wrong rule", False),
        ("return Markup(text)  # noqa: S7041", False),
        ("return Markup(text)  # nosec B704 - escaped above", True),
        ("return Markup(text)  # nosec B105", False),
    ],
)
def test_a_finding_is_accepted_only_by_its_own_number(tmp_path, line, accepted):
    assert supply_chain._accepted(_finding(tmp_path, line)) is accepted


def test_bandit_fails_on_an_open_finding(tmp_path, monkeypatch, capsys):
    report = {"results": [_finding(tmp_path, "return Markup(text)")]}
    report["results"][0] |= {"issue_severity": "MEDIUM", "issue_text": "Potential XSS"}
    monkeypatch.setattr(supply_chain.subprocess, "run", _answer(json.dumps(report)))
    assert supply_chain.run_bandit() is False
    assert "B704 (MEDIUM): Potential XSS" in capsys.readouterr().out


def _answer(stdout: str, stderr: str = "", returncode: int = 0):
    def run(*args, **kwargs):
        return subprocess.CompletedProcess(args, returncode, stdout, stderr)

    return run


def test_pip_audit_fails_on_a_known_vulnerability(monkeypatch, capsys):
    report = {
        "dependencies": [
            {
                "name": "flask",
                "version": "0.1",
                "vulns": [{"id": "PYSEC-1", "fix_versions": ["2"]}],
            },
            {"name": "nh3", "version": "0.3.7", "vulns": []},
        ]
    }
    monkeypatch.setattr(supply_chain.subprocess, "run", _answer(json.dumps(report), returncode=1))
    assert supply_chain.run_pip_audit() is False
    assert "flask 0.1: PYSEC-1 (fixed in 2)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer",
    [
        _answer("", "ConnectionError: could not reach pypi.org", returncode=1),
        _answer(json.dumps({"dependencies": [{"name": "flask", "skip_reason": "not found"}]})),
    ],
)
def test_pip_audit_is_skipped_with_one_line_when_the_service_cannot_answer(
    monkeypatch, capsys, answer
):
    monkeypatch.setattr(supply_chain.subprocess, "run", answer)
    assert supply_chain.run_pip_audit() is True
    out = capsys.readouterr().out.strip()
    assert out.startswith("pip-audit: skipped: ") and "\n" not in out


def test_pip_audit_passes_accepted_advisories_on(monkeypatch):
    seen = {}

    def run(command, **kwargs):
        seen["command"] = command
        return subprocess.CompletedProcess(command, 0, json.dumps({"dependencies": []}), "")

    monkeypatch.setattr(supply_chain, "_ignored_vulns", lambda: {"GHSA-aaaa": "not used"})
    monkeypatch.setattr(supply_chain.subprocess, "run", run)
    assert supply_chain.run_pip_audit() is True
    assert seen["command"][-2:] == ["--ignore-vuln", "GHSA-aaaa"]
