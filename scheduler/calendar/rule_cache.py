"""RRULE strings parsed once per process: an iCalendar feed checks the same few rules for every session."""

from __future__ import annotations

import functools
from datetime import datetime
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule as rrule_type
from dateutil.rrule import rrulestr
from icalendar import vRecur


@functools.lru_cache(maxsize=4096)
def recur_names(rrule: str) -> frozenset[str]:
    """The rule's parts (FREQ, COUNT, UNTIL, ...)."""
    return frozenset(vRecur.from_ical(rrule))


@functools.lru_cache(maxsize=4096)
def parsed_rule(rrule: str, local_start: datetime, tzid: str) -> rrule_type:
    """Parsed once per rule and start (iterating a dateutil rule does not change it)."""
    return rrulestr(rrule, dtstart=local_start.replace(tzinfo=ZoneInfo(tzid)))
