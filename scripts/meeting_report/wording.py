"""Sentences built from data, worded by a content file (content/annexes/annex9_wording.yaml).

A sentence is a list of *runs*, `{"text": …, "note": …}`: a note (if not empty) is a footnote
called right after its run's text. Templates only print runs (`_annex9.html.j2`'s `say`
macro); the words come from patterns such as

    "{count:Words} respondents ({names:semi_and}) had formulated concrete recommendations."

A slot is `{name}` or `{name:format}`; what a format means depends on the slot's value:

- a number: `words` (default, "seven"), `Words` ("Seven"), `digits` ("7");
- text: `text` (default), `lower_first` ("Irregular …" → "irregular …");
- a list of items (each item a list of runs, e.g. an entity's name with its note):
  `semi` (default: "A and B", "A; B; and C"), `semi_and` ("A; and B", "A; B; and C"),
  `semi_no_and` ("A; B; C"), `and` ("A and B", "A, B and C"), `the_and` ("the A and the B"),
  `quoted_and` ("“A” and “B”"). `and` and `the_and` lists put a comma before the last "and"
  when an item holds an "and" of its own ("Asia, Pacific and the Middle East, and Europe");
- a list of `Counted` (a number with its singular and plural label): as `and`, the number
  formatted as above (`{kinds:digits}` → "5 RCPs, 5 IRFs and 1 Partner organization");
- a list of whole numbers: in digits, three or more in a row as a range, as `and` by default
  ("1–3 and 6");
- runs (a sentence already built): as they are.

Only the named slots are replaced (no attribute access, unlike str.format), and a slot the
pattern names but the caller does not give is an error naming the pattern.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from meeting_report.numbers import words

Run = dict[str, str]
Item = list[Run]

SLOT = re.compile(r"\{(\w+)(?::(\w+))?\}")
LIST_FORMATS = ("semi", "semi_and", "semi_no_and", "and", "the_and", "quoted_and")


class WordingError(ValueError):
    """A pattern names a slot or a format that its sentence does not have."""


@dataclass(frozen=True)
class Counted:
    """A count with its label: Counted(5, "RCP", "RCPs") → "5 RCPs" (or "five RCPs")."""

    count: int
    singular: str
    plural: str
    note: str = ""


def text_run(text: str, note: str = "") -> Run:
    return {"text": text, "note": note}


def item(text: str, note: str = "") -> Item:
    """One list item: a name, and the note called after it (if any)."""
    return [text_run(text, note)]


def plain(runs: Sequence[Run]) -> str:
    """The text of runs without their notes (for tests and logs)."""
    return "".join(run["text"] for run in runs)


def merge(runs: Sequence[Run]) -> list[Run]:
    """Join neighbouring runs where no note falls between them."""
    out: list[Run] = []
    for run in runs:
        if not run["text"] and not run.get("note"):
            continue
        if out and not out[-1].get("note"):
            out[-1] = text_run(out[-1]["text"] + run["text"], run.get("note", ""))
        else:
            out.append(dict(run))
    return out


def number(value: int, fmt: str | None) -> str:
    if fmt in (None, "words"):
        return words(value)
    if fmt == "Words":
        return capitalize(words(value))
    if fmt == "digits":
        return str(value)
    raise WordingError(f"unknown number format {fmt!r} (words, Words, digits)")


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def _glue(fmt: str, count: int, position: int, items_have_and: bool) -> str:
    """The separator after item `position` (0-based) of `count` items, in list format `fmt`."""
    last = position == count - 2
    if fmt in ("and", "the_and", "quoted_and"):
        if not last:
            return ", "
        # Quotation marks already show where a quoted item ends.
        return ", and " if items_have_and and fmt != "quoted_and" else " and "
    if fmt == "semi_no_and":
        return "; "
    if fmt == "semi" and count == 2:
        return " and "
    return "; and " if last else "; "


def join_items(items: Sequence[Item], fmt: str | None) -> list[Run]:
    """Items as one list: separators by `fmt`; a note is called after the separator's ; or ,
    as the report prints it ("5+5 Dialogue;⁵⁷ ACP–EU Migration Dialogue")."""
    fmt = fmt or "semi"
    if fmt not in LIST_FORMATS:
        raise WordingError(f"unknown list format {fmt!r} ({', '.join(LIST_FORMATS)})")
    has_and = any(" and " in plain(it) for it in items[:-1])
    runs: list[Run] = []
    for position, entry in enumerate(items):
        entry = [dict(run) for run in entry]
        if fmt == "the_and":
            entry[0]["text"] = "the " + entry[0]["text"]
        elif fmt == "quoted_and":
            entry[0]["text"] = "“" + entry[0]["text"]
            entry[-1]["text"] += "”"
        if position < len(items) - 1:
            glue = _glue(fmt, len(items), position, has_and)
            if entry[-1].get("note") and glue[0] in ";,":
                entry[-1] = text_run(entry[-1]["text"] + glue[0], entry[-1]["note"])
                glue = glue[1:]
            entry.append(text_run(glue))
        runs.extend(entry)
    return merge(runs)


def _counted(values: Sequence[Counted], fmt: str | None) -> list[Run]:
    items = [
        item(f"{number(c.count, fmt)} {c.singular if c.count == 1 else c.plural}", c.note)
        for c in values
    ]
    return join_items(items, "and")


def number_ranges(values: Sequence[int]) -> list[Item]:
    """[1, 2, 3, 6] → items "1–3" and "6": three or more consecutive numbers as a range."""
    runs: list[list[int]] = []
    for value in sorted(values):
        if runs and value == runs[-1][-1] + 1:
            runs[-1].append(value)
        else:
            runs.append([value])
    items: list[Item] = []
    for run in runs:
        if len(run) > 2:
            items.append(item(f"{run[0]}–{run[-1]}"))
        else:
            items.extend(item(str(n)) for n in run)
    return items


def render_slot(value: Any, fmt: str | None) -> list[Run]:
    if isinstance(value, bool):
        raise WordingError(f"a yes/no value cannot be printed: {value!r}")
    if isinstance(value, int):
        return [text_run(number(value, fmt))]
    if isinstance(value, str):
        if fmt in (None, "text"):
            return [text_run(value)]
        if fmt == "lower_first":
            return [text_run(value[:1].lower() + value[1:])]
        raise WordingError(f"unknown text format {fmt!r} (text, lower_first)")
    if isinstance(value, list) and value and all(isinstance(v, Counted) for v in value):
        return _counted(value, fmt)
    if isinstance(value, list) and value and all(type(v) is int for v in value):
        return join_items(number_ranges(value), fmt or "and")
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return [dict(run) for run in value]  # runs of a sentence built before
    if isinstance(value, list):
        return join_items(value, fmt)
    raise WordingError(f"cannot print {value!r}")


def fill(pattern: str, slots: Mapping[str, Any]) -> list[Run]:
    """The runs of `pattern` with its slots filled from `slots`."""
    runs: list[Run] = []
    position = 0
    for match in SLOT.finditer(pattern):
        name, fmt = match.group(1), match.group(2)
        if name not in slots:
            raise WordingError(
                f"pattern {pattern!r} names {{{name}}}, which this sentence does not have"
                f" (it has: {', '.join(sorted(slots)) or 'nothing'})"
            )
        runs.append(text_run(pattern[position : match.start()]))
        try:
            runs.extend(render_slot(slots[name], fmt))
        except WordingError as error:
            raise WordingError(
                f"pattern {pattern!r}, {{{match.group(0)[1:-1]}}}: {error}"
            ) from None
        position = match.end()
    runs.append(text_run(pattern[position:]))
    return merge(runs)


def clauses(*parts: Sequence[Run]) -> list[Run]:
    """Clauses as one sentence: a space between them unless the next starts with , or ;, and a
    full stop at the end if the last clause has none."""
    runs: list[Run] = []
    for part in (p for p in parts if p):
        if runs and part[0]["text"][:1] not in (",", ";"):
            runs.append(text_run(" "))
        runs.extend(part)
    if runs and not runs[-1]["text"].rstrip().endswith((".", ":")):
        runs.append(text_run("."))
    return merge(runs)


# --------------------------------------------------------------------------- the content file


class Wording:
    """Patterns by key, from the most specific level that has the key.

    `levels` run from specific to general, e.g. [the sub-region's, the region's, the default].
    A pattern is a string, or a mapping of cases ({one: …, other: …}) the caller chooses from.
    `names(key)` merges mappings such as `entity_names` across levels, the specific winning.
    """

    def __init__(self, *levels: Mapping[str, Any] | None) -> None:
        self.levels = [level for level in levels if level]

    def get(self, key: str, case: str | None = None) -> str | None:
        for level in self.levels:
            if key not in level:
                continue
            value = level[key]
            if not isinstance(value, Mapping):
                return value
            if case is None:
                raise WordingError(f"wording {key!r} has cases; none was chosen")
            if case in value:  # a level may word some cases only: the others come from below
                return value[case]
        return None

    def say(self, key: str, slots: Mapping[str, Any], case: str | None = None) -> list[Run]:
        """The sentence `key` (for `case`) with its slots filled; [] when the wording has none."""
        pattern = self.get(key, case)
        if pattern is None:
            return []
        try:
            return fill(pattern, slots)
        except WordingError as error:
            raise WordingError(f"wording {key!r}: {error}") from None

    def names(self, key: str) -> dict[str, str]:
        merged: dict[str, str] = {}
        for level in reversed(self.levels):
            merged.update(level.get(key) or {})
        return merged


def count_case(count: int) -> str:
    return "none" if count == 0 else "one" if count == 1 else "other"
