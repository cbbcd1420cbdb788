"""The committed data/raw/survey_elements.csv reproduces the published figures of Annex 9.

Independent of tools/reconstruct_survey_elements.py: the figures below were typed by hand from
the seed text ../shared/seed/grcp7_summary_report_2017.txt (line numbers in comments), and
are recomputed here with the csv module and plain dicts.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from tests.annex9_published import RECURRENT, THEMES
from tests.annex9_published import THEME_RESPONDENTS as RESPONDENTS

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"

# Footnote 54 (line 1166): recurrent = made by more than 50 per cent of the respondents;
# config.yaml adds: and by at least two of them.
MIN_SHARE = 0.5
MIN_RESPONDENTS = 2

# Entities that formulated (or drafted) recommendations: lines 1148, 1256, 1391, 1526-1528, 1672.
WITH_ELEMENTS = {
    "gfmd",
    "five_plus_five",
    "acp_eu",
    "igad_rcp",
    "midcas",
    "midsa",
    "midwa",
    "pafom",
    "rcm",
    "uneclac",
    "add",
    "arcp",
    "colombo",
    "almaty",
    "budapest",
    "eec",
}

# "Only ... formulated recommendations on all six themes": line 1152 (all), 1258, 1393, 1530, 1672.
ALL_SIX = {"acp_eu", "budapest", "gfmd"}
ALL_SIX_BY_REGION = {
    "africa": {"acp_eu"},
    "americas": {"acp_eu"},
    "asia_pacific_middle_east": {"acp_eu"},
    "europe": {"acp_eu", "budapest"},
}


def _read(name: str) -> list[dict[str, str]]:
    with (RAW / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def survey() -> dict:
    theme_of = {row["element_id"]: row["theme_id"] for row in _read("elements.csv")}
    regions_of = {
        row["entity_id"]: [r for r in row["regions"].split(";") if r]
        for row in _read("entities.csv")
    }
    elements_of: dict[str, set[str]] = defaultdict(set)
    for row in _read("survey_elements.csv"):
        elements_of[row["entity_id"]].add(row["element_id"])
    themes_of = {ent: {theme_of[el] for el in els} for ent, els in elements_of.items()}

    respondents: dict[tuple[str, str], int] = defaultdict(int)
    mentions: dict[tuple[str, str], int] = defaultdict(int)
    for ent, els in elements_of.items():
        for region in regions_of[ent]:
            for theme in themes_of[ent]:
                respondents[region, theme] += 1
            for el in els:
                mentions[region, el] += 1
    recurrent: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (region, el), count in mentions.items():
        theme = theme_of[el]
        if count > MIN_SHARE * respondents[region, theme] and count >= MIN_RESPONDENTS:
            recurrent[region, theme].add(el)
    return {
        "theme_of": theme_of,
        "regions_of": regions_of,
        "elements_of": elements_of,
        "themes_of": themes_of,
        "respondents": respondents,
        "recurrent": recurrent,
    }


@pytest.mark.parametrize("region", sorted(RESPONDENTS))
def test_respondents_per_theme(survey: dict, region: str) -> None:
    got = [survey["respondents"].get((region, t), 0) for t in THEMES]
    assert got == RESPONDENTS[region]


@pytest.mark.parametrize("region", sorted(RECURRENT))
def test_recurrent_elements_per_theme(survey: dict, region: str) -> None:
    got = {t: survey["recurrent"].get((region, t), set()) for t in THEMES}
    assert got == RECURRENT[region]


def test_acp_eu_covers_all_24_elements(survey: dict) -> None:
    # Footnotes 58, 62, 68, 74 (lines 1284, 1429, 1544, 1694).
    assert survey["elements_of"]["acp_eu"] == set(survey["theme_of"])
    assert len(survey["elements_of"]["acp_eu"]) == 24


def test_only_listed_entities_have_elements(survey: dict) -> None:
    assert set(survey["elements_of"]) == WITH_ELEMENTS
    assert all(survey["elements_of"][ent] for ent in WITH_ELEMENTS)


def test_entities_covering_all_six_themes(survey: dict) -> None:
    all_six = {ent for ent, themes in survey["themes_of"].items() if len(themes) == 6}
    assert all_six == ALL_SIX
    for region, expected in ALL_SIX_BY_REGION.items():
        in_region = {ent for ent in all_six if region in survey["regions_of"][ent]}
        assert in_region == expected, region


def test_almaty_addresses_human_rights(survey: dict) -> None:
    # Europe, Variations (line 1680); T3 there is infeasible with the counts (see provenance).
    assert "T1" in survey["themes_of"]["almaty"]


def test_unece_has_no_elements(survey: dict) -> None:
    # Line 1672: UNECE was "not able to finalize" recommendations to be shared externally.
    assert "unece" not in survey["elements_of"]


def test_file_is_sorted_unique_with_lf_endings() -> None:
    data = (RAW / "survey_elements.csv").read_bytes()
    assert b"\r" not in data
    lines = data.decode("utf-8").splitlines()
    assert lines[0] == "entity_id,element_id"
    pairs = [tuple(line.split(",")) for line in lines[1:]]
    assert pairs == sorted(set(pairs))


def test_script_regenerates_identical_bytes(tmp_path: Path) -> None:
    pytest.importorskip("pulp")
    shutil.copytree(RAW, tmp_path / "data" / "raw", ignore=shutil.ignore_patterns("provenance"))
    (tmp_path / "data" / "raw" / "survey_elements.csv").unlink()
    shutil.copy(ROOT / "config.yaml", tmp_path / "config.yaml")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "reconstruct_survey_elements.py"),
            "--root",
            tmp_path,
        ],
        check=True,
        capture_output=True,
    )
    regenerated = (tmp_path / "data" / "raw" / "survey_elements.csv").read_bytes()
    assert regenerated == (RAW / "survey_elements.csv").read_bytes()
