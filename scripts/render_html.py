"""Snakemake entry: one document's screen HTML and print HTML (rule render_html)."""

from meeting_report.documents import render_document
from meeting_report.logs import setup_logging

snakemake = globals()["snakemake"]  # injected by Snakemake's script: directive
setup_logging(snakemake.log[0])
inputs = snakemake.input
summaries = snakemake.params.summaries
render_document(
    doc=snakemake.wildcards.doc,
    config=snakemake.config,
    table_paths={name: inputs[name] for name in snakemake.params.tables},
    summary_paths={key: inputs[key] for key in summaries} if summaries else None,
    narrative_files=inputs.narrative,
    html_out=snakemake.output.html,
    print_out=snakemake.output.print_html,
    sources=list(inputs),
    sources_out=snakemake.output.sources,
)
