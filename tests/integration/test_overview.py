"""build/index.html, the page to open first: every link leads to a file, and it says how the
last run ended (built, invalid inputs, or a failed step)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.conftest import snakemake

pytestmark = pytest.mark.slow


def links(page: Path) -> list[str]:
    return re.findall(r'href="([^"#]+)"', page.read_text(encoding="utf-8"))


def test_every_link_of_the_overview_resolves(built_project):
    page = built_project / "build" / "index.html"
    text = page.read_text(encoding="utf-8")
    assert "Every document was built from the current inputs" in text
    hrefs = links(page)
    for target in (
        "html/annexes.html",
        "pdf/summary_report.pdf",
        "validation.html",
        "reconciliation.html",
        "changes.html",
        "manifest.json",
        "../results/summary/survey_overview.json",
    ):
        assert target in hrefs, target
    for href in hrefs:
        assert (page.parent / unquote(href)).is_file(), href
    # Pages and sizes come from the PDFs themselves.
    annexes_row = r'<th scope="row">Annexes</th>.*?<td class="number">\d{2}</td>'
    assert re.search(annexes_row, text, re.S)


@pytest.fixture
def project(built_project, tmp_path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(built_project, copy, symlinks=True)
    return copy


def test_the_overview_says_when_inputs_are_invalid(project):
    path = project / "data" / "raw" / "regions.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("africa,", "afrika,", 1))
    assert snakemake(project, "--cores", "1").returncode == 1
    text = (project / "build" / "index.html").read_text(encoding="utf-8")
    assert "The inputs are invalid, so nothing was built" in text
    assert 'href="validation.html"' in text


def test_the_overview_says_when_a_step_failed(project):
    path = project / "content" / "highlights.md"
    path.write_text(
        path.read_text(encoding="utf-8") + "{{ meeting.__class__ }}\n", encoding="utf-8"
    )
    assert snakemake(project, "--cores", "1").returncode != 0
    text = (project / "build" / "index.html").read_text(encoding="utf-8")
    assert "The last run failed" in text
    assert "from the last successful build" in text


def test_snakemakes_own_report_lists_the_documents_and_summaries(project):
    result = snakemake(project, "--report", "report.html")
    assert result.returncode == 0, result.stderr
    page = (project / "report.html").read_text(encoding="utf-8")
    for text in ("Documents", "Survey summaries", "Checks", "annexes.pdf", "cross_regional.csv"):
        assert text in page, text
