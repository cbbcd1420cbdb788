"""Build one document: context from tables and summaries, narrative check, screen and print HTML.

The render_document rule calls `render_document` once per document.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .context import build_context
from .documents_spec import SURVEY_RESULT_TABLES
from .io import atomic_write_text, read_raw_csv
from .summaries import RecurrenceRule, compute_all, cross_regional_tiers, overview_json

log = logging.getLogger("meeting_report.documents")


class TypedFiguresError(RuntimeError):
    """A narrative file types a figure that the data provides."""


# The sections of the published report each document prints: a reference entry (its `where`
# starts with the section) is listed in the editorial note of every document printing it.
EDITION_NOTE_SECTIONS: dict[str, tuple[str, ...]] = {
    "summary_report": ("Introduction", "Section ", "Conclusions"),
    "highlights": ("Highlights", "Annex 3"),
    "annexes": ("Annex ",),
}


def edition_context(
    doc: str,
    reference: str | os.PathLike[str],
    tables: Mapping[str, pd.DataFrame],
    summaries: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The document's "About this edition" note, from the reconciliation with `reference`."""
    from .reconcile import Context, edition_note, load_reference, value_labels

    ctx = None
    if summaries is not None:
        ctx = Context(
            overview=summaries["overview"],
            results={name: summaries[name] for name in SURVEY_RESULT_TABLES},
            tables=tables,
        )
    return edition_note(
        load_reference(reference), ctx, EDITION_NOTE_SECTIONS[doc], value_labels(tables)
    )


def survey_summaries(tables: Mapping[str, pd.DataFrame], rule: RecurrenceRule) -> dict[str, Any]:
    """The Annex 9 summaries a document shows, computed in this job from the raw tables.

    The same `compute_all` writes results/summary/ in the compute_summaries job; computing it
    here (milliseconds) instead of reading those files keeps that job off the documents'
    critical path, where every Snakemake job costs about half a second of scheduling.
    """
    results = compute_all(tables, rule)
    # The JSON round trip gives the same plain types the results file holds.
    overview = json.loads(overview_json(results.overview))
    return {
        "overview": overview,
        "theme_respondents": results.theme_respondents,
        "recurrent_elements": results.recurrent_elements,
        "cross_regional": results.cross_regional,
        "tiers": cross_regional_tiers(results.cross_regional, tables["regions"]),
    }


def quoted_figures(context: Mapping[str, Any]) -> dict[str, int | float]:
    """The counts the data gives this document, by name: a narrative file must type none."""
    figures: dict[str, int | float] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, bool):
            return
        if isinstance(value, int):
            figures[prefix] = value
        elif isinstance(value, Mapping):
            for key, item in value.items():
                walk(f"{prefix}.{key}", item)

    for key in ("delegates", "counts"):
        walk(key, context.get(key, {}))
    survey = context.get("survey")
    if survey:
        for key in (
            "surveyed",
            "responded",
            "iscm_responded",
            "responded_by_kind",
            "status_counts",
            "elements_total",
            "themes_total",
        ):
            walk(f"survey.{key}", survey[key])
        figures["survey.response_rate"] = survey["response_rate"]
    # 0 stands in too much ordinary prose to be told apart from a count.
    return {name: value for name, value in figures.items() if value > 0}


def check_narrative(
    files: Iterable[str | os.PathLike[str]], figures: Mapping[str, int | float]
) -> None:
    from .narrative import check_no_typed_figures

    found = []
    # Only prose is checked: YAML files hold structure (section numbers, footnote labels).
    for path in (p for p in files if str(p).endswith(".md")):
        text = Path(path).read_text(encoding="utf-8")
        for hit in check_no_typed_figures(text, figures):
            found.append(
                f"{path}, line {hit.line}, column {hit.column}: {hit.text!r} is a "
                f"figure the data gives ({{{{ {hit.figure} }}}})"
            )
    if found:
        raise TypedFiguresError(
            "Narrative files type figures that the data provides; use the template variables "
            "instead (content/README.md):\n" + "\n".join(found)
        )


def document_context(
    doc: str,
    config: Mapping[str, Any],
    table_paths: Mapping[str, str | os.PathLike[str]],
    folders: Mapping[str, str | os.PathLike[str]],
    reference: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """Everything `doc` prints, from its tables, its config and (for the editorial note) the
    published figures. Narrative is not read here: the live preview reuses a context while
    only narrative files change."""
    tables = {name: read_raw_csv(path) for name, path in table_paths.items()}
    summaries = None
    if "recurrence" in config:
        summaries = survey_summaries(tables, RecurrenceRule(**config["recurrence"]))
    context = build_context(doc, config, tables, summaries)
    if reference is not None:
        context["edition"] = edition_context(doc, reference, tables, summaries)
    if doc == "annexes" and summaries is not None:
        fonts = Path(folders["assets"]) / "fonts"
        context["charts"] = survey_charts(summaries, tables, fonts_dir=fonts)
    return context


def document_html(
    doc: str,
    context: Mapping[str, Any],
    folders: Mapping[str, str | os.PathLike[str]],
    medium: str,
) -> str:
    """`doc` as HTML for `medium` ("screen" or "print"), narrative included."""
    from .render import render_html

    return render_html(
        f"{doc}.html.j2",
        context,
        medium=medium,
        content_dir=folders["narrative"],
        assets_dir=folders["assets"],
        templates_dir=folders["templates"],
    )


def render_document(
    doc: str,
    config: Mapping[str, Any],
    table_paths: Mapping[str, str | os.PathLike[str]],
    narrative_files: Iterable[str | os.PathLike[str]],
    outputs: Mapping[str, str | os.PathLike[str]],
    folders: Mapping[str, str | os.PathLike[str]],
    sources: Iterable[str | os.PathLike[str]] = (),
    reference: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """Render `doc` to `outputs["html"]` (screen) and `outputs["pdf"]`.

    `config` holds only what this document reads (`workflow.document_config`): the meeting,
    the build date and, for documents that show the survey, its dates and recurrence rule.
    `folders` names the `templates`, `assets` and `narrative` folders (from the workflow's
    folder and config.yaml). Also written: `outputs["print_html"]`, the HTML WeasyPrint lays out
    (kept for the benchmark's floor and for debugging), and `outputs["sources"]`, the record of
    every file the document was rendered from, which the PDF embeds together with its CSVs. One
    job does both media: the tables, templates and fonts are loaded once. `reference` (the
    published figures, config.yaml's `reference`) gives the editorial note "About this edition".
    """
    from .manifest import embedded_sources, sources_manifest, write_json
    from .pdf import write_pdf

    assets = Path(folders["assets"])
    context = document_context(doc, config, table_paths, folders, reference)
    check_narrative(narrative_files, quoted_figures(context))
    media = {medium: document_html(doc, context, folders, medium) for medium in ("screen", "print")}
    atomic_write_text(outputs["html"], media["screen"])
    atomic_write_text(outputs["print_html"], media["print"])
    write_json(outputs["sources"], sources_manifest(doc, sources, config))
    attachments, build_id = embedded_sources(outputs["sources"], table_paths.values())
    write_pdf(
        media["print"],
        outputs["pdf"],
        base_url=assets,
        assets_dir=assets,
        created=config["build_date"],
        attachments=attachments,
        build_id=build_id,
    )
    log.info("wrote %s and %s", outputs["html"], outputs["pdf"])
    return context


def survey_charts(
    summaries: Mapping[str, Any],
    tables: Mapping[str, pd.DataFrame],
    *,
    fonts_dir: str | os.PathLike[str],
) -> dict[str, str]:
    from .charts import recurrence_matrix, theme_heatmap
    from .context import records, themes_with_elements

    regions = records(tables["regions"])
    # Elements in the order of the matrix's data table: by theme, then display order.
    elements = [
        element
        for theme in themes_with_elements(tables["themes"], tables["elements"])
        for element in theme["elements"]
    ]
    return {
        "theme_heatmap": theme_heatmap(
            summaries["theme_respondents"], regions, records(tables["themes"]), fonts_dir=fonts_dir
        ),
        "recurrence_matrix": recurrence_matrix(
            summaries["recurrent_elements"], regions, elements, fonts_dir=fonts_dir
        ),
    }
