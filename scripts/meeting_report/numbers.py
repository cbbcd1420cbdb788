"""Numbers and names as the report prints them: 27 → "twenty-seven", 0.7714 → "77%", a list of
names → "A, B and C". Used by the narrative's filters, the sentences built from data and the
templates' context builders alike, so that a figure is worded and rounded one way everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

_ONES = [
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    *("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen"),
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _words_below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = []
    if hundreds:
        parts.append(f"{_ONES[hundreds]} hundred")
    if rest or not hundreds:
        if rest < 20:
            below = _ONES[rest]
        else:
            tens, ones = divmod(rest, 10)
            below = _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
        # British usage, as in the report: "one hundred and five".
        parts.append(("and " if hundreds else "") + below)
    return " ".join(parts)


def words(value: int) -> str:
    """27 → "twenty-seven" (British English, 0 ≤ n < 1,000,000)."""
    if isinstance(value, bool) or not isinstance(value, int):
        # Strings or floats here mean the context builder passed the wrong thing.
        raise TypeError(f"words expects an int, got {value!r}")
    if not 0 <= value < 1_000_000:
        raise ValueError(f"words supports 0 to 999,999, got {value}")
    thousands, rest = divmod(value, 1000)
    if not thousands:
        return _words_below_thousand(rest)
    text = f"{_words_below_thousand(thousands)} thousand"
    if rest:
        text += (" and " if rest < 100 else " ") + _words_below_thousand(rest)
    return text


def percent_points(share: float) -> int:
    """0.7714 → 77: a share as whole per cent, rounded half up as a reader would (76.5 → 77).

    The one rounding rule of the project: Python's round() rounds half to even, and
    `int(x * 100 + 0.5)` misses halves that binary floats store a hair below (0.145 → 14).
    """
    if isinstance(share, bool) or not isinstance(share, int | float):
        raise TypeError(f"percent expects a number, got {share!r}")
    return int((Decimal(str(share)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent(value: float) -> str:
    """0.7714 → "77%"."""
    return f"{percent_points(value)}%"


def names(items: Iterable[Any], sep: str = ",", conjunction: str = "and") -> str:
    """["A", "B", "C"] → "A, B and C"; with sep=";" → "A; B; and C".

    With commas, a name that holds an "and" of its own gets a comma before the last "and", so
    that the list still reads: "Africa, Asia, Pacific and the Middle East, and Europe".
    """
    parts = [str(item) for item in items]
    if len(parts) <= 1:
        return "".join(parts)
    if not conjunction:
        return f"{sep} ".join(parts)
    if len(parts) == 2 and sep != ",":
        return f"{parts[0]} {conjunction} {parts[1]}"
    serial = sep != "," or any(f" {conjunction} " in part for part in parts[:-1])
    head = f"{sep} ".join(parts[:-1])
    return head + (f"{sep} {conjunction} " if serial else f" {conjunction} ") + parts[-1]
