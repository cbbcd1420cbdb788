"""Rendering: the one Jinja2 environment, and HTML for screen and print (the PDF step is pdf.py).

The same entry templates give both outputs; only the `medium` differs:
- "screen": the stylesheet is inlined (without its @font-face rules, see `inline_stylesheet`) so
  the HTML opens offline as a CI artefact; footnotes become numbered notes at the end.
- "print": the stylesheet is linked (`css/print.css`, relative to the assets folder, which is the
  PDF's base URL); footnotes stay at their call site as `<span class="footnote">` (CSS floats them
  to the foot of the page).
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

from meeting_report.narrative import FootnoteCollector, NarrativeRenderer
from meeting_report.numbers import names, percent, words

# Templates, assets and narrative are always passed in by the caller, found from the workflow's
# folder and config.yaml: never from where this package happens to be installed.
# Relative to the assets folder: the print HTML links it, the screen HTML inlines it.
STYLESHEET = "css/print.css"
MEDIA = ("screen", "print")

# --------------------------------------------------------------------------- filters


def svg_data_uri(svg: str) -> str:
    """An SVG document as a data: URI for <img src> (the only data: URLs the fetcher serves)."""
    return "data:image/svg+xml;base64," + base64.b64encode(str(svg).encode("utf-8")).decode()


# --------------------------------------------------------------------------- environment


def make_environment(
    templates_dir: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
) -> Environment:
    """The one Jinja2 environment of the documents.

    `templates_dir` may be a list searched in order (tests put a stub partial first).
    `autoescape=True` (not `select_autoescape`, which skips `*.html.j2` names) and
    `StrictUndefined` (a missing context key fails the build instead of printing nothing).
    """
    env = Environment(
        loader=FileSystemLoader(
            [str(templates_dir)]
            if isinstance(templates_dir, str | os.PathLike)
            else [str(d) for d in templates_dir]
        ),
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


def inline_stylesheet(assets_dir: str | os.PathLike[str]) -> Markup:
    """The print stylesheet for a <style> element of the screen HTML.

    The @font-face rules are dropped: their relative URLs mean nothing next to a lone HTML file,
    and inlining 2 MB of fonts as data: URIs three times over is not worth it for a CI artefact.
    The font stack falls back to the reader's own sans-serif.
    """
    css = (Path(assets_dir) / STYLESHEET).read_text(encoding="utf-8")
    css = _FONT_FACE.sub("", css)
    if "</" in css:
        # A "</style>" inside the CSS would end the element early.
        raise ValueError("stylesheet must not contain '</'")
    return Markup(css)


def render_html(
    template_name: str,
    context: Mapping[str, Any],
    *,
    medium: str = "screen",
    content_dir: str | os.PathLike[str],
    assets_dir: str | os.PathLike[str],
    templates_dir: str | os.PathLike[str] | None = None,
    env: Environment | None = None,
) -> str:
    """Render one entry template to an HTML string for `medium` ("screen" or "print").

    Templates get, on top of `context`: `medium`, `stylesheet` (inline CSS or None),
    `stylesheet_href`, `narrative(path)` (renders content/<path> with this document's footnote
    numbering) and `footnote(text)` (a footnote from data, numbered in the same sequence).
    Templates come from `env` or, without one, from `templates_dir`.
    """
    if medium not in MEDIA:
        raise ValueError(f"medium must be one of {MEDIA}, got {medium!r}")
    reserved = {"medium", "stylesheet", "stylesheet_href", "narrative", "footnote", "footnotes"}
    if clash := reserved & set(context):
        raise ValueError(f"context keys reserved for the renderer: {sorted(clash)}")
    collector = FootnoteCollector(medium)
    narrative = NarrativeRenderer(content_dir, context, collector)
    extra = {
        "medium": medium,
        "stylesheet": inline_stylesheet(assets_dir) if medium == "screen" else None,
        "stylesheet_href": STYLESHEET,
        "narrative": narrative,
        "footnote": collector.footnote_from_data,
        "footnotes": collector,
    }
    if env is None:
        if templates_dir is None:
            raise ValueError("render_html needs templates_dir or env")
        env = environment(str(templates_dir))
    template = env.get_template(template_name)
    return template.render({**context, **extra})
