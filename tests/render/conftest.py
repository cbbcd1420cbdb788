"""The render tests' documents: the real data and narrative through the real context builder
(tests/real_documents.py), so that what is rendered here is what a reader gets."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest

from meeting_report.context import DocumentData
from tests.conftest import CONTENT_DIR
from tests.real_documents import (  # noqa: F401 (the render tests import them from here)
    DOCS,
    edited_row,
    make_data,
    render,
    replace_in,
)


@pytest.fixture(scope="session")
def real_data() -> Mapping[str, DocumentData]:
    """Each document's data from data/raw and config.yaml (shared: do not change it)."""
    return {doc: make_data(doc) for doc in DOCS}


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A copy of the narrative folder that a test may edit."""
    return Path(shutil.copytree(CONTENT_DIR, tmp_path / "content"))
