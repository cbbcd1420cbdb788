"""The typed-figure check tells a figure the data gives from a number that is part of the prose.

A figure counts something (documents_spec.FIGURE_NOUNS): "92 delegates" types the delegate
count, "bridging two or more regions" does not type the number of regions, whatever the data
happen to hold. Issue 10: the same data without Europe (three regions, two REOs) failed the
build on Annex 1's and the Background Note's "two".
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from meeting_report.documents import TypedFiguresError, check_narrative, quoted_figures
from meeting_report.documents_spec import FIGURE_NOUNS
from meeting_report.narrative import Figure, check_no_typed_figures
from meeting_report.outline import load_outline, texts
from tests.conftest import CONTENT_DIR
from tests.real_documents import DOCS, make_data


def counts(**values: int | float) -> list[Figure]:
    """Figures by name, `delegates__total=92`, with the nouns of what each counts."""
    named = {name.replace("__", "."): value for name, value in values.items()}
    return [Figure(name, value, FIGURE_NOUNS[name]) for name, value in named.items()]


def found(text: str, figures: list[Figure]) -> list[tuple[str, str]]:
    return [(hit.text, hit.figure) for hit in check_no_typed_figures(text, figures)]


def test_typed_counts_are_caught():
    text = (
        "The meeting brought together 92 delegates, including 52 from 22 RCPs, IRFs and global "
        "processes on migration, and from five UN RCs and two REOs. It met in four regional "
        "breakout groups; twenty-seven entities (77% of those questioned) responded.\n"
    )
    figures = counts(
        delegates__total=92,
        delegates__iscm=52,
        delegates__iscm_entities=22,
        delegates__un_rc=5,
        delegates__reo=2,
        counts__regions=4,
        survey__responded=27,
        survey__response_rate=27 / 35,
    )
    assert found(text, figures) == [
        ("92", "delegates.total"),
        ("52", "delegates.iscm"),
        ("22", "delegates.iscm_entities"),
        ("five", "delegates.un_rc"),
        ("two", "delegates.reo"),
        ("four", "counts.regions"),
        ("twenty-seven", "survey.responded"),
        ("77%", "survey.response_rate"),
    ]
    # An approximate count is a count: "some 27 entities".
    assert found("Some 27 entities replied.", figures) == [("27", "survey.responded")]


@pytest.mark.parametrize(
    "text",
    [
        # Annex 1 and the Background Note, with three regions and two REOs in the data.
        "Interregional forums on migration (IRFs) are State-led dialogues, usually connecting "
        "two or more regions.",
        "ISCMs comprise of interregional forums on migration (IRFs, bridging two or more regions)"
        " and regional consultative processes on migration (RCPs, covering one region).",
        "The recommendations presented in the report fall into two main categories.",
        "Discussions resulted in cross-regional recommendations in two key areas:",
        "Regular and irregular migration need to be addressed together, as two sides of the same "
        "process.",
        "The survey results will be considered during GRCP 7 session 2, in at least two groups.",
        "GRCP 2 brought together delegates from the two regions at least two times.",
    ],
)
def test_prose_numbers_that_coincide_with_counts_are_not_figures(text):
    figures = counts(
        counts__regions=2,
        delegates__reo=2,
        delegates__total=2,
        counts__priorities=2,
        survey__status_counts__in_process=2,
    )
    hits = found(text, figures)
    # "from the two regions" is the one count here: the number of regions, typed.
    assert hits == ([("two", "counts.regions")] if "from the two regions" in text else [])


def test_a_prose_number_next_to_what_a_figure_counts_is_written_as_a_literal():
    figures = counts(counts__regions=2)
    assert found("A forum of two regions.", figures) == [("two", "counts.regions")]
    assert found('A forum of {{ "two" }} regions.', figures) == []


def test_no_number_of_the_narrative_is_taken_for_any_count():
    # Whatever an edition's figures are (1 to 119, every share), the GRCP 7 narrative types
    # none of them: each number of its prose is templated, marked, or no count.
    figures = [
        Figure(name, value, nouns)
        for name, nouns in FIGURE_NOUNS.items()
        if not name.endswith("rate")
        for value in range(1, 120)
    ]
    figures += [
        Figure("survey.response_rate", n / 100, FIGURE_NOUNS["survey.response_rate"])
        for n in range(1, 101)
    ]
    sources = [
        (path.read_text(encoding="utf-8"), str(path))
        for path in CONTENT_DIR.rglob("*.md")
        if path.name not in ("README.md", "PROVENANCE.md")
    ]
    sources += [
        (text, f"outline {doc}") for doc in DOCS for text in texts(load_outline(CONTENT_DIR, doc))
    ]
    assert [
        (where, hit.text, hit.figure)
        for text, where in sources
        for hit in check_no_typed_figures(text, figures)
    ] == []


def test_every_figure_a_document_quotes_says_what_it_counts():
    for doc in DOCS:
        for figure in quoted_figures(make_data(doc).values):
            assert figure.nouns, (doc, figure.name)


def test_the_data_without_europe_passes_the_check():
    # Three regions and two REOs (Europe's REO left with it): the numbers of Annex 1 and the
    # Background Note stay prose.
    values = copy.deepcopy(make_data("annexes").values)
    values["counts"]["regions"] = 3
    values["survey"]["responded_by_kind"]["reo"] = 2
    values.setdefault("delegates", {})["reo"] = 2
    files = [p for p in (CONTENT_DIR / "annexes").rglob("*.md")] + [CONTENT_DIR / "highlights.md"]
    check_narrative(files, quoted_figures(values))


def test_an_outline_that_types_a_figure_stops_the_build(tmp_path: Path):
    outlines = tmp_path / "outlines"
    outlines.mkdir()
    outline = outlines / "annexes.yaml"
    text = (CONTENT_DIR / "outlines" / "annexes.yaml").read_text(encoding="utf-8")
    outline.write_text(text.replace("{{ counts.themes|words }}", "six"), encoding="utf-8")
    with pytest.raises(TypedFiguresError, match=re.escape("'six' is a figure the data gives")):
        check_narrative([outline], counts(counts__themes=6))
    check_narrative([outline], counts(counts__themes=5))
