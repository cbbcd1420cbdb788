"""build/index.html: the page a reader opens first — documents, checks, changes, provenance.

Written by the Snakefile whenever a run ends (success, failed job or invalid inputs), so it
always says what state build/ is in, and by nothing else. It reads only what the run left.
"""

from __future__ import annotations

import csv
import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .io import atomic_write_text


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


def _pages(pdf: Path) -> int | None:
    try:
        from pypdf import PdfReader

        return len(PdfReader(pdf).pages)
    except Exception:  # a damaged or half-written file: the page says so by omission
        return None


def _href(path: Path, build_dir: Path) -> str:
    return Path(os.path.relpath(path, build_dir)).as_posix()


def documents_overview(
    build_dir: Path, docs: Iterable[str], titles: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """Each document's files, pages and size; `titles` names them (their outlines' kinds)."""
    rows = []
    for doc in docs:
        html, pdf = build_dir / "html" / f"{doc}.html", build_dir / "pdf" / f"{doc}.pdf"
        rows.append(
            {
                "name": (titles or {}).get(doc) or doc.replace("_", " ").capitalize(),
                "html": _href(html, build_dir) if html.is_file() else None,
                "pdf": _href(pdf, build_dir) if pdf.is_file() else None,
                "pages": _pages(pdf) if pdf.is_file() else None,
                "size": _size(pdf) if pdf.is_file() else None,
            }
        )
    return rows


def reconciliation_counts(csv_path: Path) -> dict[str, int] | None:
    if not csv_path.is_file():
        return None
    with csv_path.open(encoding="utf-8", newline="") as handle:
        return dict(sorted(Counter(row["status"] for row in csv.DictReader(handle)).items()))


def build_record(manifest: Path) -> dict[str, Any] | None:
    if not manifest.is_file():
        return None
    data = json.loads(manifest.read_text(encoding="utf-8"))
    built = datetime.fromtimestamp(manifest.stat().st_mtime, UTC)
    software = data.get("software", {})
    return {
        "commit": (data.get("project", {}).get("commit") or "")[:12] or None,
        "dirty": bool(data.get("project", {}).get("dirty")),
        "time": built.strftime("%Y-%m-%d %H:%M UTC"),
        "python": software.get("python"),
        "packages": software.get("packages", {}),
        "libraries": software.get("libraries", {}),
    }


def other_outputs(build_dir: Path, results_dir: Path) -> list[dict[str, str]]:
    """Every other file of the build, linked, so nothing needs to be found by hand."""
    shown = {"index.html"}
    links = []
    for path in sorted(build_dir.rglob("*")):
        rel = path.relative_to(build_dir)
        if (
            not path.is_file()
            or rel.parts[0] in ("html", "pdf", "editions")
            or rel.name in shown
            or rel.name.startswith(".")
        ):
            continue
        links.append({"href": _href(path, build_dir), "label": rel.as_posix()})
    for path in sorted((results_dir / "summary").glob("*")):
        links.append({"href": _href(path, build_dir), "label": f"results/summary/{path.name}"})
    return links


def write_overview(
    build_dir: str | os.PathLike[str],
    results_dir: str | os.PathLike[str],
    docs: Iterable[str],
    status: str,
    templates_dir: str | os.PathLike[str],
    message: str | None = None,
    titles: Mapping[str, str] | None = None,
) -> None:
    """Write `<build_dir>/index.html`. `status`: "built", "failed" or "invalid"; `titles`
    names the documents (by default, from their file names)."""
    from .templating import render_page

    build, results = Path(build_dir), Path(results_dir)
    changes = build / "changes.txt"
    context: Mapping[str, Any] = {
        "status": status,
        "message": message,
        "documents": documents_overview(build, docs, titles),
        "validation": {"html": "validation.html", "csv": "validation.csv"},
        "reconciliation": reconciliation_counts(build / "reconciliation.csv"),
        "changes": changes.read_text(encoding="utf-8").strip() if changes.is_file() else None,
        "build": build_record(build / "manifest.json"),
        "outputs": other_outputs(build, results),
    }
    page = render_page("overview.html.j2", context, templates_dir)
    atomic_write_text(build / "index.html", page)
