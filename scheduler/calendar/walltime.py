"""Wall times in a meeting's zone for iCalendar: naive local times, the instants they name across a clock change
(a daylight-saving gap or overlap), and DTSTAMP in UTC. Pure functions; used by `scheduler.calendar.ics`."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def _require_naive(value: datetime, what: str) -> None:
    if value.tzinfo is not None:
        raise ValueError(f"{what} must be a naive wall time in the meeting zone, got {value!r}")


def _wall(value: datetime, zone: ZoneInfo) -> datetime:
    return value.astimezone(zone).replace(tzinfo=None) if value.tzinfo is not None else value


def _utc(dtstamp: datetime) -> datetime:
    if dtstamp.tzinfo is None:
        raise ValueError("dtstamp must be timezone-aware")
    return dtstamp.astimezone(UTC).replace(microsecond=0)


def _wall_duration_is_exact(start: datetime, end: datetime, zone: ZoneInfo) -> bool:
    """Whether DTEND's wall time gives the same length as the exact instants (no clock change between)."""
    if start.tzinfo is not None or end.tzinfo is not None:
        return True
    aware = [_unambiguous(value, zone) for value in (start, end)]
    exact = _in_zone(aware[1], zone).astimezone(UTC) - _in_zone(aware[0], zone).astimezone(UTC)
    return exact == end - start and all(a.tzinfo is not UTC for a in aware)


def _in_zone(value: datetime, zone: ZoneInfo) -> datetime:
    return value.astimezone(UTC) if value.tzinfo is not None else value.replace(tzinfo=zone)


def _unambiguous(value: datetime, zone: ZoneInfo) -> datetime:
    if value.tzinfo is not None:
        return value
    early, late = value.replace(tzinfo=zone, fold=0), value.replace(tzinfo=zone, fold=1)
    return early.astimezone(UTC) if early.utcoffset() != late.utcoffset() else value
