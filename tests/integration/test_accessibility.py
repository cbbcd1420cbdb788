"""The HTML documents pass an automated accessibility audit in a real browser.

axe-core runs in Debian's headless Chromium (tools/a11y/audit.mjs) on the built documents, at
desktop size, and the pages must ask nothing from the network. CI installs Chromium and the
two npm packages (.ci/run); elsewhere the test says what is missing and skips.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow
AUDIT = ROOT / "tools" / "a11y" / "audit.mjs"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def missing_tools() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not os.path.exists(CHROMIUM):
        return f"Chromium is not at {CHROMIUM} (apt-get install chromium)"
    if not (ROOT / "tools" / "a11y" / "node_modules" / "axe-core").is_dir():
        return "npm packages missing (cd tools/a11y && npm ci)"
    return None


@pytest.mark.skipif(missing_tools() is not None, reason=str(missing_tools()))
def test_no_serious_or_critical_violation(built_project):
    files = [
        str(built_project / "build" / "html" / f"{doc}.html")
        for doc in ("summary_report", "highlights", "annexes")
    ]
    result = subprocess.run(
        ["node", str(AUDIT), *files], capture_output=True, text=True, timeout=300
    )
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    summary = lines[-1]
    assert summary == {"summary": True, "files": 3, "serious_or_critical": 0}, (
        result.stdout + result.stderr
    )
    assert result.returncode == 0
