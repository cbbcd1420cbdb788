"""The change report words each difference as the report would, and knows a first build."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from meeting_report.changes import describe_changes, load_snapshot, report_changes
from tests.conftest import ROOT

TEMPLATE = ROOT / "templates" / "changes.html.j2"

REGIONS = pd.DataFrame(
    {
        "region_id": ["africa", "americas"],
        "short_name": ["Africa", "Americas"],
        "name": ["Africa", "the Americas"],
    }
)
THEMES = pd.DataFrame({"theme_id": ["T1", "T4"], "number": ["1", "4"]})


def write_results(
    folder: Path, americas_t1: int, americas_recurrent: list[str], responded: int
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
    (folder / "survey_overview.json").write_text(
        json.dumps(
            {
                "surveyed": 33,
                "responded": responded,
                "iscm_responded": 20,
                "response_rate": responded / 33,
                "status_counts": {"formulated": 14, "in_process": 6, "unable_to_share": 7},
            }
        )
    )
    return folder


def test_changes_in_the_reports_words(tmp_path):
    old = load_snapshot(write_results(tmp_path / "old", 1, [], 27))
    new = load_snapshot(write_results(tmp_path / "new", 2, ["i"], 28))
    lines = describe_changes(old, new, REGIONS, THEMES)
    assert "Americas, theme 1: respondents 1 → 2" in lines
    assert "Americas, theme 1: element (i) is now recurrent" in lines
    assert "Element (i) is now recurrent in all two regions (was 1)" in lines
    assert "Responding entities: 27 → 28" in lines
    assert "Response rate: 82% → 85%" in lines
    assert not any("theme 4" in line for line in lines)


def test_no_change_and_first_build(tmp_path):
    write_results(tmp_path / "summary", 1, [], 27)
    tables = {"regions": REGIONS, "themes": THEMES}
    html, text = tmp_path / "changes.html", tmp_path / "changes.txt"
    first = report_changes(
        tmp_path / "summary", tmp_path / "previous", tables, TEMPLATE, html, text
    )
    assert first is None and "no previous build" in text.read_text()
    second = report_changes(
        tmp_path / "summary", tmp_path / "previous", tables, TEMPLATE, html, text
    )
    assert second == [] and "none since the previous build" in text.read_text()


def test_html_escapes_names(tmp_path):
    regions = REGIONS.assign(short_name=["<b>Africa</b>", "Americas"])
    write_results(tmp_path / "previous", 1, [], 27)
    write_results(tmp_path / "summary", 1, [], 27)
    (tmp_path / "summary" / "theme_respondents.csv").write_text(
        "region_id,theme_id,respondents\nafrica,T1,7\nafrica,T4,3\namericas,T1,1\namericas,T4,2\n"
    )
    report_changes(
        tmp_path / "summary",
        tmp_path / "previous",
        {"regions": regions, "themes": THEMES},
        TEMPLATE,
        tmp_path / "c.html",
        tmp_path / "c.txt",
    )
    page = (tmp_path / "c.html").read_text()
    assert "&lt;b&gt;Africa&lt;/b&gt;, theme 1: respondents 6 → 7" in page
