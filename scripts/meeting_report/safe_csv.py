"""CSV output that is safe to open in a spreadsheet.

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula by
Excel, LibreOffice and Google Sheets (CSV injection). pandas writes such text as it is, so text
cells get a leading apostrophe, which spreadsheets show as plain text. Numbers stay numbers:
`-3` or `+1.5` in a text column are left alone, and numeric columns are never touched.
"""

from __future__ import annotations

import pandas as pd

# What a spreadsheet would read as the start of a formula.
_FORMULA_START = r"^[=+\-@\t\r]"
# A plain number written as text ("-3", "+1.5", "-.5e3") is data, not a formula.
_NUMBER = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$"


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy whose text cells cannot start a spreadsheet formula."""
    safe = df.copy()
    for column in safe.columns:
        values = safe[column]
        if not (pd.api.types.is_string_dtype(values) or pd.api.types.is_object_dtype(values)):
            continue
        text = values.astype(str)
        risky = text.str.contains(_FORMULA_START, regex=True) & ~text.str.fullmatch(_NUMBER)
        if risky.any():
            safe[column] = values.where(~risky, "'" + text)
    return safe


def to_safe_csv_text(df: pd.DataFrame) -> str:
    """CSV text with `\\n` line endings and minimal quoting, made spreadsheet-safe."""
    return spreadsheet_safe(df).to_csv(index=False, lineterminator="\n")
