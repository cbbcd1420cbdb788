"""What a reader sees on paper: pages worth turning, running heads, contents, bookmarks, notes.

The checks read the PDFs of one shared build of the real data (conftest `built_project`) with
pdfplumber and pypdf, and the print HTML WeasyPrint rendered them from (`results/print/`).
One check renders a paragraph itself, at many widths.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from pdfplumber.structure import PDFStructTree

from meeting_report.pdf import pdf_bytes
from tests.conftest import ASSETS_DIR

pytestmark = pytest.mark.slow
DOCS = ("summary_report", "highlights", "annexes")
MM = 72 / 25.4
# The text area is the @page margin box of print.css: read it there, not from a copy.
_MARGINS = re.search(
    r"@page\s*\{[^}]*?margin:\s*([\d.]+)mm\s+([\d.]+)mm\s+([\d.]+)mm\s+([\d.]+)mm",
    (ASSETS_DIR / "css" / "print.css").read_text(encoding="utf-8"),
)
TOP, RIGHT, BOTTOM, LEFT = (float(value) * MM for value in _MARGINS.groups())
# Two text runs closer than this belong to one block (line spacing and paragraph gaps).
BLOCK_GAP = 18
QUOTES = '“”"«»„'
WHITE = (None, 1, (1,), (1.0, 1.0, 1.0), [1, 1, 1])
VOID = {"area", "br", "col", "hr", "img", "input", "link", "meta", "source", "wbr"}


def normalise(text: str) -> str:
    text = re.sub(r"[\u2010\u00ad]\s*\n\s*", "", text)  # a word hyphenated at a line end
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip()


@pytest.fixture(scope="module")
def pdfs(built_project: Path):
    opened = {doc: pdfplumber.open(built_project / f"build/pdf/{doc}.pdf") for doc in DOCS}
    yield opened
    for pdf in opened.values():
        pdf.close()


def text_area(page) -> tuple[float, float, float, float]:
    return LEFT, TOP, page.width - RIGHT, page.height - BOTTOM


def is_white_fill(obj: dict) -> bool:
    return (
        obj.get("object_type") == "rect"
        and not obj.get("stroke")
        and obj.get("non_stroking_color") in WHITE
    )


def marks(page) -> list[dict]:
    """What is drawn in the text area: characters, images, strokes and coloured fills (the
    page's own white background is not a mark)."""
    x0, top, x1, bottom = text_area(page)
    found = []
    for obj in [*page.chars, *page.images, *page.rects, *page.lines, *page.curves]:
        if is_white_fill(obj):
            continue
        if obj["x1"] < x0 or obj["x0"] > x1 or obj["bottom"] < top or obj["top"] > bottom:
            continue
        found.append(obj)
    return found


def used_share(page) -> float:
    """The share of the text area's height that blocks of text (or figures, rules) cover."""
    _, top, _, bottom = text_area(page)
    spans = sorted((max(o["top"], top), min(o["bottom"], bottom)) for o in marks(page))
    used, block = 0.0, None
    for start, end in spans:
        if block and start <= block[1] + BLOCK_GAP:
            block[1] = max(block[1], end)
            continue
        if block:
            used += block[1] - block[0]
        block = [start, end]
    if block:
        used += block[1] - block[0]
    return used / (bottom - top)


def is_cover(page) -> bool:
    """A page under one coloured area (the cover)."""
    return any(
        rect.get("fill")
        and rect.get("non_stroking_color") not in WHITE
        and rect["width"] * rect["height"] > 0.8 * page.width * page.height
        for rect in page.rects
    )


@pytest.mark.parametrize("doc", DOCS)
def test_no_page_is_nearly_empty(pdfs, doc):
    pages = pdfs[doc].pages
    thin = []
    for page in pages[:-1]:  # a document's last page may be short
        if is_cover(page) or not page.chars:  # a cover, a deliberate blank
            continue
        share = used_share(page)
        if share < 0.2:
            thin.append((page.page_number, round(share, 2)))
    assert not thin, f"{doc}: pages with less than a fifth of their text area used: {thin}"


def test_front_matter_of_every_document(pdfs):
    for doc in DOCS:
        pages = pdfs[doc].pages
        assert is_cover(pages[0]), doc
        imprint = normalise(pages[1].extract_text())
        assert "Publisher:" in imprint and "All rights reserved" in imprint, doc
    highlights = normalise(pdfs["highlights"].pages[2].extract_text())
    # The title block: the meeting, its dates and place, then the document's own title.
    assert re.search(r"GRCP 7\).*10–11 October 2017, Geneva.*Highlights Document", highlights)


# --------------------------------------------------------------------------- running heads


class _RunningHeadings(HTMLParser):
    """The headings that set the running head (print.css: `string-set: section`), in order,
    with the label of their bookmark and the running text they set."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[dict] = []
        self._open: list[dict] = []
        self._skip = 0  # inside a footnote or visually hidden text
        self._in_toc = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "nav" and "toc" in classes:
            self._in_toc += 1
        if self._skip or {"footnote", "visually-hidden"} & set(classes):
            self._skip += 1
            return
        sets_head = (tag == "h1" and "no-running-head" not in classes) or (
            tag == "h2" and "subsection-heading" in classes
        )
        if sets_head and not self._in_toc:
            heading = {"tag": tag, "running": attributes.get("data-running"), "text": ""}
            heading["bookmark"] = attributes.get("data-bookmark")
            self._open.append(heading)
            self.headings.append(heading)

    def handle_endtag(self, tag):
        if self._skip:
            self._skip -= 1
            return
        if tag == "nav" and self._in_toc:
            self._in_toc -= 1
        if self._open and tag == self._open[-1]["tag"]:
            heading = self._open.pop()
            heading["text"] = normalise(heading["text"])
            heading["bookmark"] = normalise(heading["bookmark"] or heading["text"])
            heading["running"] = normalise(heading["running"] or heading["text"])

    def handle_data(self, data):
        if self._open and not self._skip:
            self._open[-1]["text"] += data


def outline(reader: pypdf.PdfReader) -> list[dict]:
    entries: list[dict] = []

    def walk(nodes, parent):
        for node in nodes:
            if isinstance(node, list):
                walk(node, len(entries) - 1)
                continue
            entries.append(
                {
                    "title": normalise(node.title),
                    "page": reader.get_destination_page_number(node),
                    "top": float(node.top),
                    "parent": None if parent is None else entries[parent]["title"],
                    "parent_index": parent,
                }
            )

    walk(reader.outline, None)
    return entries


def opens_page(page, top_from_bottom: float) -> bool:
    """Nothing is printed in the text area above a heading whose box starts here."""
    heading_top = page.height - top_from_bottom
    return not [c for c in marks(page) if c["bottom"] < heading_top - 1]


@pytest.mark.parametrize("doc", DOCS)
def test_running_heads_name_the_heading_in_force_at_the_top(built_project, pdfs, doc):
    parser = _RunningHeadings()
    parser.feed((built_project / f"results/print/{doc}.html").read_text(encoding="utf-8"))
    bookmarks = outline(pypdf.PdfReader(built_project / f"build/pdf/{doc}.pdf"))
    placed, position = [], 0
    for heading in parser.headings:
        found = [
            i
            for i, b in enumerate(bookmarks)
            if i >= position and b["title"] == heading["bookmark"]
        ]
        assert found, heading
        position = found[0] + 1
        placed.append({**heading, **bookmarks[found[0]]})
    pages = pdfs[doc].pages
    checked = 0
    for index, page in enumerate(pages):
        in_force = [
            h["running"]
            for h in placed
            if h["page"] < index or (h["page"] == index and opens_page(page, h["top"]))
        ]
        expected = in_force[-1] if in_force else ""
        head = page.crop((page.width / 2, 0, page.width, TOP)).extract_text() or ""
        left = page.crop((0, 0, page.width / 2, TOP)).extract_text() or ""
        assert normalise(head) == expected, (doc, page.page_number)
        if left:
            assert normalise(left) != normalise(head), (doc, page.page_number)
            checked += 1
    assert checked >= len(pages) - 3


# --------------------------------------------------------------------------- contents, bookmarks


def contents_entries(pdf) -> list[tuple[str, int]]:
    text = " ".join(
        page.extract_text() or ""
        for page in pdf.pages[:4]
        if "Table of contents" in (page.extract_text() or "")
    )
    return [
        (normalise(title.replace("Table of contents", "")), int(number))
        for title, number in re.findall(r"(.+?)\s*\.{3,}\s*(\d+)", text.replace("\n", " "))
    ]


def test_contents_list_annex9_appendices_at_their_pages(built_project, pdfs):
    entries = contents_entries(pdfs["annexes"])
    bookmarks = outline(pypdf.PdfReader(built_project / "build/pdf/annexes.pdf"))
    annex9 = next(i for i, (title, _) in enumerate(entries) if title.startswith("Annex 9"))
    appendices = [(t, n) for t, n in entries[annex9 + 1 :] if t.startswith("Appendix")]
    assert [t.split(".")[0] for t, _ in appendices] == [f"Appendix {n}" for n in range(1, 6)]
    start = next(i for i, b in enumerate(bookmarks) if b["title"].startswith("Annex 9"))
    for title, number in appendices:
        mark = next(b for b in bookmarks[start:] if b["title"] == title)
        assert number == mark["page"] + 1, title


@pytest.mark.parametrize("doc", DOCS)
def test_bookmarks_have_no_quotation_marks_and_no_twins(built_project, doc):
    bookmarks = outline(pypdf.PdfReader(built_project / f"build/pdf/{doc}.pdf"))
    assert bookmarks
    quoted = [b["title"] for b in bookmarks if set(b["title"]) & set(QUOTES)]
    assert not quoted, quoted
    # Two entries with one title under one parent cannot be told apart in a reader's panel.
    seen = [(b["parent_index"], b["title"]) for b in bookmarks]
    assert len(seen) == len(set(seen)), sorted({s for s in seen if seen.count(s) > 1})


def test_annex6_discussions_sit_under_their_lead_ins(built_project):
    bookmarks = outline(pypdf.PdfReader(built_project / "build/pdf/annexes.pdf"))
    parents = [
        b["parent"]
        for b in bookmarks
        if b["title"].startswith(("Follow-up discussion", "Partner engagement"))
    ]
    assert len(parents) == 4
    assert parents[0] == parents[1] and parents[2] == parents[3] and parents[0] != parents[2]
    assert parents[0].startswith("Objectives") and parents[2].startswith("Guiding questions")


# --------------------------------------------------------------------------- notes and text


@pytest.mark.parametrize("doc", DOCS)
def test_every_note_is_printed_on_the_page_of_its_call(pdfs, doc):
    late = []
    for page in pdfs[doc].pages:
        words = page.extract_words(extra_attrs=["size"])
        # The note's marker ("4.") starts a 7.5pt line at the text area's left edge.
        notes = {
            w["text"][:-1]
            for w in words
            if re.fullmatch(r"\d+\.", w["text"])
            and abs(w["size"] - 7.5) < 0.2
            and abs(w["x0"] - LEFT) < 2
        }
        # The call is a 6.5pt superscript number after its word.
        calls = re.findall(
            r"\d+",
            "".join(c["text"] if abs(c["size"] - 6.5) < 0.2 else " " for c in page.chars),
        )
        late += [(page.page_number, n) for n in sorted(notes - set(calls))]
    assert not late, f"{doc}: notes printed away from their call (page, note): {late}"


class _HiddenText(HTMLParser):
    """Text of the HTML's visually hidden elements, and the text a reader sees."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden: list[str] = []
        self.visible: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        if self._depth or "visually-hidden" in classes:
            if not self._depth:
                self.hidden.append("")
            self._depth += 1

    def handle_endtag(self, tag):
        if self._depth and tag not in VOID:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.hidden[-1] += data
        else:
            self.visible.append(data)


@pytest.mark.parametrize("doc", DOCS)
def test_visually_hidden_text_is_not_printed(built_project, pdfs, doc):
    parser = _HiddenText()
    parser.feed((built_project / f"results/print/{doc}.html").read_text(encoding="utf-8"))
    visible = normalise(" ".join(parser.visible)).lower()
    printed = normalise("\n".join(p.extract_text() or "" for p in pdfs[doc].pages)).lower()
    hidden_only = {normalise(t).lower() for t in parser.hidden} - {""}
    hidden_only = {t for t in hidden_only if t not in visible}
    assert hidden_only or doc == "highlights"
    assert not [t for t in hidden_only if t in printed]
    if doc == "summary_report":
        # The acronym table's hidden caption once printed as a dot of its first letter.
        page = next(p for p in pdfs[doc].pages if "2030 Agenda" in (p.extract_text() or ""))
        area = page.crop(text_area(page)).extract_text()
        assert area.count("acronyms") == 1


def header_text(pdf) -> dict[int, str]:
    """The text of every table header cell (TH in the tagged PDF), by page number."""
    wanted: set[tuple[int, int]] = set()

    def walk(element, inside, page):
        inside = inside or element.type == "TH"
        page = element.page_number if element.page_number is not None else page
        if inside:
            wanted.update((page, mcid) for mcid in element.mcids or [])
        for child in element.children:
            walk(child, inside, page)

    for element in PDFStructTree(pdf):
        walk(element, False, None)
    return {
        page.page_number: "".join(
            c["text"] for c in page.chars if (page.page_number, c.get("mcid")) in wanted
        )
        for page in pdf.pages
    }


@pytest.mark.parametrize("doc", ["summary_report", "annexes"])
def test_table_headers_are_not_hyphenated(pdfs, doc):
    # Headers and names in narrow columns broke as "Amer-icas", "or-ganizations",
    # "Hadjiem-manuel"; WeasyPrint's hyphen is U+2010, which no source text uses.
    broken = {page: text for page, text in header_text(pdfs[doc]).items() if "\u2010" in text}
    assert not broken, sorted(broken)


def test_long_rows_break_and_leave_no_half_empty_pages(built_project, pdfs):
    # Annex 4, Appendix 2: the table of ISCMs per area of focus, pages before its last.
    bookmarks = outline(pypdf.PdfReader(built_project / "build/pdf/annexes.pdf"))
    first = next(b["page"] for b in bookmarks if b["title"].startswith("Appendix 2. ISCMs"))
    after = next(b["page"] for b in bookmarks if b["title"].startswith("Annex 5"))
    pages = pdfs["annexes"].pages
    for page in pages[first : after - 1]:
        _, top, _, bottom = text_area(page)
        lowest = max(o["bottom"] for o in marks(page))
        assert (lowest - top) / (bottom - top) > 0.8, page.page_number


# --------------------------------------------------------------------------- line breaking

SENTENCE = (
    "Each GRCP meeting builds on the previous meetings' outcomes; GRCP 7 draws particularly on "
    "GRCP 6 <em>Migration and the Sustainable Development Goals</em> and more text follows."
)


def test_no_paragraph_strands_its_first_word():
    # WeasyPrint 70 kept only the first word of a text run that filled its line up to the
    # space before an inline element (meeting_report.weasyprint_fixes). 160 widths around the
    # line's length, one paragraph each; none may open with a line of one word.
    paragraphs = "".join(
        f'<p style="width: {150 + tenth / 10}mm">{SENTENCE}</p>' for tenth in range(0, 200, 5)
    )
    paragraphs += "".join(
        f'<p style="width: {160 + tenth / 10}mm">{SENTENCE}</p>' for tenth in range(0, 120)
    )
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title>'
        f'<link rel="stylesheet" href="css/print.css"></head><body><main>{paragraphs}'
        "</main></body></html>"
    )
    data = pdf_bytes(html, ASSETS_DIR, ASSETS_DIR, "2017-12-01T00:00:00Z", strict=True)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        lines = [line for page in pdf.pages for line in (page.extract_text() or "").splitlines()]
    assert sum(line.startswith("Each GRCP") for line in lines) == 160
    assert "Each" not in lines


def test_summary_report_keeps_each_with_its_line(pdfs):
    text = "\n".join(p.extract_text() or "" for p in pdfs["summary_report"].pages)
    assert "\nEach GRCP meeting builds on the previous meetings" in text
