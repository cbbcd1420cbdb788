"""Snakemake entry: print HTML → PDF with the confined WeasyPrint call (rule render_pdf).

The PDF carries the document's source CSVs and the record of what it was built from.
"""

from pathlib import Path

from meeting_report.logs import setup_logging
from meeting_report.manifest import embedded_sources
from meeting_report.render import ASSETS_DIR, write_pdf

snakemake = globals()["snakemake"]  # injected by Snakemake's script: directive
setup_logging(snakemake.log[0])
attachments, build_id = embedded_sources(snakemake.input.sources, snakemake.input.tables)
write_pdf(
    Path(snakemake.input.print_html).read_text(encoding="utf-8"),
    snakemake.output.pdf,
    base_url=ASSETS_DIR,
    assets_dir=ASSETS_DIR,
    created=snakemake.config["build_date"],
    attachments=attachments,
    build_id=build_id,
)
