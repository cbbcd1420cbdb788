"""Benchmark of the author's daily loop, run from a clean copy of the project.

Reports medians of repeated runs (default 3) and each as a ratio to the floor: WeasyPrint
rendering the same final print HTML files directly, in one process, one after the other.

    .venv/bin/python benchmarks/bench_build.py            # the loop on the real data
    .venv/bin/python benchmarks/bench_build.py --scale 10 --scale 100   # plus synthetic inputs

Targets on 2 cores: cold build ≤ 1.3 × floor; no-op ≤ 3 s; rebuild after a participants.csv
edit ≤ 0.6 × the cold build; the redline (written when a build succeeds) < 5 % of the cold build,
both when there is no previous build and when every document is compared with one. The
scaling run multiplies participants, good practices and the survey and reports time and peak
memory per page, to show that growth is linear.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from tests.conftest import copy_project, snakemake_command  # noqa: E402

DOCS = ("summary_report", "highlights", "annexes")


def run_snakemake(project: Path, *args: str) -> float:
    cmd, env = snakemake_command(project, "--cores", "2", "--quiet", "all", *args)
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(result.stdout + result.stderr)
    return elapsed


def clean(project: Path) -> None:
    for name in ("build", "results", ".snakemake"):
        shutil.rmtree(project / name, ignore_errors=True)


def floor_seconds(project: Path) -> float:
    """WeasyPrint alone on the final print HTML of the three documents, in this process."""
    from meeting_report.pdf import pdf_bytes

    created = "2017-12-01T00:00:00Z"
    start = time.perf_counter()
    for doc in DOCS:
        html = (project / "results" / "print" / f"{doc}.html").read_text(encoding="utf-8")
        pdf_bytes(html, project / "assets", project / "assets", created)
    return time.perf_counter() - start


# The redline's work in the Snakefile's onsuccess handler, timed in a process that has imported
# what reading the Snakefile imports (its validation), as Snakemake's own process has.
REDLINE_TIMER = f"""
import time
import meeting_report.validate_stage, meeting_report.workflow
start = time.perf_counter()
from meeting_report.redline import update_redline
update_redline("build", "results", {list(DOCS)!r}, "data/raw", "templates/changes.html.j2")
print(time.perf_counter() - start)
"""


def redline_seconds(project: Path, previous: Path | None) -> float:
    """The redline alone, with no previous build (as after a cold build) or with `previous`,
    marked unread so that every document is read and compared (as in CI's head build)."""
    target = project / "results" / "previous"
    shutil.rmtree(target, ignore_errors=True)
    if previous is not None:
        shutil.copytree(previous, target)
        for path in (target / "text").glob("*.json"):
            data = json.loads(path.read_text(encoding="utf-8"))
            path.write_text(json.dumps({**data, "source_sha256": ""}), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(project / "scripts")}
    cmd = [sys.executable, "-c", REDLINE_TIMER]
    result = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, check=True)
    return float(result.stdout.split()[-1])


def edit_cell(path: Path, column: str, value: str) -> None:
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    rows[0][column] = value
    write_rows(path, rows)


def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def median(values: list[float]) -> float:
    return statistics.median(values)


def loop_benchmark(repeats: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp) / "project")
        cold = []
        for _ in range(repeats):
            clean(project)
            cold.append(run_snakemake(project))
        noop = [run_snakemake(project) for _ in range(repeats)]
        original = Path(tmp) / "previous"
        shutil.copytree(project / "results" / "previous", original)
        participants = project / "data" / "raw" / "participants.csv"
        elements = project / "data" / "raw" / "survey_elements.csv"
        original_elements = elements.read_text(encoding="utf-8")
        edit_participants, edit_elements = [], []
        for i in range(repeats):
            edit_cell(participants, "position", f"Counsellor (edit {i})")
            edit_participants.append(run_snakemake(project))
            extra = "rcm,i\n" if i % 2 == 0 else ""
            elements.write_text(original_elements + extra, encoding="utf-8")
            edit_elements.append(run_snakemake(project))
        floor = [floor_seconds(project) for _ in range(repeats)]
        redline_first = [redline_seconds(project, None) for _ in range(repeats)]
        redline_compared = [redline_seconds(project, original) for _ in range(repeats)]
    return {
        "floor": median(floor),
        "cold build": median(cold),
        "no-op build": median(noop),
        "participants.csv edit": median(edit_participants),
        "survey_elements.csv edit": median(edit_elements),
        "redline, first build": median(redline_first),
        "redline, compared": median(redline_compared),
    }


def scale_inputs(raw: Path, factor: int) -> None:
    """Multiply participants, good practices and the survey by `factor` (synthetic copies)."""

    def rows(name: str) -> list[dict[str, str]]:
        return list(csv.DictReader((raw / f"{name}.csv").open(encoding="utf-8", newline="")))

    participants = rows("participants")
    write_rows(
        raw / "participants.csv",
        [
            {**p, "number": str(k * len(participants) + int(p["number"]))}
            for k in range(factor)
            for p in participants
        ],
    )
    practices = rows("good_practices")
    write_rows(
        raw / "good_practices.csv",
        [
            {
                **p,
                "practice_id": f"{p['practice_id']}_{k}",
                "order": str(k * 1000 + int(p["order"])),
                "title": p["title"] + (f" ({k + 1})" if k else ""),
            }
            for k in range(factor)
            for p in practices
        ],
    )
    entities, responses, elements = (
        rows("entities"),
        rows("survey_responses"),
        rows("survey_elements"),
    )
    responding = {r["entity_id"] for r in responses}
    copies = range(1, factor)
    write_rows(
        raw / "entities.csv",
        entities
        + [
            {**e, "entity_id": f"{e['entity_id']}_{k}", "short_name": f"{e['short_name']} {k}"}
            for k in copies
            for e in entities
            if e["entity_id"] in responding
        ],
    )
    write_rows(
        raw / "survey_responses.csv",
        responses
        + [{**r, "entity_id": f"{r['entity_id']}_{k}"} for k in copies for r in responses],
    )
    write_rows(
        raw / "survey_elements.csv",
        elements + [{**e, "entity_id": f"{e['entity_id']}_{k}"} for k in copies for e in elements],
    )


def scaling_benchmark(factor: int) -> dict[str, float]:
    import pypdf

    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp) / "project")
        if factor > 1:
            scale_inputs(project / "data" / "raw", factor)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        seconds = run_snakemake(project)
        peak_kib = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
        pages = sum(
            len(pypdf.PdfReader(project / "build" / "pdf" / f"{doc}.pdf").pages) for doc in DOCS
        )
    return {
        "factor": factor,
        "pages": pages,
        "seconds": seconds,
        "ms per page": 1000 * seconds / pages,
        "peak MiB": peak_kib / 1024,
        "peak MiB per page": peak_kib / 1024 / pages,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--scale",
        type=int,
        action="append",
        default=[],
        help="also build synthetic inputs this many times the real ones",
    )
    parser.add_argument("--skip-loop", action="store_true")
    args = parser.parse_args()

    if not args.skip_loop:
        results = loop_benchmark(args.repeats)
        floor = results["floor"]
        print(f"Medians of {args.repeats} runs (2 cores):")
        print(f"{'measure':28} {'seconds':>8} {'× floor':>8}")
        for name, seconds in results.items():
            print(f"{name:28} {seconds:8.2f} {seconds / floor:8.2f}")
        print(
            f"participants.csv edit / cold build: "
            f"{results['participants.csv edit'] / results['cold build']:.2f}"
        )
        for name in ("redline, first build", "redline, compared"):
            print(f"{name} / cold build: {100 * results[name] / results['cold build']:.1f} %")
    if args.scale:
        print("\nScaling (one run each; peak memory is the largest single process):")
        print(
            f"{'factor':>6} {'pages':>6} {'seconds':>8} {'ms/page':>8} {'peak MiB':>9} "
            f"{'MiB/page':>9}"
        )
        for factor in [1, *args.scale]:
            r = scaling_benchmark(factor)
            print(
                f"{r['factor']:6d} {r['pages']:6d} {r['seconds']:8.1f} {r['ms per page']:8.1f} "
                f"{r['peak MiB']:9.0f} {r['peak MiB per page']:9.2f}"
            )


if __name__ == "__main__":
    main()
