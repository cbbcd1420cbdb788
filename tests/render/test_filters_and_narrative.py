"""Filters, narrative Markdown (escaping, links, footnotes) and the typed-figures check."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from meeting_report.narrative import (
    FootnoteCollector,
    NarrativeRenderer,
    check_no_typed_figures,
    render_markdown,
)
from meeting_report.numbers import names, percent, words
from tests.render.conftest import make_data, render

HOSTILE = [
    "<script>alert(1)</script>",
    '<link rel=attachment href="file:///etc/passwd">',
    "[click me](javascript:alert(1))",
    "<javascript:alert(1)>",
    "**bold** _x_ `code` # heading\n\n- item\n1. item | a | b |",
]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def assert_inert(html: str) -> None:
    found = tags(html)
    assert not [t for t, _ in found if t == "script"]
    # The only <link> a document has is the print stylesheet.
    links = [a for t, a in found if t == "link"]
    assert all(a.get("rel") == "stylesheet" for a in links)
    hrefs = [a.get("href") or "" for t, a in found if t == "a"]
    assert not [h for h in hrefs if h.lower().startswith(("javascript:", "file:"))]
    assert not [a for _, a in found if "attachment" in (a.get("rel") or "")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "zero"),
        (5, "five"),
        (12, "twelve"),
        (27, "twenty-seven"),
        (40, "forty"),
        (92, "ninety-two"),
        (105, "one hundred and five"),
        (1000, "one thousand"),
        (2017, "two thousand and seventeen"),
    ],
)
def test_words(value: int, expected: str) -> None:
    assert words(value) == expected


def test_words_rejects_non_integers() -> None:
    with pytest.raises(TypeError):
        words("27")  # type: ignore[arg-type]


def test_percent_rounds_half_up() -> None:
    assert percent(27 / 35) == "77%"  # 77.14%
    assert percent(0.125) == "13%"
    assert percent(0.5) == "50%"
    assert percent(1) == "100%"


def test_names() -> None:
    assert names(["A"]) == "A"
    assert names(["A", "B"]) == "A and B"
    assert names(["A", "B", "C"]) == "A, B and C"
    # Annex 9 style: "ARCP; Budapest Process; and MIDSA".
    assert names(["ARCP", "Budapest Process", "MIDSA"], ";") == "ARCP; Budapest Process; and MIDSA"


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_data_is_inert_in_templates(value) -> None:
    def edit(tables) -> None:
        # Cells of tables the templates print: the acronyms, the participants, the focus areas.
        for table, column in (
            ("acronyms", "expansion"),
            ("participants", "name"),
            ("focus_areas", "iscm_name"),
            ("agenda", "person"),
        ):
            if table in tables:
                tables[table] = tables[table].copy()
                tables[table].loc[tables[table].index[0], column] = value

    for doc in ("summary_report", "annexes"):
        html = render(doc, make_data(doc, edit=edit))
        assert_inert(html)
    assert "&lt;script&gt;" in html or "<script" not in value


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_are_inert_in_narrative(value, real_data, tmp_path: Path) -> None:
    (tmp_path / "n.md").write_text(
        "Intro {{ meeting.city }} and a [real link](https://www.iom.int).\n\n"
        "| a | b |\n|---|---|\n| {{ meeting.city }} | x |\n",
        encoding="utf-8",
    )
    # Narrative sees only the documented values (content/README.md): a value from data there.
    context = {**real_data["summary_report"].values}
    context["meeting"] = {**context["meeting"], "city": value}
    html = NarrativeRenderer(tmp_path, context, FootnoteCollector("screen"))("n.md")
    assert_inert(html)
    found = tags(html)
    # The value never becomes structure: only the file's own paragraph, link and table remain.
    assert [t for t, _ in found if t in ("strong", "em", "code", "h1", "li", "img")] == []
    assert [a["href"] for t, a in found if t == "a"] == ["https://www.iom.int"]
    assert len([t for t, _ in found if t == "td"]) == 2


def test_narrative_links_only_http_and_mailto() -> None:
    text = (
        "[web](https://a.org) [mail](mailto:x@y.org) [js](javascript:alert(1)) "
        "[file](file:///etc/passwd) [rel](../secret) ![img](https://a.org/x.png)\n"
    )
    html = render_markdown(text, FootnoteCollector("screen"))
    hrefs = [a["href"] for t, a in tags(html) if t == "a"]
    # Images are off: "![img](url)" stays a plain link, nothing is fetched.
    assert hrefs == ["https://a.org", "mailto:x@y.org", "https://a.org/x.png"]
    assert "<img" not in html
    assert_inert(html)


def test_narrative_refuses_section_headings() -> None:
    with pytest.raises(ValueError, match="## or lower"):
        render_markdown("# Not allowed\n", FootnoteCollector("screen"))
    assert "<h2>" in render_markdown("## Allowed\n", FootnoteCollector("screen"))


def test_footnote_errors() -> None:
    with pytest.raises(ValueError, match="without definition"):
        render_markdown("Text.[^missing]\n", FootnoteCollector("screen"))
    with pytest.raises(ValueError, match="never referenced"):
        render_markdown("Text.\n\n[^a]: Unused.\n", FootnoteCollector("screen"))


def test_footnotes_number_continuously_across_files(tmp_path: Path, real_data) -> None:
    context = real_data["summary_report"].values
    (tmp_path / "one.md").write_text("First.[^a] Second.[^b]\n\n[^a]: Note A.\n[^b]: Note B.\n")
    (tmp_path / "two.md").write_text("Third.[^a]\n\n[^a]: Note C with [link](https://un.org).\n")
    collector = FootnoteCollector("screen")
    narrative = NarrativeRenderer(tmp_path, context, collector)
    first, second = narrative("one.md"), narrative("two.md")
    assert [n.number for n in collector.notes] == [1, 2, 3]
    assert 'href="#fn-1"' in first and 'href="#fn-2"' in first
    assert 'id="fnref-3"' in second and 'href="#fn-3"' in second
    assert str(collector.notes[2].html) == 'Note C with <a href="https://un.org">link</a>.'

    printed = FootnoteCollector("print")
    html = NarrativeRenderer(tmp_path, context, printed)("one.md")
    assert '<span class="footnote">Note A.</span>' in html
    assert "<sup>" not in html


def test_screen_footnotes_listed_at_end_with_back_links(real_data) -> None:
    html = render("summary_report", real_data["summary_report"])
    notes = html[html.index('class="footnotes"') :]
    count = notes.count('<li id="fn-')
    assert count > 10
    # Numbered in the order they are called, each with its call and its way back.
    calls = [int(n) for n in re.findall(r'id="fnref-(\d+)"', html)]
    assert calls == list(range(1, count + 1))
    for n in range(1, count + 1):
        assert f'<li id="fn-{n}">' in notes
        assert f'<a class="footnote-back" href="#fnref-{n}"' in notes
        assert f'aria-label="Back to reference {n}"' in notes
    # The Introduction's first note is the document's first.
    assert notes.split('<li id="fn-1">', 1)[1].startswith("African, Caribbean and Pacific Group")


def test_check_no_typed_figures_finds_typed_figures() -> None:
    text = (
        "The level of response was high: 27 entities (77% of entities questioned) responded.\n"
        "Twenty-seven entities, or 77 per cent, answered.\n"
    )
    found = check_no_typed_figures(text, {"survey.responded": 27, "survey.response_rate": 27 / 35})
    assert [(f.line, f.text, f.figure) for f in found] == [
        (1, "27", "survey.responded"),
        (1, "77%", "survey.response_rate"),
        (2, "Twenty-seven", "survey.responded"),
        (2, "77 per cent", "survey.response_rate"),
    ]
    assert found[0].column == text.index("27") + 1


def test_check_no_typed_figures_ignores_templated_dates_and_references() -> None:
    text = (
        "In 2017, {{ survey.responded }} entities ({{ survey.response_rate|percent }}) "
        "responded.[^27]\n"
        "The Modalities Resolution (para. 22(b)) and SDG 10.7, notably target 10.7, "
        "on 10–11 October 2017 and 27 June; see A/RES/71/280 and GRCP 7.\n\n"
        "7. A numbered paragraph.\n\n"
        "[^27]: Annex II para. 27.\n"
    )
    figures = {
        "responded": 27,
        "rate": 27 / 35,
        "year": 2017,
        "seven": 7,
        "ten": 10,
        "x": 22,
        "t": 71,
    }
    assert check_no_typed_figures(text, figures) == []


def test_typed_figure_check_ignores_ordinals_and_longer_number_words() -> None:
    # With ten times the survey, 70 IRFs respond: the UN's "seventy-third session" is no figure.
    assert check_no_typed_figures("the seventy-third session of the GA", {"irf": 70}) == []
    found = check_no_typed_figures("seventy IRFs responded", {"irf": 70})
    assert [hit.text for hit in found] == ["seventy"]


def test_lists_with_their_own_labels_lose_the_bullet() -> None:
    html = render_markdown(
        "- a. one;\n- b. two\n\nText\n\n- plain\n- list\n", FootnoteCollector("screen")
    )
    assert html.count('<ul class="labelled">') == 1
    assert "<ul>\n<li>plain</li>" in html
