"""Reading the raw CSVs and writing results, the same way everywhere."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def read_raw_csv(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read one raw CSV exactly as text.

    `dtype=str` keeps `007` as `007`; `keep_default_na=False` keeps `NA`/`None` as text, so only
    the validator decides what is missing. `utf-8-sig` accepts a spreadsheet's BOM.
    """
    # Imported here: the Snakefile's validation imports this module on every run, even a no-op.
    import pandas as pd

    return pd.read_csv(
        path,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        encoding="utf-8-sig",
        sep=",",
    )


def read_raw_tables(
    raw_dir: str | os.PathLike[str], names: Iterable[str]
) -> dict[str, pd.DataFrame]:
    """Read the named tables (file stem without `.csv`) from `raw_dir`."""
    raw = Path(raw_dir)
    return {name: read_raw_csv(raw / f"{name}.csv") for name in names}


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write via a temporary file in the same folder, then rename.

    A build killed mid-write never leaves a truncated file at the final path.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        # mkstemp creates the file private (0600); outputs are meant to be shared.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
