"""Rendering: one Jinja2 environment, HTML for screen and print, and a confined WeasyPrint call.

The same entry templates give both outputs; only the `medium` differs:
- "screen": the stylesheet is inlined (without its @font-face rules, see `inline_stylesheet`) so
  the HTML opens offline as a CI artefact; footnotes become numbered notes at the end.
- "print": the stylesheet is linked (`css/print.css`, relative to the assets folder, which is the
  PDF's base URL); footnotes stay at their call site as `<span class="footnote">` (CSS floats them
  to the foot of the page).
"""

from __future__ import annotations

import base64
import contextlib
import functools
import io
import logging
import mimetypes
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from meeting_report.fonts import use_project_fonts
from meeting_report.io import atomic_write_bytes

# Templates, assets and narrative are always passed in by the caller, found from the workflow's
# folder and config.yaml: never from where this package happens to be installed.
# Relative to the assets folder: the print HTML links it, the screen HTML inlines it.
STYLESHEET = "css/print.css"
MEDIA = ("screen", "print")

# PDF/UA-1 forces a tagged PDF (headings, lists, tables, figures for screen readers) and, unlike
# pdf/x-4, writes no random document id, so two renders are byte-identical.
PDF_VARIANT = "pdf/ua-1"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EmbeddedFile:
    """A file the pipeline itself embeds in a PDF (sources, manifest)."""

    name: str
    data: bytes
    description: str = ""


class RenderError(RuntimeError):
    """WeasyPrint reported a problem (it logs instead of raising)."""


# --------------------------------------------------------------------------- filters


_ONES = [
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    *("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen"),
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _words_below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = []
    if hundreds:
        parts.append(f"{_ONES[hundreds]} hundred")
    if rest or not hundreds:
        if rest < 20:
            below = _ONES[rest]
        else:
            tens, ones = divmod(rest, 10)
            below = _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
        # British usage, as in the report: "one hundred and five".
        parts.append(("and " if hundreds else "") + below)
    return " ".join(parts)


def words(value: int) -> str:
    """27 → "twenty-seven" (British English, 0 ≤ n < 1,000,000)."""
    if isinstance(value, bool) or not isinstance(value, int):
        # Strings or floats here mean the context builder passed the wrong thing.
        raise TypeError(f"words expects an int, got {value!r}")
    if not 0 <= value < 1_000_000:
        raise ValueError(f"words supports 0 to 999,999, got {value}")
    thousands, rest = divmod(value, 1000)
    if not thousands:
        return _words_below_thousand(rest)
    text = f"{_words_below_thousand(thousands)} thousand"
    if rest:
        text += (" and " if rest < 100 else " ") + _words_below_thousand(rest)
    return text


def percent(value: float) -> str:
    """0.7714 → "77%" (half up, as a reader would round)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"percent expects a number, got {value!r}")
    rounded = (Decimal(str(value)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{rounded}%"


def names(items: Iterable[Any], sep: str = ",", conjunction: str = "and") -> str:
    """["A", "B", "C"] → "A, B and C"; with sep=";" → "A; B; and C" (the Annex 9 style)."""
    parts = [str(item) for item in items]
    if len(parts) <= 1:
        return "".join(parts)
    if not conjunction:
        return f"{sep} ".join(parts)
    if len(parts) == 2:
        return f"{parts[0]} {conjunction} {parts[1]}"
    head = f"{sep} ".join(parts[:-1])
    # The report keeps the separator before "and" with semicolons, not with commas.
    glue = f"{sep} {conjunction} " if sep != "," else f" {conjunction} "
    return head + glue + parts[-1]


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
    # Imported here: narrative imports this module's filters.
    from meeting_report.narrative import FootnoteCollector, NarrativeRenderer

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


# --------------------------------------------------------------------------- URL fetcher


def _weasyprint() -> Any:
    # `import weasyprint` costs 0.6 s; the HTML-only path does not need it.
    import weasyprint
    import weasyprint.urls

    from meeting_report import weasyprint_fixes

    weasyprint_fixes.apply()
    return weasyprint


def make_url_fetcher(assets_dir: str | os.PathLike[str]) -> Any:
    """A WeasyPrint URL fetcher that serves only files inside `assets_dir`.

    Refused (render stops with FatalURLFetchingError): http(s) and every other scheme, file:
    URLs that leave the assets folder (after resolving `..` and symlinks), and any fetch once
    layout is done (the only later fetches are PDF attachments).
    """
    urls = _weasyprint().urls

    class AssetsOnlyURLFetcher(urls.URLFetcher):
        def __init__(self, root: Path) -> None:
            super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
            self.root = root.resolve(strict=True)
            self.closed = False

        def fetch(self, url: str, headers: Any = None) -> Any:
            if self.closed and not url[:11].lower() == "data:image/":
                # Only inline SVG drawing fetches now (embedded raster data); anything else
                # would be an attachment.
                raise urls.FatalURLFetchingError(f"refused fetch after layout (attachment?): {url}")
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                # Only images (e.g. an inline chart); never a stylesheet, font or attachment.
                if not url[5:].lower().startswith("image/"):
                    raise urls.FatalURLFetchingError(f"refused non-image data: URL: {url[:40]}")
                return super().fetch(url, headers)
            if scheme != "file":
                raise urls.FatalURLFetchingError(f"refused non-local URL: {url}")
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                raise urls.FatalURLFetchingError(f"refused remote file URL: {url}")
            path = Path(unquote(parts.path)).resolve()
            if not path.is_relative_to(self.root) or not path.is_file():
                raise urls.FatalURLFetchingError(f"refused file outside {self.root}: {url}")
            # WeasyPrint checks the type: a stylesheet must come as text/css.
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return urls.URLFetcherResponse(
                path.as_uri(), body=path.read_bytes(), headers={"Content-Type": mime}
            )

    return AssetsOnlyURLFetcher(Path(assets_dir))


# --------------------------------------------------------------------------- PDF


class _RecordCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


# WeasyPrint warnings that mean a resource could not be fetched (errors always count).
_FETCH_WARNING = re.compile(r"cannot be loaded|failed to load|malformed|fetch", re.IGNORECASE)


@contextlib.contextmanager
def _weasyprint_log_guard(strict: bool) -> Iterator[_RecordCollector]:
    weasy_logger = logging.getLogger("weasyprint")
    collector = _RecordCollector()
    old_level = weasy_logger.level
    weasy_logger.addHandler(collector)
    if weasy_logger.getEffectiveLevel() > logging.WARNING:
        weasy_logger.setLevel(logging.WARNING)
    try:
        yield collector
    finally:
        weasy_logger.removeHandler(collector)
        weasy_logger.setLevel(old_level)


def _failures(records: list[logging.LogRecord], strict: bool) -> list[str]:
    failed = []
    for record in records:
        message = record.getMessage()
        if record.levelno >= logging.ERROR or strict or _FETCH_WARNING.search(message):
            failed.append(f"{record.levelname}: {message}")
    return failed


@contextlib.contextmanager
def _source_date_epoch(created: datetime) -> Iterator[None]:
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(created.timestamp()))
    try:
        yield
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


@contextlib.contextmanager
def _fatal_as_render_error(weasyprint: Any) -> Iterator[None]:
    # FatalURLFetchingError is a BaseException: give callers one ordinary exception type.
    try:
        yield
    except weasyprint.urls.FatalURLFetchingError as error:
        raise RenderError(f"refused resource: {error}") from error


def _parse_created(created: str) -> tuple[datetime, str]:
    moment = datetime.fromisoformat(created.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    # The W3C date form WeasyPrint writes into the PDF info and XMP metadata.
    return moment, moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def pdf_bytes(
    html: str,
    base_url: str | os.PathLike[str],
    assets_dir: str | os.PathLike[str],
    created: str,
    *,
    strict: bool = False,
    attachments: Sequence[EmbeddedFile] = (),
    build_id: str | None = None,
) -> bytes:
    """Render print HTML to PDF bytes with the confined fetcher; raise on any logged failure.

    `created` (ISO 8601, the config's build_date) pins the creation and modification dates, so
    the same HTML always gives the same bytes. `strict=True` also fails on CSS warnings.
    """
    # Before WeasyPrint loads: the render sees the bundled fonts and none of the machine's.
    use_project_fonts(Path(assets_dir) / "fonts")
    weasyprint = _weasyprint()
    moment, w3c_date = _parse_created(created)
    base = str(base_url)
    if not base.startswith("file:"):
        # A folder: relative URLs in the HTML ("css/print.css") resolve inside it.
        base = Path(base).resolve().as_uri() + "/"
    fetcher = make_url_fetcher(assets_dir)
    with (
        _weasyprint_log_guard(strict) as log,
        _source_date_epoch(moment),
        _fatal_as_render_error(weasyprint),
    ):
        document = weasyprint.HTML(string=html, base_url=base, url_fetcher=fetcher).render(
            pdf_variant=PDF_VARIANT
        )
        fetcher.closed = True
        if document.metadata.attachments:
            raise weasyprint.urls.FatalURLFetchingError("refused <link rel=attachment>")
        for page in document.pages:
            for link_type, target, *_ in page.links:
                if link_type == "attachment":
                    raise weasyprint.urls.FatalURLFetchingError(f"refused attachment: {target}")
        document.metadata.created = w3c_date
        document.metadata.modified = w3c_date
        if build_id:
            document.metadata.generator = f"{document.metadata.generator or ''} build {build_id}"
        # Our own files only (the HTML's attachment links were refused above), dated like the
        # document so that the bytes stay reproducible.
        embedded = [
            weasyprint.Attachment(
                file_obj=io.BytesIO(item.data),
                name=item.name,
                description=item.description,
                created=moment,
                modified=moment,
            )
            for item in attachments
        ]
        data = document.write_pdf(pdf_variant=PDF_VARIANT, attachments=embedded or None)
    if failed := _failures(log.records, strict):
        raise RenderError("WeasyPrint reported problems:\n" + "\n".join(failed))
    return data


def write_pdf(
    html: str,
    out_path: str | os.PathLike[str],
    base_url: str | os.PathLike[str],
    assets_dir: str | os.PathLike[str],
    created: str,
    *,
    strict: bool = False,
    attachments: Sequence[EmbeddedFile] = (),
    build_id: str | None = None,
) -> None:
    """Render `html` (from `render_html(..., medium="print")`) to `out_path`, atomically."""
    data = pdf_bytes(
        html,
        base_url,
        assets_dir,
        created,
        strict=strict,
        attachments=attachments,
        build_id=build_id,
    )
    atomic_write_bytes(out_path, data)
    logger.info("wrote %s (%d bytes)", out_path, len(data))
