"""Shared fixtures: the project root and a throw-away copy of the project to run the workflow in."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from meeting_report.fonts import use_project_fonts
from tools.seed_path import SEED, SEED_RELATIVE

ROOT = Path(__file__).resolve().parents[1]
# The project's own folders, as the Snakefile finds them beside itself.
ASSETS_DIR = ROOT / "assets"
TEMPLATES_DIR = ROOT / "templates"
CONTENT_DIR = ROOT / "content"
# Before any test module imports WeasyPrint (test_pdf.py does, at collection): renders in this
# process see the bundled fonts only, and pdf_bytes' own call finds them already set.
use_project_fonts(ASSETS_DIR / "fonts")
# The published report is not in the repository: what needs it skips, saying why.
NO_SEED = f"the published report is not beside the repository ({SEED_RELATIVE}, here {SEED})"
# What a run needs from the project; never the venv, git metadata or earlier outputs.
PROJECT_ITEMS = (
    "Snakefile",
    "config.yaml",
    "schemas",
    "envs",
    "profiles",
    "scripts",
    "templates",
    "assets",
    "content",
    "data",
    "report",
)


def copy_project(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for item in PROJECT_ITEMS:
        source = ROOT / item
        if source.is_dir():
            shutil.copytree(
                source, target / item, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
        elif source.exists():
            shutil.copy2(source, target / item)
    return target


def snakemake_command(workdir: Path, *args: str) -> tuple[list[str], dict[str, str]]:
    """The command and environment that run the workflow in `workdir` with this interpreter's
    Snakemake and an explicit config (for subprocess).

    No PYTHONPATH: the Snakefile itself must make its jobs import the package beside it, not
    the one this interpreter has installed (the repository's own checkout).
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    cmd = [
        sys.executable,
        "-m",
        "snakemake",
        "--directory",
        str(workdir),
        "--snakefile",
        str(workdir / "Snakefile"),
        "--configfile",
        str(workdir / "config.yaml"),
        *args,
    ]
    return cmd, env


def snakemake(workdir: Path, *args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the workflow in `workdir` (see `snakemake_command`) and capture its output."""
    cmd, env = snakemake_command(workdir, *args)
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=workdir)
    if check and result.returncode != 0:
        raise AssertionError(
            f"snakemake {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        )
    return result


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def seed_path() -> Path:
    """The published report's path (../shared/seed beside the repository); skips without it."""
    if not SEED.is_file():
        pytest.skip(NO_SEED)
    return SEED


@pytest.fixture(scope="session")
def seed_text(seed_path: Path) -> str:
    """The published report's text (see `seed_path`)."""
    return seed_path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def built_project(tmp_path_factory) -> Path:
    """One full build of a copy of the project, shared by the tests that only read it."""
    project = copy_project(tmp_path_factory.mktemp("built") / "project")
    snakemake(project, "--cores", "2", check=True)
    return project
