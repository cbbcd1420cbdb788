"""The validator never crashes and its report stays bounded, whatever the inputs hold.

Oversize cells, unreadable files, a broken schema or an unwritable report each end in one
located problem or one line naming the path, never a traceback; 100,000 bad rows give a short
terminal list, an HTML page a browser opens and a CSV with every problem.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meeting_report import validate_stage
from meeting_report.validate_stage import (
    HTML_MAX_PROBLEMS,
    TERMINAL_PER_FILE,
    InvalidInputs,
    ValidationIncomplete,
    validate_or_stop,
)
from meeting_report.validation import SchemaError, load_descriptor, validate_directory
from tests.conftest import TEMPLATES_DIR
from tests.unit.test_validation import DESCRIPTOR, GOOD, only, problems, write


def stage(tmp_path: Path, descriptor: dict | None = None) -> dict[str, str]:
    """Paths for validate_or_stop: raw/ with the good package, the schema, the two reports."""
    raw = tmp_path / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    write(raw)
    schema = tmp_path / "datapackage.json"
    schema.write_text(json.dumps(descriptor or DESCRIPTOR), encoding="utf-8")
    return {
        "raw_dir": str(raw),
        "schema": str(schema),
        "report_html": str(tmp_path / "build" / "validation.html"),
        "report_csv": str(tmp_path / "build" / "validation.csv"),
        "templates_dir": str(TEMPLATES_DIR),
    }


# --- cells longer than the csv module allows ------------------------------------------------


def test_cell_over_the_csv_field_limit_is_a_located_problem(tmp_path):
    assert csv.field_size_limit() < 200_000
    entities = GOOD["entities.csv"].replace(",NA\n", "," + "x" * 200_000 + "\n")
    found = problems(
        tmp_path,
        entities__csv=entities,
        regions__csv="region_id,name\nafrica,Africa\neurope,\n",
    )
    long = only([p for p in found if p.file == "entities.csv"])
    assert (long.row, long.column) == (3, "note")
    assert long.message == "cell is 200,000 characters long"
    assert long.expected == "at most 50 characters"
    assert len(long.format()) < 300
    # The other files' problems are still all there.
    assert [(p.file, p.row, p.column) for p in found if p.file != "entities.csv"] == [
        ("regions.csv", 3, "name")
    ]


def test_oversize_cell_without_max_length_and_field_limit_restored(tmp_path):
    before = csv.field_size_limit()
    regions = "region_id,name\nafrica," + "A" * 300_000 + "\neurope,E\n"
    p = only(problems(tmp_path, regions__csv=regions))
    assert (p.file, p.row, p.column) == ("regions.csv", 2, "name")
    assert p.expected == "at most 4,000 characters"
    assert csv.field_size_limit() == before


def test_huge_header_cell_is_shown_cut(tmp_path):
    name = "n" * 200_000
    found = problems(tmp_path, regions__csv=f"region_id,{name}\nafrica,A\n")
    assert any(p.message == "unknown column" for p in found)
    assert all(len(p.format()) < 1200 for p in found)


# --- files that cannot be read --------------------------------------------------------------


def test_unreadable_file_is_one_problem_and_the_others_are_checked(tmp_path, monkeypatch):
    raw = write(tmp_path, responses__csv="entity_id,status\nacp_eu,\n007,x\n")
    real = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == "regions.csv":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    found = validate_directory(raw, DESCRIPTOR).problems
    unreadable = only([p for p in found if p.file == "regions.csv"])
    assert (unreadable.row, unreadable.column) == (None, None)
    assert unreadable.message == "cannot be read: permission denied"
    assert str(tmp_path) not in unreadable.format()  # no machine path in the report
    assert ("responses.csv", 2, "status") in {(p.file, p.row, p.column) for p in found}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_file_without_read_permission(tmp_path):
    raw = write(tmp_path)
    (raw / "regions.csv").chmod(0)
    try:
        found = validate_directory(raw, DESCRIPTOR).problems
    finally:
        (raw / "regions.csv").chmod(0o644)
    assert any(
        p.file == "regions.csv" and p.message == "cannot be read: permission denied" for p in found
    )


def test_folder_or_fifo_in_place_of_a_file(tmp_path):
    raw = write(tmp_path, regions__csv=None, responses__csv=None)
    (raw / "regions.csv").mkdir()
    os.mkfifo(raw / "responses.csv")  # reading it would wait forever
    found = validate_directory(raw, DESCRIPTOR).problems
    assert {(p.file, p.message) for p in found if p.row is None and p.column is None} >= {
        ("regions.csv", "is not a regular file"),
        ("responses.csv", "is not a regular file"),
    }


def test_missing_data_folder_is_one_problem(tmp_path):
    [p] = validate_directory(tmp_path / "nowhere", DESCRIPTOR).problems
    assert p.message == "folder does not exist" and "regions.csv" in p.expected


# --- the schema -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "does not exist"),
        ('{"resources": [', "is not valid JSON: Expecting value (line 1, column 16)"),
        (b"\xff\xfe{}", "is not UTF-8 text"),
        ("[]", "is not a JSON object"),
        ('{"resources": []}', "has no list of resources"),
        ('{"resources": [{"name": "a", "path": "../a.csv", "schema": {"fields": []}}]}', "path"),
        ('{"resources": [{"name": "a", "path": "a.csv"}]}', "has no schema"),
        (
            '{"resources": [{"name": "a", "path": "a.csv", "schema": {"fields": [],'
            ' "missingValues": "NA"}}]}',
            "missingValues",
        ),
        (
            '{"resources": [{"name": "a", "path": "a.csv", "schema": {"fields": [{"name": "x"}],'
            ' "foreignKeys": [{"fields": ["x"], "reference": {"resource": "b", "fields": ["y"]}}]'
            "}}]}",
            "refers to a resource that is not declared",
        ),
        (
            '{"resources": [{"name": "a", "path": "a.csv", "schema": {"fields": [],'
            ' "foreignKeys": ["x"]}}]}',
            "has a reference without fields and a resource",
        ),
    ],
)
def test_schema_fault_is_one_line_naming_the_path(tmp_path, content, says):
    schema = tmp_path / "dp.json"
    if isinstance(content, bytes):
        schema.write_bytes(content)
    elif content is not None:
        schema.write_text(content, encoding="utf-8")
    with pytest.raises(SchemaError) as fault:
        load_descriptor(schema)
    assert str(schema) in str(fault.value) and says in str(fault.value)
    assert "\n" not in str(fault.value)


def test_stage_with_missing_schema_prints_one_line_and_writes_the_report(tmp_path, capsys):
    paths = stage(tmp_path)
    Path(paths["schema"]).unlink()
    with pytest.raises(ValidationIncomplete) as stop:
        validate_or_stop(**paths)
    assert stop.value.code == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line == (
        f"Validation of {paths['raw_dir']} could not complete: "
        f"schema {paths['schema']} does not exist"
    )
    page = Path(paths["report_html"]).read_text(encoding="utf-8")
    assert "could not complete" in page and "does not exist" in page


# --- reports that cannot be written ---------------------------------------------------------


def test_unwritable_report_is_one_line_naming_the_path(tmp_path, capsys):
    paths = stage(tmp_path)
    (tmp_path / "build").write_text("a file where the build folder should be")
    with pytest.raises(ValidationIncomplete):
        validate_or_stop(**paths)
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        f"Cannot write {paths[key]}: a file stands where one of its folders should be."
        for key in ("report_html", "report_csv")
    ]


def test_read_only_build_folder(tmp_path, capsys, monkeypatch):
    paths = stage(tmp_path)

    def refuse(path, data):
        raise PermissionError(13, "Permission denied", str(path))

    # As root a chmod would not stop the write; this is what a read-only folder raises.
    monkeypatch.setattr(validate_stage, "atomic_write_bytes", refuse)
    with pytest.raises(ValidationIncomplete):
        validate_or_stop(**paths)
    err = capsys.readouterr().err
    assert f"Cannot write {paths['report_html']}: permission denied." in err
    assert "Traceback" not in err


# --- any byte sequence ----------------------------------------------------------------------

CSV_ALPHABET = st.sampled_from(
    [
        *(",", ";", '"', "\n", "\r", "\t", " ", "a", "Z", "0", "7", "-", "NA", "africa", "é"),
        *("\x00", "\u202e", "\u200b", "\ufeff", "\x85", "\u2028", "=", "javascript:", "x" * 50),
    ]
)
ANY_CONTENT = st.one_of(
    st.binary(max_size=2000),
    st.lists(CSV_ALPHABET, max_size=200).map(lambda parts: "".join(parts).encode()),
    st.lists(CSV_ALPHABET, max_size=200).map(
        lambda parts: ("region_id,name\n" + "".join(parts)).encode()
    ),
)


@settings(
    max_examples=300,
    deadline=None,
    database=None,  # no saved examples: each run tries fresh inputs
)
@given(regions=ANY_CONTENT, responses=ANY_CONTENT)
def test_any_bytes_never_crash_the_validator(regions, responses):
    with tempfile.TemporaryDirectory() as folder:
        paths = stage(Path(folder))
        Path(paths["raw_dir"], "regions.csv").write_bytes(regions)
        Path(paths["raw_dir"], "responses.csv").write_bytes(responses)
        report = validate_directory(paths["raw_dir"], DESCRIPTOR)
        assert all(p.file and p.message and p.format() for p in report.problems)
        # InvalidInputs is expected; ValidationIncomplete would mean the validator failed.
        with contextlib.suppress(InvalidInputs):
            validate_or_stop(**paths)
        assert Path(paths["report_html"]).is_file() and Path(paths["report_csv"]).is_file()


# --- 100,000 bad rows -----------------------------------------------------------------------


def test_100000_bad_rows_give_bounded_reports_and_a_full_csv(tmp_path, capsys):
    paths = stage(tmp_path)
    rows = "".join(f"e{i},IRF,asia,x,yes,www.e{i}.org,\n" for i in range(100_000))
    header = GOOD["entities.csv"].splitlines()[0]
    Path(paths["raw_dir"], "entities.csv").write_text(f"{header}\n{rows}", encoding="utf-8")
    Path(paths["raw_dir"], "regions.csv").write_text(
        "region_id,name\nafrica,\neurope,Europe\n", encoding="utf-8"
    )

    started = time.perf_counter()
    with pytest.raises(InvalidInputs):
        validate_or_stop(**paths)
    elapsed = time.perf_counter() - started

    err = capsys.readouterr().err.splitlines()
    # Five problems a row, plus the responses that no longer find their entity.
    assert err[-1].startswith("500,003 problems in ")
    assert "(regions.csv: 1, entities.csv: 500,000, responses.csv: 2)" in err[-1]
    assert paths["report_csv"] in err[-1]
    assert len(err) <= 1 + 3 * (TERMINAL_PER_FILE + 1) + 1
    assert "… and 499,980 more problems in entities.csv (500,000 in all)" in err

    page = Path(paths["report_html"]).read_text(encoding="utf-8")
    assert len(page.encode()) < 1_500_000
    assert page.count("<tr>") == HTML_MAX_PROBLEMS + 1  # and the header row
    assert "499,003 more are not shown" in page and 'href="validation.csv"' in page

    with open(paths["report_csv"], encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert len(table) == 500_003
    assert table[1] == {
        "file": "entities.csv",
        "row": "2",
        "column": "kind",
        "value": "IRF",
        "problem": "code not in its list",
        "expected": "one of: rcp, irf, reo — did you mean 'irf'?",
    }
    # A guard against anything quadratic, not a benchmark: about 5 s on the 2-core machine.
    assert elapsed < 60, elapsed


def test_100000_duplicates_are_one_problem_of_bounded_length(tmp_path):
    rows = "".join("africa,Africa\n" for _ in range(100_000))
    p = only(problems(tmp_path, regions__csv=f"region_id,name\n{rows}europe,Europe\n"))
    assert p.message == "duplicate region_id in rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 99,990 more"


def test_terminal_shows_twenty_problems_a_file(tmp_path, capsys):
    paths = stage(tmp_path)
    rows = "".join(f"r{chr(97 + i)},\n" for i in range(25))
    Path(paths["raw_dir"], "regions.csv").write_text(
        f"region_id,name\nafrica,Africa\neurope,Europe\n{rows}", encoding="utf-8"
    )
    with pytest.raises(InvalidInputs):
        validate_or_stop(**paths)
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "Invalid inputs:"
    assert len([line for line in err if line.startswith("regions.csv, row")]) == 20
    assert err[21] == "… and 5 more problems in regions.csv (25 in all)"
    assert err[22].startswith("25 problems in ") and "every problem is also in" in err[22]


def test_csv_report_is_spreadsheet_safe(tmp_path):
    paths = stage(tmp_path)
    Path(paths["raw_dir"], "regions.csv").write_text(
        'region_id,name\nafrica,"=HYPERLINK(""http://x"")"\x07\neurope,E\n', encoding="utf-8"
    )
    with pytest.raises(InvalidInputs):
        validate_or_stop(**paths)
    [row] = list(csv.DictReader(io.StringIO(Path(paths["report_csv"]).read_text())))
    assert row["value"].startswith("'=HYPERLINK") and row["value"].endswith("<U+0007>")
