"""Narrative Markdown: Jinja2 (sandboxed, values escaped for Markdown) → markdown-it-py → HTML.

Stage 1 renders a content/ file as a Jinja2 template in a sandbox that offers only the values,
filters and tags content/README.md lists, and whose `finalize` backslash-escapes every value, so
a content file cannot reach Python and a CSV cell can never become Markdown or a link (the one
link a value becomes is `edition_note`'s, to the document's own "About this edition"). Stage 2
renders CommonMark with tables and footnotes, raw HTML off, images off, and links kept only for
http(s), mailto and those "#edition-note-…" fragments. Footnotes go through one
`FootnoteCollector` per document, so they are numbered continuously across files.
"""

from __future__ import annotations

import os
import re
import string
import traceback
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MethodType
from typing import Any

from jinja2 import (
    BaseLoader,
    Environment,
    StrictUndefined,
    TemplateNotFound,
    TemplateSyntaxError,
    Undefined,
    pass_context,
)
from jinja2.defaults import DEFAULT_FILTERS
from jinja2.exceptions import SecurityError
from jinja2.ext import Extension
from jinja2.lexer import Token as JinjaToken
from jinja2.lexer import TokenStream
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import Markup, escape
from mdit_py_plugins.footnote import footnote_plugin

from meeting_report.numbers import names, percent, words

ALLOWED_LINK_SCHEMES = ("http://", "https://", "mailto:")
# Links inside the document: a figure to its entry in "About this edition" (`edition_note`).
EDITION_NOTE_LINK = re.compile(r"#edition-note-[A-Za-z0-9-]+")
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
    return url.strip().lower().startswith(ALLOWED_LINK_SCHEMES) or bool(
        EDITION_NOTE_LINK.fullmatch(url.strip())
    )


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

# What a narrative file may use; content/README.md lists the same (a test compares them).
# Narrative is prose with figures from the data: anything else is refused, so that a file in a
# pull request cannot read files, run commands or print the build's internals.
NARRATIVE_VALUES = (
    "breakout_groups",
    "counts",
    "delegates",
    "edition",
    "meeting",
    "recommendations",
    "regions",
    "survey",
    "themes",
)


class _FigureLink(str):
    """Markdown that `edition_note` built (an escaped figure in a link to its note): the one
    output `finalize` leaves as it is."""


@pass_context
def edition_note(context: Any, value: Any, entry_id: str) -> Any:
    """`{{ delegates.iscm_entities|edition_note("intro.iscm_entities") }}`: the figure, linked to
    its entry in "About this edition" when this edition differs there from the published one.

    `entry_id` is the figure's id in the reference of published figures. A document rendered
    without the note (no `edition`) prints the figure alone.
    """
    edition = context.get("edition")
    if edition is None:
        return value
    if entry_id not in edition["links"]:
        raise KeyError(f"edition_note: no published figure {entry_id!r} in the reference")
    href = edition["links"][entry_id]
    if not href:
        return value
    if not EDITION_NOTE_LINK.fullmatch(href):
        raise ValueError(f"edition_note: unexpected link {href!r}")
    return _FigureLink(f"[{escape_markdown(value)}]({href})")


def _finalize(value: Any) -> str:
    return str(value) if type(value) is _FigureLink else escape_markdown(value)


NARRATIVE_FILTERS: dict[str, Any] = {
    "capitalize": DEFAULT_FILTERS["capitalize"],
    "edition_note": edition_note,
    "map": DEFAULT_FILTERS["map"],
    "names": names,
    "percent": percent,
    "words": words,
}
NARRATIVE_TAGS = ("for", "else", "endfor", "if", "elif", "endif")
# `loop` inside `{% for %}`; cycle and changed are the only calls a narrative can make.
LOOP_ATTRIBUTES = (
    "index",
    "index0",
    "revindex",
    "revindex0",
    "first",
    "last",
    "length",
    "previtem",
    "nextitem",
    "cycle",
    "changed",
)
_LOOP_CALLS = ("cycle", "changed")
_README_HINT = "narrative may use only the values, filters and tags listed in content/README.md"


class NarrativeError(ValueError):
    """A narrative file could not be rendered; the message names the file, line and expression."""


def _content_path(root: Path, path: str | os.PathLike[str]) -> Path:
    """`path` inside the content folder `root` (resolved), or ValueError: no `..`, absolute path
    or symlink leads out of it."""
    full = (root / path).resolve()
    if not full.is_relative_to(root):
        raise ValueError(f"narrative path outside the content folder: {path}")
    return full


class _ContentLoader(BaseLoader):
    """Serves files of the content folder only (FileSystemLoader would follow a symlink out)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Any]:
        full = _content_path(self.root, template)
        if not full.is_file():
            raise TemplateNotFound(template)
        mtime = full.stat().st_mtime_ns

        def uptodate() -> bool:
            return full.is_file() and full.stat().st_mtime_ns == mtime

        return full.read_text(encoding="utf-8"), str(full), uptodate


class _NarrativeSyntax(Extension):
    """Refuses, while parsing, tags other than for/if and the name `self`.

    include/import/extends would read other files, macro/set/with/call/filter/block are of no
    use to prose, and `self` (the template object) is reachable without any context value.
    """

    def filter_stream(self, stream: TokenStream) -> Iterator[JinjaToken]:
        previous = None
        for token in stream:
            opens_tag = previous is not None and previous.type == "block_begin"
            if opens_tag and (token.type != "name" or token.value not in NARRATIVE_TAGS):
                raise TemplateSyntaxError(
                    f"'{{% {token.value} %}}' is not allowed (only for and if)",
                    token.lineno,
                    stream.name,
                    stream.filename,
                )
            after_dot = previous is not None and previous.type == "dot"
            if token.type == "name" and token.value == "self" and not after_dot:
                raise TemplateSyntaxError(
                    "'self' is not available", token.lineno, stream.name, stream.filename
                )
            previous = token
            yield token


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float)


class _NarrativeSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, narrowed to plain data.

    `a.b` and `a[b]` read only keys of mappings and items of lists and strings (and the loop
    variables): no attribute of any Python object, so no method, `__class__` or `__globals__`.
    The only calls are `loop.cycle`/`loop.changed`; `*` and `%` only on numbers and no `**`, so
    that `"x" * 10**10` cannot exhaust memory.
    """

    intercepted_binops = frozenset({"*", "%", "**"})

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, Undefined):
            # Keep the first error ("'lipsum' is undefined"), not one about the Undefined.
            return obj
        if attribute.startswith("_"):
            return self.unsafe_undefined(obj, attribute)
        if isinstance(obj, LoopContext):
            if attribute in LOOP_ATTRIBUTES:
                return getattr(obj, attribute)
            return self.undefined(obj=obj, name=attribute)
        return self.getitem(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, Undefined):
            return obj
        if isinstance(obj, Mapping | list | tuple | str):
            try:
                return obj[argument]
            except (TypeError, LookupError):
                pass
        return self.undefined(obj=obj, name=argument)

    def is_safe_callable(self, obj: Any) -> bool:
        return (
            isinstance(obj, MethodType)
            and isinstance(obj.__self__, LoopContext)
            and obj.__name__ in _LOOP_CALLS
        )

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        if isinstance(obj, Undefined):
            return obj()  # raises the undefined name's (or refused attribute's) error
        return super().call(context, obj, *args, **kwargs)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        for operand in (left, right):
            if isinstance(operand, Undefined):
                return operand()  # the undefined name is the error to report
        if operator == "**" or not (_is_number(left) and _is_number(right)):
            raise SecurityError(f"operator {operator!r} is not available here")
        return super().call_binop(context, operator, left, right)


@cache
def narrative_environment(content_dir: str) -> Environment:
    """Jinja for Markdown: sandboxed, no HTML autoescape, but every value escaped for Markdown.

    Only NARRATIVE_FILTERS, no globals (the sandbox's `range`, `lipsum`, `cycler`, `joiner`,
    `namespace`, `dict` are gone) and no tests.
    """
    env = _NarrativeSandbox(
        loader=_ContentLoader(content_dir),
        autoescape=False,
        undefined=StrictUndefined,
        finalize=_finalize,
        keep_trailing_newline=True,
        extensions=[_NarrativeSyntax],
    )
    env.globals.clear()
    env.filters.clear()
    env.filters.update(NARRATIVE_FILTERS)
    env.tests.clear()
    return env


_JINJA_SPAN = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


def _error_line(exc: BaseException, filename: str) -> int | None:
    if isinstance(exc, TemplateSyntaxError):
        return exc.lineno
    # Jinja rewrites the traceback so that the template's frames carry its line numbers.
    lines = [
        lineno
        for frame, lineno in traceback.walk_tb(exc.__traceback__)
        if frame.f_code.co_filename == filename
    ]
    return lines[-1] if lines else None


def _failing_text(line_text: str, reason: str) -> str:
    """The `{{ … }}`/`{% … %}` of the line that the error names, else all of them, else the line."""
    spans = _JINJA_SPAN.findall(line_text)
    named = re.findall(r"'([^']+)'", reason)
    chosen = [span for span in spans if any(name in span for name in named)] or spans
    text = " … ".join(chosen) if chosen else line_text.strip()
    return text if len(text) <= 300 else text[:299] + "…"


def _describe_error(path: str, full: Path, exc: Exception) -> str:
    reason = exc.message if isinstance(exc, TemplateSyntaxError) else str(exc)
    reason = f"{type(exc).__name__}: {reason or 'error'}"
    line = _error_line(exc, str(full))
    if line is None:
        return f"narrative file {path}: {reason} ({_README_HINT})"
    lines = full.read_text(encoding="utf-8").splitlines()
    text = _failing_text(lines[line - 1], reason) if 0 < line <= len(lines) else ""
    return f"narrative file {path}, line {line}: {text}: {reason} ({_README_HINT})"


class NarrativeRenderer:
    """`narrative("summary_report/introduction.md")` in templates: one document's narrative.

    The narrative files see only NARRATIVE_VALUES of `context`; `exists` and `data` (for the
    project's own templates) read only inside the content folder.
    """

    def __init__(
        self,
        content_dir: str | os.PathLike[str],
        context: Mapping[str, Any],
        collector: FootnoteCollector,
    ) -> None:
        self.content_dir = Path(content_dir).resolve()
        self.context = context
        self.collector = collector

    def values(self) -> dict[str, Any]:
        """What a narrative file sees: the documented values this document has."""
        return {key: self.context[key] for key in NARRATIVE_VALUES if key in self.context}

    def markdown(self, path: str) -> str:
        """Stage 1 only: the file's Markdown with the values filled in.

        Raises NarrativeError (file, line, expression) for anything the file may not do.
        """
        if not path.endswith(".md"):
            raise ValueError(f"narrative files are Markdown (.md): {path}")
        full = self._path(path)
        if not full.is_file():
            raise FileNotFoundError(f"no narrative file {path} in {self.content_dir}")
        env = narrative_environment(str(self.content_dir))
        try:
            return env.get_template(path).render(self.values())
        except Exception as exc:
            raise NarrativeError(_describe_error(path, full, exc)) from exc

    def __call__(self, path: str) -> Markup:
        html = render_markdown(self.markdown(path), self.collector, source=path)
        # The source file stays findable in the output (tools/fidelity.py --built reads it).
        return (
            Markup('<div class="narrative" data-source="{}">').format(path)
            + html
            + Markup("</div><!--/narrative-->")
        )

    def _path(self, path: str) -> Path:
        return _content_path(self.content_dir, path)

    def exists(self, path: str) -> bool:
        """For optional files (e.g. annex4_issues.md): `{% if narrative.exists(...) %}`."""
        return self._path(path).is_file()

    def data(self, path: str) -> Any:
        """A YAML file of the content folder (the Annex 8 form): plain data, escaped on output."""
        import yaml

        if not path.endswith((".yaml", ".yml")):
            raise ValueError(f"narrative data files are YAML (.yaml): {path}")
        return yaml.safe_load(self._path(path).read_text(encoding="utf-8"))


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
