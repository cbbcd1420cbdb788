"""Document outlines: which parts a document prints, in which order, numbered how.

An outline is content, one YAML file per document (`<narrative_dir>/outlines/<doc>.yaml`,
format in content/README.md): document-level facts (title, kind, cover, imprint, contents,
running heads, numbering, the editorial note) and the parts in order. A part is a Markdown file
(its heading is the file's `#` line), a data block named with its parameters, or a titled group
of those, and may hold parts of its own (an annex and its appendices); a part can repeat for
every row of a list of the data (`for_each: region in regions`).

This module reads and checks the YAML and says what a document reads (tables, narrative files,
whether it shows the survey). It imports neither pandas nor the renderer: the Snakefile asks it
on every run. `layout.py` turns an outline into the parts a template prints.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from meeting_report.documents_spec import (
    BLOCKS,
    DOCUMENT_FILES,
    NARRATIVE_VALUES,
    SUMMARY_VALUES,
    VALUE_TABLES,
)

OUTLINES_DIR = "outlines"
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# What a part of an outline may say, and what the document says of itself.
PART_KEYS = frozenset(
    {
        "title",
        "group",
        "markdown",
        "optional",
        "block",
        "with",
        "contents",
        "parts",
        "for_each",
        "number",
        "numbered",
        "appendix",
        "running_head",
        "toc",
        "new_page",
        "footnote",
        "id",
        "class",
        "title_block",
    }
)
ITEM_KEYS = frozenset({"markdown", "optional", "block", "with"})
DOCUMENT_KEYS = frozenset(
    {
        "title",
        "kind",
        "cover",
        "imprint",
        "contents",
        "running_heads",
        "new_page",
        "numbering",
        "footnotes",
        "edition_note",
        "parts",
    }
)
_FOR_EACH = re.compile(r"^\s*([a-z_][a-z0-9_]*)\s+in\s+([a-z_][a-z0-9_.]*)\s*$")
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)


class OutlineError(ValueError):
    """An outline that cannot be used; the message names the file and the part."""


@dataclass(frozen=True)
class Item:
    """One thing a part prints below its heading: a Markdown file or a data block."""

    where: str
    markdown: str | None = None
    block: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    optional: bool = False


@dataclass(frozen=True)
class Part:
    """A part of a document: a heading (or, for a `group`, only a label), what it prints and
    its own parts. Texts are the outline's, unrendered (they may hold Jinja)."""

    where: str
    title: str | None = None
    group: str | None = None
    items: tuple[Item, ...] = ()
    parts: tuple[Part, ...] = ()
    for_each: tuple[str, str] | None = None
    number: str | None = None
    numbered: bool = True
    appendix: bool = False
    running_head: str | bool | None = None
    toc: bool = True
    new_page: bool | None = None
    footnote: str | None = None
    id: str | None = None
    classes: tuple[str, ...] = ()
    title_block: tuple[str, ...] = ()

    @property
    def title_markdown(self) -> str | None:
        """The Markdown file whose `#` line is this part's heading (when it has no title)."""
        if self.title is not None or self.group is not None:
            return None
        return next((item.markdown for item in self.items if item.markdown), None)


@dataclass(frozen=True)
class Numbering:
    """How parts are numbered: a format per level ("{1}.", "{1}.{2}", "Annex {1}:"), and one
    for appendices ("Appendix {n}."), which count within their parent."""

    levels: tuple[str, ...] = ()
    appendices: str | None = None


@dataclass(frozen=True)
class Outline:
    doc: str
    path: str
    title: str
    kind: str
    cover: bool = True
    imprint: bool = True
    contents: int = 0
    running_heads: int = 1
    new_page: bool = False
    numbering: Numbering = field(default_factory=Numbering)
    footnotes: str | None = None
    edition_note: tuple[str, ...] | None = None
    parts: tuple[Part, ...] = ()

    def walk(self) -> Iterator[Part]:
        """Every part, depth first in document order."""

        def visit(parts: Iterable[Part]) -> Iterator[Part]:
            for part in parts:
                yield part
                yield from visit(part.parts)

        return visit(self.parts)

    def items(self) -> Iterator[Item]:
        for part in self.walk():
            yield from part.items


# --------------------------------------------------------------------------- reading


def outline_path(narrative_dir: str | os.PathLike[str], doc: str) -> Path:
    return Path(narrative_dir) / OUTLINES_DIR / f"{doc}.yaml"


def _fail(where: str, message: str) -> OutlineError:
    return OutlineError(f"{where}: {message} (content/README.md, 'Document outlines')")


def _text(value: Any, where: str, key: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _fail(where, f"{key!r} must be text, not {value!r}")
    return str(value)


def _flag(value: Any, where: str, key: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(where, f"{key!r} must be true or false, not {value!r}")
    return value


def _level(value: Any, where: str, key: str) -> int:
    if value is False:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(where, f"{key!r} must be a number of heading levels or false, not {value!r}")
    return value


def _item(raw: Any, where: str) -> Item:
    if not isinstance(raw, Mapping):
        raise _fail(where, f"expected `markdown: FILE` or `block: NAME`, not {raw!r}")
    if unknown := set(raw) - ITEM_KEYS:
        raise _fail(where, f"unknown keys {sorted(unknown)} (an item has {sorted(ITEM_KEYS)})")
    if ("markdown" in raw) == ("block" in raw):
        raise _fail(where, "an item is either `markdown: FILE` or `block: NAME`")
    params = raw.get("with") or {}
    if not isinstance(params, Mapping):
        raise _fail(where, f"`with:` must map parameter names to values, not {params!r}")
    if "markdown" in raw:
        path = _text(raw["markdown"], where, "markdown")
        if not path.endswith(".md"):
            raise _fail(where, f"a Markdown part is a .md file, not {path!r}")
        if params:
            raise _fail(where, "a Markdown item takes no `with:`")
        optional = _flag(raw.get("optional", False), where, "optional")
        return Item(where, markdown=path, optional=optional)
    kind = _text(raw["block"], where, "block")
    if kind not in BLOCKS:
        raise _fail(where, f"no data block {kind!r} (blocks: {', '.join(sorted(BLOCKS))})")
    spec = BLOCKS[kind]
    if unknown := set(params) - set(spec.params):
        raise _fail(
            where,
            f"block {kind!r} has no parameter {sorted(unknown)[0]!r}"
            f" (it takes: {', '.join(sorted(spec.params)) or 'none'})",
        )
    if missing := [p for p in spec.required if p not in params]:
        raise _fail(where, f"block {kind!r} needs `with: {{{missing[0]}: …}}`")
    return Item(where, block=kind, params=dict(params))


def _part(raw: Any, where: str) -> Part:
    if not isinstance(raw, Mapping):
        raise _fail(
            where, f"a part is a mapping (title:, markdown:, block:, parts: …), not {raw!r}"
        )
    if unknown := set(raw) - PART_KEYS:
        raise _fail(where, f"unknown keys {sorted(unknown)} (a part has {sorted(PART_KEYS)})")
    items: list[Item] = []
    if "markdown" in raw or "block" in raw:
        shorthand = {k: raw[k] for k in ("markdown", "block", "with", "optional") if k in raw}
        items.append(_item(shorthand, where))
    contents = raw.get("contents") or []
    if not isinstance(contents, list):
        raise _fail(where, "`contents:` is a list of `markdown:` and `block:` items")
    items += [_item(entry, f"{where}.contents[{i}]") for i, entry in enumerate(contents)]
    children = raw.get("parts") or []
    if not isinstance(children, list):
        raise _fail(where, "`parts:` is a list of parts")
    for_each = None
    if "for_each" in raw:
        match = _FOR_EACH.match(_text(raw["for_each"], where, "for_each"))
        if not match:
            raise _fail(where, f"`for_each:` reads NAME in VALUE, not {raw['for_each']!r}")
        for_each = (match.group(1), match.group(2))
    running = raw.get("running_head")
    if running is not None and running is not False:
        running = _text(running, where, "running_head")
    classes = raw.get("class") or ""
    title_block = raw.get("title_block") or []
    if not isinstance(title_block, list):
        raise _fail(where, "`title_block:` is a list of lines")
    part = Part(
        where=where,
        title=_text(raw["title"], where, "title") if "title" in raw else None,
        group=_text(raw["group"], where, "group") if "group" in raw else None,
        items=tuple(items),
        parts=tuple(_part(child, f"{where}.parts[{i}]") for i, child in enumerate(children)),
        for_each=for_each,
        number=_text(raw["number"], where, "number") if "number" in raw else None,
        numbered=_flag(raw.get("numbered", True), where, "numbered"),
        appendix=_flag(raw.get("appendix", False), where, "appendix"),
        running_head=running,
        toc=_flag(raw.get("toc", True), where, "toc"),
        new_page=_flag(raw["new_page"], where, "new_page") if "new_page" in raw else None,
        footnote=_text(raw["footnote"], where, "footnote") if "footnote" in raw else None,
        id=_text(raw["id"], where, "id") if "id" in raw else None,
        classes=tuple(_text(classes, where, "class").split()),
        title_block=tuple(_text(line, where, "title_block") for line in title_block),
    )
    if part.group is not None and (part.title is not None or part.items):
        raise _fail(where, "a `group:` only labels its parts: no title, Markdown or block")
    if part.group is not None and not part.parts:
        raise _fail(where, "a `group:` needs `parts:`")
    if part.group is None and part.title is None and part.title_markdown is None:
        raise _fail(where, "a part needs a `title:` or a Markdown file whose `#` line heads it")
    return part


def parse_outline(data: Any, doc: str, path: str) -> Outline:
    """An outline from its parsed YAML (`path` names it in messages)."""
    if not isinstance(data, Mapping):
        raise _fail(path, "an outline is a mapping with `title:`, `kind:` and `parts:`")
    if unknown := set(data) - DOCUMENT_KEYS:
        raise _fail(
            path, f"unknown keys {sorted(unknown)} (a document has {sorted(DOCUMENT_KEYS)})"
        )
    for key in ("title", "kind", "parts"):
        if key not in data:
            raise _fail(path, f"missing `{key}:`")
    numbering = data.get("numbering") or {}
    if not isinstance(numbering, Mapping) or set(numbering) - {"levels", "appendices"}:
        raise _fail(path, "`numbering:` has `levels:` (a format per level) and `appendices:`")
    levels = numbering.get("levels") or []
    if not isinstance(levels, list):
        raise _fail(path, "`numbering: levels:` is a list of formats, one per heading level")
    edition = data.get("edition_note", False)
    if edition is not False and not isinstance(edition, list):
        raise _fail(path, "`edition_note:` lists the published sections it covers, or is false")
    parts = data["parts"]
    if not isinstance(parts, list) or not parts:
        raise _fail(path, "`parts:` is a list of at least one part")
    return Outline(
        doc=doc,
        path=path,
        title=_text(data["title"], path, "title"),
        kind=_text(data["kind"], path, "kind"),
        cover=_flag(data.get("cover", True), path, "cover"),
        imprint=_flag(data.get("imprint", True), path, "imprint"),
        contents=_level(data.get("contents", False), path, "contents"),
        running_heads=_level(data.get("running_heads", 1), path, "running_heads"),
        new_page=_flag(data.get("new_page", False), path, "new_page"),
        numbering=Numbering(
            levels=tuple(_text(f, path, "numbering") for f in levels),
            appendices=(
                _text(numbering["appendices"], path, "appendices")
                if numbering.get("appendices")
                else None
            ),
        ),
        footnotes=_text(data["footnotes"], path, "footnotes") if data.get("footnotes") else None,
        edition_note=None
        if edition is False
        else tuple(_text(s, path, "edition_note") for s in edition),
        parts=tuple(_part(part, f"{path}: parts[{i}]") for i, part in enumerate(parts)),
    )


def load_outline(narrative_dir: str | os.PathLike[str], doc: str) -> Outline:
    """The outline of `doc` from the narrative folder, checked."""
    path = outline_path(narrative_dir, doc)
    shown = f"{OUTLINES_DIR}/{doc}.yaml"
    if not path.is_file():
        raise OutlineError(
            f"no outline for the document {doc!r}: {path} does not exist (config.yaml "
            f"`documents:` lists it; content/README.md, 'Document outlines')"
        )
    try:
        # libyaml's loader where there is one: the Snakefile reads every outline on every run.
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except yaml.YAMLError as error:
        raise OutlineError(f"{shown}: not valid YAML: {error}") from None
    return parse_outline(data, doc, shown)


# --------------------------------------------------------------------------- what a document reads


def texts(outline: Outline) -> Iterator[str]:
    """Every text of the outline that may hold Jinja (titles, labels, block parameters)."""
    yield outline.title
    for part in outline.walk():
        for value in (part.title, part.group, part.number, part.footnote, part.running_head):
            if isinstance(value, str):
                yield value
        yield from part.title_block
        for item in part.items:
            yield from _strings(item.params)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def file_pattern(path: str) -> str:
    """A narrative path as a glob: `{{ … }}` (filled in per region, per recommendation …) → *."""
    return _JINJA.sub("*", path)


def narrative_patterns(outline: Outline) -> list[str]:
    """The narrative files the document reads, as paths or globs under the narrative folder."""
    patterns = [outline.path, *DOCUMENT_FILES["always"]]
    if outline.imprint:
        patterns += DOCUMENT_FILES["imprint"]
    if outline.edition_note is not None:
        patterns += DOCUMENT_FILES["edition_note"]
    if outline.footnotes:
        patterns.append(outline.footnotes)
    for item in outline.items():
        if item.markdown:
            patterns.append(file_pattern(item.markdown))
        else:
            spec = BLOCKS[item.block]  # type: ignore[index]
            for name in spec.files:
                value = item.params.get(name)
                if isinstance(value, str) and value:
                    patterns.append(file_pattern(value))
    return list(dict.fromkeys(patterns))


def values_used(source: str) -> dict[str, set[str]]:
    """The narrative values a Jinja text reads, each with the keys read from it ("counts" →
    {"themes"}); a value read whole maps to {""}. A text that does not parse counts as reading
    every value (its render job then reports the error with its line)."""
    from jinja2 import Environment, nodes
    from jinja2.exceptions import TemplateSyntaxError

    try:
        tree = Environment().parse(source)
    except TemplateSyntaxError:
        return {name: {""} for name in NARRATIVE_VALUES}
    used: dict[str, set[str]] = {}
    attributed: set[int] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        target = node.node
        if isinstance(target, nodes.Name) and target.name in NARRATIVE_VALUES:
            key = node.attr if isinstance(node, nodes.Getattr) else None
            if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
                key = str(node.arg.value)
            used.setdefault(target.name, set()).add(key or "")
            attributed.add(id(target))
    for name in tree.find_all(nodes.Name):
        if name.name in NARRATIVE_VALUES and id(name) not in attributed:
            used.setdefault(name.name, set()).add("")
    return used


@dataclass(frozen=True)
class DocumentInputs:
    """What a document's render job reads, learned from its outline."""

    tables: tuple[str, ...]
    narrative: tuple[str, ...]
    shows_survey: bool
    kind: str = ""  # what the document is ("Annexes"), as its outline says, for the overview


def document_inputs(narrative_dir: str | os.PathLike[str], doc: str) -> DocumentInputs:
    """The tables, narrative files (the outline included) and survey need of `doc`."""
    root = Path(narrative_dir)
    outline = load_outline(root, doc)
    files = sorted({str(p) for pattern in narrative_patterns(outline) for p in root.glob(pattern)})
    tables: set[str] = set()
    survey = False
    for item in outline.items():
        if item.block:
            tables.update(BLOCKS[item.block].tables)
            survey |= BLOCKS[item.block].summaries
    sources = list(texts(outline))
    sources += [
        f"{{{{ {part.for_each[1]} }}}}" for part in outline.walk() if part.for_each is not None
    ]
    sources += [Path(f).read_text(encoding="utf-8") for f in files if f.endswith(".md")]
    for source in sources:
        if "{" not in source:
            continue
        for name, keys in values_used(source).items():
            for key in keys:
                tables.update(VALUE_TABLES.get((name, key), VALUE_TABLES.get((name, ""), ())))
            survey |= name in SUMMARY_VALUES
    kind = "" if "{" in outline.kind else outline.kind
    return DocumentInputs(tuple(sorted(tables)), tuple(files), survey, kind)
