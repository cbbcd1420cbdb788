"""Snakemake entry: one document to screen HTML and PDF (rule render_document)."""

from meeting_report.documents import render_document
from meeting_report.logs import setup_logging

snakemake = globals()["snakemake"]  # injected by Snakemake's script: directive
setup_logging(snakemake.log[0])
inputs, output, params = snakemake.input, snakemake.output, snakemake.params
render_document(
    doc=snakemake.wildcards.doc,
    config=params.config,
    table_paths={name: inputs[name] for name in params.tables},
    narrative_files=inputs.narrative,
    outputs={key: output[key] for key in ("html", "print_html", "sources", "pdf")},
    folders={
        "templates": params.templates_dir,
        "assets": params.assets_dir,
        "narrative": params.narrative_dir,
    },
    sources=list(inputs),
    # The editorial note needs the published figures (Snakefile: render_document input `reference`).
    reference=inputs.get("reference"),
)
