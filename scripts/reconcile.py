"""Snakemake rule reconcile: computed summaries vs the published report (config `reference`).

Writes build/reconciliation.csv and build/reconciliation.html. An unexplained mismatch is a
warning with `mode: warn` and an error (non-zero exit) with `mode: strict`.
Run by Snakemake with `script:`; `main(...)` also runs it with explicit paths (tests).
"""

# No `from __future__ import annotations`: Snakemake puts its preamble before this line, and a
# __future__ import must come first.
import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path

from meeting_report.documents_spec import SURVEY_RESULT_TABLES, SURVEY_TABLES
from meeting_report.io import read_raw_csv
from meeting_report.logs import setup_logging
from meeting_report.reconcile import (
    Context,
    check,
    load_pages,
    load_reference,
    reconcile,
    reference_pages_path,
    reference_title,
    write_reconciliation,
)

RESULTS = SURVEY_RESULT_TABLES
TABLES = (*SURVEY_TABLES, "participants")
log = logging.getLogger("reconcile")


def main(
    inputs: Mapping[str, str | os.PathLike[str]],
    outputs: Mapping[str, str | os.PathLike[str]],
    mode: str = "warn",
) -> list[str]:
    """Inputs: reference, overview, template, the RESULTS csvs, the raw TABLES (and `pages`,
    the reference's page map, when it has one). Outputs: csv, html. Returns the ids of
    unexplained mismatches."""
    ctx = Context(
        overview=json.loads(Path(inputs["overview"]).read_text(encoding="utf-8")),
        results={name: read_raw_csv(inputs[name]) for name in RESULTS},
        tables={name: read_raw_csv(inputs[name]) for name in TABLES},
    )
    rows = reconcile(load_reference(inputs["reference"]), ctx)
    # Write first: in warn mode the page is the deliverable, in strict mode it explains the stop.
    pages = load_pages(inputs.get("pages") or reference_pages_path(inputs["reference"]))
    write_reconciliation(
        rows,
        outputs["csv"],
        outputs["html"],
        inputs["template"],
        title=reference_title(inputs["reference"]),
        pages=pages,
    )
    return check(rows, mode)


if __name__ == "__main__" and "snakemake" in globals():
    smk = globals()["snakemake"]
    setup_logging(smk.log[0])
    names = ("reference", "overview", "template", *RESULTS, *TABLES)
    main(
        {n: smk.input[n] for n in names} | {"pages": smk.input.get("pages")},
        {"csv": smk.output.csv, "html": smk.output.html},
        smk.params.mode,
    )
