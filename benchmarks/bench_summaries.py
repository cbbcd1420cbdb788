"""Time the Annex 9 summaries on synthetic surveys 100× and 1000× the real one.

Not a test: run it by hand, from the repository's folder, and read the numbers.

    PYTHONPATH=scripts .venv/bin/python benchmarks/bench_summaries.py [--runs 5]

The synthetic survey copies every real entity (kind, regions, surveyed), its response and its
elements N times under new ids (`<id>~<k>`), so it has the real shape — the same share of
multi-region IRFs, non-respondents and respondents without elements — with N × 41 entities and
N × 97 element rows. Regions, themes and elements stay the real ones. The code under test is
linear in rows, so the 1000×/100× ratio of the medians should be close to 10.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pandas as pd

from meeting_report.io import read_raw_tables
from meeting_report.summaries import RecurrenceRule, compute_all

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
TABLES = ("regions", "themes", "elements", "entities", "survey_responses", "survey_elements")


def replicate(table: pd.DataFrame, copies: int) -> pd.DataFrame:
    """`copies` copies of a table keyed by entity_id, each copy with its own ids."""
    stacked = pd.concat([table] * copies, ignore_index=True)
    copy_number = pd.Series(range(copies)).repeat(len(table)).astype(str).to_numpy()
    stacked["entity_id"] = stacked["entity_id"] + "~" + copy_number
    return stacked


def synthetic_survey(real: dict[str, pd.DataFrame], copies: int) -> dict[str, pd.DataFrame]:
    tables = dict(real)
    for name in ("entities", "survey_responses", "survey_elements"):
        tables[name] = replicate(real[name], copies)
    return tables


def time_compute_all(tables: dict[str, pd.DataFrame], runs: int) -> list[float]:
    rule = RecurrenceRule()
    compute_all(tables, rule)  # warm-up: imports, pandas caches
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        compute_all(tables, rule)
        timings.append(time.perf_counter() - start)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per size (≥ 5)")
    args = parser.parse_args()
    runs = max(args.runs, 5)

    real = read_raw_tables(RAW, TABLES)
    medians = {}
    for copies in (1, 100, 1000):
        tables = synthetic_survey(real, copies)
        timings = time_compute_all(tables, runs)
        medians[copies] = statistics.median(timings)
        print(
            f"{copies:>5}×: {len(tables['entities']):>6} entities, "
            f"{len(tables['survey_elements']):>6} element rows, "
            f"median {medians[copies] * 1000:8.1f} ms over {runs} runs "
            f"(min {min(timings) * 1000:.1f}, max {max(timings) * 1000:.1f})"
        )
    print(f"ratio 1000×/100×: {medians[1000] / medians[100]:.2f} (linear growth ≈ 10)")
    # The 1× time is almost all fixed cost (a few dozen small pandas calls); without it the
    # ratio shows how the work itself grows.
    marginal = (medians[1000] - medians[1]) / (medians[100] - medians[1])
    print(f"ratio without the 1× fixed cost: {marginal:.2f}")


if __name__ == "__main__":
    main()
