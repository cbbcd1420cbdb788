"""Annex 9's sentences from data: the wording engine, the sentence builders, the notes.

Tiny inline tables; the wording is written here, so each test says what a pattern produces.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from meeting_report.context import (
    EntityNotes,
    SurveyFacts,
    absent_themes_sentence,
    entity_items,
    feedback_sentence,
    recurrent_themes_sentence,
    response_rate_sentence,
    status_paragraphs,
    theme_findings,
    themes_with_elements,
)
from meeting_report.summaries import RecurrenceRule, compute_all
from meeting_report.validation import load_descriptor, validate_directory
from meeting_report.wording import (
    Counted,
    Wording,
    WordingError,
    clauses,
    fill,
    item,
    join_items,
    plain,
)

ROOT = Path(__file__).resolve().parents[2]


def shown(runs: list[dict[str, str]]) -> str:
    """Runs as text, each note as [note] where it is called."""
    return "".join(r["text"] + (f"[{r['note']}]" if r.get("note") else "") for r in runs)


# --- the wording engine -----------------------------------------------------------------------


def test_numbers_as_words_capitalized_or_digits():
    runs = fill("{n:Words} of {n}, {n:digits}.", {"n": 12})
    assert plain(runs) == "Twelve of twelve, 12."


@pytest.mark.parametrize(
    ("fmt", "two", "three"),
    [
        ("semi", "A and B", "A; B; and C"),
        ("semi_and", "A; and B", "A; B; and C"),
        ("semi_no_and", "A; B", "A; B; C"),
        ("and", "A and B", "A, B and C"),
        ("the_and", "the A and the B", "the A, the B and the C"),
        ("quoted_and", "“A” and “B”", "“A”, “B” and “C”"),
    ],
)
def test_list_formats(fmt, two, three):
    assert plain(join_items([item("A"), item("B")], fmt)) == two
    assert plain(join_items([item("A"), item("B"), item("C")], fmt)) == three


def test_an_and_inside_an_item_brings_a_serial_comma():
    regions = [item("Africa"), item("Asia, Pacific and the Middle East"), item("Europe")]
    assert (
        plain(join_items(regions, "and")) == "Africa, Asia, Pacific and the Middle East, and Europe"
    )


def test_a_note_is_called_after_the_semicolon_that_follows_its_name():
    names = [item("5+5 Dialogue", "n57"), item("IGAD-RCP"), item("PAFoM", "n")]
    assert shown(join_items(names, "semi_and")) == "5+5 Dialogue;[n57] IGAD-RCP; and PAFoM[n]"
    assert shown(join_items([item("A", "x"), item("B")], "and")) == "A[x] and B"


def test_counted_labels_agree_with_their_number():
    kinds = [Counted(5, "RCP", "RCPs"), Counted(1, "IRF", "IRFs", "note")]
    assert shown(fill("{k:digits}:", {"k": kinds})) == "5 RCPs and 1 IRF[note]:"
    assert plain(fill("{k}", {"k": kinds})) == "five RCPs and one IRF"


def test_numbers_in_a_row_become_a_range():
    assert plain(fill("themes {n}", {"n": [6, 1, 2, 3]})) == "themes 1–3 and 6"
    assert plain(fill("themes {n}", {"n": [1, 2, 4]})) == "themes 1, 2 and 4"


def test_text_slots_and_lower_first():
    assert (
        plain(fill("on {t:lower_first}.", {"t": "Irregular migration"}))
        == "on irregular migration."
    )


def test_a_missing_slot_or_an_unknown_format_is_an_error_naming_the_pattern():
    with pytest.raises(WordingError, match=r"names \{count\}"):
        fill("{count} entities", {"names": []})
    with pytest.raises(WordingError, match="unknown list format"):
        fill("{names:commas}", {"names": [item("A")]})
    # Attribute access is not a slot: the text stays as typed.
    assert plain(fill("{x.__class__}", {"x": 1})) == "{x.__class__}"


def test_wording_levels_cases_and_merged_names():
    region = {"all_themes": {"one": "Only {names} did."}, "entity_names": {"add": "Abu Dhabi"}}
    default = {"all_themes": {"one": "x", "other": "Only {names:and} did."}, "entity_names": {}}
    w = Wording({}, region, default)
    assert plain(w.say("all_themes", {"names": [item("A")]}, "one")) == "Only A did."
    assert plain(w.say("all_themes", {"names": [item("A"), item("B")]}, "other")) == (
        "Only A and B did."
    )
    assert w.say("absent", {}) == []
    assert w.names("entity_names") == {"add": "Abu Dhabi"}
    with pytest.raises(WordingError, match="has cases"):
        w.get("all_themes")


def test_clauses_join_with_a_space_unless_punctuation_and_end_with_a_full_stop():
    first, second = fill("A had", {}), fill(", whereas B had not", {})
    assert plain(clauses(first, second)) == "A had, whereas B had not."
    assert plain(clauses(fill("A had.", {}), fill("B too.", {}))) == "A had. B too."
    assert clauses() == []


# --- the sentence builders on a small survey ---------------------------------------------------


def frame(columns: str, *rows: str) -> pd.DataFrame:
    return pd.DataFrame([r.split("|") for r in rows], columns=columns.split(",")).astype(str)


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    return {
        "regions": frame(
            "region_id,name,short_name,breakout_group",
            "south|the South|South|1",
            "east|East|East|2",
        ),
        "subregions": frame(
            "subregion_id,region_id,name,short_name",
            "coast|east|the Coast and Islands|the Coast",
            "hills|east|the Hills|the Hills",
        ),
        "themes": frame(
            "theme_id,number,name,short_name", "T1|1|Rights of all|rights", "T2|2|Work|work"
        ),
        "elements": frame(
            "element_id,theme_id,display_order,overview_order,text,summary_text,phrase",
            "a|T1|1|2|A.|A|the a",
            "b|T1|2|1|B.|B|the b",
            "c|T2|3|3|C.|C|the c",
        ),
        "entities": frame(
            "entity_id,name,short_name,kind,regions,subregions,surveyed",
            "all|All Forum|All Forum|irf|south;east|coast|true",
            "p1|Process One|P1|rcp|south||true",
            "p2|Process Two|P2|rcp|south||true",
            "p3|Process Three|P3|rcp|east|hills;coast|true",
            "p4|Process Four|P4|rcp|east|hills|true",
            "u1|UN Commission|UNC|un_rc|south||true",
            "x1|Silent Process|SP|rcp|east|coast|true",
        ),
        "survey_responses": frame(
            "entity_id,status",
            "all|formulated",
            "p1|formulated",
            "p2|formulated",
            "p3|formulated",
            "p4|unable_to_share",
            "u1|in_process",
        ),
        "survey_elements": frame(
            "entity_id,element_id", "all|a", "all|b", "all|c", "p1|a", "p2|a", "p2|b", "p3|c"
        ),
        "entity_notes": frame(
            "entity_id,region_id,place,note",
            "all|south|recommendations|covers everything",
            "p4|east|respondents|asked again",
        ),
    }


WORDING: dict[str, Any] = {
    "cross_regional": {
        "response_rate": {"split": "Most: {most:and}; part: {least:and}.", "all": "All."},
        "region_names": {"east": "the East"},
        "partial_region": "In {region}, only {count:words} themes",
        "recurrent_themes": {
            "all": "All {themes} everywhere.",
            "some": "{partial}, elsewhere all {themes}.",
            "none": "{partial}.",
        },
    },
    "default": {
        "kind_labels": {
            "rcp": ["RCP", "RCPs"],
            "irf": ["IRF", "IRFs"],
            "partner": ["Partner", "Partners"],
        },
        # The IRFs' count calls the footnote of this key (per region) of the footnotes file.
        "kind_notes": {"irf": "annex9_region_irfs"},
        "feedback": {
            "some": "{invited:Words} asked in {requested}; {responded} answered: {kinds}.",
            "all": "All {invited} answered: {kinds}.",
        },
        "formulated": {"one": "{names} had.", "other": "{count:Words} ({names:semi_and}) had."},
        "not_formulated": {"one": "{names} had not.", "other": "{names:and} had not."},
        "absent_themes": {
            "one": "None on {theme:lower_first}.",
            "other": "None on {themes:semi_and} ({numbers}).",
        },
        "theme_label": "Theme {number:digits}:",
        "theme_count": {"one": "{count} respondent.", "other": "{count} respondents."},
        "theme_name": "{name}.",
        "recurrent": "Refer to {elements:semi_and}.",
    },
    "regions": {
        "east": {
            "feedback": {
                "some": "{responded} answered – {subregions}. They are {kinds}.",
            },
            "subregion_respondents": "{count:words} for {subregion} ({names})",
            "formulated": {"other": "In {subregion}, {names:the_and} had"},
            "not_formulated": {"one": ", whereas {names} had not."},
            "subregions": {"hills": {"formulated": {"one": "In {subregion}, {names} alone had"}}},
            "element_phrases": {"c": "the c, worded for the East"},
            "themes": {"T2": {"recurrent": "All refer to {elements}."}},
        }
    },
}
FOOTNOTES = {"annex9_region_irfs": {"south": "IRFs count in each region."}}


@pytest.fixture
def facts(tables) -> SurveyFacts:
    overview = compute_all(tables, RecurrenceRule()).overview
    themes = themes_with_elements(tables["themes"], tables["elements"])
    dates = {"requested": "June", "counted_on": "today"}
    return SurveyFacts.of(tables, overview, themes, WORDING, FOOTNOTES, dates)


def test_feedback_counts_kinds_and_carries_the_irf_note(facts):
    south = facts.regions[0]
    # south: all, p1, p2, u1 answered of 4 asked: every one.
    assert shown(feedback_sentence(facts, south)) == (
        "All four answered: two RCPs, one IRF[IRFs count in each region.] and one Partner."
    )


def test_feedback_by_subregion_counts_each_respondent_once_under_its_first(facts):
    east = facts.regions[1]
    # all → coast; p3 → hills first (also coast); p4 → hills; x1 did not answer.
    assert shown(feedback_sentence(facts, east)) == (
        "three answered – one for the Coast and Islands (All Forum) and two for the Hills"
        " (P3 and P4[asked again]). They are two RCPs, one IRF and zero Partners."
    )


def test_status_by_subregion_names_an_entity_in_each_of_its_subregions(facts):
    paragraphs = [shown(p) for p in status_paragraphs(facts, "east")]
    assert paragraphs == [
        "In the Coast, the All Forum and the P3 had.",
        "In the Hills, P3 alone had, whereas P4 had not.",
    ]


def test_status_without_subregions_one_paragraph_and_notes_on_first_mention(facts):
    assert [shown(p) for p in status_paragraphs(facts, "south")] == [
        "Three (All Forum;[covers everything] P1; and P2) had. UNC had not."
    ]
    # Taken once: the note is not printed twice.
    assert facts.notes.take("south", "recommendations", "all") == ""


def test_every_note_must_be_printed(facts, tables):
    notes = EntityNotes(
        frame("entity_id,region_id,place,note", "p1|east|recommendations|not in the East")
    )
    notes.take("south", "recommendations", "p1")
    with pytest.raises(ValueError, match=r"p1 \(east, recommendations\)"):
        notes.check_all_printed()
    with pytest.raises(ValueError, match="two notes for p1"):
        EntityNotes(frame("entity_id,region_id,place,note", "p1||all_themes|a", "p1||all_themes|b"))


def test_entity_items_sort_partners_last_then_by_the_printed_name(facts):
    w = Wording({"entity_names": {"p2": "A Second"}})
    items = entity_items(facts, ["u1", "p1", "p2", "all"], w, "nowhere", "recommendations")
    assert [plain(i) for i in items] == ["A Second", "All Forum", "P1", "UNC"]


def test_an_entity_of_a_region_with_subregions_needs_one_of_them(tables):
    tables["entities"].loc[tables["entities"]["entity_id"] == "p4", "subregions"] = ""
    overview = compute_all(tables, RecurrenceRule()).overview
    themes = themes_with_elements(tables["themes"], tables["elements"])
    bad = SurveyFacts.of(tables, overview, themes, WORDING, FOOTNOTES, {})
    with pytest.raises(ValueError, match="p4 is reported under east"):
        status_paragraphs(bad, "east")


def test_absence_sentence_for_themes_only_an_all_elements_respondent_addresses(facts):
    # South: T2 (element c) only by "all", which lists every element.
    assert plain(absent_themes_sentence(facts, "south")) == "None on work."
    # East: T1 by nobody but "all"; T2 also by p3.
    assert plain(absent_themes_sentence(facts, "east")) == "None on rights of all."


def test_absence_sentence_lists_several_themes_by_short_name(facts):
    facts.overview["regions"]["south"]["themes_without_specific_respondents"] = ["T1", "T2"]
    assert plain(absent_themes_sentence(facts, "south")) == "None on rights; and work (1 and 2)."


def test_no_absence_sentence_without_respondents(facts):
    facts.overview["regions"]["east"]["respondents"] = []
    assert absent_themes_sentence(facts, "east") == []


def test_theme_findings_use_the_overview_order_and_regional_wording(facts):
    south = theme_findings(facts, "south")
    assert [plain(south[0][k]) for k in ("label", "count", "name")] == [
        "Theme 1:",
        "three respondents.",
        "Rights of all.",
    ]
    # a and b recur in the South; overview_order puts b first.
    assert plain(south[0]["recurrent"]) == "Refer to the b; and the a."
    east = theme_findings(facts, "east")
    assert plain(east[1]["recurrent"]) == "All refer to the c, worded for the East."
    assert plain(east[0]["count"]) == "one respondent."


def test_response_rate_splits_regions_at_the_overall_rate(facts):
    # South 4 of 4, East 3 of 4; overall 7 of 8.
    assert plain(response_rate_sentence(facts)) == "Most: the South; part: the East."
    facts.overview["regions"]["east"]["response_rate"] = 1.0
    assert plain(response_rate_sentence(facts)) == "All."


def test_recurrent_themes_sentence_by_case(facts):
    facts.overview["regions"]["south"]["themes_with_recurrent"] = ["T1", "T2"]
    facts.overview["regions"]["east"]["themes_with_recurrent"] = ["T2"]
    assert plain(recurrent_themes_sentence(facts)) == "In East, only one themes, elsewhere all two."
    facts.overview["regions"]["east"]["themes_with_recurrent"] = ["T1", "T2"]
    assert plain(recurrent_themes_sentence(facts)) == "All two everywhere."


# --- the tables behind them -------------------------------------------------------------------


@pytest.fixture
def raw_copy(tmp_path) -> Path:
    target = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw", target, ignore=shutil.ignore_patterns("provenance"))
    return target


def problems(raw: Path) -> list[tuple[str, str | None, str]]:
    report = validate_directory(raw, load_descriptor(ROOT / "schemas" / "datapackage.json"))
    return [(p.file, p.column, p.message) for p in report.problems]


def test_entity_notes_are_validated(raw_copy):
    with (raw_copy / "entity_notes.csv").open("a", encoding="utf-8") as handle:
        handle.write("nobody,africa,recommendations,A note.\n")
        handle.write("gfmd,nowhere,all_themes,A note.\n")
        handle.write("gfmd,,everywhere,A note.\n")
        handle.write("acp_eu,africa,recommendations,Again.\n")
    found = problems(raw_copy)
    assert ("entity_notes.csv", "entity_id", "unknown entity_id (not in entities.csv)") in found
    assert ("entity_notes.csv", "region_id", "unknown region_id (not in regions.csv)") in found
    assert ("entity_notes.csv", "place", "code not in its list") in found
    assert any(f == "entity_notes.csv" and m.startswith("duplicate") for f, _, m in found)


def test_subregions_are_validated(raw_copy):
    with (raw_copy / "subregions.csv").open("a", encoding="utf-8") as handle:
        handle.write("islands,atlantis,Islands,Islands\n")
    path = raw_copy / "entities.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(",asia_pacific,", ",asia_pacfic,", 1),
        encoding="utf-8",
    )
    found = problems(raw_copy)
    assert ("subregions.csv", "region_id", "unknown region_id (not in regions.csv)") in found
    assert ("entities.csv", "subregions", "unknown subregion_id (not in subregions.csv)") in found
