"""The validation stage as an author meets it: `snakemake` on real and on broken data."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, snakemake

pytestmark = pytest.mark.slow
CSV_HEADER = "file,row,column,value,problem,expected\n"

# Every file the schema declares, counted from it (the report names their number).
RESOURCES = len(
    json.loads((ROOT / "schemas" / "datapackage.json").read_text(encoding="utf-8"))["resources"]
)


def edit_cell(path: Path, row: int, column: str, value: str) -> None:
    """Change one cell; `row` counts as a spreadsheet does (header = 1)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[row - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def test_real_data_validates(project_copy):
    snakemake(project_copy, "--cores", "1", "validate", check=True)
    page = (project_copy / "build/validation.html").read_text()
    assert f"All {RESOURCES} files are valid" in page
    assert (project_copy / "build/validation.csv").read_text() == CSV_HEADER


def test_broken_copy_lists_every_error_and_builds_nothing(project_copy):
    raw = project_copy / "data/raw"
    edit_cell(raw / "entities.csv", 21, "kind", "IRF ")
    edit_cell(raw / "participants.csv", 4, "entity_id", "almaty_process")
    edit_cell(raw / "survey_responses.csv", 3, "status", "")
    with (raw / "acronyms.csv").open("a", encoding="utf-8") as handle:
        handle.write("IOM,duplicate\n")
    (raw / "themes.csv").write_bytes((raw / "themes.csv").read_bytes().replace(b",", b";"))

    result = snakemake(project_copy, "--cores", "1")

    assert result.returncode == 1
    expected = [
        "entities.csv, row 21, column 'kind'",
        "participants.csv, row 4, column 'entity_id'",
        "survey_responses.csv, row 3, column 'status'",
        "acronyms.csv, row 8, column 'acronym': duplicate acronym in rows 8, 20",
        "themes.csv, row 1",
    ]
    for where in expected:
        assert where in result.stderr, where
    page = (project_copy / "build/validation.html").read_text()
    assert "almaty_process" in page and "semicolons" in page
    table = list(csv.DictReader((project_copy / "build/validation.csv").open(encoding="utf-8")))
    assert {row["file"] for row in table} >= {
        "entities.csv",
        "participants.csv",
        "survey_responses.csv",
        "acronyms.csv",
        "themes.csv",
    }
    # Nothing was ever built in this copy, and the terminal says so.
    assert "No documents have been built from these inputs" in result.stderr
    # Nothing downstream was planned, let alone written.
    assert not (project_copy / "results").exists()
    assert not (project_copy / "build/html").exists()
    assert not (project_copy / "build/pdf").exists()


def test_other_edition_through_config(project_copy, tmp_path):
    edition = tmp_path / "edition"
    (project_copy / "data/raw").rename(edition)
    edit_cell(edition / "regions.csv", 2, "region_id", "afrika")
    result = snakemake(project_copy, "--cores", "1", "validate", "--config", f"raw_dir={edition}")
    assert result.returncode == 1
    # The renamed region is now missing everywhere it is referenced.
    assert "entities.csv, row" in result.stderr and "'africa'" in result.stderr


def test_report_is_current_after_a_restore_with_the_old_timestamp(project_copy, tmp_path):
    regions = project_copy / "data/raw/regions.csv"
    shutil.copy2(regions, tmp_path / "regions.csv")
    edit_cell(regions, 2, "name", "")
    assert snakemake(project_copy, "--cores", "1", "validate").returncode == 1
    assert "1 problem</strong>" in (project_copy / "build/validation.html").read_text()

    shutil.copy2(tmp_path / "regions.csv", regions)  # `cp -p`: older than the report
    snakemake(project_copy, "--cores", "1", "validate", check=True)
    page = (project_copy / "build/validation.html").read_text()
    assert f"All {RESOURCES} files are valid" in page
    assert (project_copy / "build/validation.csv").read_text() == CSV_HEADER


def test_malformed_schema_is_one_line_and_a_report(project_copy):
    snakemake(project_copy, "--cores", "1", "validate", check=True)
    (project_copy / "schemas/datapackage.json").write_text('{"resources": [', encoding="utf-8")
    result = snakemake(project_copy, "--cores", "1", "validate")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        "Validation of data/raw could not complete: schema schemas/datapackage.json is not "
        "valid JSON" in result.stderr
    )
    page = (project_copy / "build/validation.html").read_text()
    assert "could not complete" in page and "files are valid" not in page
