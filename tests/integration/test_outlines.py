"""Document structure is content: an outline edit, or another edition's data and outline,
changes the built documents with no code or template change.

- The main edition's Annexes outline edited (two annexes swapped, one removed, a Markdown annex
  added): only that document reruns, and its contents, bookmarks and body follow.
- A fixture edition: the real data without Europe (three regions, one of them with
  sub-regions) and what only Europe holds, with that edited outline, built by Snakemake.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pypdf
import pytest
import yaml

from tests.conftest import snakemake
from tests.integration.test_incremental import planned_documents, planned_jobs
from tests.integration.test_print_quality import contents_entries, outline

pytestmark = pytest.mark.slow

GLOSSARY = "# Glossary of the {{ meeting.short_title }} report\n\nA word and its meaning.\n"


def edit_annexes_outline(content: Path) -> None:
    """Swap the Highlights (Annex 3) and the Agenda (Annex 5), drop the Questionnaire (Annex 8)
    and its appendices, add a Markdown annex after the survey results."""
    path = content / "outlines" / "annexes.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    parts = data["parts"]
    parts[2], parts[4] = parts[4], parts[2]
    del parts[7]
    parts.append({"markdown": "annexes/glossary.md", "running_head": "Glossary"})
    (content / "annexes" / "glossary.md").write_text(GLOSSARY, encoding="utf-8")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def pdf_outline(path: Path) -> list[str]:
    return [entry["title"] for entry in outline(pypdf.PdfReader(path))]


def assert_contents_are_the_bookmarks(pdf_path: Path) -> list[tuple[str, int]]:
    import pdfplumber

    with pdfplumber.open(pdf_path) as pdf:
        entries = contents_entries(pdf)
    bookmarks = outline(pypdf.PdfReader(pdf_path))
    position = 0
    for title, page in entries:
        # (A title's closing full stop runs into the leader dots of the contents.)
        found = [
            i
            for i, b in enumerate(bookmarks)
            if i >= position and b["title"].rstrip(".") == title.rstrip(".")
        ]
        assert found, title
        position = found[0] + 1
        assert bookmarks[found[0]]["page"] + 1 == page, title
    return entries


@pytest.fixture
def project(built_project, tmp_path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(built_project, copy, symlinks=True)
    return copy


def test_an_outline_edit_reruns_its_document_and_changes_contents_bookmarks_and_body(project):
    before = pdf_outline(project / "build/pdf/annexes.pdf")
    edit_annexes_outline(project / "content")
    assert planned_documents(project) == {"annexes"}
    assert planned_jobs(project) == {"render_document": 1}
    snakemake(project, "--cores", "2", check=True)

    annexes = [t for t in before if t.startswith("Annex ")]
    after = [t for t in pdf_outline(project / "build/pdf/annexes.pdf") if t.startswith("Annex ")]
    names = [t.split(": ", 1)[1] for t in annexes]
    assert [t.split(": ", 1)[1] for t in after] == [
        names[0],
        names[1],
        names[4],  # the Agenda, where the Highlights were
        names[3],
        names[2],
        names[5],
        names[6],
        names[8],  # the Questionnaire is gone
        "Glossary of the GRCP 7 report",
    ]
    assert after == [
        f"Annex {n}: {name}" for n, name in enumerate([t.split(": ", 1)[1] for t in after], 1)
    ]
    entries = assert_contents_are_the_bookmarks(project / "build/pdf/annexes.pdf")
    assert entries[-1][0] == "Annex 9: Glossary of the GRCP 7 report"
    html = (project / "build/html/annexes.html").read_text(encoding="utf-8")
    assert "A word and its meaning." in html and "Questionnaire of the GRCP 7" not in html
    assert html.index("Annex 3:</span> GRCP 7 Agenda") < html.index(
        "Annex 5:</span> GRCP 7 Highlights"
    )
    # The page furniture follows: the new annex names the pages it opens.
    assert 'data-running="Annex 9: Glossary"' in html


# --------------------------------------------------------------------------- another edition

DROPPED_REGION = "europe"


def rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write(path: Path, fields: list[str], data: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(data)


def without_region(raw: Path, out: Path, region: str) -> None:
    """The data without `region` and whatever only it holds: its entities, their answers and
    notes, its good practices, the participants and focus areas of its entities."""
    shutil.copytree(raw, out)
    fields, regions = rows(out / "regions.csv")
    kept = [r for r in regions if r["region_id"] != region]
    # The breakout groups stay numbered 1 … n.
    for number, r in enumerate(sorted(kept, key=lambda r: int(r["breakout_group"])), 1):
        r["breakout_group"] = str(number)
    write(out / "regions.csv", fields, kept)
    fields, entities = rows(out / "entities.csv")
    dropped = set()
    for entity in entities:
        listed = [r for r in entity["regions"].split(";") if r]
        if region in listed:
            listed.remove(region)
            if not listed:
                dropped.add(entity["entity_id"])
            entity["regions"] = ";".join(listed)
    write(out / "entities.csv", fields, [e for e in entities if e["entity_id"] not in dropped])
    for name, column in (
        ("survey_responses", "entity_id"),
        ("survey_elements", "entity_id"),
        ("participants", "entity_id"),
        ("focus_areas", "entity_id"),
        ("entity_notes", "entity_id"),
        ("good_practices", "contributor_entity_id"),
    ):
        fields, table = rows(out / f"{name}.csv")
        table = [r for r in table if r[column] not in dropped]
        if "region_id" in fields:
            table = [r for r in table if r["region_id"] != region]
        write(out / f"{name}.csv", fields, table)


def test_an_edition_with_three_regions_and_other_annexes(project):
    edition = project / "editions" / "fixture"
    without_region(project / "data" / "raw", edition / "data", DROPPED_REGION)
    shutil.copytree(project / "content", edition / "content")
    edit_annexes_outline(edition / "content")
    # The published figures its narrative links to, none about a region.
    reference = yaml.safe_load((project / "data/reference/published_2017.yaml").read_text())
    reference["entries"] = [
        e for e in reference["entries"] if e["id"].startswith(("intro.", "s1."))
    ]
    (edition / "reference.yaml").write_text(yaml.safe_dump(reference, allow_unicode=True))
    result = snakemake(
        project,
        "--cores",
        "2",
        "--config",
        "edition=fixture",
        "raw_dir=editions/fixture/data",
        "narrative_dir=editions/fixture/content",
        "reference=editions/fixture/reference.yaml",
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    built = project / "build" / "editions" / "fixture"
    for doc in ("summary_report", "highlights", "annexes"):
        assert (built / "pdf" / f"{doc}.pdf").stat().st_size > 10_000, doc

    pdf = built / "pdf" / "annexes.pdf"
    entries = assert_contents_are_the_bookmarks(pdf)
    titles = [title for title, _ in entries]
    survey = next(t for t in titles if "Survey Results Summary" in t)
    assert survey.startswith("Annex 8: ") and survey.endswith(
        "for Africa, Americas and Asia, Pacific and the Middle East"
    )
    # One overview per region, numbered after the global processes' appendix.
    overviews = [t for t in titles if "Survey results overview" in t]
    assert overviews == [
        "Appendix 2. GRCP 7 Survey results overview (Africa)",
        "Appendix 3. GRCP 7 Survey results overview (the Americas)",
        "Appendix 4. GRCP 7 Survey results overview (Asia, Pacific and the Middle East)",
    ]
    assert titles[-1] == "Annex 9: Glossary of the GRCP 7 report"
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages))
    assert "Priorities for all three (breakout group) Regions:" in text
    assert "Europe" not in survey
    # The region with sub-regions still counts its respondents by sub-region.
    html = (built / "html" / "annexes.html").read_text(encoding="utf-8")
    assert "for the Middle East and North Africa" in html
    # The narrative counts the regions the data give.
    assert "arranged in three regional breakout groups" in html
