"""Pure mapping between our RoomRequest/Room and Zoom's meeting and webinar JSON.

Long series: Zoom's fixed-time recurrence (type 8 / webinar 9) holds at most 50 sessions. A series with more
than 50 sessions, or with no end, becomes ONE recurring meeting with no fixed time (type 3 / webinar 6)
instead of several chained 50-session series: the join link then never changes, which matters more to
people who keep a link for months than Zoom showing each date. Our own database remains the calendar, and
Room.note tells the organizer (NO_FIXED_TIME_NOTE).
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import rrule

from scheduler.integrations.base import ProviderError, Recurrence, Room, RoomRequest

MAX_OCCURRENCES = 50
INTERVAL_LIMITS = {"daily": 90, "weekly": 12, "monthly": 3}
ZOOM_RECURRENCE_TYPE = {"daily": 1, "weekly": 2, "monthly": 3}
PASSCODE_SPECIALS = "@-_*"
PASSCODE_ALPHABET = string.ascii_letters + string.digits + PASSCODE_SPECIALS
PASSCODE_LENGTH = 10
TOPIC_MAX, AGENDA_MAX = 200, 2000
LISTED_AGENDA_MAX = 250  # Zoom's meeting list truncates each agenda to this many characters
NO_FIXED_TIME_NOTE = (
    "This series has more than 50 sessions or no end date, so Zoom holds it as one recurring meeting "
    "without fixed times. The same link works for every session; the dates are kept here."
)
_RRULE_FREQ = {"daily": rrule.DAILY, "weekly": rrule.WEEKLY, "monthly": rrule.MONTHLY}


@dataclass(frozen=True)
class Plan:
    zoom_type: int
    recurrence: dict[str, Any] | None
    note: str | None


def zoom_weekday(py_weekday: int) -> int:
    """0=Monday..6=Sunday -> Zoom's 1=Sunday..7=Saturday."""
    if not 0 <= py_weekday <= 6:
        raise ValueError("weekday must be 0..6")
    return (py_weekday + 1) % 7 + 1


def generate_passcode(length: int = PASSCODE_LENGTH) -> str:
    """Random passcode from Zoom's charset, with a lower, upper, digit and special so strict account
    policies accept it."""
    while True:
        code = "".join(secrets.choice(PASSCODE_ALPHABET) for _ in range(length))
        if (
            any(c.islower() for c in code)
            and any(c.isupper() for c in code)
            and any(c.isdigit() for c in code)
            and any(c in PASSCODE_SPECIALS for c in code)
        ):
            return code


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {tz!r}") from None


def count_sessions(req: RoomRequest) -> int | None:
    """How many sessions the series has, capped at MAX_OCCURRENCES + 1; None when it never ends."""
    rec = req.recurrence
    if rec is None:
        return 1
    if rec.count is not None:
        return rec.count
    if rec.until_utc is None:
        return None
    if rec.until_utc.tzinfo is None:
        raise ValueError("until_utc must be aware")
    kwargs: dict[str, Any] = {"interval": rec.interval}
    if rec.freq == "weekly":
        kwargs["byweekday"] = rec.weekdays or (req.local_start.weekday(),)
    elif rec.freq == "monthly" and rec.monthly_nth is not None and rec.monthly_weekday is not None:
        kwargs["byweekday"] = rrule.weekday(rec.monthly_weekday, rec.monthly_nth)
    elif rec.freq == "monthly":
        kwargs["bymonthday"] = rec.monthly_day or req.local_start.day
    start = req.local_start.replace(tzinfo=_zone(req.tz))
    rule = rrule.rrule(_RRULE_FREQ[rec.freq], dtstart=start, until=rec.until_utc.astimezone(UTC), **kwargs)
    return len(list(islice(rule, MAX_OCCURRENCES + 1)))


def recurrence_json(rec: Recurrence, local_start: datetime, sessions: int) -> dict[str, Any]:
    if rec.freq not in INTERVAL_LIMITS:
        raise ValueError(f"unknown frequency {rec.freq!r}")
    if not 1 <= rec.interval <= INTERVAL_LIMITS[rec.freq]:
        limit = {"limit": str(INTERVAL_LIMITS[rec.freq])}
        if rec.freq == "daily":
            raise ProviderError("Zoom can repeat a daily meeting at most every %(limit)s days.", params=limit)
        if rec.freq == "weekly":
            raise ProviderError("Zoom can repeat a weekly meeting at most every %(limit)s weeks.", params=limit)
        raise ProviderError("Zoom can repeat a monthly meeting at most every %(limit)s months.", params=limit)
    out: dict[str, Any] = {"type": ZOOM_RECURRENCE_TYPE[rec.freq], "repeat_interval": rec.interval}
    if rec.freq == "weekly":
        days = sorted({zoom_weekday(d) for d in (rec.weekdays or (local_start.weekday(),))})
        out["weekly_days"] = ",".join(str(d) for d in days)
    elif rec.freq == "monthly":
        if rec.monthly_nth is not None and rec.monthly_weekday is not None:
            if rec.monthly_nth not in (-1, 1, 2, 3, 4):
                raise ValueError("monthly_nth must be -1 or 1..4")
            out["monthly_week"] = rec.monthly_nth
            out["monthly_week_day"] = zoom_weekday(rec.monthly_weekday)
        else:
            out["monthly_day"] = rec.monthly_day or local_start.day
    if rec.count is not None:
        out["end_times"] = sessions
    elif rec.until_utc is not None:
        out["end_date_time"] = rec.until_utc.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    else:
        raise ValueError("a fixed-time series needs count or until_utc")
    return out


def plan(req: RoomRequest) -> Plan:
    webinar = req.kind == "webinar"
    if req.recurrence is None:
        return Plan(5 if webinar else 2, None, None)
    sessions = count_sessions(req)
    if sessions is None or sessions > MAX_OCCURRENCES:
        return Plan(6 if webinar else 3, None, NO_FIXED_TIME_NOTE)
    if sessions < 1:
        raise ValueError("the series has no session")
    return Plan(9 if webinar else 8, recurrence_json(req.recurrence, req.local_start, sessions), None)


def settings_json(req: RoomRequest) -> dict[str, Any]:
    common: dict[str, Any] = {
        "approval_type": 2,
        "auto_recording": "none",
        "alternative_hosts": ";".join(req.alternative_hosts),
        "host_video": False,
    }
    if req.kind == "webinar":
        return {**common, "panelists_video": False}
    return {
        **common,
        "waiting_room": True,
        "join_before_host": False,
        "mute_upon_entry": True,
        "participant_video": False,
    }


def start_time(req: RoomRequest) -> str:
    if req.local_start.tzinfo is not None:
        raise ValueError("local_start must be naive wall-clock time in req.tz")
    _zone(req.tz)
    return req.local_start.strftime("%Y-%m-%dT%H:%M:%S")


def body_json(req: RoomRequest, the_plan: Plan, passcode: str) -> dict[str, Any]:
    if req.duration_minutes < 1:
        raise ValueError("duration must be positive")
    body: dict[str, Any] = {
        "topic": req.topic[:TOPIC_MAX],
        "type": the_plan.zoom_type,
        "start_time": start_time(req),
        "timezone": req.tz,
        "duration": int(req.duration_minutes),
        "agenda": agenda_text(req),
        "password": passcode,
        "settings": settings_json(req),
    }
    if the_plan.recurrence is not None:
        body["recurrence"] = the_plan.recurrence
    return body


def creation_tag(ref: str) -> str:
    """The discreet mark a create carries so the meeting can be recognised on the host's meeting list."""
    return f"[{ref}]"


def agenda_text(req: RoomRequest) -> str:
    """The agenda, carrying the creation tag where Zoom's list (which truncates agendas) still shows it."""
    if not req.creation_ref:
        return req.agenda[:AGENDA_MAX]
    tag = creation_tag(req.creation_ref)
    agenda = req.agenda[: AGENDA_MAX - len(tag) - 1]
    if not agenda:
        return tag
    if len(agenda) + len(tag) + 1 <= LISTED_AGENDA_MAX:
        return f"{agenda}\n{tag}"
    return f"{tag}\n{agenda}"


def carries_tag(listed: dict[str, Any], ref: str) -> bool:
    return creation_tag(ref) in str(listed.get("agenda") or "")


def occurrence_body(req: RoomRequest) -> dict[str, Any]:
    """What Zoom lets us change on a single occurrence."""
    return {
        "start_time": start_time(req),
        "timezone": req.tz,
        "duration": int(req.duration_minutes),
        "agenda": agenda_text(req),
    }


def _parse_utc(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def room_from_json(data: dict[str, Any], *, kind: str, passcode: str | None, note: str | None) -> Room:
    """Builds a Room from a create/GET answer, keeping nothing secret (no start_url, no emails)."""
    meeting_id = str(data["id"])
    occurrences = tuple(
        (str(o["occurrence_id"]), _parse_utc(str(o["start_time"])))
        for o in data.get("occurrences") or ()
        if o.get("status", "available") != "deleted"
    )
    extra: dict[str, Any] = {"kind": kind, "zoom_type": data.get("type")}
    if data.get("uuid"):
        extra["uuid"] = str(data["uuid"])
    return Room(
        provider="zoom",
        external_id=meeting_id,
        join_url=str(data["join_url"]),
        host_url_hint=f"https://zoom.us/s/{meeting_id}",
        passcode=str(data.get("password") or passcode or "") or None,
        occurrences=occurrences,
        extra=extra,
        note=note,
    )
