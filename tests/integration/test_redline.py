"""build/changes.html says, per document and section, what text an edit changed, in the
report's words, next to the survey-figure changes; a no-op build keeps it."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
import tinyhtml5

from tests.conftest import snakemake

pytestmark = pytest.mark.slow

Entries = dict[str, dict[str, list[tuple[str, ...]]]]


@pytest.fixture
def project(built_project, tmp_path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(built_project, copy, symlinks=True)
    return copy


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def redline(project: Path) -> tuple[Entries, list[str]]:
    """({document: {section's last heading: [(what, was…, now…)]}}, survey lines) as shown."""
    root = tinyhtml5.parse(
        (project / "build" / "changes.html").read_bytes(), namespace_html_elements=False
    )
    documents: Entries = {}
    survey: list[str] = []
    for section in root.find(".//main").findall("section"):
        heading = _text(section.find("h2"))
        if section.get("aria-labelledby") == "survey-figures":
            survey = [_text(li) for li in section.iter("li")]
            continue
        title = ""
        for child in section:
            if child.tag == "h3":
                title = _text(child).split(" › ")[-1]
            elif child.tag == "ul":
                for li in child.findall("li"):
                    spans = li.findall("span")  # what changed, then the text was / is now
                    entry = tuple(_text(span) for span in spans) if spans else (_text(li),)
                    documents.setdefault(heading, {}).setdefault(title, []).append(entry)
    return documents, survey


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    time.sleep(0.01)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_first_build_has_nothing_to_compare_with(built_project):
    text = (built_project / "build" / "changes.txt").read_text(encoding="utf-8")
    assert "no previous build of this edition to compare with" in text
    page = (built_project / "build" / "changes.html").read_text(encoding="utf-8")
    assert "no previous build of this edition to compare with" in page
    index = (built_project / "build" / "index.html").read_text(encoding="utf-8")
    assert 'href="changes.html"' in index


def test_a_participants_new_position_and_a_no_op_build(project):
    edit(
        project / "data/raw/participants.csv",
        "Counsellor (Economic issues, migration, health)",
        "Counsellor (Economic issues, migration and health)",
    )
    result = snakemake(project, "--cores", "2", check=True)
    row = "12. | Budapest Process | Mr Firat Bayar | Counsellor (Economic issues, migration"
    assert redline(project) == (
        {
            "Annexes": {
                "I. Participants from ISCMs": [
                    ("Table row changed", f"was {row}, health)", f"now {row} and health)")
                ]
            }
        },
        [],
    )
    text = (project / "build" / "changes.txt").read_text(encoding="utf-8")
    assert "no previous build" not in text
    assert "Summary Report: no change in the text" in text
    assert text in result.stdout  # printed at the end of the run, too

    # Nothing to do: the redline still says what the last edit changed.
    page = project / "build" / "changes.html"
    before = (page.read_bytes(), page.stat().st_mtime_ns)
    noop = snakemake(project, "--cores", "2", check=True)
    assert "Nothing to be done" in noop.stdout + noop.stderr
    assert (page.read_bytes(), page.stat().st_mtime_ns) == before


def test_a_narrative_sentence(project):
    edit(
        project / "content/summary_report/conclusions.md",
        "took place at a watershed moment",
        "took place at a decisive moment",
    )
    snakemake(project, "--cores", "2", check=True)
    sentence = (
        "The GRCP 7 meeting took place at a {} moment for international migration governance."
    )
    assert redline(project) == (
        {
            "Summary Report": {
                "Conclusions": [
                    (
                        "Sentence changed",
                        "was " + sentence.format("watershed"),
                        "now " + sentence.format("decisive"),
                    )
                ]
            }
        },
        [],
    )


def test_a_new_respondent(project):
    raw = project / "data/raw"
    time.sleep(0.01)
    with (raw / "survey_responses.csv").open("a", encoding="utf-8") as handle:
        handle.write("cmc,formulated\n")
    with (raw / "survey_elements.csv").open("a", encoding="utf-8") as handle:
        handle.write("cmc,i\ncmc,o\n")
    snakemake(project, "--cores", "2", check=True)
    documents, survey = redline(project)

    assert survey == [
        "Responding entities: 27 → 28",
        "Responding consultation mechanisms: 20 → 21",
        "Response rate: 82% → 85%",
        "New respondent: Caribbean Migration Consultations (CMC), which has formulated "
        "recommendations",
        "Entities that have formulated recommendations: 14 → 15",
        "Americas, theme 1: respondents 1 → 2",
        "Americas, theme 1: the effective protection of migrant rights (element “i”) is now "
        "recurrent",
        "Americas, theme 1: the inclusion of migrants in the host societies (element “o”) is now "
        "recurrent",
        "The effective protection of migrant rights (element “i”) is now recurrent in all four "
        "regions (was 3)",
        "The inclusion of migrants in the host societies (element “o”) is now recurrent in two "
        "regions (was 1)",
    ]
    assert "Highlights" not in documents
    assert set(documents["Summary Report"]) == {
        "1. Background to the GRCP 7 and the global compact for migration",
        "About this edition",
    }
    assert set(documents["Annexes"]) == {
        "GRCP 7 Survey Results Summary. Cross-Regional Recommendations",
        "Figures",
        "Appendix 2. GRCP 7 Survey results overview (Africa)",
        "Appendix 3. GRCP 7 Survey results overview (the Americas)",
        "Overview of feedback from the Americas",
        "I. Recommendations",
        "Appendix 4. GRCP 7 Survey results overview (Asia, Pacific and the Middle East)",
        "Appendix 5. GRCP 7 Survey results overview (Europe)",
        "About this edition",
    }
    rcm = "Regional Conference on Migration (Puebla Process) (RCM)"
    acp = (
        "African, Caribbean and Pacific Group of States (ACP) – European Union (EU) Dialogue on "
        "Migration (ACP–EU Migration Dialogue)"
    )
    igc = "Inter-Governmental Consultations on Migration, Asylum and Refugees (IGC)"
    others = "Southern Common Market (Mercosur) | UN Economic Commission for Latin America and"
    assert documents["Annexes"]["Overview of feedback from the Americas"] == [
        (
            "Sentence changed",
            "was As of 10 October 2017, five responded, including: one RCP, two IRFs and two "
            "Partner organizations:",
            "now As of 10 October 2017, six responded, including: two RCPs, two IRFs and two "
            "Partner organizations:",
        ),
        (
            "Table row changed",
            f"was {rcm} | {acp} | {others} the Caribbean (UNECLAC)",
            f"now Caribbean Migration Consultations (CMC) | {acp} | {others} the Caribbean "
            "(UNECLAC)",
        ),
        ("Table row changed", f"was | {igc} | |", f"now {rcm} | {igc} | |"),
        (
            "Sentence changed",
            "was No feedback has been received from: Caribbean Migration Consultations (CMC) and "
            "South American Conference on Migration (SACM).",
            "now No feedback has been received from: South American Conference on Migration "
            "(SACM).",
        ),
    ]
    assert documents["Annexes"]["Figures"][0] == (
        "Table row changed",
        "was Americas | 1 | 1 | 1 | 2 | 2 | 1",
        "now Americas | 2 | 1 | 1 | 2 | 2 | 1",
    )
    assert documents["Summary Report"][
        "1. Background to the GRCP 7 and the global compact for migration"
    ] == [
        (
            "Sentence changed",
            "was The level of response to the survey was high: 27 entities (82% of entities "
            "questioned) responded to the questionnaire, including one global process on "
            "migration, twelve RCPs and seven IRFs, as well as four UN RCs and three REOs.",
            "now The level of response to the survey was high: 28 entities (85% of entities "
            "questioned) responded to the questionnaire, including one global process on "
            "migration, thirteen RCPs and seven IRFs, as well as four UN RCs and three REOs.",
        )
    ]
