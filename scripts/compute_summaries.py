"""Snakemake rule compute_summaries: raw survey tables → results/summary/ (the survey summaries).

Run by Snakemake with `script:`; `main(...)` also runs it with explicit paths (tests).
"""

# No `from __future__ import annotations`: Snakemake puts its preamble before this line, and a
# __future__ import must come first.
import logging
import os
from collections.abc import Mapping

from meeting_report.documents_spec import SURVEY_RESULT_FILES, SURVEY_TABLES
from meeting_report.io import read_raw_csv
from meeting_report.logs import setup_logging
from meeting_report.summaries import RecurrenceRule, compute_all, write_result_files

TABLES = SURVEY_TABLES
log = logging.getLogger("compute_summaries")


def main(
    inputs: Mapping[str, str | os.PathLike[str]],
    outputs: Mapping[str, str | os.PathLike[str]],
    min_share: float = 0.5,
    min_respondents: int = 2,
) -> None:
    tables = {name: read_raw_csv(inputs[name]) for name in TABLES}
    rule = RecurrenceRule(min_share=float(min_share), min_respondents=int(min_respondents))
    results = compute_all(tables, rule)
    write_result_files(results, outputs)
    log.info(
        "%d respondents; %d recurrent region × element pairs; %d cross-regional elements (%s)",
        results.overview["responded"],
        len(results.recurrent_elements),
        len(results.cross_regional),
        rule,
    )


if __name__ == "__main__" and "snakemake" in globals():
    smk = globals()["snakemake"]
    setup_logging(smk.log[0])
    main(
        {name: smk.input[name] for name in TABLES},
        {key: smk.output[key] for key in SURVEY_RESULT_FILES},
        smk.params.min_share,
        smk.params.min_respondents,
    )
