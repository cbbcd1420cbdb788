"""Which inputs each document reads: shared by the Snakefile (as declared inputs) and the
context builder (as what it loads). Plain data, so reading the Snakefile stays fast.
"""

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

# Which tables each document's context reads; the Snakefile declares the same files as inputs.
DOCUMENT_TABLES: dict[str, tuple[str, ...]] = {
    "summary_report": (
        "acronyms",
        "regions",
        "themes",
        "elements",
        "recommendations",
        "participants",
        "entities",
        "survey_responses",
        "survey_elements",
    ),
    "highlights": ("recommendations",),
    "annexes": (
        "regions",
        "subregions",
        "themes",
        "elements",
        "entities",
        "survey_responses",
        "entity_notes",
        "survey_elements",
        "recommendations",
        "participants",
        "participant_sections",
        "agenda",
        "focus_areas",
        "good_practices",
        "good_practice_categories",
    ),
}
# Documents that show the survey summaries (computed in their own job from the tables above).
DOCUMENTS_WITH_SUMMARIES = ("summary_report", "annexes")

# Which narrative files (globs under narrative_dir) each document renders.
DOCUMENT_NARRATIVE: dict[str, tuple[str, ...]] = {
    "summary_report": (
        "summary_report/**/*.md",
        "recommendations/*.md",
        "publisher.md",
        "copyright.md",
        "edition_note*.md",
    ),
    "highlights": ("highlights.md", "edition_note*.md"),
    "annexes": ("annexes/**/*.md", "annexes/**/*.yaml", "highlights.md", "edition_note*.md"),
}
