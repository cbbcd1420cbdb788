"""Snakemake entry: write the validation report (rule validate_inputs)."""

from meeting_report.logs import setup_logging
from meeting_report.validate_stage import run

snakemake = globals()["snakemake"]  # injected by Snakemake's script: directive
setup_logging(snakemake.log[0])
run(
    raw_dir=snakemake.params.raw_dir,
    schema=snakemake.input.schema,
    report_html=snakemake.output.report,
)
