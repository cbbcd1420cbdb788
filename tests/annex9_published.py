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
