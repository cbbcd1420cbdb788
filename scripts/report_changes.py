"""Snakemake entry: new survey summaries vs the previous build's (rule report_changes)."""

from meeting_report.changes import report_changes
from meeting_report.io import read_raw_csv
from meeting_report.logs import setup_logging

snakemake = globals()["snakemake"]  # injected by Snakemake's script: directive
setup_logging(snakemake.log[0])
report_changes(
    summary_dir=snakemake.params.summary_dir,
    previous_dir=snakemake.params.previous_dir,
    tables={name: read_raw_csv(snakemake.input[name]) for name in ("regions", "themes")},
    template=snakemake.input.template,
    html_out=snakemake.output.html,
    text_out=snakemake.output.text,
)
