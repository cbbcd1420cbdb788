"""Charts: data in labels is printed as typed (never mathtext, LaTeX or SVG markup); fonts come
from the folder the caller names."""

from __future__ import annotations

import html
import re
import xml.dom.minidom
from pathlib import Path

import pandas as pd
import pytest

from meeting_report.charts import recurrence_matrix, theme_heatmap
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


def _texts(svg: str) -> list[str]:
    return [html.unescape(text) for text in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.DOTALL)]


def _regions(labels: list[str]) -> list[dict[str, str]]:
    return [{"region_id": f"r{i}", "short_name": label} for i, label in enumerate(labels)]


def test_hostile_labels_print_literally_in_the_heatmap() -> None:
    regions = _regions(HOSTILE_LABELS)
    themes = [{"theme_id": "T1", "number": "$1$"}, {"theme_id": "T2", "number": r"2\_"}]
    counts = pd.DataFrame({"region_id": ["r0"], "theme_id": ["T1"], "respondents": [3]})
    svg = theme_heatmap(counts, regions, themes, fonts_dir=FONTS_DIR)
    xml.dom.minidom.parseString(svg)  # well-formed: & < > are escaped, not markup
    texts = _texts(svg)
    for label in HOSTILE_LABELS:
        assert label in texts
    assert "Theme $1$" in texts and r"Theme 2\_" in texts
    assert "<b>" not in svg


def test_hostile_labels_print_literally_in_the_recurrence_matrix() -> None:
    regions = _regions(["Asia$", "Europe$"])
    elements = [{"element_id": str(i), "phrase": label} for i, label in enumerate(HOSTILE_LABELS)]
    recurrent = pd.DataFrame({"region_id": ["r0"], "element_id": ["0"]})
    svg = recurrence_matrix(recurrent, regions, elements, fonts_dir=FONTS_DIR)
    xml.dom.minidom.parseString(svg)
    texts = _texts(svg)
    assert "Asia$" in texts and "Europe$" in texts
    for i, label in enumerate(HOSTILE_LABELS):
        assert f"({i}) {label}" in texts


def test_charts_need_a_fonts_folder_with_fonts(tmp_path: Path) -> None:
    counts = pd.DataFrame({"region_id": ["r0"], "theme_id": ["T1"], "respondents": [1]})
    regions, themes = _regions(["Africa"]), [{"theme_id": "T1", "number": 1}]
    with pytest.raises(TypeError):
        theme_heatmap(counts, regions, themes)  # type: ignore[call-arg]
    with pytest.raises(FileNotFoundError, match=r"no \.ttf fonts"):
        theme_heatmap(counts, regions, themes, fonts_dir=tmp_path)
