"""Each built document ends with "About this edition", listing exactly the reconciliation's
explained differences of the sections it prints, linked from the figures."""

from __future__ import annotations

import csv
import re

import pytest

from meeting_report.outline import load_outline
from meeting_report.reconcile import note_anchor
from tests.conftest import CONTENT_DIR

pytestmark = pytest.mark.slow


def test_every_document_lists_the_explained_differences_it_prints(built_project):
    with (built_project / "build" / "reconciliation.csv").open(encoding="utf-8") as file:
        rows = [r for r in csv.DictReader(file) if r["status"] == "explained"]
    assert rows, "the 2017 reference has explained differences"
    listed = []
    for doc in ("summary_report", "highlights", "annexes"):
        sections = load_outline(CONTENT_DIR, doc).edition_note
        for medium in ("build/html", "results/print"):
            html = (built_project / medium / f"{doc}.html").read_text(encoding="utf-8")
            assert 'id="about-this-edition"' in html, (doc, medium)
            entries = re.findall(r'<li id="(edition-note-[^"]+)"', html)
            wanted = [note_anchor(r["id"]) for r in rows if r["where"].startswith(sections)]
            assert entries == wanted, (doc, medium)
        listed += entries
    assert sorted(listed) == sorted(note_anchor(r["id"]) for r in rows)


def test_the_corrected_figures_link_to_their_entries(built_project):
    html = (built_project / "build/html/summary_report.html").read_text(encoding="utf-8")
    assert '<a href="#edition-note-intro-iscm-entities">21</a> RCPs, IRFs' in html
    assert '(<a href="#edition-note-s1-response-rate-percent">82%</a> of entities' in html
    # A figure the published report states as the data do is printed without a link.
    assert "brought together 92 delegates" in html
