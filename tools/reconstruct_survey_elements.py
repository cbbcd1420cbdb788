"""Reconstruct data/raw/survey_elements.csv from the published aggregates of Annex 9.

The GRCP 7 report publishes only aggregates of the survey (respondents per region and theme,
recurrent elements per region, who covers all six themes), never the per-entity answers. This
script finds the smallest per-entity table (`entity_id,element_id`) that reproduces every one of
those figures, with an integer program (PuLP + CBC):

1. minimise the number of rows (an entity mentions only what the figures force);
2. among the tables of that size, take the lexicographically greatest one, reading the
   (entity, element) pairs in entities.csv order, then element display order: the figures' free
   choices go to the entity listed first and, within it, to the element shown first. That table
   is unique, so the output is canonical.

It then recomputes every figure from the written CSV with plain pandas and asserts equality.
Figures, with their source lines, are in tools/survey_targets.yaml; the recurrence parameters in
config.yaml. Rerunning gives identical bytes.

    .venv/bin/python tools/reconstruct_survey_elements.py
"""

from __future__ import annotations

import argparse
import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pulp
import yaml

ROOT = Path(__file__).resolve().parents[1]
TARGETS = Path(__file__).with_name("survey_targets.yaml")


@dataclass(frozen=True)
class Inputs:
    entity_ids: list[str]  # entities.csv order
    entity_regions: dict[str, list[str]]
    element_ids: list[str]  # display order
    element_theme: dict[str, str]
    region_ids: list[str]
    theme_ids: list[str]
    min_share: Fraction
    min_respondents: int
    targets: dict


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def load_inputs(root: Path, targets_path: Path) -> Inputs:
    raw = root / "data" / "raw"
    entities = read_csv(raw / "entities.csv")
    elements = read_csv(raw / "elements.csv")
    elements = elements.assign(order=elements["display_order"].astype(int)).sort_values("order")
    config = yaml.safe_load((root / "config.yaml").read_text(encoding="utf-8"))
    return Inputs(
        entity_ids=list(entities["entity_id"]),
        entity_regions={
            row.entity_id: [r for r in row.regions.split(";") if r] for row in entities.itertuples()
        },
        element_ids=list(elements["element_id"]),
        element_theme=dict(zip(elements["element_id"], elements["theme_id"], strict=True)),
        region_ids=list(read_csv(raw / "regions.csv")["region_id"]),
        theme_ids=list(read_csv(raw / "themes.csv")["theme_id"]),
        # Fraction: "more than half of 3" must not depend on float rounding.
        min_share=Fraction(str(config["recurrence"]["min_share"])),
        min_respondents=int(config["recurrence"]["min_respondents"]),
        targets=yaml.safe_load(targets_path.read_text(encoding="utf-8")),
    )


def recurrence_threshold(respondents: int, min_share: Fraction, min_respondents: int) -> int:
    """Fewest mentions that make an element recurrent among `respondents` respondents.

    mentions > min_share × respondents, mentions being an integer, is mentions >= floor(...) + 1.
    """
    return max(math.floor(min_share * respondents) + 1, min_respondents)


def entities_with_elements(inputs: Inputs) -> list[str]:
    listed = {e for group in inputs.targets["with_elements"].values() for e in group["entities"]}
    return [e for e in inputs.entity_ids if e in listed]


def build_model(
    inputs: Inputs, extra_themes: dict[str, Iterable[str]] | None = None
) -> tuple[pulp.LpProblem, dict[tuple[str, str], pulp.LpVariable]]:
    """The constraints of the published figures; the objective is set by the caller."""
    targets = inputs.targets
    extra_themes = extra_themes or {}
    # An infeasibility check may give rows to an entity the report lists without recommendations.
    answering = [
        e for e in inputs.entity_ids if e in entities_with_elements(inputs) or e in extra_themes
    ]
    themes_of = {
        t: [e for e in inputs.element_ids if inputs.element_theme[e] == t] for t in inputs.theme_ids
    }
    prob = pulp.LpProblem("survey_elements", pulp.LpMinimize)
    # Only entities with recommendations get variables: every other entity has no rows.
    x = {
        (ent, el): pulp.LpVariable(f"x_{ent}_{el}", cat="Binary")
        for ent in answering
        for el in inputs.element_ids
    }
    # y = entity addresses theme (at least one of its elements).
    y = {
        (ent, t): pulp.LpVariable(f"y_{ent}_{t}", cat="Binary")
        for ent in answering
        for t in inputs.theme_ids
    }
    for ent in answering:
        prob += pulp.lpSum(x[ent, el] for el in inputs.element_ids) >= 1, f"some_{ent}"
        for t, els in themes_of.items():
            prob += y[ent, t] <= pulp.lpSum(x[ent, el] for el in els), f"y_le_{ent}_{t}"
            for el in els:
                prob += x[ent, el] <= y[ent, t], f"y_ge_{ent}_{el}"

    for ent in targets["all_elements"]["entities"]:
        for el in inputs.element_ids:
            prob += x[ent, el] == 1, f"all_elements_{ent}_{el}"

    all_six = set(targets["all_six_themes"]["entities"])
    n_themes = len(inputs.theme_ids)
    for ent in answering:
        covered = pulp.lpSum(y[ent, t] for t in inputs.theme_ids)
        if ent in all_six:
            prob += covered == n_themes, f"all_six_{ent}"
        else:
            prob += covered <= n_themes - 1, f"not_all_six_{ent}"

    required = {ent: list(spec["themes"]) for ent, spec in targets["addresses_themes"].items()}
    for ent, themes in extra_themes.items():
        required.setdefault(ent, []).extend(themes)
    for ent, themes in required.items():
        for t in themes:
            prob += y[ent, t] == 1, f"addresses_{ent}_{t}"

    for region, by_theme in targets["regions"].items():
        members = [e for e in answering if region in inputs.entity_regions[e]]
        for t, spec in by_theme.items():
            n = int(spec["respondents"])
            prob += pulp.lpSum(y[e, t] for e in members) == n, f"respondents_{region}_{t}"
            threshold = recurrence_threshold(n, inputs.min_share, inputs.min_respondents)
            for el in themes_of[t]:
                mentions = pulp.lpSum(x[e, el] for e in members)
                if el in spec["recurrent"]:
                    prob += mentions >= threshold, f"recurrent_{region}_{el}"
                else:
                    prob += mentions <= threshold - 1, f"not_recurrent_{region}_{el}"
    return prob, x


def solve(prob: pulp.LpProblem) -> str:
    # One thread and no gap: the same optimum on every run and machine.
    prob.solve(pulp.PULP_CBC_CMD(msg=False, threads=1, gapRel=0))
    return pulp.LpStatus[prob.status]


def chosen(x: dict[tuple[str, str], pulp.LpVariable]) -> list[tuple[str, str]]:
    return [key for key, var in x.items() if (var.value() or 0) > 0.5]


def reconstruct(inputs: Inputs) -> list[tuple[str, str]]:
    prob, x = build_model(inputs)
    prob += pulp.lpSum(x.values())
    status = solve(prob)
    if status != "Optimal":
        raise SystemExit(f"the published figures admit no table (CBC: {status})")
    n_rows = round(pulp.value(prob.objective))

    # Tie-break: the lexicographically greatest table among those of n_rows rows, reading the
    # (entity, element) pairs in entities.csv order, then element display order. One entity at a
    # time: weight 2^(23 - position) makes "keep the earliest element" beat all later ones;
    # the entity's rows are then fixed. Unique by construction, so the output is canonical.
    prob, x = build_model(inputs)
    prob += pulp.lpSum(x.values()) == n_rows, "minimum_rows"
    last = len(inputs.element_ids) - 1
    for ent in entities_with_elements(inputs):
        prob.setObjective(
            -pulp.lpSum(2 ** (last - pos) * x[ent, el] for pos, el in enumerate(inputs.element_ids))
        )
        if solve(prob) != "Optimal":
            raise SystemExit(f"tie-break failed at {ent}")
        for el in inputs.element_ids:
            prob += x[ent, el] == round(x[ent, el].value()), f"fixed_{ent}_{el}"
    return sorted(chosen(x))


def check_infeasible(inputs: Inputs) -> list[str]:
    """Statements of the prose that the published counts rule out (recorded, not imposed)."""
    notes = []
    for check in inputs.targets["infeasible_checks"]:
        ent, theme = check["entity"], check["theme"]
        prob, x = build_model(inputs, extra_themes={ent: [theme]})
        prob += pulp.lpSum(x.values())
        status = solve(prob)
        assert status == "Infeasible", f"{ent} {theme}: expected infeasible, CBC says {status}"
        notes.append(f"{ent} addressing {theme} (line {check['line']}) is infeasible")
    return notes


def write_rows(path: Path, rows: list[tuple[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["entity_id", "element_id"])
        writer.writerows(sorted(rows))


# --- independent check: recompute every figure from the written CSV ---------------------------


def computed_figures(root: Path, csv_path: Path, inputs: Inputs) -> dict:
    raw = root / "data" / "raw"
    rows = read_csv(csv_path)
    entities = read_csv(raw / "entities.csv")
    elements = read_csv(raw / "elements.csv")[["element_id", "theme_id"]]
    regions = (
        entities.assign(region_id=entities["regions"].str.split(";"))
        .explode("region_id")
        .query("region_id != ''")[["entity_id", "region_id"]]
    )
    themed = rows.merge(elements, on="element_id", how="left")
    in_region = themed.merge(regions, on="entity_id")
    respondents = in_region.groupby(["region_id", "theme_id"])["entity_id"].nunique()
    mentions = in_region.groupby(["region_id", "theme_id", "element_id"])["entity_id"].nunique()
    share = float(inputs.min_share)
    recurrent: dict[tuple[str, str], set[str]] = {}
    for (region, theme, element), count in mentions.items():
        n = respondents[region, theme]
        if count > share * n and count >= inputs.min_respondents:
            recurrent.setdefault((region, theme), set()).add(element)
    themes_per_entity = themed.groupby("entity_id")["theme_id"].nunique()
    return {
        "respondents": {key: int(v) for key, v in respondents.items()},
        "recurrent": recurrent,
        "entities": set(rows["entity_id"]),
        "all_six": set(themes_per_entity[themes_per_entity == len(inputs.theme_ids)].index),
        "themes_of": themed.groupby("entity_id")["theme_id"].agg(set).to_dict(),
        "elements_of": rows.groupby("entity_id")["element_id"].agg(set).to_dict(),
        "n_rows": len(rows),
    }


def verify(figures: dict, inputs: Inputs) -> None:
    targets = inputs.targets
    for region in inputs.region_ids:
        for theme in inputs.theme_ids:
            spec = targets["regions"][region][theme]
            got_n = figures["respondents"].get((region, theme), 0)
            assert got_n == spec["respondents"], (region, theme, got_n, spec["respondents"])
            got_r = figures["recurrent"].get((region, theme), set())
            assert got_r == set(spec["recurrent"]), (region, theme, got_r, spec["recurrent"])
    expected = set(entities_with_elements(inputs))
    assert figures["entities"] == expected, figures["entities"] ^ expected
    assert figures["all_six"] == set(targets["all_six_themes"]["entities"]), figures["all_six"]
    for ent in targets["all_elements"]["entities"]:
        assert figures["elements_of"][ent] == set(inputs.element_ids), ent
    for ent, spec in targets["addresses_themes"].items():
        assert set(spec["themes"]) <= figures["themes_of"][ent], ent


def report(figures: dict, inputs: Inputs, notes: list[str]) -> None:
    print(f"{figures['n_rows']} rows, {len(figures['entities'])} entities with elements")
    print(f"{'region':26} {'theme':5} {'resp':>4}  recurrent (published = computed)")
    for region in inputs.region_ids:
        for theme in inputs.theme_ids:
            n = figures["respondents"].get((region, theme), 0)
            rec = figures["recurrent"].get((region, theme), set())
            listed = ",".join(e for e in inputs.element_ids if e in rec) or "-"
            print(f"{region:26} {theme:5} {n:>4}  {listed}")
    # The cross-regional lists (lines 1158-1186) are derived from the regional ones: report only.
    regions_of: dict[str, list[str]] = {}
    for (region, _theme), els in figures["recurrent"].items():
        for el in els:
            regions_of.setdefault(el, []).append(region)
    for count in (4, 3, 2):
        els = [e for e in inputs.element_ids if len(regions_of.get(e, [])) == count]
        detail = "; ".join(f"{e} ({', '.join(sorted(regions_of[e]))})" for e in els)
        print(f"recurrent in {count} regions: {detail or '-'}")
    print("entity themes:")
    for ent in entities_with_elements(inputs):
        els = figures["elements_of"][ent]
        listed = "".join(e for e in inputs.element_ids if e in els)
        print(f"  {ent:15} {','.join(sorted(figures['themes_of'][ent])):20} {listed}")
    for note in notes:
        print(f"note: {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="project folder")
    parser.add_argument("--targets", type=Path, default=TARGETS, help="published figures (YAML)")
    args = parser.parse_args()
    inputs = load_inputs(args.root, args.targets)
    rows = reconstruct(inputs)
    notes = check_infeasible(inputs)
    out = args.root / "data" / "raw" / "survey_elements.csv"
    write_rows(out, rows)
    figures = computed_figures(args.root, out, inputs)
    verify(figures, inputs)
    report(figures, inputs, notes)
    print(f"wrote {out.relative_to(args.root)}; every published figure reproduced")


if __name__ == "__main__":
    main()
