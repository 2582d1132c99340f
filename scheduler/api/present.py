"""Rows as the API's plain data. Public shapes name nobody and carry no join link."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.meetings.models import Group, Occurrence, Series
from scheduler.participants.links import absolute_url


def group(row: Group) -> dict[str, Any]:
    return {
        "slug": row.slug,
        "name": row.name,
        "description": row.description,
        "topic": row.topic,
        "language": row.language,
        "timezone": row.timezone,
        "helpline": row.helpline,
        "url": absolute_url("public.group", slug=row.slug),
    }


def meeting(row: Series) -> dict[str, Any]:
    return {
        "id": row.id,
        "group": row.group.slug,
        "title": row.title,
        "description": row.description,
        "kind": row.kind,
        "status": row.status,
        "access": row.access,
        "language": row.language,
        "timezone": row.timezone,
        "local_start": row.local_start.isoformat(timespec="minutes"),
        "duration_minutes": row.duration_minutes,
        "rrule": row.rrule,
        "url": absolute_url("public.meeting", series_id=row.id),
        "signup_url": absolute_url("participants.rsvp", series_id=row.id),
    }


def session(row: Occurrence, *, staff: bool = False) -> dict[str, Any]:
    series = row.series
    zone = ZoneInfo(series.timezone)
    data: dict[str, Any] = {
        "id": row.id,
        "meeting_id": series.id,
        "meeting_title": series.title,
        "group": series.group.slug,
        "status": row.status,
        "timezone": series.timezone,
        "start_utc": row.start.astimezone(UTC),
        "end_utc": row.end.astimezone(UTC),
        "start_local": row.start.astimezone(zone).isoformat(timespec="minutes"),
        "end_local": row.end.astimezone(zone).isoformat(timespec="minutes"),
        "signup_url": absolute_url("participants.rsvp", series_id=series.id, session=row.id),
    }
    if staff:
        data["cancel_reason"] = row.cancel_reason
    return data


class BadCursor(ValueError):
    """A cursor this API did not hand out."""


def encode_cursor(*parts: object) -> str:
    text = "|".join(p.isoformat() if isinstance(p, datetime) else str(p) for p in parts)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, kinds: tuple[type, ...]) -> tuple[Any, ...]:
    """The values of a cursor made by `encode_cursor`, as `kinds` (int, str or datetime); BadCursor otherwise."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        parts = text.split("|")
        if len(parts) != len(kinds):
            raise BadCursor(cursor)
        values: list[Any] = []
        for part, kind in zip(parts, kinds, strict=True):
            if kind is datetime:
                value = datetime.fromisoformat(part)
                if value.tzinfo is None:
                    raise BadCursor(cursor)
                values.append(value)
            elif kind is int:
                if not part.isdecimal() or len(part) > 12:
                    raise BadCursor(cursor)
                values.append(int(part))
            else:
                values.append(part)
        return tuple(values)
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise BadCursor(cursor) from error
