"""build/validation.html and .csv always describe the current inputs, and say when the documents
in build/ do not: after a failed run, a restore that keeps the old timestamp, or a crash."""

from __future__ import annotations

import datetime
import json
import os
import shutil
from pathlib import Path

import pytest

from meeting_report import validate_stage
from meeting_report.validate_stage import (
    InvalidInputs,
    ValidationIncomplete,
    marked,
    stale_outputs_notice,
    validate_or_stop,
)
from tests.conftest import TEMPLATES_DIR
from tests.unit.test_validation_limits import stage

EMPTY_CSV = "file,row,column,value,problem,expected\n"
# 2026-11-20 14:03:30 UTC, when the pretend last successful build wrote its manifest.
BUILT_AT = datetime.datetime(2026, 11, 20, 14, 3, 30, tzinfo=datetime.UTC).timestamp()


def write_manifest(path: Path, commit: str | None = "1c3706892a6a4f0e", dirty: bool = False):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"project": {"commit": commit, "dirty": dirty}}), encoding="utf-8")
    os.utime(path, (BUILT_AT, BUILT_AT))
    return path


def read(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def test_report_is_current_after_a_restore_that_keeps_the_old_timestamp(tmp_path):
    paths = stage(tmp_path)
    regions = Path(paths["raw_dir"], "regions.csv")
    backup = tmp_path / "regions.backup.csv"
    shutil.copy2(regions, backup)
    regions.write_text("region_id,name\nafrica,\neurope,Europe\n", encoding="utf-8")
    with pytest.raises(InvalidInputs):
        validate_or_stop(**paths)
    assert "1 problem</strong> found" in read(paths["report_html"])
    assert read(paths["report_csv"]).count("\n") == 2

    shutil.copy2(backup, regions)  # `cp -p`: the file is older than the report
    assert regions.stat().st_mtime < Path(paths["report_html"]).stat().st_mtime
    validate_or_stop(**paths)
    assert "All 3 files are valid" in read(paths["report_html"])
    assert read(paths["report_csv"]) == EMPTY_CSV


def test_report_is_current_after_a_crash(tmp_path, monkeypatch, capsys):
    paths = stage(tmp_path)
    validate_or_stop(**paths)
    assert "All 3 files are valid" in read(paths["report_html"])

    def crash(*args, **kwargs):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(validate_stage, "validate_directory", crash)
    with pytest.raises(ValidationIncomplete) as stop:
        validate_or_stop(**paths)
    assert stop.value.code == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(
        f"Validation of {paths['raw_dir']} could not complete: RuntimeError: boom second line (at "
    )
    page = read(paths["report_html"])
    assert "files are valid" not in page
    assert "could not complete" in page and "RuntimeError: boom second line" in page
    assert read(paths["report_csv"]).startswith(EMPTY_CSV + ",,,,validation could not complete: ")


def test_report_is_written_even_when_the_template_is_broken(tmp_path, monkeypatch, capsys):
    paths = {**stage(tmp_path), "templates_dir": str(tmp_path / "no-templates")}
    with pytest.raises(ValidationIncomplete):
        validate_or_stop(**paths)
    assert "TemplateNotFound" in capsys.readouterr().err
    assert "could not complete" in read(paths["report_html"])


def test_unchanged_reports_are_not_rewritten(tmp_path):
    paths = stage(tmp_path)
    for broken in (False, True):
        if broken:
            Path(paths["raw_dir"], "regions.csv").write_text("region_id,name\nafrica,\n")
        for _ in range(2):
            try:
                validate_or_stop(**paths)
            except InvalidInputs:
                assert broken
            for key in ("report_html", "report_csv"):
                os.utime(paths[key], (BUILT_AT, BUILT_AT))
        # The second run found the same bytes and left the files (and their mtimes) alone.
        assert Path(paths["report_html"]).stat().st_mtime == BUILT_AT
        assert Path(paths["report_csv"]).stat().st_mtime == BUILT_AT


def test_reports_are_reproducible(tmp_path, monkeypatch):
    # Two checkouts, same inputs: same bytes (no clock, no machine path in the report).
    pages = []
    for name in ("a", "b"):
        stage(tmp_path / name)
        Path(tmp_path / name / "raw" / "regions.csv").write_text("region_id,name\nafrica,\n")
        monkeypatch.chdir(tmp_path / name)
        with pytest.raises(InvalidInputs):
            validate_or_stop(
                "raw",
                "datapackage.json",
                "build/validation.html",
                "build/validation.csv",
                templates_dir=TEMPLATES_DIR,
            )
        pages.append(Path("build/validation.html").read_bytes())
        pages.append(Path("build/validation.csv").read_bytes())
    assert pages[:2] == pages[2:]


# --- documents from the last successful build -----------------------------------------------


def test_stale_notice_names_the_last_build(tmp_path):
    manifest = write_manifest(tmp_path / "build" / "manifest.json")
    folder = (tmp_path / "build").as_posix()
    assert stale_outputs_notice(manifest) == (
        f"The documents in {folder}/ are from the last successful build (commit 1c37068, "
        "2026-11-20T14:03Z) and do not match the current inputs."
    )


def test_stale_notice_with_uncommitted_changes_or_no_commit(tmp_path):
    manifest = write_manifest(tmp_path / "manifest.json", dirty=True)
    assert "(commit 1c37068 with uncommitted changes, 2026-11-20T14:03Z)" in (
        stale_outputs_notice(manifest) or ""
    )
    manifest = write_manifest(tmp_path / "manifest.json", commit=None)
    assert "(commit unknown, 2026-11-20T14:03Z)" in (stale_outputs_notice(manifest) or "")
    manifest.write_text("{not json")
    assert "commit unknown: its manifest cannot be read" in (stale_outputs_notice(manifest) or "")


def test_stale_notice_without_a_manifest(tmp_path):
    notice = stale_outputs_notice(tmp_path / "build" / "manifest.json")
    assert notice is not None and notice.startswith(
        "No documents have been built from these inputs"
    )
    assert stale_outputs_notice(None) is None


def test_failed_run_says_the_documents_are_stale_in_terminal_and_page(tmp_path, capsys):
    manifest = write_manifest(tmp_path / "build" / "manifest.json")
    paths = {**stage(tmp_path), "manifest": str(manifest)}
    validate_or_stop(**paths)  # valid: nothing is said about the documents
    assert capsys.readouterr().err == ""
    assert "last successful build" not in read(paths["report_html"])

    Path(paths["raw_dir"], "regions.csv").write_text("region_id,name\nafrica,\n")
    with pytest.raises(InvalidInputs):
        validate_or_stop(**paths)
    notice = stale_outputs_notice(manifest)
    assert capsys.readouterr().err.splitlines()[-1] == notice
    assert notice in read(paths["report_html"])


def test_crashed_run_says_the_documents_are_stale(tmp_path, capsys):
    paths = {**stage(tmp_path), "manifest": str(tmp_path / "build" / "manifest.json")}
    Path(paths["schema"]).write_text("{")
    with pytest.raises(ValidationIncomplete):
        validate_or_stop(**paths)
    err = capsys.readouterr().err.splitlines()
    assert "is not valid JSON" in err[0]
    assert err[1].startswith("No documents have been built from these inputs")
    assert "No documents have been built" in read(paths["report_html"])


# --- what a reader cannot see, shown on the page -----------------------------------------------


def test_marked_names_hidden_characters_and_shows_edge_spaces():
    space = '<span class="space-mark" title="space">␣</span>'
    assert marked("almaty ") == f"almaty{space}"
    assert marked("  a b ") == f"{space}{space}a b{space}"  # a space inside is just a space
    assert marked("afr\u200bica") == (
        'afr<span class="hidden-char">⟨U+200B zero-width space⟩</span>ica'
    )
    assert marked("x\u00a0") == 'x<span class="hidden-char">⟨U+00A0 no-break space⟩</span>'
    assert marked("\x07") == '<span class="hidden-char">⟨U+0007 control character⟩</span>'
    # Escaped: a cell is text, whatever it holds.
    assert marked("<b>&</b> ") == f"&lt;b&gt;&amp;&lt;/b&gt;{space}"
    assert marked("x" * 300) == "x" * 199 + "…"


def test_page_marks_stray_characters_and_says_the_fix_as_a_sentence(tmp_path):
    paths = stage(tmp_path)
    Path(paths["raw_dir"], "regions.csv").write_text(
        "region_id,name\nafrica ,Africa\neur\u200bope,<i>Europe</i>\n", encoding="utf-8"
    )
    Path(paths["raw_dir"], "responses.csv").write_text(
        "entity_id,status\nacp_euu,formulated\n", encoding="utf-8"
    )
    with pytest.raises(InvalidInputs):
        validate_or_stop(**paths)
    page = read(paths["report_html"])
    rows = page.split("<tbody>")[1].split("</tbody>")[0].strip().splitlines()
    assert rows == [
        "<tr><td>regions.csv</td><td>2</td><td>region_id</td>"
        '<td><code>africa<span class="space-mark" title="space">␣</span></code></td>'
        "<td>a space at the end</td><td>&#39;africa&#39;</td></tr>",
        "<tr><td>regions.csv</td><td>3</td><td>region_id</td>"
        '<td><code>eur<span class="hidden-char">⟨U+200B zero-width space⟩</span>ope</code></td>'
        "<td>an invisible character (U+200B zero-width space)</td>"
        "<td>&#39;europe&#39;</td></tr>",
        "<tr><td>responses.csv</td><td>2</td><td>entity_id</td><td><code>acp_euu</code></td>"
        "<td>unknown entity_id (not in entities.csv)</td>"
        "<td>one of: acp_eu, 007"
        '<span class="hint">Did you mean &#39;acp_eu&#39;?</span></td></tr>',
    ]
    assert "<i>" not in page
    # The CSV says the same in one sentence a spreadsheet shows.
    assert read(paths["report_csv"]).splitlines()[1:] == [
        "regions.csv,2,region_id,africa ,a space at the end,'africa'",
        "regions.csv,3,region_id,eur<U+200B>ope,an invisible character (U+200B zero-width space),"
        "'europe'",
        "responses.csv,2,entity_id,acp_euu,unknown entity_id (not in entities.csv),"
        "\"one of: acp_eu, 007 — did you mean 'acp_eu'?\"",
    ]
