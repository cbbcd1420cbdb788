"""The example edition's data (editions/example/) is valid and means what it was designed to mean.

Every expected figure below is typed from the design in editions/example/README.md, worked out
by hand from the entities and their elements, not taken from the code under test:

    entity   kind            regions (sub-regions)              status           elements
    gfim     global_process  (none)                             formulated       a f h l
    ncmd     rcp             northern_coast                     formulated       a c f h k l
    hpc      rcp             northern_coast                     formulated       e f h k
    cpmf     rcp             central_plains                     formulated       a b e h i
    ridge    rcp             central_plains                     formulated       e g i j
    esmd     rcp             eastern_seas (eastern_seaboard)    formulated       a d f l n
    islands  rcp             eastern_seas (outer_islands)       in_process       d l m n
    ncd      irf             northern_coast; central_plains     formulated       a–n (all)
    tsi      irf             northern_coast; eastern_seas       formulated       a h j l m
                             (outer_islands; eastern_seaboard)
    cpec     reo             central_plains                     unable_to_share  -
    icc      reo             eastern_seas (outer_islands)       (no response)
    unecnc   un_rc           northern_coast                     unable_to_share  -
    uneccp   un_rc           central_plains                     (no response)
    unesces  un_rc           eastern_seas (eastern_seaboard)    in_process       -

Themes: T1 a b c d; T2 e f g; T3 h i j k; T4 l m n. Recurrent: more than 50 % of the theme's
respondents in the region and at least 2 (the main config's rule, which the edition keeps).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Mapping
from typing import Any

import pytest
import yaml

from meeting_report.io import read_raw_tables
from meeting_report.summaries import RecurrenceRule, compute_all, element_mentions
from meeting_report.validation import load_descriptor, validate_directory
from tests.conftest import ROOT

EDITION = ROOT / "editions" / "example"
DATA = EDITION / "data"
SURVEY_TABLES = ("regions", "themes", "elements", "entities", "survey_responses", "survey_elements")
REGIONS = ("northern_coast", "central_plains", "eastern_seas")


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def merged(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """`over` merged into `base` key by key, as Snakemake merges a --configfile."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


def load_yaml(path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    return merged(load_yaml(ROOT / "config.yaml"), load_yaml(EDITION / "config.yaml"))


@pytest.fixture(scope="module")
def results(config):
    rule = RecurrenceRule(
        min_share=float(config["recurrence"]["min_share"]),
        min_respondents=int(config["recurrence"]["min_respondents"]),
    )
    return compute_all(read_raw_tables(DATA, SURVEY_TABLES), rule)


# --- the files -----------------------------------------------------------------------------


def test_every_declared_resource_exists_and_validates():
    descriptor = load_descriptor(ROOT / "schemas" / "datapackage.json")
    report = validate_directory(DATA, descriptor)
    assert [p.format() for p in report.problems] == []
    assert sorted(report.tables) == sorted(r["name"] for r in descriptor["resources"])
    for resource in descriptor["resources"]:
        with (DATA / resource["path"]).open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        assert header == [f["name"] for f in resource["schema"]["fields"]], resource["path"]


def test_config_holds_only_the_edition_and_is_valid_merged_over_the_main_one(config):
    import jsonschema

    own = load_yaml(EDITION / "config.yaml")
    main = load_yaml(ROOT / "config.yaml")
    assert own["edition"] == "example"
    # Only what differs: no key repeats the main configuration's value.
    for key, value in own.items():
        if isinstance(value, Mapping):
            same = [k for k, v in value.items() if main[key].get(k) == v]
            assert same == [], f"{key}: {same} repeat config.yaml"
        else:
            assert main.get(key) != value, key
    jsonschema.validate(config, load_yaml(ROOT / "schemas" / "config.schema.yaml"))
    for key in ("raw_dir", "narrative_dir"):
        assert (ROOT / config[key]).is_dir(), key
    for key in ("schema", "reference"):
        assert (ROOT / config[key]).is_file(), key
    assert config["meeting"]["publisher"] == main["meeting"]["publisher"]


def test_the_reference_is_empty_and_accepted_by_the_reconciliation(config):
    from meeting_report.reconcile import load_reference

    assert load_reference(ROOT / config["reference"]) == []


def test_the_edition_is_fictional_and_shares_no_entity_with_grcp7():
    def entities(folder):
        with (folder / "entities.csv").open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    real = entities(ROOT / "data" / "raw")
    example = entities(DATA)
    assert {e["entity_id"] for e in example}.isdisjoint(e["entity_id"] for e in real)
    names = {e[key] for e in real for key in ("name", "short_name")}
    assert names.isdisjoint(e[key] for e in example for key in ("name", "short_name"))
    assert "fictional" in (EDITION / "README.md").read_text(encoding="utf-8").lower()


# --- the meeting ---------------------------------------------------------------------------


def test_shape_of_the_meeting():
    assert [r["region_id"] for r in rows("regions")] == list(REGIONS)
    assert [r["breakout_group"] for r in rows("regions")] == ["2", "1", "3"]
    assert {r["subregion_id"]: r["region_id"] for r in rows("subregions")} == {
        "eastern_seaboard": "eastern_seas",
        "outer_islands": "eastern_seas",
    }
    by_theme: dict[str, str] = {}
    for e in rows("elements"):
        by_theme[e["theme_id"]] = by_theme.get(e["theme_id"], "") + e["element_id"]
    assert by_theme == {"T1": "abcd", "T2": "efg", "T3": "hijk", "T4": "lmn"}
    recs = Counter(r["category"] for r in rows("recommendations"))
    assert recs == {"priority": 3, "follow_up": 3}


def test_participant_list():
    people = rows("participants")
    kinds = {e["entity_id"]: e["kind"] for e in rows("entities")}
    assert [int(p["number"]) for p in people] == list(range(1, 27))
    sections = Counter(p["section_id"] for p in people)
    assert sections == {"iscm": 13, "reo": 3, "un": 4, "donor": 1, "organizer": 5}
    iscm = {p["entity_id"] for p in people if p["section_id"] == "iscm"}
    assert len(iscm) == 9 and "" not in iscm
    linked = {p["entity_id"] for p in people if p["entity_id"]}
    assert Counter(kinds[e] for e in linked if kinds[e] in ("reo", "un_rc")) == {
        "reo": 3,
        "un_rc": 3,
    }


def test_agenda_has_one_group_and_one_rapporteur_per_region():
    agenda = rows("agenda")
    groups = [r["title"] for r in agenda if r["kind"] == "group"]
    assert groups == [
        "Group 1. CENTRAL PLAINS",
        "Group 2. NORTHERN COAST",
        "Group 3. EASTERN SEAS AND ISLANDS",
    ]
    assert sum(r["kind"] == "rapporteur" for r in agenda) == 3
    assert [r["title"] for r in agenda if r["kind"] == "day"] == [
        "Day 1, 3 June 2025",
        "Day 2, 4 June 2025",
    ]


# --- the survey ----------------------------------------------------------------------------


def test_who_was_asked_and_who_answered(results):
    o = results.overview
    assert (o["surveyed"], o["responded"]) == (14, 12)
    assert o["response_rate"] == pytest.approx(12 / 14)
    assert o["not_responded"] == ["icc", "uneccp"]
    assert o["responded_by_kind"] == {
        "global_process": 1,
        "rcp": 6,
        "irf": 2,
        "reo": 1,
        "un_rc": 2,
    }
    assert o["iscm_responded"] == 9
    assert o["status_counts"] == {"formulated": 8, "in_process": 2, "unable_to_share": 2}
    assert o["entities_by_status"]["in_process"] == ["islands", "unesces"]
    assert o["entities_by_status"]["unable_to_share"] == ["cpec", "unecnc"]
    assert o["all_themes_entities"] == ["gfim", "ncmd", "ncd"]
    # The Islands Process is still discussing its recommendations but sent draft elements.
    assert "islands" in o["with_elements"]
    assert (o["elements_total"], o["themes_total"]) == (14, 4)


def test_each_region_invited_and_answered(results):
    regions = results.overview["regions"]
    assert {r: (regions[r]["invited"], regions[r]["responded"]) for r in REGIONS} == {
        "northern_coast": (5, 5),
        "central_plains": (5, 4),
        "eastern_seas": (5, 4),
    }
    assert regions["northern_coast"]["respondents"] == ["ncmd", "hpc", "ncd", "tsi", "unecnc"]
    assert regions["central_plains"]["not_formulated"] == ["cpec"]
    assert regions["eastern_seas"]["not_formulated"] == ["islands", "unesces"]
    assert {r: regions[r]["all_themes"] for r in REGIONS} == {
        "northern_coast": ["ncmd", "ncd"],
        "central_plains": ["ncd"],
        "eastern_seas": [],
    }


def test_respondents_per_region_and_theme(results):
    found = {(r, t): n for r, t, n in results.theme_respondents.itertuples(index=False, name=None)}
    expected = {
        "northern_coast": (3, 3, 4, 3),
        "central_plains": (2, 3, 3, 1),
        "eastern_seas": (3, 1, 1, 3),
    }
    assert found == {
        (region, f"T{i}"): n for region, counts in expected.items() for i, n in enumerate(counts, 1)
    }


def test_recurrent_elements_per_region_and_theme(results):
    regions = results.overview["regions"]
    assert {r: regions[r]["recurrent_elements"] for r in REGIONS} == {
        "northern_coast": {"T1": ["a", "c"], "T2": ["e", "f"], "T3": ["h", "k"], "T4": ["l", "m"]},
        "central_plains": {"T1": ["a", "b"], "T2": ["e", "g"], "T3": ["h", "i", "j"], "T4": []},
        "eastern_seas": {"T1": ["a", "d"], "T2": [], "T3": [], "T4": ["l", "m", "n"]},
    }
    # T4 in the Central Plains is addressed only by the North–Central Dialogue's blanket answer.
    assert {r: regions[r]["themes_without_specific_respondents"] for r in REGIONS} == {
        "northern_coast": [],
        "central_plains": ["T4"],
        "eastern_seas": [],
    }


def test_exactly_half_is_not_recurrent(results):
    # Northern Coast, T3: j is mentioned by tsi and ncd, 2 of the 4 respondents (50 %, not more).
    tables = read_raw_tables(DATA, SURVEY_TABLES)
    mentions = element_mentions(
        tables["regions"],
        tables["themes"],
        tables["elements"],
        tables["entities"],
        tables["survey_elements"],
    )
    j = mentions[(mentions["region_id"] == "northern_coast") & (mentions["element_id"] == "j")]
    assert j[["mentions", "respondents"]].values.tolist() == [[2, 4]]
    assert "j" not in results.overview["regions"]["northern_coast"]["recurrent_elements"]["T3"]


def test_cross_regional_recurrence(results):
    found = {
        e: set(ids.split(";"))
        for e, ids in results.cross_regional[["element_id", "region_ids"]].itertuples(
            index=False, name=None
        )
    }
    n, c, e = "northern_coast", "central_plains", "eastern_seas"
    assert found == {
        "a": {n, c, e},
        "e": {n, c},
        "h": {n, c},
        "l": {n, e},
        "m": {n, e},
        "b": {c},
        "g": {c},
        "i": {c},
        "j": {c},
        "c": {n},
        "f": {n},
        "k": {n},
        "d": {e},
        "n": {e},
    }
    assert results.overview["themes_recurrent_everywhere"] == ["T1"]
    tiers = [
        (t["regions_recurrent"], t["missing_region_ids"], t["elements"])
        for t in results.overview["cross_regional_tiers"]
    ]
    assert tiers == [
        (3, [], ["a"]),
        (2, [c], ["l", "m"]),
        (2, [e], ["e", "h"]),
        (1, [n, c], ["d", "n"]),
        (1, [n, e], ["b", "g", "i", "j"]),
        (1, [c, e], ["c", "f", "k"]),
    ]


def test_every_entity_note_has_a_mention_to_hang_on(results):
    """A note is printed on its entity's first mention in its place; each one has such a mention."""
    o = results.overview
    with_subregions = {r["region_id"] for r in rows("subregions")}
    for note in rows("entity_notes"):
        entity, region, place = note["entity_id"], note["region_id"], note["place"]
        if place == "all_themes":
            named = o["regions"][region]["all_themes"] if region else o["all_themes_entities"]
        elif place == "respondents":
            assert region in with_subregions, note
            named = o["regions"][region]["respondents"]
        else:
            named = o["regions"][region]["respondents"]
        assert entity in named, note
