"""Formatting instants for people: Babel does the locale (names, numerals, 12/24 h); we name the zone."""

from __future__ import annotations

import functools
from datetime import datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time, get_timezone_name


def zone_label(tz: str, locale: str, instant: datetime | None = None) -> str:
    """A readable zone name such as 'Bangladesh Time (Asia/Dhaka)'."""
    zone = ZoneInfo(tz)
    when = instant.astimezone(zone) if instant is not None else None
    try:
        generic = get_timezone_name(when or zone, width="long", locale=locale, uncommon=False)
    except (LookupError, ValueError):
        generic = tz
    return generic if generic == tz else f"{generic} ({tz})"


def local(instant: datetime, tz: str) -> datetime:
    return instant.astimezone(ZoneInfo(tz))


def format_when(instant: datetime, tz: str, locale: str, *, with_zone: bool = True) -> str:
    """'Tuesday 1 December 2026, 19:00' in the locale's own style, plus the zone."""
    moment = local(instant, tz)
    text = f"{format_date(moment, format='full', locale=locale)}, {format_time(moment, format='short', locale=locale)}"
    return f"{text} ({zone_label(tz, locale, instant)})" if with_zone else text


def format_day(instant: datetime, tz: str, locale: str) -> str:
    return format_date(local(instant, tz), format="full", locale=locale)


def format_clock(instant: datetime, tz: str, locale: str) -> str:
    return format_time(local(instant, tz), format="short", locale=locale)


def weekday_names(locale: str) -> list[str]:
    """Monday first, in the locale's language."""
    return list(_weekday_names(locale))


@functools.lru_cache(maxsize=64)
def _weekday_names(locale: str) -> tuple[str, ...]:
    days = Locale.parse(locale).days["format"]["wide"]
    return tuple(days[i] for i in range(7))
