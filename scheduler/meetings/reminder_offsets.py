"""When reminders go out before a session, per meeting — pure values, no app, no database.

A series stores its offsets in minutes; NULL means the defaults: 24 hours and 1 hour before, and for webinars
also 7 days before. An empty list means the organizer turned reminders off for the meeting.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

DEFAULT = (24 * 60, 60)
WEBINAR = (7 * 24 * 60, 24 * 60, 60)
MAX_MINUTES = 14 * 24 * 60
MAX_COUNT = 6

# What the organizer form offers (minutes, label).
CHOICES = [
    (7 * 24 * 60, _l("7 days before")),
    (3 * 24 * 60, _l("3 days before")),
    (24 * 60, _l("24 hours before")),
    (3 * 60, _l("3 hours before")),
    (60, _l("1 hour before")),
    (15, _l("15 minutes before")),
]


def defaults_for(kind: str) -> tuple[int, ...]:
    return WEBINAR if kind == "webinar" else DEFAULT


def effective(kind: str, stored: Iterable[int] | None) -> tuple[int, ...]:
    """The offsets in force for a series, largest first."""
    if stored is None:
        return defaults_for(kind)
    return normalize(stored)


def normalize(values: Iterable[int]) -> tuple[int, ...]:
    """Unique, largest first; raises ValueError for values out of range."""
    cleaned = sorted({int(v) for v in values}, reverse=True)
    if any(not 1 <= v <= MAX_MINUTES for v in cleaned) or len(cleaned) > MAX_COUNT:
        raise ValueError("reminder offsets out of range")
    return tuple(cleaned)
