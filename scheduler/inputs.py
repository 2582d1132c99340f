"""Bounds for every number, date and one-line text that comes from a request.

A value outside these bounds is refused where it enters (a form field, a URL converter, a query argument), with
a clear message and a 4xx, before it can reach the database (PostgreSQL `integer` ends at 2**31 - 1, SQLite
raises on anything past 2**63) or a library (dates near year 1 or 9999 overflow calendar arithmetic).
"""

from __future__ import annotations

import unicodedata
from datetime import date

from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1  # the largest value an `integer` primary key holds
MAX_INT = 2**31 - 1
EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2099, 12, 31)

# Kept inside names: zero-width joiner and non-joiner shape Bengali and other Indic scripts.
_KEPT_FORMAT_CHARACTERS = {"\u200c", "\u200d"}


def bounded_id(value: object) -> int:
    """An id from a request; ValueError unless 1 <= id <= MAX_ID (werkzeug's `type=` turns that into None)."""
    number = int(value)  # type: ignore[call-overload]
    if not 1 <= number <= MAX_ID:
        raise ValueError("id out of range")
    return number


def date_in_range(value: date) -> bool:
    return EARLIEST_DATE <= value <= LATEST_DATE


def one_line(text: str) -> str:
    """A name or title on one line: line breaks, tabs and other control characters become spaces, runs of white
    space become one, and invisible formatting characters go (except the joiners Indic names need)."""
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if category in ("Cc", "Zl", "Zp", "Zs"):
            kept.append(" ")
        elif category[0] == "C" and ch not in _KEPT_FORMAT_CHARACTERS:
            continue
        else:
            kept.append(ch)
    return " ".join("".join(kept).split())


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: ids past MAX_ID do not match the route (404) instead of reaching the database."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max)
