"""The Meeting Guide JSON feed (used by the 12 Step Meeting List and the Meeting Guide app) — pure mapping.

The format is for weekly meetings only, and its norm is anonymity: no host names, no last names. Our
meetings are gated (a personal join link per participant), so instead of a `conference_url` that would
open the room directly we publish the meeting's RSVP page as `url` and say so in the notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from scheduler.locales import LANGUAGE_NAMES
from scheduler.meetings.recurrence import from_rrule

# Meeting Guide counts days from Sunday = 0; Python's weekday() from Monday = 0.
_MONDAY_FIRST_TO_SUNDAY_FIRST = {i: (i + 1) % 7 for i in range(7)}
LANGUAGE_TYPES = {code: code.upper() for code in LANGUAGE_NAMES}  # Meeting Guide's language types


@dataclass(frozen=True)
class ListedMeeting:
    slug: str
    name: str
    group: str
    notes: str
    rrule: str | None
    local_start: datetime
    duration_minutes: int
    timezone: str
    language: str
    closed: bool
    updated: datetime  # aware UTC
    url: str
    rsvp_notes: str


def is_weekly(meeting: ListedMeeting) -> bool:
    if meeting.rrule is None:
        return False
    rule = from_rrule(meeting.rrule, meeting.local_start, meeting.timezone)
    return rule.freq == "weekly" and rule.interval == 1


def entry(meeting: ListedMeeting) -> dict[str, object]:
    rule = from_rrule(meeting.rrule, meeting.local_start, meeting.timezone)
    days = sorted(_MONDAY_FIRST_TO_SUNDAY_FIRST[d] for d in (rule.weekdays or (meeting.local_start.weekday(),)))
    end = meeting.local_start + timedelta(minutes=meeting.duration_minutes)
    types = ["C" if meeting.closed else "O", "ONL"]
    if meeting.language in LANGUAGE_TYPES:
        types.append(LANGUAGE_TYPES[meeting.language])
    notes = "\n\n".join(part for part in (meeting.notes.strip(), meeting.rsvp_notes) if part)
    return {
        "name": meeting.name[:255],
        "slug": meeting.slug,
        "day": days[0] if len(days) == 1 else days,
        "time": meeting.local_start.strftime("%H:%M"),
        "end_time": end.strftime("%H:%M"),
        "timezone": meeting.timezone,
        "types": types,
        "notes": notes,
        "url": meeting.url,
        "updated": meeting.updated.strftime("%Y-%m-%d %H:%M:%S"),
        "group": meeting.group,
        "attendance_option": "online",
    }


def feed(meetings: list[ListedMeeting]) -> list[dict[str, object]]:
    return [entry(m) for m in meetings if is_weekly(m)]
