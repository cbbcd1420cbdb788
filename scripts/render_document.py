"""Snakemake entry: one document to screen HTML and PDF (rule render_document)."""

from meeting_report.documents import render_document
from meeting_report.logs import setup_logging
from meeting_report.summaries import RecurrenceRule

snakemake = globals()["snakemake"]  # injected by Snakemake's script: directive
setup_logging(snakemake.log[0])
inputs, output, params = snakemake.input, snakemake.output, snakemake.params
render_document(
    doc=snakemake.wildcards.doc,
    config=snakemake.config,
    table_paths={name: inputs[name] for name in params.tables},
    rule=RecurrenceRule(params.min_share, params.min_respondents) if params.survey else None,
    narrative_files=inputs.narrative,
    outputs={key: output[key] for key in ("html", "print_html", "sources", "pdf")},
    sources=list(inputs),
)
