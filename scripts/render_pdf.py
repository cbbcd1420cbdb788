"""Snakemake entry: print HTML → PDF with the confined WeasyPrint call (rule render_pdf)."""

from pathlib import Path

from meeting_report.logs import setup_logging
from meeting_report.render import ASSETS_DIR, write_pdf

snakemake = globals()["snakemake"]  # injected by Snakemake's script: directive
setup_logging(snakemake.log[0])
write_pdf(
    Path(snakemake.input.print_html).read_text(encoding="utf-8"),
    snakemake.output.pdf,
    base_url=ASSETS_DIR,
    assets_dir=ASSETS_DIR,
    created=snakemake.config["build_date"],
)
