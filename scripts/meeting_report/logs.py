"""One logging setup for every pipeline step: records go to the rule's log file and the terminal."""

from __future__ import annotations

import logging
import sys
from pathlib import Path


def setup_logging(log_path: str | Path | None = None, level: int = logging.INFO) -> logging.Logger:
    """Send records of every logger (WeasyPrint's included) to `log_path` and to stderr."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    fmt = logging.Formatter("%(levelname)s %(name)s: %(message)s")
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_path:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_path, mode="w", encoding="utf-8"))
    for handler in handlers:
        handler.setFormatter(fmt)
        root.addHandler(handler)
    root.setLevel(level)
    # fontTools is chatty at INFO while WeasyPrint subsets fonts.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    # WeasyPrint reports every page of every layout pass at INFO: noise in a build log.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    return logging.getLogger("meeting_report")
