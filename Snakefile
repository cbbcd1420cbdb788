"""Meeting report pipeline: validate raw CSVs → compute survey summaries → render documents."""

import json
from pathlib import Path

from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config.yaml"


validate(config, "schemas/config.schema.yaml")

RAW = config["raw_dir"]
RESOURCES = [r["name"] for r in json.load(open(config["schema"]))["resources"]]
VALIDATED = "results/validated"
SUMMARY = "results/summary"


def raw_inputs(wildcards):
    """Raw CSVs that exist now: a missing one must reach the validator, which names it."""
    return sorted(str(p) for p in Path(RAW).glob("*.csv"))


rule all:
    input:
        expand(f"{VALIDATED}/{{name}}.csv", name=RESOURCES),


rule validate:
    input:
        expand(f"{VALIDATED}/{{name}}.csv", name=RESOURCES),


rule validate_inputs:
    input:
        raw=raw_inputs,
        schema=config["schema"],
        code=["scripts/meeting_report/validation.py", "scripts/meeting_report/validate_stage.py"],
        template="templates/validation.html.j2",
    output:
        expand(f"{VALIDATED}/{{name}}.csv", name=RESOURCES),
    params:
        raw_dir=RAW,
        validated_dir=VALIDATED,
        report_html="build/validation.html",
    log:
        "build/logs/validate_inputs.log",
    script:
        "scripts/validate_inputs.py"
