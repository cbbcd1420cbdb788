"""Nothing in the HTML documents scrolls sideways on a 390 px phone.

tools/a11y/overflow.mjs opens each built document in Debian's headless Chromium at 390 px, opens
the data tables under the charts, and reports the page's scroll width and any element wider than
the screen or scrolling inside it (a long URL in a note, a table in its wrapper). Like the
accessibility audit, it needs Chromium and the npm packages; without them the test says so and
skips.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import ROOT
from tests.integration.test_accessibility import missing_tools

pytestmark = pytest.mark.slow
OVERFLOW = ROOT / "tools" / "a11y" / "overflow.mjs"
PHONE = 390


@pytest.mark.skipif(missing_tools() is not None, reason=str(missing_tools()))
def test_no_document_is_wider_than_a_phone(built_project):
    files = [
        str(built_project / "build" / "html" / f"{doc}.html")
        for doc in ("summary_report", "highlights", "annexes")
    ]
    result = subprocess.run(
        ["node", str(OVERFLOW), "--width", str(PHONE), *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    reports = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(reports) == len(files), result.stdout + result.stderr
    for report in reports:
        assert report["scrollWidth"] <= PHONE, report
        assert report["offenders"] == [], report
    assert result.returncode == 0
