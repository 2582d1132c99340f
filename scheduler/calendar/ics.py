"""iTIP/iMIP calendar objects (RFC 5545/5546) for meeting series, built from plain value objects.

One series = one UID.  ``EventSpec.sequence`` is stamped as-is on the master and on every override:
callers bump it (per UID) BEFORE building any message that changes the series, moves or cancels an
occurrence, or cancels the series.  All local datetimes are naive wall times in ``EventSpec.tzid``;
DTSTAMP must be timezone-aware and is written in UTC.  Output is CRLF, folded at 75 octets (icalendar).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vCalAddress, vDuration, vRecur

from scheduler.calendar.ical_bytes import to_ical
from scheduler.calendar.rule_cache import parsed_rule, recur_names
from scheduler.calendar.vtimezone import build_vtimezone, vtimezone_bytes
from scheduler.calendar.walltime import (
    _in_zone,
    _require_naive,
    _unambiguous,
    _utc,
    _wall,
    _wall_duration_is_exact,
)

DEFAULT_PRODID = "-//Scheduler//Support group meetings 1.0//EN"
_DEFAULT_SPAN = timedelta(days=3653)  # last_instance_local=None => start + 10 years
_FEED_REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class Person:
    email: str
    name: str

    def __post_init__(self) -> None:
        if "@" not in self.email or any(c in self.email for c in ' \t\r\n:;,"<>'):
            raise ValueError(f"not a plain e-mail address: {self.email!r}")


@dataclass(frozen=True)
class OccurrenceOverride:
    """A moved (or cancelled) single occurrence.

    ``local_start``/``local_end`` are naive wall times in the meeting zone, or aware instants (written in UTC):
    an occurrence whose rule time falls in a daylight-saving gap or overlap is sent as an explicit override at
    its resolved instant, so that no client can place it differently.
    """

    original_local_start: datetime  # naive, meeting zone; becomes RECURRENCE-ID;TZID=...
    local_start: datetime  # naive new start, or an aware instant
    local_end: datetime
    cancelled: bool = False

    def __post_init__(self) -> None:
        _require_naive(self.original_local_start, "original_local_start")
        if (self.local_start.tzinfo is None) != (self.local_end.tzinfo is None):
            raise ValueError("override start and end must both be naive or both be aware")
        if self.local_end <= self.local_start:
            raise ValueError("override ends before it starts")


@dataclass(frozen=True)
class EventSpec:
    """One calendar object = one series (or a single meeting when ``rrule`` is None)."""

    uid: str
    sequence: int
    tzid: str
    local_start: datetime  # naive DTSTART in tzid
    duration: timedelta
    rrule: str | None  # e.g. "FREQ=WEEKLY;BYDAY=TU;COUNT=8" (UNTIL already UTC, ...Z)
    summary: str
    description: str
    location: str | None
    url: str | None
    exdates: tuple[datetime, ...] = ()  # naive local original starts of cancelled occurrences
    overrides: tuple[OccurrenceOverride, ...] = ()  # moved occurrences (cancelled ones count as EXDATE)
    status: Literal["CONFIRMED", "CANCELLED"] = "CONFIRMED"
    last_instance_local: datetime | None = None  # for the VTIMEZONE span; None => start + 10 years
    alarms_minutes: tuple[int, ...] = ()  # VALARM DISPLAY this many minutes before start (REQUEST only)

    def __post_init__(self) -> None:
        ZoneInfo(self.tzid)  # raises for unknown zones
        _require_naive(self.local_start, "local_start")
        for value in self.exdates:
            _require_naive(value, "exdate")
        if self.sequence < 0 or self.duration <= timedelta(0) or any(m < 0 for m in self.alarms_minutes):
            raise ValueError("sequence, duration and alarms must not be negative")
        if self.status not in ("CONFIRMED", "CANCELLED"):
            raise ValueError(f"bad status {self.status!r}")
        originals = [o.original_local_start for o in self.overrides]
        if len(originals) != len(set(originals)):
            raise ValueError("two overrides for the same occurrence")
        if self.rrule is None:
            if self.exdates or self.overrides:
                raise ValueError("EXDATE/overrides need an RRULE")
            return
        recur = recur_names(self.rrule)
        if "COUNT" in recur and "UNTIL" in recur:
            raise ValueError("COUNT and UNTIL exclude each other")
        if "UNTIL" in recur and not re.search(r"UNTIL=\d{8}T\d{6}Z(;|$)", self.rrule.upper()):
            raise ValueError("UNTIL must be a UTC date-time (...Z) when DTSTART has a TZID")
        wanted = (self.local_start, *self.exdates, *originals)
        instances = self._instances_between(min(wanted), max(wanted))
        for value in wanted:
            if value not in instances:
                raise ValueError(f"{value} is not an occurrence of {self.rrule} from {self.local_start}")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tzid)

    def _instances_between(self, lo: datetime, hi: datetime) -> frozenset[datetime]:
        """Naive wall times of the occurrences in [lo, hi] (DTSTART included): one walk of the rule."""
        if self.rrule is None:
            return frozenset({self.local_start} if lo <= self.local_start <= hi else ())
        rule = parsed_rule(self.rrule, self.local_start, self.tzid)
        zone = self.zone
        found = rule.between(lo.replace(tzinfo=zone), hi.replace(tzinfo=zone), inc=True)
        return frozenset(value.replace(tzinfo=None) for value in found)

    def is_instance(self, local: datetime) -> bool:
        """Whether the naive wall time is an occurrence of the series (DTSTART included)."""
        return local in self._instances_between(local, local)

    def effective_exdates(self) -> list[datetime]:
        cancelled = [o.original_local_start for o in self.overrides if o.cancelled]
        return sorted(set(self.exdates) | set(cancelled))

    def moved(self) -> list[OccurrenceOverride]:
        """Overrides to send as VEVENTs (not cancelled, not also excluded by EXDATE)."""
        excluded = set(self.effective_exdates())
        return [o for o in self.overrides if o.original_local_start not in excluded]

    def span(self) -> tuple[datetime, datetime]:
        """Naive local range the VTIMEZONE must cover."""
        last = self.last_instance_local or self.local_start + _DEFAULT_SPAN
        starts = [self.local_start, *self.exdates]
        ends = [last + self.duration]
        zone = self.zone
        for o in self.overrides:
            starts += [o.original_local_start, _wall(o.local_start, zone)]
            ends.append(_wall(o.local_end, zone))
        return min(starts), max(ends)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _address(person: Person, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    # RFC 6868 ^' escaping of double quotes is not understood by every client: use a plain apostrophe.
    address.params["CN"] = _one_line(person.name).replace('"', "'") or person.email
    address.params.update(params)
    return address


def _attendee(person: Person, rsvp: bool) -> vCalAddress:
    return _address(person, ROLE="REQ-PARTICIPANT", PARTSTAT="NEEDS-ACTION", RSVP="TRUE" if rsvp else "FALSE")


def _calendar(method: str, prodid: str, events: Iterable[EventSpec], *, zones: bool = True) -> Calendar:
    """VCALENDAR header plus exactly one VTIMEZONE per TZID, covering all the events using it (``zones=False``:
    the header only, the caller adds them as `_zone_lines`)."""
    cal = Calendar()
    for prop, value in (
        ("prodid", prodid),
        ("version", "2.0"),
        ("calscale", "GREGORIAN"),
        ("method", method),
    ):
        cal.add(prop, value)
    for tzid, (lo, hi) in _spans(events).items() if zones else ():
        cal.add_component(build_vtimezone(tzid, lo, hi))
    return cal


def _spans(events: Iterable[EventSpec]) -> dict[str, tuple[datetime, datetime]]:
    spans: dict[str, tuple[datetime, datetime]] = {}
    for event in events:
        lo, hi = event.span()
        if event.tzid in spans:
            lo, hi = min(lo, spans[event.tzid][0]), max(hi, spans[event.tzid][1])
        spans[event.tzid] = (lo, hi)
    return spans


def _zone_lines(events: list[EventSpec]) -> bytes:
    """The VTIMEZONEs `_calendar` would add, as the bytes they serialise to (made once per zone and years)."""
    return b"".join(vtimezone_bytes(tzid, lo, hi) for tzid, (lo, hi) in _spans(events).items())


def _vevent(
    event: EventSpec,
    dtstamp: datetime,
    *,
    start: datetime,
    end: datetime,
    recurrence_id: datetime | None = None,
    status: str | None = None,
) -> Event:
    zone = event.zone
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", _utc(dtstamp))
    if recurrence_id is not None:
        vevent.add("recurrence-id", recurrence_id.replace(tzinfo=zone))
        # A single occurrence at a wall time that does not exist or happens twice is written as the instant
        # RFC 5545 reads it as (in UTC), so that every client places it the same.
        start, end = (_unambiguous(value, zone) for value in (start, end))
    vevent.add("dtstart", _in_zone(start, zone))
    if _wall_duration_is_exact(start, end, zone):
        vevent.add("dtend", _in_zone(end, zone))
    else:  # DTEND in a gap or overlap, or a clock change inside: the exact length, read the same everywhere
        vevent.add("duration", end - start)  # both wall times: the length every session has
    vevent.add("summary", _one_line(event.summary))
    description = event.description
    if event.url and event.url not in description:
        description = f"{description}\n\n{event.url}".strip()
    if description:
        vevent.add("description", description)
    location = event.location or ""
    if event.url and event.url not in location:
        location = f"{location} ({event.url})" if location else event.url
    if location:
        vevent.add("location", location)
    if event.url:
        vevent.add("url", event.url)
    vevent.add("status", status or event.status)
    return vevent


def _master(event: EventSpec, dtstamp: datetime, *, status: str | None = None) -> Event:
    start, end = event.local_start, event.local_start + event.duration
    if not event.rrule:  # a single event at a gap or overlap time: its instant, in UTC
        start, end = _unambiguous(start, event.zone), _unambiguous(end, event.zone)
    vevent = _vevent(event, dtstamp, start=start, end=end, status=status)
    if event.rrule:
        vevent.add("rrule", vRecur.from_ical(event.rrule))
        for exdate in event.effective_exdates():
            vevent.add("exdate", exdate.replace(tzinfo=event.zone))  # one EXDATE line per date
    return vevent


def _override(event: EventSpec, o: OccurrenceOverride, dtstamp: datetime) -> Event:
    return _vevent(event, dtstamp, start=o.local_start, end=o.local_end, recurrence_id=o.original_local_start)


def _people(
    vevent: Event, event: EventSpec, organizer: Person, attendee: Person, *, rsvp: bool = False, alarms: bool
) -> Event:
    """ORGANIZER, the recipient as the only ATTENDEE, and (REQUEST only) the VALARMs."""
    vevent.add("organizer", _address(organizer))
    vevent.add("attendee", _attendee(attendee, rsvp))
    for minutes in sorted(set(event.alarms_minutes)) if alarms else ():
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _one_line(event.summary))
        alarm.add("trigger", timedelta(minutes=-minutes))
        vevent.add_component(alarm)
    return vevent


def _require_instance(event: EventSpec, original: datetime) -> None:
    _require_naive(original, "original_local_start")
    if not event.is_instance(original):
        raise ValueError(f"{original} is not an occurrence of series {event.uid}")


def request_invite(
    event: EventSpec,
    organizer: Person,
    attendee: Person,
    dtstamp: datetime,
    *,
    prodid: str = DEFAULT_PRODID,
    rsvp: bool = False,
) -> bytes:
    """METHOD:REQUEST: master (RRULE, EXDATEs) and every moved occurrence, all at the current SEQUENCE."""
    if event.status != "CONFIRMED":
        raise ValueError("a cancelled series is sent with cancel_series()")
    cal = _calendar("REQUEST", prodid, [event])
    cal.add_component(_people(_master(event, dtstamp), event, organizer, attendee, rsvp=rsvp, alarms=True))
    for override in event.moved():
        cal.add_component(
            _people(_override(event, override, dtstamp), event, organizer, attendee, rsvp=rsvp, alarms=True)
        )
    return to_ical(cal)


def request_override(
    event: EventSpec,
    override: OccurrenceOverride,
    organizer: Person,
    attendee: Person,
    dtstamp: datetime,
    *,
    prodid: str = DEFAULT_PRODID,
    rsvp: bool = False,
) -> bytes:
    """METHOD:REQUEST with one moved occurrence only (RECURRENCE-ID = its original start)."""
    if override.cancelled:
        raise ValueError("a cancelled occurrence is sent with cancel_occurrence()")
    _require_instance(event, override.original_local_start)
    if override.original_local_start in event.effective_exdates():
        raise ValueError("this occurrence is cancelled (EXDATE)")
    cal = _calendar("REQUEST", prodid, [event])
    cal.add_component(_people(_override(event, override, dtstamp), event, organizer, attendee, rsvp=rsvp, alarms=True))
    return to_ical(cal)


def cancel_occurrence(
    event: EventSpec,
    original_local_start: datetime,
    organizer: Person,
    attendee: Person,
    dtstamp: datetime,
    *,
    prodid: str = DEFAULT_PRODID,
) -> bytes:
    """METHOD:CANCEL of one occurrence (RECURRENCE-ID = original start), STATUS:CANCELLED, no VALARM."""
    _require_instance(event, original_local_start)
    moved = {o.original_local_start: o for o in event.overrides}.get(original_local_start)
    start = moved.local_start if moved else original_local_start
    end = moved.local_end if moved else original_local_start + event.duration
    cal = _calendar("CANCEL", prodid, [event])
    vevent = _vevent(event, dtstamp, start=start, end=end, recurrence_id=original_local_start, status="CANCELLED")
    cal.add_component(_people(vevent, event, organizer, attendee, alarms=False))
    return to_ical(cal)


def cancel_series(
    event: EventSpec,
    organizer: Person,
    attendee: Person,
    dtstamp: datetime,
    *,
    prodid: str = DEFAULT_PRODID,
) -> bytes:
    """METHOD:CANCEL of the whole series (also: this participant left), STATUS:CANCELLED, no VALARM."""
    cal = _calendar("CANCEL", prodid, [event])
    vevent = _master(event, dtstamp, status="CANCELLED")
    cal.add_component(_people(vevent, event, organizer, attendee, alarms=False))
    return to_ical(cal)


def publish_feed(
    name: str,
    events: Iterable[EventSpec],
    dtstamp: datetime,
    *,
    description: str | None = None,
    organizer: Person | None = None,
    prodid: str = DEFAULT_PRODID,
    empty_tzid: str = "UTC",
) -> bytes:
    """Subscription feed: METHOD:PUBLISH, no ATTENDEE/VALARM, one VTIMEZONE per TZID, stable UIDs.

    RFC 5545 (3.6) wants at least one component in a VCALENDAR: a feed with no events carries the VTIMEZONE
    of ``empty_tzid`` (the reader's zone), so it stays a valid, empty calendar.
    """
    events = list(events)
    cal = _calendar("PUBLISH", prodid, events, zones=False)  # the VTIMEZONEs go in as ready bytes, below
    if not events:
        moment = _utc(dtstamp).astimezone(ZoneInfo(empty_tzid)).replace(tzinfo=None)
        cal.add_component(build_vtimezone(empty_tzid, moment, moment))
    cal.add("x-wr-calname", _one_line(name))
    cal.add("name", _one_line(name))
    if description:
        cal.add("x-wr-caldesc", description)
        cal.add("description", description)
    cal.add("refresh-interval", _FEED_REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(_FEED_REFRESH))
    for event in events:
        vevents = [_master(event, dtstamp)] + [_override(event, o, dtstamp) for o in event.moved()]
        for vevent in vevents:
            if organizer is not None:
                vevent.add("organizer", _address(organizer))
            cal.add_component(vevent)
    body = to_ical(cal)
    if not events:
        return body
    first = body.index(b"\r\nBEGIN:VEVENT\r\n") + 2  # the VTIMEZONEs come before the first event, as added
    return body[:first] + _zone_lines(events) + body[first:]
