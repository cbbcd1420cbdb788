"""The six documents built from the real data, checked against the published report.

One full build of a copy of the project is shared by the read-only tests; tests that edit
inputs or compare two builds make their own copies.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pypdf
import pytest

from tests.conftest import copy_project, snakemake

pytestmark = pytest.mark.slow
DOCS = ("summary_report", "highlights", "annexes")


def normalise(text: str) -> str:
    """Text as extracted from a PDF, compared loosely: hyphenation joins, one space, one case."""
    text = re.sub(r"[\u2010\u00ad]\s*", "", text)  # WeasyPrint's hyphenation breaks
    text = text.replace("\u2019", "'").replace("…", "...")
    return re.sub(r"\s+", " ", text).strip().lower()


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


@pytest.fixture
def built(built_project) -> Path:
    return built_project


def seed_toc_titles(seed_text: str) -> list[str]:
    """Headings of the published table of contents, without its leaders and page numbers."""
    block = seed_text.split("Table of contents", 1)[1].split("List of acronyms\n", 1)[0]
    titles = []
    for line in block.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[1].isdigit():
            title = re.sub(r"\.{3,}$", "", cells[0]).strip()
            titles.append(re.sub(r"^4\.\d ", "", title))
    return [t for t in titles if t != "Annexes"]


def test_all_six_documents_exist(built):
    for doc in DOCS:
        assert (built / f"build/html/{doc}.html").stat().st_size > 10_000
        assert pdf_text(built / f"build/pdf/{doc}.pdf").strip()


def test_every_heading_of_the_published_contents(built, seed_text):
    summary = normalise(pdf_text(built / "build/pdf/summary_report.pdf"))
    annexes = normalise(pdf_text(built / "build/pdf/annexes.pdf"))
    titles = seed_toc_titles(seed_text)
    assert len(titles) == 18
    for title in titles:
        wanted = normalise(title)
        if wanted.startswith("annex 9"):
            # The regions are listed from regions.csv, in its order.
            wanted = wanted.split(" for americas")[0]
        haystack = annexes if wanted.startswith("annex") else summary
        assert wanted in haystack, title


def outline(reader: pypdf.PdfReader) -> list[tuple[str, int, int]]:
    items: list[tuple[str, int, int]] = []

    def walk(nodes, depth):
        for node in nodes:
            if isinstance(node, list):
                walk(node, depth + 1)
            else:
                items.append((node.title, depth, reader.get_destination_page_number(node) + 1))

    walk(reader.outline, 0)
    return items


@pytest.mark.parametrize("doc", ["summary_report", "annexes"])
def test_contents_page_numbers_are_the_pages_of_the_headings(built, doc):
    reader = pypdf.PdfReader(built / f"build/pdf/{doc}.pdf")
    toc_text = " ".join(
        page.extract_text()
        for page in reader.pages[:4]
        if "table of contents" in page.extract_text().lower()
    )
    # "Title ........ 12": the leader separates each entry from its page number.
    entries = re.findall(r"(.+?)\s*\.{3,}\s*(\d+)", toc_text.replace("\n", " "))
    bookmarks = [(normalise(title), page) for title, _, page in outline(reader)]
    assert len(entries) >= 9
    position = 0
    for title, number in entries:
        title = normalise(title.replace("Table of contents", ""))
        # Titles repeat (each annex has an "Appendix I"): match in document order.
        found = [i for i, (name, _) in enumerate(bookmarks) if i >= position and name == title]
        assert found, title
        position = found[0] + 1
        assert int(number) == bookmarks[found[0]][1], title


def test_bookmarks_and_metadata(built, seed_text):
    reader = pypdf.PdfReader(built / "build/pdf/summary_report.pdf")
    titles = [t for t, _, _ in outline(reader)]
    assert "1. Background to the GRCP 7 and the global compact for migration" in titles
    meta = reader.metadata
    assert meta["/Title"] and meta["/Author"] and meta["/Keywords"] and meta["/Subject"]
    assert "build " in meta["/Creator"]
    assert reader.trailer["/Root"]["/Lang"] == "en"
    fonts = {
        str(font["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert fonts and all(f.startswith("Noto") for f in fonts), fonts


def test_annex9_is_generated_from_the_survey(built):
    text = normalise(pdf_text(built / "build/pdf/annexes.pdf"))
    # Figures of the 2017 regional overviews, typed here from the source (Annex 9).
    for phrase in [
        "twelve entities covering africa were requested",
        "global compact theme 3: seven respondents",
        # (5+5 Dialogue and ACP–EU carry footnotes 57 and 58 here: their calls are in the text.)
        "seven respondents (5+5 dialogue;",
        "igad-rcp; midcas; midsa; midwa; and pafom) had formulated concrete recommendations",
        "no feedback has been received from: caribbean migration consultations (cmc) and south "
        "american conference on migration (sacm)",
        "only the acp–eu migration dialogue and the budapest process have formulated "
        "recommendations on each of the six themes",
        "recurrent recommendations refer to the effective protection of migrant rights; the "
        "inclusion of migrants in the host societies; and combating racism",
        "only 14 have formulated recommendations",
    ]:
        assert normalise(phrase) in text, phrase


def test_provenance_and_sources_are_embedded(built):
    reader = pypdf.PdfReader(built / "build/pdf/annexes.pdf")
    names = set(reader.attachments)
    assert {"sources.json", "participants.csv", "survey_responses.csv"} <= names
    embedded = reader.attachments["participants.csv"][0]
    assert embedded == (built / "data/raw/participants.csv").read_bytes()
    manifest = (built / "build/manifest.json").read_text()
    assert '"build/pdf/annexes.pdf"' in manifest and '"data/raw/participants.csv"' in manifest


def test_two_clean_builds_are_byte_identical(built, tmp_path):
    again = copy_project(tmp_path / "again")
    snakemake(again, "--cores", "2", check=True)
    for doc in DOCS:
        for path in (f"build/pdf/{doc}.pdf", f"build/html/{doc}.html"):
            assert (again / path).read_bytes() == (built / path).read_bytes(), path
    assert (again / "build/manifest.json").read_bytes() == (
        built / "build/manifest.json"
    ).read_bytes()


HOSTILE = {
    "name": "<script>alert('x')</script>",
    "position": '<link rel="attachment" href="/etc/passwd">',
    "organization": '[click me](/etc/passwd) <img src="/etc/passwd"> **bold**',
}


def test_hostile_text_renders_inert_and_embeds_nothing(tmp_path):
    project = copy_project(tmp_path / "hostile")
    path = project / "data/raw/participants.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0].update(HOSTILE)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    snakemake(
        project, "--cores", "2", "build/pdf/annexes.pdf", "build/html/annexes.html", check=True
    )
    page = (project / "build/html/annexes.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(" in page and "<script>alert(" not in page
    assert '<link rel="attachment"' not in page and '<img src="/etc/passwd"' not in page
    assert 'href="/etc/passwd"' not in page
    reader = pypdf.PdfReader(project / "build/pdf/annexes.pdf")
    assert "root:" not in b"".join(
        data for files in reader.attachments.values() for data in files
    ).decode("utf-8", "replace")
    text = pdf_text(project / "build/pdf/annexes.pdf")
    assert "<script>alert('x')</script>" in text.replace("\n", "")
    for page_ in reader.pages:
        for annot in page_.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action and "/URI" in action:
                assert str(action["/URI"]).startswith(("http://", "https://", "mailto:"))


def test_one_more_respondent_changes_annex9_text_chart_and_change_report(built, tmp_path):
    project = tmp_path / "edited"
    shutil.copytree(built, project, symlinks=True)
    raw = project / "data/raw"
    with (raw / "survey_responses.csv").open("a", encoding="utf-8") as handle:
        handle.write("cmc,formulated\n")
    with (raw / "survey_elements.csv").open("a", encoding="utf-8") as handle:
        handle.write("cmc,i\ncmc,o\n")
    before_svg = (built / "build/html/annexes.html").read_text(encoding="utf-8")

    dry = snakemake(project, "--cores", "2", "-n", check=True).stdout
    assert "render_document" in dry and "compute_summaries" in dry

    snakemake(project, "--cores", "2", check=True)
    text = normalise(pdf_text(project / "build/pdf/annexes.pdf"))
    americas = text.split("survey results overview (the americas)")[-1]
    assert "global compact theme 1: two respondents" in americas
    assert "no feedback has been received from: south american conference on migration" in (
        americas
    )
    # Element (i) is now recurrent in all four regions: it joins the first tier.
    first_tier = text.split("priorities for all four (breakout group) regions:")[1]
    first_tier = first_tier.split("priorities for three out of four")[0]
    assert "(element “i”)" in first_tier
    after = (project / "build/html/annexes.html").read_text(encoding="utf-8")
    assert after != before_svg
    changes = (project / "build/changes.txt").read_text(encoding="utf-8")
    assert "Americas, theme 1: respondents 1 → 2" in changes
    assert (
        "Americas, theme 1: the effective protection of migrant rights (element “i”) is now "
        "recurrent" in changes
    )


def test_questionnaire_is_laid_out_as_a_form(built):
    page = (built / "build/html/annexes.html").read_text(encoding="utf-8")
    annex8 = page.split('id="annex-8"', 1)[1].split('id="annex-9"', 1)[0]
    assert "Submitted by:" in annex8 and "{&#39;label&#39;" not in annex8
    assert annex8.count('class="checkbox"') >= 6  # three Yes / No questions


def test_tagged_pdf_figures_have_alt_text_and_text_as_text(built):
    reader = pypdf.PdfReader(built / "build/pdf/annexes.pdf")
    figures = []

    def walk(node):
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if node.get("/S") == "/Figure":
                figures.append(node.get("/Alt"))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    assert len(figures) == 2 and all(alt and len(str(alt)) > 40 for alt in figures)
    # The charts' labels are text in the PDF, not pixels.
    text = normalise(pdf_text(built / "build/pdf/annexes.pdf"))
    assert "(i) the effective protection of migrant rights" in text
