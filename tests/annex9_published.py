"""Figures of the four Annex 9 regional overviews, typed from the published report.

The expectations the summaries and the reconstructed survey are checked against; line numbers
are those of ../shared/seed/grcp7_summary_report_2017.txt.
"""

from __future__ import annotations

APME = "asia_pacific_middle_east"
THEMES = ["T1", "T2", "T3", "T4", "T5", "T6"]

# "Global compact theme N: k respondents", T1..T6.
THEME_RESPONDENTS = {
    "africa": [6, 6, 7, 3, 3, 5],  # lines 1264–1300
    "americas": [1, 1, 1, 2, 2, 1],  # lines 1401–1425
    APME: [3, 3, 5, 3, 2, 3],  # lines 1536–1574
    "europe": [4, 3, 3, 2, 2, 2],  # lines 1686–1726
}

# "Recurrent recommendations refer to …", phrases mapped to element letters (elements.csv);
# exhaustive: an empty set is a theme without the sentence.
RECURRENT = {
    "africa": {  # lines 1268, 1274, 1280, 1292, 1298, 1304
        "T1": {"i"},
        "T2": {"q", "m"},
        "T3": {"f", "j", "v"},
        "T4": {"h", "t"},
        "T5": {"c", "n", "b"},
        "T6": {"k", "l"},
    },
    "americas": {  # lines 1417, 1423; no sentence for T1, T2, T3, T6
        "T1": set(),
        "T2": set(),
        "T3": set(),
        "T4": {"h"},
        "T5": {"c", "n", "b"},
        "T6": set(),
    },
    APME: {  # lines 1540, 1554, 1560, 1566, 1572, 1578
        "T1": {"i"},
        "T2": {"q", "w"},
        "T3": {"e", "f", "r"},
        "T4": {"h", "d", "t", "a"},
        "T5": {"c", "n"},
        "T6": {"k", "l"},
    },
    "europe": {  # lines 1690, 1706, 1712, 1718, 1724, 1730
        "T1": {"i", "o", "u"},
        "T2": {"q"},
        "T3": {"x", "e", "f", "s", "r"},
        "T4": {"h", "d", "t", "a"},
        "T5": {"c", "n", "b"},
        "T6": {"k", "l"},
    },
}

# The notes the report calls on an entity's name (footnote number → the text just before the
# call, and the regional overview it is in; None for the cross-regional summary). The note's
# text is read from the report by its number.
ENTITY_NOTES = {
    53: ("GFMD", None),  # line 1152
    57: ("5+5 Dialogue;", "africa"),  # line 1256
    58: ("ACP–EU Migration Dialogue;", "africa"),
    59: ("Rabat Process;", "africa"),
    62: ("ACP–EU Migration Dialogue;", "americas"),  # line 1391
    63: ("IGC;", "americas"),
    65: ("UNESCAP", APME),  # line 1504
    67: ("5+5 Dialogue;", APME),  # line 1526
    68: ("ACP–EU Migration Dialogue;", APME),
    69: ("Rabat Process", APME),
    70: ("UNESCWA", APME),
    73: ("5+5 Dialogue;", "europe"),  # line 1672
    74: ("ACP–EU Migration Dialogue;", "europe"),
    75: ("EAPPMA;", "europe"),
    76: ("IGC;", "europe"),
    77: ("Rabat Process;", "europe"),
}

# Sentences built from data that the documents print as the report does (seed line: text, with
# the footnote calls removed).
SENTENCES = {
    1391: "Three entities (ACP–EU Migration Dialogue; RCM; UNECLAC) had formulated concrete"
    " recommendations for the global compact for migration; whereas two respondents (IGC;"
    " Mercosur) are unable to share concrete recommendations for the global compact for"
    " migration.",
    1393: "Only ACP–EU Migration Dialogue has formulated recommendations on all the six themes.",
    1504: "Eleven entities were requested in June 2017 to participate in the survey for the"
    " regions of this breakout group. As of 10 October 2017, eight provided feedback – six for"
    " the Middle East and North Africa (5+5 Dialogue; Abu Dhabi Dialogue; ACP–EU Migration"
    " Dialogue; ARCP; Rabat Process; and UNESCWA) and two for Asia and the Pacific (Colombo"
    " Process; and UNESCAP). They represent two RCPs, four IRFs and two Partner organizations:",
    1528: "In Asia, Australia and Pacific, the ADD and the Colombo Process have formulated concrete"
    " recommendations for the global compact for migration, whereas UNESCAP is unable to share"
    " concrete recommendations for the global compact for migration.",
    1262: "Recommendations in the Region address the following global compact themes:",
    1154: "In the Americas, the common recommendations only referred to two themes, while in all"
    " other Regions they refer to all six themes.",
}
# Line 1526, but for the order of two names (the report lists ACP–EU before the Abu Dhabi
# Dialogue here and after it in line 1504; the documents sort by the printed name).
MIDDLE_EAST_STATUS = (
    "In the Middle East, four entities (",
    {"5+5 Dialogue", "ACP–EU Migration Dialogue", "Abu Dhabi Dialogue", "ARCP"},
    ") had formulated concrete recommendations for the global compact for migration, whereas two"
    " entities (Rabat Process and UNESCWA) have not formulated concrete recommendations for the"
    " global compact for migration to be shared externally.",
)
