"""The data blocks an outline names: one small context builder per kind of block.

A builder takes what its block reads (the document's data, the block's parameters from the
outline, the part it is printed in, the labels and footnotes of the narrative) and returns the
ready values its template (`templates/_block_<kind>.html.j2`) lays out: every text worded,
every list ordered, grouped and counted here. Footnotes are returned as text (a run's `note`,
a heading's `footnote`) and called by the template where it prints them, so that notes are
numbered in the order a reader meets them. documents_spec.BLOCKS says what each kind reads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from meeting_report.context import (
    DocumentData,
    SurveySentences,
    long_name,
    records,
    sort_for_listing,
)
from meeting_report.numbers import percent_points
from meeting_report.wording import Run, Wording, WordingError, fill, item, plain, text_run


class BlockError(ValueError):
    """A block that cannot be built from its parameters or content files."""


@dataclass
class Content:
    """What the narrative folder gives the layout: its labels (labels.yaml), the document's
    footnotes file, and its YAML files and Markdown paths (through the narrative renderer,
    which reads inside the narrative folder only)."""

    narrative: Any  # narrative.NarrativeRenderer
    labels: Mapping[str, Any]
    footnotes: Mapping[str, Any] = field(default_factory=dict)
    _yaml: dict[str, Any] = field(default_factory=dict)

    def label(self, section: str, key: str, **slots: Any) -> str:
        """A label of labels.yaml with its {slots} filled (plain text)."""
        pattern = (self.labels.get(section) or {}).get(key)
        if not isinstance(pattern, str):
            raise BlockError(f"labels.yaml: no label {section}.{key}")
        try:
            return plain(fill(pattern, slots))
        except WordingError as error:
            raise BlockError(f"labels.yaml, {section}.{key}: {error}") from None

    def yaml(self, path: str) -> Any:
        if path not in self._yaml:
            self._yaml[path] = self.narrative.data(path)
        return self._yaml[path]

    def optional_markdown(self, path: str | None) -> str | None:
        """`path` when that Markdown file exists (a part the author may leave out), else None."""
        return path if path and self.narrative.exists(path) else None

    def footnote(self, key: str | None) -> str:
        """A footnote of the document's footnotes file: `key`, or `key.sub` for one of a
        mapping's (e.g. a region's); "" when the mapping has no such sub-key."""
        if not key:
            return ""
        first, _, rest = key.partition(".")
        if first not in self.footnotes:
            raise BlockError(f"footnotes: no footnote {first!r} (the outline names {key!r})")
        value = self.footnotes[first]
        if rest:
            return str((value or {}).get(rest, "")) if isinstance(value, Mapping) else ""
        if isinstance(value, Mapping):
            raise BlockError(f"footnotes: {first!r} has one note per key; name one ({first}.…)")
        return str(value)


@dataclass
class BlockInput:
    """What a builder gets: the block's parameters (rendered), the part it is printed in
    (`id`, `level`, `title`: plain text), the document's data and the narrative's content."""

    kind: str
    params: Mapping[str, Any]
    part: Mapping[str, Any]
    data: DocumentData
    content: Content
    ordinal: int = 1  # its place among the document's blocks of this kind (figure numbers)
    subparts: Sequence[Mapping[str, Any]] = ()  # the part's own parts (part_contents)

    def wording(self) -> Mapping[str, Any]:
        return self.content.yaml(self.params["wording"])

    @property
    def level(self) -> int:
        """The heading level of the block's own headings: one below its part's."""
        return int(self.part["level"]) + 1


# --------------------------------------------------------------------------- simple lists


def acronyms(b: BlockInput) -> dict[str, Any]:
    rows = records(b.data.table("acronyms"))
    return {
        "caption": b.part["title"],
        "columns": [b.content.label("acronyms", "acronym"), b.content.label("acronyms", "meaning")],
        "rows": [{"acronym": r["acronym"], "expansion": r["expansion"]} for r in rows],
    }


def theme_list(b: BlockInput) -> dict[str, Any]:
    """The themes in the order of themes.csv."""
    themes = records(b.data.table("themes"))
    return {"items": [b.content.label("theme_list", "item", name=t["name"]) for t in themes]}


def elements_by_theme(b: BlockInput) -> dict[str, Any]:
    return {
        "themes": [
            {
                "name": b.content.label("elements_by_theme", "theme", name=theme["name"]),
                "elements": [
                    b.content.label(
                        "elements_by_theme",
                        "element",
                        element_id=e["element_id"],
                        text=e["text"],
                    )
                    for e in theme["elements"]
                ],
            }
            for theme in b.data.themes
        ]
    }


def focus_areas(b: BlockInput) -> dict[str, Any]:
    areas = b.data.table("focus_areas")
    themes = b.data.table("themes")
    theme_names = dict(zip(themes["theme_id"], themes["name"], strict=True))
    frame = areas.assign(
        _a=areas["area_order"].astype(int), _e=areas["entity_order"].astype(int)
    ).sort_values(["_a", "_e"])
    rows = []
    for _, members in frame.groupby("area_id", sort=False):
        first = members.iloc[0]
        rows.append(
            {
                "area": first["area"],
                "theme": theme_names[first["theme_id"]],
                "mechanisms": list(members["iscm_name"]),
            }
        )
    return {
        "caption": b.params["caption"],
        "caption_note": b.content.footnote(b.params.get("caption_footnote")),
        "columns": [b.content.label("focus_areas", key) for key in ("area", "theme", "mechanisms")],
        "rows": rows,
    }


# --------------------------------------------------------------------------- meeting documents


def document_header(b: BlockInput) -> dict[str, Any]:
    """The title lines of an enclosed meeting document (an agenda, a list, a form…)."""
    meeting = b.data.values["meeting"]
    lines = list(b.params.get("lines") or [])
    if not lines and "lines" not in b.params:
        lines = [meeting["theme"], meeting["title"]]
    if b.params.get("publisher"):
        publisher = meeting["publisher"]
        line = b.content.label(
            "document_header",
            "publisher",
            author=meeting["author"],
            tagline=publisher.get("tagline", ""),
        )
        lines.insert(0, line)
    return {"lines": lines, "title": b.params["title"]}


def _person(b: BlockInput, row: Mapping[str, str]) -> str:
    return b.content.label("agenda", "person", person=row["person"], function=row["function"])


def agenda(b: BlockInput) -> dict[str, Any]:
    rows = sorted(records(b.data.table("agenda")), key=lambda r: int(r["order"]))
    children: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        children.setdefault(row["parent_id"], []).append(row)

    def entry(row: Mapping[str, str]) -> dict[str, Any]:
        people = [_person(b, p) for p in children.get(row["item_id"], [])]
        out: dict[str, Any] = {
            "kind": row["kind"],
            "title": row["title"],
            "footnote": row["footnote"],
            "people": people,
        }
        if row["kind"] == "group":
            out["details"] = b.content.label(
                "agenda", "group_details", room=row["room"], interpretation=row["interpretation"]
            )
            out["people_label"] = b.content.label("agenda", "facilitators")
        elif row["kind"] == "rapporteur":
            out["person"] = _person(b, row)
        return out

    def slot(row: Mapping[str, str]) -> dict[str, Any]:
        inner = children.get(row["item_id"], [])
        return {
            "kind": row["kind"],
            "title": row["title"],
            "footnote": row["footnote"],
            "time": b.content.label("agenda", "time_span", start=row["start"], end=row["end"]),
            "continued": b.content.label("agenda", "continued", start=row["start"], end=row["end"]),
            "moderators": [_person(b, r) for r in inner if r["kind"] == "moderator"],
            "entries": [entry(r) for r in inner if r["kind"] != "moderator"],
        }

    return {
        "venue": [
            {"title": r["title"], "footnote": r["footnote"]} for r in rows if r["kind"] == "heading"
        ],
        "days": [
            {
                "id": f"{b.part['id']}-{day['item_id']}",
                "title": day["title"],
                "caption": b.content.label("agenda", "caption", day=day["title"]),
                "slots": [slot(r) for r in children.get(day["item_id"], [])],
            }
            for day in rows
            if day["kind"] == "day"
        ],
        "level": b.level,
        "columns": [b.content.label("agenda", "time"), b.content.label("agenda", "programme")],
        "moderator": b.content.label("agenda", "moderator"),
    }


def participants(b: BlockInput) -> dict[str, Any]:
    meeting = b.data.values["meeting"]
    place = [meeting.get(k, "") for k in ("dates", "venue", "room", "city", "country")]
    people = sorted(records(b.data.table("participants")), key=lambda p: int(p["number"]))
    sections = []
    previous_group = None
    for section in records(b.data.table("participant_sections")):
        group = None
        if section["group_title"] and section["group_title"] != previous_group:
            group = {
                "id": f"{b.part['id']}-group-{section['section_id']}",
                "level": b.level,
                "text": b.content.label(
                    "participants",
                    "section",
                    number=section["number"].split(".")[0],
                    title=section["group_title"],
                ),
            }
        previous_group = section["group_title"] or None
        title = b.content.label(
            "participants", "section", number=section["number"], title=section["title"]
        )
        sections.append(
            {
                "group": group,
                "id": f"{b.part['id']}-{section['section_id']}",
                "level": b.level + 1 if section["group_title"] else b.level,
                "title": title,
                "columns": [
                    b.content.label("participants", "number"),
                    section["organization_heading"],
                    b.content.label("participants", "name"),
                    b.content.label("participants", "position"),
                ],
                "rows": [
                    {
                        "number": b.content.label("participants", "entry", number=p["number"]),
                        "organization": p["organization"],
                        "name": p["name"],
                        "position": p["position"],
                    }
                    for p in people
                    if p["section_id"] == section["section_id"]
                ],
            }
        )
    return {"place": ", ".join(p for p in place if p), "sections": sections}


FORM_ROW_KINDS = ("text", "yesno")


def questionnaire(b: BlockInput) -> dict[str, Any]:
    path = b.params["form"]
    form = b.content.yaml(path) or {}
    sections = []
    for section in form.get("sections") or []:
        rows = []
        for row in section.get("rows") or []:
            if row.get("kind") not in FORM_ROW_KINDS:
                raise BlockError(
                    f"{path}: row {row.get('label')!r} has kind {row.get('kind')!r};"
                    f" expected one of {', '.join(FORM_ROW_KINDS)}"
                )
            rows.append({"label": row["label"], "kind": row["kind"]})
        sections.append({"title": section["title"], "rows": rows})
    # A signature field is a row like the form's ({label, kind}) or a plain label.
    signature = [
        field["label"] if isinstance(field, Mapping) else f"{field}:"
        for field in form.get("signature") or []
    ]
    return {
        "caption": b.part["title"],
        "columns": [b.content.label("questionnaire", k) for k in ("question", "answer")],
        "yes": b.content.label("questionnaire", "yes"),
        "no": b.content.label("questionnaire", "no"),
        "space": b.content.label("questionnaire", "space"),
        "sections": sections,
        "signature": signature,
    }


def part_contents(b: BlockInput) -> dict[str, Any]:
    """The contents of the part the block is printed in: its own parts, linked."""

    def entries(parts: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for part in parts:
            if part.get("group") is not None:
                children = entries(part["parts"])
                href = children[0]["href"] if children else ""
                out.append({"label": part["group"], "href": href, "children": children})
            else:
                out.append({"label": part["label"], "href": "#" + part["id"], "children": []})
        return out

    name = str(b.part.get("number") or b.part["title"]).rstrip(":.")
    return {
        "label": b.content.label("part_contents", "label", part=name),
        "entries": entries(b.subparts),
    }


# --------------------------------------------------------------------------- the survey


def survey_sentences(b: BlockInput) -> dict[str, Any]:
    """The survey's sentences worded by the block's wording file, built once per document
    (every block of the survey prints some of them; each entity note must be printed)."""
    key = ("sentences", b.params["wording"])
    if key not in b.data.cache:
        data = b.data
        sentences = SurveySentences(
            data.tables,
            data.survey["overview"],
            data.themes,
            dict(data.config.get("survey") or {}),
        )
        data.cache[key] = sentences.worded(b.wording(), b.content.footnotes)
    return b.data.cache[key]


def _rule_note(b: BlockInput, w: Wording) -> list[Run]:
    rule = b.data.config["recurrence"]
    note = w.say(
        "recurrence_note",
        {"share": percent_points(rule["min_share"]), "minimum": rule["min_respondents"]},
    )
    return [text_run("", plain(note))] if note else []


def cross_regional_summary(b: BlockInput) -> dict[str, Any]:
    cross = survey_sentences(b)["cross_regional"]
    w = Wording(b.wording().get("cross_regional"))
    keys = ("formulated", "in_process", "unable_to_share", "all_themes", "findings")
    return {
        "mark": b.params.get("mark"),
        "lead": b.content.optional_markdown(b.params.get("lead")),
        "paragraphs": [cross[k] for k in keys if cross[k]],
        "closing": w.say("recurring_intro", {"note": _rule_note(b, w)}),
    }


def cross_regional_tiers(b: BlockInput) -> dict[str, Any]:
    """Elements recurrent in several regions, by the number of regions, grouped by theme."""
    w = Wording(b.wording().get("cross_regional"))
    regions = records(b.data.table("regions"))
    names = {r["region_id"]: r["name"] for r in regions}
    themes = b.data.themes
    element_info = {e["element_id"]: e for t in themes for e in t["elements"]}
    theme_by_id = {t["theme_id"]: t for t in themes}
    tiers = []
    for tier in b.data.survey["tiers"]:
        if tier["regions_recurrent"] < 2:
            continue  # an element recurrent in one region is no cross-regional priority
        grouped: dict[str, list[dict[str, Any]]] = {}
        for element_id in sorted(
            tier["elements"], key=lambda e: int(element_info[e]["display_order"])
        ):
            grouped.setdefault(element_info[element_id]["theme_id"], []).append(
                element_info[element_id]
            )
        case = "all" if tier["regions_recurrent"] == len(regions) else "some"
        slots = {
            "count": tier["regions_recurrent"],
            "regions": len(regions),
            "missing": [item(names[r]) for r in tier["missing_region_ids"]],
        }
        tiers.append(
            {
                "heading": w.say("tier_heading", slots, case),
                "themes": [
                    {
                        "name": w.say("tier_theme", {"name": theme_by_id[t]["name"]}),
                        "elements": [
                            w.say(
                                "tier_element",
                                {"text": e["summary_text"], "element_id": e["element_id"]},
                            )
                            for e in grouped[t]
                        ],
                    }
                    for t in sorted(grouped, key=lambda t: theme_by_id[t]["number"])
                ],
            }
        )
    return {"mark": b.params.get("mark"), "tiers": tiers}


def _region_themes(data: DocumentData, region_id: str) -> list[dict[str, Any]]:
    """Respondents and recurrent elements of each theme in one region (display order)."""
    themes = data.themes
    order = {e["element_id"]: int(e["display_order"]) for t in themes for e in t["elements"]}
    respondents = data.survey["theme_respondents"]
    recurrent = data.survey["recurrent_elements"]
    rows = respondents[respondents["region_id"] == region_id]
    counts = dict(zip(rows["theme_id"], rows["respondents"], strict=True))
    out = []
    for theme in themes:
        rec = recurrent[
            (recurrent["region_id"] == region_id) & (recurrent["theme_id"] == theme["theme_id"])
        ]
        out.append(
            {
                "theme_id": theme["theme_id"],
                "respondents": int(counts.get(theme["theme_id"], 0)),
                "recurrent_ids": sorted(rec["element_id"], key=order.__getitem__),
            }
        )
    return out


CHARTS = ("theme_respondents", "recurrence")


def _chart_svg(data: DocumentData, chart: str) -> str:
    """The chart's SVG, drawn once per document (matplotlib is the slow part)."""
    from meeting_report.charts import recurrence_matrix, theme_heatmap

    key = ("chart", chart)
    if key not in data.cache:
        regions = records(data.table("regions"))
        if chart == "theme_respondents":
            data.cache[key] = theme_heatmap(
                data.survey["theme_respondents"],
                regions,
                records(data.table("themes")),
                fonts_dir=data.fonts_dir,
            )
        else:
            # Elements in the order of the matrix's data table: by theme, then display order.
            elements = [e for theme in data.themes for e in theme["elements"]]
            data.cache[key] = recurrence_matrix(
                data.survey["recurrent_elements"], regions, elements, fonts_dir=data.fonts_dir
            )
    return data.cache[key]


def chart(b: BlockInput) -> dict[str, Any]:
    """A chart of the survey, numbered in the document's order, with its data as a table."""
    kind = b.params["chart"]
    if kind not in CHARTS:
        raise BlockError(f"no chart {kind!r} (charts: {', '.join(CHARTS)})")
    label = b.content.label
    regions = records(b.data.table("regions"))
    by_region = {r["region_id"]: _region_themes(b.data, r["region_id"]) for r in regions}
    themes = b.data.themes
    if kind == "theme_respondents":
        columns = [{"key": "region", "label": label("charts", "region"), "row_header": True}]
        columns += [
            {"key": t["theme_id"], "label": label("charts", "theme", number=t["number"])}
            for t in themes
        ]
        rows = [
            {"region": r["short_name"]}
            | {t["theme_id"]: t["respondents"] for t in by_region[r["region_id"]]}
            for r in regions
        ]
    else:
        recurrent = {r: {e for t in by_region[r] for e in t["recurrent_ids"]} for r in by_region}
        columns = [{"key": "element", "label": label("charts", "element"), "row_header": True}]
        columns += [{"key": r["region_id"], "label": r["short_name"]} for r in regions]
        rows = [
            {
                "element": label(
                    "charts", "element_row", element_id=e["element_id"], text=e["summary_text"]
                )
            }
            | {
                r: label("charts", "recurrent" if e["element_id"] in ids else "not_recurrent")
                for r, ids in recurrent.items()
            }
            for t in themes
            for e in t["elements"]
            if any(e["element_id"] in ids for ids in recurrent.values())
        ]
    number = label("charts", "number", number=b.ordinal)
    caption = str(b.params["caption"])
    return {
        "id": "figure-" + kind.replace("_", "-"),
        "number": number,
        "caption": caption,
        "alt": b.params["alt"],
        "svg": _chart_svg(b.data, kind),
        "table_caption": label("charts", "data_table", label=f"{number} {caption}"),
        "columns": columns,
        "rows": rows,
    }


def _practices(
    b: BlockInput, region_id: str, innovative_text: str | None, level: int
) -> dict[str, Any]:
    """Innovative solutions and good practices of a region ("" for global processes); a
    region's authors may write the innovative solutions as a paragraph instead of the list."""
    practices = b.data.table("good_practices")
    rows = practices[practices["region_id"] == region_id]
    rows = rows.assign(_o=rows["order"].astype(int)).sort_values("_o")
    categories = b.data.table("good_practice_categories")
    categories = categories.assign(_o=categories["order"].astype(int)).sort_values("_o")
    grouped = []
    for category in records(categories):
        titles = list(rows.loc[rows["category"] == category["category"], "title"])
        if titles:
            grouped.append({"label": category["label"], "items": titles})
    innovative = list(rows.loc[rows["innovative"] == "true", "title"])
    prose = b.content.optional_markdown(innovative_text)
    return {
        "level": level,
        "innovative_heading": b.content.label("good_practices", "innovative")
        if prose or innovative
        else None,
        "innovative_text": prose,
        "innovative": [] if prose else innovative,
        "categories_heading": b.content.label("good_practices", "highlights") if grouped else None,
        "categories": grouped,
    }


def good_practices(b: BlockInput) -> dict[str, Any]:
    return _practices(b, b.params.get("region") or "", b.params.get("innovative_text"), b.level)


def region_overview(b: BlockInput) -> dict[str, Any]:
    """One region's survey overview: who answered (sentence and table), its recommendations
    and recurrent ones by theme, its good practices."""
    region_id = b.params["region"]
    regions = {r["region_id"]: r for r in records(b.data.table("regions"))}
    if region_id not in regions:
        raise BlockError(f"region_overview: no region {region_id!r} in regions.csv")
    region = regions[region_id]
    sentences = survey_sentences(b)["regions"][region_id]
    w = Wording(b.wording().get("default"))
    entities = b.data.table("entities")
    info = entities.set_index("entity_id")
    by_kind = b.data.survey["overview"]["regions"][region_id]["respondents_by_kind"]
    kinds = ("rcp", "irf", "reo", "un_rc")
    columns = {k: sort_for_listing(list(by_kind[k]), entities) for k in kinds}
    height = max((len(ids) for ids in columns.values()), default=0)
    rows = [
        [long_name(info.loc[columns[k][i]].to_dict()) if i < len(columns[k]) else "" for k in kinds]
        for i in range(height)
    ]
    heads = w.names("respondents_columns")
    mark = b.params.get("mark")

    def say(key: str) -> str:
        return plain(w.say(key, {"region": region["name"]}))

    return {
        "mark_feedback": f"{mark}/feedback" if mark else None,
        "mark_recommendations": f"{mark}/recommendations" if mark else None,
        "level": b.level,
        "sublevel": b.level + 1,
        "feedback_heading": sentences["feedback_heading"],
        "feedback": sentences["feedback"],
        "table": {
            "caption": say("respondents_caption"),
            "groups": [heads["iscm"], heads["partners"]],
            "columns": [heads[k] for k in kinds],
            "rows": rows,
        },
        "not_responded": sentences["not_responded"],
        "recommendations_heading": say("recommendations_heading"),
        "status": sentences["status"],
        "recommendations_note": b.content.optional_markdown(b.params.get("recommendations_note")),
        "after_status": [sentences[k] for k in ("all_themes", "absent_themes") if sentences[k]],
        "commonalities": b.content.optional_markdown(b.params.get("commonalities")),
        "recurrent_heading": say("recurrent_heading"),
        "themes_intro": sentences["themes_intro"],
        "themes": sentences["themes"],
        "practices_heading": say("practices_heading"),
        "practices_intro": b.content.optional_markdown(b.params.get("practices_intro")),
        "practices": _practices(b, region_id, b.params.get("innovative_solutions"), b.level + 1),
    }


BUILDERS: dict[str, Callable[[BlockInput], dict[str, Any]]] = {
    "acronyms": acronyms,
    "theme_list": theme_list,
    "elements_by_theme": elements_by_theme,
    "focus_areas": focus_areas,
    "agenda": agenda,
    "participants": participants,
    "questionnaire": questionnaire,
    "document_header": document_header,
    "part_contents": part_contents,
    "cross_regional_summary": cross_regional_summary,
    "cross_regional_tiers": cross_regional_tiers,
    "chart": chart,
    "good_practices": good_practices,
    "region_overview": region_overview,
}


def build(b: BlockInput) -> dict[str, Any]:
    """The ready values of one block (its template is _block_<kind>.html.j2)."""
    try:
        return BUILDERS[b.kind](b)
    except (BlockError, WordingError):
        raise
    except KeyError as error:
        raise BlockError(f"block {b.kind!r} in part {b.part['title']!r}: {error}") from error
