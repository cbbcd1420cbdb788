"""The redline reads a document's text as a reader sees it, section by section, and words
what changed: sentences, list items and table rows added, removed or changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from meeting_report.changes import RESULT_NAMES
from meeting_report.redline import (
    MAX_ENTRIES,
    NO_PREVIOUS,
    Entry,
    Section,
    diff_document,
    diff_units,
    read_sections,
    sentences,
    update_redline,
    word_marks,
)
from tests.conftest import ROOT

TEMPLATE = ROOT / "templates" / "changes.html.j2"
DOCS = ["report"]
RECORD = {"commit": "0123456789abcdef", "dirty": False, "time": "2026-11-30 12:00 UTC"}

PAGE = """<!DOCTYPE html><html lang="en"><head><title>T</title><style>p { color: red }</style>
<script>var x = "Not text.";</script></head><body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header" role="banner"><p>Page furniture</p></header>
<section class="cover"><p class="cover-title">The Report</p></section>
<nav class="toc"><h1>Table of contents</h1><ol><li><a href="#a">Annex 1</a></li></ol></nav>
<main>
<h1 id="a">Annex 1<a class="footnote-ref" href="#fn-1"><sup>1</sup></a></h1>
<p>First sentence, e.g. with an abbreviation. Second sentence<a class="footnote-ref"
href="#fn-2"><sup>2</sup></a> ends here.</p>
<figure><figcaption><span>Figure 1.</span> Respondents by region</figcaption>
<svg><text>99</text></svg></figure>
<h2>Participants</h2>
<table><caption class="visually-hidden">Participants</caption>
<thead><tr><th>#</th><th>Name</th><th>Position</th></tr></thead>
<tbody><tr><td>1.</td><th>Ms A</th><td>Director</td></tr></tbody></table>
<h3>Lists</h3>
<ul><li>Priorities for all regions:<ul><li>Remittances (element “h”).</li></ul></li>
<li><p>Theme 1: two respondents.</p><p>Human rights.</p></li></ul>
<h4>Minor heading</h4>
<dl><dt>Published</dt><dd>27</dd><dt>Why</dt><dd>Line one<br>line two.</dd></dl>
<h1>Annex 2</h1><p>Other text.</p>
</main>
<section class="footnotes" role="doc-endnotes"><h2>Notes</h2>
<ol><li id="fn-1">A note. <a class="footnote-back" href="#fnref-1">↩</a></li></ol></section>
<footer role="contentinfo"><p>© 2017</p></footer>
</body></html>"""


def test_sentences_keep_abbreviations_and_figure_labels_together():
    assert sentences("One, e.g. this. Two (para. 16). Figure 1. A caption. H.E. Mr X spoke.") == [
        "One, e.g. this.",
        "Two (para. 16).",
        "Figure 1. A caption.",
        "H.E. Mr X spoke.",
    ]
    assert sentences("It said “yes.” Then it stopped!") == ["It said “yes.”", "Then it stopped!"]


def test_sections_hold_what_a_reader_sees():
    sections = {tuple(s.path): s.units for s in read_sections(PAGE)}
    assert list(sections) == [
        (),
        ("Annex 1",),
        ("Annex 1", "Participants"),
        ("Annex 1", "Participants", "Lists"),
        ("Annex 2",),
        ("Notes",),
    ]
    assert sections[()] == [("sentence", "The Report")]
    assert sections[("Annex 1",)] == [
        ("sentence", "First sentence, e.g. with an abbreviation."),
        ("sentence", "Second sentence ends here."),
        ("sentence", "Figure 1. Respondents by region"),
    ]
    assert sections[("Annex 1", "Participants")] == [
        ("row", "# | Name | Position"),
        ("row", "1. | Ms A | Director"),
    ]
    assert sections[("Annex 1", "Participants", "Lists")] == [
        ("item", "Priorities for all regions:"),
        ("item", "Remittances (element “h”)."),
        ("item", "Theme 1: two respondents. Human rights."),
        ("heading", "Minor heading"),
        ("item", "Published: 27"),
        ("item", "Why: Line one line two."),
    ]
    # The notes are a section of their own, not part of the last chapter.
    assert sections[("Notes",)] == [("item", "A note.")]


def test_changed_added_and_removed_units():
    old = [("row", "1. | Ms A | Director"), ("row", "2. | Mr B | Adviser"), ("sentence", "Gone.")]
    new = [
        ("row", "1. | Ms A | Director General"),
        ("row", "2. | Mr B | Adviser"),
        ("row", "3. | Ms C | Counsellor"),
    ]
    assert diff_units(old, new) == [
        Entry("changed", "row", "1. | Ms A | Director", "1. | Ms A | Director General"),
        Entry("removed", "sentence", old="Gone."),
        Entry("added", "row", new="3. | Ms C | Counsellor"),
    ]


def test_a_rewritten_sentence_is_removed_and_added_not_changed():
    old = [("sentence", "The meeting was long.")]
    new = [("sentence", "Delegates from all regions attended in person.")]
    assert [e.op for e in diff_units(old, new)] == ["removed", "added"]


def test_sections_added_removed_and_renamed():
    old = [
        Section(["Annex 1"], [("sentence", "Kept.")]),
        Section(["Annex 2: Old title"], [("sentence", "Same text."), ("sentence", "More.")]),
        Section(["Annex 3"], [("sentence", "Dropped.")]),
    ]
    new = [
        Section(["Annex 1"], [("sentence", "Kept.")]),
        Section(["Annex 2: New title"], [("sentence", "Same text."), ("sentence", "More.")]),
        Section(["Annex 4"], [("sentence", "Brand new."), ("sentence", "Twice.")]),
    ]
    changes = diff_document(old, new)
    assert [(c.status, c.title, c.old_title, c.units) for c in changes] == [
        ("renamed", "Annex 2: New title", "Annex 2: Old title", 0),
        ("removed", "Annex 3", None, 1),
        ("added", "Annex 4", None, 2),
    ]


def test_entries_are_bounded_per_section():
    old = [Section(["A"], [])]
    new = [Section(["A"], [("item", f"Item {i}") for i in range(MAX_ENTRIES + 7)])]
    (change,) = diff_document(old, new)
    assert len(change.entries) == MAX_ENTRIES and change.more == 7


def test_word_marks():
    before, after = word_marks(
        "Counsellor (migration, health)", "Counsellor (migration and health)"
    )
    assert before == [
        (False, "Counsellor "),
        (True, "(migration,"),
        (False, " "),
        (False, "health)"),
    ]
    assert after == [
        (False, "Counsellor "),
        (True, "(migration and"),
        (False, " "),
        (False, "health)"),
    ]


# --------------------------------------------------------------------------- update_redline


def build(tmp: Path, body: str, survey_total: int = 27) -> tuple[Path, Path, Path]:
    """A minimal build/ and results/: one document and the survey result files."""
    build_dir, results, raw = tmp / "build", tmp / "results", tmp / "raw"
    (build_dir / "html").mkdir(parents=True, exist_ok=True)
    (build_dir / "html" / "report.html").write_text(
        f"<html><head><style>h1 {{}}</style></head><body>{body}</body></html>", encoding="utf-8"
    )
    summary = results / "summary"
    summary.mkdir(parents=True, exist_ok=True)
    (summary / "theme_respondents.csv").write_text("region_id,theme_id,respondents\n")
    (summary / "recurrent_elements.csv").write_text(
        "region_id,theme_id,element_id,mentions,respondents\n"
    )
    (summary / "cross_regional.csv").write_text(
        "element_id,theme_id,regions_recurrent,region_ids\n"
    )
    (summary / "survey_overview.json").write_text(json.dumps({"responded": survey_total}))
    raw.mkdir(exist_ok=True)
    (raw / "regions.csv").write_text("region_id,name,short_name\n")
    (raw / "themes.csv").write_text("theme_id,number\n")
    (raw / "elements.csv").write_text("element_id,theme_id,phrase\n")
    (raw / "entities.csv").write_text("entity_id,name,short_name\n")
    return build_dir, results, raw


def run(build_dir: Path, results: Path, raw: Path) -> str | None:
    return update_redline(build_dir, results, DOCS, raw, TEMPLATE, record=RECORD)


def test_first_build_then_changes_then_nothing(tmp_path):
    paths = build(tmp_path, "<h1>Conclusions</h1><p>It was a watershed moment. It ended.</p>")
    first = run(*paths)
    assert first is not None and NO_PREVIOUS in first
    assert NO_PREVIOUS in (paths[0] / "changes.html").read_text(encoding="utf-8")
    assert (paths[1] / "previous" / "text" / "report.json").is_file()
    assert sorted(p.name for p in (paths[1] / "previous" / "summary").iterdir()) == sorted(
        RESULT_NAMES
    )

    paths = build(tmp_path, "<h1>Conclusions</h1><p>It was a decisive moment. It ended.</p>", 28)
    text = run(*paths)
    assert text is not None
    assert (
        "Report\n"
        "  Conclusions\n"
        "    sentence changed\n"
        "      was: It was a watershed moment.\n"
        "      now: It was a decisive moment.\n"
        "Survey figures\n"
        "  Responding entities: 27 → 28\n"
    ) in text
    page = (paths[0] / "changes.html").read_text(encoding="utf-8")
    assert "<del>watershed</del> " in page and "<ins>decisive</ins> " in page
    assert "commit <code>0123456789ab</code>" in page

    # Nothing changed since: the redline is kept as it was.
    before = (paths[0] / "changes.html").stat().st_mtime_ns
    assert run(*paths) is None
    assert (paths[0] / "changes.html").stat().st_mtime_ns == before


def test_markup_only_changes_keep_the_redline(tmp_path):
    paths = build(tmp_path, "<h1>A</h1><p>Text.</p>")
    run(*paths)
    html = paths[0] / "html" / "report.html"
    html.write_text(html.read_text().replace("<p>Text.</p>", '<p class="x">Text.</p>'))
    before = (paths[0] / "changes.html").read_bytes()
    assert run(*paths) is None
    assert (paths[0] / "changes.html").read_bytes() == before
    snapshot = json.loads((paths[1] / "previous" / "text" / "report.json").read_text())
    assert snapshot["source_sha256"]  # renewed, so the next run need not read the page again


def test_nothing_is_compared_until_every_document_is_built(tmp_path):
    paths = build(tmp_path, "<p>Text.</p>")
    (paths[0] / "html" / "report.html").unlink()
    assert run(*paths) is None
    assert not (paths[0] / "changes.html").exists()


def test_the_old_survey_snapshot_is_taken_over(tmp_path):
    paths = build(tmp_path, "<h1>A</h1><p>Text.</p>", 28)
    shutil.copytree(paths[1] / "summary", paths[1] / "previous_summary")
    (paths[1] / "previous_summary" / "survey_overview.json").write_text('{"responded": 27}')
    text = run(*paths)
    assert "Report: no previous build of this document to compare with" in text
    assert "Responding entities: 27 → 28" in text
    assert not (paths[1] / "previous_summary").exists()


def test_the_page_escapes_the_documents_text(tmp_path):
    paths = build(tmp_path, "<h1>A &lt;b&gt;</h1><p>Use &lt;script&gt; here.</p>")
    run(*paths)
    build(tmp_path, "<h1>A &lt;b&gt;</h1><p>Use &lt;script&gt; there.</p>")
    run(*paths)
    page = (paths[0] / "changes.html").read_text(encoding="utf-8")
    assert "<h3>A &lt;b&gt;</h3>" in page
    assert "Use &lt;script&gt; <del>here.</del>" in page and "<script>" not in page
