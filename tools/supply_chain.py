"""Supply-chain checks, run by `make lint` (so by `make test` and CI): bandit over portal/ and
pip-audit over the installed environment. Exits non-zero on a finding that is not accepted.

- bandit reads [tool.bandit] in pyproject.toml. A finding is accepted where its line says so
  with a reason: ruff's matching `# noqa: S<number> - reason` (ruff's S rules are bandit's, and
  `ruff check` already demands them) or bandit's own `# nosec B<number> - reason`.
- pip-audit asks PyPI's vulnerability service about every installed package. When the service
  cannot be reached, or answers for none of them (a mirror without it), one line says the
  audit was skipped and why, and the check passes: the lint must work offline. Accepted
  advisories are listed, each with its reason, in [tool.supply_chain] ignore_vulns.

    python tools/supply_chain.py [--only bandit|pip-audit]
"""

import argparse
import json
import re
import subprocess  # noqa: S404 - runs bandit and pip-audit with fixed argument lists
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIP_AUDIT_SECONDS = 30  # make test stays fast when the service hangs


def _accepted(finding: dict) -> bool:
    """True when one of the finding's lines carries a matching noqa or nosec with the id."""
    number = finding["test_id"][1:]  # B704 -> 704
    path = ROOT / finding["filename"]
    lines = path.read_text(encoding="utf-8").splitlines()
    for line_no in finding.get("line_range") or [finding["line_number"]]:
        line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
        if re.search(rf"#\s*noqa:[^#]*\bS{number}\b", line):
            return True
        if re.search(rf"#\s*nosec\b[^#]*\bB{number}\b", line):
            return True
    return False


def run_bandit() -> bool:
    """bandit over portal/; True when every finding is accepted."""
    command = [sys.executable, "-m", "bandit", "-c", "pyproject.toml", "-r", "portal"]
    done = subprocess.run(  # noqa: S603
        [*command, "-f", "json", "-q"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        print(f"bandit: could not run: {(done.stderr or done.stdout).strip()[:300]}")
        return False
    findings = report.get("results", [])
    open_ones = [f for f in findings if not _accepted(f)]
    for f in open_ones:
        where = f"{f['filename']}:{f['line_number']}"
        print(f"bandit: {where} {f['test_id']} ({f['issue_severity']}): {f['issue_text']}")
    accepted = len(findings) - len(open_ones)
    if open_ones:
        print(
            f"bandit: {len(open_ones)} finding(s) to fix, or accept with "
            "`# noqa: S<number> - reason` on the line."
        )
        return False
    print(f"bandit: no open findings ({accepted} accepted on their lines).")
    return True


def _ignored_vulns() -> dict[str, str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config.get("tool", {}).get("supply_chain", {}).get("ignore_vulns", {})


def run_pip_audit() -> bool:
    """pip-audit over the installed packages; True unless a vulnerability is found."""
    command = [sys.executable, "-m", "pip_audit", "--format", "json", "--progress-spinner", "off"]
    command += ["--skip-editable"]
    for vuln_id in _ignored_vulns():
        command += ["--ignore-vuln", vuln_id]
    try:
        done = subprocess.run(  # noqa: S603
            command, cwd=ROOT, capture_output=True, text=True, timeout=PIP_AUDIT_SECONDS
        )
    except subprocess.TimeoutExpired:
        seconds = PIP_AUDIT_SECONDS
        print(f"pip-audit: skipped: no answer from the vulnerability service in {seconds} s.")
        return True
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1][:200]
        print(f"pip-audit: skipped: the vulnerability service could not be reached ({reason}).")
        return True
    packages = report.get("dependencies", [])
    audited = [p for p in packages if "skip_reason" not in p]
    if packages and not audited:
        print(
            f"pip-audit: skipped: the vulnerability service answered for none of the "
            f"{len(packages)} installed packages (offline, or a package index without it)."
        )
        return True
    vulnerable = [(p, v) for p in audited for v in p.get("vulns", [])]
    for package, vuln in vulnerable:
        fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release yet"
        print(f"pip-audit: {package['name']} {package['version']}: {vuln['id']} (fixed in {fixed})")
    skipped = len(packages) - len(audited)
    note = f"; {skipped} not known to the service" if skipped else ""
    if vulnerable:
        print(
            f"pip-audit: {len(vulnerable)} known vulnerabilities: upgrade, or accept one with "
            "a reason in pyproject.toml [tool.supply_chain] ignore_vulns."
        )
        return False
    print(f"pip-audit: no known vulnerabilities in {len(audited)} packages{note}.")
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["bandit", "pip-audit"])
    args = parser.parse_args()
    ok = True
    if args.only in (None, "bandit"):
        ok = run_bandit() and ok
    if args.only in (None, "pip-audit"):
        ok = run_pip_audit() and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
