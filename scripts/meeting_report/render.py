"""The documents as HTML, for screen and print (their environment is templating.py, the PDF
step pdf.py).

The same entry templates give both outputs; only the `medium` differs:
- "screen": the stylesheet is inlined (without its @font-face rules, see `inline_stylesheet`) so
  the HTML opens offline as a CI artefact; footnotes become numbered notes at the end.
- "print": the stylesheet is linked (`css/print.css`, relative to the assets folder, which is the
  PDF's base URL); footnotes stay at their call site as `<span class="footnote">` (CSS floats them
  to the foot of the page).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from jinja2 import Environment

from meeting_report.narrative import FootnoteCollector, NarrativeRenderer
from meeting_report.templating import DOCUMENT_STYLESHEET, environment, inline_stylesheet

MEDIA = ("screen", "print")
# Relative to the assets folder (the PDF's base URL): the print HTML links it.
STYLESHEET = DOCUMENT_STYLESHEET


def render_html(
    template_name: str,
    context: Mapping[str, Any],
    *,
    medium: str = "screen",
    content_dir: str | os.PathLike[str],
    assets_dir: str | os.PathLike[str],
    templates_dir: str | os.PathLike[str] | None = None,
    env: Environment | None = None,
    narrative: NarrativeRenderer | None = None,
) -> str:
    """Render one entry template to an HTML string for `medium` ("screen" or "print").

    Templates get, on top of `context`: `medium`, `stylesheet` (inline CSS or None),
    `stylesheet_href`, `narrative(path)` (renders content/<path> with this document's footnote
    numbering) and `footnote(text)` (a footnote from data, numbered in the same sequence).
    Templates come from `env` or, without one, from `templates_dir`. `narrative` (with its
    collector) when the caller has rendered parts of the narrative already (the layout reads
    the titles of Markdown parts): its footnotes continue the same numbering.
    """
    if medium not in MEDIA:
        raise ValueError(f"medium must be one of {MEDIA}, got {medium!r}")
    reserved = {"medium", "stylesheet", "stylesheet_href", "narrative", "footnote", "footnotes"}
    if clash := reserved & set(context):
        raise ValueError(f"context keys reserved for the renderer: {sorted(clash)}")
    if narrative is None:
        narrative = NarrativeRenderer(content_dir, context, FootnoteCollector(medium))
    collector = narrative.collector
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
