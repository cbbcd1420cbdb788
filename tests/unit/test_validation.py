"""Each class of bad input the validator must catch, on a tiny Data Package of its own.

Every assertion names the file, the spreadsheet row (header = 1) and the column, as an author
would need them to find the cell.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from meeting_report.validate_stage import InvalidInputs, validate_or_stop
from meeting_report.validation import Problem, load_descriptor, validate_directory
from tests.conftest import ROOT, TEMPLATES_DIR

DESCRIPTOR = {
    "resources": [
        {
            "name": "regions",
            "path": "regions.csv",
            "schema": {
                "fields": [
                    {
                        "name": "region_id",
                        "type": "string",
                        "x-key": True,
                        "constraints": {"required": True, "pattern": "[a-z_]+"},
                    },
                    {"name": "name", "type": "string", "constraints": {"required": True}},
                ],
                "primaryKey": ["region_id"],
            },
        },
        {
            "name": "entities",
            "path": "entities.csv",
            "schema": {
                "fields": [
                    {
                        "name": "entity_id",
                        "type": "string",
                        "x-key": True,
                        "constraints": {"required": True},
                    },
                    {
                        "name": "kind",
                        "type": "string",
                        "constraints": {"required": True, "enum": ["rcp", "irf", "reo"]},
                    },
                    {
                        "name": "regions",
                        "type": "list",
                        "delimiter": ";",
                        "itemType": "string",
                        "x-key": True,
                    },
                    {"name": "seats", "type": "integer", "constraints": {"minimum": 0}},
                    {"name": "surveyed", "type": "boolean", "constraints": {"required": True}},
                    {"name": "website", "type": "string", "format": "uri"},
                    {"name": "note", "type": "string", "constraints": {"maxLength": 50}},
                ],
                "primaryKey": ["entity_id"],
                "foreignKeys": [
                    {
                        "fields": ["regions"],
                        "reference": {"resource": "regions", "fields": ["region_id"]},
                    }
                ],
            },
        },
        {
            "name": "responses",
            "path": "responses.csv",
            "schema": {
                "x-excludedReferences": [
                    {
                        "fields": ["entity_id"],
                        "reference": {"resource": "entities", "fields": ["entity_id"]},
                        "where": {"surveyed": "false", "kind": "reo"},
                        "message": "an unsurveyed REO cannot have responded",
                        "expected": "surveyed REOs only",
                    }
                ],
                "fields": [
                    {
                        "name": "entity_id",
                        "type": "string",
                        "x-key": True,
                        "constraints": {"required": True},
                    },
                    {"name": "status", "type": "string", "constraints": {"required": True}},
                ],
                "primaryKey": ["entity_id"],
                "foreignKeys": [
                    {
                        "fields": ["entity_id"],
                        "reference": {"resource": "entities", "fields": ["entity_id"]},
                    }
                ],
            },
        },
    ]
}

GOOD = {
    "regions.csv": "region_id,name\nafrica,Africa\neurope,Europe\n",
    "entities.csv": (
        "entity_id,kind,regions,seats,surveyed,website,note\n"
        "acp_eu,irf,africa;europe,3,true,https://example.org,\n"
        "007,rcp,africa,0,false,mailto:a@example.org,NA\n"
    ),
    "responses.csv": "entity_id,status\nacp_eu,formulated\n007,in_process\n",
}


def write(tmp_path: Path, **overrides: str | bytes | None) -> Path:
    files = {**GOOD, **{k.replace("__", "."): v for k, v in overrides.items()}}
    for name, content in files.items():
        if content is None:
            continue
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return tmp_path


def problems(tmp_path: Path, **overrides: str | bytes | None) -> list[Problem]:
    return validate_directory(write(tmp_path, **overrides), DESCRIPTOR).problems


def only(found: list[Problem]) -> Problem:
    assert len(found) == 1, [p.format() for p in found]
    return found[0]


def test_good_package_is_clean(tmp_path):
    report = validate_directory(write(tmp_path), DESCRIPTOR)
    assert report.problems == []
    # `007` stays text and `NA` stays text: nothing is coerced on the way in.
    rows = dict(report.tables["entities"].rows)
    assert rows[3]["entity_id"] == "007"
    assert rows[3]["note"] == "NA"


def test_missing_file(tmp_path):
    p = only(problems(tmp_path, responses__csv=None))
    assert (p.file, p.row, p.column) == ("responses.csv", None, None)
    assert "missing" in p.message


def test_empty_file(tmp_path):
    found = problems(tmp_path, regions__csv="")
    p = only([x for x in found if x.file == "regions.csv"])
    assert "empty" in p.message and "region_id, name" in p.expected
    # References into the broken file are not guessed at: the author is told they wait.
    assert any(x.file == "entities.csv" and "cannot be checked" in x.message for x in found)


def test_header_only_file(tmp_path):
    found = problems(tmp_path, responses__csv="entity_id,status\n")
    assert any(p.file == "responses.csv" and "no data rows" in p.message for p in found)


def test_not_utf8_names_the_row(tmp_path):
    latin1 = "region_id,name\nafrica,Africa\neurope,Europ\xe9\n".encode("latin-1")
    p = only([x for x in problems(tmp_path, regions__csv=latin1) if x.file == "regions.csv"])
    assert p.row == 3 and p.value == "e9"
    assert "UTF-8" in p.expected


def test_utf8_bom_is_accepted(tmp_path):
    bom = "\ufeffregion_id,name\nafrica,Africa\neurope,Europe\n".encode()
    assert problems(tmp_path, regions__csv=bom) == []


def test_semicolon_export(tmp_path):
    p = only(problems(tmp_path, responses__csv="entity_id;status\nacp_eu;formulated\n"))
    assert (p.file, p.row) == ("responses.csv", 1)
    assert "semicolons" in p.message and "comma-separated" in p.expected


@pytest.mark.parametrize(("line", "cells"), [("acp_eu,formulated,extra", 3), ("acp_eu", 1)])
def test_ragged_rows(tmp_path, line, cells):
    p = only(problems(tmp_path, responses__csv=f"entity_id,status\n{line}\n007,x\n"))
    assert (p.file, p.row) == ("responses.csv", 2)
    assert f"has {cells} cells but the header has 2" in p.message


def test_duplicate_header(tmp_path):
    found = problems(tmp_path, regions__csv="region_id,name,name\nafrica,A,B\n")
    assert any(p.row == 1 and p.column == "name" and "repeated" in p.message for p in found)


def test_blank_header(tmp_path):
    found = problems(tmp_path, regions__csv="region_id,name,\nafrica,Africa,\n")
    assert any(p.row == 1 and "header cell C is blank" in p.message for p in found)


def test_missing_required_column(tmp_path):
    found = problems(tmp_path, responses__csv="entity_id\nacp_eu\n")
    p = only([x for x in found if x.file == "responses.csv"])
    assert (p.row, p.column) == (1, "status") and "missing" in p.message


def test_unknown_column_suggests_the_right_name(tmp_path):
    found = problems(tmp_path, responses__csv="entity_id,statuss\nacp_eu,formulated\n")
    unknown = [p for p in found if p.message == "unknown column"]
    assert unknown[0].column == "statuss" and unknown[0].hint == "did you mean 'status'?"
    assert (
        unknown[0].format().endswith("expected one of: entity_id, status — did you mean 'status'?")
    )


def test_column_name_with_a_stray_character_is_one_problem(tmp_path):
    # Not also "unknown column" and "required column is missing": the name is right otherwise.
    for name, says in (("status ", "a space at the end"), ("sta\u200btus", "an invisible")):
        p = only(problems(tmp_path, responses__csv=f"entity_id,{name}\nacp_eu,f\n007,x\n"))
        assert (p.row, p.column, p.value) == (1, "status", name)
        assert p.message.startswith(f"column name has {says}") and p.expected == "exactly 'status'"


def test_empty_required_cell(tmp_path):
    p = only(problems(tmp_path, responses__csv="entity_id,status\nacp_eu,\n007,x\n"))
    assert (p.file, p.row, p.column) == ("responses.csv", 2, "status")
    assert "required cell is empty" in p.message


def test_code_outside_its_list_names_allowed_values(tmp_path):
    bad = GOOD["entities.csv"].replace("acp_eu,irf,", "acp_eu,IRF,")
    p = only(problems(tmp_path, entities__csv=bad))
    assert (p.file, p.row, p.column, p.value) == ("entities.csv", 2, "kind", "IRF")
    assert "rcp, irf, reo" in p.expected


def test_id_with_stray_whitespace(tmp_path):
    found = problems(tmp_path, regions__csv="region_id,name\nafrica ,Africa\neurope,Europe\n")
    # One problem, with its fix: not also a pattern failure, nor unknown ids in entities.csv.
    assert only(found).format() == (
        "regions.csv, row 2, column 'region_id': a space at the end (found 'africa '); "
        "expected 'africa'"
    )


def test_id_with_invisible_character(tmp_path):
    found = problems(tmp_path, regions__csv="region_id,name\nafr\u200bica,Africa\neurope,E\n")
    # The value is shown with the hidden character made visible, and named.
    assert only(found).format() == (
        "regions.csv, row 2, column 'region_id': an invisible character "
        "(U+200B zero-width space) (found 'afr<U+200B>ica'); expected 'africa'"
    )


# One stray space is one problem, whatever the cell: the checks read the value without it.
STRAY = [
    ("responses.csv", "entity_id,status\nacp_eu ,formulated\n007,x\n", "acp_eu ", "acp_eu"),
    ("entities.csv", GOOD["entities.csv"].replace("acp_eu,irf", "acp_eu,irf "), "irf ", "irf"),
    ("entities.csv", GOOD["entities.csv"].replace(",3,", ", 3,"), " 3", "3"),
    (
        "entities.csv",
        GOOD["entities.csv"].replace("africa;europe", "africa;europe\u00a0"),
        None,
        "",
    ),
    ("regions.csv", "region_id,name\n\u200bafrica,Africa\neurope,E\n", "\u200bafrica", "africa"),
]


@pytest.mark.parametrize(("file", "text", "value", "fixed"), STRAY)
def test_one_stray_character_is_one_problem(tmp_path, file, text, value, fixed):
    p = only(problems(tmp_path, **{file.replace(".", "__"): text}))
    assert p.file == file and p.row == 2
    if value is not None:
        assert (p.value, p.expected) == (value, f"'{fixed}'")


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("africa ", "a space at the end"),
        (" africa", "a space at the start"),
        ("  africa  ", "2 spaces at the start and 2 spaces at the end"),
        ("africa\u00a0", "a no-break space (U+00A0) at the end"),
        ('"africa\n"', "a line break at the end"),
        ("afr\u00adica", "an invisible character (U+00AD soft hyphen)"),
        (
            "afr\u202eica",
            "a bidirectional control character (U+202E right-to-left override), "
            "which can disguise text",
        ),
        ("afr\x07ica", "a control character (U+0007)"),
        (
            "africa\u200b \t",
            "a space and a tab at the end; an invisible character (U+200B zero-width space)",
        ),
    ],
)
def test_stray_characters_are_named_once(tmp_path, cell, message):
    p = only(problems(tmp_path, regions__csv=f"region_id,name\n{cell},Africa\neurope,E\n"))
    assert (p.row, p.column, p.message, p.expected) == (2, "region_id", message, "'africa'")


def test_stray_space_and_a_real_mistake_are_two_problems(tmp_path):
    found = problems(tmp_path, responses__csv="entity_id,status\nacp_euu ,formulated\n007,x\n")
    assert [p.message for p in found] == [
        "a space at the end",
        "unknown entity_id (not in entities.csv)",
    ]
    assert found[1].value == "acp_euu" and found[1].hint == "did you mean 'acp_eu'?"


def test_cell_of_spaces_only(tmp_path):
    p = only(problems(tmp_path, responses__csv="entity_id,status\nacp_eu,  \n007,x\n"))
    assert (p.row, p.column, p.message, p.expected) == (
        2,
        "status",
        "the cell holds only 2 spaces",
        "a value",
    )
    p = only(problems(tmp_path, entities__csv=GOOD["entities.csv"].replace(",NA\n", ", \n")))
    assert (p.message, p.expected) == ("the cell holds only a space", "an empty cell")


def test_no_break_space_inside_an_id_is_one_problem(tmp_path):
    text = "entity_id,status\nacp\u00a0eu,formulated\n007,x\n"
    p = only(problems(tmp_path, responses__csv=text))
    assert p.message == "a no-break space (U+00A0) inside an id or code"
    assert p.format().startswith("responses.csv, row 2, column 'entity_id': a no-break space")
    assert "(found 'acp<U+00A0>eu')" in p.format()
    # In free text it is typography, not a problem.
    assert problems(tmp_path, regions__csv="region_id,name\nafrica,A\u00a0B\neurope,E\n") == []


def test_stray_space_makes_a_duplicate_key_visible(tmp_path):
    found = problems(tmp_path, regions__csv="region_id,name\nafrica,A\nafrica ,B\neurope,E\n")
    assert [(p.row, p.message) for p in found] == [
        (2, "duplicate region_id in rows 2, 3"),
        (3, "a space at the end"),
    ]


def test_duplicate_keys_name_every_row(tmp_path):
    csv_text = "region_id,name\nafrica,Africa\neurope,Europe\nafrica,Afrique\nafrica,Afrika\n"
    p = only(problems(tmp_path, regions__csv=csv_text))
    assert (p.file, p.column) == ("regions.csv", "region_id")
    assert "rows 2, 4, 5" in p.message


def test_reference_to_unknown_id_across_files(tmp_path):
    p = only(problems(tmp_path, responses__csv="entity_id,status\nacp_euu,formulated\n"))
    assert (p.file, p.row, p.column, p.value) == ("responses.csv", 2, "entity_id", "acp_euu")
    # The expectation, then the suggestion: one sentence.
    assert p.format() == (
        "responses.csv, row 2, column 'entity_id': unknown entity_id (not in entities.csv) "
        "(found 'acp_euu'); expected one of: acp_eu, 007 — did you mean 'acp_eu'?"
    )


def test_reference_among_many_ids_reads_as_a_sentence(tmp_path):
    ids = "gfmd idm igad_rcp midcas midsa midwa midcom rcm cmc sacm arcp colombo bali almaty"
    entities = "entity_id,kind,regions,seats,surveyed,website,note\n" + "".join(
        f"{e},rcp,africa,0,true,,\n" for e in ids.split()
    )
    responses = "entity_id,status\nalmati,formulated\n"
    p = only(problems(tmp_path, entities__csv=entities, responses__csv=responses))
    assert p.format() == (
        "responses.csv, row 2, column 'entity_id': unknown entity_id (not in entities.csv) "
        "(found 'almati'); expected an existing entity_id from entities.csv — "
        "did you mean 'almaty'?"
    )


def test_code_in_the_wrong_case_is_suggested(tmp_path):
    bad = GOOD["entities.csv"].replace("acp_eu,irf,", "acp_eu,IRF,")
    p = only(problems(tmp_path, entities__csv=bad))
    assert p.format().endswith(
        "(found 'IRF'); expected one of: rcp, irf, reo — did you mean 'irf'?"
    )


def test_unknown_item_in_a_list_reference(tmp_path):
    bad = GOOD["entities.csv"].replace("africa;europe", "africa;asia")
    p = only(problems(tmp_path, entities__csv=bad))
    assert (p.row, p.column, p.value) == (2, "regions", "asia")
    assert "africa, europe" in p.expected


def test_ids_are_never_read_as_numbers(tmp_path):
    # `7` is not `007`: the reference stays unresolved instead of silently matching.
    p = only(problems(tmp_path, responses__csv="entity_id,status\nacp_eu,f\n7,g\n"))
    assert (p.row, p.value) == (3, "7")


def test_integer_with_leading_zero_or_text(tmp_path):
    bad = GOOD["entities.csv"].replace(",3,true", ",03,true").replace(",0,false", ",many,false")
    found = problems(tmp_path, entities__csv=bad)
    assert {(p.row, p.column) for p in found} == {(2, "seats"), (3, "seats")}


def with_missing_values(resource: str, values: list[str]) -> dict:
    """DESCRIPTOR, with `values` declared as `resource`'s missingValues."""
    descriptor = json.loads(json.dumps(DESCRIPTOR))
    for res in descriptor["resources"]:
        if res["name"] == resource:
            res["schema"]["missingValues"] = values
    return descriptor


def test_na_and_none_are_text_by_default(tmp_path):
    # Table Schema: only the empty cell is missing unless a schema lists more.
    regions = "region_id,name\nafrica,NA\neurope,None\n"
    assert problems(tmp_path, regions__csv=regions) == []


def test_declared_placeholder_in_required_cell(tmp_path):
    descriptor = with_missing_values("regions", ["", "None", "-"])
    raw = write(tmp_path, regions__csv="region_id,name\nafrica,None\neurope,NA\n")
    p = only(validate_directory(raw, descriptor).problems)
    assert (p.file, p.row, p.column, p.value) == ("regions.csv", 2, "name", "None")
    assert p.message == "required cell is missing (placeholder 'None' counts as empty)"


def test_declared_placeholder_in_optional_cell_asks_for_an_empty_cell(tmp_path):
    descriptor = with_missing_values("entities", ["", "n/a"])
    raw = write(tmp_path, entities__csv=GOOD["entities.csv"].replace(",NA\n", ",n/a\n"))
    p = only(validate_directory(raw, descriptor).problems)
    assert (p.row, p.column, p.value) == (3, "note", "n/a")
    assert "placeholder 'n/a'" in p.message and "empty cell" in p.expected


def test_package_missing_values_apply_where_a_resource_declares_none(tmp_path):
    descriptor = {**with_missing_values("regions", [""]), "missingValues": ["", "-"]}
    raw = write(tmp_path, regions__csv="region_id,name\nafrica,-\neurope,E\n")
    assert validate_directory(raw, descriptor).problems == []
    raw = write(tmp_path, responses__csv="entity_id,status\nacp_eu,-\n007,x\n")
    p = only(validate_directory(raw, descriptor).problems)
    assert (p.file, p.row, p.column) == ("responses.csv", 2, "status")


def test_bidi_override(tmp_path):
    found = problems(tmp_path, regions__csv="region_id,name\nafrica,Afr\u202eacia\neurope,E\n")
    assert any((p.row, p.column) == (2, "name") and "bidirectional" in p.message for p in found)


def test_control_character(tmp_path):
    found = problems(tmp_path, regions__csv="region_id,name\nafrica,Afr\x07ica\neurope,E\n")
    assert any((p.row, p.column) == (2, "name") and "control" in p.message for p in found)


def test_oversize_cell(tmp_path):
    bad = GOOD["entities.csv"].replace(",NA\n", "," + "x" * 51 + "\n")
    p = only(problems(tmp_path, entities__csv=bad))
    assert (p.row, p.column) == (3, "note") and "at most 50" in p.expected


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://example.org", "www.example.org"])
def test_link_that_is_not_http_or_mailto(tmp_path, link):
    bad = GOOD["entities.csv"].replace("https://example.org", link)
    found = problems(tmp_path, entities__csv=bad)
    assert found and all((p.row, p.column) == (2, "website") for p in found)
    assert any("http" in (p.expected or "") for p in found)


def test_unsafe_scheme_in_free_text(tmp_path):
    bad = GOOD["entities.csv"].replace(",NA\n", ",see javascript:void(0)\n")
    p = only(problems(tmp_path, entities__csv=bad))
    assert (p.row, p.column) == (3, "note") and "unsafe scheme" in p.message


def test_blank_row(tmp_path):
    p = only(problems(tmp_path, regions__csv="region_id,name\nafrica,Africa\n,\neurope,E\n"))
    assert (p.row, p.message) == (3, "blank row")


def test_pattern_and_boolean(tmp_path):
    bad = GOOD["entities.csv"].replace(",true,", ",yes,")
    p = only(problems(tmp_path, entities__csv=bad))
    assert (p.row, p.column) == (2, "surveyed") and p.expected == "true or false"
    found = problems(tmp_path, regions__csv="region_id,name\nAfrica,Africa\neurope,E\n")
    assert any((p.row, p.column) == (2, "region_id") for p in found)


def test_undeclared_csv(tmp_path):
    (tmp_path / "extra.csv").write_text("a\n1\n")
    found = problems(tmp_path)
    assert [p.file for p in found] == ["extra.csv"]


def test_every_problem_of_every_file_in_one_run(tmp_path):
    found = problems(
        tmp_path,
        regions__csv="region_id,name\nafrica,\neurope,E\n",
        entities__csv=GOOD["entities.csv"].replace("acp_eu,irf", "acp_eu,xx"),
        responses__csv="entity_id,status\nacp_eu,\n",
    )
    located = {(p.file, p.row, p.column) for p in found}
    assert located == {
        ("regions.csv", 2, "name"),
        ("entities.csv", 2, "kind"),
        ("responses.csv", 2, "status"),
    }
    # Reported in the descriptor's file order, then by row.
    assert [p.file for p in found] == ["regions.csv", "entities.csv", "responses.csv"]


def test_stage_writes_escaped_report_on_failure(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write(raw, regions__csv="region_id,name\nafrica,<script>alert(1)</script>\x07\n")
    schema = tmp_path / "dp.json"
    schema.write_text(json.dumps(DESCRIPTOR))
    html = tmp_path / "build" / "validation.html"
    with pytest.raises(InvalidInputs) as stop:
        validate_or_stop(
            str(raw),
            str(schema),
            str(html),
            str(tmp_path / "build" / "v.csv"),
            templates_dir=TEMPLATES_DIR,
        )
    assert stop.value.code == 1
    page = html.read_text()
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    assert "regions.csv" in page


def test_stage_reports_valid_inputs(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write(raw)
    schema = tmp_path / "dp.json"
    schema.write_text(json.dumps(DESCRIPTOR))
    validate_or_stop(
        str(raw),
        str(schema),
        str(tmp_path / "v.html"),
        str(tmp_path / "v.csv"),
        templates_dir=TEMPLATES_DIR,
    )
    assert "All 3 files are valid" in (tmp_path / "v.html").read_text()
    assert (tmp_path / "v.csv").read_text() == "file,row,column,value,problem,expected\n"


def test_reference_to_a_row_the_rules_exclude(tmp_path):
    bad = GOOD["entities.csv"].replace("007,rcp,africa,0,false", "007,reo,africa,0,false")
    p = only(problems(tmp_path, entities__csv=bad))
    assert (p.file, p.row, p.column, p.value) == ("responses.csv", 3, "entity_id", "007")
    assert "cannot have responded" in p.message and "surveyed false, kind reo" in p.message


def test_real_schema_takes_na_as_an_acronym_and_refuses_placeholders_in_hand_typed_lists(
    tmp_path,
):
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw", raw)
    descriptor = load_descriptor(ROOT / "schemas" / "datapackage.json")
    with (raw / "acronyms.csv").open("a", encoding="utf-8") as handle:
        handle.write("NA,North America\n")
    assert validate_directory(raw, descriptor).problems == []

    participants = (raw / "participants.csv").read_text(encoding="utf-8").splitlines()
    header = participants[0].split(",")
    row = next(csv.reader([participants[1]]))
    row[header.index("position")] = "n/a"
    participants[1] = ",".join(f'"{cell}"' for cell in row)
    (raw / "participants.csv").write_text("\n".join(participants) + "\n", encoding="utf-8")
    p = only(validate_directory(raw, descriptor).problems)
    assert (p.file, p.row, p.column, p.value) == ("participants.csv", 2, "position", "n/a")
    assert p.message == "required cell is missing (placeholder 'n/a' counts as empty)"
