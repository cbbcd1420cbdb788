"""Workarounds for two WeasyPrint 70 layout bugs that change what the reader sees.

1. A paragraph's first word stranded on a line of its own. WeasyPrint lays out each run of text
   with Pango. When a run ends with a space because an inline element follows (`on the last
   <em>…</em>`, a link, a bold phrase), Pango keeps the whole run on one line, since a trailing
   space may hang past the margin. `split_first_line` then measures that line *with* the space,
   finds it wider than the line, concludes that the run "can't be split earlier" and keeps only
   its first word: "Each" alone, its paragraph continuing on the next line. It happens wherever
   the words before an inline element fill the line to within one space. The fix keeps the run
   whole with its space hanging, as CSS Text 3 specifies for collapsible trailing spaces (the
   caller already discounts a trailing space when it checks for overflow).

2. A footnote printed a page after its call. When a paragraph's line overflows and `orphans`
   forbids breaking before it, `_linebox_layout` defers the page's last footnotes to the next
   page to make room, whatever their `footnote-policy`. For notes with `footnote-policy: line`
   the fix skips that step, so the paragraph breaks (or moves) as it would without notes and
   every note stays on its call's page.

`apply()` installs both, once, before the first render; the pinned WeasyPrint version
(pyproject.toml) is the one they were written against, and a changed source fails loudly.
"""

from __future__ import annotations

import functools
import inspect
import textwrap
from math import inf
from typing import Any

_REPORT = "report = not context.in_column and can_break_now and not could_break_before"


def _hanging_space(split_first_line: Any) -> Any:
    @functools.wraps(split_first_line)
    def wrapper(
        text: str,
        style: Any,
        context: Any,
        max_width: float | None,
        justification_spacing: float,
        is_line_start: bool = True,
        minimum: bool = False,
    ) -> Any:
        args = (style, context, max_width, justification_spacing, is_line_start, minimum)
        result = split_first_line(text, *args)
        resume_index = result[2]
        if (
            resume_index is None
            or max_width is None
            or style["white_space"] != "normal"
            or not text.endswith(" ")
        ):
            return result
        words = text.rstrip(" ")
        if resume_index >= len(words.encode()):
            return result  # cut at the trailing space itself: nothing was lost
        whole = split_first_line(words, *args)
        if whole[2] is not None or whole[3] > max_width:
            return result  # the words really need more than one line
        # The words fit: lay the run out unconstrained, its trailing space hanging.
        return split_first_line(text, style, context, inf, *args[3:])

    wrapper.meeting_report_fix = True
    return wrapper


def _notes_stay_with_calls(context: Any) -> bool:
    """Whether the page's notes must not be deferred to make room for a line."""
    return any(note.style["footnote_policy"] == "line" for note in context.current_page_footnotes)


def _keep_notes_on_their_page(block: Any) -> None:
    source = inspect.getsource(block._linebox_layout)
    if _REPORT not in source:
        raise RuntimeError(
            "WeasyPrint's _linebox_layout changed: review meeting_report.weasyprint_fixes"
        )
    source = source.replace(_REPORT, f"{_REPORT} and not _notes_stay_with_calls(context)")
    block._notes_stay_with_calls = _notes_stay_with_calls
    # Redefined in the module's own namespace, so block_container_layout calls this one.
    exec(compile(textwrap.dedent(source), block.__file__, "exec"), vars(block))
    block._linebox_layout.meeting_report_fix = True


def apply() -> None:
    """Install both fixes in WeasyPrint's layout (once; later calls do nothing)."""
    from weasyprint.layout import block, inline

    if not getattr(inline.split_first_line, "meeting_report_fix", False):
        inline.split_first_line = _hanging_space(inline.split_first_line)
    if not getattr(block._linebox_layout, "meeting_report_fix", False):
        _keep_notes_on_their_page(block)
