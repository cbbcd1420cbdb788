"""The editorial note "About this edition" of each document, on the real data and reference."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from markupsafe import Markup

from meeting_report.documents import edition_context
from meeting_report.narrative import FootnoteCollector, NarrativeError, NarrativeRenderer
from meeting_report.outline import load_outline
from meeting_report.reconcile import Context, load_reference, reconcile
from tests.conftest import CONTENT_DIR, ROOT
from tests.real_documents import DOCS, make_data

CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
REFERENCE = ROOT / CONFIG["reference"]


# The published sections whose differences each document's note lists (its outline says).
SECTIONS = {doc: load_outline(CONTENT_DIR, doc).edition_note for doc in DOCS}


@pytest.fixture(scope="module")
def inputs() -> dict[str, Any]:
    """Each document's tables and survey summaries, as its render job computes them."""
    out = {}
    for doc in DOCS:
        data = make_data(doc)
        out[doc] = (data.tables, data.summaries)
    return out


def notes(inputs: dict[str, Any], reference: Path = REFERENCE) -> dict[str, list[str]]:
    return {
        doc: [n["id"] for n in edition_context(SECTIONS[doc], reference, *inputs[doc])["notes"]]
        for doc in DOCS
    }


def explained(inputs: dict[str, Any], reference: Path = REFERENCE) -> list[str]:
    """The reconciliation's explained differences, as the reconcile rule finds them."""
    tables, summaries = inputs["annexes"]
    tables = {**tables, **inputs["summary_report"][0]}
    ctx = Context(
        overview=summaries["overview"],
        results={
            k: summaries[k] for k in ("theme_respondents", "recurrent_elements", "cross_regional")
        },
        tables=tables,
    )
    rows = reconcile(load_reference(reference), ctx)
    return list(rows.loc[rows["status"] == "explained", "id"])


def test_the_notes_list_exactly_the_reconciliations_explained_differences(inputs):
    by_doc = notes(inputs)
    listed = [i for doc in by_doc.values() for i in doc]
    # Every explained difference is in the note of the document that prints it, once.
    assert sorted(listed) == sorted(explained(inputs))
    assert by_doc["summary_report"] == ["intro.iscm_entities", "s1.response_rate_percent"]
    assert by_doc["highlights"] == []
    assert all(
        i.split(".")[0] in {"annex2", "cross", "africa", "americas", "apme", "europe"}
        for i in by_doc["annexes"]
    )


def test_every_reference_entry_belongs_to_a_document():
    # An entry no document claims would be a difference that no note lists.
    prefixes = tuple(p for sections in SECTIONS.values() for p in sections or ())
    unclaimed = [e["id"] for e in load_reference(REFERENCE) if not e["where"].startswith(prefixes)]
    assert unclaimed == []


def test_one_more_explained_entry_grows_its_documents_note_by_one(inputs, tmp_path):
    reference = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    reference["entries"].append(
        {
            "id": "intro.delegates_typo",
            "where": "Introduction, seed line 105",
            "quote": "The GRCP 7 brought together 93 delegates",
            "published": 93,
            "computed": {"fn": "participants_count"},
            "explanation": "A test entry: the participant list has 92 rows.",
        }
    )
    grown = tmp_path / "reference.yaml"
    grown.write_text(yaml.safe_dump(reference, allow_unicode=True), encoding="utf-8")
    before, after = notes(inputs), notes(inputs, grown)
    assert after["summary_report"] == [*before["summary_report"], "intro.delegates_typo"]
    assert after["annexes"] == before["annexes"] and after["highlights"] == []
    assert sorted(i for doc in after.values() for i in doc) == sorted(explained(inputs, grown))


# --------------------------------------------------------------------------- narrative links


def _render(tmp_path: Path, text: str, edition: dict[str, Any] | None) -> Markup:
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    (content / "note.md").write_text(text, encoding="utf-8")
    context: dict[str, Any] = {"delegates": {"iscm_entities": 21, "total": 92}}
    if edition is not None:
        context["edition"] = edition
    return NarrativeRenderer(content, context, FootnoteCollector("screen"))("note.md")


EDITION = {
    "notes": [],
    "links": {"intro.iscm_entities": "#edition-note-intro-iscm-entities", "intro.delegates": ""},
}


def test_a_figure_that_differs_links_to_its_note(tmp_path):
    html = _render(
        tmp_path,
        '{{ delegates.total|edition_note("intro.delegates") }} delegates from '
        '{{ delegates.iscm_entities|edition_note("intro.iscm_entities") }} ISCMs.\n',
        EDITION,
    )
    assert '92 delegates from <a href="#edition-note-intro-iscm-entities">21</a> ISCMs.' in html


def test_without_a_note_the_figure_prints_alone(tmp_path):
    html = _render(tmp_path, '{{ delegates.iscm_entities|edition_note("x.y") }} ISCMs.\n', None)
    assert "<p>21 ISCMs.</p>" in html


def test_a_misspelt_figure_id_stops_the_build(tmp_path):
    with pytest.raises(NarrativeError, match=r"intro\.iscm_entitie"):
        _render(tmp_path, '{{ delegates.total|edition_note("intro.iscm_entitie") }}\n', EDITION)


def test_the_link_is_the_only_markdown_a_value_becomes(tmp_path):
    # The figure inside the link is escaped; a value filtered afterwards is text again.
    edition = {"notes": [], "links": {"a": "#edition-note-a"}}
    content = tmp_path / "content"
    content.mkdir()
    (content / "note.md").write_text(
        '{{ meeting.city|edition_note("a") }} / {{ meeting.city|edition_note("a")|capitalize }}\n',
        encoding="utf-8",
    )
    context = {"meeting": {"city": "[x](javascript:alert(1))"}, "edition": edition}
    html = NarrativeRenderer(content, context, FootnoteCollector("screen"))("note.md")
    # The cell's text prints literally, inside the one link; the capitalized copy is plain text.
    assert re.findall(r'href="([^"]*)"', html) == ["#edition-note-a"]
    assert ">[x](javascript:alert(1))</a>" in html
    # A hand-written link to anywhere else in the document stays text.
    (content / "note.md").write_text("[see](#fn-1) and [there](#edition-note-a)\n")
    html = NarrativeRenderer(content, context, FootnoteCollector("screen"))("note.md")
    assert 'href="#fn-1"' not in html and 'href="#edition-note-a"' in html
