"""Turn validated tables, computed summaries and config into the plain dict the templates read.

Templates do no arithmetic and call no pandas: every count, list and name they print is prepared
here (STYLE.md). The result is JSON-ready (str, int, float, bool, list, dict).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

PARTNER_KINDS = ("reo", "un_rc")
ISCM_KINDS = ("global_process", "rcp", "irf")
KIND_LABELS = {
    "global_process": ("global process", "global processes"),
    "rcp": ("RCP", "RCPs"),
    "irf": ("IRF", "IRFs"),
    "reo": ("Regional economic organization", "regional economic organizations"),
    "un_rc": ("UN Regional Commission", "UN RCs"),
}


def records(frame: pd.DataFrame) -> list[dict[str, str]]:
    return [dict(row) for row in frame.to_dict(orient="records")]


def as_int(value: str) -> int | None:
    return int(value) if value != "" else None


def entity_names(entities: pd.DataFrame) -> dict[str, str]:
    return dict(zip(entities["entity_id"], entities["short_name"], strict=True))


def long_name(entity: Mapping[str, str]) -> str:
    """The full name with the short one in brackets: "UN Economic Commission for Africa (UNECA)"."""
    name, short = entity["name"], entity["short_name"]
    return name if short in name else f"{name} ({short})"


def sort_for_listing(ids: list[str], entities: pd.DataFrame) -> list[str]:
    """Consultation mechanisms first, then partner organizations; alphabetically within each."""
    info = entities.set_index("entity_id")
    return sorted(
        ids,
        key=lambda e: (info.at[e, "kind"] in PARTNER_KINDS, info.at[e, "short_name"].casefold()),
    )


# --- pieces -----------------------------------------------------------------------------------


def themes_with_elements(themes: pd.DataFrame, elements: pd.DataFrame) -> list[dict[str, Any]]:
    ordered = elements.assign(_o=elements["display_order"].astype(int)).sort_values("_o")
    out = []
    for theme in records(themes):
        members = ordered[ordered["theme_id"] == theme["theme_id"]]
        out.append(
            {
                **theme,
                "number": int(theme["number"]),
                "elements": [{k: v for k, v in el.items() if k != "_o"} for el in records(members)],
            }
        )
    return out


def recommendations_context(recommendations: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    rows = [
        {**r, "number": int(r["number"]), "highlight_order": as_int(r["highlight_order"])}
        for r in records(recommendations)
    ]
    by_number = sorted(rows, key=lambda r: r["number"])

    def highlights(category: str) -> list[dict[str, Any]]:
        chosen = [r for r in rows if r["category"] == category and r["highlight_order"]]
        return sorted(chosen, key=lambda r: r["highlight_order"])

    return {
        "priority": [r for r in by_number if r["category"] == "priority"],
        "follow_up": [r for r in by_number if r["category"] == "follow_up"],
        "priority_highlights": highlights("priority"),
        "follow_up_highlights": highlights("follow_up"),
    }


def delegates_context(participants: pd.DataFrame, entities: pd.DataFrame) -> dict[str, int]:
    """The delegate figures of the Introduction, counted from the participant list."""
    kinds = dict(zip(entities["entity_id"], entities["kind"], strict=True))
    linked = participants[participants["entity_id"] != ""]
    entity_kind = linked["entity_id"].map(kinds)
    iscm_rows = participants[participants["section_id"] == "iscm"]
    iscm_entities = iscm_rows.loc[iscm_rows["entity_id"] != "", "entity_id"]
    return {
        "total": len(participants),
        "iscm": len(iscm_rows),
        "iscm_entities": int(iscm_entities.nunique()),
        "un_rc": int(linked.loc[entity_kind == "un_rc", "entity_id"].nunique()),
        "reo": int(linked.loc[entity_kind == "reo", "entity_id"].nunique()),
    }


def focus_areas_context(focus_areas: pd.DataFrame, themes: pd.DataFrame) -> list[dict[str, Any]]:
    theme_names = dict(zip(themes["theme_id"], themes["name"], strict=True))
    frame = focus_areas.assign(
        _a=focus_areas["area_order"].astype(int), _e=focus_areas["entity_order"].astype(int)
    ).sort_values(["_a", "_e"])
    out = []
    for area_id, rows in frame.groupby("area_id", sort=False):
        first = rows.iloc[0]
        out.append(
            {
                "area_id": area_id,
                "area": first["area"],
                "sdg": first["sdg"],
                "theme_id": first["theme_id"],
                "theme": theme_names[first["theme_id"]],
                "mechanisms": list(rows["iscm_name"]),
            }
        )
    return out


def practices_context(
    practices: pd.DataFrame, categories: pd.DataFrame, region_id: str
) -> dict[str, Any]:
    rows = practices[practices["region_id"] == region_id]
    rows = rows.assign(_o=rows["order"].astype(int)).sort_values("_o")
    cats = categories.assign(_o=categories["order"].astype(int)).sort_values("_o")
    grouped = []
    for cat in records(cats):
        items = rows[rows["category"] == cat["category"]]
        if len(items):
            grouped.append(
                {"category": cat["category"], "label": cat["label"], "items": list(items["title"])}
            )
    return {
        "innovative": list(rows.loc[rows["innovative"] == "true", "title"]),
        "categories": grouped,
        "count": len(rows),
    }


# --- the survey (Annex 9 and the figures the narrative quotes) --------------------------------


def survey_context(
    overview: Mapping[str, Any],
    tables: Mapping[str, pd.DataFrame],
    theme_respondents: pd.DataFrame,
    recurrent: pd.DataFrame,
    tiers: list[dict[str, Any]],
) -> dict[str, Any]:
    entities = tables["entities"]
    info = entities.set_index("entity_id")
    short = entity_names(entities)
    regions = records(tables["regions"])
    region_names = {r["region_id"]: r["name"] for r in regions}
    themes = themes_with_elements(tables["themes"], tables["elements"])
    element_info = {e["element_id"]: e for t in themes for e in t["elements"]}

    def names_of(ids: list[str]) -> list[str]:
        return [short[e] for e in sort_for_listing(list(ids), entities)]

    def by_kind(ids: list[str]) -> list[dict[str, Any]]:
        groups = []
        for kind in (*ISCM_KINDS, *PARTNER_KINDS):
            members = [e for e in ids if info.at[e, "kind"] == kind]
            if members:
                singular, plural = KIND_LABELS[kind]
                groups.append(
                    {
                        "kind": kind,
                        "count": len(members),
                        "label": singular if len(members) == 1 else plural,
                        "names": names_of(members),
                    }
                )
        return groups

    statuses = overview["entities_by_status"]
    region_blocks = []
    for region in regions:
        rid = region["region_id"]
        block = overview["regions"][rid]
        respondents = list(block["respondents"])
        with_elements = list(block["with_elements"])
        by_kind_ids = block["respondents_by_kind"]
        theme_rows = theme_respondents[theme_respondents["region_id"] == rid]
        region_themes = []
        for theme in themes:
            count = theme_rows.loc[theme_rows["theme_id"] == theme["theme_id"], "respondents"]
            rec = recurrent[
                (recurrent["region_id"] == rid) & (recurrent["theme_id"] == theme["theme_id"])
            ]
            rec_ids = sorted(rec["element_id"], key=lambda e: int(element_info[e]["display_order"]))
            region_themes.append(
                {
                    "theme_id": theme["theme_id"],
                    "number": theme["number"],
                    "name": theme["name"],
                    "respondents": int(count.iloc[0]) if len(count) else 0,
                    "recurrent": [element_info[e]["phrase"] for e in rec_ids],
                    "recurrent_ids": rec_ids,
                }
            )
        region_blocks.append(
            {
                **region,
                "invited": block["invited"],
                "responded": block["responded"],
                "all_responded": block["responded"] == block["invited"],
                "respondents_table": {
                    kind: [
                        long_name(info.loc[e].to_dict())
                        for e in sort_for_listing(list(by_kind_ids[kind]), entities)
                    ]
                    for kind in ("rcp", "irf", "reo", "un_rc")
                },
                "counts_by_kind": {
                    "rcp": len(by_kind_ids["rcp"]),
                    "irf": len(by_kind_ids["irf"]) + len(by_kind_ids["global_process"]),
                    "partner": sum(len(by_kind_ids[k]) for k in PARTNER_KINDS),
                },
                "not_responded": [
                    long_name(info.loc[e].to_dict())
                    for e in sort_for_listing(list(block["not_responded"]), entities)
                ],
                "formulated": names_of(with_elements),
                "not_formulated": names_of([e for e in respondents if e not in with_elements]),
                "all_themes": names_of(block["all_themes"]),
                "themes": region_themes,
                "practices": practices_context(
                    tables["good_practices"], tables["good_practice_categories"], rid
                )
                if "good_practices" in tables
                else None,
            }
        )

    theme_by_id = {t["theme_id"]: t for t in themes}
    tier_blocks = []
    for tier in tiers:
        grouped: dict[str, list[dict[str, Any]]] = {}
        for element_id in sorted(
            tier["elements"], key=lambda e: int(element_info[e]["display_order"])
        ):
            grouped.setdefault(element_info[element_id]["theme_id"], []).append(
                element_info[element_id]
            )
        tier_blocks.append(
            {
                "regions_recurrent": tier["regions_recurrent"],
                "all_regions": tier["regions_recurrent"] == len(regions),
                "missing": [region_names[r] for r in tier["missing_region_ids"]],
                "themes": [
                    {
                        "name": theme_by_id[t]["name"],
                        "number": theme_by_id[t]["number"],
                        "elements": grouped[t],
                    }
                    for t in sorted(grouped, key=lambda t: theme_by_id[t]["number"])
                ],
            }
        )

    themes_everywhere = [theme_by_id[t] for t in overview["themes_recurrent_everywhere"]]
    heatmap_rows = [
        {"region": r["short_name"], **{t["theme_id"]: t["respondents"] for t in r["themes"]}}
        for r in region_blocks
    ]
    recurrent_anywhere = [
        e
        for t in themes
        for e in t["elements"]
        if any(e["element_id"] in rt["recurrent_ids"] for r in region_blocks for rt in r["themes"])
    ]
    matrix_rows = [
        {
            "element": f"({e['element_id']}) {e['summary_text']}",
            **{
                r["region_id"]: (
                    "yes"
                    if any(e["element_id"] in rt["recurrent_ids"] for rt in r["themes"])
                    else "—"
                )
                for r in region_blocks
            },
        }
        for e in recurrent_anywhere
    ]
    return {
        **{
            k: overview[k]
            for k in (
                "surveyed",
                "responded",
                "response_rate",
                "iscm_responded",
                "responded_by_kind",
                "status_counts",
                "elements_total",
                "themes_total",
            )
        },
        "not_responded": names_of(overview["not_responded"]),
        "by_status": {status: by_kind(ids) for status, ids in statuses.items()},
        "status_names": {status: names_of(ids) for status, ids in statuses.items()},
        "all_themes": names_of(overview["all_themes_entities"]),
        "regions": region_blocks,
        "tiers": tier_blocks,
        "themes_recurrent_everywhere": [t["name"] for t in themes_everywhere],
        "chart_tables": {
            "heatmap_columns": [{"key": "region", "label": "Region", "row_header": True}]
            + [{"key": t["theme_id"], "label": f"Theme {t['number']}"} for t in themes],
            "heatmap_rows": heatmap_rows,
            "matrix_columns": [{"key": "element", "label": "Element", "row_header": True}]
            + [{"key": r["region_id"], "label": r["short_name"]} for r in region_blocks],
            "matrix_rows": matrix_rows,
        },
        "themes_with_recurrent_by_region": [
            {"region": r["name"], "count": sum(1 for t in r["themes"] if t["recurrent"])}
            for r in region_blocks
        ],
    }


# --- the whole context ------------------------------------------------------------------------


def build_context(
    doc: str,
    config: Mapping[str, Any],
    tables: Mapping[str, pd.DataFrame],
    summaries: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything `doc` prints, from `tables` (raw CSVs as text) and the survey summaries.

    `summaries` holds `overview` (dict), `theme_respondents`, `recurrent_elements` (DataFrames)
    and `tiers` (list), as written by the compute_summaries step.
    """
    meeting = dict(config["meeting"])
    ctx: dict[str, Any] = {
        "doc": doc,
        "meeting": meeting,
        "build": {"date": config["build_date"]},
    }
    # Only documents that show the survey are given its dates and rule (and rerun when they change).
    if "survey" in config:
        ctx["survey_dates"] = dict(config["survey"])
    if "recurrence" in config:
        ctx["rule"] = {
            "min_share_percent": round(config["recurrence"]["min_share"] * 100),
            "min_respondents": config["recurrence"]["min_respondents"],
        }
    if "recommendations" in tables:
        recs = recommendations_context(tables["recommendations"])
        ctx["recommendations"] = recs
    if "regions" in tables:
        ctx["regions"] = records(tables["regions"])
        # The meeting numbered its breakout groups in another order than the overviews' rows.
        ctx["breakout_groups"] = sorted(ctx["regions"], key=lambda r: int(r["breakout_group"]))
    if "themes" in tables and "elements" in tables:
        ctx["themes"] = themes_with_elements(tables["themes"], tables["elements"])
    if "acronyms" in tables:
        ctx["acronyms"] = records(tables["acronyms"])
    if "participants" in tables and "entities" in tables:
        ctx["delegates"] = delegates_context(tables["participants"], tables["entities"])
    if "participant_sections" in tables:
        ctx["participant_sections"] = records(tables["participant_sections"])
        ctx["participants"] = sorted(
            records(tables["participants"]), key=lambda p: int(p["number"])
        )
    if "agenda" in tables:
        ctx["agenda"] = sorted(records(tables["agenda"]), key=lambda r: int(r["order"]))
    if "focus_areas" in tables:
        ctx["focus_areas"] = focus_areas_context(tables["focus_areas"], tables["themes"])
    if "good_practices" in tables:
        ctx["gfmd_practices"] = practices_context(
            tables["good_practices"], tables["good_practice_categories"], ""
        )
    if summaries is not None:
        ctx["survey"] = survey_context(
            summaries["overview"],
            tables,
            summaries["theme_respondents"],
            summaries["recurrent_elements"],
            summaries["tiers"],
        )
    ctx["counts"] = {
        key: len(value)
        for key, value in (
            ("priorities", ctx.get("recommendations", {}).get("priority")),
            ("follow_up", ctx.get("recommendations", {}).get("follow_up")),
            ("regions", ctx.get("regions")),
            ("themes", ctx.get("themes")),
            ("elements", [e for t in ctx.get("themes", []) for e in t["elements"]] or None),
        )
        if value is not None
    }
    if "priorities" in ctx["counts"]:
        ctx["counts"]["recommendations"] = ctx["counts"]["priorities"] + ctx["counts"]["follow_up"]
    return ctx
