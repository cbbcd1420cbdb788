"""The built documents use the bundled fonts only, and those fonts have every character drawn."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.font_checks import (
    bundled_families,
    family_of,
    pdf_fonts,
    pdffonts_names,
    uncovered,
)

pytestmark = pytest.mark.slow
DOCS = ("summary_report", "highlights", "annexes")
LIBRARIES = {"pango", "harfbuzz", "harfbuzz-subset", "fontconfig", "freetype"}


@pytest.mark.parametrize("doc", DOCS)
def test_pdffonts_lists_only_bundled_families(built_project: Path, doc: str) -> None:
    names = pdffonts_names(built_project / "build" / "pdf" / f"{doc}.pdf")
    if names is None:
        pytest.skip("pdffonts (Debian package poppler-utils) not installed")
    assert names
    families = bundled_families()
    assert [n for n in names if family_of(n, families) is None] == [], names


@pytest.mark.parametrize("doc", DOCS)
def test_every_font_descriptor_is_a_bundled_family(built_project: Path, doc: str) -> None:
    fonts = pdf_fonts((built_project / "build" / "pdf" / f"{doc}.pdf").read_bytes())
    families = bundled_families()
    assert fonts
    assert {(n, f) for n, f in fonts if family_of(n, families) != f} == set()


@pytest.mark.parametrize("doc", DOCS)
def test_every_character_of_the_built_document_is_in_a_bundled_font(
    built_project: Path, doc: str
) -> None:
    html = (built_project / "results" / "print" / f"{doc}.html").read_text(encoding="utf-8")
    assert not uncovered(html)


def test_build_record_names_the_text_libraries(built_project: Path) -> None:
    manifest = json.loads((built_project / "build" / "manifest.json").read_text("utf-8"))
    assert set(manifest["software"]["libraries"]) == LIBRARIES
    sources = json.loads(
        (built_project / "results" / "print" / "annexes.sources.json").read_text("utf-8")
    )
    assert sources["software"]["libraries"] == manifest["software"]["libraries"]
    fonts = {Path(p).name for p in sources["inputs"] if "/fonts/" in p.replace("\\", "/")}
    assert "NotoSansSymbols2-Regular-subset.ttf" in fonts
