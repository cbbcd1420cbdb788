"""What changed in the survey figures since the previous build, in the report's own words.

Each build compares the new results/summary/ with a snapshot of the previous build's
(results/previous_summary/), writes build/changes.html and a short terminal summary, then makes
the new results the snapshot for next time.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .io import atomic_write_text, read_raw_csv

log = logging.getLogger("meeting_report.changes")
RESULT_NAMES = (
    "theme_respondents.csv",
    "recurrent_elements.csv",
    "cross_regional.csv",
    "survey_overview.json",
)
# Overview figures worth a line of their own, with the words the report uses for them.
OVERVIEW_FIGURES = {
    "surveyed": "entities surveyed",
    "responded": "responding entities",
    "iscm_responded": "responding consultation mechanisms",
}


@dataclass(frozen=True)
class Snapshot:
    theme_respondents: pd.DataFrame
    recurrent: pd.DataFrame
    cross: pd.DataFrame
    overview: dict[str, Any]


def load_snapshot(folder: str | Path) -> Snapshot | None:
    root = Path(folder)
    if not all((root / name).is_file() for name in RESULT_NAMES):
        return None
    return Snapshot(
        read_raw_csv(root / "theme_respondents.csv"),
        read_raw_csv(root / "recurrent_elements.csv"),
        read_raw_csv(root / "cross_regional.csv"),
        json.loads((root / "survey_overview.json").read_text(encoding="utf-8")),
    )


def _words(n: int, regions_total: int) -> str:
    from .render import words

    return "all " + words(n) if n == regions_total else words(n)


def describe_changes(
    old: Snapshot, new: Snapshot, regions: pd.DataFrame, themes: pd.DataFrame
) -> list[str]:
    """Sentences such as "Americas, theme 1: respondents 1 → 2"."""
    region_name = dict(zip(regions["region_id"], regions["short_name"], strict=True))
    theme_number = dict(zip(themes["theme_id"], themes["number"], strict=True))
    lines: list[str] = []

    for key, label in OVERVIEW_FIGURES.items():
        before, after = old.overview.get(key), new.overview.get(key)
        if before != after:
            lines.append(f"{label[0].upper()}{label[1:]}: {before} → {after}")
    before_rate, after_rate = old.overview.get("response_rate"), new.overview.get("response_rate")
    if (
        before_rate is not None
        and after_rate is not None
        and round(before_rate * 100) != round(after_rate * 100)
    ):
        lines.append(f"Response rate: {round(before_rate * 100)}% → {round(after_rate * 100)}%")
    for status, count in new.overview.get("status_counts", {}).items():
        before = old.overview.get("status_counts", {}).get(status, 0)
        if before != count:
            lines.append(f"Entities with status {status.replace('_', ' ')}: {before} → {count}")

    key = ["region_id", "theme_id"]
    merged = old.theme_respondents.merge(
        new.theme_respondents, on=key, how="outer", suffixes=("_old", "_new")
    ).fillna("0")
    for row in merged.itertuples(index=False):
        if int(row.respondents_old) != int(row.respondents_new):
            lines.append(
                f"{region_name.get(row.region_id, row.region_id)}, theme "
                f"{theme_number.get(row.theme_id, row.theme_id)}: respondents "
                f"{int(row.respondents_old)} → {int(row.respondents_new)}"
            )

    pairs_old = set(zip(old.recurrent["region_id"], old.recurrent["element_id"], strict=True))
    pairs_new = set(zip(new.recurrent["region_id"], new.recurrent["element_id"], strict=True))
    theme_of = dict(
        zip(new.recurrent["element_id"], new.recurrent["theme_id"], strict=True)
    ) | dict(zip(old.recurrent["element_id"], old.recurrent["theme_id"], strict=True))
    for region_id, element_id in sorted(pairs_new - pairs_old):
        lines.append(
            f"{region_name.get(region_id, region_id)}, theme "
            f"{theme_number.get(theme_of[element_id], '?')}: element ({element_id}) is "
            "now recurrent"
        )
    for region_id, element_id in sorted(pairs_old - pairs_new):
        lines.append(
            f"{region_name.get(region_id, region_id)}, theme "
            f"{theme_number.get(theme_of[element_id], '?')}: element ({element_id}) is "
            "no longer recurrent"
        )

    total = len(regions)
    spread_old = dict(
        zip(old.cross["element_id"], old.cross["regions_recurrent"].astype(int), strict=True)
    )
    spread_new = dict(
        zip(new.cross["element_id"], new.cross["regions_recurrent"].astype(int), strict=True)
    )
    for element_id in sorted(set(spread_old) | set(spread_new)):
        before, after = spread_old.get(element_id, 0), spread_new.get(element_id, 0)
        if before != after:
            where = (
                "no region"
                if after == 0
                else f"{_words(after, total)} region" + ("s" if after != 1 else "")
            )
            lines.append(
                f"Element ({element_id}) is now recurrent in {where} (was {before})"
                if after
                else f"Element ({element_id}) is now recurrent in no region"
            )
    return lines


def render_changes(lines: list[str] | None, title: str, template: str | Path) -> str:
    env = Environment(
        loader=FileSystemLoader(Path(template).parent), autoescape=True, undefined=StrictUndefined
    )
    return env.get_template(Path(template).name).render(title=title, lines=lines)


def report_changes(
    summary_dir: str | Path,
    previous_dir: str | Path,
    tables: Mapping[str, pd.DataFrame],
    template: str | Path,
    html_out: str | Path,
    text_out: str | Path,
) -> list[str] | None:
    """Compare, write the reports, then store the new results as the previous build's."""
    new = load_snapshot(summary_dir)
    if new is None:
        raise FileNotFoundError(f"no complete results in {summary_dir}")
    old = load_snapshot(previous_dir)
    lines = None if old is None else describe_changes(old, new, tables["regions"], tables["themes"])
    if lines is None:
        text = "Changes in the survey figures: no previous build to compare with.\n"
    elif not lines:
        text = "Changes in the survey figures: none since the previous build.\n"
    else:
        text = "Changes in the survey figures since the previous build:\n" + "".join(
            f"  - {line}\n" for line in lines
        )
    atomic_write_text(html_out, render_changes(lines, "Changes in the survey figures", template))
    atomic_write_text(text_out, text)
    for line in text.rstrip("\n").splitlines():
        log.log(logging.WARNING if lines else logging.INFO, line)
    previous = Path(previous_dir)
    previous.mkdir(parents=True, exist_ok=True)
    for name in RESULT_NAMES:
        shutil.copyfile(Path(summary_dir) / name, previous / name)
    return lines
