"""Records of what a build was made from: file hashes, versions, configuration, commit."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from .fonts import text_library_versions
from .io import atomic_write_text

KEY_PACKAGES = (
    "meeting-report",
    "snakemake",
    "pandas",
    "jinja2",
    "weasyprint",
    "markdown-it-py",
    "mdit-py-plugins",
    "matplotlib",
    "pydyf",
    "fonttools",
    # WeasyPrint's own parsers and hyphenation dictionaries: they move line breaks too.
    "tinycss2",
    "cssselect2",
    "pyphen",
)


def sha256_file(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def file_hashes(paths: Iterable[str | os.PathLike[str]]) -> dict[str, str]:
    """{path: sha256}, sorted by path, for the files that exist."""
    return {str(p): sha256_file(p) for p in sorted({str(p) for p in paths}) if Path(p).is_file()}


def software_versions() -> dict[str, Any]:
    versions: dict[str, str] = {}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "python": platform.python_version(),
        "packages": versions,
        # The C libraries that shape and set the text: same packages, other libraries, other PDF.
        "libraries": text_library_versions(),
    }


def git_revision(root: str | os.PathLike[str]) -> dict[str, Any]:
    """The commit the build ran on, and whether the work tree had uncommitted changes."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(dirty.strip())}


def sources_manifest(
    document: str, inputs: Iterable[str | os.PathLike[str]], config: Mapping[str, Any]
) -> dict[str, Any]:
    """What one document was rendered from; embedded in its PDF.

    No commit and no clock in here: the same inputs give the same bytes whatever the checkout.
    """
    return {
        "document": document,
        "inputs": file_hashes(inputs),
        "software": software_versions(),
        "config": dict(config),
    }


def build_manifest(
    inputs: Iterable[str | os.PathLike[str]],
    outputs: Iterable[str | os.PathLike[str]],
    config: Mapping[str, Any],
    root: str | os.PathLike[str] = ".",
) -> dict[str, Any]:
    """build/manifest.json: every input and output with its hash, software, config, commit."""
    return {
        "project": {
            "version": software_versions()["packages"]["meeting-report"],
            **git_revision(root),
        },
        "software": software_versions(),
        "config": dict(config),
        "inputs": file_hashes(inputs),
        "outputs": file_hashes(outputs),
    }


def write_build_manifest(
    path: str | os.PathLike[str],
    inputs: Iterable[str | os.PathLike[str]],
    outputs: Iterable[str | os.PathLike[str]],
    config: Mapping[str, Any],
) -> None:
    """Write build/manifest.json, but only when its content changes (its mtime then means it)."""
    text = dump(build_manifest(inputs, outputs, config))
    target = Path(path)
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        atomic_write_text(target, text)


def dump(data: Mapping[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def write_json(path: str | os.PathLike[str], data: Mapping[str, Any]) -> None:
    atomic_write_text(path, dump(data))


def embedded_sources(
    sources_json: str | os.PathLike[str], tables: Iterable[str | os.PathLike[str]]
) -> tuple[list[Any], str]:
    """The files a PDF embeds (its CSVs and its sources record) and a short build id.

    The build id is the start of the sources record's hash: two PDFs with the same id were
    built from identical inputs, software and configuration.
    """
    from .pdf import EmbeddedFile

    record = Path(sources_json).read_bytes()
    files = [
        EmbeddedFile(
            "sources.json",
            record,
            "What this document was built from: file hashes, software, config",
        )
    ]
    for path in sorted(str(p) for p in tables):
        files.append(
            EmbeddedFile(
                Path(path).name, Path(path).read_bytes(), f"Source data: {Path(path).name}"
            )
        )
    return files, hashlib.sha256(record).hexdigest()[:12]
