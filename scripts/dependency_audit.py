#!/usr/bin/env python3
"""Dependency audit for CI: pip-audit over the project's virtualenv, read back and judged here.

Fails (exit 1) when any installed package has a known vulnerability. pip-audit asks PyPI's
per-release JSON (`/pypi/<name>/<version>/json`); where that does not answer (some registry
mirrors serve only the project JSON) a package installed at its newest release is checked against
the project JSON's `vulnerabilities`, which describe the newest release. Whatever is left is listed
as not audited: a warning by default, a failure with OMNIHANA_AUDIT_STRICT=1.

    .venv/bin/python scripts/dependency_audit.py            # run pip-audit and judge
    .venv/bin/python scripts/dependency_audit.py report.json  # judge a saved `pip-audit -f json` report
"""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_pip_audit() -> dict:
    result = subprocess.run(  # noqa: S603 - pip-audit from our own virtualenv, fixed arguments
        [
            str(ROOT / ".venv" / "bin" / "pip-audit"),
            "--progress-spinner",
            "off",
            "--skip-editable",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        # No report at all (no network to the vulnerability service, say): judged as not audited.
        return {
            "dependencies": [],
            "error": f"pip-audit gave no report (exit {result.returncode}): {result.stderr[-500:]}",
        }


def installed_versions() -> dict[str, str]:
    from importlib.metadata import distributions

    return {(d.metadata["Name"] or "").lower().replace("_", "-"): d.version for d in distributions()}


def newest_release_vulns(name: str, version: str) -> list[dict] | None:
    """Known vulnerabilities of `name` `version` from the project JSON, if it is the newest release."""
    context = ssl.create_default_context(cafile=os.environ.get("PIP_CERT") or None)
    url = f"https://pypi.org/pypi/{name}/json"
    try:
        with urllib.request.urlopen(url, timeout=20, context=context) as response:  # noqa: S310 - fixed host
            data = json.load(response)
    except (OSError, ValueError):
        return None
    if data.get("info", {}).get("version") != version:
        return None
    return [
        {"id": v["id"], "fix_versions": v.get("fixed_in") or [], "aliases": v.get("aliases") or []}
        for v in data.get("vulnerabilities") or []
        if not v.get("withdrawn")
    ]


def fill_in_unaudited(report: dict) -> None:
    """Audit what pip-audit skipped where the newest-release data applies (see the module doc)."""
    versions = installed_versions()
    for dep in report.get("dependencies", []):
        version = versions.get(dep["name"].lower())
        if dep.get("skip_reason") and version:
            vulns = newest_release_vulns(dep["name"], version)
            if vulns is not None:
                dep.pop("skip_reason")
                dep.update(version=version, vulns=vulns)


def judge(report: dict, *, strict: bool) -> tuple[int, list[str]]:
    """The exit code and the lines to print for a pip-audit JSON report."""
    vulnerable, unaudited, clean = [], [], 0
    for dep in report.get("dependencies", []):
        if dep.get("skip_reason"):
            unaudited.append(dep["name"])
        elif dep.get("vulns"):
            for vuln in dep["vulns"]:
                fixed = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
                vulnerable.append(f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})")
        else:
            clean += 1
    lines = [f"audit: {clean} packages without known vulnerabilities"]
    if report.get("error"):
        lines.append(f"{'FAIL' if strict else 'WARNING'}: the audit could not run: {report['error']}")
        return (1 if strict else 0), lines
    lines += [f"VULNERABLE {line}" for line in vulnerable]
    if unaudited:
        lines.append(
            f"{'FAIL' if strict else 'WARNING'}: {len(unaudited)} packages could not be audited "
            f"(no vulnerability data for these releases was reachable): {', '.join(unaudited)}"
        )
    failed = bool(vulnerable) or (strict and bool(unaudited))
    return (1 if failed else 0), lines


def main(argv: list[str]) -> int:
    if len(argv) > 1:
        report = json.loads(Path(argv[1]).read_text())
    else:
        report = run_pip_audit()
        # the project itself (an editable install pip-audit does not always recognise) is not a dependency
        report["dependencies"] = [d for d in report.get("dependencies", []) if d["name"] != "omnihana"]
        fill_in_unaudited(report)
    code, lines = judge(report, strict=os.environ.get("OMNIHANA_AUDIT_STRICT") == "1")
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
