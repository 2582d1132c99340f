"""Formatting instants for people: Babel does the locale (names, 12/24 h); we name the zone and write the digits.

Babel writes every number with Latin digits; CLDR says which digits each locale uses by default (`beng` for
Bengali). `digits` is the one place that converts, and every formatter here goes through it.
"""

from __future__ import annotations

import functools
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.core import get_global
from babel.dates import format_date, format_skeleton, format_time, get_timezone_location, get_timezone_name
from babel.numbers import format_decimal

# Unicode names of the decimal digits of CLDR's numbering systems we may meet (CLDR numberingSystems.xml).
_DIGIT_SCRIPTS = {
    "arab": "ARABIC-INDIC",
    "arabext": "EXTENDED ARABIC-INDIC",
    "beng": "BENGALI",
    "deva": "DEVANAGARI",
    "gujr": "GUJARATI",
    "guru": "GURMUKHI",
    "knda": "KANNADA",
    "mlym": "MALAYALAM",
    "mymr": "MYANMAR",
    "orya": "ORIYA",
    "tamldec": "TAMIL",
    "telu": "TELUGU",
    "thai": "THAI",
}
_DIGIT_NAMES = ("ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE")


@functools.cache
def _digit_table(locale: str) -> dict[int, str] | None:
    """str.translate table from 0-9 to the locale's default digits, or None when they are Latin."""
    try:
        system = Locale.parse(locale).default_numbering_system
    except (ValueError, LookupError):
        return None
    script = _DIGIT_SCRIPTS.get(system)
    if script is None:
        return None
    return {ord(str(n)): unicodedata.lookup(f"{script} DIGIT {name}") for n, name in enumerate(_DIGIT_NAMES)}


def digits(text: str, locale: str) -> str:
    """`text` with 0-9 written in the locale's own digits (Bengali: ০-৯); unchanged for Latin-digit locales."""
    table = _digit_table(locale)
    return text.translate(table) if table else text


def format_number(number: float, locale: str) -> str:
    return digits(format_decimal(number, locale=locale), locale)


def zone_label(tz: str, locale: str, instant: datetime | None = None) -> str:
    """A readable zone name such as 'Bangladesh Time (Asia/Dhaka)'."""
    zone = ZoneInfo(tz)
    when = instant.astimezone(zone) if instant is not None else None
    try:
        generic = get_timezone_name(when or zone, width="long", locale=locale, uncommon=False)
    except (LookupError, ValueError):
        generic = tz
    return generic if generic == tz else f"{generic} ({tz})"


@functools.cache
def zone_city(tz: str, locale: str) -> str:
    """The zone's city in the locale's language ('Amsterdam', 'ঢাকা'), from CLDR; the IANA name's last part else."""
    try:
        city = get_timezone_location(tz, locale=locale, return_city=True)
    except (LookupError, ValueError):
        city = ""
    return city or tz.rsplit("/", 1)[-1].replace("_", " ")


@functools.cache
def zone_place(tz: str, locale: str) -> str:
    """'Dhaka (Bangladesh)': the city and, when CLDR knows it, the country, in the locale's language."""
    city = zone_city(tz, locale)
    code = get_global("zone_territories").get(tz)
    territory = Locale.parse(locale).territories.get(code, "") if code and code not in ("001", "ZZ") else ""
    return f"{city} ({territory})" if territory and territory != city else city


def local(instant: datetime, tz: str) -> datetime:
    return instant.astimezone(ZoneInfo(tz))


def format_when(instant: datetime, tz: str, locale: str, *, with_zone: bool = True) -> str:
    """'Tuesday 1 December 2026, 19:00' in the locale's own style, plus the zone."""
    moment = local(instant, tz)
    text = f"{format_date(moment, format='full', locale=locale)}, {format_time(moment, format='short', locale=locale)}"
    text = digits(text, locale)
    return f"{text} ({zone_label(tz, locale, instant)})" if with_zone else text


def format_day(instant: datetime, tz: str, locale: str) -> str:
    return digits(format_date(local(instant, tz), format="full", locale=locale), locale)


def format_short_day(instant: datetime, tz: str, locale: str) -> str:
    """'Tue, Dec 15' / 'di 15 dec': the weekday and date, short, in the locale's order."""
    return digits(format_skeleton("MMMEd", local(instant, tz), locale=locale), locale)


def format_clock(instant: datetime, tz: str, locale: str) -> str:
    return digits(format_time(local(instant, tz), format="short", locale=locale), locale)


def format_long_date(day: object, locale: str) -> str:
    return digits(format_date(day, format="long", locale=locale), locale)  # type: ignore[arg-type]


def weekday_names(locale: str) -> list[str]:
    """Monday first, in the locale's language."""
    return list(_weekday_names(locale))


@functools.lru_cache(maxsize=64)
def _weekday_names(locale: str) -> tuple[str, ...]:
    days = Locale.parse(locale).days["format"]["wide"]
    return tuple(days[i] for i in range(7))
