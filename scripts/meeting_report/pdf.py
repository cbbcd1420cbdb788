"""The PDF step: print HTML → PDF with WeasyPrint, confined to the project's assets.

WeasyPrint fetches only through `make_url_fetcher` (files inside the assets folder and inline
images), sees only the bundled fonts, and logs instead of raising: every error it logs, and every
warning about a resource it could not fetch, fails the render. The same HTML always gives the
same bytes (dates pinned, PDF/UA-1 without a random document id).
"""

from __future__ import annotations

import contextlib
import io
import logging
import mimetypes
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from meeting_report.fonts import use_project_fonts
from meeting_report.io import atomic_write_bytes

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
def _weasyprint_log_guard() -> Iterator[_RecordCollector]:
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
        _weasyprint_log_guard() as log,
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
