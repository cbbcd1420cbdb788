"""Where the published 2017 report (the "seed" text) is kept: beside the repository, not in it.

`../shared/seed/grcp7_summary_report_2017.txt` relative to the repository root. Tests
(tests/conftest.py) and tools (`--seed` defaults) take the path from here; what needs the file
skips or stops with a message when it is absent.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "grcp7_summary_report_2017.txt"
SEED_RELATIVE = "../shared/seed/grcp7_summary_report_2017.txt"
