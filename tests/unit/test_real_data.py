"""The committed data validates clean and agrees with counts the 2017 report states."""

from __future__ import annotations

import csv
from collections import Counter

from meeting_report.validation import load_descriptor, validate_directory
from tests.conftest import ROOT

RAW = ROOT / "data" / "raw"


def rows(name: str) -> list[dict[str, str]]:
    with (RAW / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_real_data_has_no_problem():
    report = validate_directory(RAW, load_descriptor(ROOT / "schemas" / "datapackage.json"))
    assert [p.format() for p in report.problems] == []
    assert len(report.tables) == 16


def test_every_raw_csv_has_a_provenance_note():
    for path in RAW.glob("*.csv"):
        assert (RAW / "provenance" / f"{path.stem}.md").is_file(), path.name


def test_responding_entities_match_the_report(seed_text):
    # Section 1 / Annex 9: "27 entities ... one global process on migration, twelve RCPs and seven
    # IRFs, as well as four UN RCs and three REOs"; "Responses were received from 20 ISCMs".
    kinds = {e["entity_id"]: e["kind"] for e in rows("entities")}
    responded = Counter(kinds[r["entity_id"]] for r in rows("survey_responses"))
    assert sum(responded.values()) == 27
    assert responded == {"global_process": 1, "rcp": 12, "irf": 7, "un_rc": 4, "reo": 3}
    assert responded["global_process"] + responded["rcp"] + responded["irf"] == 20
    assert "Responses were received from 20 ISCMs, 4 UN RCs and 3 regional economic" in seed_text


def test_status_counts_match_the_cross_regional_summary():
    status = Counter(r["status"] for r in rows("survey_responses"))
    # "only 14 have formulated recommendations"; "Another six entities are in process".
    assert status["formulated"] == 14 and status["in_process"] == 6


def test_participant_list_has_92_delegates(seed_text):
    people = rows("participants")
    assert [int(p["number"]) for p in people] == list(range(1, 93))
    assert "brought together 92 delegates" in seed_text


def test_an_entity_unable_to_share_cannot_have_elements(tmp_path):
    import shutil

    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    with (raw / "survey_elements.csv").open("a", encoding="utf-8") as handle:
        handle.write("midcom,a\n")  # MIDCOM "was not able to share" (Annex 9, Africa)
    report = validate_directory(raw, load_descriptor(ROOT / "schemas" / "datapackage.json"))
    [problem] = report.problems
    assert (problem.file, problem.column, problem.value) == (
        "survey_elements.csv",
        "entity_id",
        "midcom",
    )
    assert "did not share recommendations" in problem.message
