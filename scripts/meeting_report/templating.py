"""The one Jinja2 environment of every page the project renders, and its report pages.

The documents (render.py), the validation, reconciliation and change reports and the build
overview are all rendered by `environment(templates_dir)`: autoescape on (not
`select_autoescape`, which skips `*.html.j2` names), `StrictUndefined` (a missing value fails
instead of printing nothing), the same filters. The report pages share one stylesheet,
`css/reports.css`, inlined so that each page opens on its own from build/ or a CI artefact.
Kept light (no narrative, no pandas): the Snakefile renders the validation report while it is
read.
"""

from __future__ import annotations

import base64
import functools
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from meeting_report.numbers import names, percent, words

# The stylesheets, relative to the assets folder: the documents' (linked in print, inlined on
# screen) and the report pages' (always inlined).
DOCUMENT_STYLESHEET = "css/print.css"
REPORT_STYLESHEET = "css/reports.css"


def svg_data_uri(svg: str) -> str:
    """An SVG document as a data: URI for <img src> (the only data: URLs the fetcher serves)."""
    return "data:image/svg+xml;base64," + base64.b64encode(str(svg).encode("utf-8")).decode()


def make_environment(
    templates_dir: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
) -> Environment:
    """The Jinja2 environment of the project's pages; `templates_dir` may be a list searched
    in order."""
    folders = (
        [templates_dir] if isinstance(templates_dir, str | os.PathLike) else list(templates_dir)
    )
    env = Environment(
        loader=FileSystemLoader([str(d) for d in folders]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(words=words, percent=percent, names=names, svg_data_uri=svg_data_uri)
    return env


@functools.cache
def environment(templates_dir: str) -> Environment:
    """The shared environment for one templates folder (created once per process)."""
    return make_environment(templates_dir)


_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}\s*", re.IGNORECASE)


def inline_stylesheet(
    assets_dir: str | os.PathLike[str], stylesheet: str = DOCUMENT_STYLESHEET
) -> Markup:
    """A stylesheet for a <style> element.

    The @font-face rules are dropped: their relative URLs mean nothing next to a lone HTML file,
    and inlining 2 MB of fonts as data: URIs three times over is not worth it for a CI artefact.
    The font stack falls back to the reader's own sans-serif.
    """
    css = (Path(assets_dir) / stylesheet).read_text(encoding="utf-8")
    css = _FONT_FACE.sub("", css)
    if "</" in css:
        # A "</style>" inside the CSS would end the element early.
        raise ValueError(f"stylesheet {stylesheet} must not contain '</'")
    return Markup(css)


def render_page(
    template: str,
    context: Mapping[str, Any],
    templates_dir: str | os.PathLike[str],
    assets_dir: str | os.PathLike[str] | None = None,
) -> str:
    """A report page (validation, reconciliation, changes, overview) as HTML, with the report
    stylesheet inlined as `stylesheet` (the assets folder beside the templates by default)."""
    page = environment(str(templates_dir)).get_template(template)
    assets = Path(assets_dir) if assets_dir is not None else Path(templates_dir).parent / "assets"
    return page.render({**context, "stylesheet": inline_stylesheet(assets, REPORT_STYLESHEET)})
