"""What the parts of a document read: the data blocks an outline may name (the tables each
reads, the parameters it takes) and the tables behind each value the narrative may use.

Shared by the Snakefile (as declared inputs, through outline.document_inputs), the outline
checker and the block builders (blocks.py). Plain data, so reading the Snakefile stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The tables the survey summaries are computed from (compute_summaries, reconcile).
SURVEY_TABLES = ("regions", "themes", "elements", "entities", "survey_responses", "survey_elements")
# The survey summaries' result files (results/summary/), by name: the one list of them.
SURVEY_RESULT_FILES = {
    "theme_respondents": "theme_respondents.csv",
    "recurrent_elements": "recurrent_elements.csv",
    "cross_regional": "cross_regional.csv",
    "overview": "survey_overview.json",
}
# The results that are tables (the overview is a JSON document).
SURVEY_RESULT_TABLES = ("theme_respondents", "recurrent_elements", "cross_regional")
# What the sentences built from the survey read besides: sub-regions and entity notes.
SURVEY_SENTENCE_TABLES = (*SURVEY_TABLES, "subregions", "entity_notes")
PRACTICE_TABLES = ("good_practices", "good_practice_categories")


@dataclass(frozen=True)
class BlockSpec:
    """A kind of data block: the tables it reads, whether it shows the survey summaries, the
    parameters an outline gives it (`required` among them) and which of those name narrative
    files (declared as the document's inputs)."""

    tables: tuple[str, ...] = ()
    summaries: bool = False
    params: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    inline: tuple[str, ...] = ()  # text printed as Markdown (*emphasis*), not plain


BLOCKS: dict[str, BlockSpec] = {
    "acronyms": BlockSpec(tables=("acronyms",)),
    "theme_list": BlockSpec(tables=("themes",)),
    "elements_by_theme": BlockSpec(tables=("themes", "elements")),
    "focus_areas": BlockSpec(
        tables=("focus_areas", "themes"),
        params=("caption", "caption_footnote"),
        required=("caption",),
        inline=("caption",),
    ),
    "agenda": BlockSpec(tables=("agenda",)),
    "participants": BlockSpec(tables=("participants", "participant_sections")),
    "questionnaire": BlockSpec(params=("form",), required=("form",), files=("form",)),
    "document_header": BlockSpec(
        params=("title", "lines", "publisher"), required=("title",), inline=("title", "lines")
    ),
    "part_contents": BlockSpec(),
    "cross_regional_summary": BlockSpec(
        tables=SURVEY_SENTENCE_TABLES,
        summaries=True,
        params=("wording", "lead", "mark"),
        required=("wording",),
        files=("wording", "lead"),
    ),
    "cross_regional_tiers": BlockSpec(
        tables=SURVEY_TABLES,
        summaries=True,
        params=("wording", "mark"),
        required=("wording",),
        files=("wording",),
    ),
    "chart": BlockSpec(
        tables=SURVEY_TABLES,
        summaries=True,
        params=("chart", "caption", "alt"),
        required=("chart", "caption", "alt"),
    ),
    "good_practices": BlockSpec(
        tables=PRACTICE_TABLES, params=("region", "innovative_text"), files=("innovative_text",)
    ),
    "region_overview": BlockSpec(
        tables=(*SURVEY_SENTENCE_TABLES, *PRACTICE_TABLES),
        summaries=True,
        params=(
            "region",
            "wording",
            "mark",
            "recommendations_note",
            "commonalities",
            "practices_intro",
            "innovative_solutions",
        ),
        required=("region", "wording"),
        files=(
            "wording",
            "recommendations_note",
            "commonalities",
            "practices_intro",
            "innovative_solutions",
        ),
    ),
}

# What a narrative file may use (content/README.md lists the same; a test compares them).
NARRATIVE_VALUES = (
    "breakout_groups",
    "counts",
    "delegates",
    "edition",
    "meeting",
    "recommendations",
    "regions",
    "survey",
    "themes",
)
# The tables behind each value (and, for `counts`, each of its keys); (name, "") is the value
# read whole. A document reads the tables of every value its narrative and outline use.
VALUE_TABLES: dict[tuple[str, str], tuple[str, ...]] = {
    ("meeting", ""): (),
    ("edition", ""): (),
    ("delegates", ""): ("participants", "entities"),
    ("survey", ""): SURVEY_TABLES,
    ("regions", ""): ("regions",),
    ("breakout_groups", ""): ("regions",),
    ("themes", ""): ("themes", "elements"),
    ("recommendations", ""): ("recommendations",),
    ("counts", "priorities"): ("recommendations",),
    ("counts", "follow_up"): ("recommendations",),
    ("counts", "recommendations"): ("recommendations",),
    ("counts", "regions"): ("regions",),
    ("counts", "themes"): ("themes",),
    ("counts", "elements"): ("elements",),
    ("counts", ""): ("recommendations", "regions", "themes", "elements"),
}
# What each figure the data gives counts: a number typed next to one of these words in a
# narrative file is taken for that figure (narrative.check_no_typed_figures); elsewhere it is
# prose ("bridging two or more regions").
_ENTITIES = ("entities", "entity", "respondents", "respondent", "organizations", "mechanisms")
_ISCMS = (
    "ISCMs",
    "ISCM",
    "RCPs",
    "IRFs",
    "global processes",
    "consultation mechanisms",
    "mechanisms",
    "processes",
    "forums",
)
_REOS = ("REOs", "REO", "regional economic organizations", "economic organizations")
_UN_RCS = ("UN RCs", "RCs", "UN Regional Commissions", "Regional Commissions", "commissions")
FIGURE_NOUNS: dict[str, tuple[str, ...]] = {
    "delegates.total": ("delegates", "delegate", "participants", "participant", "people"),
    "delegates.iscm": ("delegates", "delegate", "participants", "representatives"),
    "delegates.iscm_entities": _ISCMS,
    "delegates.un_rc": _UN_RCS,
    "delegates.reo": _REOS,
    "survey.surveyed": (*_ENTITIES, *_ISCMS),
    "survey.responded": (*_ENTITIES, "questionnaires", "responses", "replies", "answered"),
    "survey.response_rate": (*_ENTITIES, "response", "responded", "answered", "questioned"),
    "survey.iscm_responded": _ISCMS,
    "survey.responded_by_kind.global_process": ("global processes", "global process"),
    "survey.responded_by_kind.rcp": ("RCPs", "RCP", "regional consultative processes"),
    "survey.responded_by_kind.irf": ("IRFs", "IRF", "interregional forums", "forums"),
    "survey.responded_by_kind.reo": _REOS,
    "survey.responded_by_kind.un_rc": _UN_RCS,
    "survey.status_counts.formulated": (*_ENTITIES, *_ISCMS),
    "survey.status_counts.in_process": (*_ENTITIES, *_ISCMS),
    "survey.status_counts.unable_to_share": (*_ENTITIES, *_ISCMS),
    "survey.elements_total": ("elements", "element"),
    "survey.themes_total": ("themes", "theme", "thematic clusters", "clusters"),
    "counts.elements": ("elements", "element"),
    "counts.themes": ("themes", "theme", "thematic clusters", "clusters"),
    "counts.regions": ("regions", "region", "breakout groups"),
    "counts.priorities": ("priorities", "priority", "recommendations"),
    "counts.follow_up": ("recommendations",),
    "counts.recommendations": ("recommendations", "highlights"),
}

# Values computed with the survey summaries: a document using one shows the survey.
SUMMARY_VALUES = frozenset({"survey"})
# Narrative files a document reads whatever its parts: the layout's labels; the imprint's prose
# (when it has an imprint); the lead texts of "About this edition" (when it has the note).
DOCUMENT_FILES: dict[str, tuple[str, ...]] = {
    "always": ("labels.yaml",),
    "imprint": ("publisher.md", "copyright.md"),
    "edition_note": ("edition_note.md", "edition_note_none.md"),
}


def _documents_of_the_main_config() -> dict[str, Any]:
    """The documents config.yaml (in the working directory) lists, with their inputs."""
    import yaml

    from meeting_report.outline import document_inputs

    with open("config.yaml", encoding="utf-8") as handle:
        config = yaml.safe_load(handle)
    docs = config.get("documents") or ["summary_report", "highlights", "annexes"]
    return {doc: document_inputs(config["narrative_dir"], doc) for doc in docs}


def __getattr__(name: str) -> Any:
    # The per-document tables, narrative and survey need are learned from the outlines
    # (outline.document_inputs); these names give them for the main config.yaml, for tools run
    # from the project folder. The Snakefile and the preview ask with their own config.
    if name == "DOCUMENT_TABLES":
        return {doc: i.tables for doc, i in _documents_of_the_main_config().items()}
    if name == "DOCUMENT_NARRATIVE":
        return {doc: i.narrative for doc, i in _documents_of_the_main_config().items()}
    if name == "DOCUMENTS_WITH_SUMMARIES":
        return tuple(doc for doc, i in _documents_of_the_main_config().items() if i.shows_survey)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
