"""What the documents print, from validated tables, computed summaries and config.

`DocumentData` holds one document's tables, summaries and config; `narrative_values` the
values its narrative (and its outline's titles) may use, plain data escaped on output. The
sentences built from the survey data (who answered, who formulated recommendations, recurrent
elements by region) are built here, worded by a content file (`SurveySentences`); the data
blocks of the layout (blocks.py) hand them to the templates. Templates do no arithmetic and
call no pandas (STYLE.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from meeting_report.wording import (
    Counted,
    Item,
    Run,
    Wording,
    WordingError,
    clauses,
    count_case,
    item,
)

PARTNER_KINDS = ("reo", "un_rc")
ISCM_KINDS = ("global_process", "rcp", "irf")


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


# --- the survey figures the narrative quotes ---------------------------------------------------


def _names_of(ids: Sequence[str], entities: pd.DataFrame) -> list[str]:
    short = entity_names(entities)
    return [short[e] for e in sort_for_listing(list(ids), entities)]


def by_kind(ids: Sequence[str], entities: pd.DataFrame) -> list[dict[str, Any]]:
    """Entities grouped by kind (consultation mechanisms first), for the cross-regional lists."""
    kinds = dict(zip(entities["entity_id"], entities["kind"], strict=True))
    groups = []
    for kind in (*ISCM_KINDS, *PARTNER_KINDS):
        members = [e for e in ids if kinds[e] == kind]
        if members:
            groups.append(
                {"kind": kind, "count": len(members), "ids": sort_for_listing(members, entities)}
            )
    return groups


def survey_figures(
    overview: Mapping[str, Any], tables: Mapping[str, pd.DataFrame]
) -> dict[str, Any]:
    """The narrative's `survey`: the survey's figures and lists of names (plain data)."""
    entities = tables["entities"]
    theme_names = dict(zip(tables["themes"]["theme_id"], tables["themes"]["name"], strict=True))
    statuses = overview["entities_by_status"]
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
        "not_responded": _names_of(overview["not_responded"], entities),
        "status_names": {status: _names_of(ids, entities) for status, ids in statuses.items()},
        "all_themes": _names_of(overview["all_themes_entities"], entities),
        "themes_recurrent_everywhere": [
            theme_names[t] for t in overview["themes_recurrent_everywhere"]
        ],
    }


# --- the survey's sentences, worded by a content file (the outline names it) -----------------


class EntityNotes:
    """entity_notes.csv: each note printed once, at the first mention of its entity in its place
    (a region's overview, or the cross-regional summary for an empty region_id)."""

    def __init__(self, notes: pd.DataFrame | None) -> None:
        self.pending: dict[tuple[str, str], dict[str, str]] = {}
        for row in records(notes) if notes is not None else []:
            where = (row["region_id"], row["place"])
            if row["entity_id"] in self.pending.setdefault(where, {}):
                raise ValueError(
                    f"entity_notes.csv: two notes for {row['entity_id']} at {where}; expected one"
                )
            self.pending[where][row["entity_id"]] = row["note"]

    def take(self, region_id: str, place: str, entity_id: str) -> str:
        return self.pending.get((region_id, place), {}).pop(entity_id, "")

    def check_all_printed(self) -> None:
        left = [
            f"{entity} ({region or 'cross-regional summary'}, {place})"
            for (region, place), notes in self.pending.items()
            for entity in notes
        ]
        if left:
            raise ValueError(
                "entity_notes.csv: notes whose entity is not named in their place: "
                + "; ".join(left)
                + " (check region_id and place, or the entity's status and regions)"
            )


@dataclass
class SurveyFacts:
    """What the survey's sentences are built from: the data, the wording, the notes to place."""

    entities: pd.DataFrame
    regions: list[dict[str, str]]
    themes: list[dict[str, Any]]
    overview: Mapping[str, Any]
    wording: Mapping[str, Any]
    footnotes: Mapping[str, Any]
    dates: Mapping[str, str]
    notes: EntityNotes
    subregions: list[dict[str, str]]
    member_of: dict[str, list[str]]  # entity_id → its sub-regions, the counted one first

    @classmethod
    def of(
        cls,
        tables: Mapping[str, pd.DataFrame],
        overview: Mapping[str, Any],
        themes: list[dict[str, Any]],
        wording: Mapping[str, Any],
        footnotes: Mapping[str, Any],
        dates: Mapping[str, str],
    ) -> SurveyFacts:
        entities = tables["entities"]
        lists = entities["subregions"] if "subregions" in entities else [""] * len(entities)
        member_of = {
            e: [s.strip() for s in str(value).split(";") if s.strip()]
            for e, value in zip(entities["entity_id"], lists, strict=True)
        }
        return cls(
            entities=entities,
            regions=records(tables["regions"]),
            themes=themes,
            overview=overview,
            wording=wording,
            footnotes=footnotes,
            dates=dates,
            notes=EntityNotes(tables.get("entity_notes")),
            subregions=records(tables["subregions"]) if "subregions" in tables else [],
            member_of=member_of,
        )

    def region_wording(self, region_id: str, subregion_id: str = "", theme_id: str = "") -> Wording:
        """The levels a regional sentence's wording comes from, most specific first."""
        default = self.wording.get("default") or {}
        region = (self.wording.get("regions") or {}).get(region_id) or {}
        sub = (region.get("subregions") or {}).get(subregion_id) or {}
        theme = (region.get("themes") or {}).get(theme_id) or {}
        default_theme = (default.get("themes") or {}).get(theme_id) or {}
        return Wording(sub, theme, region, default_theme, default)

    def footnote(self, key: str, region_id: str) -> str:
        value = self.footnotes.get(key) or {}
        return str(value.get(region_id, "")) if isinstance(value, Mapping) else str(value)


def entity_items(
    facts: SurveyFacts, ids: Sequence[str], w: Wording, region_id: str, place: str
) -> list[Item]:
    """Entities as list items: the wording's name for them, their note at this place, ISCMs
    first, then partner organizations, alphabetically by the printed name."""
    names = {**entity_names(facts.entities), **w.names("entity_names")}
    kinds = dict(zip(facts.entities["entity_id"], facts.entities["kind"], strict=True))
    ordered = sorted(ids, key=lambda e: (kinds[e] in PARTNER_KINDS, names[e].casefold()))
    return [item(names[e], facts.notes.take(region_id, place, e)) for e in ordered]


# Cross-regional summary -------------------------------------------------------------------------


def cross_status(facts: SurveyFacts, status: str) -> list[Run]:
    """ "These entities include: 1 global process (GFMD), 8 RCPs (…); …" for one status."""
    w = Wording(facts.wording.get("cross_regional"))
    ids = facts.overview["entities_by_status"][status]
    if not ids or w.get(status) is None:
        return []  # before the notes are taken: a note must go where it is printed
    labels = w.names("kind_labels")
    groups = []
    for group in by_kind(ids, facts.entities):
        if group["kind"] not in labels:
            raise WordingError(f"wording cross_regional: kind_labels has no {group['kind']!r}")
        singular, plural = labels[group["kind"]]
        slots = {
            "count": group["count"],
            "label": singular if group["count"] == 1 else plural,
            "names": entity_items(facts, group["ids"], w, "", "recommendations"),
        }
        groups.append(w.say("kind_group", slots))
    slots = {"count": len(ids), "responded": facts.overview["responded"], "groups": groups}
    return w.say(status, slots)


def cross_all_themes(facts: SurveyFacts) -> list[Run]:
    w = Wording(facts.wording.get("cross_regional"))
    ids = facts.overview["all_themes_entities"]
    slots = {
        "count": len(ids),
        "names": entity_items(facts, ids, w, "", "all_themes"),
        "themes": len(facts.themes),
    }
    return w.say("all_themes", slots, count_case(len(ids))) if ids else []


def response_rate_sentence(facts: SurveyFacts) -> list[Run]:
    """Regions answering at least at the overall rate, and the others, by rate."""
    w = Wording(facts.wording.get("cross_regional"))
    overall = facts.overview["response_rate"] or 0.0
    rates = {
        r["region_id"]: facts.overview["regions"][r["region_id"]]["response_rate"]
        for r in facts.regions
    }
    rated = sorted(
        (r for r in facts.regions if rates[r["region_id"]] is not None),
        key=lambda r: -rates[r["region_id"]],  # stable: regions.csv order among equals
    )
    names = {r["region_id"]: r["name"] for r in facts.regions} | w.names("region_names")
    most = [item(names[r["region_id"]]) for r in rated if rates[r["region_id"]] >= overall]
    least = [item(names[r["region_id"]]) for r in rated if rates[r["region_id"]] < overall]
    if rated and all(rates[r["region_id"]] == 1 for r in rated):
        return w.say("response_rate", {}, "all")
    if not most or not least:
        return []
    return w.say("response_rate", {"most": most, "least": least}, "split")


def recurrent_themes_sentence(facts: SurveyFacts) -> list[Run]:
    """Which regions' recurrent recommendations leave some themes out."""
    w = Wording(facts.wording.get("cross_regional"))
    total = len(facts.themes)
    partial = []
    for region in facts.regions:
        count = len(facts.overview["regions"][region["region_id"]]["themes_with_recurrent"])
        if count < total:
            partial.append(w.say("partial_region", {"region": region["name"], "count": count}))
    case = "all" if not partial else "none" if len(partial) == len(facts.regions) else "some"
    return w.say("recurrent_themes", {"partial": partial, "themes": total}, case)


def most_common_sentence(facts: SurveyFacts) -> list[Run]:
    w = Wording(facts.wording.get("cross_regional"))
    names = {t["theme_id"]: t["name"] for t in facts.themes}
    everywhere = [item(names[t]) for t in facts.overview["themes_recurrent_everywhere"]]
    return w.say("most_common", {"themes": everywhere}) if everywhere else []


def cross_regional_sentences(facts: SurveyFacts) -> dict[str, list[Run]]:
    """The cross-regional summary's sentences, in the order they are printed."""
    return {
        "formulated": cross_status(facts, "formulated"),
        "in_process": cross_status(facts, "in_process"),
        "unable_to_share": cross_status(facts, "unable_to_share"),
        "all_themes": cross_all_themes(facts),
        "findings": clauses(
            response_rate_sentence(facts),
            recurrent_themes_sentence(facts),
            most_common_sentence(facts),
        ),
    }


# Regional overviews -----------------------------------------------------------------------------


def kind_counts(facts: SurveyFacts, region_id: str, w: Wording) -> list[Counted]:
    """ "5 RCPs, 5 IRFs and 1 Partner organization": global processes count as IRFs here."""
    by_kind_ids = facts.overview["regions"][region_id]["respondents_by_kind"]
    counts = {
        "rcp": len(by_kind_ids["rcp"]),
        "irf": len(by_kind_ids["irf"]) + len(by_kind_ids["global_process"]),
        "partner": sum(len(by_kind_ids[k]) for k in PARTNER_KINDS),
    }
    labels = w.names("kind_labels")
    # The note on the IRFs' count: a key of the document's footnotes (wording `kind_notes`).
    irf_note = facts.footnote(w.names("kind_notes").get("irf", ""), region_id)
    return [
        Counted(count, *labels[kind], note=irf_note if kind == "irf" else "")
        for kind, count in counts.items()
    ]


def subregion_members(
    facts: SurveyFacts, region_id: str, ids: Sequence[str]
) -> dict[str, list[str]]:
    """`ids` by sub-region of `region_id` (an entity under each of its sub-regions); {} when the
    region has none."""
    subs = [s["subregion_id"] for s in facts.subregions if s["region_id"] == region_id]
    if not subs:
        return {}
    out: dict[str, list[str]] = {s: [] for s in subs}
    for entity_id in ids:
        mine = [s for s in facts.member_of.get(entity_id, []) if s in out]
        if not mine:
            raise ValueError(
                f"entities.csv: {entity_id} is reported under {region_id}, which has sub-regions"
                f" ({', '.join(subs)}), but lists none of them in `subregions`"
            )
        for s in mine:
            out[s].append(entity_id)
    return out


def subregion_respondents(facts: SurveyFacts, region_id: str, w: Wording) -> list[Item]:
    """ "six for the Middle East and North Africa (…)": each respondent counted once, under the
    first of its sub-regions."""
    respondents = facts.overview["regions"][region_id]["respondents"]
    counted = {
        s: [e for e in ids if facts.member_of[e][0] == s]
        for s, ids in subregion_members(facts, region_id, respondents).items()
    }
    names = {s["subregion_id"]: s["name"] for s in facts.subregions}
    return [
        w.say(
            "subregion_respondents",
            {
                "count": len(ids),
                "subregion": names[s],
                "names": entity_items(facts, ids, w, region_id, "respondents"),
            },
        )
        for s, ids in counted.items()
        if ids
    ]


def feedback_sentence(facts: SurveyFacts, region: Mapping[str, str]) -> list[Run]:
    """Who was asked, who answered, by kind (and by sub-region where the region has them)."""
    rid = region["region_id"]
    w = facts.region_wording(rid)
    block = facts.overview["regions"][rid]
    slots = {
        "region": region["name"],
        "invited": block["invited"],
        "responded": block["responded"],
        "requested": facts.dates.get("requested", ""),
        "counted_on": facts.dates.get("counted_on", ""),
        "kinds": kind_counts(facts, rid, w),
        "subregions": subregion_respondents(facts, rid, w),
    }
    case = "all" if block["responded"] == block["invited"] else "some"
    return w.say("feedback", slots, case)


def not_responded_sentence(facts: SurveyFacts, region_id: str) -> list[Run]:
    ids = facts.overview["regions"][region_id]["not_responded"]
    if not ids:
        return []
    w = facts.region_wording(region_id)
    info = facts.entities.set_index("entity_id")
    names = {e: long_name(info.loc[e].to_dict()) for e in ids} | {
        e: name for e, name in w.names("entity_long_names").items() if e in ids
    }
    # Alphabetically by the printed name, as the report lists those that did not answer.
    ordered = sorted(ids, key=lambda e: names[e].casefold())
    return w.say("not_responded", {"names": [item(names[e]) for e in ordered]})


def status_sentence(
    facts: SurveyFacts, region_id: str, ids: Sequence[str], subregion_id: str = ""
) -> list[Run]:
    """Who had formulated recommendations (listed elements) and who had not, in one paragraph."""
    w = facts.region_wording(region_id, subregion_id)
    with_elements = set(facts.overview["regions"][region_id]["with_elements"])
    names = {s["subregion_id"]: s["short_name"] for s in facts.subregions}
    parts = []
    for key, members in (
        ("formulated", [e for e in ids if e in with_elements]),
        ("not_formulated", [e for e in ids if e not in with_elements]),
    ):
        if members:
            slots = {
                "count": len(members),
                "names": entity_items(facts, members, w, region_id, "recommendations"),
                "subregion": names.get(subregion_id, ""),
            }
            parts.append(w.say(key, slots, count_case(len(members))))
    return clauses(*parts)


def status_paragraphs(facts: SurveyFacts, region_id: str) -> list[list[Run]]:
    """One status paragraph for the region, or one per sub-region."""
    respondents = facts.overview["regions"][region_id]["respondents"]
    by_subregion = subregion_members(facts, region_id, respondents)
    if not by_subregion:
        return [p for p in [status_sentence(facts, region_id, respondents)] if p]
    paragraphs = [status_sentence(facts, region_id, ids, s) for s, ids in by_subregion.items()]
    return [p for p in paragraphs if p]


def all_themes_sentence(facts: SurveyFacts, region_id: str) -> list[Run]:
    w = facts.region_wording(region_id)
    ids = facts.overview["regions"][region_id]["all_themes"]
    slots = {
        "names": entity_items(facts, ids, w, region_id, "all_themes"),
        "themes": len(facts.themes),
    }
    return w.say("all_themes", slots, count_case(len(ids)))


def absent_themes_sentence(facts: SurveyFacts, region_id: str) -> list[Run]:
    """ "None of the respondents seem to have formulated recommendations on …": the themes only
    respondents listing every element address (summaries.themes_without_specific_respondents)."""
    block = facts.overview["regions"][region_id]
    absent = block["themes_without_specific_respondents"]
    if not absent or not block["respondents"]:
        return []
    by_id = {t["theme_id"]: t for t in facts.themes}
    slots = {
        "theme": by_id[absent[0]]["name"],
        "themes": [item(by_id[t]["short_name"]) for t in absent],
        "numbers": [by_id[t]["number"] for t in absent],
    }
    return facts.region_wording(region_id).say("absent_themes", slots, count_case(len(absent)))


def theme_findings(facts: SurveyFacts, region_id: str) -> list[dict[str, list[Run]]]:
    """Per theme: its label, respondents, name and recurrent elements (in overview order)."""
    rows = []
    for theme in facts.themes:
        tid = theme["theme_id"]
        w = facts.region_wording(region_id, theme_id=tid)
        count = facts.overview["regions"][region_id]["theme_respondents"].get(tid, 0)
        recurrent = facts.overview["regions"][region_id]["recurrent_elements"].get(tid, [])
        phrases = {e["element_id"]: e["phrase"] for e in theme["elements"]} | w.names(
            "element_phrases"
        )
        order = {
            e["element_id"]: int(e.get("overview_order") or e["display_order"])
            for e in theme["elements"]
        }
        elements = [item(phrases[e]) for e in sorted(recurrent, key=order.__getitem__)]
        rows.append(
            {
                "label": w.say("theme_label", {"number": theme["number"]}),
                "count": w.say("theme_count", {"count": count}, "one" if count == 1 else "other"),
                "name": w.say("theme_name", {"name": theme["name"]}),
                "recurrent": w.say("recurrent", {"elements": elements}) if elements else [],
            }
        )
    return rows


def region_sentences(facts: SurveyFacts, region_id: str) -> dict[str, Any]:
    """A regional overview's sentences, built in the order they are printed (notes go to the
    first mention)."""
    region = next(r for r in facts.regions if r["region_id"] == region_id)
    w = facts.region_wording(region_id)
    return {
        "feedback_heading": w.say("feedback_heading", {"region": region["name"]}),
        "feedback": feedback_sentence(facts, region),
        "not_responded": not_responded_sentence(facts, region_id),
        "status": status_paragraphs(facts, region_id),
        "all_themes": all_themes_sentence(facts, region_id),
        "absent_themes": absent_themes_sentence(facts, region_id),
        "themes_intro": w.say("themes_intro", {}),
        "themes": theme_findings(facts, region_id),
    }


@dataclass(eq=False)
class SurveySentences:
    """The survey's sentences, worded: the cross-regional summary's and each region's.

    The wording (the file an outline's survey blocks name) and the footnotes (the document's
    footnotes file) are narrative, read when the document renders; the data stay here.
    """

    tables: Mapping[str, pd.DataFrame]
    overview: Mapping[str, Any]
    themes: list[dict[str, Any]]
    dates: Mapping[str, str]

    def worded(
        self, wording: Mapping[str, Any], footnotes: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """{"cross_regional": {name: runs}, "regions": {region_id: {name: runs …}}}; fails if
        an entity note would not be printed."""
        facts = SurveyFacts.of(
            self.tables, self.overview, self.themes, wording, footnotes or {}, self.dates
        )
        worded = {
            "cross_regional": cross_regional_sentences(facts),
            "regions": {
                r["region_id"]: region_sentences(facts, r["region_id"]) for r in facts.regions
            },
        }
        facts.notes.check_all_printed()
        return worded


# --- one document's data, and what its narrative sees -----------------------------------------


@dataclass(eq=False)
class DocumentData:
    """One document's tables (raw CSVs as text), survey summaries and config, read once per
    render job (and kept by the live preview while only narrative files change).

    `values` are the narrative's (`narrative_values`); `edition` the editorial note "About this
    edition" (reconcile.edition_note) or None; `cache` keeps what several blocks share (the
    worded survey sentences, the charts).
    """

    doc: str
    config: Mapping[str, Any]
    tables: Mapping[str, pd.DataFrame]
    summaries: Mapping[str, Any] | None
    values: dict[str, Any]
    fonts_dir: Path
    edition: dict[str, Any] | None = None
    cache: dict[Any, Any] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame:
        if name not in self.tables:
            raise KeyError(f"{self.doc}: the table {name!r} is not among this document's inputs")
        return self.tables[name]

    @property
    def themes(self) -> list[dict[str, Any]]:
        if "themes" not in self.cache:
            self.cache["themes"] = themes_with_elements(
                self.table("themes"), self.table("elements")
            )
        return self.cache["themes"]

    @property
    def survey(self) -> Mapping[str, Any]:
        if self.summaries is None:
            raise KeyError(f"{self.doc}: this document does not show the survey")
        return self.summaries


def narrative_values(
    config: Mapping[str, Any],
    tables: Mapping[str, pd.DataFrame],
    summaries: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The values a narrative file may use (documents_spec.NARRATIVE_VALUES), from the tables
    this document reads: a value whose tables it does not read is not there."""
    values: dict[str, Any] = {"meeting": dict(config["meeting"])}
    if "recommendations" in tables:
        values["recommendations"] = recommendations_context(tables["recommendations"])
    if "regions" in tables:
        values["regions"] = records(tables["regions"])
        # The meeting numbered its breakout groups in another order than the overviews' rows.
        values["breakout_groups"] = sorted(
            values["regions"], key=lambda r: int(r["breakout_group"])
        )
    if "themes" in tables and "elements" in tables:
        values["themes"] = themes_with_elements(tables["themes"], tables["elements"])
    if "participants" in tables and "entities" in tables:
        values["delegates"] = delegates_context(tables["participants"], tables["entities"])
    if summaries is not None:
        values["survey"] = survey_figures(summaries["overview"], tables)
    counts: dict[str, int] = {}
    if "recommendations" in values:
        counts["priorities"] = len(values["recommendations"]["priority"])
        counts["follow_up"] = len(values["recommendations"]["follow_up"])
        counts["recommendations"] = counts["priorities"] + counts["follow_up"]
    for name in ("regions", "themes", "elements"):
        if name in tables:
            counts[name] = len(tables[name])
    values["counts"] = counts
    return values
