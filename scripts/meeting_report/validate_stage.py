"""The validation step: check every raw CSV, report all problems, stop before anything is built.

The Snakefile calls `validate_or_stop` while it is read, before Snakemake plans a single job (as
sample sheets are checked in the Snakemake workflow catalog). Rules then read the raw CSVs
directly, so an edit to one CSV reruns only the rules that read it.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .io import atomic_write_text
from .validation import Report, load_descriptor, validate_directory

log = logging.getLogger("meeting_report.validate")
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


class InvalidInputs(SystemExit):
    """Raised (exit status 1) when the raw data has problems; nothing downstream may run."""


def render_report(report: Report, raw_dir: str) -> str:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined
    )
    return env.get_template("validation.html.j2").render(
        raw_dir=raw_dir, files=report.files_checked, problems=report.problems
    )


def summary_lines(report: Report, raw_dir: str, report_html: str) -> list[str]:
    lines = [problem.format() for problem in report.problems]
    lines.append(
        f"{len(report.problems)} problem(s) in {raw_dir}; nothing was built. Fix them and run "
        f"snakemake again (this list is also in {report_html})."
    )
    return lines


def run(raw_dir: str, schema: str, report_html: str) -> Report:
    """Validate `raw_dir` and write the HTML report; raise `InvalidInputs` on any problem."""
    report = validate_directory(raw_dir, load_descriptor(schema))
    atomic_write_text(report_html, render_report(report, raw_dir))
    if report.problems:
        for line in summary_lines(report, raw_dir, report_html):
            log.error(line)
        raise InvalidInputs(1)
    log.info("%d files valid: %s", len(report.tables), ", ".join(report.files_checked))
    return report


def validate_or_stop(raw_dir: str, schema: str, report_html: str) -> None:
    """For the Snakefile: print every problem to the terminal and exit 1, or return quietly."""
    report = validate_directory(raw_dir, load_descriptor(schema))
    if report.problems:
        atomic_write_text(report_html, render_report(report, raw_dir))
        sys.stderr.write(
            "\n".join(["Invalid inputs:", *summary_lines(report, raw_dir, report_html)]) + "\n"
        )
        raise InvalidInputs(1)
