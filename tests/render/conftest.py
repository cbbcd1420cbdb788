"""A small fake context (CONTEXT.md shape) and fake narrative files for the render tests."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TEMPLATES_DIR

BUILD_DATE = "2017-12-01T00:00:00Z"

MEETING: dict[str, Any] = {
    "number": 7,
    "ordinal": "Seventh",
    "short_title": "GRCP 7",
    "title": "Seventh Global Meeting of Chairs and Secretariats (GRCP 7)",
    "theme": "Inter-State Consultation Mechanisms on Migration and the Global Compact",
    "dates": "10–11 October 2017",
    "start_date": "2017-10-10",
    "end_date": "2017-10-11",
    "city": "Geneva",
    "country": "Switzerland",
    "venue": "International Conference Centre of Geneva",
    "year": 2017,
    "language": "en",
    "author": "International Organization for Migration (IOM)",
    "keywords": ["migration", "GRCP"],
    "publisher": {
        "name": "International Organization for Migration",
        "short_name": "IOM",
        "tagline": "The UN Migration Agency",
        "address": ["17 Route des Morillons", "1211 Geneva 19", "Switzerland"],
        "phone": "+41 22 717 91 11",
        "fax": "+41 22 798 61 50",
        "email": "hq@iom.int",
        "website": "https://www.iom.int",
    },
}

THEMES = [
    {
        "theme_id": "T1",
        "number": 1,
        "name": "Human rights of all migrants",
        "short_name": "human rights",
        "elements": [
            {
                "element_id": "i",
                "text": "Effective protection of human rights.",
                "summary_text": "Protection",
            },
            {"element_id": "o", "text": "Inclusion of migrants.", "summary_text": "Inclusion"},
        ],
    },
    {
        "theme_id": "T2",
        "number": 2,
        "name": "Irregular migration and regular pathways",
        "short_name": "irregular migration",
        "elements": [
            {
                "element_id": "m",
                "text": "Reduction of irregular migration.",
                "summary_text": "Reduction",
            }
        ],
    },
]
REGIONS = [
    {"region_id": "africa", "name": "Africa", "short_name": "Africa"},
    {"region_id": "europe", "name": "Europe", "short_name": "Europe"},
]


def _recommendation(rid: str, number: int, title: str) -> dict[str, Any]:
    return {
        "recommendation_id": rid,
        "number": number,
        "title": title,
        "highlight_text": f"highlight {rid}",
        "body": "",
    }


def make_context() -> dict[str, Any]:
    return copy.deepcopy(
        {
            "meeting": MEETING,
            "build_date": BUILD_DATE,
            "delegates": {"total": 92, "iscm": 52, "iscm_entities": 22, "un_rc": 5, "reo": 5},
            "survey": {
                "surveyed": 35,
                "responded": 27,
                "response_rate": 27 / 35,
                "not_responded": ["X"],
                "responded_by_kind": {
                    "global_process": 1,
                    "rcp": 12,
                    "irf": 7,
                    "reo": 3,
                    "un_rc": 4,
                },
                "elements_total": 24,
                "themes_total": 6,
            },
            "counts": {
                "priorities": 2,
                "follow_up": 1,
                "recommendations": 3,
                "regions": 2,
                "themes": 2,
                "elements": 3,
            },
            "regions": REGIONS,
            "regions_listed": "Africa and Europe",
            "themes": THEMES,
            "recommendations": {
                "priority": [
                    _recommendation("P1", 1, "Uphold rights"),
                    _recommendation("P2", 2, "Promote inclusion"),
                ],
                "follow_up": [_recommendation("F1", 1, "Recognize the role")],
                "priority_highlights": [
                    _recommendation("P1", 1, "Uphold rights"),
                    _recommendation("P2", 2, "Promote inclusion"),
                ],
                "follow_up_highlights": [_recommendation("F1", 1, "Recognize the role")],
            },
            "acronyms": [
                {"acronym": "GFMD", "expansion": "Global Forum on Migration and Development"},
                {"acronym": "IOM", "expansion": "International Organization for Migration"},
            ],
            "focus_areas": [
                {
                    "area": "Migration and development",
                    "theme": "Contributions of migrants",
                    "mechanisms": ["ARCP", "MIDCOM"],
                },
            ],
            "agenda": [
                {
                    "item_id": "venue",
                    "parent_id": "",
                    "day": "",
                    "kind": "heading",
                    "title": "10–11 October 2017, Geneva",
                    "start": "",
                    "end": "",
                    "person": "",
                    "function": "",
                    "room": "",
                    "interpretation": "",
                    "footnote": "All plenary sessions will be held in room 5–6.",
                },
                {
                    "item_id": "d1",
                    "parent_id": "",
                    "day": "1",
                    "kind": "day",
                    "title": "Day 1, 10 October 2017",
                    "start": "",
                    "end": "",
                    "person": "",
                    "function": "",
                    "room": "",
                    "interpretation": "",
                    "footnote": "",
                },
                {
                    "item_id": "d1_1000",
                    "parent_id": "d1",
                    "day": "1",
                    "kind": "session",
                    "title": "OPENING SESSION",
                    "start": "10:00",
                    "end": "10:15",
                    "person": "",
                    "function": "",
                    "room": "",
                    "interpretation": "",
                    "footnote": "",
                },
                {
                    "item_id": "d1_1000_m1",
                    "parent_id": "d1_1000",
                    "day": "1",
                    "kind": "moderator",
                    "title": "",
                    "start": "",
                    "end": "",
                    "person": "Ms A",
                    "function": "Chair",
                    "room": "",
                    "interpretation": "",
                    "footnote": "",
                },
                {
                    "item_id": "d1_1000_i1",
                    "parent_id": "d1_1000",
                    "day": "1",
                    "kind": "item",
                    "title": "WELCOME",
                    "start": "",
                    "end": "",
                    "person": "",
                    "function": "",
                    "room": "",
                    "interpretation": "",
                    "footnote": "",
                },
                {
                    "item_id": "d1_1000_i1_s1",
                    "parent_id": "d1_1000_i1",
                    "day": "1",
                    "kind": "speaker",
                    "title": "",
                    "start": "",
                    "end": "",
                    "person": "Mr B",
                    "function": "Director",
                    "room": "",
                    "interpretation": "",
                    "footnote": "",
                },
            ],
            "participant_sections": [
                {
                    "section_id": "iscm",
                    "number": "I",
                    "title": "Participants from ISCMs",
                    "group_title": "",
                    "organization_heading": "ISCM",
                },
                {
                    "section_id": "reo",
                    "number": "II.A",
                    "title": "Regional Economic Organizations",
                    "group_title": "Non-ISCM Participants",
                    "organization_heading": "Organization",
                },
            ],
            "participants": [
                {
                    "number": "1",
                    "section_id": "iscm",
                    "organization": "5+5 Dialogue",
                    "name": "Mr Tarik Sissou",
                    "position": "Head",
                },
                {
                    "number": "2",
                    "section_id": "reo",
                    "organization": "EAC",
                    "name": "Hon Mr C",
                    "position": "Deputy",
                },
            ],
        }
    )


NARRATIVE_FILES = {
    "summary_report/introduction.md": (
        "The meeting brought together {{ delegates.total }} delegates.[^a]\n\n"
        "[^a]: Introduction note.\n"
    ),
    "summary_report/background.md": "Background text.[^b]\n\n[^b]: Background note.\n",
    "summary_report/proceedings.md": "Proceedings text.\n",
    "summary_report/key_outcomes.md": "Key outcomes.\n",
    "summary_report/cross_regional.md": "Cross-regional lead.\n",
    "summary_report/priorities_intro.md": "The participants highlighted that the GMC should:\n",
    "summary_report/follow_up_intro.md": "Follow-up lead.\n",
    "summary_report/conclusions.md": "Conclusions text.\n",
    "recommendations/P1.md": "Body of P1.\n",
    "recommendations/P2.md": "Body of P2.\n",
    "recommendations/F1.md": "Body of F1.[^c]\n\n[^c]: F1 note.\n",
    "highlights.md": (
        "6. The mechanisms highlighted that the global compact should:\n"
        "{% for r in recommendations.priority_highlights %}\n"
        "   - {{ r.highlight_text }}{{ ';' if not loop.last else '.' }}\n"
        "{% endfor %}\n"
    ),
    "annexes/annex1_definitions.md": "Definitions.\n",
    "annexes/annex2_themes_intro.md": "The themes:[^t]\n\n[^t]: Modalities, para. 16.\n",
    "annexes/annex4_background_note.md": "Background note.\n",
    "annexes/annex6_session_objectives.md": "Objectives.\n",
    "annexes/annex8_questionnaire_intro.md": "Please answer.\n",
    "annexes/annex8_definitions.md": "Good practice – a practice.\n",
    "annexes/footnotes.yaml": (
        "annex2_heading: Modalities Resolution, para. 16.\n"
        "annex4_appendix1_heading: Elements by theme.\n"
        "annex4_appendix2_table_title: An indicative list.\n"
        "annex8_appendix1_heading: Elements by theme.\n"
    ),
    "annexes/annex8_questionnaire.yaml": (
        "sections:\n"
        "  - title: 1. General information\n"
        "    rows:\n"
        "      - {label: 'Name of the ISCM:', kind: text}\n"
        "      - {label: 'Has your ISCM formulated recommendations?', kind: yesno}\n"
        "signature: [Submitted by, Date]\n"
    ),
}


def write_content(root: Path, files: dict[str, str] | None = None) -> Path:
    for name, text in (files or NARRATIVE_FILES).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def context() -> dict[str, Any]:
    return make_context()


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    return write_content(tmp_path / "content")


@pytest.fixture
def env(tmp_path: Path):
    """The project's templates, with a stub Annex 9 partial (the real one needs survey data)."""
    from meeting_report.render import make_environment

    stub = tmp_path / "stub_templates"
    stub.mkdir()
    # With the real partial's appendix anchors: the table of contents links to them.
    (stub / "_annex9.html.j2").write_text(
        "<p>Annex 9 stub.</p>\n"
        '<h2 id="annex-9-appendix-1">Appendix 1</h2>\n'
        '{% for r in regions %}<h2 id="annex-9-{{ r.region_id }}">{{ r.name }}</h2>{% endfor %}\n',
        encoding="utf-8",
    )
    return make_environment([stub, TEMPLATES_DIR])
