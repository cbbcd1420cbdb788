"""Live preview for authors: serve the HTML documents, re-render what an edit affects, reload.

    .venv/bin/python -m meeting_report.preview [--port 8000]     (or ./preview.sh)

The HTML of a document is rendered in this process, which keeps its modules, templates and each
document's context warm: a narrative edit re-renders only that document's HTML and reuses its
context (tables, summaries, charts), so the browser shows it within a fraction of a second. The
PDF of an edited document is rebuilt in the background by Snakemake itself (the same job as a
build, so what the preview links to is the real PDF) and linked from a bar at the top of the page.
Invalid data shows the validation report instead of the documents until the data is fixed.
Serves on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import logging
import os
import signal
import sys
import threading
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .documents import check_narrative, document_data, document_html, quoted_figures
from .outline import OUTLINES_DIR, document_inputs
from .validate_stage import render_report
from .validation import load_descriptor, validate_directory
from .workflow import document_config, output_roots

log = logging.getLogger("meeting_report.preview")

# Injected into every page the preview serves (never into built files): reload on change.
RELOAD_SCRIPT = "<script>new EventSource('/_events').onmessage = () => location.reload();</script>"


@dataclass
class Project:
    """The workflow folder and the paths its config names (as the Snakefile finds them)."""

    root: Path
    configfile: Path
    config: dict[str, Any] = field(default_factory=dict)

    def load(self) -> None:
        from snakemake.utils import validate

        config = yaml.safe_load(self.configfile.read_text(encoding="utf-8"))
        # The same schema (and defaults) as the Snakefile's own check.
        validate(config, str(self.root / "schemas" / "config.schema.yaml"))
        self.config = config

    def path(self, key: str) -> Path:
        return self.root / self.config[key]

    @property
    def docs(self) -> tuple[str, ...]:
        """The documents config.yaml lists (its `documents:`), in order."""
        return tuple(self.config["documents"])

    @property
    def folders(self) -> dict[str, Path]:
        return {
            "templates": self.root / "templates",
            "assets": self.root / "assets",
            "narrative": self.path("narrative_dir"),
        }

    @property
    def build_dir(self) -> Path:
        return self.root / output_roots(self.config["edition"]).build

    def watched(self) -> list[Path]:
        """Everything an edit to which can change a document."""
        return [
            self.path("raw_dir"),
            self.path("narrative_dir"),
            self.root / "templates",
            self.root / "assets",
            self.root / "schemas",
            self.configfile,
            self.path("reference"),
        ]


class Kind:
    """What an edited file is, for deciding what to redo."""

    DATA = "data"  # raw CSVs, schema, config, reference: validate, rebuild contexts
    LAYOUT = "layout"  # templates and assets: every document's HTML, contexts kept
    NARRATIVE = "narrative"  # one document's narrative: that document's HTML


def classify(project: Project, changed: Iterable[Path]) -> dict[str, set[str]]:
    """{kind: documents affected} for a batch of changed files."""
    narrative = project.path("narrative_dir").resolve()
    layout_dirs = [(project.root / d).resolve() for d in ("templates", "assets")]
    docs = project.docs
    affected: dict[str, set[str]] = {}
    for path in (Path(p).resolve() for p in changed):
        if path.parent == narrative / OUTLINES_DIR:
            # An outline says which tables its document reads: read them again.
            affected.setdefault(Kind.DATA, set()).update({path.stem} & set(docs))
        elif path.is_relative_to(narrative):
            reading = {
                doc
                for doc in docs
                if str(path)
                in {str(Path(f).resolve()) for f in document_inputs(narrative, doc).narrative}
            }
            affected.setdefault(Kind.NARRATIVE, set()).update(reading)
        elif any(path.is_relative_to(d) for d in layout_dirs):
            affected.setdefault(Kind.LAYOUT, set()).update(docs)
        else:
            affected.setdefault(Kind.DATA, set()).update(docs)
    return affected


class Preview:
    """The current HTML of each document, or the page that explains why there is none."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.pages: dict[str, str] = {}
        self.contexts: dict[str, Any] = {}  # document → its DocumentData
        self.problem_page: str | None = None
        self.version = 0
        self.lock = threading.Lock()

    # --- rendering (runs in a worker thread) --------------------------------------------

    def refresh(self, affected: dict[str, set[str]]) -> set[str]:
        """Redo what `affected` calls for; return the documents whose HTML changed."""
        with self.lock:
            try:
                return self._refresh(affected)
            except Exception as error:  # an author's mistake: show it, keep serving
                log.warning("preview: %s", error)
                self.problem_page = error_page("The documents could not be rendered", error)
                return set()
            finally:
                self.version += 1

    def _refresh(self, affected: dict[str, set[str]]) -> set[str]:
        project = self.project
        if Kind.DATA in affected or not self.contexts:
            project.load()
            report = validate_directory(
                project.path("raw_dir"), load_descriptor(project.path("schema"))
            )
            if report.problems:
                self.problem_page = render_report(
                    report, str(project.config["raw_dir"]), project.root / "templates"
                )
                self.contexts.clear()
                return set()
            self.contexts.clear()
        docs = set().union(*affected.values()) if affected else set(project.docs)
        if not self.contexts:
            docs = set(project.docs)
        for doc in affected.get(Kind.DATA, set()):
            self.contexts.pop(doc, None)
        for doc in sorted(docs):
            self.pages[doc] = self._render(doc)
        self.problem_page = None
        return docs

    def _render(self, doc: str) -> str:
        project = self.project
        inputs = document_inputs(project.path("narrative_dir"), doc)
        if doc not in self.contexts:
            config = document_config(project.config, inputs.shows_survey)
            raw = project.path("raw_dir")
            tables = {name: raw / f"{name}.csv" for name in inputs.tables}
            self.contexts[doc] = document_data(
                doc, config, tables, project.folders, project.path("reference")
            )
        data = self.contexts[doc]
        check_narrative(inputs.narrative, quoted_figures(data.values))
        return document_html(doc, data, project.folders, "screen")

    # --- serving ------------------------------------------------------------------------

    def page(self, doc: str, pdf_status: str) -> str:
        body = self.problem_page if self.problem_page is not None else self.pages[doc]
        bar = (
            '<div class="preview-bar" role="status" style="position:sticky;top:0;z-index:9;'
            "background:#fff8c5;border-bottom:1px solid #c9a400;padding:.3em .8em;"
            'font:14px sans-serif">Preview · '
            + " · ".join(
                f'<a href="/{name}.html">{name.replace("_", " ")}</a>' for name in self.project.docs
            )
            + f' · <a href="/pdf/{doc}.pdf">PDF of this document</a> ({html.escape(pdf_status)})'
            + "</div>"
        )
        return inject(body, bar)


def inject(page: str, bar: str) -> str:
    """The preview bar after <body> and the reload script before </body>."""
    head, sep, rest = page.partition("<body")
    if sep:
        tag_end = rest.index(">") + 1
        page = head + sep + rest[:tag_end] + bar + rest[tag_end:]
    else:
        page = bar + page
    if "</body>" in page:
        return page.replace("</body>", RELOAD_SCRIPT + "</body>", 1)
    return page + RELOAD_SCRIPT


def error_page(title: str, error: BaseException) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body><main><h1>{html.escape(title)}</h1>"
        f"<pre style='white-space:pre-wrap'>{html.escape(str(error))}</pre>"
        "<p>Fix the file and save it: the preview reloads by itself.</p></main></body></html>"
    )


class PdfBuilder:
    """Rebuilds edited documents' PDFs with Snakemake, one run at a time, in the background."""

    def __init__(self, project: Project, enabled: bool = True) -> None:
        self.project = project
        self.enabled = enabled
        self.pending: set[str] = set()
        self.status: dict[str, str] = dict.fromkeys(project.docs, "as last built")
        self.process: asyncio.subprocess.Process | None = None
        self.on_done: list[asyncio.Event] = []
        self._task: asyncio.Task[None] | None = None

    def request(self, docs: Iterable[str]) -> None:
        if not self.enabled:
            return
        for doc in docs:
            self.pending.add(doc)
            self.status[doc] = "updating…"
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while self.pending:
            docs, self.pending = sorted(self.pending), set()
            build = self.project.build_dir.relative_to(self.project.root)
            targets = [f"{build}/pdf/{doc}.pdf" for doc in docs]
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "snakemake",
                *targets,
                "--snakefile",
                str(self.project.root / "Snakefile"),
                "--directory",
                str(self.project.root),
                "--configfile",
                str(self.project.configfile),
                "--cores",
                "1",
                "--quiet",
                "all",
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,
            )
            _, stderr = await self.process.communicate()
            ok = self.process.returncode == 0
            self.process = None
            for doc in docs:
                if doc not in self.pending:
                    self.status[doc] = "up to date" if ok else "failed: see the terminal"
            if not ok:
                log.warning("PDF build failed:\n%s", stderr.decode(errors="replace")[-2000:])
            for event in self.on_done:
                event.set()

    async def stop(self) -> None:
        self.pending.clear()
        if self.process is not None and self.process.returncode is None:
            # Snakemake and the jobs it started are in their own process group.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.process.wait(), 10)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


def create_app(project: Project, build_pdf: bool = True) -> Any:
    """The ASGI app: documents, their PDFs, the validation page and a change stream."""
    import watchfiles
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import (
        FileResponse,
        HTMLResponse,
        PlainTextResponse,
        RedirectResponse,
        StreamingResponse,
    )
    from starlette.routing import Route

    preview = Preview(project)
    pdfs = PdfBuilder(project, enabled=build_pdf)
    listeners: set[asyncio.Event] = set()
    stop = asyncio.Event()

    def notify() -> None:
        for event in list(listeners):
            event.set()

    async def watch() -> None:
        async for changes in watchfiles.awatch(*project.watched(), stop_event=stop, step=30):
            affected = classify(project, (Path(path) for _, path in changes))
            docs = await asyncio.to_thread(preview.refresh, affected)
            log.info("re-rendered %s", ", ".join(sorted(docs)) or "nothing (see the page)")
            notify()
            if docs and preview.problem_page is None:
                pdfs.request(docs)

    async def pdf_notifier() -> None:
        done = asyncio.Event()
        pdfs.on_done.append(done)
        while True:
            await done.wait()
            done.clear()
            notify()

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        # Watch first: an edit saved while the first render runs is not lost.
        tasks = [asyncio.create_task(watch()), asyncio.create_task(pdf_notifier())]
        await asyncio.sleep(0)
        await asyncio.to_thread(preview.refresh, {})
        log.info("preview ready")
        try:
            yield
        finally:
            stop.set()
            await pdfs.stop()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def index(request: Request) -> Any:
        return RedirectResponse(f"/{project.docs[0]}.html")

    async def document(request: Request) -> Any:
        doc = request.path_params["doc"]
        if doc not in project.docs:
            return PlainTextResponse("no such document", status_code=404)
        return HTMLResponse(preview.page(doc, pdfs.status[doc]))

    async def pdf(request: Request) -> Any:
        doc = request.path_params["doc"]
        path = project.build_dir / "pdf" / f"{doc}.pdf"
        if doc not in project.docs or not path.is_file():
            return PlainTextResponse("no PDF built yet", status_code=404)
        return FileResponse(path, media_type="application/pdf")

    async def version(request: Request) -> Any:
        return PlainTextResponse(str(preview.version))

    async def events(request: Request) -> Any:
        event = asyncio.Event()
        listeners.add(event)

        async def stream() -> AsyncIterator[str]:
            try:
                yield ": connected\n\n"
                while not stop.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(event.wait(), 15)
                    if event.is_set():
                        event.clear()
                        yield f"data: {preview.version}\n\n"
                    else:
                        yield ": keep-alive\n\n"
            finally:
                listeners.discard(event)

        return StreamingResponse(stream(), media_type="text/event-stream")

    routes = [
        Route("/", index),
        Route("/_version", version),
        Route("/_events", events),
        Route("/pdf/{doc}.pdf", pdf),
        Route("/{doc}.html", document),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Live preview of the report's HTML documents.")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--directory", default=".", help="the workflow's folder (default: here)")
    parser.add_argument("--configfile", default=None, help="default: config.yaml there")
    parser.add_argument(
        "--no-pdf", action="store_true", help="do not rebuild PDFs in the background"
    )
    args = parser.parse_args(argv)

    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    root = Path(args.directory).resolve()
    project = Project(root, Path(args.configfile or root / "config.yaml").resolve())
    project.load()
    app = create_app(project, build_pdf=not args.no_pdf)
    print(f"Preview on http://127.0.0.1:{args.port}/ (Ctrl-C to stop)", flush=True)  # noqa: T201
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
