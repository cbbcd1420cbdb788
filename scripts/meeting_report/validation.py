"""Validation of the raw CSVs against the Data Package descriptor (schemas/datapackage.json).

The descriptor uses the Frictionless Table Schema vocabulary (types, constraints, primaryKey,
foreignKeys, `list` fields with a `delimiter`). The checks are ours rather than a library's because
authors need every problem of every file in one run, each located as a spreadsheet shows it, and
a few checks that generic validators lack (bidi overrides, invisible characters in ids, `;` exports,
unsafe link schemes). See the provenance of this choice in README.md.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Characters that reorder or hide text: never acceptable in a cell.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
INVISIBLE = set("\u200b\u200c\u200d\u2060\ufeff\u00ad")
# Words spreadsheets and pandas treat as "missing" by default; a required cell must hold real data.
MISSING_PLACEHOLDERS = {"na", "n/a", "nan", "none", "null", "nil", "-", "--", "?", "#n/a"}
SAFE_LINK_SCHEMES = ("http://", "https://", "mailto:")
UNSAFE_SCHEME_RE = re.compile(
    r"(?<![\w.+-])(javascript|vbscript|data|file|ftp|blob)\s*:", re.IGNORECASE
)
DEFAULT_MAX_LENGTH = 4000
MAX_LISTED_CHOICES = 12


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

    def format(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        text = f"{where}: {self.message}"
        if self.value is not None:
            text += f" (found {shorten(self.value)!s})"
        if self.expected:
            text += f"; expected {self.expected}"
        return text


def shorten(value: str, limit: int = 80) -> str:
    """A value as it can be printed safely: control characters made visible, long text cut."""
    shown = "".join(
        f"<U+{ord(ch):04X}>"
        if ch in BIDI_CONTROLS or ch in INVISIBLE or unicodedata.category(ch) == "Cc"
        else ch
        for ch in value
    )
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return repr(shown)


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


def load_descriptor(path: str | Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def validate_directory(raw_dir: str | Path, descriptor: Mapping[str, Any]) -> Report:
    """Check every resource of the descriptor in `raw_dir`, and every CSV that is not declared."""
    raw = Path(raw_dir)
    problems: list[Problem] = []
    tables: dict[str, Table] = {}
    resources = list(descriptor["resources"])
    declared = {res["path"] for res in resources}

    for stray in sorted(p.name for p in raw.glob("*.csv") if p.name not in declared):
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
        table, found = _check_resource(raw, resource)
        problems.extend(found)
        if table is not None:
            tables[resource["name"]] = table

    problems.extend(_check_foreign_keys(resources, tables))
    problems.extend(_check_excluded_references(resources, tables))
    order = {res["path"]: i for i, res in enumerate(resources)}
    problems.sort(key=lambda p: (order.get(p.file, -1), p.file, p.row or 0, p.column or ""))
    return Report(problems, tables, [res["path"] for res in resources])


# --- one file -------------------------------------------------------------------------------


def _check_resource(raw: Path, resource: Mapping[str, Any]) -> tuple[Table | None, list[Problem]]:
    file = resource["path"]
    path = raw / file
    schema = resource["schema"]
    fields = {f["name"]: f for f in schema["fields"]}
    if not path.is_file():
        return None, [Problem(file, None, None, None, "file is missing", f"{file} in {raw}")]

    data = path.read_bytes()
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

    records = list(csv.reader(io.StringIO(text, newline="")))
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
                problems += _check_cell(file, index, fields[name], value)
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
        if not name.strip():
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
        if name != name.strip() or any(ch in INVISIBLE or ch in BIDI_CONTROLS for ch in name):
            problems.append(
                Problem(
                    file,
                    1,
                    name.strip(),
                    name,
                    "column name has stray spaces or invisible characters",
                    f"exactly '{name.strip()}'",
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
        if name.strip() not in fields:
            close = difflib.get_close_matches(name.strip(), list(fields), n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            problems.append(
                Problem(file, 1, name, name, "unknown column", f"{hint}one of: {expected_names}")
            )
    for name, spec in fields.items():
        if name not in seen and name not in {h.strip() for h in header}:
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
    if problems:
        problems = [
            Problem(p.file, p.row, p.column, p.value, p.message, p.expected, "fatal")
            for p in problems
        ]
    return problems


def _column_letter(position: int) -> str:
    letters = ""
    while position:
        position, rem = divmod(position - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _is_key_field(spec: Mapping[str, Any]) -> bool:
    return bool(spec.get("x-key") or "enum" in spec.get("constraints", {}))


def _check_cell(file: str, row: int, spec: Mapping[str, Any], value: str) -> list[Problem]:
    name = spec["name"]
    constraints = spec.get("constraints", {})
    out: list[Problem] = []

    def problem(message: str, expected: str | None = None) -> None:
        out.append(Problem(file, row, name, value, message, expected))

    bidi = [ch for ch in value if ch in BIDI_CONTROLS]
    if bidi:
        problem(
            "contains bidirectional control characters that can disguise text",
            "plain text without U+202A–U+202E / U+2066–U+2069",
        )
    allowed_controls = {"\n", "\t"} if spec.get("x-multiline") else set()
    if any(unicodedata.category(ch) == "Cc" and ch not in allowed_controls for ch in value):
        problem("contains control characters", "printable text only")
    if value == "":
        if constraints.get("required"):
            problem("required cell is empty", spec.get("description") or "a value")
        return out
    if value != value.strip():
        problem("leading or trailing spaces", f"'{value.strip()}'")
    if any(ch in INVISIBLE for ch in value):
        problem(
            "contains invisible characters (zero-width space, soft hyphen or BOM)",
            "visible characters only",
        )
    if _is_key_field(spec) and "\u00a0" in value:
        problem("contains a non-breaking space", "ordinary characters only in an id or code")
    if constraints.get("required") and value.strip().lower() in MISSING_PLACEHOLDERS:
        problem("placeholder instead of a value", spec.get("description") or "a real value")
        return out

    max_length = constraints.get("maxLength", DEFAULT_MAX_LENGTH)
    if len(value) > max_length:
        problem(f"cell is {len(value)} characters long", f"at most {max_length} characters")
        return out
    if UNSAFE_SCHEME_RE.search(value):
        problem("contains a link with an unsafe scheme", "only http(s):// or mailto: links")

    items = _split(spec, value)
    for item in items:
        out += _check_typed(file, row, spec, value, item)
    return out


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
        close = difflib.get_close_matches(item, constraints["enum"], n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        problem("code not in its list", f"{hint}one of: {', '.join(constraints['enum'])}")
    if "pattern" in constraints and not re.fullmatch(constraints["pattern"], item):
        problem(
            "does not have the expected form",
            spec.get("x-expected") or f"text matching {constraints['pattern']}",
        )
    return out


def _valid_date(item: str) -> bool:
    if not DATE_RE.fullmatch(item):
        return False
    import datetime

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
            values = tuple(row.get(k, "") for k in key)
            if all(values):
                seen[values].append(number)
        for values, numbers in seen.items():
            if len(numbers) > 1:
                shown = ", ".join(values)
                problems.append(
                    Problem(
                        file,
                        numbers[0],
                        "+".join(key),
                        shown,
                        f"duplicate {'+'.join(key)} in rows {', '.join(map(str, numbers))}",
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
            known = [row.get(ref_field, "") for _, row in target.rows]
            known_set = set(known)
            for number, row in table.rows:
                value = row.get(local, "")
                if value == "":
                    continue
                for item in _split(fields[local], value):
                    if item and item not in known_set:
                        problems.append(
                            Problem(
                                table.file,
                                number,
                                local,
                                item,
                                f"unknown {ref_field} (not in {target_file})",
                                _choices_hint(item, known, target_file, ref_field),
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
                row[ref_field]
                for _, row in target.rows
                if all(row.get(k) == v for k, v in rule["where"].items())
            }
            target_file = by_name[rule["reference"]["resource"]]["path"]
            where = ", ".join(f"{k} {v}" for k, v in rule["where"].items())
            for number, row in table.rows:
                if row.get(local) in excluded:
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


def _choices_hint(item: str, known: list[str], target_file: str, ref_field: str) -> str:
    close = difflib.get_close_matches(item, known, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    if len(known) <= MAX_LISTED_CHOICES:
        return f"{hint}one of: {', '.join(known)}"
    return f"{hint}an existing {ref_field} from {target_file}"
