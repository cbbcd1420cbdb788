"""Faults an author meets: a build killed mid-render, and several documents failing at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pypdf
import pytest

from tests.conftest import copy_project, snakemake

pytestmark = pytest.mark.slow


def test_killed_build_leaves_no_partial_pdf_and_the_next_run_completes(tmp_path):
    project = copy_project(tmp_path / "project")
    env = {**os.environ, "PYTHONPATH": str(project / "scripts")}
    cmd = [
        sys.executable,
        "-m",
        "snakemake",
        "--cores",
        "2",
        "--configfile",
        str(project / "config.yaml"),
    ]
    run = subprocess.Popen(
        cmd,
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    # Kill the whole run while the Annexes are being laid out (their job takes seconds).
    deadline = time.monotonic() + 60
    annexes = project / "build" / "html" / "annexes.html"
    while not annexes.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert annexes.exists(), "the Annexes never started rendering"
    time.sleep(0.5)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()

    pdfs = project / "build" / "pdf"
    assert not (pdfs / "annexes.pdf").exists()
    assert not [p.name for p in pdfs.glob(".*.tmp")] if pdfs.exists() else True
    for pdf in pdfs.glob("*.pdf") if pdfs.exists() else []:
        pypdf.PdfReader(pdf)  # whatever is there is a complete PDF

    snakemake(project, "--unlock", check=True)
    snakemake(project, "--cores", "2", "--rerun-incomplete", check=True)
    assert len(pypdf.PdfReader(pdfs / "annexes.pdf").pages) > 40


def test_two_failing_documents_are_both_reported(tmp_path):
    project = copy_project(tmp_path / "project")
    # A typed figure in one narrative file of each of two documents.
    for name in ("content/summary_report/conclusions.md", "content/annexes/annex1_definitions.md"):
        path = Path(project / name)
        path.write_text(
            path.read_text(encoding="utf-8") + "\nSome 27 entities replied.\n", encoding="utf-8"
        )
    result = snakemake(project, "--cores", "1")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "content/summary_report/conclusions.md" in output
    assert "content/annexes/annex1_definitions.md" in output
    assert "'27' is a figure the data gives" in output
    # The third document was unaffected and still built.
    assert (project / "build" / "pdf" / "highlights.pdf").exists()
    assert not (project / "build" / "pdf" / "annexes.pdf").exists()
    assert not (project / "build" / "pdf" / "summary_report.pdf").exists()
