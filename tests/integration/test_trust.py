"""Builds you can trust: every output a current function of declared inputs, whatever is edited.

Each test works on its own copy of one finished build and asks Snakemake (dry run) what it
would rerun, or reruns it and reads what it wrote.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from modulefinder import ModuleFinder
from pathlib import Path

import pytest

from tests.conftest import ROOT, snakemake

pytestmark = pytest.mark.slow

PACKAGE = ROOT / "scripts" / "meeting_report"
# The rules that run a script, and the script each runs.
RULE_SCRIPTS = {
    "compute_summaries": "compute_summaries.py",
    "reconcile": "reconcile.py",
    "render_document": "render_document.py",
}


@pytest.fixture
def project(built_project, tmp_path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(built_project, copy, symlinks=True)
    return copy


def planned(project: Path, *args: str) -> dict[str, set[str]]:
    """{rule: {wildcard doc or ""}} of what Snakemake would run now."""
    out = snakemake(project, "--cores", "2", "--dry-run", *args, check=True).stdout
    jobs: dict[str, set[str]] = {}
    for block in re.split(r"\n(?=(?:local)?rule \w+:)", out):
        match = re.match(r"(?:local)?rule (\w+):", block.strip())
        if not match or match.group(1) == "all":
            continue
        doc = re.search(r"wildcards: doc=(\w+)", block)
        jobs.setdefault(match.group(1), set()).add(doc.group(1) if doc else "")
    return jobs


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    time.sleep(0.01)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --------------------------------------------------------------------------- config values


def test_a_config_value_reruns_the_documents_that_print_it(project):
    edit(project / "config.yaml", "  city: Geneva", "  city: Lausanne")
    assert planned(project) == {"render_document": {"summary_report", "highlights", "annexes"}}
    snakemake(project, "--cores", "2", check=True)
    for doc in ("summary_report", "highlights", "annexes"):
        html = (project / "build" / "html" / f"{doc}.html").read_text(encoding="utf-8")
        assert "Lausanne" in html, doc


def test_a_survey_date_reruns_only_the_documents_that_show_the_survey(project):
    edit(project / "config.yaml", "counted_on: 10 October 2017", "counted_on: 12 October 2017")
    assert planned(project) == {"render_document": {"summary_report", "annexes"}}
    snakemake(project, "--cores", "2", check=True)
    annexes = (project / "build" / "html" / "annexes.html").read_text(encoding="utf-8")
    assert "As of 12 October 2017" in annexes


def test_the_recurrence_rule_reruns_the_summaries_and_what_reads_them(project):
    edit(project / "config.yaml", "min_respondents: 2", "min_respondents: 3")
    assert planned(project) == {
        "compute_summaries": {""},
        "reconcile": {""},
        "render_document": {"summary_report", "annexes"},
    }


def test_the_build_date_reruns_every_document(project):
    edit(project / "config.yaml", 'build_date: "2017-12-01', 'build_date: "2017-12-02')
    assert planned(project) == {"render_document": {"summary_report", "highlights", "annexes"}}


# --------------------------------------------------------------------------- code inputs


def rules_importing(module: Path) -> set[str]:
    """The rules whose script loads `module`, by Python's own ModuleFinder (the oracle)."""
    name = "meeting_report." + module.stem if module.stem != "__init__" else "meeting_report"
    rules = set()
    for rule, script in RULE_SCRIPTS.items():
        finder = ModuleFinder(path=[str(ROOT / "scripts")])
        finder.run_script(str(ROOT / "scripts" / script))
        if name in finder.modules:
            rules.add(rule)
    return rules


# Jobs that read compute_summaries' results rerun when it does.
DOWNSTREAM = {"compute_summaries": {"reconcile"}}


def rules_naming(project: Path, path: str) -> tuple[set[str], set[str]]:
    """(rules planned because `path` changed, every rule planned) in a dry run."""
    out = snakemake(project, "--cores", "2", "--dry-run", check=True).stdout
    because, planned_rules = set(), set()
    for block in re.split(r"\n(?=(?:local)?rule \w+:)", out):
        match = re.match(r"(?:local)?rule (\w+):", block.strip())
        if not match or match.group(1) == "all":
            continue
        planned_rules.add(match.group(1))
        if path in block:
            because.add(match.group(1))
    return because, planned_rules


def test_editing_a_module_reruns_exactly_the_rules_that_import_it(project):
    modules = sorted(PACKAGE.glob("*.py"))
    assert len(modules) >= 15
    for module in modules:
        path = project / "scripts" / "meeting_report" / module.name
        original = path.read_bytes()
        path.write_bytes(original + b"\n# an edit\n")
        try:
            because, planned_rules = rules_naming(project, f"meeting_report/{module.name}")
        finally:
            path.write_bytes(original)
        expected = rules_importing(module)
        assert because == expected, module.name
        downstream = set().union(*(DOWNSTREAM.get(rule, set()) for rule in expected))
        assert planned_rules - expected <= downstream, module.name


def test_jobs_run_the_package_beside_the_snakefile(project):
    # The venv has the repository's own checkout installed; the copy's package must win.
    edit(
        project / "scripts" / "meeting_report" / "logs.py",
        '    return logging.getLogger("meeting_report")',
        '    logging.getLogger("meeting_report").info("package of the copy")\n'
        '    return logging.getLogger("meeting_report")',
    )
    snakemake(project, "--cores", "2", check=True)
    log = (project / "build" / "logs" / "render_document_highlights.log").read_text()
    assert "package of the copy" in log


def test_templates_and_assets_come_from_the_workflow_folder(project):
    edit(project / "templates" / "_cover.html.j2", "{{ cover.place }}", "{{ cover.place }}!")
    assert planned(project) == {"render_document": {"summary_report", "highlights", "annexes"}}


# --------------------------------------------------------------------------- folders


def test_narrative_dir_is_honoured(project):
    other = project / "content2"
    shutil.copytree(project / "content", other)
    edit(other / "highlights.md", "The ", "In the other narrative, the ")
    snakemake(
        project, "--cores", "2", "--config", "narrative_dir=content2", "edition=other", check=True
    )
    html = project / "build" / "editions" / "other" / "html" / "highlights.html"
    assert "In the other narrative" in html.read_text(encoding="utf-8")
    main = (project / "build" / "html" / "highlights.html").read_text(encoding="utf-8")
    assert "In the other narrative" not in main


def test_a_missing_configured_folder_is_a_clear_error(project):
    result = snakemake(project, "--cores", "1", "--config", "narrative_dir=nowhere")
    assert result.returncode == 1
    assert "config key 'narrative_dir': folder 'nowhere' does not exist" in result.stderr
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- editions


def test_a_second_edition_builds_into_its_own_folder(project):
    before = {p: p.read_bytes() for p in (project / "build").rglob("*") if p.is_file()} | {
        p: p.read_bytes() for p in (project / "results").rglob("*") if p.is_file()
    }
    edition = project / "editions" / "alt"
    shutil.copytree(project / "data" / "raw", edition)
    edit(edition / "participants.csv", "Counsellor", "First Counsellor")

    refused = snakemake(project, "--cores", "2", "--config", f"raw_dir={edition}")
    assert refused.returncode == 1
    assert "--config edition=NAME" in refused.stderr

    snakemake(project, "--cores", "2", "--config", f"raw_dir={edition}", "edition=alt", check=True)
    alt = project / "build" / "editions" / "alt"
    assert "First Counsellor" in (alt / "html" / "annexes.html").read_text(encoding="utf-8")
    assert "no previous build" in (alt / "changes.txt").read_text(encoding="utf-8")
    assert (project / "results" / "editions" / "alt" / "summary" / "survey_overview.json").is_file()
    # The main edition's outputs are untouched, byte for byte.
    for path, data in before.items():
        assert path.read_bytes() == data, path
    manifest = json.loads((alt / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["config"]["edition"] == "alt"


# --------------------------------------------------------------------------- failed runs


def test_a_failed_run_says_the_documents_are_from_the_last_good_build(project):
    path = project / "data" / "raw" / "participants.csv"
    original = path.read_bytes()
    stamp = path.stat()
    path.write_bytes(original.replace(b"Counsellor", b"Counsellor\x00", 1))
    failed = snakemake(project, "--cores", "2")
    assert failed.returncode == 1
    report = (project / "build" / "validation.html").read_text(encoding="utf-8")
    for text in (failed.stderr, report):
        assert "last successful build" in text
    # Restored with its old timestamp (cp -p): the report must say valid again.
    path.write_bytes(original)
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    snakemake(project, "--cores", "2", check=True)
    report = (project / "build" / "validation.html").read_text(encoding="utf-8")
    assert "last successful build" not in report
    assert "problem" not in report.lower() or "no problem" in report.lower()
