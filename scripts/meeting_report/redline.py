"""A redline of the documents: what text changed since the previous successful build.

Each document's screen HTML is read into sections keyed by their heading path (h1 › h2 › h3)
holding the text a reader sees as units: the sentences of paragraphs, list items (their own
text, without nested lists), table rows (cells joined with " | ") and minor headings. The units
are compared with a snapshot of the previous successful build of the same edition
(`<results>/previous/`), alongside the survey figures (changes.py), and the differences are
written to build/changes.html and a short changes.txt.

Run by the Snakefile's `onsuccess:` handler rather than by a job (a job after every document
would add its scheduling to every build); kept free of pandas so that it costs little there.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from .io import atomic_write_text

# Bump when the units extracted from the same HTML change, so that an older snapshot is not
# compared unit by unit with a newer reading (it is reported as not comparable instead).
SNAPSHOT_FORMAT = 1
MAX_ENTRIES = 50
DOCUMENT_TITLES = {
    "summary_report": "Summary Report",
    "highlights": "Highlights",
    "annexes": "Annexes",
}
NO_PREVIOUS = "no previous build of this edition to compare with"

# --------------------------------------------------------------------------- reading the HTML

HEADINGS = {"h1": 1, "h2": 2, "h3": 3}
MINOR_HEADINGS = {"h4", "h5", "h6"}
# Not the document's text: page furniture, the tables of contents (they repeat the headings),
# footnote markers and back links, charts (their figures are in the data table beside them).
SKIPPED_TAGS = {"head", "script", "style", "template", "nav", "svg", "math", "noscript"}
SKIPPED_CLASSES = {"footnote-ref", "footnote-back", "skip-link", "visually-hidden"}
SKIPPED_ROLES = {"banner", "contentinfo"}
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre", "section", "summary", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
LISTS = {"ul", "ol"}

# What a unit is, in the words the redline uses for it.
UNIT_WORDS = {"sentence": "sentence", "item": "list item", "row": "table row", "heading": "heading"}


def _tag(element: Any) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _skipped(element: Any) -> bool:
    tag = _tag(element)
    if not tag or tag in SKIPPED_TAGS:  # comments have a callable tag
        return True
    classes = set((element.get("class") or "").split())
    return bool(classes & SKIPPED_CLASSES) or element.get("role") in SKIPPED_ROLES


def _clean(text: str) -> str:
    return " ".join(text.split())


def _text(element: Any, stop: frozenset[str] = frozenset(), found: list | None = None) -> str:
    """The visible text inside `element`; elements tagged `stop` are left out (and collected)."""
    parts: list[str] = [element.text or ""]
    for child in element:
        if _skipped(child):
            pass
        elif _tag(child) in stop:
            if found is not None:
                found.append(child)
        elif _tag(child) == "br":
            parts.append(" ")
        else:
            block = _tag(child) in BLOCK_TAGS
            inner = _text(child, stop, found)
            if _tag(child) == "dt" and inner and not inner.endswith(":"):
                inner += ":"
            parts.append(f" {inner} " if block else inner)
        parts.append(child.tail or "")
    return _clean("".join(parts))


# A full stop, question or exclamation mark (and any closing quote or bracket), space, then
# what can start a sentence. Abbreviations and initials are joined back afterwards.
SENTENCE_END = re.compile(r"(?<=[.!?])([\"”’)\]]*)\s+(?=[\"“‘(\[]?[A-Z0-9])")
ABBREVIATIONS = {
    "e.g.", "i.e.", "etc.", "cf.", "vs.", "no.", "nos.", "para.", "paras.", "art.", "p.",
    "pp.", "mr.", "ms.", "mrs.", "dr.", "st.", "h.e.", "u.s.", "u.n.", "fig.", "vol.",
}  # fmt: skip
# "Figure 1. Respondents …" is one caption, not two sentences.
LABELS = {"figure", "table", "annex", "appendix", "section", "chapter", "box", "session"}


def _joins(previous: str) -> bool:
    """Whether the piece after `previous` continues its sentence (an abbreviation ended it)."""
    words = [word.lstrip("([“‘\"'") for word in previous.lower().split()]
    if not words:
        return False
    if words[-1] in ABBREVIATIONS or re.fullmatch(r"[a-z]\.", words[-1]):
        return True
    return len(words) >= 2 and words[-2] in LABELS and bool(re.fullmatch(r"[\divx]+\.", words[-1]))


def sentences(text: str) -> list[str]:
    """A simple split into sentences; enough to locate an edit within a paragraph."""
    pieces: list[str] = []
    position = 0
    for match in SENTENCE_END.finditer(text):
        pieces.append(text[position : match.end(1)])
        position = match.end()
    pieces.append(text[position:])
    merged: list[str] = []
    for piece in pieces:
        if merged and _joins(merged[-1]):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return [s for s in (p.strip() for p in merged) if s]


@dataclass
class Section:
    path: list[str]
    units: list[tuple[str, str]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return " › ".join(self.path) if self.path else "Cover (before the first heading)"


class _Reader:
    """Walks the parsed document once, in reading order, filling sections."""

    def __init__(self) -> None:
        self.sections: list[Section] = [Section([])]
        self.path: list[str] = []

    def add(self, kind: str, text: str) -> None:
        if text:
            self.sections[-1].units.append((kind, text))

    def paragraph(self, text: str) -> None:
        for sentence in sentences(_clean(text)):
            self.add("sentence", sentence)

    def heading(self, level: int, text: str, endnotes: bool) -> None:
        # The notes end the document whatever the level of their heading: not a subsection
        # of the last chapter.
        self.path = [text] if endnotes else [*self.path[: level - 1], text]
        self.sections.append(Section(list(self.path)))

    def walk(self, element: Any, endnotes: bool = False) -> None:
        tag = _tag(element)
        endnotes = endnotes or element.get("role") == "doc-endnotes"
        if tag in HEADINGS:
            self.heading(HEADINGS[tag], _text(element), endnotes)
        elif tag in MINOR_HEADINGS:
            self.add("heading", _text(element))
        elif tag == "li":
            nested: list[Any] = []
            self.add("item", _text(element, frozenset(LISTS | {"table"}), nested))
            for child in nested:
                self.walk(child, endnotes)
        elif tag == "tr":
            cells = [_text(c) for c in element if _tag(c) in ("td", "th") and not _skipped(c)]
            if any(cells):
                self.add("row", " | ".join(cells))
        elif tag == "dl":
            self.description_list(element, endnotes)
        else:
            self.container(element, endnotes)

    def description_list(self, element: Any, endnotes: bool) -> None:
        """Each description with its term is one unit ("Why: …")."""
        term = ""
        for child in element:
            if _skipped(child):
                continue
            if _tag(child) == "dt":
                term = _text(child).rstrip(":")
            elif _tag(child) == "dd":
                self.add("item", f"{term}: {_text(child)}" if term else _text(child))
            else:
                self.walk(child, endnotes)

    def container(self, element: Any, endnotes: bool) -> None:
        """Inline text runs between block children are paragraphs; blocks are walked."""
        run: list[str] = [element.text or ""]
        for child in element:
            if _skipped(child):
                pass
            elif _tag(child) == "br":
                run.append(" ")
            elif _tag(child) in BLOCK_TAGS:
                self.paragraph("".join(run))
                run = []
                self.walk(child, endnotes)
            else:
                run.append(_text(child))
            run.append(child.tail or "")
        self.paragraph("".join(run))


def read_sections(html: str | bytes) -> list[Section]:
    """The document's text, by section, as the redline compares it."""
    import tinyhtml5  # WeasyPrint's HTML parser; imported only when a document has changed

    root = tinyhtml5.parse(html)
    reader = _Reader()
    for child in root:
        if _tag(child) == "body":
            reader.walk(child)
    return [s for s in reader.sections if s.units or s.path]


# --------------------------------------------------------------------------- comparing


@dataclass(frozen=True)
class Entry:
    """One difference: `op` is "added", "removed" or "changed"; `kind` a UNIT_WORDS key."""

    op: str
    kind: str
    old: str | None = None
    new: str | None = None


@dataclass
class SectionChange:
    """A section's differences. `status`: "changed", "renamed", "added" or "removed"."""

    status: str
    title: str
    old_title: str | None = None
    entries: list[Entry] = field(default_factory=list)
    more: int = 0
    units: int = 0


def _words_ratio(a: str, b: str) -> float:
    matcher = SequenceMatcher(None, a.split(), b.split(), autojunk=False)
    return matcher.ratio() if matcher.real_quick_ratio() >= 0.5 else 0.0


# How far ahead a changed unit is looked for among the new ones of a replaced run.
ALIGN_WINDOW = 8


def _align(old: Sequence[tuple[str, str]], new: Sequence[tuple[str, str]]) -> Iterator[Entry]:
    """Pair a replaced run's units in order: similar ones are changed, the rest added/removed."""
    j = 0
    for kind, text in old:
        best, best_ratio = None, 0.5
        for k in range(j, min(len(new), j + ALIGN_WINDOW)):
            if new[k][0] == kind:
                ratio = _words_ratio(text, new[k][1])
                if ratio >= best_ratio:
                    best, best_ratio = k, ratio
        if best is None:
            yield Entry("removed", kind, old=text)
            continue
        for k in range(j, best):
            yield Entry("added", new[k][0], new=new[k][1])
        yield Entry("changed", kind, old=text, new=new[best][1])
        j = best + 1
    for k in range(j, len(new)):
        yield Entry("added", new[k][0], new=new[k][1])


def diff_units(old: Sequence[tuple[str, str]], new: Sequence[tuple[str, str]]) -> list[Entry]:
    entries: list[Entry] = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "insert":
            entries += [Entry("added", kind, new=text) for kind, text in new[j1:j2]]
        elif op == "delete":
            entries += [Entry("removed", kind, old=text) for kind, text in old[i1:i2]]
        elif op == "replace":
            entries += _align(old[i1:i2], new[j1:j2])
    return entries


def _bounded(change: SectionChange, entries: list[Entry]) -> SectionChange:
    change.entries, change.more = entries[:MAX_ENTRIES], max(0, len(entries) - MAX_ENTRIES)
    return change


def _same_section(old: Section, new: Section) -> bool:
    """A changed heading over much the same text, rather than one section replaced by another."""
    return SequenceMatcher(None, old.units, new.units, autojunk=False).ratio() >= 0.5


def diff_document(old: Sequence[Section], new: Sequence[Section]) -> list[SectionChange]:
    """Section by section, in the new document's order; unchanged sections are left out."""
    changes: list[SectionChange] = []
    matcher = SequenceMatcher(
        None, [tuple(s.path) for s in old], [tuple(s.path) for s in new], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        pairs = list(zip(old[i1:i2], new[j1:j2], strict=False)) if op != "insert" else []
        if op == "equal":
            for before, after in pairs:
                entries = diff_units(before.units, after.units)
                if entries:
                    changes.append(_bounded(SectionChange("changed", after.title), entries))
            continue
        removed, added = list(old[i1:i2]), list(new[j1:j2])
        if op == "replace":
            removed, added = [], []
            for before, after in pairs:
                if _same_section(before, after):
                    entries = diff_units(before.units, after.units)
                    change = SectionChange("renamed", after.title, old_title=before.title)
                    changes.append(_bounded(change, entries))
                else:
                    removed.append(before)
                    added.append(after)
            removed += old[i1 + len(pairs) : i2]
            added += new[j1 + len(pairs) : j2]
        changes += [SectionChange("removed", s.title, units=len(s.units)) for s in removed]
        changes += [SectionChange("added", s.title, units=len(s.units)) for s in added]
    return changes


def word_marks(old: str, new: str) -> tuple[list[tuple[bool, str]], list[tuple[bool, str]]]:
    """Each side of a changed unit as (is_changed, text) runs, word by word, for <del>/<ins>."""
    a, b = re.findall(r"\S+\s*", old), re.findall(r"\S+\s*", new)
    before: list[tuple[bool, str]] = []
    after: list[tuple[bool, str]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        for side, words in ((before, a[i1:i2]), (after, b[j1:j2])):
            text = "".join(words)
            if not text:
                continue
            marked = text.rstrip() if op != "equal" else ""
            # The space after a changed word is not part of the change.
            side.append((True, marked) if marked else (False, text))
            if marked and text != marked:
                side.append((False, text[len(marked) :]))
    return before, after


# --------------------------------------------------------------------------- the snapshot


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sections_json(sections: Iterable[Section], source_sha256: str) -> str:
    data = {
        "format": SNAPSHOT_FORMAT,
        "source_sha256": source_sha256,
        "sections": [{"path": s.path, "units": [list(u) for u in s.units]} for s in sections],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def _load_text(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == SNAPSHOT_FORMAT else None


def _sections_of(data: Mapping[str, Any]) -> list[Section]:
    return [Section(list(s["path"]), [tuple(u) for u in s["units"]]) for s in data["sections"]]


def _build_record(root: str | os.PathLike[str] = ".") -> dict[str, Any]:
    from .manifest import git_revision

    return {
        **git_revision(root),
        "time": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _migrate(results: Path) -> None:
    """Snapshots of earlier versions kept only the survey results, in results/previous_summary/."""
    old, new = results / "previous_summary", results / "previous" / "summary"
    if old.is_dir() and not new.exists():
        new.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(old, new)
    elif old.is_dir():
        shutil.rmtree(old)


def write_snapshot(
    previous: Path,
    texts: Mapping[str, str],
    summary_dir: Path,
    record: Mapping[str, Any],
) -> None:
    """Make `texts` ({doc: sections JSON}) and the survey results the previous build's."""
    from .changes import RESULT_NAMES

    for doc, text in texts.items():
        atomic_write_text(previous / "text" / f"{doc}.json", text)
    if all((summary_dir / name).is_file() for name in RESULT_NAMES):
        for name in RESULT_NAMES:
            atomic_write_text(
                previous / "summary" / name, (summary_dir / name).read_text(encoding="utf-8")
            )
    atomic_write_text(previous / "build.json", json.dumps(dict(record), indent=2) + "\n")


# --------------------------------------------------------------------------- the redline


@dataclass
class DocumentChanges:
    doc: str
    name: str
    compared: bool
    sections: list[SectionChange] = field(default_factory=list)


@dataclass
class Redline:
    documents: list[DocumentChanges]
    survey: list[str] | None
    previous: Mapping[str, Any] | None

    @property
    def first(self) -> bool:
        return self.survey is None and not any(d.compared for d in self.documents)


def _short(text: str | None, limit: int = 300) -> str:
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def summary_text(redline: Redline, html_name: str, limit: int = 12) -> str:
    """changes.txt: what changed, briefly, for the terminal and the build overview."""
    if redline.first:
        return f"Changes since the previous build: {NO_PREVIOUS}.\n"
    lines = ["Changes since the previous build of this edition:"]
    shown = hidden = 0
    for document in redline.documents:
        if not document.compared:
            lines.append(f"{document.name}: no previous build of this document to compare with")
        elif not document.sections:
            lines.append(f"{document.name}: no change in the text")
        else:
            lines.append(document.name)
        for section in document.sections:
            if shown >= limit:  # counted, not shown (a whole section added counts once)
                hidden += max(1, len(section.entries) + section.more)
                continue
            lines.append(f"  {section.title}")
            if section.status in ("added", "removed"):
                lines.append(f"    section {section.status}")
            elif section.status == "renamed":
                lines.append(f"    heading changed, was: {_short(section.old_title)}")
            for entry in section.entries:
                if shown >= limit:
                    hidden += 1
                    continue
                shown += 1
                unit = UNIT_WORDS.get(entry.kind, entry.kind)
                lines.append(f"    {unit} {entry.op}")
                if entry.old is not None:
                    lines.append(
                        f"      {'was' if entry.new is not None else 'text'}: {_short(entry.old)}"
                    )
                if entry.new is not None:
                    lines.append(
                        f"      {'now' if entry.old is not None else 'text'}: {_short(entry.new)}"
                    )
            hidden += section.more
    if redline.survey is None:
        lines.append("Survey figures: no previous build to compare with")
    elif not redline.survey:
        lines.append("Survey figures: no change")
    else:
        lines.append("Survey figures")
        lines += [f"  {line}" for line in redline.survey]
    if hidden:
        lines.append(f"… and {hidden} more changes in the text")
    lines.append(f"Every change: {html_name}")
    return "\n".join(lines) + "\n"


def render_redline(redline: Redline, template: str | os.PathLike[str]) -> str:
    # The project's one environment (templating.py); the helpers go in the context, not in
    # the shared environment's globals.
    from .templating import environment

    page = environment(str(Path(template).parent)).get_template(Path(template).name)
    return page.render(
        redline=redline,
        no_previous=NO_PREVIOUS,
        title="Changes since the previous build",
        word_marks=word_marks,
        unit_words=UNIT_WORDS,
    )


def update_redline(
    build_dir: str | os.PathLike[str],
    results_dir: str | os.PathLike[str],
    docs: Sequence[str],
    raw_dir: str | os.PathLike[str],
    template: str | os.PathLike[str],
    record: Mapping[str, Any] | None = None,
) -> str | None:
    """Compare the build with the previous one; write the redline and renew the snapshot.

    Returns changes.txt's text when a new redline was written; None when there was nothing to
    compare (a document not built) or nothing changed, which keeps the previous redline.
    """
    from .changes import RESULT_NAMES, survey_changes

    build, results = Path(build_dir), Path(results_dir)
    html = {doc: build / "html" / f"{doc}.html" for doc in docs}
    if not all(path.is_file() for path in html.values()):
        return None
    _migrate(results)
    previous, summary = results / "previous", results / "summary"

    old_texts = {doc: _load_text(previous / "text" / f"{doc}.json") for doc in docs}
    hashes = {doc: _sha256(path) for doc, path in html.items()}
    summary_same = all(
        (summary / n).is_file()
        and (previous / "summary" / n).is_file()
        and (summary / n).read_bytes() == (previous / "summary" / n).read_bytes()
        for n in RESULT_NAMES
    )
    reread = [d for d in docs if not old_texts[d] or old_texts[d]["source_sha256"] != hashes[d]]
    if not reread and summary_same:
        return None

    new_sections: dict[str, list[Section]] = {}
    texts: dict[str, str] = {}
    for doc in reread:
        new_sections[doc] = read_sections(html[doc].read_bytes())
        texts[doc] = _sections_json(new_sections[doc], hashes[doc])

    documents = []
    for doc in docs:
        name = DOCUMENT_TITLES.get(doc, doc.replace("_", " ").capitalize())
        old = old_texts[doc]
        if old is None:
            documents.append(DocumentChanges(doc, name, compared=False))
        elif doc not in new_sections:
            documents.append(DocumentChanges(doc, name, compared=True))
        else:
            changes = diff_document(_sections_of(old), new_sections[doc])
            documents.append(DocumentChanges(doc, name, compared=True, sections=changes))

    text_same = all(d.compared and not d.sections for d in documents)
    record = dict(record) if record is not None else _build_record()
    if text_same and summary_same:
        # Only the markup changed (a stylesheet, say): the text is the same, so is the redline.
        write_snapshot(previous, texts, summary, record)
        return None

    lines = survey_changes(summary, previous / "summary", raw_dir)
    previous_record = _load_json(previous / "build.json") if any(old_texts.values()) else None
    redline = Redline(documents, lines, previous_record)
    text = summary_text(redline, str(build / "changes.html"))
    atomic_write_text(build / "changes.html", render_redline(redline, template))
    atomic_write_text(build / "changes.txt", text)
    write_snapshot(previous, texts, summary, record)
    return text


def _load_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


# --------------------------------------------------------------------------- command line


def snapshot_build(
    build_dir: str | os.PathLike[str],
    results_dir: str | os.PathLike[str],
    docs: Sequence[str],
    into: str | os.PathLike[str],
    record: Mapping[str, Any],
) -> None:
    """Make another checkout's build the previous build of `into` (tools/redline-against.sh).

    The other build is read with this checkout's code, so that both sides of the comparison
    are read the same way even when the change under review is to this module.
    """
    build, results, previous = Path(build_dir), Path(results_dir), Path(into)
    texts = {}
    for doc in docs:
        path = build / "html" / f"{doc}.html"
        texts[doc] = _sections_json(read_sections(path.read_bytes()), _sha256(path))
    shutil.rmtree(previous, ignore_errors=True)
    write_snapshot(previous, texts, results / "summary", record)


def main(argv: Sequence[str] | None = None) -> int:
    from .documents_spec import DOCUMENT_TABLES

    parser = argparse.ArgumentParser(
        prog="python -m meeting_report.redline",
        description="Record another build as the previous one, or write the redline now.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    snap = sub.add_parser("snapshot", help="record BUILD and RESULTS as INTO (a previous/)")
    snap.add_argument("--build", required=True)
    snap.add_argument("--results", required=True)
    snap.add_argument("--into", required=True)
    snap.add_argument("--commit", help="the commit BUILD was built from")
    update = sub.add_parser("update", help="compare build/ with results/previous/ now")
    update.add_argument("--build", default="build")
    update.add_argument("--results", default="results")
    update.add_argument("--raw", default="data/raw")
    update.add_argument("--template", default="templates/changes.html.j2")
    args = parser.parse_args(argv)
    docs = list(DOCUMENT_TABLES)
    if args.command == "snapshot":
        record = {
            "commit": args.commit,
            "dirty": False,
            "time": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        }
        snapshot_build(args.build, args.results, docs, args.into, record)
        return 0
    text = update_redline(args.build, args.results, docs, args.raw, args.template)
    sys.stdout.write(text or "No change since the previous build: the redline is kept.\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
