"""The validation step: check every raw CSV, report all problems, stop before anything is built.

The Snakefile calls `validate_or_stop` while it is read, before Snakemake plans a single job (as
sample sheets are checked in the Snakemake workflow catalog). Rules then read the raw CSVs
directly, so an edit to one CSV reruns only the rules that read it.

Because it runs on every invocation, the report it writes is always the current one: valid,
invalid or crashed. A file is rewritten only when its bytes change, so a no-op run leaves the
mtimes alone, and nothing in it depends on the clock.
"""

from __future__ import annotations

import csv
import datetime
import functools
import html
import io
import json
import os
import sys
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from .io import atomic_write_bytes
from .validation import (
    HIDDEN_RE,
    Problem,
    Report,
    SchemaError,
    char_label,
    load_descriptor,
    os_reason,
    validate_directory,
    visible,
)

# A terminal is read, not scrolled through: this many problems per file, then a count.
TERMINAL_PER_FILE = 20
# The HTML page must open in a browser; every problem is in the CSV beside it.
HTML_MAX_PROBLEMS = 1000
CSV_COLUMNS = ("file", "row", "column", "value", "problem", "expected")


class InvalidInputs(SystemExit):
    """Raised (exit status 1) when the raw data has problems; nothing downstream may run."""


class ValidationIncomplete(SystemExit):
    """Raised (exit status 1) when validation could not run or its report could not be written."""


def validate_or_stop(
    raw_dir: str,
    schema: str,
    report_html: str,
    report_csv: str,
    manifest: str | None = None,
    *,
    templates_dir: str | os.PathLike[str],
) -> None:
    """Validate `raw_dir` and write the reports; return quietly only when every file is valid.

    Invalid inputs: print the problems (a bounded list) to stderr and raise `InvalidInputs`.
    Anything that stops validation itself (missing schema, a bug, an unwritable report) prints
    one line saying what failed and raises `ValidationIncomplete`. When the run stops and
    `manifest` is given, the terminal and the page say which build the documents are from.
    The page's template is `validation.html.j2` in `templates_dir` (the workflow's templates).
    """
    stop: type[SystemExit] | None = None
    lines: list[str] = []
    try:
        report = validate_directory(raw_dir, load_descriptor(schema))
        notice = stale_outputs_notice(manifest) if report.problems else None
        page = render_report(report, raw_dir, templates_dir, report_html, report_csv, notice)
        table = problems_csv(report.problems)
        if report.problems:
            stop = InvalidInputs
            lines = ["Invalid inputs:", *summary_lines(report, raw_dir, report_html, report_csv)]
    except Exception as err:  # a validator bug must still leave a current report
        failure = str(err) if isinstance(err, SchemaError) else describe(err)
        notice = stale_outputs_notice(manifest)
        page, table = crash_page(failure, raw_dir, templates_dir, notice), crash_csv(failure)
        stop, lines = (
            ValidationIncomplete,
            [f"Validation of {raw_dir} could not complete: {failure}"],
        )
    if notice:
        lines.append(notice)

    for path, text in ((report_html, page), (report_csv, table)):
        error = write_if_changed(path, text.encode("utf-8"))
        if error:
            stop = stop or ValidationIncomplete
            lines.append(error)
    if stop is not None:
        sys.stderr.write("\n".join(lines) + "\n")
        raise stop(1)


# --- what is said ---------------------------------------------------------------------------


def stale_outputs_notice(manifest_path: str | os.PathLike[str] | None) -> str | None:
    """One sentence saying what the documents in the build folder are, for a failed run.

    `manifest_path` is the build's manifest.json, which is written only when a run succeeds:
    its commit and its mtime (UTC) say which build the documents come from. None when no
    manifest path is given.
    """
    if manifest_path is None:
        return None
    path = Path(manifest_path)
    folder = f"{path.parent.as_posix()}/"
    try:
        written = datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.UTC)
    except FileNotFoundError:
        return (
            f"No documents have been built from these inputs ({path.as_posix()} does not exist: "
            "no build has succeeded yet)."
        )
    except OSError as err:
        return f"The documents in {folder} may not match the current inputs ({os_reason(err)})."
    return (
        f"The documents in {folder} are from the last successful build ({_build_name(path)}, "
        f"{written:%Y-%m-%dT%H:%MZ}) and do not match the current inputs."
    )


def _build_name(manifest: Path) -> str:
    """'commit 1c37068', 'commit 1c37068 with uncommitted changes', or why it is unknown."""
    try:
        project = json.loads(manifest.read_bytes())["project"]
        commit, dirty = project.get("commit"), project.get("dirty")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return "commit unknown: its manifest cannot be read"
    if not isinstance(commit, str) or not commit:
        return "commit unknown"
    return f"commit {commit[:7]}" + (" with uncommitted changes" if dirty else "")


def describe(err: BaseException) -> str:
    """An exception as one line: its type, message and the line of code that raised it."""
    message = " ".join(str(err).split())
    if len(message) > 300:
        message = message[:299] + "…"
    text = f"{type(err).__name__}: {message}" if message else type(err).__name__
    frames = traceback.extract_tb(err.__traceback__)
    if frames:
        text += f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})"
    return text


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def per_file(problems: list[Problem]) -> dict[str, int]:
    """Problems per file, in the report's order."""
    return dict(Counter(p.file for p in problems))


def summary_lines(report: Report, raw_dir: str, report_html: str, report_csv: str) -> list[str]:
    """The terminal's list: at most TERMINAL_PER_FILE problems a file, then the totals."""
    lines: list[str] = []
    shown: Counter[str] = Counter()
    counts = per_file(report.problems)
    for problem in report.problems:
        shown[problem.file] += 1
        if shown[problem.file] <= TERMINAL_PER_FILE:
            lines.append(problem.format())
        if shown[problem.file] == counts[problem.file] > TERMINAL_PER_FILE:
            more = counts[problem.file] - TERMINAL_PER_FILE
            lines.append(
                f"… and {_count(more, 'more problem')} in {problem.file} "
                f"({counts[problem.file]:,} in all)"
            )
    total = len(report.problems)
    totals = ", ".join(f"{file}: {n:,}" for file, n in counts.items())
    if total <= HTML_MAX_PROBLEMS:
        where = f"every problem is also in {report_html} and {report_csv}"
    else:
        where = (
            f"every problem is in {report_csv}, the first {HTML_MAX_PROBLEMS:,} in {report_html}"
        )
    lines.append(
        f"{_count(total, 'problem')} in {raw_dir} ({totals}); nothing was built. Fix them and run "
        f"snakemake again ({where})."
    )
    return lines


# --- what is written ------------------------------------------------------------------------


def _shown(problem: Problem) -> dict[str, str]:
    """A problem's cells as the CSV shows them: hidden characters as <U+XXXX>, cut."""
    return {
        "file": _visible_cached(problem.file, 200),
        "row": "" if problem.row is None else str(problem.row),
        "column": _visible_cached(problem.column or "", 200),
        "value": "" if problem.value is None else visible(problem.value, 200),
        "problem": _visible_cached(problem.message, 500),
        "expected": _visible_cached(problem.expectation(), 500),
    }


# File, column, message and expectation repeat across rows; values mostly do not.
_visible_cached = functools.lru_cache(maxsize=4096)(visible)


def _on_page(problem: Problem) -> dict[str, Any]:
    """A problem's cells as the HTML page shows them: what a reader cannot see, marked."""
    return {
        "file": marked(problem.file),
        "row": "" if problem.row is None else str(problem.row),
        "column": marked(problem.column or ""),
        "value": None if problem.value is None else marked(problem.value),
        "problem": _visible_cached(problem.message, 500),
        "expected": _visible_cached(problem.expected or "", 500),
        "hint": _visible_cached(problem.hint or "", 500),
    }


def marked(value: str, limit: int = 200) -> Markup:
    """`value` as escaped HTML in which every character a reader cannot see is a marked span:
    "⟨U+200B zero-width space⟩" for a hidden one, "␣" for a space at the start or the end.

    The terminal and the CSV write the same characters as <U+200B>; a browser would draw them
    as nothing (or as an ordinary space), so the page names them.
    """
    cut = len(value) > limit
    text = value[: limit - 1] if cut else value
    body = text.strip(" ")
    start = text.index(body) if body else len(text)
    parts = [_SPACE_MARK] * start
    shown = 0
    for hidden in HIDDEN_RE.finditer(body):
        parts.append(escape(body[shown : hidden.start()]))
        parts.append(_HIDDEN_MARK.format(char_label(hidden.group())))
        shown = hidden.end()
    parts.append(escape(body[shown:]))
    parts += [_SPACE_MARK] * (len(text) - start - len(body))
    if cut:
        parts.append(Markup("…"))
    return Markup("").join(parts)


_SPACE_MARK = Markup('<span class="space-mark" title="space">␣</span>')
_HIDDEN_MARK = Markup('<span class="hidden-char">⟨{}⟩</span>')


def _page(templates_dir: str | os.PathLike[str], **values: Any) -> str:
    from .templating import render_page

    return render_page("validation.html.j2", values, templates_dir)


def render_report(
    report: Report,
    raw_dir: str,
    templates_dir: str | os.PathLike[str],
    report_html: str = "build/validation.html",
    report_csv: str = "build/validation.csv",
    stale: str | None = None,
) -> str:
    """build/validation.html: the first HTML_MAX_PROBLEMS problems, and where the rest are."""
    csv_href = Path(os.path.relpath(report_csv, Path(report_html).parent)).as_posix()
    return _page(
        templates_dir,
        raw_dir=raw_dir,
        files=report.files_checked,
        problems=[_on_page(p) for p in report.problems[:HTML_MAX_PROBLEMS]],
        total=len(report.problems),
        per_file={visible(f, 200): n for f, n in per_file(report.problems).items()},
        csv_href=csv_href,
        stale=stale,
        failure=None,
    )


def crash_page(
    failure: str, raw_dir: str, templates_dir: str | os.PathLike[str], stale: str | None
) -> str:
    """The page for a validation that could not complete; plain HTML if the template fails too."""
    try:
        return _page(
            templates_dir,
            raw_dir=raw_dir,
            files=[],
            problems=[],
            total=0,
            per_file={},
            csv_href="",
            stale=stale,
            failure=failure,
        )
    except Exception:
        notice = f"<p>{html.escape(stale)}</p>" if stale else ""
        return (
            '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
            "<title>Validation could not complete</title></head>\n<body><main>\n"
            f"<h1>Validation of <code>{html.escape(raw_dir)}</code> could not complete</h1>\n"
            f"<p>{html.escape(failure)}</p>\n<p>Nothing was built.</p>\n{notice}\n"
            "</main></body>\n</html>\n"
        )


def problems_csv(problems: list[Problem]) -> str:
    """build/validation.csv: every problem, spreadsheet-safe (no cell starts a formula)."""
    if not problems:  # the valid case, on every snakemake run: no need to load pandas
        return ",".join(CSV_COLUMNS) + "\n"
    import pandas as pd

    from .safe_csv import to_safe_csv_text

    rows = [_shown(p) for p in problems]
    return to_safe_csv_text(pd.DataFrame(rows, columns=list(CSV_COLUMNS), dtype=str))


def crash_csv(failure: str) -> str:
    """One row saying validation did not complete: an empty list would read as "all valid".

    Written without pandas, which may be what failed; the cell starts with a letter, so it is
    spreadsheet-safe as it is.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerow(["", "", "", "", f"validation could not complete: {failure}", ""])
    return out.getvalue()


def write_if_changed(path: str, data: bytes) -> str | None:
    """Write `data` unless the file already holds it; return a one-line error if it cannot."""
    target = Path(path)
    try:
        if target.read_bytes() == data:
            return None
    except OSError:
        pass  # missing or unreadable: write it
    try:
        atomic_write_bytes(target, data)
    except (FileExistsError, NotADirectoryError):  # mkdir or open under a file
        return f"Cannot write {path}: a file stands where one of its folders should be."
    except OSError as err:
        return f"Cannot write {path}: {os_reason(err)}."
    return None
