"""Survey summaries: respondents per region and theme, recurrent elements, cross-regional tiers.

Every function takes and returns DataFrames of strings as read by `meeting_report.io.read_raw_csv`
(dtype=str, no NaN), except for the integer count columns they add. The work is done with
merges and groupbys, never with Python loops over survey rows: the 1000× synthetic survey
(27,000 entities) runs in well under a second.

Vocabulary (as in the report):
- a *respondent* is an entity with a row in survey_responses.csv;
- the respondents of region R for theme T are the entities reported under R (entities.csv
  `regions`) that mention at least one element of T (survey_elements.csv);
- an element is *recurrent* in a region when more than `min_share` of the theme's respondents
  mention it, and at least `min_respondents` do (footnote 54: "more than 50 per cent").
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd

from meeting_report.documents_spec import SURVEY_RESULT_FILES
from meeting_report.io import atomic_write_text
from meeting_report.safe_csv import to_safe_csv_text

KINDS = ("global_process", "rcp", "irf", "reo", "un_rc")
ISCM_KINDS = ("global_process", "rcp", "irf")
STATUSES = ("formulated", "in_process", "unable_to_share")

THEME_RESPONDENTS_COLUMNS = ["region_id", "theme_id", "respondents"]
MENTIONS_COLUMNS = ["region_id", "theme_id", "element_id", "mentions", "respondents"]
CROSS_REGIONAL_COLUMNS = ["element_id", "theme_id", "regions_recurrent", "region_ids"]

# File names of the results, in the order write_results writes them.
RESULT_FILES = SURVEY_RESULT_FILES


@dataclass(frozen=True)
class RecurrenceRule:
    """When an element counts as recurrent in a region (config.yaml `recurrence:`)."""

    min_share: float = 0.5
    min_respondents: int = 2

    def __post_init__(self) -> None:
        if not 0 <= self.min_share <= 1:
            raise ValueError(f"min_share must be between 0 and 1, got {self.min_share!r}")
        if int(self.min_respondents) != self.min_respondents or self.min_respondents < 1:
            raise ValueError(
                f"min_respondents must be a whole number ≥ 1, got {self.min_respondents!r}"
            )

    def share_fraction(self) -> Fraction:
        # Exact arithmetic: 0.57 × 100 is 56.99999… in floats, which would make 57 of 100
        # mentions "more than" 57 %. The decimal the author typed is what is meant.
        return Fraction(str(self.min_share)).limit_denominator(1_000_000)


@dataclass(frozen=True)
class SummaryResults:
    theme_respondents: pd.DataFrame
    recurrent_elements: pd.DataFrame
    cross_regional: pd.DataFrame
    overview: dict[str, Any]


# --- building blocks ---------------------------------------------------------------------------


def entity_regions(entities: pd.DataFrame) -> pd.DataFrame:
    """One row per (entity, region it is reported under); entities without regions drop out."""
    pairs = entities[["entity_id"]].assign(region_id=entities["regions"].str.split(";"))
    pairs = pairs.explode("region_id", ignore_index=True)
    pairs["region_id"] = pairs["region_id"].fillna("").str.strip()
    pairs = pairs[pairs["region_id"] != ""]
    return pairs.drop_duplicates().reset_index(drop=True)[["entity_id", "region_id"]]


def _entity_elements(survey_elements: pd.DataFrame) -> pd.DataFrame:
    return survey_elements[["entity_id", "element_id"]].drop_duplicates()


def _entity_themes(elements: pd.DataFrame, survey_elements: pd.DataFrame) -> pd.DataFrame:
    """One row per (entity, theme it mentions at least one element of)."""
    mentioned = _entity_elements(survey_elements).merge(
        elements[["element_id", "theme_id"]], on="element_id"
    )
    return mentioned[["entity_id", "theme_id"]].drop_duplicates()


def _elements_in_display_order(elements: pd.DataFrame) -> pd.DataFrame:
    order = pd.to_numeric(elements["display_order"], errors="coerce")
    return elements.assign(_order=order).sort_values(["_order"], kind="stable")


def _ids(frame: pd.DataFrame, column: str) -> list[str]:
    return [str(value) for value in frame[column].tolist()]


# --- the summaries -----------------------------------------------------------------------------


def themes_without_specific_respondents(
    regions: pd.DataFrame,
    themes: pd.DataFrame,
    elements: pd.DataFrame,
    entities: pd.DataFrame,
    survey_elements: pd.DataFrame,
) -> dict[str, list[str]]:
    """Per region, the themes no respondent addresses except by mentioning every element.

    An entity that lists all the elements gives a blanket answer (ACP–EU Migration Dialogue
    "covers all the global compact sub-headed themes"), so a theme only it addresses is one on
    which "none of the respondents seem to have formulated recommendations" (the Americas).
    """
    mentioned = _entity_elements(survey_elements)
    per_entity = mentioned.groupby("entity_id").size()
    blanket = per_entity[per_entity >= len(elements)].index if len(elements) else []
    pairs = _entity_themes(elements, survey_elements)
    pairs = pairs[~pairs["entity_id"].isin(blanket)].merge(entity_regions(entities), on="entity_id")
    grid = pd.MultiIndex.from_product(
        [regions["region_id"].tolist(), themes["theme_id"].tolist()],
        names=["region_id", "theme_id"],
    )
    addressed = pd.MultiIndex.from_frame(pairs[["region_id", "theme_id"]].drop_duplicates())
    found: dict[str, list[str]] = {region_id: [] for region_id in regions["region_id"]}
    for region_id, theme_id in grid[~grid.isin(addressed)]:  # the grid, not survey rows
        found[region_id].append(theme_id)
    return found


def theme_respondents(
    regions: pd.DataFrame,
    themes: pd.DataFrame,
    elements: pd.DataFrame,
    entities: pd.DataFrame,
    survey_elements: pd.DataFrame,
) -> pd.DataFrame:
    """Respondents per region × theme, every combination present (zeros included).

    Rows follow regions.csv order, then themes.csv order.
    """
    pairs = _entity_themes(elements, survey_elements).merge(
        entity_regions(entities), on="entity_id"
    )
    counts = pairs.groupby(["region_id", "theme_id"]).size()
    # A groupby only returns the combinations it saw: reindex onto the full grid for the zeros.
    grid = pd.MultiIndex.from_product(
        [regions["region_id"].tolist(), themes["theme_id"].tolist()],
        names=["region_id", "theme_id"],
    )
    result = counts.reindex(grid, fill_value=0).rename("respondents").reset_index()
    result["respondents"] = result["respondents"].astype("int64")
    return result[THEME_RESPONDENTS_COLUMNS]


def element_mentions(
    regions: pd.DataFrame,
    themes: pd.DataFrame,
    elements: pd.DataFrame,
    entities: pd.DataFrame,
    survey_elements: pd.DataFrame,
    theme_resp: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Mentions of every element in every region, with the respondents of its theme there.

    Rows follow regions.csv order, then element display order.
    """
    if theme_resp is None:
        theme_resp = theme_respondents(regions, themes, elements, entities, survey_elements)
    mentioned = _entity_elements(survey_elements).merge(entity_regions(entities), on="entity_id")
    counts = mentioned.groupby(["region_id", "element_id"]).size()
    ordered = _elements_in_display_order(elements)
    grid = pd.MultiIndex.from_product(
        [regions["region_id"].tolist(), ordered["element_id"].tolist()],
        names=["region_id", "element_id"],
    )
    result = counts.reindex(grid, fill_value=0).rename("mentions").reset_index()
    result = result.merge(elements[["element_id", "theme_id"]], on="element_id", how="left")
    result = result.merge(theme_resp, on=["region_id", "theme_id"], how="left")
    result["mentions"] = result["mentions"].astype("int64")
    result["respondents"] = result["respondents"].fillna(0).astype("int64")
    return result[MENTIONS_COLUMNS]


def recurrent_elements(mentions: pd.DataFrame, rule: RecurrenceRule) -> pd.DataFrame:
    """Elements recurrent in a region: mentions > min_share × respondents and ≥ min_respondents.

    Exactly half (2 of 4) is not "more than 50 per cent", so it is not recurrent.
    """
    share = rule.share_fraction()
    count = mentions["mentions"].astype("int64")
    respondents = mentions["respondents"].astype("int64")
    is_recurrent = (count * share.denominator > respondents * share.numerator) & (
        count >= rule.min_respondents
    )
    return mentions.loc[is_recurrent, MENTIONS_COLUMNS].reset_index(drop=True)


def cross_regional(
    recurrent: pd.DataFrame, regions: pd.DataFrame, elements: pd.DataFrame
) -> pd.DataFrame:
    """Every element recurrent in at least one region, with the regions where it recurs.

    `region_ids` is `;`-joined in regions.csv order; rows by regions_recurrent (most first),
    then element display order.
    """
    position = {region_id: i for i, region_id in enumerate(regions["region_id"])}
    recurring = recurrent[["element_id", "region_id"]].drop_duplicates()
    recurring = recurring.assign(_pos=recurring["region_id"].map(position))
    recurring = recurring.sort_values(["element_id", "_pos"], kind="stable")
    grouped = (
        recurring.groupby("element_id", sort=False)
        .agg(regions_recurrent=("region_id", "size"), region_ids=("region_id", ";".join))
        .reset_index()
    )
    ordered = _elements_in_display_order(elements)[["element_id", "theme_id", "_order"]]
    result = ordered.merge(grouped, on="element_id", how="inner")
    result["regions_recurrent"] = result["regions_recurrent"].astype("int64")
    result = result.sort_values(
        ["regions_recurrent", "_order"], ascending=[False, True], kind="stable"
    )
    return result[CROSS_REGIONAL_COLUMNS].reset_index(drop=True)


def cross_regional_tiers(cross: pd.DataFrame, regions: pd.DataFrame) -> list[dict[str, Any]]:
    """Groups of cross-regional elements, from "all regions" down to one region.

    Within a number of regions, elements are grouped by the set of regions where they do NOT
    recur, so the report can say "three out of four Regions (except the Americas)". Only
    groups with elements are listed; elements keep the order of `cross` (display order).
    """
    region_ids = regions["region_id"].tolist()
    position = {region_id: i for i, region_id in enumerate(region_ids)}
    # One iteration per recurrent element (at most the 24 of the New York Declaration), not per
    # survey row.
    missing = [
        tuple(r for r in region_ids if r not in set(cell.split(";")))
        for cell in cross["region_ids"]
    ]
    keyed = cross.assign(_missing=missing)
    groups = keyed.groupby(["regions_recurrent", "_missing"], sort=False)["element_id"].agg(list)
    tiers = [
        {
            "regions_recurrent": int(n),
            "missing_region_ids": list(missing_ids),
            "elements": [str(e) for e in element_ids],
        }
        for (n, missing_ids), element_ids in groups.items()
    ]
    tiers.sort(
        key=lambda t: (-t["regions_recurrent"], [position[r] for r in t["missing_region_ids"]])
    )
    return tiers


def survey_overview(
    tables: Mapping[str, pd.DataFrame],
    theme_resp: pd.DataFrame,
    recurrent: pd.DataFrame,
) -> dict[str, Any]:
    """The figures and lists the report's text states, as a JSON-ready dict.

    Keys come in a fixed order; lists of entity ids follow entities.csv order, theme ids
    themes.csv order, element ids display order.
    """
    regions, themes, elements = tables["regions"], tables["themes"], tables["elements"]
    entities, responses = tables["entities"], tables["survey_responses"]
    survey_elements = tables["survey_elements"]
    region_ids = regions["region_id"].tolist()
    theme_ids = themes["theme_id"].tolist()

    status = responses[["entity_id", "status"]].drop_duplicates("entity_id")
    people = entities[["entity_id", "kind", "surveyed"]].merge(status, on="entity_id", how="left")
    people["surveyed"] = people["surveyed"] == "true"
    people["responded"] = people["status"].notna()
    people["status"] = people["status"].fillna("")
    people["with_elements"] = people["entity_id"].isin(survey_elements["entity_id"])
    themes_per_entity = _entity_themes(elements, survey_elements).groupby("entity_id").size()
    people["all_themes"] = people["entity_id"].map(themes_per_entity).fillna(0) >= len(theme_ids)
    people["all_themes"] &= len(theme_ids) > 0
    respondents = people[people["responded"]]

    surveyed = int(people["surveyed"].sum())
    responded = len(responses)
    by_kind = respondents["kind"].value_counts().reindex(list(KINDS), fill_value=0)
    status_counts = responses["status"].value_counts().reindex(list(STATUSES), fill_value=0)
    by_status = respondents.groupby("status", sort=False)["entity_id"].agg(list)

    recurrent_ids = _recurrent_by_region_theme(recurrent, elements)
    cross = cross_regional(recurrent, regions, elements)
    themes_recurrent = recurrent[["region_id", "theme_id"]].drop_duplicates()
    regions_per_theme = themes_recurrent.groupby("theme_id")["region_id"].nunique()
    everywhere = [
        t for t in theme_ids if region_ids and int(regions_per_theme.get(t, 0)) == len(region_ids)
    ]

    region_overviews = _region_overviews(
        people, entities, region_ids, theme_ids, theme_resp, recurrent_ids
    )
    without_specific = themes_without_specific_respondents(
        regions, themes, elements, entities, survey_elements
    )
    for region_id, block in region_overviews.items():
        block["themes_without_specific_respondents"] = without_specific[region_id]

    return {
        "surveyed": surveyed,
        "responded": responded,
        "response_rate": responded / surveyed if surveyed else None,
        "not_responded": _ids(people[people["surveyed"] & ~people["responded"]], "entity_id"),
        "responded_by_kind": {kind: int(n) for kind, n in by_kind.items()},
        "iscm_responded": int(by_kind[list(ISCM_KINDS)].sum()),
        "status_counts": {s: int(n) for s, n in status_counts.items()},
        "entities_by_status": {s: list(by_status.get(s, [])) for s in STATUSES},
        "all_themes_entities": _ids(respondents[respondents["all_themes"]], "entity_id"),
        "with_elements": _ids(respondents[respondents["with_elements"]], "entity_id"),
        "regions": region_overviews,
        "themes_recurrent_everywhere": everywhere,
        "cross_regional_tiers": cross_regional_tiers(cross, regions),
        "elements_total": len(elements),
        "themes_total": len(themes),
    }


def _recurrent_by_region_theme(
    recurrent: pd.DataFrame, elements: pd.DataFrame
) -> dict[tuple[str, str], list[str]]:
    order = _elements_in_display_order(elements)[["element_id", "_order"]]
    ordered = recurrent.merge(order, on="element_id", how="left").sort_values(
        "_order", kind="stable"
    )
    grouped = ordered.groupby(["region_id", "theme_id"], sort=False)["element_id"].agg(list)
    return {key: list(ids) for key, ids in grouped.items()}


def _region_overviews(
    people: pd.DataFrame,
    entities: pd.DataFrame,
    region_ids: list[str],
    theme_ids: list[str],
    theme_resp: pd.DataFrame,
    recurrent_ids: dict[tuple[str, str], list[str]],
) -> dict[str, dict[str, Any]]:
    # people keeps entities.csv order, and groupby keeps row order inside each group.
    members = entity_regions(entities).merge(people, on="entity_id")
    members = members.assign(_pos=members["entity_id"].map(_positions(people["entity_id"])))
    members = members.sort_values(["_pos"], kind="stable")
    answered = members[members["responded"]]

    def lists(frame: pd.DataFrame, *keys: str) -> dict[Any, list[str]]:
        grouped = frame.groupby(list(keys), sort=False)["entity_id"].agg(list)
        return {key: list(ids) for key, ids in grouped.items()}

    invited = members[members["surveyed"]].groupby("region_id").size()
    not_responded = lists(members[members["surveyed"] & ~members["responded"]], "region_id")
    respondents = lists(answered, "region_id")
    by_kind = lists(answered, "region_id", "kind")
    by_status = lists(answered, "region_id", "status")
    not_formulated = lists(answered[answered["status"] != "formulated"], "region_id")
    with_elements = lists(answered[answered["with_elements"]], "region_id")
    all_themes = lists(answered[answered["all_themes"]], "region_id")
    counts = {
        (r, t): int(n)
        for r, t, n in theme_resp[THEME_RESPONDENTS_COLUMNS].itertuples(index=False, name=None)
    }

    overviews: dict[str, dict[str, Any]] = {}
    for region_id in region_ids:  # one iteration per region (four), not per survey row
        region_invited = int(invited.get(region_id, 0))
        region_responded = len(respondents.get(region_id, []))
        overviews[region_id] = {
            "invited": region_invited,
            "responded": region_responded,
            "response_rate": region_responded / region_invited if region_invited else None,
            "not_responded": not_responded.get(region_id, []),
            "respondents": respondents.get(region_id, []),
            "respondents_by_kind": {k: by_kind.get((region_id, k), []) for k in KINDS},
            "with_elements": with_elements.get(region_id, []),
            "statuses": {s: by_status.get((region_id, s), []) for s in STATUSES},
            "not_formulated": not_formulated.get(region_id, []),
            "all_themes": all_themes.get(region_id, []),
            "theme_respondents": {t: counts.get((region_id, t), 0) for t in theme_ids},
            "recurrent_elements": {t: recurrent_ids.get((region_id, t), []) for t in theme_ids},
            "themes_with_recurrent": [t for t in theme_ids if (region_id, t) in recurrent_ids],
        }
    return overviews


def _positions(ids: pd.Series) -> dict[str, int]:
    return {entity_id: i for i, entity_id in enumerate(ids)}


# --- the whole stage ---------------------------------------------------------------------------


def compute_all(tables: Mapping[str, pd.DataFrame], rule: RecurrenceRule) -> SummaryResults:
    """All survey summaries from the raw tables (regions, themes, elements, entities,
    survey_responses, survey_elements)."""
    args = (
        tables["regions"],
        tables["themes"],
        tables["elements"],
        tables["entities"],
        tables["survey_elements"],
    )
    theme_resp = theme_respondents(*args)
    mentions = element_mentions(*args, theme_resp=theme_resp)
    recurrent = recurrent_elements(mentions, rule)
    cross = cross_regional(recurrent, tables["regions"], tables["elements"])
    overview = survey_overview(tables, theme_resp, recurrent)
    overview["recurrence_rule"] = {
        "min_share": rule.min_share,
        "min_respondents": rule.min_respondents,
    }
    return SummaryResults(theme_resp, recurrent, cross, overview)


def overview_json(overview: Mapping[str, Any]) -> str:
    return json.dumps(overview, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def write_result_files(
    results: SummaryResults, paths: Mapping[str, str | os.PathLike[str]]
) -> None:
    """Write the four results to the given paths (keys as in RESULT_FILES)."""
    atomic_write_text(paths["theme_respondents"], to_safe_csv_text(results.theme_respondents))
    atomic_write_text(paths["recurrent_elements"], to_safe_csv_text(results.recurrent_elements))
    atomic_write_text(paths["cross_regional"], to_safe_csv_text(results.cross_regional))
    atomic_write_text(paths["overview"], overview_json(results.overview))


def write_results(results: SummaryResults, out_dir: str | os.PathLike[str]) -> dict[str, Path]:
    """Write the results under `out_dir` with their standard names; return the paths."""
    paths = {key: Path(out_dir) / name for key, name in RESULT_FILES.items()}
    write_result_files(results, paths)
    return paths
