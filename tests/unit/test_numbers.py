"""How numbers and names are worded: one rounding rule, one list style."""

from __future__ import annotations

import pytest

from meeting_report.numbers import names, percent, percent_points, words


@pytest.mark.parametrize(
    ("share", "points"),
    [(27 / 35, 77), (0.765, 77), (0.145, 15), (0.125, 13), (0.5, 50), (1, 100), (0, 0)],
)
def test_percent_points_round_half_up(share: float, points: int) -> None:
    # 0.145 is stored a hair below 0.145: int(x * 100 + 0.5) gave 14, round() gives 14 too.
    assert percent_points(share) == points
    assert percent(share) == f"{points}%"


def test_percent_refuses_what_is_not_a_number() -> None:
    with pytest.raises(TypeError):
        percent_points("0.5")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        percent_points(True)


def test_names_with_a_name_that_holds_and() -> None:
    regions = ["Africa", "Americas", "Asia, Pacific and the Middle East", "Europe"]
    assert names(regions) == "Africa, Americas, Asia, Pacific and the Middle East, and Europe"
    assert names(["Asia, Pacific and the Middle East", "Europe"]) == (
        "Asia, Pacific and the Middle East, and Europe"
    )
    # The last name's own "and" needs no comma: the list's "and" is before it.
    assert names(["Europe", "Asia and the Pacific"]) == "Europe and Asia and the Pacific"
    assert names(["A", "B"], ";") == "A and B"
    assert names(["A", "B", "C"], ";", "") == "A; B; C"


def test_words_and_names_agree_with_the_sentences_built_from_data() -> None:
    from meeting_report.wording import item, join_items, plain

    for parts in (["A"], ["A", "B"], ["A", "B and C", "D"], ["A and B", "C"], ["A", "B", "C"]):
        assert names(parts) == plain(join_items([item(p) for p in parts], "and")), parts
    assert words(27) == "twenty-seven"
