"""Narrative Markdown: Jinja2 (values escaped for Markdown) → markdown-it-py → HTML.

Stage 1 renders a content/ file as a Jinja2 template whose `finalize` backslash-escapes every
value, so a CSV cell can never become Markdown or a link. Stage 2 renders CommonMark with tables
and footnotes, raw HTML off, images off, and links kept only for http(s) and mailto. Footnotes go
through one `FootnoteCollector` per document, so they are numbered continuously across files.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import Markup, escape
from mdit_py_plugins.footnote import footnote_plugin

from meeting_report.render import names, percent, words

ALLOWED_LINK_SCHEMES = ("http://", "https://", "mailto:")
_MARKDOWN_SPECIAL = re.compile("([" + re.escape(string.punctuation) + "])")


def escape_markdown(value: Any) -> str:
    """A value as literal Markdown text: every ASCII punctuation mark backslash-escaped.

    CommonMark allows a backslash before any ASCII punctuation and prints the character as is,
    so `[x](javascript:…)`, `*`, `<b>`, `1.` at a line start or `|` in a table stay text. Line
    breaks become spaces so a value cannot start a list item or a new block.
    """
    text = "" if value is None else str(value)
    text = re.sub(r"\s*[\r\n]+\s*", " ", text)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


# --------------------------------------------------------------------------- footnotes


@dataclass(frozen=True)
class Footnote:
    number: int
    html: Markup


class FootnoteCollector:
    """Numbers the footnotes of one document, in the order they are rendered.

    print: the note stays at its call site as `<span class="footnote">` (CSS `float: footnote`
    puts it at the foot of the page and numbers it with the same sequence).
    screen: the call site gets a numbered link; `notes` feeds `_footnotes.html.j2` at the end.
    """

    def __init__(self, medium: str) -> None:
        self.medium = medium
        self.notes: list[Footnote] = []

    @property
    def count(self) -> int:
        return len(self.notes)

    def call(self, html: str | Markup) -> Markup:
        """Register a footnote whose content is trusted HTML; return the call-site markup."""
        note = Footnote(self.count + 1, Markup(html))
        self.notes.append(note)
        if self.medium == "print":
            return Markup('<span class="footnote">{}</span>').format(note.html)
        n = note.number
        return Markup(
            '<a class="footnote-ref" id="fnref-{0}" href="#fn-{0}" role="doc-noteref"'
            ' aria-label="Note {0}"><sup>{0}</sup></a>'
        ).format(n)

    def footnote_from_data(self, text: Any) -> Markup:
        """Template helper `footnote(text)`: plain text from data (escaped), same numbering."""
        return self.call(escape(text))


# --------------------------------------------------------------------------- Markdown


def _link_allowed(url: str) -> bool:
    return url.strip().lower().startswith(ALLOWED_LINK_SCHEMES)


def _unlink_disallowed(state: StateCore) -> None:
    """Drop link tokens whose href is not http(s)/mailto; their text stays as plain text.

    markdown-it keeps a link whose target fails `validateLink` but with an empty href, which
    would still print an `<a>`; this rule removes it.
    """
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        kept: list[Token] = []
        dropping: list[bool] = []
        for token in block.children:
            if token.type == "link_open":
                allowed = _link_allowed(str(token.attrGet("href") or ""))
                dropping.append(not allowed)
                if allowed:
                    kept.append(token)
            elif token.type == "link_close":
                if not dropping.pop():
                    kept.append(token)
            else:
                kept.append(token)
        block.children = kept


def _render_footnote_ref(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    label = tokens[idx].meta["label"]
    if tokens[idx].meta.get("subId", 0):
        raise ValueError(f"footnote [^{label}] is referenced more than once")
    env["_used"].add(label)
    return env["_collector"].call(env["_definitions"][label])


@cache
def markdown_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    # An image would make WeasyPrint fetch a URL: narrative files have no images.
    md.disable("image")
    md.use(footnote_plugin, inline=False, move_to_end=False)
    md.validateLink = _link_allowed  # type: ignore[method-assign]
    md.core.ruler.push("unlink_disallowed", _unlink_disallowed)
    md.core.ruler.push("mark_labelled_lists", _mark_labelled_lists)
    md.add_render_rule("footnote_ref", _render_footnote_ref)
    return md


# "a. continued cooperation…", "ii. collect and review…": items that carry their own label.
_ITEM_LABEL = re.compile(r"^\(?(?:[a-z]|[ivx]{1,4})[.)]\s")


def _mark_labelled_lists(state: StateCore) -> None:
    """A bullet list whose every item starts with its own label ("a.", "ii.") gets the class
    `labelled`, so the stylesheet drops the bullet and the source's labels stand alone."""
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "bullet_list_open":
            continue
        item_texts = []
        for inner in tokens[index + 1 :]:
            if inner.type == "bullet_list_close" and inner.level == token.level:
                break
            if inner.type == "inline" and inner.level == token.level + 3:
                item_texts.append(inner.content)
        if item_texts and all(_ITEM_LABEL.match(text) for text in item_texts):
            token.attrSet("class", "labelled")


_PARAGRAPH_BREAK = re.compile(r"</p>\s*<p>")


def _footnote_inline_html(md: MarkdownIt, tokens: list[Token], env: dict[str, Any]) -> Markup:
    # A footnote lives inside a <span> (print), so its paragraphs become line breaks.
    html = md.renderer.render(tokens, md.options, env).strip()
    html = _PARAGRAPH_BREAK.sub("<br>", html)
    html = html.removeprefix("<p>").removesuffix("</p>")
    return Markup(html)


def render_markdown(text: str, collector: FootnoteCollector, source: str = "<string>") -> Markup:
    """Markdown (already through Jinja) → HTML, footnotes numbered by `collector`."""
    md = markdown_parser()
    env: dict[str, Any] = {}
    tokens = md.parse(text, env)

    definitions: dict[str, list[Token]] = {}
    body: list[Token] = []
    current: list[Token] | None = None
    for token in tokens:
        if token.type == "footnote_reference_open":
            current = definitions.setdefault(token.meta["label"], [])
        elif token.type == "footnote_reference_close":
            current = None
        elif current is not None:
            current.append(token)
        else:
            body.append(token)
        if token.type == "heading_open" and token.tag == "h1":
            raise ValueError(f"{source}: use ## or lower; templates print the section headings")
        if token.type == "inline" and re.search(r"\[\^[^\]\s]+\]", token.content):
            unmatched = [
                child.content
                for child in token.children or []
                if child.type == "text" and "[^" in child.content
            ]
            if unmatched:
                raise ValueError(f"{source}: footnote without definition in {unmatched[0]!r}")

    env["_collector"] = collector
    env["_used"] = set()
    env["_definitions"] = {
        label: _footnote_inline_html(md, def_tokens, env)
        for label, def_tokens in definitions.items()
    }
    html = md.renderer.render(body, md.options, env)
    if unused := set(definitions) - env["_used"]:
        raise ValueError(f"{source}: footnote definitions never referenced: {sorted(unused)}")
    return Markup(html)


# --------------------------------------------------------------------------- Jinja stage


@cache
def narrative_environment(content_dir: str) -> Environment:
    """Jinja for Markdown: no HTML autoescape, but every value escaped for Markdown."""
    env = Environment(
        loader=FileSystemLoader(content_dir),
        autoescape=False,
        undefined=StrictUndefined,
        finalize=escape_markdown,
        keep_trailing_newline=True,
    )
    env.filters.update(words=words, percent=percent, names=names)
    return env


class NarrativeRenderer:
    """`narrative("summary_report/introduction.md")` in templates: one document's narrative."""

    def __init__(
        self,
        content_dir: str | os.PathLike[str],
        context: Mapping[str, Any],
        collector: FootnoteCollector,
    ) -> None:
        self.content_dir = Path(content_dir).resolve()
        self.context = context
        self.collector = collector

    def markdown(self, path: str) -> str:
        """Stage 1 only: the file's Markdown with the values filled in."""
        env = narrative_environment(str(self.content_dir))
        return env.get_template(path).render(self.context)

    def __call__(self, path: str) -> Markup:
        html = render_markdown(self.markdown(path), self.collector, source=path)
        # The source file stays findable in the output (tools/fidelity.py --built reads it).
        return (
            Markup('<div class="narrative" data-source="{}">').format(path)
            + html
            + Markup("</div><!--/narrative-->")
        )

    def _path(self, path: str) -> Path:
        full = (self.content_dir / path).resolve()
        if not full.is_relative_to(self.content_dir):
            raise ValueError(f"narrative path outside the content folder: {path}")
        return full

    def exists(self, path: str) -> bool:
        """For optional files (e.g. annex4_issues.md): `{% if narrative.exists(...) %}`."""
        return self._path(path).is_file()

    def data(self, path: str) -> Any:
        """A YAML file of the content folder (the Annex 8 form): plain data, escaped on output."""
        import yaml

        return yaml.safe_load(self._path(path).read_text(encoding="utf-8"))


def render_narrative_file(
    path: str,
    context: Mapping[str, Any],
    collector: FootnoteCollector,
    content_dir: str | os.PathLike[str],
) -> Markup:
    return NarrativeRenderer(content_dir, context, collector)(path)


# --------------------------------------------------------------------------- typed figures


@dataclass(frozen=True)
class TypedFigure:
    line: int
    column: int
    text: str
    figure: str


_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# Spans where a number is not a figure from the data. Masked before searching.
_NOT_FIGURES = [
    re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL),  # Jinja: the figure is templated
    re.compile(r"\[\^[^\]]*\]"),  # footnote labels [^27] and definitions [^27]:
    re.compile(r"\]\([^)]*\)|<[a-z]+:[^>]*>|https?://\S+|www\.\S+|\S+@\S+"),  # link targets
    re.compile(r"\S*\d\S*/\S*|\S*/\S*\d\S*"),  # document symbols: A/RES/71/280, A/71/1
    re.compile(r"\d+\+\d+"),  # "5+5 Dialogue"
    re.compile(rf"\b\d{{1,2}}(?:\s*[–-]\s*\d{{1,2}})?\s+(?:{_MONTHS})\b"),  # 10–11 October
    re.compile(rf"\b(?:{_MONTHS})\s+\d{{1,2}}(?:\s*[–-]\s*\d{{1,2}})?\b"),  # October 10
    re.compile(r"(?<![\d.,])(?:1[89]|20)\d\d(?:\s*[–-]\s*(?:1[89]|20)?\d\d)?(?![\d%])"),  # years
    re.compile(r"\b\d{1,2}:\d\d\b"),  # times
    re.compile(
        r"\b(?:paras?\.|paragraphs?|articles?|art\.|annex|appendix|targets?|SDGs?|goals?"
        r"|sections?|chapters?|resolution|phase|session|group|theme|element|page|pp?\.|no\.)"
        r"\s*(?:[IVXLC]+\b\s*,?\s*)?(?:para\.\s*)?\d+(?:[.(]?\w+\)?)*",
        re.IGNORECASE,
    ),  # para. 22(b), SDG 10.7, target 10.7, Annex II para. 8
    re.compile(r"\bGRCPs?\s*\d+\b"),  # the meeting's own name: GRCP 7, GRCP 6
    re.compile(r"^[ \t]*\d+[.)](?=\s)", re.MULTILINE),  # ordered list markers
]


def _mask(text: str) -> str:
    for pattern in _NOT_FIGURES:
        text = pattern.sub(lambda m: re.sub(r"\S", " ", m.group()), text)
    return text


def _figure_patterns(value: int | float) -> list[re.Pattern[str]]:
    patterns = []
    if isinstance(value, float) and 0 < value <= 1:
        number = percent(value)[:-1]
        patterns.append(re.compile(rf"(?<![\w.,]){number}\s*(?:%|per\s?cent\b)", re.IGNORECASE))
        return patterns
    if isinstance(value, float):
        if not value.is_integer():
            return patterns
        value = int(value)
    patterns.append(re.compile(rf"(?<![\w.,]){value:,}(?![\w]|[.,]\d)".replace(",", ",?")))
    if value >= 2:
        # "one" is too common a word to flag; figures of 1 are checked as digits only.
        spelled = r"[\s-]".join(re.escape(part) for part in re.split(r"[ -]", words(value)))
        # Not part of a longer number word or an ordinal: "seventy" in "seventy-third" (the
        # UN General Assembly session) is not the figure 70.
        patterns.append(re.compile(rf"(?<![\w\-‐]){spelled}(?![\w]|[\-‐]\w)", re.IGNORECASE))
    return patterns


def check_no_typed_figures(
    markdown_text: str, figures: Mapping[str, int | float] | Iterable[int | float]
) -> list[TypedFigure]:
    """Where a narrative types a figure that the data provides (outside `{{ … }}`).

    `figures`: name → value (or just values). Integers match as digits or English words
    (27, twenty-seven); shares in (0, 1] match as percentages (77%, 77 per cent). Ignored:
    Jinja expressions, footnote labels, link targets, document symbols, dates, years, times,
    "para./SDG/target/Annex/theme … N" references, ordered-list markers and "GRCP 7".
    """
    items = (
        list(figures.items())
        if isinstance(figures, Mapping)
        else [(str(value), value) for value in figures]
    )
    masked = _mask(markdown_text)
    line_starts = [0] + [m.end() for m in re.finditer(r"\n", markdown_text)]
    found: dict[tuple[int, int], TypedFigure] = {}
    for name, value in items:
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        for pattern in _figure_patterns(value):
            for match in pattern.finditer(masked):
                line = max(i for i, start in enumerate(line_starts) if start <= match.start())
                key = (match.start(), match.end())
                found.setdefault(
                    key,
                    TypedFigure(
                        line=line + 1,
                        column=match.start() - line_starts[line] + 1,
                        text=markdown_text[match.start() : match.end()],
                        figure=name,
                    ),
                )
    return sorted(found.values(), key=lambda f: (f.line, f.column))
