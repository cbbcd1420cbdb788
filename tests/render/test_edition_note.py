"""Each document's note "About this edition", laid out from the context; figures linked to it."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from meeting_report.pdf import pdf_bytes
from meeting_report.render import render_html
from tests.conftest import ASSETS_DIR
from tests.render.conftest import NARRATIVE_FILES, write_content

NOTE = {
    "id": "intro.iscm_entities",
    "anchor": "edition-note-intro-iscm-entities",
    "where": "Introduction",
    "quote": "including 52 from 22 RCPs, IRFs and global processes on migration",
    "published": "22",
    "data": "21",
    "reason": "Annex 7 lists 21 distinct ISCMs <not 22>.",
}
FILES = {
    **NARRATIVE_FILES,
    "summary_report/introduction.md": (
        'From {{ delegates.iscm|edition_note("intro.iscm_entities") }} ISCMs and '
        '{{ delegates.total|edition_note("intro.delegates") }} delegates.\n'
    ),
    "edition_note.md": "Where this edition differs from the published report:\n",
    "edition_note_none.md": "No figure of this document differs from the published report.\n",
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


def _render(doc: str, context: dict[str, Any], content: Path, env, medium: str = "screen") -> str:
    return render_html(
        f"{doc}.html.j2",
        context,
        medium=medium,
        content_dir=content,
        assets_dir=ASSETS_DIR,
        env=env,
    )


def _edition(notes: list[dict[str, str]]) -> dict[str, Any]:
    links = {"intro.iscm_entities": "", "intro.delegates": ""}
    links.update({n["id"]: "#" + n["anchor"] for n in notes})
    return {"notes": notes, "links": links}


@pytest.mark.parametrize("doc", ["summary_report", "highlights", "annexes"])
def test_each_document_ends_with_its_note(doc, context, tmp_path, env) -> None:
    content = write_content(tmp_path / "content", FILES)
    html = _render(doc, {**context, "edition": _edition([NOTE])}, content, env)
    parsed = _Note()
    parsed.feed(html)
    assert parsed.entries == ["edition-note-intro-iscm-entities"]
    assert 'id="about-this-edition"' in html and ">About this edition</h1>" in html
    # Values are escaped like every other value.
    assert "Annex 7 lists 21 distinct ISCMs &lt;not 22&gt;." in html
    assert "Where this edition differs" in html
    if doc == "summary_report":
        # The figure that differs links to its entry; the one that does not is plain text.
        assert parsed.links == ["edition-note-intro-iscm-entities"]
        assert '<a href="#edition-note-intro-iscm-entities">52</a> ISCMs and 92 delegates' in html


def test_a_document_without_differences_says_so(context, tmp_path, env) -> None:
    content = write_content(tmp_path / "content", FILES)
    html = _render("highlights", {**context, "edition": _edition([])}, content, env)
    assert "No figure of this document differs" in html
    assert '<ol class="edition-notes">' not in html


def test_the_note_grows_with_the_differences(context, tmp_path, env) -> None:
    content = write_content(tmp_path / "content", FILES)
    second = {**NOTE, "id": "intro.delegates", "anchor": "edition-note-intro-delegates"}
    parsed = _Note()
    parsed.feed(
        _render("summary_report", {**context, "edition": _edition([NOTE, second])}, content, env)
    )
    assert parsed.entries == ["edition-note-intro-iscm-entities", "edition-note-intro-delegates"]
    assert sorted(parsed.links) == sorted(parsed.entries)


def test_the_note_prints_without_warnings(context, tmp_path, env) -> None:
    content = write_content(tmp_path / "content", FILES)
    html = _render(
        "summary_report", {**context, "edition": _edition([NOTE])}, content, env, medium="print"
    )
    data = pdf_bytes(html, ASSETS_DIR, ASSETS_DIR, "2017-12-01T00:00:00Z", strict=True)
    assert data.startswith(b"%PDF")
