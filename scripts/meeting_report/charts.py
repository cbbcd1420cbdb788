"""Charts for the survey results: matplotlib SVG, text kept as text, byte-stable output.

Each function returns the SVG markup (no XML prolog) to embed inline in a template through the
`figure` macro, which adds the number, caption, role="img", the aria-label and the data table.

Both charts are one grid laid out in points: a column of wrapped row labels, one column per
region, a key. Sizes are chosen for a phone as much as for print: the SVG is drawn
SVG_WIDTH_TARGET points wide with 9 pt text, so shrunk to a 390 px phone's text column (about
360 CSS px) its text stays about 9 px tall, and printed at its own size it is 9 pt.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
from markupsafe import Markup
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

ACCENT = "#0033a0"
TEXT = "#1a1a1a"
EMPTY_EDGE = "#5f6f94"  # an empty square's outline: 5:1 on white, visible in print and on screen
RULE = "#d5dbe8"
FONT_FAMILY = "Noto Sans"
# Outside a page that names its fonts (the print SVG is its own document), fall back to a
# sans-serif face, never the serif default. On screen, print.css sets the page's font stack.
SVG_FONT_FAMILY = "'Noto Sans', sans-serif"

# Geometry in points (1 user unit of the SVG = 1 pt).
FONT_SIZE = 9.0
LINE = FONT_SIZE * 1.2
CAP_HALF = FONT_SIZE * 0.357  # half of Noto Sans's cap height: centres a line on a row
SVG_WIDTH_TARGET = 340.0  # a phone's ~360 CSS px column shows 9-unit text at 9 px or more
PAD = 3.0
GAP = 8.0  # between the row labels and the grid
MIN_LABEL_WIDTH = 120.0  # with many regions the chart grows wider rather than the labels narrower
COLUMN_WIDTH = 48.0  # one region, header level: "Pacific and" (45 pt) fits on a line
ROTATED_HEADER_WIDTH = 76.0  # one line of a header set upright (bottom to top)
ROW_PAD = 4.0
# Lines are broken to fit this share of their room: a screen without Noto Sans sets them in
# its own sans-serif (Roboto, Segoe UI, Arial are narrower; DejaVu Sans is 7 % wider, which
# this margin and GAP absorb), and they must not run into the grid.
FALLBACK_FIT = 0.96
SQUARE = 10.0

_RC = {
    "svg.fonttype": "none",  # text stays text: searchable, selectable, set in the page's font
    "svg.hashsalt": "meeting-report",  # stable ids for clip paths
    "font.family": FONT_FAMILY,
    "font.size": FONT_SIZE,
    # Labels are data (region names, element phrases): never mathtext or LaTeX, so "US$5 or
    # US$6" prints as typed and "$\foo$" cannot crash the render.
    "text.parse_math": False,
    "text.usetex": False,
}

_REGISTERED: set[Path] = set()


def _register_fonts(fonts_dir: str | os.PathLike[str]) -> None:
    """Make matplotlib lay text out with the fonts of `fonts_dir` (once per folder).

    Layout (text widths) must use the font the PDF embeds, not whatever the machine has: the
    folder's fonts go first in matplotlib's list, so an installed font of the same name loses
    the tie.
    """
    folder = Path(fonts_dir).resolve()
    if folder in _REGISTERED:
        return
    paths = sorted(folder.glob("*.ttf"))
    if not paths:
        raise FileNotFoundError(f"no .ttf fonts in the chart fonts folder {fonts_dir}")
    manager = font_manager.fontManager
    for path in paths:
        manager.addfont(str(path))
    # Stable sort: this folder's faces first, the rest in their order. addfont just cleared
    # the lookup cache, so nothing cached predates the new order.
    manager.ttflist.sort(key=lambda font: Path(font.fname).parent != folder)
    _REGISTERED.add(folder)


@contextlib.contextmanager
def _chart_style() -> Iterator[None]:
    # matplotlib's own defaults, not the machine's matplotlibrc, then ours: same SVG anywhere.
    with plt.style.context("default"), plt.rc_context(_RC):
        yield


# --------------------------------------------------------------------------- text


def _text_width(text: str) -> float:
    """Width in points of one line at FONT_SIZE, from the font's advances (no hinting)."""
    # Summed word by word (kerning never spans a space): wrapping measures each word once.
    font_file = font_manager.findfont(FontProperties(family=FONT_FAMILY, size=FONT_SIZE))
    words = text.split(" ")
    space = _word_width(" ", font_file)
    return sum(_word_width(word, font_file) for word in words) + space * (len(words) - 1)


@functools.lru_cache(maxsize=4096)
def _word_width(word: str, font_file: str) -> float:
    prop = FontProperties(fname=font_file, size=FONT_SIZE)
    width, _, _ = TextToPath().get_text_width_height_descent(word, prop, ismath=False)
    return float(width)


def wrap(text: str, width: float, later_width: float | None = None) -> list[str]:
    """Break `text` at spaces into lines at most `width` points wide (later lines
    `later_width`); a word wider than the line stands alone. Never shortens: the lines joined
    with one space give `text` back."""
    later = width if later_width is None else later_width
    lines: list[str] = []
    current: str | None = None
    for word in text.split(" "):
        candidate = word if current is None else f"{current} {word}"
        if current is not None and _text_width(candidate) > (later if lines else width):
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current or "")
    return lines


def _draw_lines(
    ax: Any,
    lines: Sequence[str],
    x: float,
    y_centre: float,
    *,
    ha: str = "left",
    indent: float = 0.0,
    color: str = TEXT,
) -> None:
    """One <text> per line, the block centred on `y_centre`; lines after the first `indent`."""
    first = y_centre - (len(lines) - 1) * LINE / 2 + CAP_HALF
    for k, line in enumerate(lines):
        ax.text(
            x + (indent if k else 0.0),
            first + k * LINE,
            line,
            ha=ha,
            va="baseline",
            color=color,
            fontsize=FONT_SIZE,
        )


# --------------------------------------------------------------------------- grid


@dataclass(frozen=True)
class _Grid:
    """Where things go: row labels, region columns, the key; y grows downwards.

    With `rotated` headers the region names stand upright over narrow columns, leaving the
    row labels more width (fewer lines, a shorter chart).
    """

    row_lines: list[list[str]]
    indents: list[float]
    column_lines: list[list[str]]
    column_width: float
    label_width: float
    rotated: bool
    key_height: float

    @property
    def grid_left(self) -> float:
        return PAD + self.label_width + GAP

    @property
    def header_height(self) -> float:
        if self.rotated:
            longest = max((_text_width(line) for c in self.column_lines for line in c), default=0)
            # At least two lines: the matrix's key stands in this header, left of the names.
            return max(longest / FALLBACK_FIT + 6, 2 * LINE + 10)
        return max((len(lines) for lines in self.column_lines), default=1) * LINE + 6

    @property
    def row_heights(self) -> list[float]:
        return [max(len(lines), 1) * LINE + ROW_PAD for lines in self.row_lines]

    @property
    def row_tops(self) -> list[float]:
        tops, y = [], PAD + self.header_height
        for height in self.row_heights:
            tops.append(y)
            y += height
        return tops

    @property
    def grid_bottom(self) -> float:
        return PAD + self.header_height + sum(self.row_heights)

    @property
    def width(self) -> float:
        return self.grid_left + self.column_width * len(self.column_lines) + PAD

    @property
    def height(self) -> float:
        return self.grid_bottom + self.key_height + PAD

    def column_centre(self, j: int) -> float:
        return self.grid_left + (j + 0.5) * self.column_width


def _grid(
    row_labels: Sequence[tuple[str, str]],
    regions: Sequence[Mapping[str, Any]],
    *,
    rotated: bool,
    key_height: float,
) -> _Grid:
    """`row_labels`: (prefix, text) pairs; continuation lines hang under the text, not the
    prefix ("(a) international … / of origin…")."""
    names = [_label(r, "short_name", "name") for r in regions]
    if rotated:
        # Upright lines may grow upwards (the header's height allows for it), so no margin here.
        column_lines = [wrap(name, ROTATED_HEADER_WIDTH) for name in names]
        most = max((len(lines) for lines in column_lines), default=1)
        column_width = max(most * LINE + 8, SQUARE + 12)
    else:
        # Centred: a wider font spreads a line evenly into the space between two headers.
        column_lines = [wrap(name, COLUMN_WIDTH - 2) for name in names]
        column_width = COLUMN_WIDTH
    fixed = 2 * PAD + GAP + column_width * len(regions)
    label_width = max(SVG_WIDTH_TARGET - fixed, MIN_LABEL_WIDTH)
    row_lines, indents = [], []
    for prefix, text in row_labels:
        indent = _text_width(prefix) if prefix else 0.0
        fit = label_width * FALLBACK_FIT
        row_lines.append(wrap(prefix + text, fit, fit - indent))
        indents.append(indent)
    return _Grid(row_lines, indents, column_lines, column_width, label_width, rotated, key_height)


def _figure(grid: _Grid) -> tuple[Any, Any]:
    """A figure exactly grid.width × grid.height points whose data units are points."""
    fig = plt.figure(figsize=(grid.width / 72, grid.height / 72))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, grid.width)
    ax.set_ylim(grid.height, 0)
    ax.set_axis_off()
    return fig, ax


def _draw_labels(ax: Any, grid: _Grid) -> None:
    header_bottom = PAD + grid.header_height
    for j, lines in enumerate(grid.column_lines):
        centre = grid.column_centre(j)
        if grid.rotated:
            # Upright, reading upwards from just above the grid; the first line leftmost.
            for k, line in enumerate(lines):
                ax.text(
                    centre + CAP_HALF + (k - (len(lines) - 1) / 2) * LINE,
                    header_bottom - 5,
                    line,
                    rotation=90,
                    rotation_mode="anchor",
                    ha="left",
                    va="baseline",
                    color=TEXT,
                    fontsize=FONT_SIZE,
                )
        else:
            # Bottom-aligned: every header's last line sits just above the grid.
            middle = header_bottom - 5 - CAP_HALF - (len(lines) - 1) * LINE / 2
            _draw_lines(ax, lines, centre, middle, ha="center")
    for lines, indent, top, height in zip(
        grid.row_lines, grid.indents, grid.row_tops, grid.row_heights, strict=True
    ):
        _draw_lines(ax, lines, PAD, top + height / 2, indent=indent)


def _square(ax: Any, x: float, y: float, size: float, filled: bool) -> None:
    ax.add_patch(
        plt.Rectangle(
            (x - size / 2, y - size / 2),
            size,
            size,
            facecolor=ACCENT if filled else "white",
            edgecolor=ACCENT if filled else EMPTY_EDGE,
            linewidth=0.8,
            clip_on=False,
        )
    )


# --------------------------------------------------------------------------- colours


def _luminance(rgb: Sequence[float]) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _ink_on(rgb: Sequence[float]) -> str:
    """White or near-black, whichever contrasts more with the cell (WCAG contrast ratio)."""
    lum = _luminance(rgb)
    on_white = 1.05 / (lum + 0.05)
    on_dark = (lum + 0.05) / (_luminance((0.102, 0.102, 0.102)) + 0.05)
    return "white" if on_white > on_dark else TEXT


def _key_values(top: int) -> list[int]:
    if top <= 10:
        return list(range(top + 1))
    return sorted({round(top * k / 4) for k in range(5)})


# --------------------------------------------------------------------------- SVG


def _svg(figure: Any, name: str) -> Markup:
    buffer = io.StringIO()
    # No bbox_inches="tight": the grid already fits its figure, and the size stays predictable.
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(figure)
    svg = buffer.getvalue()
    # Inline SVG: drop the XML prolog and DOCTYPE; the template supplies role/aria-label.
    svg = svg[svg.index("<svg") :]
    # Inside HTML, a <style> element would apply to the whole page and style="" is parsed
    # as HTML CSS (WeasyPrint warns on fill/text-anchor): use SVG presentation attributes.
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    svg = re.sub(r"\s*<style[^>]*>.*?</style>", "", svg, flags=re.DOTALL)
    svg = _STYLE_ATTRIBUTE.sub(_presentation_attributes, svg)
    svg = svg.replace(f"font-family=\"'{FONT_FAMILY}'\"", f'font-family="{SVG_FONT_FAMILY}"')
    return Markup(_scope_ids(svg, name))


def _scope_ids(svg: str, name: str) -> str:
    """Several charts share one HTML page: ids must be unique there.

    matplotlib names every group (`patch_1`, `text_1`…): drop the ids nothing refers to and
    prefix the referenced ones (clip paths, glyph uses) with the chart's name.
    """
    referenced = set(re.findall(r'(?:url\(#|href="#)([^)"]+)', svg))

    def rename(match: re.Match[str]) -> str:
        ident = match.group(1)
        return f' id="{name}-{ident}"' if ident in referenced else ""

    svg = re.sub(r'\s+id="([^"]+)"', rename, svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{name}-{m.group(1)})", svg)
    return re.sub(r'href="#([^"]+)"', lambda m: f'href="#{name}-{m.group(1)}"', svg)


_STYLE_ATTRIBUTE = re.compile(r'style="([^"]*)"')


def _presentation_attributes(match: re.Match[str]) -> str:
    attributes = []
    for declaration in match.group(1).split(";"):
        if ":" not in declaration:
            continue
        name, value = (part.strip() for part in declaration.split(":", 1))
        attributes.append(f'{name}="{value.replace(chr(34), chr(39))}"')
    return " ".join(attributes)


def _label(item: Mapping[str, Any], *keys: str) -> str:
    for key in keys:
        if item.get(key):
            return str(item[key])
    raise KeyError(f"none of {keys} in {item}")


def theme_label(theme: Mapping[str, Any]) -> str:
    """ "Theme 1: human rights of all migrants": the number the regional overviews use
    ("Global compact theme 1") with the short name an unnumbered list of themes can be read by."""
    number = f"Theme {theme.get('number', theme['theme_id'])}"
    return f"{number}: {theme['short_name']}" if theme.get("short_name") else number


# --------------------------------------------------------------------------- charts


def theme_heatmap(
    theme_respondents_df: pd.DataFrame,
    regions: Sequence[Mapping[str, Any]],
    themes: Sequence[Mapping[str, Any]],
    *,
    fonts_dir: str | os.PathLike[str],
) -> Markup:
    """Theme × region grid of respondents (columns region_id, theme_id, respondents).

    A missing region/theme pair is 0. Regions and themes come in the order given; themes are
    rows (their labels are long, region names short). `fonts_dir`: the project's fonts (the
    workflow's assets/fonts), which the PDF embeds.
    """
    _register_fonts(fonts_dir)
    region_ids = [str(r["region_id"]) for r in regions]
    theme_ids = [str(t["theme_id"]) for t in themes]
    counts = (
        theme_respondents_df.assign(respondents=lambda d: d["respondents"].astype(int))
        .pivot_table(index="theme_id", columns="region_id", values="respondents", aggfunc="sum")
        .reindex(index=theme_ids, columns=region_ids)
        .fillna(0)
        .astype(int)
    )
    top = max(int(counts.to_numpy().max()) if counts.size else 0, 1)
    cmap = matplotlib.colormaps["Blues"]

    def fill(value: int) -> Any:
        return cmap(0.05 + 0.85 * value / top)  # 0 a pale tint, not the page's white

    row_labels = [("", theme_label(t)) for t in themes]
    with _chart_style():
        grid = _grid(row_labels, regions, rotated=False, key_height=8 + LINE + 8)
        fig, ax = _figure(grid)
        _draw_labels(ax, grid)
        for i, (top_y, height) in enumerate(zip(grid.row_tops, grid.row_heights, strict=True)):
            for j in range(len(region_ids)):
                value = int(counts.iat[i, j])
                colour = fill(value)
                ax.add_patch(
                    plt.Rectangle(
                        (grid.grid_left + j * grid.column_width, top_y),
                        grid.column_width,
                        height,
                        facecolor=colour,
                        edgecolor="white",
                        linewidth=1.5,
                        clip_on=False,
                    )
                )
                _draw_lines(
                    ax, [str(value)], grid.column_centre(j), top_y + height / 2,
                    ha="center", color=_ink_on(colour),
                )  # fmt: skip
        # Key: the shades with the counts they stand for.
        y = grid.grid_bottom + 8 + LINE / 2
        _draw_lines(ax, ["Number of respondents:"], PAD, y)
        x = PAD + _text_width("Number of respondents:") + 6
        for value in _key_values(top):
            colour = fill(value)
            width = max(18.0, _text_width(str(value)) + 8)
            ax.add_patch(
                plt.Rectangle(
                    (x, y - LINE / 2 - 1), width, LINE + 2, facecolor=colour,
                    edgecolor="white", linewidth=1, clip_on=False,
                )
            )  # fmt: skip
            _draw_lines(ax, [str(value)], x + width / 2, y, ha="center", color=_ink_on(colour))
            x += width
        return _svg(fig, "theme-heatmap")


def recurrence_matrix(
    recurrent_df: pd.DataFrame,
    regions: Sequence[Mapping[str, Any]],
    elements: Sequence[Mapping[str, Any]],
    *,
    fonts_dir: str | os.PathLike[str],
) -> Markup:
    """Element × region matrix: a filled square where the element is recurrent in the region.

    `recurrent_df` lists the recurrent (region_id, element_id) pairs; a `recurrent` column, if
    present, keeps only the rows where it is true. Rows are the elements recurrent in at least
    one of `regions`, in the order given (the rows of the figure's data table); each is
    labelled "(id) phrase" in full, wrapped. `fonts_dir` as for `theme_heatmap`.
    """
    _register_fonts(fonts_dir)
    frame = recurrent_df
    if "recurrent" in frame.columns:
        truthy = frame["recurrent"].astype(str).str.lower().isin(["true", "1"])
        frame = frame[truthy]
    pairs = {(str(r), str(e)) for r, e in zip(frame["region_id"], frame["element_id"], strict=True)}
    region_ids = [str(r["region_id"]) for r in regions]
    shown = [e for e in elements if any((r, str(e["element_id"])) in pairs for r in region_ids)]
    # The regional overviews' short phrase, in full: the summary text would double the height.
    row_labels = [
        (f"({e['element_id']}) ", _label(e, "phrase", "summary_text", "text")) for e in shown
    ]
    with _chart_style():
        # Upright region names: 20-odd rows of wrapped labels must fit one printed page.
        grid = _grid(row_labels, regions, rotated=True, key_height=0)
        fig, ax = _figure(grid)
        _draw_labels(ax, grid)
        right = grid.width - PAD
        for i, (top_y, height) in enumerate(zip(grid.row_tops, grid.row_heights, strict=True)):
            # Hairlines between rows lead the eye from a long label to its squares.
            if i:
                ax.plot([PAD, right], [top_y, top_y], color=RULE, linewidth=0.5, clip_on=False)
            element_id = str(shown[i]["element_id"])
            for j, region_id in enumerate(region_ids):
                recurrent = (region_id, element_id) in pairs
                _square(ax, grid.column_centre(j), top_y + height / 2, SQUARE, recurrent)
        # Key: what a filled and an empty square mean, in the header's free corner (read
        # first, and no extra height: the matrix must fit a printed page).
        x = PAD + SQUARE / 2
        for k, (filled, meaning) in enumerate(
            ((True, "Recurrent in the region"), (False, "Not recurrent"))
        ):
            y = PAD + 2 + LINE / 2 + k * (LINE + 3)
            _square(ax, x, y, SQUARE, filled)
            _draw_lines(ax, [meaning], x + SQUARE / 2 + 4, y)
        return _svg(fig, "recurrence-matrix")
