"""Document outlines: read and checked (outline.py), laid out (layout.py), and what a document
reads learned from them (the Snakefile's inputs)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from meeting_report.blocks import Content
from meeting_report.documents import document_html
from meeting_report.layout import document_layout
from meeting_report.narrative import FootnoteCollector, NarrativeError, NarrativeRenderer
from meeting_report.outline import (
    OutlineError,
    document_inputs,
    file_pattern,
    load_outline,
    parse_outline,
    values_used,
)
from tests.conftest import CONTENT_DIR
from tests.real_documents import folders, make_data


def outline(parts: list[dict[str, Any]], **document: Any) -> Any:
    return parse_outline(
        {"title": "T", "kind": "K", "parts": parts, **document}, "doc", "outlines/doc.yaml"
    )


# --------------------------------------------------------------------------- reading


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ([{"title": "A", "blok": "x"}], r"unknown keys \['blok'\]"),
        ([{"title": "A", "block": "charts"}], "no data block 'charts'"),
        ([{"title": "A", "block": "chart", "with": {"chart": "x"}}], "needs `with: {caption"),
        (
            [{"title": "A", "block": "theme_list", "with": {"colour": "red"}}],
            "block 'theme_list' has no parameter 'colour'",
        ),
        ([{"markdown": "a.txt"}], "a Markdown part is a .md file"),
        ([{"block": "theme_list"}], "a part needs a `title:`"),
        ([{"title": "A", "for_each": "regions"}], "`for_each:` reads NAME in VALUE"),
        ([{"group": "G"}], "a `group:` needs `parts:`"),
        ([{"title": "A", "toc": "no"}], "'toc' must be true or false"),
        ([{"title": "A", "markdown": "a.md", "optional": "yes"}], "'optional' must be true"),
    ],
)
def test_a_faulty_outline_names_its_file_part_and_mistake(parts, message):
    with pytest.raises(OutlineError, match=message) as caught:
        outline(parts)
    assert str(caught.value).startswith("outlines/doc.yaml: parts[0]")


def test_a_document_without_an_outline_says_where_it_is_expected(tmp_path):
    with pytest.raises(OutlineError, match=r"no outline for the document 'brief'.*outlines"):
        load_outline(tmp_path, "brief")


def test_the_projects_outlines_read():
    for doc in ("summary_report", "highlights", "annexes"):
        assert load_outline(CONTENT_DIR, doc).parts


# --------------------------------------------------------------------------- inputs


def test_a_documents_inputs_come_from_its_outline():
    annexes = document_inputs(CONTENT_DIR, "annexes")
    assert str(CONTENT_DIR / "outlines" / "annexes.yaml") in annexes.narrative
    assert str(CONTENT_DIR / "outlines" / "summary_report.yaml") not in annexes.narrative
    # Every region's optional files are inputs (a glob for `{{ region.region_id }}`).
    assert str(CONTENT_DIR / "annexes/annex9_regions/europe_commonalities.md") in annexes.narrative
    assert {"agenda", "participants", "focus_areas", "entity_notes"} <= set(annexes.tables)
    assert annexes.shows_survey
    highlights = document_inputs(CONTENT_DIR, "highlights")
    assert highlights.tables == ("recommendations",) and not highlights.shows_survey
    summary = document_inputs(CONTENT_DIR, "summary_report")
    # The narrative quotes the delegates (participants, entities) and the survey.
    assert {"participants", "entities", "survey_responses", "acronyms"} <= set(summary.tables)
    assert str(CONTENT_DIR / "recommendations/P1.md") in summary.narrative


def test_the_values_a_text_reads():
    assert values_used("{{ counts.themes|words }} and {{ delegates.total }}") == {
        "counts": {"themes"},
        "delegates": {"total"},
    }
    assert values_used("{% for r in regions %}{{ r.name }}{% endfor %}") == {"regions": {""}}
    assert "survey" in values_used("{{ broken")  # the render job reports the error
    assert file_pattern("a/{{ region.region_id }}_note.md") == "a/*_note.md"


# --------------------------------------------------------------------------- layout


def layout(doc: str, content_dir: Path = CONTENT_DIR) -> dict[str, Any]:
    data = make_data(doc, content_dir)
    narrative = NarrativeRenderer(content_dir, data.values, FootnoteCollector("print"))
    labels = yaml.safe_load((content_dir / "labels.yaml").read_text(encoding="utf-8"))
    footnotes = load_outline(content_dir, doc).footnotes
    notes = narrative.data(footnotes) if footnotes else {}
    return document_layout(
        load_outline(content_dir, doc), data, narrative, Content(narrative, labels, notes)
    )


def test_numbers_running_heads_and_anchors_of_the_summary_report():
    document = layout("summary_report")
    entries = [(e["label"], e["level"]) for e in document["contents"]["entries"]]
    expected = [
        ("List of acronyms", 1),
        ("Introduction", 1),
        ("1. Background to the GRCP 7", 1),
        ("2. Summary of proceedings", 1),
        ("2.1 Key outcomes of the GRCP 7", 2),
    ]
    for (label, level), (start, wanted) in zip(entries, expected, strict=False):
        assert label.startswith(start) and level == wanted, label
    background = document["parts"][2]
    assert (background["number"], background["running"]) == ("1.", "1. Background")
    assert background["id"] == "background" and background["title_markdown"]
    priorities = document["parts"][4]["parts"][0]
    assert priorities["running"] == "3.1 Cross-regional priorities"
    assert priorities["heading_class"] == "subsection-heading"
    # The priorities are repeated per row of recommendations.csv, numbered as it numbers them.
    assert [p["number"] for p in priorities["parts"]] == ["1.", "2.", "3.", "4.", "5."]
    assert all(p["running"] is None for p in priorities["parts"])


def test_annexes_and_appendices_numbered_by_the_outline():
    document = layout("annexes")
    labels = [e["label"] for e in document["contents"]["entries"]]
    assert labels[0].startswith("Annex 1: Definition") and labels[3].startswith("Annex 4:")
    assert labels[4].startswith("Appendix I. Elements") and labels[5].startswith("Appendix 2.")
    survey = document["parts"][8]
    assert survey["label"].endswith(
        "for Africa, Americas, Asia, Pacific and the Middle East, and Europe."
    )
    assert survey["running"] == "Annex 9: Survey Results Summary"
    regions = survey["parts"][3]
    assert regions["group"] == "Overview of Survey Results per Region"
    assert [p["number"] for p in regions["parts"]] == [f"Appendix {n}." for n in range(2, 6)]
    assert regions["parts"][0]["id"] == "annex-9-africa"
    # Level-2 parts do not set the running head in the Annexes.
    assert all(p["running"] is None for p in survey["parts"][:3])


def test_an_outline_edit_changes_numbers_contents_and_body(tmp_path):
    content = Path(shutil.copytree(CONTENT_DIR, tmp_path / "content"))
    path = content / "outlines" / "annexes.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    parts = data["parts"]
    highlights, agenda = parts[2], parts[4]
    parts[2], parts[4] = agenda, highlights  # reorder
    del parts[7]  # the questionnaire
    parts.append({"markdown": "annexes/glossary.md"})  # a new annex
    (content / "annexes" / "glossary.md").write_text(
        "# Glossary of {{ meeting.short_title }}\n\nA word and its meaning.\n", encoding="utf-8"
    )
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    labels = [e["label"] for e in layout("annexes", content)["contents"]["entries"]]
    annexes = [label for label in labels if label.startswith("Annex")]
    expected = [
        "Annex 1: Definition",
        "Annex 2: The six thematic",
        "Annex 3: GRCP 7 Agenda",
        "Annex 4: GRCP 7 Background",
        "Annex 5: GRCP 7 Highlights",
        "Annex 6: GRCP 7 Session",
        "Annex 7: GRCP 7 Participant",
        "Annex 8: GRCP 7 Survey",
        "Annex 9: Glossary of GRCP 7",
    ]
    assert len(annexes) == len(expected)
    assert all(a.startswith(e) for a, e in zip(annexes, expected, strict=True)), annexes
    html = document_html("annexes", make_data("annexes", content), folders(content), "print")
    assert '<span class="heading-number">Annex 9:</span> Glossary of GRCP 7</h1>' in html
    assert "Questionnaire of the GRCP 7 Survey" not in html
    assert html.index("Annex 3:</span> GRCP 7 Agenda") < html.index(
        "Annex 5:</span> GRCP 7 Highlights"
    )


def test_titles_are_jinja_in_the_narratives_sandbox():
    narrative = NarrativeRenderer(
        CONTENT_DIR, {"meeting": {"city": "Geneva"}}, FootnoteCollector("print")
    )
    assert narrative.inline("In *{{ meeting.city }}*") == "In <em>Geneva</em>"
    assert narrative.inline("{{ meeting.city }}[^1] <b>x</b>") == "Geneva[^1] &lt;b&gt;x&lt;/b&gt;"
    with pytest.raises(NarrativeError, match=r"SecurityError|UndefinedError"):
        narrative.inline("{{ lipsum.__globals__ }}")
    with pytest.raises(NarrativeError):
        narrative.inline("{{ meeting.__class__ }}")
