"""The CI dependency audit (scripts/dependency_audit.py) judges pip-audit's report the way CI needs."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("dependency_audit", ROOT / "scripts" / "dependency_audit.py")
assert spec and spec.loader
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)

CLEAN = {"name": "django", "version": "5.2.19", "vulns": []}
VULNERABLE = {
    "name": "jinja2",
    "version": "3.1.2",
    "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"], "aliases": [], "description": "x"}],
}
UNAUDITED = {"name": "twilio", "skip_reason": "Dependency not found on PyPI and could not be audited"}


def test_a_known_vulnerability_fails_the_build_and_names_the_fix():
    code, lines = audit.judge({"dependencies": [CLEAN, VULNERABLE]}, strict=False)
    assert code == 1
    assert "VULNERABLE jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (fixed in 3.1.3)" in lines


def test_clean_packages_pass():
    assert audit.judge({"dependencies": [CLEAN]}, strict=True) == (
        0,
        ["audit: 1 packages without known vulnerabilities"],
    )


def test_packages_the_service_could_not_answer_for_are_a_warning_or_in_strict_mode_a_failure():
    code, lines = audit.judge({"dependencies": [CLEAN, UNAUDITED]}, strict=False)
    assert (
        code == 0
        and lines[-1].startswith("WARNING: 1 packages could not be audited")
        and "twilio" in lines[-1]
    )
    code, lines = audit.judge({"dependencies": [CLEAN, UNAUDITED]}, strict=True)
    assert code == 1 and lines[-1].startswith("FAIL")


def test_an_audit_that_could_not_run_is_said_plainly_and_fails_in_strict_mode():
    report = {"dependencies": [], "error": "pip-audit gave no report (exit 1): connection refused"}
    code, lines = audit.judge(report, strict=False)
    assert code == 0 and lines[-1].startswith("WARNING: the audit could not run")
    assert audit.judge(report, strict=True)[0] == 1


def test_the_script_reads_a_saved_report(tmp_path):
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"dependencies": [VULNERABLE], "fixes": []}))
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "scripts" / "dependency_audit.py"), str(report)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1 and "VULNERABLE jinja2" in result.stdout
