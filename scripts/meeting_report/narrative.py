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
from html import unescape
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

from meeting_report.documents_spec import NARRATIVE_VALUES
from meeting_report.numbers import names, percent, words
from meeting_report.wording import fill, plain

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
    back_label: str = ""


class FootnoteCollector:
    """Numbers the footnotes of one document, in the order they are rendered.

    print: the note stays at its call site as `<span class="footnote">` (CSS `float: footnote`
    puts it at the foot of the page and numbers it with the same sequence).
    screen: the call site gets a numbered link; `notes` feeds `_footnotes.html.j2` at the end.
    """

    def __init__(self, medium: str, labels: Mapping[str, str] | None = None) -> None:
        self.medium = medium
        self.notes: list[Footnote] = []
        # How a screen reader names a call and its back link (labels.yaml `notes`).
        self.labels = {"call": "Note {number:digits}", "back": "Back to reference {number:digits}"}
        self.labels.update(labels or {})

    def _label(self, key: str, number: int) -> str:
        return plain(fill(self.labels[key], {"number": number}))

    @property
    def count(self) -> int:
        return len(self.notes)

    def call(self, html: str | Markup) -> Markup:
        """Register a footnote whose content is trusted HTML; return the call-site markup."""
        n = self.count + 1
        note = Footnote(n, Markup(html), self._label("back", n))
        self.notes.append(note)
        if self.medium == "print":
            return Markup('<span class="footnote">{}</span>').format(note.html)
        return Markup(
            '<a class="footnote-ref" id="fnref-{0}" href="#fn-{0}" role="doc-noteref"'
            ' aria-label="{1}"><sup>{0}</sup></a>'
        ).format(n, self._label("call", n))

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


class MarkdownPart:
    """A narrative file's Markdown, parsed once: its `#` title (when it heads a part) and its
    body, rendered separately so that each calls its footnotes where it is printed.

    `level`: the heading level of the part the file heads; its `#` line is that heading and
    its `##`, `###` … follow one level below it each. Without a level (a file printed inside a
    part), a `#` heading is refused: the outline's parts carry the headings.
    """

    def __init__(
        self,
        text: str,
        collector: FootnoteCollector,
        source: str = "<string>",
        level: int | None = None,
    ) -> None:
        self.md = markdown_parser()
        self.source = source
        self.env: dict[str, Any] = {}
        tokens = self.md.parse(text, self.env)
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
            if token.type == "inline" and re.search(r"\[\^[^\]\s]+\]", token.content):
                unmatched = [
                    child.content
                    for child in token.children or []
                    if child.type == "text" and "[^" in child.content
                ]
                if unmatched:
                    raise ValueError(f"{source}: footnote without definition in {unmatched[0]!r}")
        self.heading_tokens: list[Token] = []
        if level is not None and body and body[0].type == "heading_open" and body[0].tag == "h1":
            self.heading_tokens = body[1].children or []
            body = body[3:]
        for token in body:
            if token.type in ("heading_open", "heading_close"):
                if token.tag == "h1":
                    raise ValueError(
                        f"{source}: a `#` heading only as the first line of a file that heads a"
                        " part of the outline; use ## or lower inside"
                    )
                if level is not None:
                    token.tag = f"h{min(6, int(token.tag[1]) + level - 1)}"
        self.body_tokens = body
        self.definitions = definitions
        self.env["_collector"] = collector
        self.env["_used"] = set()
        self.env["_definitions"] = {
            label: _footnote_inline_html(self.md, def_tokens, self.env)
            for label, def_tokens in definitions.items()
        }

    @property
    def title(self) -> str:
        """The `#` line as plain text (its footnote calls left out), "" without one."""
        parts = []
        for token in self.heading_tokens:
            if token.type in ("text", "code_inline"):
                parts.append(token.content)
            elif token.type in ("softbreak", "hardbreak"):
                parts.append(" ")
        return " ".join("".join(parts).split())

    def heading(self) -> Markup:
        """The `#` line as HTML, its footnotes called now."""
        return Markup(self.md.renderer.renderInline(self.heading_tokens, self.md.options, self.env))

    def body(self) -> Markup:
        """The rest as HTML, its footnotes called now; every definition must have been used."""
        html = self.md.renderer.render(self.body_tokens, self.md.options, self.env)
        if unused := set(self.definitions) - self.env["_used"]:
            raise ValueError(
                f"{self.source}: footnote definitions never referenced: {sorted(unused)}"
            )
        return Markup(html)


def render_markdown(
    text: str, collector: FootnoteCollector, source: str = "<string>", *, part: bool = False
) -> Markup:
    """Markdown (already through Jinja) → HTML, footnotes numbered by `collector`. With
    `part`, a leading `#` heading is left out (the layout prints it as the part's heading)."""
    markdown = MarkdownPart(text, collector, source, level=1 if part else None)
    markdown.heading()
    return markdown.body()


# --------------------------------------------------------------------------- Jinja stage

# What a narrative file may use is documents_spec.NARRATIVE_VALUES (content/README.md lists the
# same; a test compares them). Narrative is prose with figures from the data: anything else is
# refused, so that a file in a pull request cannot read files, run commands or print the
# build's internals.


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
        self._markdown: dict[str, str] = {}
        self._parts: dict[tuple[str, int], MarkdownPart] = {}

    def values(self) -> dict[str, Any]:
        """What a narrative file sees: the documented values this document has."""
        return {key: self.context[key] for key in NARRATIVE_VALUES if key in self.context}

    def inline(self, text: str, scope: Mapping[str, Any] | None = None) -> Markup:
        """A line of an outline (a title, a caption) as HTML: Jinja in the same sandbox as the
        narrative files (with `scope`, e.g. the region a repeated part is about), then inline
        Markdown (*emphasis*; values stay text)."""
        env = narrative_environment(str(self.content_dir))
        try:
            markdown = env.from_string(text).render({**self.values(), **(scope or {})})
        except Exception as exc:
            reason = exc.message if isinstance(exc, TemplateSyntaxError) else str(exc)
            raise NarrativeError(f"{type(exc).__name__}: {reason} ({_README_HINT})") from exc
        return Markup(markdown_parser().renderInline(markdown).strip())

    @staticmethod
    def text_of(html: str) -> str:
        """The text of inline HTML (a title for the contents, a bookmark, an attribute)."""
        return unescape(re.sub(r"<[^>]*>", "", str(html)))

    def markdown(self, path: str) -> str:
        """Stage 1 only: the file's Markdown with the values filled in.

        Raises NarrativeError (file, line, expression) for anything the file may not do.
        """
        if not path.endswith(".md"):
            raise ValueError(f"narrative files are Markdown (.md): {path}")
        full = self._path(path)
        if not full.is_file():
            raise FileNotFoundError(f"no narrative file {path} in {self.content_dir}")
        if path in self._markdown:
            return self._markdown[path]
        env = narrative_environment(str(self.content_dir))
        try:
            self._markdown[path] = env.get_template(path).render(self.values())
        except Exception as exc:
            raise NarrativeError(_describe_error(path, full, exc)) from exc
        return self._markdown[path]

    def part(self, path: str, level: int) -> MarkdownPart:
        """The file that heads a part at `level`: its `#` title and body (parsed once)."""
        if (path, level) not in self._parts:
            self._parts[path, level] = MarkdownPart(
                self.markdown(path), self.collector, source=path, level=level
            )
        return self._parts[path, level]

    def __call__(self, path: str, level: int | None = None) -> Markup:
        """The file's HTML; with `level`, the body of the file that heads a part at that level
        (its `#` title is printed as the part's heading: `part(path, level).heading()`)."""
        if level is None:
            html = render_markdown(self.markdown(path), self.collector, source=path)
        else:
            html = self.part(path, level).body()
        # The source file stays findable in the output (tools/fidelity.py --built reads it).
        return (
            Markup('<div class="narrative" data-source="{}">').format(path)
            + html
            + Markup("</div><!--/narrative-->")
        )

    def _path(self, path: str) -> Path:
        return _content_path(self.content_dir, path)

    def exists(self, path: str) -> bool:
        """Whether an optional file is there (an outline's `optional: true`, a block's)."""
        return self._path(path).is_file()

    def data(self, path: str) -> Any:
        """A YAML file of the content folder (a form, a wording): plain data, escaped on output."""
        import yaml

        if not path.endswith((".yaml", ".yml")):
            raise ValueError(f"narrative data files are YAML (.yaml): {path}")
        return yaml.safe_load(self._path(path).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- typed figures


@dataclass(frozen=True)
class Figure:
    """A figure the data gives: its name (as a narrative writes it, `delegates.total`), its
    value and the nouns of what it counts ("delegates", "participants"). A number in the prose
    is that figure typed only next to one of these nouns; without nouns, anywhere."""

    name: str
    value: int | float
    nouns: tuple[str, ...] = ()


@dataclass(frozen=True)
class TypedFigure:
    line: int
    column: int
    text: str
    figure: str


_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# Spans where a number is not a figure from the data. Masked before searching.
_NOT_FIGURES = [
    re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL),  # Jinja: templated or marked
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
    re.compile(r"\b[A-Z]{2,}s?\s*\d+\b"),  # a name with its number: a meeting's, "SDG 10"
    re.compile(r"^[ \t]*\d+[.)](?=\s)", re.MULTILINE),  # ordered list markers
]
_NUMBER_WORDS = (
    r"(?:\d[\d,]*|(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[\s-]?)?"
    r"(?:one|two|three|four|five|six|seven|eight|nine)|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy"
    r"|eighty|ninety|a hundred)"
)
# A number in a bound is no count of the data: "two or more regions", "at least two" (but "some
# 27 entities" is one, approximately).
_QUANTIFIERS = re.compile(
    rf"\b(?:(?:at least|at most|more than|fewer than|less than|up to|every)\s+{_NUMBER_WORDS}"
    rf"|{_NUMBER_WORDS}\s+(?:or|and|to)\s+(?:more|fewer|less|above|over|{_NUMBER_WORDS}))\b",
    re.IGNORECASE,
)
# Where the words of what a number counts stop: the end of a sentence or clause.
_CLAUSE_END = re.compile(r"[.;:!?](?!\d)|\n\s*\n")
_WORD = re.compile(r"[A-Za-z][\w’'‐-]*")
# Nouns are looked for this many words after the number (or, for a share, before it).
WORDS_AFTER, WORDS_BEFORE = 6, 4
# Words that carry the noun before them over to the number after them.
_CARRIERS = [c.split() for c in ("including", "of whom", "of which", "among them", "out of")]


def _mask(text: str) -> str:
    for pattern in [*_NOT_FIGURES, _QUANTIFIERS]:
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


def _counts_a_noun(
    masked: str, start: int, end: int, nouns: Iterable[str], share: bool = False
) -> bool:
    """Whether one of `nouns` is among the words just after the number, within its clause
    ("27 completed questionnaires"), or, for a share, just before it ("a response rate of
    77%"): a count's noun follows it, and "recommendations in two key areas" counts areas."""
    after = _CLAUSE_END.split(masked[end : end + 200], maxsplit=1)[0]
    following = [w.lower() for w in _WORD.findall(after)][:WORDS_AFTER]
    candidates = [following]
    before = _CLAUSE_END.split(masked[max(0, start - 120) : start])[-1]
    preceding = [w.lower() for w in _WORD.findall(before)][-WORDS_BEFORE:]
    if share:
        candidates.append(preceding)
    else:
        # "92 delegates, including 52": the noun just before a word that carries it over.
        for carrier in _CARRIERS:
            if preceding[-len(carrier) :] == carrier:
                candidates.append(preceding[-len(carrier) - 2 : -len(carrier)])
    for noun in nouns:
        parts = noun.lower().split()
        for words_ in candidates:
            for i in range(len(words_) - len(parts) + 1):
                window = words_[i : i + len(parts)]
                # "delegate" names "delegates"; "RCP" names "RCPs".
                if window[:-1] == parts[:-1] and window[-1].rstrip("’'s") == parts[-1].rstrip("s"):
                    return True
    return False


def check_no_typed_figures(
    markdown_text: str,
    figures: Iterable[Figure] | Mapping[str, int | float] | Iterable[int | float],
) -> list[TypedFigure]:
    """Where a narrative types a figure that the data provides (outside `{{ … }}`).

    A figure is a `Figure` (its name, value and the nouns of what it counts), or name → value,
    or a bare value (both without nouns). Integers match as digits or English words (27,
    twenty-seven); shares in (0, 1] as percentages (77%, 77 per cent). A figure with nouns is
    found only where one of them is among the words next to the number, in its clause, so that
    a number that is part of the prose ("bridging two or more regions", "the three phases") is
    never taken for a count the data happens to share with it. Ignored: Jinja expressions (a
    prose number next to such a noun is marked `{{ "two" }}`), quantifiers ("at least two",
    "two or more"), footnote labels, link targets, document symbols, dates, years, times,
    "para./SDG/target/Annex/theme … N" references, names with numbers (a meeting's, "SDG 10") and
    ordered-list markers.
    """
    if isinstance(figures, Mapping):
        items = [Figure(name, value) for name, value in figures.items()]
    else:
        items = [f if isinstance(f, Figure) else Figure(str(f), f) for f in figures]
    masked = _mask(markdown_text)
    line_starts = [0] + [m.end() for m in re.finditer(r"\n", markdown_text)]
    found: dict[tuple[int, int], TypedFigure] = {}
    for figure in items:
        value = figure.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        for pattern in _figure_patterns(value):
            for match in pattern.finditer(masked):
                share = isinstance(value, float) and 0 < value <= 1
                if figure.nouns and not _counts_a_noun(
                    masked, match.start(), match.end(), figure.nouns, share
                ):
                    continue
                line = max(i for i, start in enumerate(line_starts) if start <= match.start())
                key = (match.start(), match.end())
                found.setdefault(
                    key,
                    TypedFigure(
                        line=line + 1,
                        column=match.start() - line_starts[line] + 1,
                        text=markdown_text[match.start() : match.end()],
                        figure=figure.name,
                    ),
                )
    return sorted(found.values(), key=lambda f: (f.line, f.column))
