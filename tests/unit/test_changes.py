"""The survey-figure changes are worded as the report words them: region names, theme numbers,
element phrases and entity names, never a bare code."""

from __future__ import annotations

import json
from pathlib import Path

from meeting_report.changes import ReportNames, describe_changes, load_snapshot, survey_changes

NAMES = ReportNames.from_rows(
    regions=[
        {"region_id": "africa", "name": "Africa", "short_name": "Africa"},
        {"region_id": "americas", "name": "the Americas", "short_name": "Americas"},
    ],
    themes=[{"theme_id": "T1", "number": "1"}, {"theme_id": "T4", "number": "4"}],
    elements=[
        {"element_id": "i", "phrase": "the effective protection of migrant rights"},
        {"element_id": "h", "phrase": "remittances"},
    ],
    entities=[
        {"entity_id": "cmc", "name": "Caribbean Migration Consultations", "short_name": "CMC"},
        {"entity_id": "rcm", "name": "Regional Conference on Migration", "short_name": "RCM"},
        {"entity_id": "igc", "name": "IGC", "short_name": "IGC"},
    ],
)


def write_results(
    folder: Path, americas_t1: int, americas_recurrent: list[str], statuses: dict[str, str]
) -> Path:
    folder.mkdir(parents=True)
    (folder / "theme_respondents.csv").write_text(
        "region_id,theme_id,respondents\n"
        f"africa,T1,6\nafrica,T4,3\namericas,T1,{americas_t1}\namericas,T4,2\n"
    )
    rec = [
        "region_id,theme_id,element_id,mentions,respondents",
        "africa,T1,i,5,6",
        "africa,T4,h,3,3",
        "americas,T4,h,2,2",
    ]
    rec += [f"americas,T1,{e},2,{americas_t1}" for e in americas_recurrent]
    (folder / "recurrent_elements.csv").write_text("\n".join(rec) + "\n")
    cross = ["element_id,theme_id,regions_recurrent,region_ids", "h,T4,2,africa;americas"]
    cross.append(
        f"i,T1,{2 if 'i' in americas_recurrent else 1},"
        f"{'africa;americas' if 'i' in americas_recurrent else 'africa'}"
    )
    (folder / "cross_regional.csv").write_text("\n".join(cross) + "\n")
    by_status: dict[str, list[str]] = {}
    for entity, status in statuses.items():
        by_status.setdefault(status, []).append(entity)
    responded = 25 + len(statuses)
    (folder / "survey_overview.json").write_text(
        json.dumps(
            {
                "surveyed": 33,
                "responded": responded,
                "iscm_responded": 20,
                "response_rate": responded / 33,
                "status_counts": {s: len(e) for s, e in by_status.items()},
                "entities_by_status": by_status,
            }
        )
    )
    return folder


def test_changes_in_the_reports_words(tmp_path):
    old = load_snapshot(
        write_results(tmp_path / "old", 1, [], {"rcm": "formulated", "igc": "in_process"})
    )
    new = load_snapshot(
        write_results(
            tmp_path / "new",
            2,
            ["i"],
            {"rcm": "formulated", "igc": "unable_to_share", "cmc": "formulated"},
        )
    )
    assert describe_changes(old, new, NAMES) == [
        "Responding entities: 27 → 28",
        "Response rate: 82% → 85%",
        "New respondent: Caribbean Migration Consultations (CMC), which has formulated "
        "recommendations",
        "IGC is now unable to share recommendations (it was in process of discussing its "
        "recommendations)",
        "Entities that have formulated recommendations: 1 → 2",
        "Entities in process of discussing their recommendations: 1 → 0",
        "Entities unable to share recommendations: 0 → 1",
        "Americas, theme 1: respondents 1 → 2",
        "Americas, theme 1: the effective protection of migrant rights (element “i”) is now "
        "recurrent",
        "The effective protection of migrant rights (element “i”) is now recurrent in all two "
        "regions (was 1)",
    ]


def test_no_longer_recurrent_and_unknown_codes(tmp_path):
    old = load_snapshot(write_results(tmp_path / "old", 2, ["i", "z"], {}))
    new = load_snapshot(write_results(tmp_path / "new", 2, [], {}))
    lines = describe_changes(old, new, NAMES)
    assert (
        "Americas, theme 1: the effective protection of migrant rights (element “i”) is no "
        "longer recurrent" in lines
    )
    # An element no longer in elements.csv is still named as the report cites elements.
    assert "Americas, theme 1: element “z” is no longer recurrent" in lines
    assert (
        "The effective protection of migrant rights (element “i”) is now recurrent in one "
        "region (was 2)" in lines
    )


def test_nothing_to_compare_with(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, header in (
        ("regions", "region_id,name,short_name"),
        ("themes", "theme_id,number"),
        ("elements", "element_id,phrase"),
        ("entities", "entity_id,name,short_name"),
    ):
        (raw / f"{name}.csv").write_text(header + "\n")
    summary = write_results(tmp_path / "summary", 1, [], {})
    assert survey_changes(summary, tmp_path / "previous", raw) is None
    assert survey_changes(summary, summary, raw) == []
