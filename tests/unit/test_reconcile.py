"""Reconciliation of computed values with published figures, on hand-made entries."""

from __future__ import annotations

import logging
import os
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml

from meeting_report.reconcile import (
    Context,
    ReconciliationError,
    check,
    compute,
    edition_note,
    load_pages,
    load_reference,
    note_anchor,
    place,
    published_page,
    readable,
    reconcile,
    seed_lines,
    value_labels,
    values_equal,
    write_reconciliation,
)
from tools import published_pages

ROOT = Path(__file__).resolve().parents[2]
PAGES = load_pages(ROOT / "data" / "reference" / "published_2017.pages.yaml")
TEMPLATE = ROOT / "templates" / "reconciliation.html.j2"
REFERENCE = ROOT / "data" / "reference" / "published_2017.yaml"


@pytest.fixture
def ctx() -> Context:
    overview = {
        "responded": 27,
        "surveyed": 33,
        "regions": {"africa": {"invited": 12, "respondents": ["acp_eu", "midwa"]}},
        "cross_regional_tiers": [
            {"regions_recurrent": 4, "missing_region_ids": [], "elements": ["h", "c", "n"]},
            {"regions_recurrent": 3, "missing_region_ids": ["americas"], "elements": ["i"]},
        ],
    }
    participants = pd.DataFrame(
        {
            "number": ["1", "2", "3", "4"],
            "section_id": ["iscm", "iscm", "iscm", "reo"],
            "entity_id": ["gfmd", "gfmd", "rcm", "eac"],
        }
    )
    return Context(overview=overview, results={}, tables={"participants": participants})


ENTRIES = [
    {
        "id": "a.match",
        "where": "line 1",
        "quote": "Twelve entities covering Africa",
        "published": 12,
        "computed": "overview.regions.africa.invited",
    },
    {
        "id": "b.explained",
        "where": "line 2",
        "quote": "27 entities (77% of entities questioned)",
        "published": 77,
        "computed": {"fn": "percent", "num": "overview.responded", "den": "overview.surveyed"},
        "explanation": "The report names 33 invitees, not 35.",
    },
    {
        "id": "c.mismatch",
        "where": "line 3",
        "quote": "<b>three</b> & more",
        "published": ["h", "c", "n", "d"],
        "computed": {"fn": "cross_tier", "regions_recurrent": 4, "missing": []},
    },
]


def test_statuses(ctx):
    rows = reconcile(ENTRIES, ctx)
    assert rows["status"].tolist() == ["match", "explained", "mismatch"]
    assert rows["computed"].tolist() == ["12", "82", "h; c; n"]  # 27/33 = 81.8 % → 82
    assert rows.loc[2, "published"] == "h; c; n; d"


def test_lists_compare_as_sets_unless_strict():
    assert values_equal(["a", "b"], ["b", "a"])
    assert not values_equal(["a", "b"], ["b", "a"], ordered=True)
    assert not values_equal(["a"], ["a", "b"])
    assert values_equal(0.5, 0.5) and values_equal(3, 3.0)
    assert not values_equal("3", 3)


def test_named_computations(ctx):
    assert compute(ctx, {"fn": "participants_count", "section": "iscm"}) == 3
    assert compute(ctx, {"fn": "participant_entities", "section": "iscm"}) == ["gfmd", "rcm"]
    assert compute(ctx, {"fn": "count", "path": "overview.regions.africa.respondents"}) == 2
    assert compute(ctx, {"fn": "cross_tier", "regions_recurrent": 3, "missing": ["americas"]}) == [
        "i"
    ]
    assert compute(ctx, {"fn": "cross_tier", "regions_recurrent": 2, "missing": ["x", "y"]}) == []


def test_bad_reference_paths_fail_loudly(ctx):
    with pytest.raises(ValueError, match=r"bad\.path"):
        reconcile([dict(ENTRIES[0], id="bad.path", computed="overview.regions.mars.invited")], ctx)
    with pytest.raises(ValueError, match="unknown computation"):
        reconcile([dict(ENTRIES[0], computed={"fn": "nope"})], ctx)


def test_warn_mode_logs_unexplained_mismatch_only(ctx, caplog):
    rows = reconcile(ENTRIES, ctx)
    with caplog.at_level(logging.WARNING, logger="meeting_report.reconcile"):
        assert check(rows, "warn") == ["c.mismatch"]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "c.mismatch" in warnings[0].getMessage()


def test_strict_mode_raises_on_unexplained_mismatch(ctx):
    rows = reconcile(ENTRIES, ctx)
    with pytest.raises(ReconciliationError, match=r"c\.mismatch"):
        check(rows, "strict")
    assert check(rows[rows["status"] != "mismatch"], "strict") == []  # explained is fine


def test_unknown_mode_rejected(ctx):
    with pytest.raises(ValueError):
        check(reconcile(ENTRIES, ctx), "lenient")


def test_outputs_escaped_and_accessible(ctx, tmp_path):
    rows = reconcile(ENTRIES, ctx)
    write_reconciliation(rows, tmp_path / "r.csv", tmp_path / "r.html", TEMPLATE)
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;three&lt;/b&gt; &amp; more" in html
    assert "<b>three</b>" not in html
    assert '<html lang="en">' in html and "<caption>" in html and 'scope="col"' in html
    assert "1 unexplained mismatch<" in html
    csv_rows = pd.read_csv(tmp_path / "r.csv", dtype=str, keep_default_na=False)
    assert list(csv_rows.columns) == [
        "id",
        "where",
        "quote",
        "published",
        "computed",
        "status",
        "explanation",
    ]
    assert csv_rows["status"].tolist() == ["match", "explained", "mismatch"]


def test_load_reference_rejects_duplicates_and_missing_keys(tmp_path):
    path = tmp_path / "ref.yaml"
    path.write_text(yaml.safe_dump({"entries": [ENTRIES[0], ENTRIES[0]]}), encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate"):
        load_reference(path)
    path.write_text(yaml.safe_dump({"entries": [{"id": "x", "quote": "q"}]}), encoding="utf-8")
    with pytest.raises(ValueError, match="lacks"):
        load_reference(path)


def _seed_lines(where: str) -> list[int]:
    spec = re.search(r"seed lines? ([\d–, and]+)", where)
    assert spec, f"no seed line in {where!r}"
    lines: list[int] = []
    for part in re.split(r",| and ", spec.group(1)):
        part = part.strip()
        if "–" in part:
            first, last = part.split("–")
            lines += range(int(first), int(last) + 1)
        elif part:
            lines.append(int(part))
    return lines


def test_reference_quotes_are_verbatim_at_their_seed_lines(seed_text):
    seed = seed_text.split("\n")
    entries = load_reference(REFERENCE)
    assert len(entries) > 100
    for entry in entries:
        text = " ".join(seed[n - 1] for n in _seed_lines(entry["where"]))
        text = text.replace("**", "").replace("*", "")  # Markdown emphasis of the seed
        for fragment in entry["quote"].split(" … "):
            assert fragment.strip() in text, (entry["id"], fragment)


# --------------------------------------------------------------------------- the edition note


def test_edition_note_lists_exactly_the_explained_differences_of_its_sections(ctx):
    entries = [*ENTRIES, dict(ENTRIES[1], id="d.elsewhere", where="Annex 9, line 4")]
    note = edition_note(entries, ctx, sections=("line",))
    assert [n["id"] for n in note["notes"]] == ["b.explained"]
    (only,) = note["notes"]
    assert only["anchor"] == "edition-note-b-explained"
    assert (only["published"], only["data"]) == ("77", "82")
    assert only["reason"] == "The report names 33 invitees, not 35."
    assert only["quote"] == "27 entities (77% of entities questioned)"
    # Every reference id can be linked; only this document's differences lead somewhere.
    assert note["links"] == {
        "a.match": "",
        "b.explained": "#edition-note-b-explained",
        "c.mismatch": "",
        "d.elsewhere": "",
    }
    assert [n["id"] for n in edition_note(entries, ctx, ("Annex 9",))["notes"]] == ["d.elsewhere"]


def test_one_more_explained_entry_grows_the_note_by_one(ctx):
    before = edition_note(ENTRIES, ctx, ("line",))["notes"]
    extra = dict(ENTRIES[2], id="e.explained", explanation="The report counts element d twice.")
    after = edition_note([*ENTRIES, extra], ctx, ("line",))["notes"]
    assert len(after) == len(before) + 1
    assert after[-1]["id"] == "e.explained"
    assert (after[-1]["published"], after[-1]["data"]) == ("h; c; n; d", "h; c; n")


def test_edition_note_names_ids_for_readers(ctx):
    tables = {
        "entities": pd.DataFrame({"entity_id": ["acp_eu"], "short_name": ["ACP–EU"]}),
        "regions": pd.DataFrame({"region_id": ["americas"], "name": ["the Americas"]}),
        "themes": pd.DataFrame({"theme_id": ["T1"], "number": ["1"]}),
        "elements": pd.DataFrame({"element_id": ["h"]}),
    }
    labels = value_labels(tables)
    assert readable(["acp_eu", "americas", "T1", "h"], labels) == (
        "ACP–EU; the Americas; theme 1; element “h”"
    )
    assert readable("unable_to_share", labels) == "unable to share"
    assert readable([], labels) == "none" and readable(82, labels) == "82"


def test_edition_note_places_drop_seed_lines():
    assert place("Introduction, footnote 1, seed line 115") == "Introduction, footnote 1"
    assert place("Annex 9, Cross-Regional Recommendations, seed lines 1171 and 1183") == (
        "Annex 9, Cross-Regional Recommendations"
    )
    assert place("Annex 9, Appendix 5 (Europe), table, column RCP, seed lines 1657–1668") == (
        "Annex 9, Appendix 5 (Europe), table, column RCP"
    )
    assert note_anchor("europe.T1.recurrent") == "edition-note-europe-T1-recurrent"


def test_edition_note_without_survey_data_computes_nothing():
    note = edition_note(ENTRIES, None, ("Highlights",))
    assert note["notes"] == [] and set(note["links"]) == {"a.match", "b.explained", "c.mismatch"}
    with pytest.raises(ValueError, match="no survey data"):
        edition_note(ENTRIES, None, ("line",))


# ------------------------------------------------------------------------ the page a reader opens


def _page(tmp_path, entries, ctx) -> str:
    write_reconciliation(
        reconcile(entries, ctx), tmp_path / "r.csv", tmp_path / "r.html", TEMPLATE, pages=PAGES
    )
    return (tmp_path / "r.html").read_text(encoding="utf-8")


def _cells(html: str, row_id: str) -> list[str]:
    """The cells of one row of the page, tags and all, in column order."""
    row = re.search(rf'<tr id="{re.escape(row_id)}"[^>]*>(.*?)</tr>', html, re.DOTALL)
    return [c.strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row.group(1), re.DOTALL)]


def test_page_names_places_by_section_and_page_not_seed_line():
    assert published_page("Introduction, seed line 105", PAGES) == "page 7"
    assert published_page("Introduction, footnote 1, seed line 115", PAGES) == "page 7"
    assert published_page("Section 1 (Background), seed line 131", PAGES) == "page 8"
    assert published_page("Section 1 (Background), seed line 143", PAGES) == "page 9"
    assert published_page("Section 1, seed lines 131 and 143", PAGES) == "pages 8–9"
    # Between two footnotes the text does not say where the page breaks.
    assert published_page("Section 3.1, seed line 200", PAGES) == "between pages 10 and 13"
    # Annex 9 has no later section to close it: the page it starts on.
    assert published_page(
        "Annex 9, Appendix 5 (Europe), table, column RCP, seed lines 1657–1668", PAGES
    ) == ("Annex 9 starts on page 63")
    assert published_page("line 1", PAGES) == ""
    assert seed_lines("Annex 9, seed lines 1171–1173, 1180 and 1183") == [
        1171,
        1172,
        1173,
        1180,
        1183,
    ]


def test_published_pages_are_generated_from_the_seed(seed_text):
    # Pages come from the report's table of contents and its footnotes, never typed by hand.
    data = ROOT / "data" / "reference" / "published_2017.pages.yaml"
    assert data.read_text(encoding="utf-8") == published_pages.pages_text(seed_text), (
        "rerun: PYTHONPATH=scripts .venv/bin/python tools/published_pages.py"
    )
    # Each section starts on the page the table of contents gives it.
    lines = seed_text.split("\n")
    ranges = published_pages.page_ranges(lines)
    for line, page, _ in published_pages.sections(lines):
        assert ranges[line - 1] == (page, page)


def test_page_prints_compared_lists_in_one_order_by_name(ctx, tmp_path):
    ctx.tables["entities"] = pd.DataFrame(
        {"entity_id": ["acp_eu", "midwa", "gfmd"], "short_name": ["ACP–EU", "MIDWA", "GFMD"]}
    )
    ctx.overview["absent"] = ["midwa", "gfmd"]
    entries = [
        {
            "id": "intro.absent_respondents",
            "where": "Introduction, footnote 1, seed line 115",
            "quote": "ACP–EU and MIDWA did not attend",
            "published": ["midwa", "acp_eu"],
            "computed": "overview.absent",
        },
        dict(ENTRIES[2], order="strict"),
    ]
    html = _page(tmp_path, entries, ctx)
    figure, where, _, published, computed, status, _ = _cells(html, "intro.absent_respondents")
    assert figure == "<code>intro.<wbr>absent_<wbr>respondents<wbr></code>"
    assert where == 'Introduction, footnote 1<span class="page">page 7</span>'
    # Both sides alphabetical by the report's names; what one side lacks is highlighted.
    assert published == "<mark>ACP–EU</mark>; MIDWA"
    assert computed == "<mark>GFMD</mark>; MIDWA"
    assert status == "mismatch"
    # A list whose order is compared keeps its order.
    assert _cells(html, "c.mismatch")[3:5] == [
        "h; c; n; <mark>d</mark>",
        "h; c; n",
    ]
    assert "seed line" not in html
    # The CSV keeps what maintainers need: ids, seed lines, the reference's order.
    rows = pd.read_csv(tmp_path / "r.csv", dtype=str, keep_default_na=False)
    assert rows.loc[0, "where"] == "Introduction, footnote 1, seed line 115"
    assert (rows.loc[0, "published"], rows.loc[0, "computed"]) == ("midwa; acp_eu", "midwa; gfmd")


def test_page_fits_a_1280_pixel_window(ctx, tmp_path):
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(chromium):
        pytest.skip(f"Chromium is not at {chromium} (apt-get install chromium)")
    # The widest cells of the real page: a 41-character id, long lists, a long explanation.
    wide = {
        "id": "cross.tier_three_except_americas.elements",
        "where": "Annex 9, Appendix 4 (Asia, Pacific and the Middle East), table, column REO "
        "(empty), seed lines 1508–1519",
        "quote": "Priorities for three out of four Regions " * 3,
        "published": [f"asia_pacific_middle_east_{n}" for n in range(12)],
        "computed": {"fn": "cross_tier", "regions_recurrent": 4, "missing": []},
        "explanation": "data/raw/provenance/survey_elements.md " * 20,
    }
    html = _page(tmp_path, [*ENTRIES, wide], ctx)
    probe = tmp_path / "probe.html"
    probe.write_text(
        html.replace(
            "</body>",
            "<script>document.body.dataset.width = document.documentElement.scrollWidth + ' '"
            " + window.innerWidth;</script></body>",
        ),
        encoding="utf-8",
    )
    result = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1280,900", "--dump-dom", probe.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
        # The machine's fonts, as a reader's browser has them, not the documents' bundled ones.
        env={k: v for k, v in os.environ.items() if not k.startswith("FONTCONFIG")},
    )  # fmt: skip
    scroll_width, window_width = map(
        int, re.search(r'data-width="(\d+) (\d+)"', result.stdout).groups()
    )
    assert window_width == 1280 and scroll_width <= window_width
