"""Snakemake entry: one document to screen HTML and PDF (rule render_document)."""

from meeting_report.documents import render_document
from meeting_report.logs import setup_logging

snakemake = globals()["snakemake"]  # injected by Snakemake's script: directive
setup_logging(snakemake.log[0])
inputs, output = snakemake.input, snakemake.output
summaries = snakemake.params.summaries
render_document(
    doc=snakemake.wildcards.doc,
    config=snakemake.config,
    table_paths={name: inputs[name] for name in snakemake.params.tables},
    summary_paths={key: inputs[key] for key in summaries} if summaries else None,
    narrative_files=inputs.narrative,
    outputs={key: output[key] for key in ("html", "print_html", "sources", "pdf")},
    sources=list(inputs),
)
