"""Checks of the tables extracted from the published report against figures counted by hand.

Sources (seed file ../shared/seed/grcp7_summary_report_2017.txt): Annex 7 participant list
(lines 846–994), Annex 5 agenda (lines 672–721), List of acronyms (lines 78–100), introduction
(line 105). The expected values below were read off the source, not off the CSVs.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"


def read(name: str) -> list[dict[str, str]]:
    with (RAW / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def participants() -> list[dict[str, str]]:
    return read("participants.csv")


@pytest.fixture(scope="module")
def entities() -> dict[str, dict[str, str]]:
    return {row["entity_id"]: row for row in read("entities.csv")}


@pytest.fixture(scope="module")
def agenda() -> list[dict[str, str]]:
    return read("agenda.csv")


# --- participants (Annex 7) -------------------------------------------------------------------


def test_participant_columns(participants: list[dict[str, str]]) -> None:
    assert list(participants[0]) == [
        "number",
        "section_id",
        "organization",
        "entity_id",
        "name",
        "position",
    ]


def test_92_participants_numbered_without_gaps(participants: list[dict[str, str]]) -> None:
    # Introduction: "The GRCP 7 brought together 92 delegates"; the list ends at "92."
    assert [row["number"] for row in participants] == [str(n) for n in range(1, 93)]


def test_participants_per_section(participants: list[dict[str, str]]) -> None:
    # I: 1–52; II.A: 53–61; II.B: 62–71; II.C: 72; II.D: 73–92.
    sections = [row["section_id"] for row in participants]
    assert sections[:52] == ["iscm"] * 52
    assert sections[52:61] == ["reo"] * 9
    assert sections[61:71] == ["un"] * 10
    assert sections[71:72] == ["donor"]
    assert sections[72:] == ["organizer"] * 20


def test_sections_table() -> None:
    sections = read("participant_sections.csv")
    assert [(s["section_id"], s["number"], s["title"], s["group_title"]) for s in sections] == [
        ("iscm", "I", "Participants from ISCMs", ""),
        ("reo", "II.A", "Regional Economic Organizations", "Non-ISCM Participants"),
        (
            "un",
            "II.B",
            "United Nations (including UN Regional Commissions)",
            "Non-ISCM Participants",
        ),
        ("donor", "II.C", "Donors", "Non-ISCM Participants"),
        ("organizer", "II.D", "Organizers (IOM)", "Non-ISCM Participants"),
    ]
    assert [s["organization_heading"] for s in sections] == ["ISCM"] + ["Organization"] * 4


def test_participant_sections_exist(participants: list[dict[str, str]]) -> None:
    known = {s["section_id"] for s in read("participant_sections.csv")}
    assert {row["section_id"] for row in participants} <= known


def test_participant_entities_exist(
    participants: list[dict[str, str]], entities: dict[str, dict[str, str]]
) -> None:
    linked = {row["entity_id"] for row in participants if row["entity_id"]}
    assert linked <= set(entities)


def test_every_iscm_participant_is_linked(participants: list[dict[str, str]]) -> None:
    assert all(row["entity_id"] for row in participants if row["section_id"] == "iscm")


def test_iscms_attending(
    participants: list[dict[str, str]], entities: dict[str, dict[str, str]]
) -> None:
    # Counted by hand in Annex 7, section I: 21 ISCMs (the introduction says 22; see provenance).
    iscms = {row["entity_id"] for row in participants[:52]}
    assert len(iscms) == 21
    assert {entities[e]["kind"] for e in iscms} <= {"rcp", "irf", "global_process"}
    # Footnote 1: ACP–EU and MIDWA did not attend.
    assert not iscms & {"acp_eu", "midwa"}


def test_five_reos_and_five_un_rcs(
    participants: list[dict[str, str]], entities: dict[str, dict[str, str]]
) -> None:
    # Introduction: "... and from five UN RCs and five REOs".
    linked = {row["entity_id"] for row in participants if row["entity_id"]}
    assert {e for e in linked if entities[e]["kind"] == "reo"} == {
        "gcc",
        "eac",
        "eu",
        "eec",
        "mercosur",
    }
    assert {e for e in linked if entities[e]["kind"] == "un_rc"} == {
        "unescap",
        "uneca",
        "unece",
        "uneclac",
        "unescwa",
    }


def test_unlinked_organizations(participants: list[dict[str, str]]) -> None:
    # Co-facilitators, their offices, the SRSG office, the donor and IOM are no survey entities.
    unlinked = [int(row["number"]) for row in participants if not row["entity_id"]]
    assert unlinked == [62, 63, 64, 65, 66, *range(72, 93)]


def test_gfmd_rows_link_to_gfmd(participants: list[dict[str, str]]) -> None:
    by_number = {int(row["number"]): row for row in participants}
    assert by_number[22]["organization"] == "GFMD Chairmanship 2018"
    assert by_number[24]["organization"] == "GFMD Support Office"
    assert {by_number[n]["entity_id"] for n in range(19, 25)} == {"gfmd"}


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (
            10,
            (
                "iscm",
                "Bali Process on People Smuggling, Trafficking in Persons and Related "
                "Transnational Crime",
                "bali",
                "H.E. Mr Hasan Kleib",
                "Permanent Representative of Indonesia in Geneva",
            ),
        ),
        (
            33,
            (
                "iscm",
                "Ministerial Consultation on Overseas Employment and Contractual Labour for "
                "Countries of Origin and Destination in Asia (Abu Dhabi Dialogue)",
                "add",
                "H.E. Mr Maligaspe Koralage Nalin Manusha Nanayakkara",
                "Deputy Minister of Foreign Employment Promotion and Welfare of Sri Lanka",
            ),
        ),
        (
            58,  # first row after a page break whose repeated header is blank
            (
                "reo",
                "European Union",
                "eu",
                "Mr Benjamin Lemerle",
                "Attaché, Humanitarian Affairs Section, EU Delegation to Geneva",
            ),
        ),
        (
            61,
            (
                "reo",
                "Southern Common Market / Mercado Común del Sur (Mercosur)",
                "mercosur",
                "Dr Javier Palummo",
                "Director, Department of Research and Information Management, Institute of "
                "Public Policies on Human Rights (IPPDH), Southern Common Market (Mercosur)",
            ),
        ),
        (
            92,
            (
                "organizer",
                "International Organization for Migration (IOM) Headquarters",
                "",
                "Ms Katie Colven",
                "Global compact for migration Team, ODG",
            ),
        ),
    ],
)
def test_participant_rows_verbatim(
    participants: list[dict[str, str]], number: int, expected: tuple[str, ...]
) -> None:
    row = participants[number - 1]
    assert row["number"] == str(number)
    fields = ("section_id", "organization", "entity_id", "name", "position")
    assert tuple(row[f] for f in fields) == expected


# --- agenda (Annex 5) -------------------------------------------------------------------------

KINDS = {
    "heading",
    "day",
    "session",
    "break",
    "social",
    "moderator",
    "item",
    "speaker",
    "group",
    "facilitator",
    "rapporteur",
}
SLOT_KINDS = {"session", "break", "social"}


def slots(agenda: list[dict[str, str]], day: str) -> list[tuple[str, str, str]]:
    return [
        (row["start"], row["end"], row["title"])
        for row in agenda
        if row["day"] == day and row["kind"] in SLOT_KINDS
    ]


def test_agenda_keys_and_codes(agenda: list[dict[str, str]]) -> None:
    ids = [row["item_id"] for row in agenda]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9_]+", i) for i in ids)
    assert {row["kind"] for row in agenda} <= KINDS
    assert [int(row["order"]) for row in agenda] == list(range(1, len(agenda) + 1))
    by_id = {row["item_id"]: row for row in agenda}
    for row in agenda:
        if row["kind"] in {"heading", "day"}:
            assert row["parent_id"] == ""
        else:
            parent = by_id[row["parent_id"]]
            assert parent["day"] == row["day"]
            # a parent comes before its children, so source order is a pre-order walk
            assert int(parent["order"]) < int(row["order"])


def test_agenda_days_and_dates(agenda: list[dict[str, str]]) -> None:
    assert {(row["day"], row["date"]) for row in agenda} == {
        ("", ""),
        ("1", "2017-10-10"),
        ("2", "2017-10-11"),
    }
    assert [row["title"] for row in agenda if row["kind"] == "day"] == [
        "Day 1, 10 October 2017",
        "Day 2, 11 October 2017",
    ]


def test_agenda_time_slots(agenda: list[dict[str, str]]) -> None:
    day1, day2 = slots(agenda, "1"), slots(agenda, "2")
    assert len(day1) == 8
    assert len(day2) == 2
    assert [(s, e) for s, e, _ in day1] == [
        ("09:00", "10:00"),
        ("10:00", "10:15"),
        ("10:15", "11:30"),
        ("11:30", "13:00"),
        ("13:00", "14:30"),
        ("14:30", "17:30"),
        ("17:30", "18:00"),
        ("18:00", "20:00"),
    ]
    assert [(s, e) for s, e, _ in day2] == [("10:00", "11:45"), ("11:45", "13:00")]
    # only slot rows carry times
    assert all(
        bool(row["start"]) == bool(row["end"]) == (row["kind"] in SLOT_KINDS) for row in agenda
    )


def test_agenda_titles_verbatim(agenda: list[dict[str, str]]) -> None:
    titles = [title for _, _, title in slots(agenda, "1") + slots(agenda, "2")]
    assert titles[0] == "Registration"
    assert titles[1] == "OPENING SESSION"
    assert titles[3] == (
        "SESSION 2. INPUTS AND RECOMMENDATIONS ON THE GLOBAL COMPACT FOR MIGRATION BY REGION: "
        "BREAKOUT GROUPS"
    )
    assert titles[4] == "Lunch Break"
    assert titles[7] == "Reception hosted by IOM Director General"
    assert titles[9] == (
        "CLOSING SESSION: REFLECTIONS ON THE GLOBAL COMPACT PROCESS, CONTRIBUTIONS AND WAY FORWARD"
    )


def test_agenda_breakout_groups(agenda: list[dict[str, str]]) -> None:
    groups = [row for row in agenda if row["kind"] == "group"]
    assert [(g["title"], g["room"], g["interpretation"]) for g in groups] == [
        ("Group 1. AFRICA", "Room 18", "English–French"),
        ("Group 2. AMERICAS", "Room 15", "English–Spanish"),
        ("Group 3. EUROPE", "Room 19", "English–Russian"),
        ("Group 4. ASIA, PACIFIC AND THE MIDDLE EAST", "Room 5–6", "English–Arabic"),
    ]
    facilitators = Counter(row["parent_id"] for row in agenda if row["kind"] == "facilitator")
    assert [facilitators[g["item_id"]] for g in groups] == [2, 2, 2, 3]


def test_agenda_people(agenda: list[dict[str, str]]) -> None:
    moderators = [row["person"] for row in agenda if row["kind"] == "moderator"]
    assert moderators == [
        "Mr Kevin Playford",
        "H.E. Ambassador Laura Thompson Chacón",
        "Dr Javier Palummo",
        "H.E. Ambassador William Lacy Swing",
    ]
    rapporteurs = [
        (row["title"], row["person"], row["function"])
        for row in agenda
        if row["kind"] == "rapporteur"
    ]
    assert rapporteurs[0] == ("Rapporteur for AFRICA", "Mr Moola Milomo", "MIDCOM")
    assert len(rapporteurs) == 4
    first_speaker = next(row for row in agenda if row["kind"] == "speaker")
    assert (first_speaker["person"], first_speaker["function"]) == (
        "H.E. Ambassador William Lacy Swing",
        "Director General, International Organization for Migration (IOM)",
    )
    closing = [row["person"] for row in agenda if row["parent_id"] == "d2_1145_i2"]
    assert closing == [
        "Ms Louise Arbour",
        "H.E. Mr Juan José Gómez Camacho",
        "H.E. Mr Jürg Lauber",
    ]


def test_agenda_footnotes(agenda: list[dict[str, str]]) -> None:
    with_notes = {row["title"]: row["footnote"] for row in agenda if row["footnote"]}
    assert set(with_notes) == {
        "10–11 October 2017, International Conference Centre of Geneva, Geneva, Switzerland",
        "Group photo",
    }
    assert with_notes["Group photo"] == (
        "The group photo will be taken in the foyer of the International Conference Centre of "
        "Geneva."
    )
    plenary = with_notes[
        "10–11 October 2017, International Conference Centre of Geneva, Geneva, Switzerland"
    ]
    assert plenary.startswith("All plenary sessions will be held in room 5–6.")


# --- acronyms ---------------------------------------------------------------------------------


def test_acronyms() -> None:
    acronyms = read("acronyms.csv")
    assert list(acronyms[0]) == ["acronym", "expansion"]
    assert len(acronyms) == 18
    assert (acronyms[0]["acronym"], acronyms[0]["expansion"]) == (
        "2030 Agenda",
        "Transforming our world: the 2030 Agenda for Sustainable Development",
    )
    pairs = [(a["acronym"], a["expansion"]) for a in acronyms]
    assert (
        "GRCP",
        "global meeting of chairs and secretariats of regional, interregional and global "
        "consultative processes on migration",
    ) in pairs
    assert pairs[-1] == ("UN RC", "United Nations Regional Commission")
    # The list prints "SMSG"; the report's text uses "SRSG" (see provenance/acronyms.md).
    assert ("SRSG", "Special Representative of the Secretary-General") in pairs
    assert "SMSG" not in {a for a, _ in pairs}
