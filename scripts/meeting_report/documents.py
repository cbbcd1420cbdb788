"""Build one document: context from tables and summaries, narrative check, HTML for screen and print.

The render_html rule calls `render_document`; the render_pdf rule turns the print HTML into a PDF.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .context import DOCUMENT_TABLES, DOCUMENTS_WITH_SUMMARIES, build_context
from .io import atomic_write_text, read_raw_csv
from .summaries import cross_regional_tiers

log = logging.getLogger("meeting_report.documents")
DOCUMENTS = tuple(DOCUMENT_TABLES)


class TypedFiguresError(RuntimeError):
    """A narrative file types a figure that the data provides."""


def load_summaries(paths: Mapping[str, str | os.PathLike[str]], regions: pd.DataFrame
                   ) -> dict[str, Any]:
    cross = read_raw_csv(paths["cross_regional"])
    cross["regions_recurrent"] = cross["regions_recurrent"].astype(int)
    theme_respondents = read_raw_csv(paths["theme_respondents"])
    theme_respondents["respondents"] = theme_respondents["respondents"].astype(int)
    return {
        "overview": json.loads(Path(paths["overview"]).read_text(encoding="utf-8")),
        "theme_respondents": theme_respondents,
        "recurrent_elements": read_raw_csv(paths["recurrent_elements"]),
        "tiers": cross_regional_tiers(cross, regions),
    }


def quoted_figures(context: Mapping[str, Any]) -> set[int]:
    """The counts the data gives this document: a narrative file must not type any of them."""
    figures: set[int] = set()

    def walk(value: Any) -> None:
        if isinstance(value, bool):
            return
        if isinstance(value, int):
            figures.add(value)
        elif isinstance(value, Mapping):
            for item in value.values():
                walk(item)

    for key in ("delegates", "counts"):
        walk(context.get(key, {}))
    survey = context.get("survey")
    if survey:
        walk({k: survey[k] for k in ("surveyed", "responded", "iscm_responded",
                                      "responded_by_kind", "status_counts", "elements_total",
                                      "themes_total")})
        figures.add(round(survey["response_rate"] * 100))
    # 0 and 1 stand in too much ordinary prose ("one of the", "Annex 1") to be told apart.
    return {f for f in figures if f > 1}


def check_narrative(files: Iterable[str | os.PathLike[str]], figures: set[int]) -> None:
    from .narrative import check_no_typed_figures

    found = []
    for path in files:
        text = Path(path).read_text(encoding="utf-8")
        for hit in check_no_typed_figures(text, figures):
            found.append(f"{path}: {hit}")
    if found:
        raise TypedFiguresError(
            "Narrative files type figures that the data provides; use the template variables "
            "instead (content/README.md):\n" + "\n".join(found)
        )


def render_document(
    doc: str,
    config: Mapping[str, Any],
    table_paths: Mapping[str, str | os.PathLike[str]],
    summary_paths: Mapping[str, str | os.PathLike[str]] | None,
    narrative_files: Iterable[str | os.PathLike[str]],
    html_out: str | os.PathLike[str],
    print_out: str | os.PathLike[str],
) -> dict[str, Any]:
    """Write the screen HTML (`html_out`) and the print HTML (`print_out`) of `doc`."""
    from .render import render_html

    tables = {name: read_raw_csv(path) for name, path in table_paths.items()}
    summaries = None
    if summary_paths is not None:
        regions = tables.get("regions")
        if regions is None:
            raise ValueError(f"{doc}: the survey summaries need regions.csv")
        summaries = load_summaries(summary_paths, regions)
    context = build_context(doc, config, tables, summaries)
    if doc == "annexes" and summaries is not None:
        context["charts"] = survey_charts(summaries, tables)
    check_narrative(narrative_files, quoted_figures(context))
    for medium, out in (("screen", html_out), ("print", print_out)):
        atomic_write_text(out, render_html(f"{doc}.html.j2", context, medium=medium))
        log.info("wrote %s (%s)", out, medium)
    return context


def survey_charts(summaries: Mapping[str, Any], tables: Mapping[str, pd.DataFrame]
                  ) -> dict[str, str]:
    from .charts import recurrence_matrix, theme_heatmap

    return {
        "theme_heatmap": theme_heatmap(summaries["theme_respondents"], tables["regions"],
                                       tables["themes"]),
        "recurrence_matrix": recurrence_matrix(summaries["recurrent_elements"],
                                               tables["regions"], tables["elements"]),
    }


__all__ = ["DOCUMENTS", "DOCUMENTS_WITH_SUMMARIES", "render_document"]
