"""The example edition (editions/example/) builds from its data and narrative alone.

One build of a copy of the project with `--configfile editions/example/config.yaml`, shared by
the tests below: its six documents exist, their tables of contents list the headings of the
edition's outlines in order (an annex set GRCP 7 does not have, with a Markdown-only "Field
visit programme"), the contents' page numbers are the PDF bookmarks' pages, and the figures the
narrative writes as template expressions print the example data's values. The expected titles
and figures are typed from editions/example/content/outlines/*.yaml and
editions/example/README.md, not taken from the code under test.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pypdf
import pytest

from tests.conftest import ROOT, copy_project, snakemake
from tests.integration.test_documents import normalise, outline, pdf_text

pytestmark = pytest.mark.slow

DOCS = ("summary_report", "highlights", "annexes")
OUT = Path("build/editions/example")

# Entries of each table of contents, in order, as the outlines declare them.
SUMMARY_TOC = [
    "List of acronyms",
    "Introduction",
    "1. Background to the EGM 8",
    "2. Summary of proceedings",
    "3. Recommendations of the EGM 8",
    "3.1 Priorities for regional action",
    "3.2 Follow-up and implementation",
    "Conclusions",
]
ANNEXES_TOC = [
    "Annex 1: EGM 8 Participant List",
    "Annex 2: EGM 8 Agenda",
    "Annex 3: Field visit programme",
    "Annex 4: The four themes of the EGM 8 discussions",
    "Appendix 1. Elements of each theme",
    "Annex 5: EGM 8 Survey Results Summary",
    "Cross-regional recommendations",
    "Appendix 1. Good practices of the global processes (contributor: GFIM)",
    "Appendix 2. Survey results overview (the Northern Coast)",
    "Appendix 3. Survey results overview (the Central Plains)",
    "Appendix 4. Survey results overview (the Eastern Seas and Islands)",
    "Annex 6: EGM 8 Highlights",
]


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    """A copy of the project (with its editions) after one build of the example edition."""
    project = copy_project(tmp_path_factory.mktemp("example") / "project")
    if not (project / "editions").exists():
        shutil.copytree(
            ROOT / "editions", project / "editions", ignore=shutil.ignore_patterns("__pycache__")
        )
    snakemake(project, "--cores", "2", "--configfile", "editions/example/config.yaml", check=True)
    return project


def toc_entries(reader: pypdf.PdfReader) -> list[tuple[str, int]]:
    """The table of contents' entries ("Title ...... 12") as (title, page)."""
    text = " ".join(
        page.extract_text()
        for page in reader.pages[:4]
        if "table of contents" in page.extract_text().lower()
    )
    entries = re.findall(r"(.+?)\s*\.{3,}\s*(\d+)", text.replace("\n", " "))
    return [(normalise(t.replace("Table of contents", "")), int(n)) for t, n in entries]


def test_six_documents_exist(example):
    for doc in DOCS:
        assert (example / OUT / f"html/{doc}.html").stat().st_size > 10_000, doc
        reader = pypdf.PdfReader(example / OUT / f"pdf/{doc}.pdf")
        assert len(reader.pages) > 0, doc
        assert pdf_text(example / OUT / f"pdf/{doc}.pdf").strip(), doc


@pytest.mark.parametrize(
    ("doc", "expected"), [("summary_report", SUMMARY_TOC), ("annexes", ANNEXES_TOC)]
)
def test_contents_are_the_outline_in_order(example, doc, expected):
    reader = pypdf.PdfReader(example / OUT / f"pdf/{doc}.pdf")
    assert [title for title, _ in toc_entries(reader)] == [normalise(t) for t in expected]
    html = (example / OUT / f"html/{doc}.html").read_text(encoding="utf-8")
    for title in expected:
        assert title.split(" ", 1)[-1] in html, title


@pytest.mark.parametrize("doc", ["summary_report", "annexes"])
def test_contents_page_numbers_are_the_bookmarks_pages(example, doc):
    reader = pypdf.PdfReader(example / OUT / f"pdf/{doc}.pdf")
    bookmarks = [(normalise(title), page) for title, _, page in outline(reader)]
    position = 0
    for title, number in toc_entries(reader):
        # Titles may repeat (each annex has its "Appendix 1."): match in document order.
        found = [i for i, (name, _) in enumerate(bookmarks) if i >= position and name == title]
        assert found, title
        position = found[0] + 1
        assert number == bookmarks[found[0]][1], title


def test_the_markdown_only_annex_is_printed(example):
    text = normalise(pdf_text(example / OUT / "pdf/annexes.pdf"))
    assert "annex 3: field visit programme" in text
    assert "visit of the harbour's welcome centre for migrant workers" in text


def test_computed_figures_are_the_example_data(example):
    summary = normalise(pdf_text(example / OUT / "pdf/summary_report.pdf"))
    annexes = normalise(pdf_text(example / OUT / "pdf/annexes.pdf"))
    highlights = normalise(pdf_text(example / OUT / "pdf/highlights.pdf"))
    # 12 of the 14 surveyed entities responded (86 %), three regions, four themes, 14 elements,
    # 26 participants of whom 13 from 9 ISCMs (editions/example/README.md).
    assert "12 responded, a response rate of 86%" in summary
    assert "four themes and 14 elements, across three regions" in summary
    assert "26 participants, including 13 representatives of 9 inter-state" in summary
    assert "three recommendations on follow-up" in summary
    assert "twelve entities responded, a response rate of 86%" in annexes
    assert "across three regions" in annexes
    assert "out of 12 contributing entities, only 8 have formulated" in annexes
    assert "priorities for all three regions" in annexes
    assert "valmora" in highlights and "the northern coast" in highlights
    for text in (summary, annexes, highlights):
        # Nothing of GRCP 7 (the publisher's address in Geneva is the edition's own imprint).
        assert "grcp" not in text and "2017" not in text


def test_main_edition_outputs_are_untouched(example):
    """The example build writes only under its edition's folders, and changes no source."""
    for top in ("build", "results"):
        for path in (example / top).rglob("*"):
            if path.is_file():
                relative = path.relative_to(example / top).parts
                assert relative[:2] == ("editions", "example"), path
    for item in ("content", "data", "config.yaml"):
        source, copy = ROOT / item, example / item
        files = [p for p in source.rglob("*") if p.is_file()] if source.is_dir() else [source]
        for path in files:
            if "__pycache__" in path.parts:
                continue
            assert (
                copy / path.relative_to(source) if source.is_dir() else copy
            ).read_bytes() == path.read_bytes(), path
