"""The live preview: serves the documents, follows edits, shows invalid data, stops cleanly.

Timing is measured by benchmarks/bench_preview.py, not here: these tests only wait (with a
generous limit) for what the preview must eventually show.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import copy_project

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


def wait_for(check: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"not seen within {seconds} s")


def descendants(pid: int) -> set[int]:
    """Every live process below `pid` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, queue = set(), [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.add(child)
            queue.append(child)
    return found


class Server:
    def __init__(self, project: Path, *args: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(project / "scripts")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "meeting_report.preview", "--port", str(self.port), *args],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        wait_for(lambda: fetch(f"{self.base}/_version")[0] == 200, 120)

    def page(self, doc: str) -> str:
        return fetch(f"{self.base}/{doc}.html")[1]

    def stop(self) -> str:
        below = descendants(self.process.pid)
        self.process.send_signal(signal.SIGINT)
        output, _ = self.process.communicate(timeout=30)
        time.sleep(0.2)
        assert not (below & descendants(1)) - {self.process.pid}, "stray processes left"
        return output


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture
def server(project) -> Iterator[Server]:
    running = Server(project, "--no-pdf")
    yield running
    if running.process.poll() is None:
        running.stop()


def test_serves_every_document_with_its_reload_hook(server):
    for doc in ("summary_report", "highlights", "annexes"):
        page = server.page(doc)
        assert "<h1" in page and "EventSource('/_events')" in page, doc
    assert fetch(f"{server.base}/nothing.html")[0] == 404


def test_a_narrative_edit_is_served_and_others_are_left_alone(server, project):
    path = project / "content" / "summary_report" / "conclusions.md"
    text = path.read_text(encoding="utf-8")
    assert "The GRCP 7 meeting took place" in text
    before_annexes = server.page("annexes")
    path.write_text(text.replace("took place", "was held", 1), encoding="utf-8")
    wait_for(lambda: "meeting was held at a watershed" in server.page("summary_report"), 30)
    assert server.page("annexes") == before_annexes


def test_invalid_data_shows_the_validation_report_until_fixed(server, project):
    path = project / "data" / "raw" / "regions.csv"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("africa,", "afrika,", 1), encoding="utf-8")
    wait_for(lambda: "unknown region_id" in server.page("annexes"), 30)
    assert "unknown region_id" in server.page("summary_report")
    path.write_text(original, encoding="utf-8")
    wait_for(lambda: "unknown region_id" not in server.page("annexes"), 30)
    assert "Annex 9" in server.page("annexes")


def test_a_narrative_mistake_is_shown_and_recovers(server, project):
    path = project / "content" / "highlights.md"
    original = path.read_text(encoding="utf-8")
    path.write_text(original + "\n{{ meeting.__class__ }}\n", encoding="utf-8")
    wait_for(lambda: "could not be rendered" in server.page("highlights"), 30)
    path.write_text(original, encoding="utf-8")
    wait_for(lambda: "could not be rendered" not in server.page("highlights"), 30)


def test_the_pdf_follows_in_the_background_and_stop_is_clean(project):
    running = Server(project)
    try:
        path = project / "content" / "highlights.md"
        path.write_text(path.read_text(encoding="utf-8") + "\nA closing line.\n")
        wait_for(lambda: "(up to date)" in running.page("highlights"), 180)
        status, body = fetch(f"{running.base}/pdf/highlights.pdf")
        assert status == 200 and body.startswith("%PDF")
    finally:
        running.stop()
    assert running.process.returncode == 0
