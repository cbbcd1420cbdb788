"""Checks of focus_areas, good_practices and recommendations against figures counted by hand.

Sources (seed file ../shared/seed/grcp7_summary_report_2017.txt): Annex 4 Appendix 2 table
"ISCM areas of focus" (lines 639–679); Annex 9 GFMD appendix (lines 1194–1214) and the four
regional "II. Good Practices and Innovative Solutions" parts (Africa 1306–1356, Americas
1433–1484, Asia, Pacific and the Middle East 1580–1632, Europe 1732–1773); section 3.1 and 3.2
(lines 182–306) and the Highlights document, paragraphs 6 and 7 (lines 360–375). The expected
values below were read off the source, not off the CSVs.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"


def read(name: str) -> list[dict[str, str]]:
    with (RAW / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def focus_areas() -> list[dict[str, str]]:
    return read("focus_areas.csv")


@pytest.fixture(scope="module")
def practices() -> list[dict[str, str]]:
    return read("good_practices.csv")


@pytest.fixture(scope="module")
def categories() -> list[dict[str, str]]:
    return read("good_practice_categories.csv")


@pytest.fixture(scope="module")
def recommendations() -> dict[str, dict[str, str]]:
    return {row["recommendation_id"]: row for row in read("recommendations.csv")}


# --- focus areas (Annex 4, Appendix 2) ----------------------------------------------------------


def mechanisms(rows: list[dict[str, str]], area_id: str) -> list[str]:
    in_area = [row for row in rows if row["area_id"] == area_id]
    return [row["entity_id"] for row in sorted(in_area, key=lambda r: int(r["entity_order"]))]


def test_focus_area_count_and_order(focus_areas: list[dict[str, str]]) -> None:
    # 17 table rows, in four page-split tables (3 + 4 + 5 + 5).
    order = {row["area_id"]: int(row["area_order"]) for row in focus_areas}
    assert sorted(order.values()) == list(range(1, 18))
    first = min(order, key=order.get)
    last = max(order, key=order.get)
    assert (first, last) == ("migration_environment_climate_change", "counter_trafficking")
    assert len(focus_areas) == 148  # every ISCM name in the 17 cells, counted by hand


@pytest.mark.parametrize(
    ("area_id", "expected"),
    [
        # "5+5 Dialogue on Migration Almaty Process ARCP Budapest Process MIDCOM FIBEMYD IGAD RCP
        #  MIDCAS MIDSA MTM Prague Process Puebla Process Rabat Process SACM GFMD IDM"
        ("migration_development", 16),
        # the Labour migration cell names 20 mechanisms, incl. "EU-LAC" with a hyphen
        ("labour_migration", 20),
        ("counter_trafficking", 15),
        ("migrant_rights", 12),
        ("partnerships", 2),
    ],
)
def test_mechanisms_per_area(
    focus_areas: list[dict[str, str]], area_id: str, expected: int
) -> None:
    names = mechanisms(focus_areas, area_id)
    assert len(names) == expected
    assert len(set(names)) == expected  # no mechanism twice in one area
    orders = sorted(int(r["entity_order"]) for r in focus_areas if r["area_id"] == area_id)
    assert orders == list(range(1, expected + 1))


def test_source_name_forms_map_to_entities(focus_areas: list[dict[str, str]]) -> None:
    assert mechanisms(focus_areas, "migration_environment_climate_change") == ["midcas", "rcm"]
    assert mechanisms(focus_areas, "migration_education") == ["asia_eu", "asem"]
    # "MISDA" (a typo of MIDSA) is the 8th name of the Migrant rights cell
    assert mechanisms(focus_areas, "migrant_rights")[7] == "midsa"
    # "Pan African Forum" / "Pan-African Forum"
    assert "pafom" in mechanisms(focus_areas, "irregular_mixed_migration")
    assert mechanisms(focus_areas, "migration_policy")[4:6] == ["igad_rcp", "pafom"]
    assert mechanisms(focus_areas, "migration_development")[-2:] == ["gfmd", "idm"]


def test_focus_area_themes(focus_areas: list[dict[str, str]]) -> None:
    theme = {row["area_id"]: row["theme_id"] for row in focus_areas}
    assert Counter(theme.values()) == {"T1": 5, "T2": 3, "T3": 4, "T4": 2, "T5": 2, "T6": 1}
    assert theme["remittances"] == "T4"
    assert theme["asylum_refugees"] == "T1"
    assert theme["border_management"] == "T3"


def test_focus_area_text_and_empty_sdg(focus_areas: list[dict[str, str]]) -> None:
    area = {row["area_id"]: row["area"] for row in focus_areas}
    assert area["partnerships"] == "Partnerships (e.g. with civil society, private sector)"
    assert area["return_reintegration_readmission"] == "Return, reintegration, readmissions"
    assert {row["sdg"] for row in focus_areas} == {""}


def test_focus_area_foreign_keys(focus_areas: list[dict[str, str]]) -> None:
    entity_ids = {row["entity_id"] for row in read("entities.csv")}
    theme_ids = {row["theme_id"] for row in read("themes.csv")}
    assert {row["entity_id"] for row in focus_areas} <= entity_ids
    assert {row["theme_id"] for row in focus_areas} <= theme_ids


# --- good practices (Annex 9) ---------------------------------------------------------------


def in_region(rows: list[dict[str, str]], region_id: str) -> list[dict[str, str]]:
    return sorted(
        (row for row in rows if row["region_id"] == region_id), key=lambda r: int(r["order"])
    )


def test_category_code_list(categories: list[dict[str, str]]) -> None:
    labels = [row["label"] for row in sorted(categories, key=lambda r: int(r["order"]))]
    assert labels == [
        "Legislation and Policies",
        "Projects",
        "Capacity-Building Mechanisms",
        "Manuals, Guidance and Publications",
        "Structures",
        "Research, Data Collection and Analysis",
        "Ongoing inter-State dialogue and cooperation on common issues of migration",
    ]


def test_practice_keys(practices: list[dict[str, str]], categories: list[dict[str, str]]) -> None:
    ids = [row["practice_id"] for row in practices]
    assert len(ids) == len(set(ids))
    codes = {row["category"] for row in categories} | {""}
    assert {row["category"] for row in practices} <= codes
    assert {row["innovative"] for row in practices} <= {"true", "false"}
    region_ids = {row["region_id"] for row in read("regions.csv")} | {""}
    assert {row["region_id"] for row in practices} <= region_ids
    for region_id in region_ids:
        orders = [int(row["order"]) for row in in_region(practices, region_id)]
        assert orders == list(range(1, len(orders) + 1))
    # an empty category is only allowed for an innovative solution
    assert all(row["innovative"] == "true" for row in practices if not row["category"])
    assert not any("*" in row["title"] for row in practices)  # italics markup removed


def test_gfmd_appendix(practices: list[dict[str, str]]) -> None:
    rows = in_region(practices, "")
    assert len(rows) == 15
    assert Counter(row["category"] for row in rows) == {
        "legislation_policies": 5,
        "projects": 6,
        "structures": 3,
        "research_data": 1,
    }
    assert {row["contributor_entity_id"] for row in rows} == {"gfmd"}
    assert not any(row["innovative"] == "true" for row in rows)
    assert rows[0]["title"] == (
        "The UK Code of Practice for the Ethical Recruitment of International Healthcare "
        "Professionals"
    )


@pytest.mark.parametrize(
    ("region_id", "total", "per_category"),
    [
        # Legislation list runs across a page break (lines 1316–1323 + 1325–1333): 8 + 9
        ("africa", 35, {"legislation_policies": 17, "projects": 2, "capacity_building": 3,
                        "manuals_guidance": 1, "structures": 3, "research_data": 2,
                        "ongoing_dialogue": 6, "": 1}),
        # Manuals list runs across a page break (1457–1462 + 1464–1465): 6 + 2
        ("americas", 37, {"legislation_policies": 6, "projects": 1, "capacity_building": 2,
                          "manuals_guidance": 8, "structures": 11, "research_data": 2,
                          "ongoing_dialogue": 3, "": 4}),
        ("asia_pacific_middle_east", 38, {"legislation_policies": 11, "projects": 5,
                                          "capacity_building": 3, "manuals_guidance": 5,
                                          "structures": 4, "research_data": 4,
                                          "ongoing_dialogue": 5, "": 1}),
        ("europe", 26, {"legislation_policies": 4, "projects": 4, "capacity_building": 1,
                        "manuals_guidance": 4, "structures": 2, "research_data": 3,
                        "ongoing_dialogue": 6, "": 2}),
    ],
)  # fmt: skip
def test_practices_per_region_and_category(
    practices: list[dict[str, str]], region_id: str, total: int, per_category: dict[str, int]
) -> None:
    rows = in_region(practices, region_id)
    assert len(rows) == total
    assert Counter(row["category"] for row in rows) == per_category
    assert {row["contributor_entity_id"] for row in rows} == {""}


@pytest.mark.parametrize(
    ("region_id", "expected"),
    [
        ("africa", [
            "African Common Position on Migration and Development",
            "ECOWAS – Spain Fund for Migration and Development",
            "PAFOM as a continental platform for wider consultations on migration",
        ]),
        ("americas", [
            "RCM–IOM cooperation on low fares for flight tickets for returning migrants",
            "RCM – UNECLAC / CELADE study on migration-development nexus+",
            "RCM Civil Society Network",
            "RCM Implementation Fund for Vulnerable Migrants, including, Women, Children and "
            "Adolescents",
            "RCM Return Fund",
        ]),
        ("asia_pacific_middle_east", ["UNESCWA standards"]),
        ("europe", [
            "Almaty Process guidelines mainstreaming gender-sensitive mechanisms into "
            "national-level policies, programmes and activities",
            "Pension Agreement for workers of the Member States of the Eurasian Economic "
            "Commission",
            "Eurasian Economic Commission's 2025 Digital Agenda",
        ]),
    ],
)  # fmt: skip
def test_innovative_solutions_in_source_order(
    practices: list[dict[str, str]], region_id: str, expected: list[str]
) -> None:
    rows = in_region(practices, region_id)
    assert [row["title"] for row in rows if row["innovative"] == "true"] == expected


def test_highlights_render_in_source_order(
    practices: list[dict[str, str]], categories: list[dict[str, str]]
) -> None:
    rank = {row["category"]: int(row["order"]) for row in categories}
    rows = [row for row in in_region(practices, "africa") if row["category"]]
    rows.sort(key=lambda r: (rank[r["category"]], int(r["order"])))
    legislation = [row["title"] for row in rows if row["category"] == "legislation_policies"]
    assert legislation[0] == "ACP–EU Migration Dialogue national policy of inclusiveness"
    assert legislation[1] == "African Common Position on Migration and Development"
    assert legislation[-1] == "Treaty for Establishment of EAC (article 104, 76)"
    # listed under two categories in the source: two rows, innovative only once
    ecowas = [r for r in rows if r["title"] == "ECOWAS – Spain Fund for Migration and Development"]
    assert [(r["category"], r["innovative"]) for r in ecowas] == [
        ("legislation_policies", "true"),
        ("structures", "false"),
    ]
    assert [row["title"] for row in rows][-1] == "MIDSA"


def test_italics_kept_as_plain_text(practices: list[dict[str, str]]) -> None:
    titles = {row["title"] for row in in_region(practices, "asia_pacific_middle_east")}
    assert (
        "CP regional study “Recruitment Monitoring and Migrant Welfare Assistance: What Works?”"
        in titles
    )


# --- recommendations (section 3 and Highlights paragraphs 6–7) ------------------------------


def test_recommendation_ids(recommendations: dict[str, dict[str, str]]) -> None:
    assert sorted(recommendations) == sorted(
        [f"P{n}" for n in range(1, 6)] + [f"F{n}" for n in range(1, 6)]
    )
    assert Counter(row["category"] for row in recommendations.values()) == {
        "priority": 5,
        "follow_up": 5,
    }
    for rid, row in recommendations.items():
        assert row["number"] == rid[1]


def test_recommendation_titles(recommendations: dict[str, dict[str, str]]) -> None:
    assert recommendations["P1"]["title"] == (
        "Uphold the human rights of all migrants regardless of their migratory status, with "
        "particular attention to migrants in vulnerable situations"
    )
    assert recommendations["F5"]["title"] == (
        "Ensure alignment and complementarity between the global compact for migration and "
        "other relevant global frameworks, especially the 2030 Agenda"
    )


def test_paragraph_6_order(recommendations: dict[str, dict[str, str]]) -> None:
    priorities = [row for row in recommendations.values() if row["category"] == "priority"]
    by_position = sorted(priorities, key=lambda r: int(r["highlight_order"]))
    # paragraph 6 lists: human rights, regular/irregular, integration, xenophobia, data
    assert [row["recommendation_id"] for row in by_position] == ["P1", "P4", "P2", "P3", "P5"]
    assert recommendations["P3"]["highlight_text"] == (
        "combat xenophobia, racism, discrimination and intolerance towards migrants and promote "
        "a positive image of migrants and highlight their contributions to development"
    )


def test_paragraph_7_mapping(recommendations: dict[str, dict[str, str]]) -> None:
    position = {
        rid: row["highlight_order"] for rid, row in recommendations.items() if rid[0] == "F"
    }
    assert position == {"F1": "1", "F2": "4", "F3": "4", "F4": "3", "F5": ""}
    assert recommendations["F5"]["highlight_text"] == ""
    assert recommendations["F4"]["highlight_text"] == (
        "promote whole-of-government approaches to migration governance among their members"
    )
    for row in recommendations.values():
        assert not row["highlight_text"].endswith((";", "; and", "."))
