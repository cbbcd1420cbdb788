"""Snakemake entry: build/manifest.json (rule write_manifest)."""

from meeting_report.logs import setup_logging
from meeting_report.manifest import build_manifest, write_json

snakemake = globals()["snakemake"]  # injected by Snakemake's script: directive
setup_logging(snakemake.log[0])
write_json(
    snakemake.output.manifest,
    build_manifest(snakemake.input.inputs, snakemake.input.outputs, snakemake.config),
)
