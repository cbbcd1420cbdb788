"""Build one document: its data from tables and summaries, the narrative check, its outline
laid out, screen and print HTML, the PDF.

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

from .context import DocumentData, narrative_values
from .documents_spec import FIGURE_NOUNS, SURVEY_RESULT_TABLES
from .io import atomic_write_text, read_raw_csv
from .narrative import Figure
from .summaries import RecurrenceRule, compute_all, cross_regional_tiers, overview_json

log = logging.getLogger("meeting_report.documents")


class TypedFiguresError(RuntimeError):
    """A narrative file types a figure that the data provides."""


def edition_context(
    sections: Iterable[str],
    reference: str | os.PathLike[str],
    tables: Mapping[str, pd.DataFrame],
    summaries: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The document's "About this edition" note, from the reconciliation with `reference`:
    the explained differences of the published sections it prints (`sections`, its outline's
    `edition_note`: a reference entry whose `where` starts with one of them is listed)."""
    from .reconcile import Context, edition_note, load_reference, value_labels

    ctx = None
    if summaries is not None:
        ctx = Context(
            overview=summaries["overview"],
            results={name: summaries[name] for name in SURVEY_RESULT_TABLES},
            tables=tables,
        )
    return edition_note(load_reference(reference), ctx, tuple(sections), value_labels(tables))


def survey_summaries(tables: Mapping[str, pd.DataFrame], rule: RecurrenceRule) -> dict[str, Any]:
    """The survey summaries a document shows, computed in this job from the raw tables.

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


def quoted_figures(values: Mapping[str, Any]) -> list[Figure]:
    """The counts the data gives this document (its narrative values), each with the nouns of
    what it counts (documents_spec.FIGURE_NOUNS): a narrative file must type none of them."""
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
        walk(key, values.get(key, {}))
    survey = values.get("survey")
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
    return [
        Figure(name, value, FIGURE_NOUNS.get(name, ()))
        for name, value in figures.items()
        if value > 0
    ]


def check_narrative(files: Iterable[str | os.PathLike[str]], figures: Iterable[Figure]) -> None:
    """Stop the build where a narrative file, or a text of an outline, types a figure the data
    gives (content/README.md, "Figures and lists: never type what the data provides")."""
    from .narrative import check_no_typed_figures
    from .outline import OUTLINES_DIR, parse_outline, texts

    figures = list(figures)
    found = []
    for path in (Path(p) for p in files):
        if path.suffix == ".md":
            sources = [(path.read_text(encoding="utf-8"), str(path))]
        elif path.parent.name == OUTLINES_DIR:
            # An outline's titles, captions and parameters (its keys and comments are not text).
            import yaml

            outline = parse_outline(
                yaml.safe_load(path.read_text(encoding="utf-8")), path.stem, str(path)
            )
            sources = [(text, f"{path}, {text!r}") for text in texts(outline)]
        else:
            continue  # other YAML files hold structure (section numbers, footnote labels)
        for text, where in sources:
            for hit in check_no_typed_figures(text, figures):
                place = f"line {hit.line}, column {hit.column}" if path.suffix == ".md" else ""
                found.append(
                    f"{where}{', ' + place if place else ''}: {hit.text!r} is a "
                    f"figure the data gives ({{{{ {hit.figure} }}}})"
                )
    if found:
        raise TypedFiguresError(
            "Narrative files type figures that the data provides; use the template variables "
            "instead (content/README.md):\n" + "\n".join(found)
        )


def document_data(
    doc: str,
    config: Mapping[str, Any],
    table_paths: Mapping[str, str | os.PathLike[str]],
    folders: Mapping[str, str | os.PathLike[str]],
    reference: str | os.PathLike[str] | None = None,
) -> DocumentData:
    """Everything `doc` prints from data: its tables, its config and (for the editorial note)
    the published figures. Narrative (the outline included) is read when the document renders:
    the live preview keeps this while only narrative files change."""
    tables = {name: read_raw_csv(path) for name, path in table_paths.items()}
    return data_from_tables(doc, config, tables, folders, reference)


def data_from_tables(
    doc: str,
    config: Mapping[str, Any],
    tables: Mapping[str, pd.DataFrame],
    folders: Mapping[str, str | os.PathLike[str]],
    reference: str | os.PathLike[str] | None = None,
) -> DocumentData:
    """`document_data` from tables already read (raw CSVs as text)."""
    from .outline import load_outline

    summaries = None
    if "recurrence" in config:
        summaries = survey_summaries(tables, RecurrenceRule(**config["recurrence"]))
    data = DocumentData(
        doc=doc,
        config=config,
        tables=tables,
        summaries=summaries,
        values=narrative_values(config, tables, summaries),
        fonts_dir=Path(folders["assets"]) / "fonts",
    )
    if reference is not None:
        sections = load_outline(folders["narrative"], doc).edition_note
        if sections is not None:
            data.edition = edition_context(sections, reference, tables, summaries)
            data.values["edition"] = data.edition
    return data


def document_html(
    doc: str,
    data: DocumentData,
    folders: Mapping[str, str | os.PathLike[str]],
    medium: str,
) -> str:
    """`doc` as HTML for `medium` ("screen" or "print"): its outline laid out over its data."""
    from .blocks import Content
    from .layout import document_layout
    from .narrative import FootnoteCollector, NarrativeRenderer
    from .outline import load_outline
    from .render import render_html

    narrative_dir = folders["narrative"]
    outline = load_outline(narrative_dir, doc)
    collector = FootnoteCollector(medium)
    narrative = NarrativeRenderer(narrative_dir, data.values, collector)
    labels = narrative.data("labels.yaml") or {}
    collector.labels.update(labels.get("notes") or {})
    footnotes = narrative.data(outline.footnotes) if outline.footnotes else {}
    content = Content(narrative=narrative, labels=labels, footnotes=footnotes or {})
    document = document_layout(outline, data, narrative, content)
    return render_html(
        "document.html.j2",
        {"document": document},
        medium=medium,
        content_dir=narrative_dir,
        assets_dir=folders["assets"],
        templates_dir=folders["templates"],
        narrative=narrative,
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
) -> DocumentData:
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
    data = document_data(doc, config, table_paths, folders, reference)
    check_narrative(narrative_files, quoted_figures(data.values))
    media = {medium: document_html(doc, data, folders, medium) for medium in ("screen", "print")}
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
    return data
