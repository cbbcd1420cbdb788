"""What changed in the survey figures since the previous build, in the report's own words.

The redline (redline.py) compares the new results/summary/ with the previous build's snapshot
(results/previous/summary/) and words each difference as the report does: region names, theme
numbers, element phrases from elements.csv (with the element's letter, as the survey overview
prints it) and entity names. Read with the csv module: this runs in the Snakefile's own
process, where importing pandas would cost half a second.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .documents_spec import SURVEY_RESULT_FILES

# The survey result files, named where every step names them.
RESULT_NAMES = tuple(SURVEY_RESULT_FILES.values())
# Overview figures worth a line of their own, with the words the report uses for them.
OVERVIEW_FIGURES = {
    "surveyed": "entities surveyed",
    "responded": "responding entities",
    "iscm_responded": "responding consultation mechanisms",
}
# A respondent's status, as the survey overview words it.
STATUS_WORDS = {
    "formulated": "has formulated recommendations",
    "in_process": "is in process of discussing its recommendations",
    "unable_to_share": "is unable to share recommendations",
}
STATUS_NOW = {
    "formulated": "has now formulated recommendations",
    "in_process": "is now in process of discussing its recommendations",
    "unable_to_share": "is now unable to share recommendations",
}
STATUS_WAS = {
    "formulated": "had formulated recommendations",
    "in_process": "was in process of discussing its recommendations",
    "unable_to_share": "was unable to share recommendations",
}
STATUS_COUNT_WORDS = {
    "formulated": "Entities that have formulated recommendations",
    "in_process": "Entities in process of discussing their recommendations",
    "unable_to_share": "Entities unable to share recommendations",
}


def _rows(path: str | os.PathLike[str]) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class Snapshot:
    theme_respondents: list[dict[str, str]]
    recurrent: list[dict[str, str]]
    cross: list[dict[str, str]]
    overview: dict[str, Any]


def load_snapshot(folder: str | os.PathLike[str]) -> Snapshot | None:
    root = Path(folder)
    if not all((root / name).is_file() for name in RESULT_NAMES):
        return None
    return Snapshot(
        _rows(root / "theme_respondents.csv"),
        _rows(root / "recurrent_elements.csv"),
        _rows(root / "cross_regional.csv"),
        json.loads((root / "survey_overview.json").read_text(encoding="utf-8")),
    )


@dataclass(frozen=True)
class ReportNames:
    """How the report names regions, themes, elements and entities (from the raw tables)."""

    regions: dict[str, str]
    themes: dict[str, str]
    elements: dict[str, str]
    entities: dict[str, str]

    @classmethod
    def from_raw(cls, raw_dir: str | os.PathLike[str]) -> ReportNames:
        raw = Path(raw_dir)
        return cls.from_rows(
            *(_rows(raw / f"{n}.csv") for n in ("regions", "themes", "elements", "entities"))
        )

    @classmethod
    def from_rows(
        cls,
        regions: list[dict[str, str]],
        themes: list[dict[str, str]],
        elements: list[dict[str, str]],
        entities: list[dict[str, str]],
    ) -> ReportNames:
        def entity(row: dict[str, str]) -> str:
            short = row.get("short_name") or ""
            return f"{row['name']} ({short})" if short and short != row["name"] else row["name"]

        return cls(
            {r["region_id"]: r["short_name"] for r in regions},
            {t["theme_id"]: t["number"] for t in themes},
            {e["element_id"]: e.get("phrase") or e.get("summary_text") or "" for e in elements},
            {e["entity_id"]: entity(e) for e in entities},
        )

    def region(self, region_id: str) -> str:
        return self.regions.get(region_id, region_id)

    def theme(self, theme_id: str) -> str:
        return f"theme {self.themes.get(theme_id, theme_id)}"

    def element(self, element_id: str) -> str:
        """'the effective protection of migrant rights (element “i”)', as the overview cites it."""
        phrase = self.elements.get(element_id)
        return f"{phrase} (element “{element_id}”)" if phrase else f"element “{element_id}”"

    def entity(self, entity_id: str) -> str:
        return self.entities.get(entity_id, entity_id)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _regions_words(n: int, regions_total: int) -> str:
    from .numbers import words

    if n == 0:
        return "no region"
    count = f"all {words(n)}" if n == regions_total else words(n)
    return f"{count} region" + ("s" if n != 1 else "")


def _statuses(overview: dict[str, Any]) -> dict[str, str]:
    return {
        entity: status
        for status, entities in overview.get("entities_by_status", {}).items()
        for entity in entities
    }


def describe_changes(old: Snapshot, new: Snapshot, names: ReportNames) -> list[str]:
    """Sentences such as "Americas, theme 1: respondents 1 → 2"."""
    lines: list[str] = []

    for key, label in OVERVIEW_FIGURES.items():
        before, after = old.overview.get(key), new.overview.get(key)
        if before != after:
            lines.append(f"{_capital(label)}: {before} → {after}")
    before_rate, after_rate = old.overview.get("response_rate"), new.overview.get("response_rate")
    if (
        before_rate is not None
        and after_rate is not None
        and round(before_rate * 100) != round(after_rate * 100)
    ):
        lines.append(f"Response rate: {round(before_rate * 100)}% → {round(after_rate * 100)}%")
    old_status, new_status = _statuses(old.overview), _statuses(new.overview)
    for entity in sorted(new_status.keys() - old_status.keys(), key=names.entity):
        lines.append(
            f"New respondent: {names.entity(entity)}, which {STATUS_WORDS[new_status[entity]]}"
        )
    for entity in sorted(old_status.keys() - new_status.keys(), key=names.entity):
        lines.append(f"No longer a respondent: {names.entity(entity)}")
    for entity in sorted(old_status.keys() & new_status.keys(), key=names.entity):
        if old_status[entity] != new_status[entity]:
            lines.append(
                f"{names.entity(entity)} {STATUS_NOW[new_status[entity]]} "
                f"(it {STATUS_WAS[old_status[entity]]})"
            )
    for status, label in STATUS_COUNT_WORDS.items():
        before = old.overview.get("status_counts", {}).get(status, 0)
        after = new.overview.get("status_counts", {}).get(status, 0)
        if before != after:
            lines.append(f"{label}: {before} → {after}")

    def respondents(snapshot: Snapshot) -> dict[tuple[str, str], int]:
        return {
            (r["region_id"], r["theme_id"]): int(r["respondents"])
            for r in snapshot.theme_respondents
        }

    before_counts, after_counts = respondents(old), respondents(new)
    for region_id, theme_id in sorted(before_counts.keys() | after_counts.keys()):
        before = before_counts.get((region_id, theme_id), 0)
        after = after_counts.get((region_id, theme_id), 0)
        if before != after:
            lines.append(
                f"{names.region(region_id)}, {names.theme(theme_id)}: respondents "
                f"{before} → {after}"
            )

    theme_of = {r["element_id"]: r["theme_id"] for r in [*old.recurrent, *new.recurrent]}
    pairs_old = {(r["region_id"], r["element_id"]) for r in old.recurrent}
    pairs_new = {(r["region_id"], r["element_id"]) for r in new.recurrent}
    for pairs, now in ((pairs_new - pairs_old, "now"), (pairs_old - pairs_new, "no longer")):
        for region_id, element_id in sorted(pairs):
            lines.append(
                f"{names.region(region_id)}, {names.theme(theme_of[element_id])}: "
                f"{names.element(element_id)} is {now} recurrent"
            )

    total = len(names.regions)
    spread_old = {r["element_id"]: int(r["regions_recurrent"]) for r in old.cross}
    spread_new = {r["element_id"]: int(r["regions_recurrent"]) for r in new.cross}
    for element_id in sorted(spread_old.keys() | spread_new.keys()):
        before, after = spread_old.get(element_id, 0), spread_new.get(element_id, 0)
        if before != after:
            lines.append(
                f"{_capital(names.element(element_id))} is now recurrent in "
                f"{_regions_words(after, total)} (was {before})"
            )
    return lines


def survey_changes(
    summary_dir: str | os.PathLike[str],
    previous_dir: str | os.PathLike[str],
    raw_dir: str | os.PathLike[str],
) -> list[str] | None:
    """The survey-figure changes since the previous build; None when there is none to compare."""
    new = load_snapshot(summary_dir)
    old = load_snapshot(previous_dir)
    if new is None or old is None:
        return None
    return describe_changes(old, new, ReportNames.from_raw(raw_dir))
