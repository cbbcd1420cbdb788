"""Rules of the Annex 9 survey summaries on a tiny hand-made survey.

The fixture (three regions, two themes, three elements) and every expected value below are
worked out by hand in the comments, not produced by the code under test.

Regions in regions.csv order: south, north, east (deliberately not alphabetical).
Elements: b (T1, shown first), a (T1), c (T2).

    entity  kind            regions      surveyed  status           elements
    p1      rcp             south        true      formulated       a b
    p2      rcp             south        true      formulated       a
    p3      rcp             south        true      in_process       a c
    p4      irf             south;north  true      formulated       a b c
    p5      reo             north        true      unable_to_share  c
    p6      un_rc           east         true      (no response)    -
    p7      rcp             north        true      unable_to_share  (none)
    x1      rcp             north        false     (no response)    -
    g1      global_process  (none)       true      formulated       a b c

south: T1 respondents p1 p2 p3 p4 = 4; a by 4 (recurrent), b by p1 p4 = 2 = exactly 50 % (not);
       T2 respondents p3 p4 = 2; c by 2 (recurrent).
north: T1 respondents p4 = 1 (one respondent: a, b mentioned once, not recurrent);
       T2 respondents p4 p5 = 2; c by 2 (recurrent). p7 responded without elements.
east:  no respondent: zeros.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from meeting_report.safe_csv import spreadsheet_safe, to_safe_csv_text
from meeting_report.summaries import (
    RecurrenceRule,
    compute_all,
    cross_regional,
    cross_regional_tiers,
    element_mentions,
    entity_regions,
    recurrent_elements,
    survey_overview,
    theme_respondents,
    write_results,
)


def frame(header: str, *rows: str) -> pd.DataFrame:
    """A table of strings, as read_raw_csv returns it ('|' separates cells)."""
    columns = header.split("|")
    return pd.DataFrame([row.split("|") for row in rows], columns=columns, dtype=str)


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    return {
        "regions": frame(
            "region_id|name|short_name", "south|South|S", "north|North|N", "east|East|E"
        ),
        "themes": frame("theme_id|number|name|short_name", "T1|1|One|one", "T2|2|Two|two"),
        "elements": frame(
            "element_id|theme_id|display_order|text|summary_text|phrase",
            "a|T1|2|A|A|a",
            "b|T1|1|B|B|b",
            "c|T2|3|C|C|c",
        ),
        "entities": frame(
            "entity_id|name|short_name|kind|regions|surveyed",
            "p1|P1|P1|rcp|south|true",
            "p2|P2|P2|rcp|south|true",
            "p3|P3|P3|rcp|south|true",
            "p4|P4|P4|irf|south;north|true",
            "p5|P5|P5|reo|north|true",
            "p6|P6|P6|un_rc|east|true",
            "p7|P7|P7|rcp|north|true",
            "x1|X1|X1|rcp|north|false",
            "g1|G1|G1|global_process||true",
        ),
        "survey_responses": frame(
            "entity_id|status|note",
            "p1|formulated|",
            "p2|formulated|",
            "p3|in_process|",
            "p4|formulated|",
            "p5|unable_to_share|",
            "p7|unable_to_share|",
            "g1|formulated|",
        ),
        "survey_elements": frame(
            "entity_id|element_id",
            "p1|a",
            "p1|b",
            "p2|a",
            "p3|a",
            "p3|c",
            "p4|a",
            "p4|b",
            "p4|c",
            "p4|c",  # a duplicate row must not count twice
            "p5|c",
            "g1|a",
            "g1|b",
            "g1|c",
        ),
    }


def grid_args(t: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, ...]:
    return (t["regions"], t["themes"], t["elements"], t["entities"], t["survey_elements"])


def recurrent_set(df: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(df["region_id"], df["element_id"], strict=True))


# --- entity_regions --------------------------------------------------------------------------


def test_entity_regions_explodes_and_drops_entities_without_region(tables):
    pairs = entity_regions(tables["entities"])
    assert list(pairs.columns) == ["entity_id", "region_id"]
    assert pairs[pairs["entity_id"] == "p4"]["region_id"].tolist() == ["south", "north"]
    assert "g1" not in set(pairs["entity_id"])


# --- theme_respondents -------------------------------------------------------------------------


def test_theme_respondents_full_grid_in_file_order_with_zeros(tables):
    result = theme_respondents(*grid_args(tables))
    assert list(result.columns) == ["region_id", "theme_id", "respondents"]
    assert list(
        zip(result["region_id"], result["theme_id"], result["respondents"], strict=True)
    ) == [
        ("south", "T1", 4),
        ("south", "T2", 2),
        ("north", "T1", 1),  # p4 only: the IRF counts in each of its regions
        ("north", "T2", 2),  # p4 and p5; p7 responded without elements and does not count
        ("east", "T1", 0),  # a region without respondents keeps its rows
        ("east", "T2", 0),
    ]


def test_entity_in_several_regions_counts_in_each(tables):
    without_p4 = tables["survey_elements"][tables["survey_elements"]["entity_id"] != "p4"]
    args = (*grid_args(tables)[:4], without_p4)
    before = theme_respondents(*grid_args(tables)).set_index(["region_id", "theme_id"])
    after = theme_respondents(*args).set_index(["region_id", "theme_id"])
    diff = (before["respondents"] - after["respondents"]).to_dict()
    assert diff == {
        ("south", "T1"): 1,
        ("south", "T2"): 1,
        ("north", "T1"): 1,
        ("north", "T2"): 1,
        ("east", "T1"): 0,
        ("east", "T2"): 0,
    }


def test_no_survey_elements_at_all_gives_zero_grid(tables):
    empty = tables["survey_elements"].iloc[0:0]
    result = theme_respondents(*grid_args(tables)[:4], empty)
    assert len(result) == 6
    assert result["respondents"].tolist() == [0] * 6


# --- element_mentions / recurrent_elements -----------------------------------------------------


def test_element_mentions_grid_in_display_order(tables):
    mentions = element_mentions(*grid_args(tables))
    assert list(mentions.columns) == [
        "region_id",
        "theme_id",
        "element_id",
        "mentions",
        "respondents",
    ]
    assert mentions["element_id"].tolist() == ["b", "a", "c"] * 3
    south = mentions[mentions["region_id"] == "south"].set_index("element_id")
    assert south.loc["a", ["mentions", "respondents"]].tolist() == [4, 4]
    assert south.loc["b", ["mentions", "respondents"]].tolist() == [2, 4]
    assert south.loc["c", ["mentions", "respondents"]].tolist() == [2, 2]
    east = mentions[mentions["region_id"] == "east"]
    assert east["mentions"].tolist() == [0, 0, 0]


def test_recurrent_default_rule(tables):
    recurrent = recurrent_elements(element_mentions(*grid_args(tables)), RecurrenceRule())
    # south b: 2 of 4 is exactly 50 %, not "more than 50 per cent"; north a, b: one respondent.
    assert recurrent_set(recurrent) == {("south", "a"), ("south", "c"), ("north", "c")}


def test_exactly_half_is_not_recurrent_but_more_is():
    mentions = pd.DataFrame(
        {
            "region_id": ["r", "r"],
            "theme_id": ["T", "T"],
            "element_id": ["half", "more"],
            "mentions": [3, 4],
            "respondents": [6, 6],
        }
    )
    recurrent = recurrent_elements(mentions, RecurrenceRule())
    assert recurrent["element_id"].tolist() == ["more"]


def test_share_compared_exactly_not_in_floats():
    # 0.57 × 100 is 56.99999999999999 in floats: 57 of 100 must still not be "more than 57 %".
    mentions = pd.DataFrame(
        {
            "region_id": ["r", "r"],
            "theme_id": ["T", "T"],
            "element_id": ["at", "above"],
            "mentions": [57, 58],
            "respondents": [100, 100],
        }
    )
    recurrent = recurrent_elements(mentions, RecurrenceRule(min_share=0.57))
    assert recurrent["element_id"].tolist() == ["above"]


def test_lower_min_share_makes_half_recurrent(tables):
    mentions = element_mentions(*grid_args(tables))
    recurrent = recurrent_elements(mentions, RecurrenceRule(min_share=0.4))
    assert recurrent_set(recurrent) == {
        ("south", "b"),
        ("south", "a"),
        ("south", "c"),
        ("north", "c"),
    }


def test_higher_min_share_keeps_only_unanimous(tables):
    mentions = element_mentions(*grid_args(tables))
    recurrent = recurrent_elements(mentions, RecurrenceRule(min_share=0.9))
    # south a 4/4, south c 2/2, north c 2/2 are unanimous; nothing else was recurrent anyway.
    assert recurrent_set(recurrent) == {("south", "a"), ("south", "c"), ("north", "c")}


def test_one_respondent_recurrent_only_when_min_respondents_is_one(tables):
    mentions = element_mentions(*grid_args(tables))
    recurrent = recurrent_elements(mentions, RecurrenceRule(min_respondents=1))
    assert ("north", "a") in recurrent_set(recurrent)
    assert ("north", "b") in recurrent_set(recurrent)
    assert ("east", "a") not in recurrent_set(recurrent)  # zero of zero is never recurrent


@pytest.mark.parametrize(
    "kwargs", [{"min_share": -0.1}, {"min_share": 1.5}, {"min_respondents": 0}]
)
def test_rule_rejects_nonsense(kwargs):
    with pytest.raises(ValueError):
        RecurrenceRule(**kwargs)


# --- cross_regional and tiers ---------------------------------------------------------------


def test_cross_regional_counts_regions_and_orders(tables):
    recurrent = recurrent_elements(element_mentions(*grid_args(tables)), RecurrenceRule())
    cross = cross_regional(recurrent, tables["regions"], tables["elements"])
    assert list(cross.columns) == ["element_id", "theme_id", "regions_recurrent", "region_ids"]
    assert cross.to_dict(orient="records") == [
        {"element_id": "c", "theme_id": "T2", "regions_recurrent": 2, "region_ids": "south;north"},
        {"element_id": "a", "theme_id": "T1", "regions_recurrent": 1, "region_ids": "south"},
    ]


def test_tiers_group_by_missing_regions():
    regions = frame("region_id|name|short_name", "w|W|W", "x|X|X", "y|Y|Y", "z|Z|Z")
    cross = pd.DataFrame(
        {
            "element_id": ["h", "i", "b", "q", "d"],
            "theme_id": ["T4", "T1", "T5", "T2", "T4"],
            "regions_recurrent": [4, 3, 3, 3, 2],
            "region_ids": ["w;x;y;z", "w;y;z", "w;x;z", "w;y;z", "y;z"],
        }
    )
    assert cross_regional_tiers(cross, regions) == [
        {"regions_recurrent": 4, "missing_region_ids": [], "elements": ["h"]},
        {"regions_recurrent": 3, "missing_region_ids": ["x"], "elements": ["i", "q"]},
        {"regions_recurrent": 3, "missing_region_ids": ["y"], "elements": ["b"]},
        {"regions_recurrent": 2, "missing_region_ids": ["w", "x"], "elements": ["d"]},
    ]


# --- survey_overview ---------------------------------------------------------------------------


def test_survey_overview_figures(tables):
    results = compute_all(tables, RecurrenceRule())
    overview = results.overview
    assert overview["surveyed"] == 8  # x1 was not surveyed
    assert overview["responded"] == 7
    assert overview["response_rate"] == pytest.approx(7 / 8)
    assert overview["not_responded"] == ["p6"]
    assert overview["responded_by_kind"] == {
        "global_process": 1,
        "rcp": 4,
        "irf": 1,
        "reo": 1,
        "un_rc": 0,
    }
    assert overview["iscm_responded"] == 6
    assert overview["status_counts"] == {"formulated": 4, "in_process": 1, "unable_to_share": 2}
    assert overview["entities_by_status"]["unable_to_share"] == ["p5", "p7"]
    assert overview["all_themes_entities"] == ["p3", "p4", "g1"]
    assert overview["with_elements"] == ["p1", "p2", "p3", "p4", "p5", "g1"]
    assert overview["elements_total"] == 3
    assert overview["themes_total"] == 2
    assert overview["themes_recurrent_everywhere"] == []  # east has nothing recurrent
    assert list(overview["regions"]) == ["south", "north", "east"]


def test_survey_overview_regions(tables):
    regions = compute_all(tables, RecurrenceRule()).overview["regions"]
    south, north, east = regions["south"], regions["north"], regions["east"]
    assert south["invited"] == 4 and south["responded"] == 4
    assert south["respondents_by_kind"]["rcp"] == ["p1", "p2", "p3"]
    assert south["respondents_by_kind"]["irf"] == ["p4"]
    assert south["statuses"] == {
        "formulated": ["p1", "p2", "p4"],
        "in_process": ["p3"],
        "unable_to_share": [],
    }
    assert south["all_themes"] == ["p3", "p4"]
    assert south["themes_with_recurrent"] == ["T1", "T2"]
    assert north["invited"] == 3  # p4, p5, p7; x1 not surveyed
    assert north["with_elements"] == ["p4", "p5"]
    assert north["not_formulated"] == ["p5", "p7"]
    assert north["theme_respondents"] == {"T1": 1, "T2": 2}
    assert north["recurrent_elements"] == {"T1": [], "T2": ["c"]}
    assert east == {
        "invited": 1,
        "responded": 0,
        "response_rate": 0.0,
        "not_responded": ["p6"],
        "respondents": [],
        "respondents_by_kind": {k: [] for k in ("global_process", "rcp", "irf", "reo", "un_rc")},
        "with_elements": [],
        "statuses": {"formulated": [], "in_process": [], "unable_to_share": []},
        "not_formulated": [],
        "all_themes": [],
        "theme_respondents": {"T1": 0, "T2": 0},
        "recurrent_elements": {"T1": [], "T2": []},
        "themes_with_recurrent": [],
        "themes_without_specific_respondents": ["T1", "T2"],
    }


def test_theme_recurrent_everywhere_without_the_empty_region(tables):
    tables = dict(tables, regions=tables["regions"].iloc[:2])
    results = compute_all(tables, RecurrenceRule())
    assert results.overview["themes_recurrent_everywhere"] == ["T2"]
    assert results.overview["cross_regional_tiers"][0] == {
        "regions_recurrent": 2,
        "missing_region_ids": [],
        "elements": ["c"],
    }


def test_overview_is_json_ready(tables):
    overview = survey_overview(
        tables,
        theme_respondents(*grid_args(tables)),
        recurrent_elements(element_mentions(*grid_args(tables)), RecurrenceRule()),
    )
    assert json.loads(json.dumps(overview)) == overview


# --- writing ---------------------------------------------------------------------------------


def test_write_results(tables, tmp_path):
    paths = write_results(compute_all(tables, RecurrenceRule()), tmp_path / "summary")
    theme_csv = paths["theme_respondents"].read_bytes()
    assert b"\r\n" not in theme_csv
    assert theme_csv.decode().splitlines()[:3] == [
        "region_id,theme_id,respondents",
        "south,T1,4",
        "south,T2,2",
    ]
    assert paths["recurrent_elements"].read_text().splitlines() == [
        "region_id,theme_id,element_id,mentions,respondents",
        "south,T1,a,4,4",
        "south,T2,c,2,2",
        "north,T2,c,2,2",
    ]
    assert paths["cross_regional"].read_text().splitlines()[0] == (
        "element_id,theme_id,regions_recurrent,region_ids"
    )
    text = paths["overview"].read_text(encoding="utf-8")
    assert text.endswith("}\n") and text.startswith('{\n  "surveyed": 8,')


def test_spreadsheet_safe_neutralises_formulas_but_keeps_numbers():
    df = pd.DataFrame(
        {
            "text": ['=HYPERLINK("x")', "+cmd", "-3", "+1.5", "@SUM(A1)", "\tx", "\rx", "ok", "-x"],
            "number": [-1, 2, 3, 4, 5, 6, 7, 8, 9],
        }
    ).astype({"text": str})
    safe = spreadsheet_safe(df)
    assert safe["text"].tolist() == [
        '\'=HYPERLINK("x")',
        "'+cmd",
        "-3",
        "+1.5",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "ok",
        "'-x",
    ]
    assert safe["number"].tolist() == [-1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert df["text"].iloc[0] == '=HYPERLINK("x")'  # the input is not modified
    assert to_safe_csv_text(df).split("\n")[1] == '"\'=HYPERLINK(""x"")",-1'
