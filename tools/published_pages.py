"""On which page of the published 2017 report each line of its text (the "seed") is printed.

The seed is the report's PDF as plain text: it has no page numbers and no running heads on its
pages (only the letterheads that open some annexes), so pages are worked out from what the text
does say:

- the table of contents gives the page on which each section starts, and the seed has the
  section's heading line;
- a footnote is printed at the foot of the page that calls it, so the lines from a footnote's
  call to its text are on one page, and the line after a block of footnotes starts the next
  page.

A line gets the range of pages these facts allow; where it narrows to one, the page is known
(the Summary Report around its footnotes). Annex 9, the last section, has no later section to
close it, so its lines only get a first possible page: the reconciliation names the page
where Annex 9 starts instead.

    PYTHONPATH=scripts .venv/bin/python tools/published_pages.py [--seed PATH] [--check]

writes data/reference/published_2017.pages.yaml, the page map beside the reference of
published figures (or, with --check, exits 1 if it is not what the seed gives);
tests/unit/test_reconcile.py runs the check when the seed is present.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.seed_path import SEED  # noqa: E402

# The reconciliation reads the page map beside its reference: <reference>.pages.yaml.
OUTPUT = ROOT / "data" / "reference" / "published_2017.pages.yaml"
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
TOC_ROW = re.compile(r"^\| (?P<title>.+?)[.\s]*\| (?P<page>\d+) \|$")
NOTE_TEXT = re.compile(r"^([0-9]{1,2}|[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,2}) ")
NOTE_CALL = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+")


def _heading_key(text: str) -> str:
    """A heading as both the table of contents and the body write it: "1." or "I.", "Annex 1:"
    or "Annex I:", a trailing footnote call and the dot leaders left out."""
    text = NOTE_CALL.sub("", text).replace("*", "").strip().lower()
    text = re.sub(r"^(\d+(\.\d+)*\.?|[ivx]+\.)\s+", "", text)
    text = re.sub(r"^annex [0-9ivx]+:\s*", "", text)
    return " ".join(text.split()).rstrip(".")


def short_title(title: str) -> str:
    """'Annex 9', 'Section 2.1', 'Introduction': a section as a place is named."""
    annex = re.search(r"\bAnnex \d+", title)
    if annex:
        return annex.group()
    number = re.match(r"(\d+(?:\.\d+)*)\.?\s", title)
    return f"Section {number.group(1)}" if number else title


def sections(lines: list[str]) -> list[tuple[int, int, str]]:
    """(heading line, page, title) of every entry of the table of contents, in order."""
    toc = [(m["title"].strip(), int(m["page"]), n) for n, m in _matches(TOC_ROW, lines)]
    if not toc:
        raise ValueError("the seed has no table of contents")
    found, after = [], max(n for _, _, n in toc)
    for title, page, _ in toc:
        key = _heading_key(title)
        line = next(
            (n for n in range(after + 1, len(lines) + 1) if _heading_key(lines[n - 1]) == key),
            None,
        )
        if line is None:
            raise ValueError(f"no heading in the seed for {title!r}")
        found.append((line, page, title))
        after = line
    return found


def _matches(pattern: re.Pattern[str], lines: list[str]):
    for number, line in enumerate(lines, start=1):
        match = pattern.match(line)
        if match:
            yield number, match


def footnote_blocks(lines: list[str]) -> list[tuple[int, int]]:
    """(first call, last line) of each block of footnotes: the lines of one page."""
    texts: dict[int, int] = {}
    for number, match in _matches(NOTE_TEXT, lines):
        note = int(match.group(1).translate(SUPERSCRIPTS))
        if note == len(texts) + 1:  # footnotes run 1, 2, 3…; "17 Route des Morillons" does not
            texts[note] = number
    calls: dict[int, int] = {}
    text_lines = set(texts.values())
    for number, line in enumerate(lines, start=1):
        if number not in text_lines:
            for call in NOTE_CALL.findall(line):
                calls.setdefault(int(call.translate(SUPERSCRIPTS)), number)
    blocks: list[list[int]] = []  # [first note, last note, last line]
    for note, number in texts.items():
        between = range(blocks[-1][2] + 1, number) if blocks else range(0)
        if blocks and all(not lines[n - 1].strip() for n in between):
            blocks[-1][1:] = [note, number]
        else:
            blocks.append([note, note, number])
    return [(min(calls[n] for n in range(a, b + 1)), last) for a, b, last in blocks]


def page_ranges(lines: list[str]) -> list[tuple[float, float]]:
    """(first possible page, last possible page) of every line; index 0 is line 1."""
    count = len(lines)
    low, high = [-math.inf] * (count + 1), [math.inf] * (count + 1)
    anchors = {line: page for line, page, _ in sections(lines)}
    blocks = footnote_blocks(lines)
    for line, page in anchors.items():
        low[line] = high[line] = page

    def next_text(line: int) -> int | None:
        return next((n for n in range(line + 1, count + 1) if lines[n - 1].strip()), None)

    while True:
        before = (low[:], high[:])
        for n in range(2, count + 1):  # pages never go back
            low[n] = max(low[n], low[n - 1])
        for n in range(count - 1, 0, -1):
            high[n] = min(high[n], high[n + 1])
        for call, last in blocks:
            # From a footnote's call to its text: one page; the next line starts the next one.
            page_low, page_high = low[last], high[call]
            for n in range(call, last + 1):
                low[n], high[n] = max(low[n], page_low), min(high[n], page_high)
            following = next_text(last)
            if following is not None:
                low[following] = max(low[following], low[last] + 1)
                high[following] = min(high[following], high[last] + 1)
                low[last] = max(low[last], low[following] - 1)
                high[last] = min(high[last], high[following] - 1)
        if any(low[n] > high[n] for n in range(1, count + 1)):
            raise ValueError("the table of contents and the footnotes disagree about the pages")
        if (low, high) == before:
            return list(zip(low[1:], high[1:], strict=True))


def pages_text(seed_text: str) -> str:
    """The page map (data/reference/published_2017.pages.yaml) for this seed."""
    lines = seed_text.split("\n")
    toc = sections(lines)
    ranges = page_ranges(lines)
    spans: list[list[int | None]] = []  # [first line, last line, first page, last page or None]
    for number, (low, high) in enumerate(ranges, start=1):
        if number < toc[0][0]:
            continue  # cover, contents and acronyms: no reference entry is there
        last_page = None if high == math.inf else int(high)
        if spans and spans[-1][2:] == [int(low), last_page]:
            spans[-1][1] = number
        else:
            spans.append([number, number, int(low), last_page])
    out = [
        "# Pages of the published report, by line of its text (the seed, beside the repository):",
        "# the reconciliation names the page of each figure it compares. Generated by",
        "# tools/published_pages.py from the seed: do not edit.",
        "# sections: [heading line, page, name] of each entry of the report's table of contents.",
        "sections:",
        *(
            f"  - [{line}, {page}, {json.dumps(short_title(t), ensure_ascii=False)}]"
            for line, page, t in toc
        ),
        "# pages: [first line, last line, first page, last page]: the pages those lines can be",
        "# on; a last page of null: any page from the first on.",
        "pages:",
        *(f"  - [{a}, {b}, {lo}, {'null' if hi is None else hi}]" for a, b, lo, hi in spans),
    ]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=Path, default=SEED, help="the published report's text")
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    text = pages_text(args.seed.read_text(encoding="utf-8"))
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(ROOT)} is not what the seed gives: rerun this tool")
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
