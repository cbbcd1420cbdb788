"""The data blocks' context builders (blocks.py): each hands its template ready values.

Tiny inline tables where a block reads a table or two; the real data for the survey's blocks,
whose figures the published report states. Labels come from the project's labels.yaml.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from meeting_report.blocks import BUILDERS, BlockError, BlockInput, Content, build
from meeting_report.context import DocumentData
from meeting_report.documents_spec import BLOCKS
from meeting_report.narrative import FootnoteCollector, NarrativeRenderer
from meeting_report.wording import plain
from tests.conftest import ASSETS_DIR, CONTENT_DIR
from tests.real_documents import make_data

LABELS = yaml.safe_load((CONTENT_DIR / "labels.yaml").read_text(encoding="utf-8"))
MEETING = {
    "title": "First Meeting (FM 1)",
    "short_title": "FM 1",
    "theme": "A theme",
    "dates": "1–2 May 2030",
    "city": "Town",
    "country": "Land",
    "venue": "The Hall",
    "author": "The Organization (TO)",
    "publisher": {"name": "The Organization", "tagline": "Its tagline"},
}
PART = {"id": "annex-2", "level": 1, "title": "The part", "number": "Annex 2:"}


def frame(csv: str) -> pd.DataFrame:
    return pd.read_csv(StringIO(csv), dtype=str, keep_default_na=False)


def block_input(
    kind: str,
    tables: dict[str, pd.DataFrame] | None = None,
    params: dict[str, Any] | None = None,
    data: DocumentData | None = None,
    content_dir: Path = CONTENT_DIR,
    footnotes: dict[str, Any] | None = None,
    **extra: Any,
) -> BlockInput:
    if data is None:
        values = {"meeting": MEETING}
        data = DocumentData("doc", {"meeting": MEETING}, tables or {}, None, values, ASSETS_DIR)
    narrative = NarrativeRenderer(content_dir, data.values, FootnoteCollector("print"))
    content = Content(narrative, LABELS, footnotes or {})
    return BlockInput(kind, params or {}, extra.pop("part", PART), data, content, **extra)


def test_every_block_kind_has_a_builder_and_a_template():
    assert set(BUILDERS) == set(BLOCKS)
    for kind in BLOCKS:
        assert (CONTENT_DIR.parent / "templates" / f"_block_{kind}.html.j2").is_file(), kind


# --------------------------------------------------------------------------- simple blocks


THEMES = frame(
    "theme_id,number,name,short_name\nT2,2,Second theme,second\nT1,1,First theme,first\n"
)
ELEMENTS = frame(
    "element_id,theme_id,display_order,overview_order,text,summary_text,phrase\n"
    "b,T1,2,,Bee.,B,the b\na,T1,1,,Ay.,A,the a\nc,T2,3,,Cee.,C,the c\n"
)


def test_acronyms_caption_is_the_parts_title():
    acronyms = frame("acronym,expansion\nIOM,International Organization for Migration\n")
    built = build(block_input("acronyms", {"acronyms": acronyms}))
    assert built["caption"] == "The part"
    assert built["columns"] == ["Acronym", "Meaning"]
    assert built["rows"] == [
        {"acronym": "IOM", "expansion": "International Organization for Migration"}
    ]


def test_theme_list_in_the_order_of_themes_csv():
    built = build(block_input("theme_list", {"themes": THEMES}))
    assert built == {"items": ["Second theme.", "First theme."]}


def test_elements_by_theme_worded_by_labels():
    built = build(block_input("elements_by_theme", {"themes": THEMES, "elements": ELEMENTS}))
    # Themes in the order of themes.csv, their elements in display order.
    assert built["themes"] == [
        {"name": "Second theme.", "elements": ["Element (c): Cee."]},
        {"name": "First theme.", "elements": ["Element (a): Ay.", "Element (b): Bee."]},
    ]


def test_focus_areas_grouped_by_area_in_order_with_the_caption_note():
    areas = frame(
        "area_id,area,area_order,theme_id,entity_id,entity_order,sdg,iscm_name\n"
        "x,Later area,2,T1,e1,1,,M1\n"
        "y,First area,1,T2,e2,2,,M3\n"
        "y,First area,1,T2,e3,1,,M2\n"
    )
    built = build(
        block_input(
            "focus_areas",
            {"focus_areas": areas, "themes": THEMES},
            params={"caption": "Areas", "caption_footnote": "note"},
            footnotes={"note": "Indicative."},
        )
    )
    assert built["rows"] == [
        {"area": "First area", "theme": "Second theme", "mechanisms": ["M2", "M3"]},
        {"area": "Later area", "theme": "First theme", "mechanisms": ["M1"]},
    ]
    assert built["caption_note"] == "Indicative."
    assert built["columns"] == ["Area of focus", "Global compact theme", "ISCM"]


def test_a_missing_footnote_key_is_an_error():
    with pytest.raises(BlockError, match="no footnote 'nope'"):
        build(
            block_input(
                "focus_areas",
                {
                    "focus_areas": frame(
                        "area_id,area,area_order,theme_id,entity_id,entity_order,sdg,iscm_name\n"
                    ),
                    "themes": THEMES,
                },
                params={"caption": "Areas", "caption_footnote": "nope"},
            )
        )


def test_document_header_lines_default_and_publisher_line():
    built = build(block_input("document_header", params={"title": "Agenda", "publisher": True}))
    assert built["lines"] == [
        "The Organization (TO) · Its tagline",
        "A theme",
        "First Meeting (FM 1)",
    ]
    own = build(block_input("document_header", params={"title": "T", "lines": ["Only this"]}))
    assert own["lines"] == ["Only this"]


AGENDA = frame(
    "item_id,parent_id,day,date,start,end,order,kind,title,person,function,room,"
    "interpretation,footnote\n"
    'h,,,,,,1,heading,"1–2 May, Town",,,,,All in room 1.\n'
    'd1,,1,,,,2,day,"Day 1, 1 May",,,,,\n'
    "s1,d1,1,,10:00,11:00,3,session,OPENING,,,,,\n"
    "m1,s1,1,,,,4,moderator,,Ms A,Chair,,,\n"
    "g1,s1,1,,,,5,group,Group 1,,,Room 2,English,\n"
    "p1,g1,1,,,,6,facilitator,,Mr B,Director,,,\n"
    "r1,s1,1,,,,7,rapporteur,Rapporteur,Ms C,Head,,,\n"
)


def test_agenda_days_slots_and_people_ready_to_print():
    built = build(block_input("agenda", {"agenda": AGENDA}))
    assert built["venue"] == [{"title": "1–2 May, Town", "footnote": "All in room 1."}]
    (day,) = built["days"]
    assert day["id"] == "annex-2-d1" and day["caption"] == "Agenda, Day 1, 1 May"
    (slot,) = day["slots"]
    assert slot["time"] == "10:00 – 11:00" and slot["continued"] == "10:00 – 11:00, continued"
    assert slot["moderators"] == ["Ms A, Chair"]
    group, rapporteur = slot["entries"]
    assert group["details"] == "(Room 2; Interpretation: English)"
    assert group["people"] == ["Mr B, Director"] and group["people_label"] == "Facilitators:"
    assert rapporteur["person"] == "Ms C, Head"
    assert built["level"] == 2  # below the part's heading


def test_participants_sections_groups_and_levels():
    sections = frame(
        "section_id,number,title,group_title,organization_heading\n"
        "iscm,I,From mechanisms,,Mechanism\n"
        "reo,II.A,Economic organizations,Others,Organization\n"
        "un,II.B,United Nations,Others,Entity\n"
    )
    people = frame(
        "number,section_id,organization,entity_id,name,position\n"
        "2,reo,EAC,,Mr D,Head\n1,iscm,RCP,,Ms E,Chair\n"
    )
    built = build(
        block_input("participants", {"participant_sections": sections, "participants": people})
    )
    assert built["place"] == "1–2 May 2030, The Hall, Town, Land"
    first, second, third = built["sections"]
    assert first["group"] is None and first["level"] == 2 and first["title"] == "I. From mechanisms"
    assert second["group"]["text"] == "II. Others" and second["level"] == 3
    assert third["group"] is None  # the group's heading is printed once
    assert first["rows"] == [
        {"number": "1.", "organization": "RCP", "name": "Ms E", "position": "Chair"}
    ]
    assert first["columns"] == ["#", "Mechanism", "Name", "Position"]


def test_questionnaire_reads_the_form_and_refuses_unknown_row_kinds(tmp_path):
    (tmp_path / "labels.yaml").write_text("")
    (tmp_path / "form.yaml").write_text(
        "sections:\n  - title: 1. About you\n    rows:\n"
        "      - {label: 'Name:', kind: text}\n      - {label: 'Member?', kind: yesno}\n"
        "signature: [Date, {label: 'Signed by:', kind: text}]\n"
    )
    built = build(block_input("questionnaire", params={"form": "form.yaml"}, content_dir=tmp_path))
    assert built["sections"][0]["rows"][1] == {"label": "Member?", "kind": "yesno"}
    assert built["signature"] == ["Date:", "Signed by:"]
    assert (built["yes"], built["no"]) == ("Yes", "No")
    (tmp_path / "form.yaml").write_text(
        "sections:\n  - title: x\n    rows:\n      - {label: 'A', kind: checkbox}\n"
    )
    with pytest.raises(BlockError, match=r"form\.yaml: row 'A' has kind 'checkbox'"):
        build(block_input("questionnaire", params={"form": "form.yaml"}, content_dir=tmp_path))


def test_part_contents_lists_the_parts_and_their_groups():
    subparts = [
        {"group": None, "id": "annex-9-background", "label": "Background", "parts": []},
        {
            "group": "Per region",
            "parts": [
                {"group": None, "id": "annex-9-north", "label": "Appendix 2. North", "parts": []}
            ],
        },
    ]
    part = {"id": "annex-9", "level": 1, "title": "Survey", "number": "Annex 9:"}
    built = build(block_input("part_contents", part=part, subparts=subparts))
    assert built["label"] == "Contents of Annex 9"
    assert built["entries"] == [
        {"label": "Background", "href": "#annex-9-background", "children": []},
        {
            "label": "Per region",
            "href": "#annex-9-north",
            "children": [{"label": "Appendix 2. North", "href": "#annex-9-north", "children": []}],
        },
    ]


def test_good_practices_of_a_region_by_category_innovative_first():
    practices = frame(
        "practice_id,region_id,contributor_entity_id,category,title,innovative,order\n"
        "1,north,,policy,Second,false,2\n2,north,,policy,First,true,1\n3,south,,policy,Other,true,1\n"
    )
    categories = frame("category,label,order\npolicy,Policies,1\nproject,Projects,2\n")
    tables = {"good_practices": practices, "good_practice_categories": categories}
    built = build(block_input("good_practices", tables, params={"region": "north"}))
    assert built["innovative"] == ["First"]
    assert built["categories"] == [{"label": "Policies", "items": ["First", "Second"]}]
    assert built["innovative_heading"] == "Innovative Solutions" and built["level"] == 2


# --------------------------------------------------------------------------- the survey's blocks


@pytest.fixture(scope="module")
def annexes() -> DocumentData:
    return make_data("annexes")


def survey_block(kind: str, data: DocumentData, **params: Any) -> dict[str, Any]:
    footnotes = yaml.safe_load((CONTENT_DIR / "annexes/footnotes.yaml").read_text())
    wording = {"wording": "annexes/annex9_wording.yaml"} if "wording" in BLOCKS[kind].params else {}
    return build(
        block_input(
            kind,
            data=data,
            params={**wording, **params},
            footnotes=footnotes,
            part={"id": "annex-9-x", "level": 2, "title": "X", "number": None},
        )
    )


def test_cross_regional_summary_sentences_and_the_rule_note(annexes):
    built = survey_block("cross_regional_summary", annexes, lead="annexes/annex9_cross_regional.md")
    assert built["lead"] == "annexes/annex9_cross_regional.md"
    assert plain(built["paragraphs"][0]).startswith("According survey results, out of 27")
    closing = built["closing"]
    assert plain(closing) == "Recurring recommendations across all regions address the following:"
    assert (
        "more than 50 per cent of the respondents (and by at least two of them)"
        in closing[0]["note"]
    )


def test_cross_regional_tiers_from_two_regions_up(annexes):
    built = survey_block("cross_regional_tiers", annexes, mark="m")
    headings = [plain(t["heading"]) for t in built["tiers"]]
    assert headings[0] == "Priorities for all four (breakout group) Regions:"
    assert all(h.startswith("Priorities for") for h in headings) and len(headings) >= 2
    assert "(except" in headings[1]
    element = plain(built["tiers"][0]["themes"][0]["elements"][0])
    assert element.endswith("”).") and "(element “" in element


def test_charts_numbered_in_order_with_their_tables(annexes):
    first = survey_block("chart", annexes, chart="theme_respondents", caption="C", alt="A")
    assert first["number"] == "Figure 1." and first["id"] == "figure-theme-respondents"
    assert first["table_caption"] == "Data table: Figure 1. C"
    assert [c["label"] for c in first["columns"]][:2] == ["Region", "Theme 1"]
    assert len(first["rows"]) == 4 and first["svg"].startswith("<svg")
    second = build(
        block_input(
            "chart",
            data=annexes,
            params={"chart": "recurrence", "caption": "R", "alt": "A"},
            ordinal=2,
        )
    )
    assert second["number"] == "Figure 2."
    assert {row[r] for row in second["rows"] for r in ("africa", "europe")} <= {"yes", "—"}
    with pytest.raises(BlockError, match="no chart 'pie'"):
        survey_block("chart", annexes, chart="pie", caption="C", alt="A")


def test_region_overview_table_sentences_and_optional_paragraphs(annexes):
    built = survey_block(
        "region_overview",
        annexes,
        region="europe",
        mark="annex9/europe",
        commonalities="annexes/annex9_regions/europe_commonalities.md",
        recommendations_note="annexes/annex9_regions/no_such_file.md",
    )
    assert built["mark_feedback"] == "annex9/europe/feedback"
    assert plain(built["feedback_heading"]) == "Overview of feedback from Europe"
    assert built["table"]["columns"] == ["RCP", "IRF", "REO", "UN RC"]
    assert all(len(row) == 4 for row in built["table"]["rows"])
    assert built["commonalities"] == "annexes/annex9_regions/europe_commonalities.md"
    assert built["recommendations_note"] is None  # an optional file not written
    assert (built["level"], built["sublevel"], built["practices"]["level"]) == (3, 4, 4)
    assert built["recommendations_heading"] == "I. Recommendations"
    with pytest.raises(BlockError, match="no region 'mars'"):
        survey_block("region_overview", annexes, region="mars")
