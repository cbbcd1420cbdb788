"""Meeting report pipeline: validate raw CSVs → compute survey summaries → render documents.

Every file a job reads is a declared input (CSVs, narrative, templates, stylesheet, fonts and the
package modules its script imports, found from the import graph) and every config value it reads
is a param, so an edit reruns exactly the jobs it affects. Templates, assets and code come from
this workflow's folder; data and narrative from the folders config.yaml names.
"""

import os
import sys
from pathlib import Path

from snakemake.utils import min_version, validate

min_version("9.0")


def wf(*parts):
    """A path inside this workflow's folder, relative to the working directory."""
    return os.path.relpath(os.path.join(workflow.basedir, *parts))


# The package this workflow runs is the one beside this Snakefile, never one installed elsewhere:
# first on the path of the Snakefile itself and, through PYTHONPATH, of every job's script.
SCRIPTS_DIR = wf("scripts")
sys.path.insert(0, os.path.abspath(SCRIPTS_DIR))
# (Set, not read: no `envvars:` declaration applies.)
os.environ.update(PYTHONPATH=os.path.abspath(SCRIPTS_DIR))

from meeting_report.documents_spec import (  # noqa: E402
    SURVEY_RESULT_FILES,
    SURVEY_TABLES,
)
from meeting_report.outline import OutlineError, document_inputs  # noqa: E402
from meeting_report.validate_stage import (  # noqa: E402
    stale_outputs_notice,
    validate_or_stop,
)
from meeting_report.workflow import (  # noqa: E402
    ConfigError,
    claim_output_folder,
    code_inputs,
    document_config,
    output_roots,
    require_paths,
)


configfile: "config.yaml"


# `snakemake --report report.html`: the documents, summaries and checks with their provenance.
report: "report/workflow.rst"


validate(config, "schemas/config.schema.yaml")

RAW = config["raw_dir"]
NARRATIVE = config["narrative_dir"]
OUT = output_roots(config["edition"])
BUILD, RESULTS = OUT.build, OUT.results
DOCS = list(config["documents"])
SUMMARY = f"{RESULTS}/summary"
SUMMARY_FILES = {
    name: f"{SUMMARY}/{file}" for name, file in SURVEY_RESULT_FILES.items()
}
TEMPLATES_DIR = wf("templates")
ASSETS_DIR = wf("assets")
# The report pages, their base and their stylesheet; the documents read neither.
REPORT_TEMPLATES = {
    name: f"{TEMPLATES_DIR}/{name}.html.j2"
    for name in ("validation", "reconciliation", "changes", "overview", "_report")
}
REPORT_STYLESHEET = f"{ASSETS_DIR}/css/reports.css"
DOCUMENT_TEMPLATES = sorted(
    str(p)
    for p in Path(TEMPLATES_DIR).glob("*.html.j2")
    if str(p) not in REPORT_TEMPLATES.values()
)
ASSETS = sorted(str(p) for p in Path(ASSETS_DIR).rglob("*") if p.is_file())
DOCUMENT_ASSETS = [p for p in ASSETS if p != REPORT_STYLESHEET]
try:
    require_paths(
        config,
        folders=("raw_dir", "narrative_dir"),
        files=("schema", "reference"),
    )
    claim_output_folder(BUILD, {"raw_dir": RAW, "narrative_dir": NARRATIVE})
except ConfigError as error:
    sys.stderr.write(f"Configuration error: {error}\n")
    raise SystemExit(1)
# What each document reads (tables, narrative files, its outline), from its outline: an edit
# to one outline reruns only its document.
try:
    DOCUMENT_INPUTS = {doc: document_inputs(NARRATIVE, doc) for doc in DOCS}
except OutlineError as error:
    sys.stderr.write(f"Outline error: {error}\n")
    raise SystemExit(1)


def write_overview(status, message=None):
    """build/index.html, the page to open first, says how every run ended."""
    from meeting_report.overview import write_overview as write

    titles = {doc: inputs.kind for doc, inputs in DOCUMENT_INPUTS.items()}
    write(BUILD, RESULTS, DOCS, status, TEMPLATES_DIR, message, titles)


# Nothing is planned, let alone rendered, from invalid inputs: every problem is listed and
# the validation report rewritten (whatever the outcome) before Snakemake exits with status 1.
try:
    validate_or_stop(
        RAW,
        config["schema"],
        f"{BUILD}/validation.html",
        f"{BUILD}/validation.csv",
        manifest=f"{BUILD}/manifest.json",
        templates_dir=TEMPLATES_DIR,
    )
except SystemExit:
    write_overview("invalid")
    raise


def raw(name):
    return f"{RAW}/{name}.csv"


def reference_pages(reference):
    pages = Path(reference).with_name(f"{Path(reference).stem}.pages.yaml")
    return {"pages": str(pages)} if pages.is_file() else {}


def code(script):
    return code_inputs(wf("scripts", script), SCRIPTS_DIR)


def doc_tables(wildcards):
    return {name: raw(name) for name in DOCUMENT_INPUTS[wildcards.doc].tables}


def doc_narrative(wildcards):
    return DOCUMENT_INPUTS[wildcards.doc].narrative


def document_priority(wildcards):
    inputs = DOCUMENT_INPUTS[wildcards.doc]
    return 10 + min(9, (len(inputs.tables) + len(inputs.narrative)) // 5)


wildcard_constraints:
    doc="|".join(DOCS),


rule all:
    input:
        f"{BUILD}/validation.html",
        f"{BUILD}/reconciliation.html",
        expand(f"{BUILD}/html/{{doc}}.html", doc=DOCS),
        expand(f"{BUILD}/pdf/{{doc}}.pdf", doc=DOCS),


# Validation itself runs while this file is read (above), so this target only asks for it.
rule validate:
    input:
        f"{BUILD}/validation.html",


rule summaries:
    input:
        SUMMARY_FILES.values(),


rule compute_summaries:
    input:
        **{name: raw(name) for name in SURVEY_TABLES},
        code=code("compute_summaries.py"),
    output:
        **{
            name: report(
                path, caption="report/summaries.rst", category="Survey summaries"
            )
            for name, path in SUMMARY_FILES.items()
        },
    log:
        f"{BUILD}/logs/compute_summaries.log",
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
        # The published report's page map, beside the reference when it has one.
        **reference_pages(config["reference"]),
        reference=config["reference"],
        template=REPORT_TEMPLATES["reconciliation"],
        page=REPORT_TEMPLATES["_report"],
        stylesheet=REPORT_STYLESHEET,
        code=code("reconcile.py"),
    output:
        csv=f"{BUILD}/reconciliation.csv",
        html=report(
            f"{BUILD}/reconciliation.html",
            caption="report/reconciliation.rst",
            category="Checks",
        ),
    log:
        f"{BUILD}/logs/reconcile.log",
    conda:
        "envs/pipeline.yaml"
    params:
        mode=config["reconciliation"],
    script:
        "scripts/reconcile.py"


rule render_document:
    input:
        unpack(doc_tables),
        narrative=doc_narrative,
        # The published figures: each document's "About this edition" note.
        reference=config["reference"],
        templates=DOCUMENT_TEMPLATES,
        assets=DOCUMENT_ASSETS,
        code=code("render_document.py"),
    output:
        html=report(
            f"{BUILD}/html/{{doc}}.html",
            caption="report/document.rst",
            category="Documents",
            labels={"document": "{doc}", "format": "HTML"},
        ),
        pdf=report(
            f"{BUILD}/pdf/{{doc}}.pdf",
            caption="report/document.rst",
            category="Documents",
            labels={"document": "{doc}", "format": "PDF"},
        ),
        print_html=f"{RESULTS}/print/{{doc}}.html",
        sources=f"{RESULTS}/print/{{doc}}.sources.json",
    log:
        f"{BUILD}/logs/render_document_{{doc}}.log",
    # The documents are the critical path: schedule them before the reports, and the longest
    # first (the more tables and narrative files a document reads, the more it prints), so
    # that it is not left to start last on a cold build.
    priority: document_priority
    conda:
        "envs/pipeline.yaml"
    params:
        tables=lambda wc: list(DOCUMENT_INPUTS[wc.doc].tables),
        config=lambda wc: document_config(config, DOCUMENT_INPUTS[wc.doc].shows_survey),
        templates_dir=lambda wildcards, input: os.path.commonpath(input.templates),
        assets_dir=lambda wildcards, input: os.path.commonpath(input.assets),
        narrative_dir=NARRATIVE,
    script:
        "scripts/render_document.py"


# The redline and the build record are written by Snakemake itself once every job has
# succeeded, rather than by jobs: a last job after the documents would add half a second to
# every build. (Snakemake skips this when there is nothing to do, which keeps the redline.)
onsuccess:
    from meeting_report.manifest import write_build_manifest
    from meeting_report.redline import update_redline

    # First: the manifest records, and the overview shows, the redline. A failure to write
    # this report about the build must not lose the build record.
    try:
        redline = update_redline(
            BUILD, RESULTS, DOCS, RAW, REPORT_TEMPLATES["changes"]
        )
    except Exception as error:
        sys.stderr.write(f"build/changes.html could not be written: {error!r}\n")
    else:
        if redline:
            sys.stdout.write(redline)
    write_build_manifest(
        f"{BUILD}/manifest.json",
        inputs=[
            "config.yaml",
            config["schema"],
            config["reference"],
            *sorted(str(p) for p in Path(RAW).glob("*.csv")),
            *sorted(str(p) for p in Path(NARRATIVE).rglob("*") if p.is_file()),
            *sorted(str(p) for p in Path(TEMPLATES_DIR).glob("*.j2")),
            *ASSETS,
            *sorted(str(p) for p in Path(SCRIPTS_DIR).rglob("*.py")),
        ],
        outputs=[
            f"{BUILD}/validation.html",
            f"{BUILD}/validation.csv",
            f"{BUILD}/reconciliation.html",
            f"{BUILD}/reconciliation.csv",
            f"{BUILD}/changes.html",
            *SUMMARY_FILES.values(),
            *expand(f"{BUILD}/html/{{doc}}.html", doc=DOCS),
            *expand(f"{BUILD}/pdf/{{doc}}.pdf", doc=DOCS),
        ],
        config=config,
    )
    write_overview("built")


# A failed run leaves the last successful build's documents in place: say so, so that nobody
# takes them for what the current inputs give.
onerror:
    notice = stale_outputs_notice(f"{BUILD}/manifest.json")
    if notice:
        sys.stderr.write(notice + "\n")
    write_overview("failed", notice)
