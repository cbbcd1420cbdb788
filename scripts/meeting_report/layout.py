"""An outline laid out: the parts a document template prints, numbered and named.

From a document's outline (outline.py), its data and its narrative, `document_layout` works out
every heading once: its number ("Part 4:", "2.1", "Appendix I."), its text (the outline's
title, or the `#` line of the part's Markdown), its anchor, the running head it sets and its
bookmark; the table of contents, the running heads and a part's own contents are read from
the same values, so they cannot disagree with the body. Data blocks are built here (blocks.py);
Markdown is rendered by the template where it is printed, so footnotes are numbered in the
order a reader meets them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from meeting_report.blocks import BlockInput, Content, build
from meeting_report.context import DocumentData
from meeting_report.documents_spec import BLOCKS
from meeting_report.narrative import NarrativeRenderer
from meeting_report.outline import Item, Outline, OutlineError, Part

QUOTES = "“”\"‘’'«»„"


def slug(text: str) -> str:
    """An anchor from text: "Part 4: Background" → "part-4-background" (an id from data,
    "asia_pacific", keeps its underscores)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9_]+", "-", ascii_text.lower()).strip("-")


@dataclass
class Laid:
    """A part as the layout resolves it, before its blocks are built."""

    part: Part
    level: int
    scope: dict[str, Any]
    id: str = ""
    number: str | None = None
    title: Markup | None = None  # the outline's title (None: the Markdown's `#` line)
    title_markdown: str | None = None
    plain_title: str = ""
    counter: str = ""  # its own number, as a child's number format reads it ({1}, {2} …)
    parent: Laid | None = None
    children: list[Laid] = field(default_factory=list)


class Layout:
    def __init__(
        self,
        outline: Outline,
        data: DocumentData,
        narrative: NarrativeRenderer,
        content: Content,
    ) -> None:
        self.outline = outline
        self.data = data
        self.narrative = narrative
        self.content = content
        self.ids: set[str] = set()
        self.ordinals: dict[str, int] = {}

    # --- texts ---------------------------------------------------------------------------

    def inline(self, text: str, part: Part | None, scope: Mapping[str, Any]) -> Markup:
        try:
            return self.narrative.inline(text, scope)
        except Exception as error:
            where = part.where if part else self.outline.path
            raise OutlineError(f"{where}: {text!r}: {error}") from error

    def plain(self, text: str, part: Part | None, scope: Mapping[str, Any]) -> str:
        return self.narrative.text_of(self.inline(text, part, scope))

    def value(self, path: str, part: Part) -> Any:
        """A narrative value by dotted path ("recommendations.priority"), for `for_each`."""
        name, *keys = path.split(".")
        values = self.narrative.values()
        if name not in values:
            raise OutlineError(f"{part.where}: for_each: no value {name!r} in this document")
        value = values[name]
        for key in keys:
            value = value[key]
        if not isinstance(value, list):
            raise OutlineError(f"{part.where}: for_each: {path!r} is not a list")
        return value

    # --- pass 1: headings, numbers, anchors ----------------------------------------------

    def resolve(
        self, parts: Sequence[Part], level: int, scope: Mapping[str, Any], parent: Laid | None
    ) -> list[Laid]:
        # Parts are counted among their siblings: level numbers and appendices apart.
        counters = {"level": 0, "appendix": 0}
        return self._resolve_children(parts, level, scope, parent, counters)

    def _expand(self, part: Part, scope: Mapping[str, Any]) -> list[dict[str, Any]]:
        if part.for_each is None:
            return [dict(scope)]
        name, path = part.for_each
        return [{**scope, name: row} for row in self.value(path, part)]

    def _resolve_one(
        self,
        part: Part,
        level: int,
        scope: dict[str, Any],
        parent: Laid | None,
        counters: dict[str, int],
    ) -> Laid:
        laid = Laid(part, level, scope, parent=parent)
        if part.group is not None:
            # A label for its parts in a part's own contents: no heading, no level of its own;
            # its parts are numbered with their parent's (the group's siblings').
            laid.plain_title = self.plain(part.group, part, scope)
            laid.id = parent.id if parent else ""
            laid.children = self._resolve_children(part.parts, level, scope, parent, counters)
            return laid
        laid.number, laid.counter = self._number(part, level, scope, parent, counters)
        if part.title is not None:
            laid.title = self.inline(part.title, part, scope)
            laid.plain_title = self.narrative.text_of(laid.title)
        else:
            path = self.plain(part.title_markdown or "", part, scope)
            laid.title_markdown = path
            laid.plain_title = self.narrative.part(path, level).title
            if not laid.plain_title:
                raise OutlineError(
                    f"{part.where}: {path} has no `#` heading and the part no `title:`"
                )
        laid.id = self._anchor(laid, parent)
        laid.children = self.resolve(part.parts, level + 1, scope, laid)
        return laid

    def _resolve_children(
        self,
        parts: Sequence[Part],
        level: int,
        scope: Mapping[str, Any],
        parent: Laid | None,
        counters: dict[str, int],
    ) -> list[Laid]:
        laid = []
        for part in parts:
            for row_scope in self._expand(part, scope):
                laid.append(self._resolve_one(part, level, row_scope, parent, counters))
        return laid

    def _number(
        self,
        part: Part,
        level: int,
        scope: Mapping[str, Any],
        parent: Laid | None,
        counters: dict[str, int],
    ) -> tuple[str | None, str]:
        """The part's number as printed ("Part 4:", "2.1", "Appendix I.") and its own count
        ("4", "1", "I"); `number:` in the outline gives the count (or, where no format
        numbers the part, the whole number)."""
        own = self.plain(part.number, part, scope) if part.number is not None else None
        numbering = self.outline.numbering
        if part.appendix:
            if not numbering.appendices:
                raise OutlineError(f"{part.where}: an appendix, but `numbering:` has no appendices")
            counters["appendix"] += 1
            count = own or str(counters["appendix"])
            return numbering.appendices.replace("{n}", count), count
        if not part.numbered:
            return None, ""
        if level > len(numbering.levels):
            return own, own or ""
        counters["level"] += 1
        count = own or str(counters["level"])
        chain = [count]
        ancestor = parent
        while ancestor is not None:
            chain.insert(0, ancestor.counter)
            ancestor = ancestor.parent
        printed = numbering.levels[level - 1]
        for depth, value in enumerate(chain, 1):
            printed = printed.replace(f"{{{depth}}}", value)
        return printed, count

    def _anchor(self, laid: Laid, parent: Laid | None) -> str:
        part = laid.part
        if part.id is not None:
            own = slug(self.plain(part.id, part, laid.scope))
        elif part.for_each is not None:
            row = laid.scope[part.for_each[0]]
            first = next(iter(row.values())) if isinstance(row, Mapping) and row else row
            own = slug(str(first))
        elif laid.number and re.search(r"[A-Za-z]", laid.number):
            own = slug(laid.number)
        else:
            running = part.running_head if isinstance(part.running_head, str) else None
            own = slug(self.plain(running, part, laid.scope) if running else laid.plain_title)
        anchor = f"{parent.id}-{own}" if parent and parent.id else own
        anchor = anchor or "part"
        unique, n = anchor, 1
        while unique in self.ids:
            n += 1
            unique = f"{anchor}-{n}"
        self.ids.add(unique)
        return unique

    # --- pass 2: what the template prints ------------------------------------------------

    def label(self, laid: Laid) -> str:
        return f"{laid.number} {laid.plain_title}" if laid.number else laid.plain_title

    def running(self, laid: Laid) -> str | None:
        part = laid.part
        if laid.level > self.outline.running_heads or part.running_head is False:
            return None
        short = (
            self.plain(part.running_head, part, laid.scope)
            if isinstance(part.running_head, str)
            else laid.plain_title
        )
        return f"{laid.number} {short}" if laid.number else short

    def new_page(self, laid: Laid, first: bool) -> bool:
        if laid.part.new_page is not None:
            return laid.part.new_page
        return self.outline.new_page and laid.level == 1 and not first

    def view(self, laid: Laid, first: bool = False) -> dict[str, Any]:
        part = laid.part
        if part.group is not None:
            return {
                "group": laid.plain_title,
                "parts": [self.view(child) for child in laid.children],
                "items": [],
            }
        running = self.running(laid)
        new_page = self.new_page(laid, first)
        label = self.label(laid)
        view: dict[str, Any] = {
            "group": None,
            "id": laid.id,
            "level": laid.level,
            "number": laid.number,
            "title": laid.title,
            "title_markdown": laid.title_markdown,
            "label": label,
            "bookmark": label.replace(laid.plain_title, laid.plain_title.strip(QUOTES)),
            "running": running,
            "footnote": self.content.footnote(
                self.plain(part.footnote, part, laid.scope) if part.footnote else None
            ),
            "section_classes": " ".join([*part.classes, *(["chapter-new-page"] * new_page)]),
            "section_running": running if new_page else None,
            "heading_class": (
                "subsection-heading"
                if running and laid.level > 1
                else "no-running-head"
                if not running and laid.level == 1
                else None
            ),
            "title_block": [self.inline(line, part, laid.scope) for line in part.title_block],
            "toc": part.toc,
        }
        view["parts"] = [self.view(child) for child in laid.children]
        view["items"] = [self.item(item, laid, view) for item in part.items]
        view["items"] = [item for item in view["items"] if item is not None]
        return view

    def item(self, item: Item, laid: Laid, view: Mapping[str, Any]) -> dict[str, Any] | None:
        if item.markdown is not None:
            path = self.plain(item.markdown, laid.part, laid.scope)
            if item.optional and not self.narrative.exists(path):
                return None
            return {"markdown": path, "title": path == laid.title_markdown}
        kind = item.block or ""
        spec = BLOCKS[kind]
        params = {
            name: self.param(value, name in spec.inline, laid)
            for name, value in item.params.items()
        }
        self.ordinals[kind] = self.ordinals.get(kind, 0) + 1
        block = BlockInput(
            kind=kind,
            params=params,
            part={
                "id": laid.id,
                "level": laid.level,
                "title": laid.plain_title,
                "number": laid.number,
            },
            data=self.data,
            content=self.content,
            ordinal=self.ordinals[kind],
            subparts=view["parts"],
        )
        try:
            built = build(block)
        except Exception as error:
            raise OutlineError(f"{item.where}: block {kind!r}: {error}") from error
        return {
            "markdown": None,
            "block": kind,
            "template": f"_block_{kind}.html.j2",
            "data": built,
        }

    def param(self, value: Any, inline: bool, laid: Laid) -> Any:
        if isinstance(value, str):
            if inline:
                return self.inline(value, laid.part, laid.scope)
            return self.plain(value, laid.part, laid.scope) if "{" in value else value
        if isinstance(value, list):
            return [self.param(v, inline, laid) for v in value]
        return value

    def contents(self, views: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = []

        def walk(parts: Sequence[Mapping[str, Any]]) -> None:
            for part in parts:
                if part["group"] is not None:
                    walk(part["parts"])
                    continue
                if part["toc"] and part["level"] <= self.outline.contents:
                    entries.append(
                        {"id": part["id"], "label": part["label"], "level": part["level"]}
                    )
                walk(part["parts"])

        walk(views)
        return entries


def document_layout(
    outline: Outline, data: DocumentData, narrative: NarrativeRenderer, content: Content
) -> dict[str, Any]:
    """Everything the document template prints, laid out from the outline."""
    layout = Layout(outline, data, narrative, content)
    laid = layout.resolve(outline.parts, 1, {}, None)
    parts = [layout.view(part, first=index == 0) for index, part in enumerate(laid)]
    meeting = data.values["meeting"]
    label = content.label
    title = layout.plain(outline.title, None, {})
    kind = layout.plain(outline.kind, None, {})
    slots = {
        "kind": kind,
        "title": title,
        "meeting_title": meeting["title"],
        "short_title": meeting["short_title"],
        "dates": meeting["dates"],
        "city": meeting["city"],
        "year": meeting["year"],
        "author": meeting["author"],
        "publisher": meeting["publisher"]["name"],
    }
    document: dict[str, Any] = {
        "doc": outline.doc,
        "title": title,
        "running_title": title,
        "page": {
            "lang": meeting["language"],
            "title": title,
            "author": meeting["author"],
            "description": label("page", "description", **slots),
            "keywords": ", ".join(meeting.get("keywords") or []),
            "skip_link": label("page", "skip_link"),
            "site_header": label("page", "site_header", **slots),
            "site_footer": label("page", "site_footer", **slots),
        },
        "cover": cover(meeting, kind, title, content) if outline.cover else None,
        "imprint": imprint(meeting, content) if outline.imprint else None,
        "contents": {"title": label("contents", "title"), "entries": layout.contents(parts)}
        if outline.contents
        else None,
        "parts": parts,
        "edition_note": edition_note(data, content) if outline.edition_note is not None else None,
        "notes_title": label("notes", "title"),
    }
    return document


def cover(meeting: Mapping[str, Any], kind: str, title: str, content: Content) -> dict[str, Any]:
    return {
        "name": content.label("cover", "name"),
        "doc_title": title,
        "title": meeting["title"],
        "theme": meeting["theme"],
        "dates": meeting["dates"],
        "place": meeting["city"],
        "kind": kind,
        "author": meeting["author"],
        "tagline": meeting["publisher"].get("tagline", ""),
    }


def imprint(meeting: Mapping[str, Any], content: Content) -> dict[str, Any]:
    """The publisher page: its prose (publisher.md, copyright.md), the address from config."""
    publisher = meeting["publisher"]
    label = content.label
    lines = [label("imprint", "publisher", name=publisher["name"]), *publisher.get("address", [])]
    lines += [
        label("imprint", key, **{key: publisher[key]})
        for key in ("phone", "fax")
        if key in publisher
    ]
    website = publisher.get("website")
    return {
        "name": label("imprint", "name"),
        "prose": content.optional_markdown("publisher.md"),
        "lines": lines,
        "email": {"label": label("imprint", "email"), "address": publisher["email"]}
        if publisher.get("email")
        else None,
        "website": {
            "label": label("imprint", "website"),
            "href": website,
            "text": re.sub(r"^https?://", "", website),
        }
        if website
        else None,
        "copyright": label("imprint", "copyright", year=meeting["year"], author=meeting["author"]),
        "rights": content.optional_markdown("copyright.md"),
    }


def edition_note(data: DocumentData, content: Content) -> dict[str, Any] | None:
    """ "About this edition": the document's differences from the published report."""
    if data.edition is None:
        return None
    notes = data.edition["notes"]
    label = content.label
    return {
        "title": label("edition_note", "title"),
        "lead": "edition_note.md" if notes else "edition_note_none.md",
        "notes": notes,
        "labels": {key: label("edition_note", key) for key in ("published", "data", "reason")},
    }
