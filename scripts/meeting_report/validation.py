"""Validation of the raw CSVs against the Data Package descriptor (schemas/datapackage.json).

The descriptor uses the Frictionless Table Schema vocabulary (types, constraints, primaryKey,
foreignKeys, `list` fields with a `delimiter`). The checks are ours rather than a library's because
authors need every problem of every file in one run, each located as a spreadsheet shows it, and
a few checks that generic validators lack (bidi overrides, invisible characters in ids, `;` exports,
unsafe link schemes). See the provenance of this choice in README.md.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import difflib
import functools
import io
import json
import os
import re
import stat
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

# Characters that reorder or hide text: never acceptable in a cell.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
INVISIBLE = set("\u200b\u200c\u200d\u2060\ufeff\u00ad")
# Scanning cells with compiled character classes keeps 100,000-row files to a few seconds.
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc
_CONTROL_BUT_LINES_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # Cc except \t and \n
# Spaces other than U+0020 (no-break, thin, ideographic, …): fine in text, not in an id or code.
ODD_SPACES = "\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_ODD_SPACE_RE = re.compile(f"[{ODD_SPACES}]")
_REMOVABLE = "".join(sorted(BIDI_CONTROLS | INVISIBLE))
# Removable without changing what a cell says: checks look at the value without them.
_REMOVABLE_RE = re.compile(f"[{_REMOVABLE}]")
_REMOVABLE_IN_ID_RE = re.compile(f"[{_REMOVABLE}\x00-\x1f\x7f-\x9f]")  # and control characters
# Anything _tidy must look at; most cells have none of it, and skip it in one search.
_SUSPECT_RE = re.compile(f"[{_REMOVABLE}{ODD_SPACES}\x00-\x1f\x7f-\x9f]")
# Characters shown as <U+XXXX> (and marked in the HTML report), because a reader cannot see them.
HIDDEN_RE = re.compile(f"[{_REMOVABLE}{ODD_SPACES}\u2028\u2029\x00-\x1f\x7f-\x9f]")
SAFE_LINK_SCHEMES = ("http://", "https://", "mailto:")
UNSAFE_SCHEME_RE = re.compile(
    r"(?<![\w.+-])(javascript|vbscript|data|file|ftp|blob)\s*:", re.IGNORECASE
)
DEFAULT_MAX_LENGTH = 4000
MAX_LISTED_CHOICES = 12
# A duplicate key names this many rows, then how many more; 100,000 duplicates stay one line.
MAX_LISTED_ROWS = 10
# "Did you mean" compares a value with every choice; beyond this many choices it costs too much.
MAX_SUGGESTION_CHOICES = 1000


@dataclass(frozen=True, order=True)
class Problem:
    """One problem, located as the author sees it in a spreadsheet (header = row 1)."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    expected: str | None = None
    code: str = field(default="error", compare=False)
    # A likely fix, said after the expectation: "did you mean 'almaty'?".
    hint: str | None = None

    def expectation(self) -> str:
        """What the cell should hold, then the hint: one sentence for the terminal and the CSV."""
        return " — ".join(part for part in (self.expected, self.hint) if part)

    def format(self) -> str:
        where = visible(self.file)
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{visible(self.column)}'"
        text = f"{where}: {visible(self.message, 500)}"
        if self.value is not None:
            text += f" (found {shorten(self.value)!s})"
        if self.expected:
            text += f"; expected {visible(self.expectation(), 500)}"
        elif self.hint:
            text += f"; {visible(self.hint, 500)}"
        return text


def visible(value: str, limit: int = 80) -> str:
    """Text as it can be shown safely: hidden and control characters as <U+XXXX>, long text cut.

    Only the first `limit` characters are looked at, so a 200,000-character cell costs nothing.
    """
    if len(value) <= limit and not HIDDEN_RE.search(value):
        return value  # the common case, 500,000 times for a large report
    shown = HIDDEN_RE.sub(lambda m: f"<U+{ord(m.group()):04X}>", value[:limit])
    if len(shown) > limit or len(value) > limit:
        shown = shown[: limit - 1] + "…"
    return shown


def shorten(value: str, limit: int = 80) -> str:
    """A value as it can be printed safely: quoted, control characters made visible, cut."""
    return repr(visible(value, limit))


# Names a reader knows; other characters take their Unicode name ("right-to-left override").
_CHAR_NAMES = {
    " ": "space",
    "\t": "tab",
    "\n": "line break",
    "\r": "carriage return",
    "\u00a0": "no-break space",
    "\u00ad": "soft hyphen",
    "\u200b": "zero-width space",
    "\u200c": "zero-width non-joiner",
    "\u200d": "zero-width joiner",
    "\ufeff": "byte order mark",
}


def char_name(char: str) -> str:
    """'zero-width space', 'no-break space', 'right-to-left override', 'control character'."""
    return _CHAR_NAMES.get(char) or unicodedata.name(char, "").lower() or "control character"


def char_label(char: str) -> str:
    """'U+200B zero-width space': the code point and the name, as the reports show them."""
    return f"U+{ord(char):04X} {char_name(char)}"


@dataclass
class Table:
    """A parsed CSV: header and records with their spreadsheet row numbers."""

    name: str
    file: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]


@dataclass
class Report:
    problems: list[Problem]
    tables: dict[str, Table]
    files_checked: list[str]


class SchemaError(ValueError):
    """The descriptor cannot be used (missing, unreadable, not JSON, or not a Data Package)."""


def load_descriptor(path: str | Path) -> dict[str, Any]:
    """Read and check the descriptor; any fault is a `SchemaError` of one line naming `path`."""
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise SchemaError(f"schema {path} does not exist") from None
    except OSError as err:
        raise SchemaError(f"schema {path} cannot be read: {os_reason(err)}") from None
    except UnicodeDecodeError:
        raise SchemaError(f"schema {path} is not UTF-8 text") from None
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as err:
        raise SchemaError(
            f"schema {path} is not valid JSON: {err.msg} (line {err.lineno}, column {err.colno})"
        ) from None
    fault = descriptor_fault(descriptor)
    if fault:
        raise SchemaError(f"schema {path}: {fault}")
    return descriptor


def os_reason(err: OSError) -> str:
    """'permission denied', 'no such file or directory', …: the OS's reason, without a path."""
    return (err.strerror or type(err).__name__).lower()


def descriptor_fault(descriptor: Any) -> str | None:
    """The first way `descriptor` is not a package the validator can use, or None."""
    if not isinstance(descriptor, dict):
        return "is not a JSON object"
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        return "has no list of resources"
    fault = _missing_values_fault(descriptor, "the package")
    if fault:
        return fault
    names: dict[str, dict[str, Any]] = {}
    for number, resource in enumerate(resources, start=1):
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            return f"resource {number} has no name"
        name, path = resource["name"], resource.get("path")
        # Paths are file names inside raw_dir: a schema never reads outside the data folder.
        if not isinstance(path, str) or not path or Path(path).name != path or path[0] == ".":
            return f"resource '{name}' needs a path that is a file name in raw_dir"
        schema = resource.get("schema")
        if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
            return f"resource '{name}' has no schema with a list of fields"
        if not all(
            isinstance(f, dict) and isinstance(f.get("name"), str) for f in schema["fields"]
        ):
            return f"resource '{name}' has a field without a name"
        fault = _missing_values_fault(schema, f"resource '{name}'")
        if fault:
            return fault
        names[name] = resource
    for name, resource in names.items():
        schema = resource["schema"]
        own = {f["name"] for f in schema["fields"]}
        keys = [*schema.get("foreignKeys", []), *schema.get("x-excludedReferences", [])]
        for key in keys:
            if not isinstance(key, dict) or not isinstance(key.get("reference"), dict):
                return f"resource '{name}' has a reference without fields and a resource"
            target = names.get(key["reference"].get("resource"))
            if target is None:
                return f"resource '{name}' refers to a resource that is not declared"
            their = {f["name"] for f in target["schema"]["fields"]}
            if (
                not set(_names(key.get("fields"))) <= own
                or not set(_names(key["reference"].get("fields"))) <= their
            ):
                return f"resource '{name}' has a reference between fields that do not exist"
        primary = _names(schema.get("primaryKey"))
        if not set(primary) <= own:
            return f"resource '{name}' has a primaryKey naming fields that do not exist"
    return None


def _names(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def _missing_values_fault(holder: Mapping[str, Any], where: str) -> str | None:
    values = holder.get("missingValues", [""])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        return f"{where} has missingValues that are not a list of strings"
    return None


def missing_values(descriptor: Mapping[str, Any], resource: Mapping[str, Any]) -> frozenset[str]:
    """Placeholders a resource counts as missing, besides the empty cell (Table Schema).

    A resource's schema may list them in `missingValues`; otherwise the package's list applies,
    and by default only the empty cell is missing. The empty cell always is: the documents read
    every cell as text and cannot tell an empty string from a missing one.
    """
    values = resource["schema"].get("missingValues", descriptor.get("missingValues", [""]))
    return frozenset(values) - {""}


@contextlib.contextmanager
def _any_field_size() -> Iterator[None]:
    """Let `csv` read cells of any length (131,072 characters by default), for this read only.

    A longer cell is then reported as too long, with its file, row and column.
    """
    old = csv.field_size_limit()
    try:
        csv.field_size_limit(sys.maxsize)
    except OverflowError:  # where a C long is 32 bits
        csv.field_size_limit(2**31 - 1)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def validate_directory(raw_dir: str | Path, descriptor: Mapping[str, Any]) -> Report:
    """Check every resource of the descriptor in `raw_dir`, and every CSV that is not declared."""
    raw = Path(raw_dir)
    problems: list[Problem] = []
    tables: dict[str, Table] = {}
    resources = list(descriptor["resources"])
    declared = {res["path"] for res in resources}
    files = [res["path"] for res in resources]

    try:
        folder_found = raw.is_dir()
        present = sorted(p.name for p in raw.glob("*.csv")) if folder_found else []
    except OSError as err:
        return Report(
            [Problem(str(raw), None, None, None, f"folder cannot be read: {os_reason(err)}")],
            tables,
            files,
        )
    if not folder_found:
        expected = "a folder holding " + ", ".join(files)
        return Report(
            [Problem(str(raw), None, None, None, "folder does not exist", expected)], tables, files
        )

    for stray in (name for name in present if name not in declared):
        problems.append(
            Problem(
                stray,
                None,
                None,
                None,
                "file is not declared in the schema",
                f"one of {', '.join(sorted(declared))} (or declare it in the schema)",
            )
        )

    for resource in resources:
        table, found = _check_resource(raw, resource, missing_values(descriptor, resource))
        problems.extend(found)
        if table is not None:
            tables[resource["name"]] = table

    problems.extend(_check_foreign_keys(resources, tables))
    problems.extend(_check_excluded_references(resources, tables))
    order = {res["path"]: i for i, res in enumerate(resources)}
    problems.sort(key=lambda p: (order.get(p.file, -1), p.file, p.row or 0, p.column or ""))
    return Report(problems, tables, files)


# --- one file -------------------------------------------------------------------------------


def _check_resource(
    raw: Path, resource: Mapping[str, Any], missing: frozenset[str]
) -> tuple[Table | None, list[Problem]]:
    file = resource["path"]
    schema = resource["schema"]
    fields = {f["name"]: f for f in schema["fields"]}
    data = _read(raw, file)
    if isinstance(data, Problem):
        return None, [data]
    text, problems = _decode(file, data)
    if text is None:
        return None, problems
    if not text.strip():
        return None, [
            Problem(
                file,
                None,
                None,
                None,
                "file is empty",
                f"a header row ({', '.join(fields)}) and data rows",
            )
        ]

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        with _any_field_size():
            records = list(reader)
    except csv.Error as err:  # not expected with the default dialect; never a traceback
        return None, [
            Problem(
                file,
                reader.line_num,
                None,
                None,
                f"cannot be read as CSV ({err})",
                "comma-separated UTF-8 text",
            )
        ]
    header = records[0]
    problems += _check_header(file, header, fields, len(header))
    if any(p.code == "fatal" for p in problems):
        return None, problems

    rows: list[tuple[int, dict[str, str]]] = []
    for index, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            problems.append(Problem(file, index, None, None, "blank row", "no blank rows"))
            continue
        if len(record) != len(header):
            problems.append(
                Problem(
                    file,
                    index,
                    None,
                    ",".join(record),
                    f"row has {len(record)} cells but the header has {len(header)}",
                    f"{len(header)} cells (quote cells that contain commas)",
                )
            )
            continue
        row = dict(zip(header, record, strict=True))
        for name, value in row.items():
            if name in fields:
                problems += _check_cell(file, index, fields[name], value, missing)
        rows.append((index, row))

    if not rows and not any(p.row for p in problems):
        problems.append(
            Problem(
                file,
                None,
                None,
                None,
                "file has a header but no data rows",
                "at least one data row",
            )
        )
    problems += _check_unique(file, schema, rows)
    return Table(resource["name"], file, header, rows), problems


def _read(raw: Path, file: str) -> bytes | Problem:
    """The file's bytes, or why there are none (missing, a folder, unreadable)."""
    path = raw / file

    def problem(message: str, expected: str) -> Problem:
        return Problem(file, None, None, None, message, expected)

    try:
        # stat first: reading a FIFO or a device would wait forever.
        if not stat.S_ISREG(os.stat(path).st_mode):
            return problem("is not a regular file", f"{file} as a CSV file in {raw}")
        return path.read_bytes()
    except FileNotFoundError:
        return problem("file is missing", f"{file} in {raw}")
    except OSError as err:
        return problem(
            f"cannot be read: {os_reason(err)}", "a file the build may read (check its permissions)"
        )


def _decode(file: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """Strict UTF-8 (a BOM is accepted); report every line holding bytes that are not UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    problems = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as err:
            bad = line[err.start : err.end]
            problems.append(
                Problem(
                    file,
                    number,
                    None,
                    bad.hex(" "),
                    "bytes that are not UTF-8 text (the file was saved in another encoding)",
                    "UTF-8: in a spreadsheet choose 'CSV UTF-8' when saving",
                )
            )
    return None, problems


def _check_header(
    file: str, header: list[str], fields: Mapping[str, Any], width: int
) -> list[Problem]:
    problems: list[Problem] = []
    expected_names = ", ".join(fields)
    if width == 1 and len(fields) > 1:
        for sep, label in ((";", "semicolons"), ("\t", "tabs")):
            if sep in header[0]:
                return [
                    Problem(
                        file,
                        1,
                        None,
                        header[0],
                        f"the file is separated by {label}, not commas (a spreadsheet export "
                        "with another list separator)",
                        f"comma-separated columns {expected_names}",
                        code="fatal",
                    )
                ]
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        column = _column_letter(position)
        clean, stray = _tidy(name, key=False)
        if not clean:
            problems.append(
                Problem(
                    file,
                    1,
                    None,
                    name,
                    f"header cell {column} is blank",
                    f"a column name from: {expected_names}",
                )
            )
            continue
        if stray:
            # One problem: the name is matched without them, so it is not also "unknown".
            problems.append(
                Problem(
                    file, 1, clean, name, f"column name has {stray}", f"exactly '{visible(clean)}'"
                )
            )
        if name in seen:
            problems.append(
                Problem(
                    file,
                    1,
                    name,
                    name,
                    f"column name repeated (columns {_column_letter(seen[name])} and {column})",
                    "each column once",
                )
            )
        seen.setdefault(name, position)
        if clean and clean not in fields:
            problems.append(
                Problem(
                    file,
                    1,
                    name,
                    name,
                    "unknown column",
                    f"one of: {expected_names}",
                    hint=_did_you_mean(clean, tuple(fields)),
                )
            )
    present = {_tidy(h, key=False)[0] for h in header}
    for name, spec in fields.items():
        if name not in present:
            required = spec.get("constraints", {}).get("required", False)
            problems.append(
                Problem(
                    file,
                    1,
                    name,
                    None,
                    "required column is missing" if required else "column is missing",
                    f"a column named '{name}'",
                )
            )
    return [replace(p, code="fatal") for p in problems]


def _column_letter(position: int) -> str:
    letters = ""
    while position:
        position, rem = divmod(position - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _is_key_field(spec: Mapping[str, Any]) -> bool:
    return bool(spec.get("x-key") or "enum" in spec.get("constraints", {}))


def _check_cell(
    file: str, row: int, spec: Mapping[str, Any], value: str, missing: frozenset[str]
) -> list[Problem]:
    name = spec["name"]
    constraints = spec.get("constraints", {})
    out: list[Problem] = []

    def problem(message: str, expected: str | None = None) -> None:
        out.append(Problem(file, row, name, value, message, expected))

    if value == "":
        if constraints.get("required"):
            problem("required cell is empty", spec.get("description") or "a value")
        return out
    key = _is_key_field(spec)
    clean, stray = _tidy(value, multiline=bool(spec.get("x-multiline")), key=key)
    if stray and not clean:
        expected = "an empty cell"
        if constraints.get("required"):
            expected = spec.get("description") or "a value"
        problem(f"the cell holds only {stray}", expected)
        return out
    if stray:
        if key and _ODD_SPACE_RE.search(clean):
            # What the id should be is not known: say so once, and check nothing else.
            problem(stray, "ordinary characters only in an id or code")
            return out
        # One problem a cell, naming every stray character; the checks below read the value
        # without them, so a trailing space is not also an unknown id or a malformed code.
        problem(stray, f"'{visible(clean)}'")
    if clean in missing:
        # The schema lists it in missingValues: the cell counts as empty.
        if constraints.get("required"):
            problem(
                f"required cell is missing (placeholder '{clean}' counts as empty)",
                spec.get("description") or "a value",
            )
        else:
            problem(
                f"placeholder '{clean}' for a missing value",
                "an empty cell, or a real value",
            )
        return out

    max_length = constraints.get("maxLength", DEFAULT_MAX_LENGTH)
    if len(value) > max_length:
        problem(f"cell is {len(value):,} characters long", f"at most {max_length:,} characters")
        return out
    if UNSAFE_SCHEME_RE.search(value):
        problem("contains a link with an unsafe scheme", "only http(s):// or mailto: links")

    items = _split(spec, clean)
    for item in items:
        out += _check_typed(file, row, spec, value, item)
    return out


def _clean(value: str) -> str:
    """An id or code as the checks compare it: the value `_tidy` gives, without invisible and
    control characters and surrounding spaces."""
    if _REMOVABLE_IN_ID_RE.search(value):
        value = _REMOVABLE_IN_ID_RE.sub("", value)
    return value.strip()


def _tidy(value: str, *, multiline: bool = False, key: bool = True) -> tuple[str, str]:
    """(the value without its stray characters, what they were in words, or "").

    Stray: spaces and line breaks around the value, invisible characters, bidirectional and
    other control characters anywhere (line breaks and tabs are allowed inside a multiline
    cell), and, in an id or code (`key`), spaces other than U+0020 inside.
    """
    if not _SUSPECT_RE.search(value) and value == value.strip():
        return value, ""  # nearly every cell
    removed = _REMOVABLE_RE.findall(value)
    text = _REMOVABLE_RE.sub("", value) if removed else value
    clean = text.strip()
    found: list[str] = []
    if not clean:
        if text:
            found.append(_counted(text))
    else:
        leading = text[: len(text) - len(text.lstrip())]
        trailing = text[len(text.rstrip()) :]
        if leading:
            found.append(f"{_counted(leading)} at the start")
        if trailing:
            found.append(f"{_counted(trailing)} at the end")
    controls = (_CONTROL_BUT_LINES_RE if multiline else _CONTROL_RE).findall(clean)
    if controls:
        found.append(_listed(controls, "control character"))
        unwanted = set(controls)
        clean = "".join(ch for ch in clean if ch not in unwanted)
    if key and _ODD_SPACE_RE.search(clean):
        found.append(f"{_counted(_ODD_SPACE_RE.findall(clean))} inside an id or code")
    invisible = [ch for ch in removed if ch in INVISIBLE]
    if invisible:
        found.append(_listed(invisible, "invisible character"))
    bidi = [ch for ch in removed if ch in BIDI_CONTROLS]
    if bidi:
        found.append(_listed(bidi, "bidirectional control character") + ", which can disguise text")
    if any(" and " in part for part in found):  # "a space and a tab at the end; an …"
        return clean, "; ".join(found)
    return clean, _joined(found)


def _counted(chars: Iterable[str]) -> str:
    """'a space', '2 spaces', 'a space and a line break', 'a no-break space (U+00A0)'."""
    counts: dict[str, int] = {}
    for char in chars:
        counts[char] = counts.get(char, 0) + 1
    phrases = []
    for char, count in counts.items():
        name = char_name(char)
        if count > 1:
            name += "s"
        if char not in " \t\n\r":
            name += f" (U+{ord(char):04X})"
        phrases.append(f"{_article(name)} {name}" if count == 1 else f"{count} {name}")
    return _joined(phrases)


def _listed(chars: list[str], kind: str) -> str:
    """'an invisible character (U+200B zero-width space)', '2 control characters (U+0007 …)'."""
    labels = ", ".join(
        char_label(ch) if char_name(ch) != kind else f"U+{ord(ch):04X}"
        for ch in dict.fromkeys(chars)
    )
    count = len(chars)
    return f"{_article(kind)} {kind} ({labels})" if count == 1 else f"{count} {kind}s ({labels})"


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _joined(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 2 else parts)


def _split(spec: Mapping[str, Any], value: str) -> list[str]:
    if spec.get("type") == "list":
        return [item.strip() for item in value.split(spec.get("delimiter", ";"))]
    return [value]


INTEGER_RE = re.compile(r"-?(0|[1-9][0-9]*)")
NUMBER_RE = re.compile(r"-?[0-9]+(\.[0-9]+)?")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
TIME_RE = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


def _check_typed(
    file: str, row: int, spec: Mapping[str, Any], value: str, item: str
) -> list[Problem]:
    name = spec["name"]
    constraints = spec.get("constraints", {})
    kind = spec.get("itemType") if spec.get("type") == "list" else spec.get("type", "string")
    out: list[Problem] = []

    def problem(message: str, expected: str) -> None:
        out.append(Problem(file, row, name, value, message, expected))

    if item == "":
        problem("list has an empty item", f"items separated by '{spec.get('delimiter', ';')}'")
        return out
    if kind == "integer":
        if not INTEGER_RE.fullmatch(item):
            problem(
                "not a whole number", "a whole number such as 7 (no leading zeros, no decimals)"
            )
            return out
        number = int(item)
        if "minimum" in constraints and number < constraints["minimum"]:
            problem("number too small", f"at least {constraints['minimum']}")
        if "maximum" in constraints and number > constraints["maximum"]:
            problem("number too large", f"at most {constraints['maximum']}")
    elif kind == "number" and not NUMBER_RE.fullmatch(item):
        problem("not a number", "a number such as 0.5")
    elif kind == "boolean" and item not in ("true", "false"):
        problem("not a yes/no value", "true or false")
    elif kind == "date" and not _valid_date(item):
        problem("not a date", "a date written YYYY-MM-DD")
    elif kind == "time" and not TIME_RE.fullmatch(item):
        problem("not a time", "a time written HH:MM (24-hour)")
    if spec.get("format") == "uri" and not item.lower().startswith(SAFE_LINK_SCHEMES):
        problem(
            "link is not http(s) or mailto", "a link starting with https://, http:// or mailto:"
        )
    if "enum" in constraints and item not in constraints["enum"]:
        out.append(
            Problem(
                file,
                row,
                name,
                value,
                "code not in its list",
                f"one of: {', '.join(constraints['enum'])}",
                hint=_did_you_mean(item, tuple(constraints["enum"])),
            )
        )
    if "pattern" in constraints and not re.fullmatch(constraints["pattern"], item):
        problem(
            "does not have the expected form",
            spec.get("x-expected") or f"text matching {constraints['pattern']}",
        )
    return out


def _valid_date(item: str) -> bool:
    if not DATE_RE.fullmatch(item):
        return False
    try:
        datetime.date.fromisoformat(item)
    except ValueError:
        return False
    return True


def _check_unique(
    file: str, schema: Mapping[str, Any], rows: list[tuple[int, dict[str, str]]]
) -> list[Problem]:
    keys: list[list[str]] = []
    primary = schema.get("primaryKey")
    if primary:
        keys.append([primary] if isinstance(primary, str) else list(primary))
    for spec in schema["fields"]:
        if spec.get("constraints", {}).get("unique"):
            keys.append([spec["name"]])
    for key in schema.get("x-uniqueKeys", []):
        keys.append(list(key))
    problems = []
    for key in keys:
        seen: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for number, row in rows:
            # Compared as the author means them: "africa " repeats "africa".
            values = tuple(_clean(row.get(k, "")) for k in key)
            if all(values):
                seen[values].append(number)
        for values, numbers in seen.items():
            if len(numbers) > 1:
                shown = ", ".join(values)
                listed = ", ".join(map(str, numbers[:MAX_LISTED_ROWS]))
                if len(numbers) > MAX_LISTED_ROWS:
                    listed += f" and {len(numbers) - MAX_LISTED_ROWS:,} more"
                problems.append(
                    Problem(
                        file,
                        numbers[0],
                        "+".join(key),
                        shown,
                        f"duplicate {'+'.join(key)} in rows {listed}",
                        f"each {'+'.join(key)} once",
                    )
                )
    return problems


# --- across files ---------------------------------------------------------------------------


def _check_foreign_keys(
    resources: Iterable[Mapping[str, Any]], tables: Mapping[str, Table]
) -> list[Problem]:
    problems: list[Problem] = []
    by_name = {res["name"]: res for res in resources}
    for resource in by_name.values():
        table = tables.get(resource["name"])
        if table is None:
            continue
        fields = {f["name"]: f for f in resource["schema"]["fields"]}
        for fk in resource["schema"].get("foreignKeys", []):
            local = fk["fields"] if isinstance(fk["fields"], str) else fk["fields"][0]
            ref = fk["reference"]
            ref_field = ref["fields"] if isinstance(ref["fields"], str) else ref["fields"][0]
            target = tables.get(ref["resource"])
            target_file = by_name[ref["resource"]]["path"]
            if target is None:
                problems.append(
                    Problem(
                        table.file,
                        None,
                        local,
                        None,
                        f"references to {target_file} cannot be checked",
                        f"fix {target_file} first",
                    )
                )
                continue
            # Both sides without stray spaces: those are reported once, on their own cell.
            known = list(dict.fromkeys(_clean(row.get(ref_field, "")) for _, row in target.rows))
            known_set = set(known)
            # 100,000 rows often repeat the same unknown value
            hints: dict[str, tuple[str, str | None]] = {}
            for number, row in table.rows:
                value = _clean(row.get(local, ""))
                if value == "":
                    continue
                for item in _split(fields[local], value):
                    if not item or item in known_set or _ODD_SPACE_RE.search(item):
                        continue
                    if item not in hints:
                        hints[item] = _choices(item, known, target_file, ref_field)
                    expected, hint = hints[item]
                    problems.append(
                        Problem(
                            table.file,
                            number,
                            local,
                            item,
                            f"unknown {ref_field} (not in {target_file})",
                            expected,
                            hint=hint,
                        )
                    )
    return problems


def _check_excluded_references(
    resources: Iterable[Mapping[str, Any]], tables: Mapping[str, Table]
) -> list[Problem]:
    """Rules "no row may refer to a row of X whose column C is V" (x-excludedReferences).

    For example, survey_elements.csv may not list an entity that survey_responses.csv says was
    unable to share recommendations.
    """
    problems: list[Problem] = []
    by_name = {res["name"]: res for res in resources}
    for resource in by_name.values():
        table = tables.get(resource["name"])
        for rule in resource["schema"].get("x-excludedReferences", []):
            target = tables.get(rule["reference"]["resource"])
            if table is None or target is None:
                continue
            local, ref_field = rule["fields"][0], rule["reference"]["fields"][0]
            excluded = {
                _clean(row[ref_field])
                for _, row in target.rows
                if all(_clean(row.get(k, "")) == v for k, v in rule["where"].items())
            }
            target_file = by_name[rule["reference"]["resource"]]["path"]
            where = ", ".join(f"{k} {v}" for k, v in rule["where"].items())
            for number, row in table.rows:
                if _clean(row.get(local, "")) in excluded:
                    problems.append(
                        Problem(
                            table.file,
                            number,
                            local,
                            row[local],
                            f"{rule['message']} ({target_file} gives it {where})",
                            rule["expected"],
                        )
                    )
    return problems


def _choices(
    item: str, known: list[str], target_file: str, ref_field: str
) -> tuple[str, str | None]:
    """(what a reference may be, a suggestion or None) for an unknown reference `item`."""
    hint = _did_you_mean(item, tuple(known)) if len(known) <= MAX_SUGGESTION_CHOICES else None
    if len(known) <= MAX_LISTED_CHOICES:
        return f"one of: {', '.join(visible(k) for k in known)}", hint
    return f"an existing {ref_field} from {target_file}", hint


@functools.lru_cache(maxsize=4096)
def _did_you_mean(item: str, choices: tuple[str, ...]) -> str | None:
    """The suggestion "did you mean 'almaty'?" for the closest choice (the same letters in
    another case first), or None."""
    folded = item.casefold()
    close = [c for c in choices if c.casefold() == folded]
    close = close or difflib.get_close_matches(item, choices, n=1)
    return f"did you mean '{visible(close[0])}'?" if close else None
