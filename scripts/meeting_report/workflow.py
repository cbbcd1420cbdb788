"""What the Snakefile needs to plan exact builds: the project modules each entry script imports,
the configured folders, where an edition's outputs go, and the config each job reads.

Kept free of pandas and WeasyPrint so that reading the Snakefile stays fast.
"""

from __future__ import annotations

import ast
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PACKAGE = "meeting_report"


class ConfigError(ValueError):
    """A configured path or name that cannot be used; the message names the config key."""


# --------------------------------------------------------------------------- code inputs


def _imported_names(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Dotted names of everything `module` imports, anywhere in its body (lazy imports count)."""
    names: set[str] = set()
    package_parts = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package_parts[: len(package_parts) - (node.level - 1)]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            names.add(base)
            # `from pkg import mod` imports the submodule `pkg.mod` when there is one.
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _module_file(name: str, search_dir: Path) -> Path | None:
    parts = name.split(".")
    if parts[0] != PACKAGE:
        return None
    base = search_dir.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def code_inputs(script: str | os.PathLike[str], search_dir: str | os.PathLike[str]) -> list[str]:
    """The project modules `script` runs, transitively: the files to declare as its inputs.

    Snakemake reruns a rule when its `script:` changes but not when a module the script imports
    does, so every module of our package that can execute in the job is an input. Imports inside
    functions count too. Paths are given as `search_dir` is (relative stays relative).
    """
    root = Path(search_dir)
    found: dict[str, Path] = {}
    queue: list[tuple[Path, str, bool]] = [(Path(script), "__main__", False)]
    while queue:
        path, module, is_package = queue.pop()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name in sorted(_imported_names(tree, module, is_package)):
            parts = name.split(".")
            # Importing a.b.c runs a/__init__.py and a/b/__init__.py first.
            for depth in range(1, len(parts) + 1):
                prefix = ".".join(parts[:depth])
                if prefix in found:
                    continue
                file = _module_file(prefix, root)
                if file is not None:
                    found[prefix] = file
                    queue.append((file, prefix, file.name == "__init__.py"))
    return sorted(str(path) for path in found.values())


def narrative_files(doc: str, narrative_dir: str | os.PathLike[str]) -> list[str]:
    """The narrative files `doc` renders, its outline included (outline.document_inputs)."""
    from .outline import document_inputs

    return list(document_inputs(narrative_dir, doc).narrative)


# --------------------------------------------------------------------------- configured paths


def require_paths(config: Mapping[str, Any], folders: Iterable[str], files: Iterable[str]) -> None:
    """Every configured folder and file exists; otherwise one error naming each bad key."""
    problems = []
    for key in folders:
        if not Path(config[key]).is_dir():
            problems.append(f"config key {key!r}: folder {config[key]!r} does not exist")
    for key in files:
        if not Path(config[key]).is_file():
            problems.append(f"config key {key!r}: file {config[key]!r} does not exist")
    if problems:
        raise ConfigError("; ".join(problems))


# --------------------------------------------------------------------------- editions


@dataclass(frozen=True)
class OutputRoots:
    """Where one edition's outputs go: documents and reports, and machine-readable results."""

    build: str
    results: str


def output_roots(edition: str) -> OutputRoots:
    """The default edition builds into build/ and results/; another into its own subfolders."""
    if not edition:
        return OutputRoots("build", "results")
    return OutputRoots(f"build/editions/{edition}", f"results/editions/{edition}")


EDITION_RECORD = "edition.json"


def claim_output_folder(build_dir: str, sources: Mapping[str, str]) -> None:
    """Refuse to build one edition's sources into a folder that holds another edition's outputs.

    `sources` names what identifies an edition (its raw data and narrative folders). The first
    build of a folder records them in `<build_dir>/edition.json`; a later build with other
    sources would overwrite those documents and compare one edition's figures with another's.
    """
    record = Path(build_dir) / EDITION_RECORD
    wanted = dict(sorted(sources.items()))
    text = json.dumps(wanted, indent=2) + "\n"
    if record.is_file():
        try:
            held = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            held = None
        if isinstance(held, dict) and held != wanted:
            shown = ", ".join(f"{k}={v}" for k, v in held.items())
            asked = ", ".join(f"{k}={v}" for k, v in wanted.items())
            raise ConfigError(
                f"{build_dir}/ holds the edition built from {shown}; building {asked} there "
                f"would overwrite it. Give this edition its own output folder with "
                f"--config edition=NAME (its outputs go to build/editions/NAME/), or delete "
                f"{build_dir}/ to replace the edition."
            )
        if held == wanted:
            return
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- config per job


def document_config(config: Mapping[str, Any], shows_survey: bool) -> dict[str, Any]:
    """The configuration a document prints or depends on, and nothing else.

    Passed to the render job as a param, so an edit to any of these values reruns exactly the
    documents that read it (Snakemake reruns a job when its params change).
    """
    chosen: dict[str, Any] = {"meeting": config["meeting"], "build_date": config["build_date"]}
    if shows_survey:
        chosen["survey"] = config.get("survey", {})
        chosen["recurrence"] = config["recurrence"]
    return json.loads(json.dumps(chosen))
