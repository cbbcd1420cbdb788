"""Meeting report pipeline: validate raw CSVs → compute survey summaries → render documents.

Every file a rule reads is a declared input (CSVs, narrative, templates, stylesheet, fonts and the
package modules it imports), so an edit reruns exactly the rules it affects.
"""

import json
import sys
from pathlib import Path

from snakemake.utils import min_version, validate

min_version("9.0")

sys.path.insert(0, str(Path(workflow.basedir) / "scripts"))
from meeting_report.documents_spec import (
    DOCUMENT_TABLES,
    DOCUMENTS_WITH_SUMMARIES,
    SURVEY_TABLES,
)  # noqa: E402
from meeting_report.validate_stage import validate_or_stop  # noqa: E402


configfile: "config.yaml"


validate(config, "schemas/config.schema.yaml")

RAW = config["raw_dir"]
NARRATIVE = config["narrative_dir"]
DOCS = list(DOCUMENT_TABLES)
SUMMARY = "results/summary"
SUMMARY_FILES = {
    "theme_respondents": f"{SUMMARY}/theme_respondents.csv",
    "recurrent_elements": f"{SUMMARY}/recurrent_elements.csv",
    "cross_regional": f"{SUMMARY}/cross_regional.csv",
    "overview": f"{SUMMARY}/survey_overview.json",
}
PKG = "scripts/meeting_report"
TEMPLATES = sorted(
    str(p)
    for p in Path("templates").glob("*.html.j2")
    if p.name not in ("validation.html.j2", "reconciliation.html.j2", "changes.html.j2")
)
ASSETS = sorted(str(p) for p in Path("assets").rglob("*") if p.is_file())
NARRATIVE_FILES = {
    "summary_report": [
        "summary_report/**/*.md",
        "recommendations/*.md",
        "publisher.md",
        "copyright.md",
    ],
    "highlights": ["highlights.md"],
    "annexes": ["annexes/**/*.md", "annexes/**/*.yaml", "highlights.md"],
}

# Nothing is planned, let alone rendered, from invalid inputs: every problem is listed and
# build/validation.html written before Snakemake exits with status 1.
validate_or_stop(RAW, config["schema"], "build/validation.html")


def raw(name):
    return f"{RAW}/{name}.csv"


def doc_tables(wildcards):
    return {name: raw(name) for name in DOCUMENT_TABLES[wildcards.doc]}


def doc_narrative(wildcards):
    root = Path(NARRATIVE)
    return sorted(
        {str(p) for g in NARRATIVE_FILES[wildcards.doc] for p in root.glob(g)}
    )


wildcard_constraints:
    doc="|".join(DOCS),


rule all:
    input:
        "build/validation.html",
        "build/reconciliation.html",
        "build/changes.html",
        expand("build/html/{doc}.html", doc=DOCS),
        expand("build/pdf/{doc}.pdf", doc=DOCS),


rule validate:
    input:
        "build/validation.html",


rule summaries:
    input:
        SUMMARY_FILES.values(),


rule validate_inputs:
    input:
        raw=sorted(str(p) for p in Path(RAW).glob("*.csv")),
        schema=config["schema"],
        code=[f"{PKG}/validation.py", f"{PKG}/validate_stage.py"],
        template="templates/validation.html.j2",
    output:
        report="build/validation.html",
    log:
        "build/logs/validate_inputs.log",
    conda:
        "envs/pipeline.yaml"
    params:
        raw_dir=lambda wildcards: RAW,
    script:
        "scripts/validate_inputs.py"


rule compute_summaries:
    input:
        **{name: raw(name) for name in SURVEY_TABLES},
        code=[
            f"{PKG}/{m}.py"
            for m in ("summaries", "safe_csv", "io", "logs", "documents_spec")
        ],
    output:
        **SUMMARY_FILES,
    log:
        "build/logs/compute_summaries.log",
    # Every document that shows the survey waits on it.
    priority: 20
    conda:
        "envs/pipeline.yaml"
    params:
        min_share=config["recurrence"]["min_share"],
        min_respondents=config["recurrence"]["min_respondents"],
    script:
        "scripts/compute_summaries.py"


rule reconcile:
    input:
        **SUMMARY_FILES,
        **{name: raw(name) for name in [*SURVEY_TABLES, "participants"]},
        reference=config["reference"],
        template="templates/reconciliation.html.j2",
        code=[
            f"{PKG}/{m}.py"
            for m in ("reconcile", "safe_csv", "io", "logs", "documents_spec")
        ],
    output:
        csv="build/reconciliation.csv",
        html="build/reconciliation.html",
    log:
        "build/logs/reconcile.log",
    conda:
        "envs/pipeline.yaml"
    params:
        mode=config["reconciliation"],
    script:
        "scripts/reconcile.py"


rule report_changes:
    input:
        **SUMMARY_FILES,
        regions=raw("regions"),
        themes=raw("themes"),
        template="templates/changes.html.j2",
        code=[f"{PKG}/{m}.py" for m in ("changes", "io", "logs")],
    output:
        html="build/changes.html",
        text="build/changes.txt",
    log:
        "build/logs/report_changes.log",
    conda:
        "envs/pipeline.yaml"
    params:
        summary_dir=lambda wildcards, input: str(Path(input.overview).parent),
        previous_dir="results/previous_summary",
    script:
        "scripts/report_changes.py"


rule render_document:
    input:
        unpack(doc_tables),
        narrative=doc_narrative,
        templates=TEMPLATES,
        assets=ASSETS,
        code=expand(
            f"{PKG}/{{module}}.py",
            module=[
                "context",
                "documents_spec",
                "documents",
                "render",
                "narrative",
                "charts",
                "summaries",
                "io",
                "logs",
                "manifest",
            ],
        ),
    output:
        html="build/html/{doc}.html",
        pdf="build/pdf/{doc}.pdf",
        print_html="results/print/{doc}.html",
        sources="results/print/{doc}.sources.json",
    log:
        "build/logs/render_document_{doc}.log",
    # The documents are the critical path: schedule them before the reports.
    priority: 10
    conda:
        "envs/pipeline.yaml"
    params:
        tables=lambda wc: list(DOCUMENT_TABLES[wc.doc]),
        survey=lambda wc: wc.doc in DOCUMENTS_WITH_SUMMARIES,
        min_share=config["recurrence"]["min_share"],
        min_respondents=config["recurrence"]["min_respondents"],
    script:
        "scripts/render_document.py"


# The build record is written by Snakemake itself once every job has succeeded, rather than by
# a job: a last job after the documents would add half a second to every build.
onsuccess:
    from meeting_report.manifest import write_build_manifest

    write_build_manifest(
        "build/manifest.json",
        inputs=[
            "config.yaml",
            config["schema"],
            config["reference"],
            *sorted(str(p) for p in Path(RAW).glob("*.csv")),
            *sorted(str(p) for p in Path(NARRATIVE).rglob("*") if p.is_file()),
            *sorted(str(p) for p in Path("templates").glob("*.j2")),
            *ASSETS,
            *sorted(str(p) for p in Path(PKG).glob("*.py")),
        ],
        outputs=[
            "build/validation.html",
            "build/reconciliation.html",
            "build/reconciliation.csv",
            "build/changes.html",
            *SUMMARY_FILES.values(),
            *expand("build/html/{doc}.html", doc=DOCS),
            *expand("build/pdf/{doc}.pdf", doc=DOCS),
        ],
        config=config,
    )
