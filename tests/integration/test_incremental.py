"""Exactly the right jobs rerun after each kind of edit, and none when nothing changed."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest

from tests.conftest import snakemake

pytestmark = pytest.mark.slow


@pytest.fixture
def project(built_project, tmp_path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(built_project, copy, symlinks=True)
    return copy


def planned_jobs(project: Path) -> dict[str, int]:
    """{rule: count} of what `snakemake` would run now (from the dry run's job table)."""
    out = snakemake(project, "--cores", "2", "--dry-run", check=True).stdout
    if "Nothing to be done" in out:
        return {}
    table = out.split("Job stats:", 1)[1].split("\n\n", 1)[0]
    jobs = dict(re.findall(r"^(\w+)\s+(\d+)$", table, flags=re.MULTILINE))
    jobs.pop("total", None)
    jobs.pop("all", None)
    return {rule: int(count) for rule, count in jobs.items()}


def planned_documents(project: Path) -> set[str]:
    out = snakemake(project, "--cores", "2", "--dry-run", check=True).stdout
    return set(re.findall(r"wildcards: doc=(\w+)", out))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    # A later mtime, as an editor would leave it.
    time.sleep(0.01)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_nothing_changed_runs_nothing(project):
    assert planned_jobs(project) == {}


def test_identical_resave_runs_nothing(project):
    for path in (project / "data/raw/participants.csv", project / "content/highlights.md"):
        path.write_bytes(path.read_bytes())
        os.utime(path, None)
    assert planned_jobs(project) == {}


def test_participants_edit_rebuilds_the_documents_that_print_them(project):
    edit(
        project / "data/raw/participants.csv",
        "Counsellor (Economic issues, migration, health)",
        "Counsellor (Economic issues, migration and health)",
    )
    # The annexes print the list; the Summary Report quotes delegate counts from it.
    assert planned_documents(project) == {"annexes", "summary_report"}
    jobs = planned_jobs(project)
    # Validation runs while the Snakefile is read, never as a job.
    assert jobs == {
        "render_document": 2,
        "reconcile": 1,
    }


def test_one_narrative_file_rebuilds_only_its_document(project):
    edit(project / "content/annexes/annex1_definitions.md", "State-led", "State‑led")
    assert planned_documents(project) == {"annexes"}
    assert planned_jobs(project) == {"render_document": 1}


def test_survey_elements_edit_reruns_summaries_and_the_documents_showing_them(project):
    path = project / "data/raw/survey_elements.csv"
    path.write_text(path.read_text(encoding="utf-8") + "rcm,i\n", encoding="utf-8")
    assert planned_documents(project) == {"annexes", "summary_report"}
    assert planned_jobs(project) == {
        "compute_summaries": 1,
        "reconcile": 1,
        "render_document": 2,
    }
