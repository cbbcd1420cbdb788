"""The validation step: check every raw CSV, report all problems, write validated copies."""

from __future__ import annotations

import logging
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .io import atomic_write_text
from .validation import Report, load_descriptor, normalised_csv, validate_directory

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


def run(raw_dir: str, schema: str, validated_dir: str, report_html: str) -> Report:
    """Validate `raw_dir`; on success write each table to `validated_dir`/<name>.csv.

    The HTML report is written in both cases; on failure no validated copy is written and
    `InvalidInputs` is raised after every problem has been logged.
    """
    report = validate_directory(raw_dir, load_descriptor(schema))
    atomic_write_text(report_html, render_report(report, raw_dir))
    if report.problems:
        for problem in report.problems:
            log.error(problem.format())
        log.error(
            "%d problem(s) in %s; nothing was built. Fix them and run snakemake again "
            "(full list: %s).",
            len(report.problems),
            raw_dir,
            report_html,
        )
        raise InvalidInputs(1)
    out = Path(validated_dir)
    for name, table in report.tables.items():
        target = out / f"{name}.csv"
        text = normalised_csv(table)
        # Rewriting identical bytes would still bump the mtime; keep the file when unchanged.
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            atomic_write_text(target, text)
    log.info("%d files valid: %s", len(report.tables), ", ".join(report.files_checked))
    return report
