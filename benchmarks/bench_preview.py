"""Benchmark of the live preview: from saving a narrative file to the new HTML being served.

    .venv/bin/python benchmarks/bench_preview.py [--repeats 9]

Starts the preview (without background PDFs, which would compete for the cores) on a clean
copy of the project, then saves a sentence edit to one narrative file per document and polls
until the page carries it. Reports the median and the spread per document.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from tests.conftest import copy_project  # noqa: E402
from tests.integration.test_preview import Server  # noqa: E402

# One narrative file per document and a sentence start it contains.
EDITS = {
    "summary_report": ("summary_report/conclusions.md", "The GRCP 7 meeting took place"),
    "highlights": ("highlights.md", "The "),
    "annexes": ("annexes/annex1_definitions.md", "State-led"),
}


def time_edit(server: Server, project: Path, doc: str, marker: str) -> float:
    name, anchor = EDITS[doc]
    path = project / "content" / name
    text = path.read_text(encoding="utf-8")
    start = time.perf_counter()
    path.write_text(text.replace(anchor, f"{marker} {anchor}", 1), encoding="utf-8")
    while marker not in server.page(doc):
        time.sleep(0.01)
        if time.perf_counter() - start > 60:
            raise RuntimeError(f"{doc}: edit not served within 60 s")
    elapsed = time.perf_counter() - start
    path.write_text(text, encoding="utf-8")
    time.sleep(0.5)  # let the restore be rendered before the next edit
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp) / "project")
        server = Server(project, "--no-pdf")
        try:
            times: dict[str, list[float]] = {doc: [] for doc in EDITS}
            for run in range(args.repeats):
                for doc in EDITS:
                    times[doc].append(time_edit(server, project, doc, f"Mark{run}x{doc}"))
        finally:
            server.stop()
    print(f"Save → served, medians of {args.repeats} edits (2 cores):")
    for doc, values in times.items():
        print(
            f"{doc:16} median {statistics.median(values):.3f} s  "
            f"(min {min(values):.3f}, max {max(values):.3f})"
        )


if __name__ == "__main__":
    main()
