"""Reconciliation of the computed survey summaries with the figures a published report states.

The reference (config.yaml `reference`) holds one entry per figure or list the report states:
`id`, `quote`, `where`, `published`, `computed` and, where the report contradicts itself or the
data, an `explanation`. `computed` is either a dotted path into the results
(`overview.regions.africa.invited`) or a named computation: `{fn: <name>, <argument>: <value>,
...}` (see COMPUTATIONS).

Each entry becomes a row with status `match`, `explained` (differs, for a documented reason)
or `mismatch` (differs and nobody knows why). Lists are compared as sets unless the entry says
`order: strict`.
"""

from __future__ import annotations

import bisect
import logging
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from meeting_report.io import atomic_write_text
from meeting_report.numbers import percent_points
from meeting_report.safe_csv import to_safe_csv_text

log = logging.getLogger(__name__)

STATUSES = ("match", "explained", "mismatch")
ROW_COLUMNS = ["id", "where", "quote", "published", "computed", "status", "explanation"]
REQUIRED_KEYS = ("id", "quote", "where", "published", "computed")
MODES = ("warn", "strict")


class ReconciliationError(RuntimeError):
    """Raised in strict mode when a published figure differs from the data without explanation."""


@dataclass(frozen=True)
class Context:
    """What a `computed` spec can refer to: the results and the raw tables."""

    overview: Mapping[str, Any]
    results: Mapping[str, pd.DataFrame]  # theme_respondents, recurrent_elements, cross_regional
    tables: Mapping[str, pd.DataFrame]  # raw tables by name (entities, participants, ...)


# --- resolving `computed` ------------------------------------------------------------------------


def resolve_path(ctx: Context, path: str) -> Any:
    """Follow a dotted path from `overview.` (dict keys or list indices)."""
    root, _, rest = path.partition(".")
    if root != "overview":
        raise KeyError(f"unknown root {root!r} in path {path!r} (only 'overview' is known)")
    value: Any = ctx.overview
    for part in rest.split(".") if rest else []:
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            raise KeyError(f"path {path!r}: no {part!r}")
    return value


def _value(ctx: Context, ref: Any) -> Any:
    """A path string resolves; anything else is a literal."""
    return resolve_path(ctx, ref) if isinstance(ref, str) and ref.startswith("overview") else ref


def _count(ctx: Context, path: str) -> int:
    return len(resolve_path(ctx, path))


def _sum(ctx: Context, paths: Sequence[str]) -> int:
    values = [resolve_path(ctx, p) for p in paths]
    return sum(len(v) if isinstance(v, list) else int(v) for v in values)


def _union(ctx: Context, paths: Sequence[str]) -> list[str]:
    merged: list[str] = []
    for path in paths:
        merged += [v for v in resolve_path(ctx, path) if v not in merged]
    return merged


def _percent(ctx: Context, num: str, den: str) -> int:
    return percent_points(_value(ctx, num) / _value(ctx, den))


def _tier(ctx: Context, regions_recurrent: int, missing: Sequence[str] = ()) -> dict[str, Any]:
    for tier in ctx.overview["cross_regional_tiers"]:
        if tier["regions_recurrent"] == regions_recurrent and sorted(
            tier["missing_region_ids"]
        ) == sorted(missing):
            return tier
    return {
        "regions_recurrent": regions_recurrent,
        "missing_region_ids": list(missing),
        "elements": [],
    }


def _cross_tier(ctx: Context, regions_recurrent: int, missing: Sequence[str] = ()) -> list[str]:
    return list(_tier(ctx, regions_recurrent, missing)["elements"])


def _themes_of(ctx: Context, element_ids: Sequence[str]) -> list[str]:
    elements = ctx.tables["elements"]
    theme_of = dict(zip(elements["element_id"], elements["theme_id"], strict=True))
    wanted = {theme_of[e] for e in element_ids}
    return [t for t in ctx.tables["themes"]["theme_id"] if t in wanted]


def _tier_themes(ctx: Context, regions_recurrent: int, missing: Sequence[str] = ()) -> list[str]:
    return _themes_of(ctx, _cross_tier(ctx, regions_recurrent, missing))


def _cross_row(ctx: Context, element: str) -> pd.Series | None:
    cross = ctx.results["cross_regional"]
    rows = cross[cross["element_id"] == element]
    return None if rows.empty else rows.iloc[0]


def _element_regions(ctx: Context, element: str) -> list[str]:
    row = _cross_row(ctx, element)
    return [] if row is None else str(row["region_ids"]).split(";")


def _element_regions_recurrent(ctx: Context, element: str) -> int:
    row = _cross_row(ctx, element)
    return 0 if row is None else int(row["regions_recurrent"])


def _element_missing_regions(ctx: Context, element: str) -> list[str]:
    present = set(_element_regions(ctx, element))
    return [r for r in ctx.tables["regions"]["region_id"] if r not in present]


def _element_tiers(ctx: Context, element: str) -> list[int]:
    """The numbers of regions of the tier groups listing `element` (one, by construction)."""
    return [
        t["regions_recurrent"]
        for t in ctx.overview["cross_regional_tiers"]
        if element in t["elements"]
    ]


def _top_response_rate(ctx: Context, n: int) -> list[str]:
    regions = ctx.overview["regions"]
    rated = [(-(regions[r]["response_rate"] or 0.0), i, r) for i, r in enumerate(regions)]
    return [r for _, _, r in sorted(rated)[:n]]


def _status_kind(ctx: Context, status: str, kind: str) -> list[str]:
    ids = ctx.overview["entities_by_status"][status]
    entities = ctx.tables["entities"]
    kind_of = dict(zip(entities["entity_id"], entities["kind"], strict=True))
    return [e for e in ids if kind_of.get(e) == kind]


def _entity_elements(ctx: Context, entity: str) -> list[str]:
    survey_elements = ctx.tables["survey_elements"]
    mentioned = set(survey_elements.loc[survey_elements["entity_id"] == entity, "element_id"])
    elements = ctx.tables["elements"]
    order = pd.to_numeric(elements["display_order"])
    return [e for e in elements.assign(_o=order).sort_values("_o")["element_id"] if e in mentioned]


def _entity_themes(ctx: Context, entity: str) -> list[str]:
    return _themes_of(ctx, _entity_elements(ctx, entity))


def _top_themes(ctx: Context, region: str, kinds: Sequence[str]) -> list[str]:
    """Themes mentioned by the most respondents of `region` among the given kinds."""
    kinds_of = ctx.overview["regions"][region]["respondents_by_kind"]
    members = {e for k in kinds for e in kinds_of[k]}
    survey_elements = ctx.tables["survey_elements"]
    mentioned = survey_elements[survey_elements["entity_id"].isin(members)].merge(
        ctx.tables["elements"][["element_id", "theme_id"]], on="element_id"
    )
    counts = mentioned.groupby("theme_id")["entity_id"].nunique()
    best = int(counts.max()) if not counts.empty else 0
    return [t for t in ctx.tables["themes"]["theme_id"] if best and counts.get(t, 0) == best]


def _participants(ctx: Context, section: str | None = None) -> pd.DataFrame:
    participants = ctx.tables["participants"]
    return participants if section is None else participants[participants["section_id"] == section]


def _participants_count(ctx: Context, section: str | None = None) -> int:
    return len(_participants(ctx, section))


def _participant_entities(
    ctx: Context, section: str | None = None, kinds: Sequence[str] | None = None
) -> list[str]:
    """Distinct entities represented by participants (in participant-list order)."""
    ids = [e for e in dict.fromkeys(_participants(ctx, section)["entity_id"]) if e]
    if kinds is None:
        return ids
    entities = ctx.tables["entities"]
    kind_of = dict(zip(entities["entity_id"], entities["kind"], strict=True))
    return [e for e in ids if kind_of.get(e) in set(kinds)]


def _count_participant_entities(
    ctx: Context, section: str | None = None, kinds: Sequence[str] | None = None
) -> int:
    return len(_participant_entities(ctx, section, kinds))


def _entity_status(ctx: Context, entity: str) -> str:
    responses = ctx.tables["survey_responses"]
    statuses = responses.loc[responses["entity_id"] == entity, "status"]
    return str(statuses.iloc[0]) if not statuses.empty else "not_responded"


def _respondents_absent(ctx: Context) -> list[str]:
    """Respondents that sent nobody to the meeting."""
    present = set(_participants(ctx)["entity_id"])
    respondents = ctx.tables["survey_responses"]["entity_id"]
    return [e for e in ctx.tables["entities"]["entity_id"] if e in set(respondents) - present]


def _theme_name(ctx: Context, theme: str) -> str:
    """A theme's name as themes.csv gives it (the documents print it so everywhere)."""
    themes = ctx.tables["themes"]
    return str(themes.loc[themes["theme_id"] == theme, "name"].iloc[0])


COMPUTATIONS: dict[str, Callable[..., Any]] = {
    "count": _count,
    "sum": _sum,
    "union": _union,
    "percent": _percent,
    "cross_tier": _cross_tier,
    "tier_themes": _tier_themes,
    "element_regions": _element_regions,
    "element_regions_recurrent": _element_regions_recurrent,
    "element_missing_regions": _element_missing_regions,
    "element_tiers": _element_tiers,
    "top_response_rate": _top_response_rate,
    "status_kind": _status_kind,
    "entity_elements": _entity_elements,
    "entity_themes": _entity_themes,
    "top_themes": _top_themes,
    "participants_count": _participants_count,
    "participant_entities": _participant_entities,
    "count_participant_entities": _count_participant_entities,
    "entity_status": _entity_status,
    "respondents_absent": _respondents_absent,
    "theme_name": _theme_name,
}


def compute(ctx: Context, spec: Any) -> Any:
    """The computed value of one reference entry's `computed` spec."""
    if isinstance(spec, str):
        return resolve_path(ctx, spec)
    if isinstance(spec, Mapping) and "fn" in spec:
        args = {key: value for key, value in spec.items() if key != "fn"}
        try:
            function = COMPUTATIONS[spec["fn"]]
        except KeyError:
            raise KeyError(f"unknown computation {spec['fn']!r}") from None
        return function(ctx, **args)
    raise ValueError(f"`computed` must be a dotted path or {{fn: ...}}, got {spec!r}")


# --- comparing -----------------------------------------------------------------------------------


def values_equal(published: Any, computed: Any, *, ordered: bool = False) -> bool:
    if isinstance(published, list) and isinstance(computed, list):
        if ordered:
            return [str(v) for v in published] == [str(v) for v in computed]
        return sorted(map(str, published)) == sorted(map(str, computed))
    if isinstance(published, bool) or isinstance(computed, bool):
        return published is computed
    if isinstance(published, int | float) and isinstance(computed, int | float):
        return abs(published - computed) < 1e-9
    return published == computed


def show(value: Any) -> str:
    """A value as one line of text for the CSV and the HTML page."""
    if isinstance(value, list):
        return "; ".join(show(v) for v in value) if value else "(none)"
    if value is None:
        return "(none)"
    return str(value)


def load_reference(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Read and check the reference YAML (a list under `entries:`)."""
    document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    entries = document.get("entries") if isinstance(document, Mapping) else None
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a mapping with a list under 'entries'")
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        missing = [key for key in REQUIRED_KEYS if key not in entry]
        if missing:
            raise ValueError(f"{path}: entry {number} lacks {', '.join(missing)}")
        if entry["id"] in seen:
            raise ValueError(f"{path}: duplicate id {entry['id']!r}")
        seen.add(entry["id"])
    return entries


def compare(entry: Mapping[str, Any], ctx: Context) -> tuple[Any, str]:
    """(computed value, status) of one reference entry."""
    try:
        computed = compute(ctx, entry["computed"])
    except (KeyError, ValueError, TypeError) as error:
        raise ValueError(f"reference entry {entry['id']!r}: {error}") from error
    explanation = str(entry.get("explanation") or "").strip()
    same = values_equal(entry["published"], computed, ordered=entry.get("order") == "strict")
    if same and explanation:
        log.info("%s matches although an explanation is recorded", entry["id"])
    return computed, "match" if same else ("explained" if explanation else "mismatch")


def reconcile(entries: Sequence[Mapping[str, Any]], ctx: Context) -> pd.DataFrame:
    """One row per reference entry: published vs computed, with a status.

    The ROW_COLUMNS are the CSV's; PAGE_COLUMNS hold the two values as the HTML page shows them.
    """
    labels = value_labels(ctx.tables)
    rows = []
    for entry in entries:  # one iteration per published figure (about 150), not per data row
        computed, status = compare(entry, ctx)
        explanation = str(entry.get("explanation") or "").strip()
        rows.append(
            {
                "id": entry["id"],
                "where": str(entry["where"]),
                "quote": str(entry["quote"]).strip(),
                "published": show(entry["published"]),
                "computed": show(computed),
                "status": status,
                "explanation": explanation,
                **compared(entry["published"], computed, entry.get("order") == "strict", labels),
            }
        )
    return pd.DataFrame(rows, columns=[*ROW_COLUMNS, *PAGE_COLUMNS])


def check(rows: pd.DataFrame, mode: str = "warn") -> list[str]:
    """Log every unexplained mismatch; in strict mode raise. Returns the mismatching ids."""
    if mode not in MODES:
        raise ValueError(f"reconciliation mode must be one of {MODES}, got {mode!r}")
    bad = rows[rows["status"] == "mismatch"]
    for row in bad.itertuples(index=False):
        log.warning(
            "%s (%s): the report says %s, the data give %s",
            row.id,
            row.where,
            row.published,
            row.computed,
        )
    counts = rows["status"].value_counts().reindex(list(STATUSES), fill_value=0)
    log.info("reconciliation: %s", ", ".join(f"{n} {s}" for s, n in counts.items()))
    if mode == "strict" and not bad.empty:
        message = (
            f"{len(bad)} published figure(s) differ from the data without explanation: "
            + ", ".join(bad["id"])
        )
        log.error("%s (reconciliation: strict)", message)  # so the rule's log says why it stopped
        raise ReconciliationError(message)
    return list(bad["id"])


# --- the edition note -----------------------------------------------------------------------
# Each document carries "About this edition": the explained differences of the figures it prints,
# generated from the entries above so that no difference is typed twice.

NOTE_ANCHOR_PREFIX = "edition-note-"
_SEED_LINES = re.compile(r",?\s*seed lines? [^,]*(?:,\s*\d[^,]*)*$")


def note_anchor(entry_id: str) -> str:
    """The HTML id of an entry of the note: the reference id with its dots as hyphens."""
    return NOTE_ANCHOR_PREFIX + re.sub(r"[^A-Za-z0-9]+", "-", entry_id).strip("-")


def entries_in(
    entries: Sequence[Mapping[str, Any]], sections: Sequence[str]
) -> list[Mapping[str, Any]]:
    """The entries whose `where` starts with one of `sections` ("Introduction", "Annex ", …)."""
    return [entry for entry in entries if str(entry["where"]).startswith(tuple(sections))]


def value_labels(tables: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """A reader's name for each id a reference entry may list: entities by their short name,
    regions by name, themes by number, elements by letter."""
    labels: dict[str, str] = {}
    if "entities" in tables:
        frame = tables["entities"]
        labels.update(zip(frame["entity_id"], frame["short_name"], strict=True))
    if "regions" in tables:
        frame = tables["regions"]
        labels.update(zip(frame["region_id"], frame["name"], strict=True))
    if "themes" in tables:
        frame = tables["themes"]
        numbers = zip(frame["theme_id"], frame["number"], strict=True)
        labels.update({theme: f"theme {number}" for theme, number in numbers})
    if "elements" in tables:
        labels.update({e: f"element “{e}”" for e in tables["elements"]["element_id"]})
    return labels


def readable(value: Any, labels: Mapping[str, str]) -> str:
    """`show`, with ids replaced by their labels and codes (`in_process`) spelled as words."""
    if isinstance(value, list):
        return "; ".join(readable(v, labels) for v in value) if value else "none"
    if isinstance(value, str):
        return labels.get(value, value.replace("_", " "))
    return show(value)


def place(where: str) -> str:
    """`where` without the seed line numbers, which only the maintainers' copy has."""
    return _SEED_LINES.sub("", where).strip() or where


def edition_note(
    entries: Sequence[Mapping[str, Any]],
    ctx: Context | None,
    sections: Sequence[str],
    labels: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The editorial note of one document: its sections' explained differences.

    `notes` lists them in reference order (where, the published quote and value, the value the
    data give, the reason); `links` maps every reference id to the fragment of its note entry
    ("#edition-note-…"), or to "" when this document's note has no entry for it, so that a
    template or narrative can link a figure to its note and a misspelt id fails the build.
    `ctx` may be None when none of the entries is in `sections` (nothing is computed).
    """
    labels = labels or {}
    notes = []
    for entry in entries_in(entries, sections):
        if ctx is None:
            raise ValueError(f"reference entry {entry['id']!r}: no survey data to compare with")
        computed, status = compare(entry, ctx)
        if status != "explained":
            continue
        notes.append(
            {
                "id": entry["id"],
                "anchor": note_anchor(entry["id"]),
                "where": place(str(entry["where"])),
                "quote": " ".join(str(entry["quote"]).split()),
                "published": readable(entry["published"], labels),
                "data": readable(computed, labels),
                "reason": " ".join(str(entry["explanation"]).split()),
            }
        )
    links = {entry["id"]: "" for entry in entries}
    links.update({note["id"]: "#" + note["anchor"] for note in notes})
    return {"notes": notes, "links": links}


# --- writing ----------------------------------------------------------------------------------
# The CSV keeps ids and seed lines for maintainers; the HTML page is for a reader with the
# published report at hand: places as its sections and pages, values as its names.

PAGE_COLUMNS = ["published_shown", "computed_shown"]
_SEED_LINE_SPEC = re.compile(r"seed lines? ((?:\d+(?:–\d+)?)(?:(?:, | and )\d+(?:–\d+)?)*)")


def compared(published: Any, computed: Any, ordered: bool, labels: Mapping[str, str]) -> dict:
    """The two values as the page shows them: ids as names and, for lists, items in one order
    (by name, unless the order is what is compared), each flagged if the other side lacks it."""
    if not (isinstance(published, list) and isinstance(computed, list)):
        return {
            "published_shown": readable(published, labels),
            "computed_shown": readable(computed, labels),
        }

    def items(values: list[Any], other: list[Any]) -> list[dict[str, Any]]:
        others = {str(v) for v in other}
        shown = [{"text": readable(v, labels), "only": str(v) not in others} for v in values]
        return shown if ordered else sorted(shown, key=lambda item: _by_name(item["text"]))

    return {
        "published_shown": items(published, computed),
        "computed_shown": items(computed, published),
    }


def _by_name(text: str) -> list[Any]:
    """Alphabetical, case aside, with numbers in order ("theme 2" before "theme 10")."""
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", text)]


def seed_lines(where: str) -> list[int]:
    """The seed lines a `where` names ("seed lines 1171 and 1183", "seed lines 1657–1668")."""
    spec = _SEED_LINE_SPEC.search(where)
    lines: list[int] = []
    for part in re.split(r", | and ", spec.group(1)) if spec else []:
        first, _, last = part.partition("–")
        lines += range(int(first), int(last or first) + 1)
    return lines


@dataclass(frozen=True)
class PublishedPages:
    """The page map of the published report (tools/published_pages.py): each table-of-contents
    entry's (heading line, page, name), and the (first line, last line, first page, last page
    or None) spans of its text."""

    sections: tuple[tuple[int, int, str], ...]
    pages: tuple[tuple[int, int, int, int | None], ...]


def reference_pages_path(reference: str | os.PathLike[str]) -> Path:
    """Where the page map of a reference is: beside it, `<name>.pages.yaml`."""
    path = Path(reference)
    return path.with_name(path.stem + ".pages.yaml")


def load_pages(path: str | os.PathLike[str] | None) -> PublishedPages | None:
    """The page map, or None where the reference has none (no page is named then)."""
    if path is None or not Path(path).is_file():
        return None
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return PublishedPages(
        tuple(tuple(s) for s in data.get("sections") or ()),  # type: ignore[misc]
        tuple(tuple(p) for p in data.get("pages") or ()),  # type: ignore[misc]
    )


def reference_title(path: str | os.PathLike[str]) -> str:
    """The reconciliation page's title: the reference's `title`, or a general one."""
    document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    title = document.get("title") if isinstance(document, Mapping) else None
    return str(title or "Reconciliation with the published report")


def published_page(where: str, published: PublishedPages | None) -> str:
    """Where the published report prints a `where`: "page 8", "pages 8–9", "between pages 10
    and 13", or, where its text does not fix the page, "<section> starts on page 63"; "" if
    `where` names no seed line or there is no page map."""
    lines = seed_lines(where)
    if not lines or published is None or not published.pages:
        return ""
    firsts = [span[0] for span in published.pages]
    spans = [published.pages[bisect.bisect_right(firsts, n) - 1] for n in lines]
    if any(n < span[0] or n > span[1] for n, span in zip(lines, spans, strict=True)):
        return ""  # before the Introduction: no entry is there
    if any(last is None for *_, last in spans):
        starts = [s for s in published.sections if s[0] <= min(lines)]
        _, page, name = starts[-1]
        return f"{name} starts on page {page}"
    low, high = min(s[2] for s in spans), max(s[3] for s in spans)
    if all(s[2] == s[3] for s in spans):
        return f"page {low}" if low == high else f"pages {low}–{high}"
    return f"between pages {low} and {high}"


def render_html(
    rows: pd.DataFrame,
    template_path: str | os.PathLike[str],
    title: str,
    pages: PublishedPages | None = None,
) -> str:
    """The reconciliation page; `template_path` is in the project's templates folder."""
    from .templating import render_page

    template_file = Path(template_path)
    counts = rows["status"].value_counts().reindex(list(STATUSES), fill_value=0)
    page_rows = []
    for row in rows.to_dict(orient="records"):
        page_rows.append(
            {
                **row,
                # Break points after dots and underscores: a long id wraps in its column.
                "id_parts": re.split(r"(?<=[._])", row["id"]),
                "place": place(row["where"]),
                "page": published_page(row["where"], pages),
                "published_shown": row.get("published_shown", row["published"]),
                "computed_shown": row.get("computed_shown", row["computed"]),
            }
        )
    values = {
        "title": title,
        "rows": page_rows,
        "counts": {status: int(n) for status, n in counts.items()},
        "total": len(rows),
    }
    return render_page(template_file.name, values, template_file.parent)


def write_reconciliation(
    rows: pd.DataFrame,
    csv_path: str | os.PathLike[str],
    html_path: str | os.PathLike[str],
    template_path: str | os.PathLike[str],
    title: str = "Reconciliation with the published report",
    pages: PublishedPages | None = None,
) -> None:
    atomic_write_text(csv_path, to_safe_csv_text(rows[ROW_COLUMNS]))
    atomic_write_text(html_path, render_html(rows, template_path, title, pages))
