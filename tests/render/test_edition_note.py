"""Each document's note "About this edition", laid out from its data; figures linked to it."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser
from typing import Any

import pytest

from meeting_report.pdf import pdf_bytes
from tests.conftest import ASSETS_DIR
from tests.render.conftest import DOCS, make_data, render

NOTE = {
    "id": "intro.iscm_entities",
    "anchor": "edition-note-intro-iscm-entities",
    "where": "Introduction",
    "quote": "including 52 from 22 RCPs, IRFs and global processes on migration",
    "published": "22",
    "data": "21",
    "reason": "Annex 7 lists 21 distinct ISCMs <not 22>.",
}


class _Note(HTMLParser):
    """Ids of the note's entries and the links to them."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "li" and (attributes.get("id") or "").startswith("edition-note-"):
            self.entries.append(attributes["id"] or "")
        if tag == "a" and (attributes.get("href") or "").startswith("#edition-note-"):
            self.links.append((attributes["href"] or "")[1:])


def with_notes(doc: str, notes: list[dict[str, str]]) -> Any:
    """`doc`'s data with an editorial note listing `notes` (every other figure unlinked)."""
    data = make_data(doc)
    links = dict.fromkeys(data.edition["links"], "")
    links.update({n["id"]: "#" + n["anchor"] for n in notes})
    edition = {"notes": notes, "links": links}
    values = {**data.values, "edition": edition}
    return dataclasses.replace(data, edition=edition, values=values)


@pytest.mark.parametrize("doc", DOCS)
def test_each_document_ends_with_its_note(doc) -> None:
    html = render(doc, with_notes(doc, [NOTE]))
    parsed = _Note()
    parsed.feed(html)
    assert parsed.entries == ["edition-note-intro-iscm-entities"]
    assert 'id="about-this-edition"' in html and ">About this edition</h1>" in html
    # Values are escaped like every other value.
    assert "Annex 7 lists 21 distinct ISCMs &lt;not 22&gt;." in html
    if doc == "summary_report":
        # The figure that differs links to its entry; those that do not are plain text.
        assert parsed.links == ["edition-note-intro-iscm-entities"]
        assert '<a href="#edition-note-intro-iscm-entities">21</a> RCPs' in html
        assert "brought together 92 delegates" in html


def test_a_document_without_differences_says_so() -> None:
    html = render("highlights", with_notes("highlights", []))
    assert "No figure or list printed in this document differs" in html
    assert '<ol class="edition-notes">' not in html


def test_the_note_grows_with_the_differences() -> None:
    # The Introduction links its delegate count to the note too (content/README.md).
    second = {**NOTE, "id": "intro.delegates", "anchor": "edition-note-intro-delegates"}
    parsed = _Note()
    parsed.feed(render("summary_report", with_notes("summary_report", [NOTE, second])))
    assert parsed.entries == ["edition-note-intro-iscm-entities", "edition-note-intro-delegates"]
    assert sorted(parsed.links) == sorted(parsed.entries)


def test_the_note_prints_without_warnings() -> None:
    html = render("summary_report", with_notes("summary_report", [NOTE]), medium="print")
    data = pdf_bytes(html, ASSETS_DIR, ASSETS_DIR, "2017-12-01T00:00:00Z", strict=True)
    assert data.startswith(b"%PDF")
