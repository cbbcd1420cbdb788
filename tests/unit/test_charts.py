"""Charts: data in labels is printed as typed (never mathtext, LaTeX or SVG markup) and in full
(wrapped, never cut); both charts have a key; the matrix has exactly the rows of its data table;
sizes read on a phone; fonts come from the folder the caller names."""

from __future__ import annotations

import html
import re
import xml.dom.minidom
from pathlib import Path

import pandas as pd
import pytest

from meeting_report.charts import (
    FONT_SIZE,
    SVG_WIDTH_TARGET,
    _text_width,
    recurrence_matrix,
    theme_heatmap,
    theme_label,
    wrap,
)
from tests.conftest import ROOT

FONTS_DIR = ROOT / "assets" / "fonts"

# Each is a real risk: "$…$" is mathtext (US$5 or US$6 printed as US65orUS), a bad command
# crashed the render, and \ _ ^ % { } & < > " ' mean something to LaTeX, mathtext or XML.
HOSTILE_LABELS = [
    "US$5 or US$6",
    r"$\nosuchcmd{x}$",
    r"$\frac{1}{2}$",
    r"C:\new\table",
    "a_b^c",
    "50% & <b>bold</b>",
    "{x} ~ #1",
    'Tom\'s "quote" ]]>',
]
LONG_PHRASE = (
    "international migration as a multidimensional reality of major relevance for the "
    "development of countries of origin, transit and destination"
)
REAL_REGIONS = ["Africa", "Americas", "Asia, Pacific and the Middle East", "Europe"]


def _texts(svg: str) -> list[str]:
    return [html.unescape(text) for text in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.DOTALL)]


def shown_in_full(label: str, texts: list[str]) -> bool:
    """`label` is one <text>, or consecutive ones (a wrapped label's lines) joined by spaces."""
    for start in range(len(texts)):
        joined = texts[start]
        for following in texts[start + 1 :]:
            if joined == label or not label.startswith(joined):
                break
            joined = f"{joined} {following}"
        if joined == label:
            return True
    return False


def _regions(labels: list[str]) -> list[dict[str, str]]:
    return [{"region_id": f"r{i}", "short_name": label} for i, label in enumerate(labels)]


def _size(svg: str) -> tuple[float, float]:
    match = re.match(r'<svg[^>]* width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    assert match, svg[:200]
    return float(match.group(1)), float(match.group(2))


def test_hostile_labels_print_literally_in_the_heatmap() -> None:
    regions = _regions(HOSTILE_LABELS)
    themes = [{"theme_id": "T1", "number": "$1$"}, {"theme_id": "T2", "number": r"2\_"}]
    counts = pd.DataFrame({"region_id": ["r0"], "theme_id": ["T1"], "respondents": [3]})
    svg = theme_heatmap(counts, regions, themes, fonts_dir=FONTS_DIR)
    xml.dom.minidom.parseString(svg)  # well-formed: & < > are escaped, not markup
    texts = _texts(svg)
    for label in HOSTILE_LABELS:
        assert shown_in_full(label, texts), label
    assert "Theme $1$" in texts and r"Theme 2\_" in texts
    assert "<b>" not in svg


def test_hostile_labels_print_literally_in_the_recurrence_matrix() -> None:
    regions = _regions(["Asia$", "Europe$"])
    elements = [{"element_id": str(i), "phrase": label} for i, label in enumerate(HOSTILE_LABELS)]
    recurrent = pd.DataFrame(
        {"region_id": ["r0"] * len(elements), "element_id": [e["element_id"] for e in elements]}
    )
    svg = recurrence_matrix(recurrent, regions, elements, fonts_dir=FONTS_DIR)
    xml.dom.minidom.parseString(svg)
    texts = _texts(svg)
    assert "Asia$" in texts and "Europe$" in texts
    for i, label in enumerate(HOSTILE_LABELS):
        assert shown_in_full(f"({i}) {label}", texts), label


def test_wrap_breaks_at_spaces_within_the_width_and_never_shortens() -> None:
    for text in (LONG_PHRASE, "one", "", "a  double space", "Supercalifragilistic word"):
        lines = wrap(text, 60.0, 50.0)
        assert " ".join(lines) == text
        for k, line in enumerate(lines):
            # A line is within its width unless it is one word too long for any line.
            assert _text_width(line) <= (50.0 if k else 60.0) or " " not in line.strip()


def test_theme_labels_carry_the_number_and_the_short_name() -> None:
    theme = {"theme_id": "T1", "number": 1, "short_name": "human rights of all migrants"}
    assert theme_label(theme) == "Theme 1: human rights of all migrants"
    assert theme_label({"theme_id": "T2", "number": 2}) == "Theme 2"
    themes = [theme, {"theme_id": "T2", "number": 2, "short_name": LONG_PHRASE}]
    counts = pd.DataFrame({"region_id": ["r0"], "theme_id": ["T2"], "respondents": [2]})
    texts = _texts(theme_heatmap(counts, _regions(REAL_REGIONS), themes, fonts_dir=FONTS_DIR))
    assert shown_in_full("Theme 1: human rights of all migrants", texts)
    assert shown_in_full(f"Theme 2: {LONG_PHRASE}", texts)
    assert shown_in_full("Asia, Pacific and the Middle East", texts)
    assert not any("…" in text for text in texts)


def test_matrix_rows_are_the_recurrent_elements_in_order_labelled_in_full() -> None:
    elements = [
        {"element_id": "i", "phrase": "the effective protection of migrant rights"},
        {"element_id": "p", "phrase": "policies to regularize the status of migrants"},
        {"element_id": "a", "phrase": LONG_PHRASE},
        {"element_id": "u", "summary_text": "Combating racism", "text": "Combating racism."},
    ]
    regions = _regions(REAL_REGIONS)
    # p is recurrent nowhere (its data table leaves it out); the "recurrent" column is honoured.
    recurrent = pd.DataFrame(
        {
            "region_id": ["r0", "r2", "r3", "r1", "r1"],
            "element_id": ["i", "a", "u", "p", "u"],
            "recurrent": ["true", "true", "true", "false", "1"],
        }
    )
    texts = _texts(recurrence_matrix(recurrent, regions, elements, fonts_dir=FONTS_DIR))
    row_ids = [m.group(1) for t in texts if (m := re.match(r"\((\w+)\) ", t))]
    assert row_ids == ["i", "a", "u"]
    assert shown_in_full("(i) the effective protection of migrant rights", texts)
    assert shown_in_full(f"(a) {LONG_PHRASE}", texts)
    assert shown_in_full("(u) Combating racism", texts)  # no phrase: the summary text
    assert not any("…" in text for text in texts)


def test_both_charts_have_a_key() -> None:
    regions = _regions(REAL_REGIONS)
    themes = [{"theme_id": "T1", "number": 1}]
    counts = pd.DataFrame({"region_id": ["r0"], "theme_id": ["T1"], "respondents": [3]})
    heatmap = _texts(theme_heatmap(counts, regions, themes, fonts_dir=FONTS_DIR))
    assert "Number of respondents:" in heatmap
    # The key's swatches: every count from 0 to the largest.
    key = heatmap[heatmap.index("Number of respondents:") + 1 :]
    assert key == ["0", "1", "2", "3"]
    recurrent = pd.DataFrame({"region_id": ["r0"], "element_id": ["h"]})
    matrix = recurrence_matrix(
        recurrent, regions, [{"element_id": "h", "phrase": "remittances"}], fonts_dir=FONTS_DIR
    )
    assert {"Recurrent in the region", "Not recurrent"} <= set(_texts(matrix))


def test_heatmap_key_samples_a_large_range() -> None:
    counts = pd.DataFrame({"region_id": ["r0"], "theme_id": ["T1"], "respondents": [700]})
    texts = _texts(
        theme_heatmap(counts, _regions(["A"]), [{"theme_id": "T1"}], fonts_dir=FONTS_DIR)
    )
    assert texts[texts.index("Number of respondents:") + 1 :] == ["0", "175", "350", "525", "700"]


def test_charts_read_on_a_phone_and_fall_back_to_a_sans_serif() -> None:
    """Four regions fit SVG_WIDTH_TARGET points with 9-unit text: shrunk to a 390 px phone's
    ~360 px column, the text stays at least 9 px tall. Text is never left to the serif default."""
    regions = _regions(REAL_REGIONS)
    themes = [{"theme_id": f"T{n}", "number": n, "short_name": LONG_PHRASE} for n in range(1, 7)]
    counts = pd.DataFrame({"region_id": ["r0"], "theme_id": ["T1"], "respondents": [7]})
    elements = [{"element_id": str(n), "phrase": LONG_PHRASE} for n in range(24)]
    recurrent = pd.DataFrame({"region_id": ["r1"] * 24, "element_id": [str(n) for n in range(24)]})
    for svg in (
        theme_heatmap(counts, regions, themes, fonts_dir=FONTS_DIR),
        recurrence_matrix(recurrent, regions, elements, fonts_dir=FONTS_DIR),
    ):
        width, _ = _size(svg)
        assert width <= SVG_WIDTH_TARGET + 0.01
        assert 360 / width * FONT_SIZE >= 9
        sizes = {float(s) for s in re.findall(r'<text[^>]* font-size="([\d.]+)px"', svg)}
        assert sizes == {FONT_SIZE}
        families = set(re.findall(r'<text[^>]* font-family="([^"]+)"', svg))
        assert families == {"'Noto Sans', sans-serif"}


def test_charts_are_byte_stable() -> None:
    regions = _regions(REAL_REGIONS)
    elements = [{"element_id": "a", "phrase": LONG_PHRASE}]
    recurrent = pd.DataFrame({"region_id": ["r2"], "element_id": ["a"]})
    first = recurrence_matrix(recurrent, regions, elements, fonts_dir=FONTS_DIR)
    assert first == recurrence_matrix(recurrent, regions, elements, fonts_dir=FONTS_DIR)


def test_charts_need_a_fonts_folder_with_fonts(tmp_path: Path) -> None:
    counts = pd.DataFrame({"region_id": ["r0"], "theme_id": ["T1"], "respondents": [1]})
    regions, themes = _regions(["Africa"]), [{"theme_id": "T1", "number": 1}]
    with pytest.raises(TypeError):
        theme_heatmap(counts, regions, themes)  # type: ignore[call-arg]
    with pytest.raises(FileNotFoundError, match=r"no \.ttf fonts"):
        theme_heatmap(counts, regions, themes, fonts_dir=tmp_path)
