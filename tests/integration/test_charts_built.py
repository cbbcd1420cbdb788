"""The two Annex 9 charts as built from the real data: numbered and captioned in HTML and PDF,
labels in full, a key, the matrix's rows those of its data table, whole on one printed page,
and, in headless Chromium, the page's fonts and text at least 9 px tall on a 390 px phone."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from xml.etree.ElementTree import Element

import pdfplumber
import pytest
import tinyhtml5

from tests.conftest import ROOT

pytestmark = pytest.mark.slow
HTML_NS = "{http://www.w3.org/1999/xhtml}"
SVG_NS = "{http://www.w3.org/2000/svg}"
FIGURES = {
    "figure-theme-respondents": "Figure 1. Respondents addressing each theme, by region",
    "figure-recurrence": "Figure 2. Elements recurrent in each region",
}
MEASURE = ROOT / "tests" / "integration" / "chart_legibility.mjs"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def text(node: Element) -> str:
    return re.sub(r"\s+", " ", "".join(node.itertext())).strip()


def read_csv(project: Path, name: str) -> list[dict[str, str]]:
    with open(project / "data" / "raw" / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def figures(built_project: Path) -> dict[str, Element]:
    html = (built_project / "build" / "html" / "annexes.html").read_text(encoding="utf-8")
    root = tinyhtml5.parse(html)
    found = {fig.get("id"): fig for fig in root.iter(f"{HTML_NS}figure")}
    assert set(FIGURES) <= set(found)
    return {figure_id: found[figure_id] for figure_id in FIGURES}


def chart_lines(figure: Element) -> list[str]:
    return [text(node) for node in figure.iter(f"{SVG_NS}text")]


def shown_in_full(label: str, lines: list[str]) -> bool:
    """`label` is one <text>, or consecutive ones (a wrapped label's lines) joined by spaces."""
    for start in range(len(lines)):
        joined = lines[start]
        for following in lines[start + 1 :]:
            if joined == label or not label.startswith(joined):
                break
            joined = f"{joined} {following}"
        if joined == label:
            return True
    return False


def row_headers(figure: Element) -> list[str]:
    return [text(th) for th in figure.iter(f"{HTML_NS}th") if th.get("scope") == "row"]


def test_figures_are_numbered_and_captioned_in_html_and_pdf(built_project, figures):
    for figure_id, caption in FIGURES.items():
        assert text(figures[figure_id].find(f"{HTML_NS}figcaption")) == caption
    with pdfplumber.open(built_project / "build" / "pdf" / "annexes.pdf") as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    # The caption as a line of its own (the data table's caption may repeat it after "Data
    # table:"), on one page, with the whole chart: its key and its last row.
    on_page = {
        caption: [p for p in pages if caption in p.splitlines()] for caption in FIGURES.values()
    }
    assert all(len(found) == 1 for found in on_page.values()), on_page.keys()
    # SVG text is placed glyph by glyph: pdfplumber does not see its spaces.
    matrix_page = re.sub(r"\s", "", on_page[FIGURES["figure-recurrence"]][0])
    assert "Recurrentintheregion" in matrix_page and "assistancetovictims" in matrix_page
    heatmap_page = re.sub(r"\s", "", on_page[FIGURES["figure-theme-respondents"]][0])
    assert "Numberofrespondents:" in heatmap_page


def test_chart_labels_are_in_full(built_project, figures):
    regions = read_csv(built_project, "regions.csv")
    heatmap = chart_lines(figures["figure-theme-respondents"])
    for theme in read_csv(built_project, "themes.csv"):
        assert shown_in_full(f"Theme {theme['number']}: {theme['short_name']}", heatmap), theme
    matrix = chart_lines(figures["figure-recurrence"])
    phrases = {e["element_id"]: e["phrase"] for e in read_csv(built_project, "elements.csv")}
    shown = [m.group(1) for line in matrix if (m := re.match(r"\((\w+)\) ", line))]
    assert shown
    for element_id in shown:
        assert shown_in_full(f"({element_id}) {phrases[element_id]}", matrix), element_id
    for lines in (heatmap, matrix):
        for region in regions:
            assert shown_in_full(region["short_name"], lines), region
        assert not any("…" in line for line in lines)


def test_matrix_rows_are_its_data_tables_rows(figures):
    figure = figures["figure-recurrence"]
    chart_ids = [m.group(1) for line in chart_lines(figure) if (m := re.match(r"\((\w+)\) ", line))]
    table_ids = [re.match(r"\((\w+)\) ", header).group(1) for header in row_headers(figure)]
    assert chart_ids == table_ids


def test_heatmap_shows_every_region_and_theme_of_its_data_table(built_project, figures):
    figure = figures["figure-theme-respondents"]
    lines = chart_lines(figure)
    assert [r["short_name"] for r in read_csv(built_project, "regions.csv")] == row_headers(figure)
    themes = [line for line in lines if re.match(r"Theme \d+: ", line)]
    assert len(themes) == len(read_csv(built_project, "themes.csv"))


def test_both_charts_have_a_key(figures):
    assert "Number of respondents:" in chart_lines(figures["figure-theme-respondents"])
    matrix = chart_lines(figures["figure-recurrence"])
    assert "Recurrent in the region" in matrix and "Not recurrent" in matrix


def missing_tools() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not os.path.exists(CHROMIUM):
        return f"Chromium is not at {CHROMIUM} (apt-get install chromium)"
    if not (ROOT / "tools" / "a11y" / "node_modules" / "playwright-core").is_dir():
        return "npm packages missing (cd tools/a11y && npm ci)"
    return None


@pytest.mark.skipif(missing_tools() is not None, reason=str(missing_tools()))
def test_html_charts_use_the_page_fonts_and_read_on_a_phone(built_project):
    html = built_project / "build" / "html" / "annexes.html"
    result = subprocess.run(
        ["node", str(MEASURE), str(html), "390", "1280"],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    charts = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert {(c["id"], c["width"]) for c in charts} == {(f, w) for f in FIGURES for w in (390, 1280)}
    for chart in charts:
        # The SVG's text resolves to the page's font stack, not "Noto Sans" alone or a serif.
        assert chart["font_families"] == [chart["page_font"]], chart
        assert chart["min_text_px"] >= 9, chart
        # The chart fits the viewport: it never makes the page scroll sideways.
        assert chart["chart_right"] <= chart["viewport"], chart
