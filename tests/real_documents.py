"""The documents as a build builds them: the real data, config, outlines and narrative through
the real context builder (documents.data_from_tables). Tests change a table or a narrative file
of their own copy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from meeting_report.context import DocumentData
from meeting_report.documents import data_from_tables, document_html
from meeting_report.io import read_raw_csv
from meeting_report.outline import document_inputs
from meeting_report.workflow import document_config
from tests.conftest import ASSETS_DIR, CONTENT_DIR, ROOT, TEMPLATES_DIR

CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
RAW = ROOT / CONFIG["raw_dir"]
REFERENCE = ROOT / CONFIG["reference"]
DOCS = tuple(CONFIG["documents"])
BUILD_DATE = CONFIG["build_date"]


def folders(content_dir: Path = CONTENT_DIR) -> dict[str, Path]:
    return {"templates": TEMPLATES_DIR, "assets": ASSETS_DIR, "narrative": content_dir}


def make_data(
    doc: str,
    content_dir: Path = CONTENT_DIR,
    edit: Callable[[dict[str, pd.DataFrame]], None] | None = None,
) -> DocumentData:
    """`doc`'s data as its render job builds it; `edit` may change its tables first."""
    inputs = document_inputs(content_dir, doc)
    tables = {name: read_raw_csv(RAW / f"{name}.csv") for name in inputs.tables}
    if edit is not None:
        edit(tables)
    config = document_config(CONFIG, inputs.shows_survey)
    return data_from_tables(doc, config, tables, folders(content_dir), REFERENCE)


def render(
    doc: str,
    data: DocumentData,
    content_dir: Path = CONTENT_DIR,
    medium: str = "screen",
) -> str:
    return document_html(doc, data, folders(content_dir), medium)


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edited_row(table: str, column: str, value: Any) -> Callable[[dict[str, pd.DataFrame]], None]:
    """An `edit` that sets `column` of the first row of `table` to `value`."""

    def edit(tables: dict[str, pd.DataFrame]) -> None:
        tables[table] = tables[table].copy()
        tables[table].loc[tables[table].index[0], column] = value

    return edit
