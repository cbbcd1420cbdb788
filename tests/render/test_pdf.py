"""The confined URL fetcher and the PDFs: attachments, text, reproducibility, TOC, footnotes."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pypdf
import pytest
import weasyprint.urls

from meeting_report.charts import recurrence_matrix, theme_heatmap
from meeting_report.pdf import RenderError, make_url_fetcher, pdf_bytes, write_pdf
from tests.conftest import ASSETS_DIR
from tests.render.conftest import DOCS, render

CREATED = "2017-12-01T00:00:00Z"
FONTS = ASSETS_DIR / "fonts"
LOREM = (
    "Inter-State consultation mechanisms on migration bring States together to share "
    "information and to discuss migration policy in a regular, State-led dialogue. "
) * 5


def page(body: str, head: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Test document</title>'
        f'<link rel="stylesheet" href="css/print.css">{head}</head><body>{body}</body></html>'
    )


def pages_text(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [p.extract_text() or "" for p in pdf.pages]


# --------------------------------------------------------------------------- fetcher


@pytest.fixture
def assets(tmp_path: Path) -> Path:
    """A copy-free assets folder with one allowed file and two ways out of it."""
    root = tmp_path / "assets"
    (root / "css").mkdir(parents=True)
    (root / "css" / "ok.css").write_text("p { color: black }", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    (root / "css" / "link.css").symlink_to(secret)
    return root


def test_fetcher_serves_assets_files(assets: Path) -> None:
    response = make_url_fetcher(assets).fetch((assets / "css" / "ok.css").as_uri())
    assert response.read() == b"p { color: black }"
    assert response.content_type == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.org/x.css",
        "https://example.org/x.png",
        "ftp://example.org/x",
        "data:text/css,p{color:red}",
    ],
)
def test_fetcher_refuses_outside_urls(assets: Path, url: str) -> None:
    with pytest.raises(weasyprint.urls.FatalURLFetchingError):
        make_url_fetcher(assets).fetch(url)


def test_fetcher_refuses_dot_dot_and_symlink_escapes(assets: Path) -> None:
    fetcher = make_url_fetcher(assets)
    escape = assets.as_uri() + "/css/../../secret.txt"
    with pytest.raises(weasyprint.urls.FatalURLFetchingError):
        fetcher.fetch(escape)
    with pytest.raises(weasyprint.urls.FatalURLFetchingError):
        fetcher.fetch((assets / "css" / "link.css").as_uri())


@pytest.mark.parametrize(
    "body",
    [
        '<img src="file:///etc/passwd" alt="">',
        '<img src="http://example.org/x.png" alt="">',
        '<img src="../../../../../../etc/passwd" alt="">',
        '<p style="background: url(file:///etc/passwd)">x</p>',
        '<svg width="10" height="10">'
        '<image href="file:///etc/passwd" width="10" height="10"/></svg>',
        '<a rel="attachment" href="css/print.css">file</a>',
        '<a rel="attachment" href="file:///etc/passwd">file</a>',
    ],
)
def test_render_fails_on_refused_resources(body: str) -> None:
    with pytest.raises(RenderError):
        pdf_bytes(page(f"<p>Text.</p>{body}"), ASSETS_DIR, ASSETS_DIR, CREATED)


@pytest.mark.parametrize(
    "head",
    [
        '<link rel="attachment" href="file:///etc/passwd">',
        '<link rel="attachment" href="css/print.css">',
        '<link rel="stylesheet" href="file:///etc/passwd">',
    ],
)
def test_render_fails_on_refused_head_links(head: str) -> None:
    with pytest.raises(RenderError):
        pdf_bytes(page("<p>Text.</p>", head), ASSETS_DIR, ASSETS_DIR, CREATED)


def test_render_through_symlink_in_assets_fails(tmp_path: Path) -> None:
    assets = tmp_path / "assets"
    (assets / "css").mkdir(parents=True)
    (assets / "css" / "print.css").symlink_to("/etc/passwd")
    with pytest.raises(RenderError):
        pdf_bytes(page("<p>Text.</p>"), assets, assets, CREATED)


# --------------------------------------------------------------------------- PDF output


def test_pdf_has_text_metadata_and_no_attachment(tmp_path: Path) -> None:
    out = tmp_path / "doc.pdf"
    html = page("<h1>Introduction</h1><p>The meeting brought together delegates.</p>")
    write_pdf(html, out, ASSETS_DIR, ASSETS_DIR, CREATED)
    reader = pypdf.PdfReader(out)
    root = reader.trailer["/Root"]
    assert "/EmbeddedFiles" not in root.get("/Names", {})
    assert b"/EmbeddedFile" not in out.read_bytes()
    assert "/StructTreeRoot" in root  # tagged (PDF/UA-1)
    assert reader.metadata.title == "Test document"
    assert reader.metadata.creation_date.year == 2017
    assert "The meeting brought together delegates." in pages_text(out.read_bytes())[0]
    fonts = {str(f["/BaseFont"]) for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert fonts and all("Noto-Sans" in name for name in fonts), fonts
    assert not list(tmp_path.glob(".doc.pdf.*"))  # atomic write left no temporary file


def test_two_renders_are_byte_identical(real_data) -> None:
    html = render("summary_report", real_data["summary_report"], medium="print")
    first = pdf_bytes(html, ASSETS_DIR, ASSETS_DIR, CREATED, strict=True)
    second = pdf_bytes(html, ASSETS_DIR, ASSETS_DIR, CREATED, strict=True)
    assert first == second
    assert pdf_bytes(html, ASSETS_DIR, ASSETS_DIR, "2018-01-01T00:00:00Z") != first


@pytest.mark.parametrize("doc", DOCS)
def test_documents_render_without_any_weasyprint_warning(doc, real_data) -> None:
    html = render(doc, real_data[doc], medium="print")
    data = pdf_bytes(html, ASSETS_DIR, ASSETS_DIR, CREATED, strict=True)
    text = "\n".join(pages_text(data))
    assert real_data[doc].values["meeting"]["theme"] in text.replace("\n", " ")


def test_toc_page_numbers_match_heading_pages(real_data) -> None:
    html = render("summary_report", real_data["summary_report"], medium="print")
    texts = pages_text(pdf_bytes(html, ASSETS_DIR, ASSETS_DIR, CREATED))
    toc_index = next(i for i, t in enumerate(texts) if t.startswith("Table of contents"))
    toc_lines = texts[toc_index].splitlines()[1:]
    checked = 0
    for label in [
        "List of acronyms",
        "Introduction",
        "1. Background",
        "2. Summary of proceedings",
        "2.1 Key outcomes",
        "Conclusions",
    ]:
        line = next(line for line in toc_lines if line.startswith(label))
        printed = int(re.search(r"(\d+)$", line).group(1))
        # The page (1-based) whose body starts a line with the heading text.
        actual = next(
            i + 1
            for i, t in enumerate(texts)
            if i > toc_index and any(row.startswith(label) for row in t.splitlines()[1:])
        )
        assert printed == actual, (label, printed, actual)
        checked += 1
    assert checked == 6
    assert (
        len({int(re.search(r"(\d+)$", line).group(1)) for line in toc_lines if line[-1].isdigit()})
        > 3
    )


def test_footnotes_at_the_foot_of_their_page(tmp_path: Path, real_data) -> None:
    # Eight notes in long paragraphs: each note must sit on the page of its call, below the text.
    paragraphs = [f"{LOREM} Marker{n}.[^n{n}] {LOREM}" for n in range(1, 9)]
    notes = [f"[^n{n}]: Footnote text number {n}." for n in range(1, 9)]
    (tmp_path / "long.md").write_text("\n\n".join(paragraphs + notes) + "\n", encoding="utf-8")
    from meeting_report.narrative import FootnoteCollector, NarrativeRenderer

    values = real_data["summary_report"].values
    body = NarrativeRenderer(tmp_path, values, FootnoteCollector("print"))("long.md")
    data = pdf_bytes(page(f"<main>{body}</main>"), ASSETS_DIR, ASSETS_DIR, CREATED, strict=True)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) >= 3
        for n in range(1, 9):
            call_page = next(p for p in pdf.pages if f"Marker{n}." in (p.extract_text() or ""))
            words = call_page.extract_words()
            note = [w for w in words if w["text"] == f"{n}."]
            body_bottom = max(w["bottom"] for w in words if w["text"].startswith("Marker"))
            text = call_page.extract_text()
            assert f"{n}. Footnote text number {n}." in text, (n, call_page.page_number)
            # The note is in the lower part of the page, below the call's line.
            assert note and min(w["top"] for w in note) > body_bottom
            assert min(w["top"] for w in note) > call_page.height * 0.6


# --------------------------------------------------------------------------- charts


def test_charts_are_text_svg_and_deterministic() -> None:
    import pandas as pd

    regions = [
        {"region_id": "africa", "short_name": "Africa"},
        {"region_id": "europe", "short_name": "Europe"},
    ]
    themes = [{"theme_id": "T1", "number": 1}, {"theme_id": "T2", "number": 2}]
    counts = pd.DataFrame(
        {"region_id": ["africa", "europe"], "theme_id": ["T1", "T2"], "respondents": [6, 3]}
    )
    svg = theme_heatmap(counts, regions, themes, fonts_dir=FONTS)
    assert svg.startswith("<svg") and svg == theme_heatmap(counts, regions, themes, fonts_dir=FONTS)
    # Text kept as text (svg.fonttype none): labels and counts are <text> elements.
    assert re.search(r"<text[^>]*>Africa</text>", svg) and ">6</text>" in svg and ">0</text>" in svg
    elements = [
        {"element_id": "h", "summary_text": "Remittances"},
        {"element_id": "c", "summary_text": "Drivers"},
    ]
    recurrent = pd.DataFrame({"region_id": ["africa"], "element_id": ["h"]})
    matrix = recurrence_matrix(recurrent, regions, elements, fonts_dir=FONTS)
    assert "(h) Remittances" in matrix and matrix == recurrence_matrix(
        recurrent, regions, elements, fonts_dir=FONTS
    )


def test_two_charts_render_in_one_pdf_without_warnings() -> None:
    import pandas as pd

    regions = [{"region_id": "africa", "short_name": "Africa"}]
    themes = [{"theme_id": "T1", "number": 1}]
    elements = [{"element_id": "h", "summary_text": "Remittances"}]
    heatmap = theme_heatmap(
        pd.DataFrame({"region_id": ["africa"], "theme_id": ["T1"], "respondents": [4]}),
        regions,
        themes,
        fonts_dir=FONTS,
    )
    matrix = recurrence_matrix(
        pd.DataFrame({"region_id": ["africa"], "element_id": ["h"]}),
        regions,
        elements,
        fonts_dir=FONTS,
    )
    body = "".join(
        f'<div class="chart" role="img" aria-label="chart">{svg}</div>' for svg in (heatmap, matrix)
    )
    # strict: duplicate ids ("Anchor defined twice") or SVG styles would be warnings.
    data = pdf_bytes(page(body), ASSETS_DIR, ASSETS_DIR, CREATED, strict=True)
    assert "Africa" in pages_text(data)[0] and "Remittances" in pages_text(data)[0]
