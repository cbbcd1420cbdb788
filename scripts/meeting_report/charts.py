"""Charts for the survey results: matplotlib SVG, text kept as text, byte-stable output.

Each function returns the SVG markup (no XML prolog) to embed inline in a template through the
`figure` macro, which adds role="img", the aria-label and the data table.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
from markupsafe import Markup
from matplotlib import font_manager

ACCENT = "#0033a0"

_RC = {
    "svg.fonttype": "none",  # text stays text: searchable, selectable, set in the page's font
    "svg.hashsalt": "meeting-report",  # stable ids for clip paths
    "font.family": "Noto Sans",
    "font.size": 8,
    "axes.edgecolor": "#4d4d4d",
    "axes.linewidth": 0.6,
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


def _svg(figure: Any, name: str) -> Markup:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(figure)
    svg = buffer.getvalue()
    # Inline SVG: drop the XML prolog and DOCTYPE; the template supplies role/aria-label.
    svg = svg[svg.index("<svg") :]
    # Inside HTML, a <style> element would apply to the whole page and style="" is parsed
    # as HTML CSS (WeasyPrint warns on fill/text-anchor): use SVG presentation attributes.
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    svg = re.sub(r"\s*<style[^>]*>.*?</style>", "", svg, flags=re.DOTALL)
    svg = _STYLE_ATTRIBUTE.sub(_presentation_attributes, svg)
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


def _shorten(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def theme_heatmap(
    theme_respondents_df: pd.DataFrame,
    regions: Sequence[Mapping[str, Any]],
    themes: Sequence[Mapping[str, Any]],
    *,
    fonts_dir: str | os.PathLike[str],
) -> Markup:
    """Region × theme grid of respondents (columns region_id, theme_id, respondents).

    A missing region/theme pair is 0. Regions and themes come in the order given. `fonts_dir`:
    the project's fonts (the workflow's assets/fonts), which the PDF embeds.
    """
    _register_fonts(fonts_dir)
    region_ids = [str(r["region_id"]) for r in regions]
    theme_ids = [str(t["theme_id"]) for t in themes]
    counts = (
        theme_respondents_df.assign(respondents=lambda d: d["respondents"].astype(int))
        .pivot_table(index="region_id", columns="theme_id", values="respondents", aggfunc="sum")
        .reindex(index=region_ids, columns=theme_ids)
        .fillna(0)
        .astype(int)
    )
    with _chart_style():
        fig, ax = plt.subplots(figsize=(6.3, 0.5 + 0.45 * len(region_ids)))
        top = max(int(counts.to_numpy().max()), 1)
        cmap = matplotlib.colormaps["Blues"]
        # Rectangles, not imshow: imshow embeds a PNG; rectangles stay vector.
        for i in range(len(region_ids)):
            for j in range(len(theme_ids)):
                value = int(counts.iat[i, j])
                ax.add_patch(
                    plt.Rectangle(
                        (j - 0.5, i - 0.5),
                        1,
                        1,
                        facecolor=cmap(value / (top * 1.15)),
                        edgecolor="white",
                        linewidth=1,
                    )
                )
                colour = "white" if value > top * 0.6 else "#1a1a1a"
                ax.text(j, i, str(value), ha="center", va="center", color=colour, fontsize=8)
        ax.set_xlim(-0.5, len(theme_ids) - 0.5)
        ax.set_ylim(len(region_ids) - 0.5, -0.5)
        ax.set_xticks(range(len(theme_ids)))
        ax.set_xticklabels([f"Theme {t.get('number', t['theme_id'])}" for t in themes])
        ax.set_yticks(range(len(region_ids)))
        ax.set_yticklabels([_label(r, "short_name", "name") for r in regions])
        ax.tick_params(length=0)
        ax.xaxis.tick_top()
        for spine in ax.spines.values():
            spine.set_visible(False)
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
    present, keeps only the rows where it is true. `fonts_dir` as for `theme_heatmap`.
    """
    _register_fonts(fonts_dir)
    frame = recurrent_df
    if "recurrent" in frame.columns:
        truthy = frame["recurrent"].astype(str).str.lower().isin(["true", "1"])
        frame = frame[truthy]
    pairs = {(str(r), str(e)) for r, e in zip(frame["region_id"], frame["element_id"], strict=True)}
    region_ids = [str(r["region_id"]) for r in regions]
    element_ids = [str(e["element_id"]) for e in elements]
    with _chart_style():
        fig, ax = plt.subplots(figsize=(6.3, 0.7 + 0.24 * len(element_ids)))
        for i, element_id in enumerate(element_ids):
            for j, region_id in enumerate(region_ids):
                recurrent = (region_id, element_id) in pairs
                ax.add_patch(
                    plt.Rectangle(
                        (j - 0.35, i - 0.35),
                        0.7,
                        0.7,
                        facecolor=ACCENT if recurrent else "white",
                        edgecolor=ACCENT if recurrent else "#8c9bbf",
                        linewidth=0.6,
                    )
                )
        ax.set_xlim(-0.5, len(region_ids) - 0.5)
        ax.set_ylim(len(element_ids) - 0.5, -0.5)
        ax.set_xticks(range(len(region_ids)))
        # Wrapped: "Asia, Pacific and the Middle East" would run into its neighbours.
        ax.set_xticklabels([textwrap.fill(_label(r, "short_name", "name"), 18) for r in regions])
        ax.set_yticks(range(len(element_ids)))
        ax.set_yticklabels(
            # The regional overviews' short phrase reads better in a narrow label than the text.
            [
                _shorten(f"({e['element_id']}) {_label(e, 'phrase', 'summary_text', 'text')}", 60)
                for e in elements
            ]
        )
        ax.tick_params(length=0)
        ax.xaxis.tick_top()
        for spine in ax.spines.values():
            spine.set_visible(False)
        return _svg(fig, "recurrence-matrix")
