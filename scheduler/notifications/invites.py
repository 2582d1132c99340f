"""The calendar object a participant holds for a meeting, built from the series and its sessions.

One UID per series with its RRULE, the EXDATEs of cancelled sessions and an override per moved session, all
stamped with the series' SEQUENCE. Someone who signed up for "only this session" holds a single event with a
UID of its own. The only link inside is the person's own join link; the recipient is the only attendee.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _

from scheduler import clock, timefmt
from scheduler.calendar import ics
from scheduler.calendar.vtimezone import classify_local_time, clock_changes
from scheduler.extensions import db
from scheduler.meetings import recurrence
from scheduler.meetings.models import Occurrence, OccurrenceStatus, Series, SeriesStatus
from scheduler.notifications import discretion
from scheduler.participants.models import Participant, Rsvp, RsvpScope


def _local(instant: datetime, tz: str) -> datetime:
    return timefmt.local(instant, tz).replace(tzinfo=None)


def neutral_title(series: Series) -> str:
    """A calendar title that says nothing about the topic, e.g. "Tuesday group" (call inside force_locale)."""
    if series.rrule and "FREQ=WEEKLY" in series.rrule:
        weekday = timefmt.weekday_names(_current_locale())[series.local_start.weekday()]
        return _("%(weekday)s group", weekday=weekday)
    return _("Online meeting")


def _current_locale() -> str:
    return str(get_locale() or "en")


def summary(series: Series) -> str:
    return neutral_title(series) if series.group.discreet else series.title


def description(join_url: str, manage_url: str, helpline: str | None) -> str:
    lines = [
        _("Your personal join link opens shortly before the start: %(url)s. Please do not share it.", url=join_url),
        _("Change, skip or cancel: %(url)s", url=manage_url),
    ]
    if helpline:
        lines.append(helpline)
    return "\n\n".join(lines)


def organizer(series: Series) -> ics.Person:
    name = discretion.sender_name(series.group)
    return ics.Person(email=current_app.config["MAIL_DEFAULT_SENDER"], name=name)


def attendee(participant: Participant) -> ics.Person:
    return ics.Person(email=participant.email, name=participant.display_name)


def single_session_uid(series: Series, occurrence_id: int) -> str:
    """Stable for the session row, even when "this and following" moves it to a new series."""
    return f"session-{occurrence_id}@{series.uid.rpartition('@')[2] or 'scheduler'}"


def _sessions(series: Series) -> list[Occurrence]:
    return list(db.session.scalars(sa.select(Occurrence).where(Occurrence.series_id == series.id)))


def series_event(
    series: Series,
    *,
    text: str,
    join_url: str | None,
    sessions: list[Occurrence] | None = None,
    first: tuple[datetime, str] | None = None,
    last_local: datetime | None = None,
    title: str | None = None,
    page_url: str | None = None,
) -> ics.EventSpec:
    """The whole series as one calendar object (RRULE + EXDATE + overrides); ``sessions``: its rows, if loaded.

    ``first``: a later DTSTART (an instance of the rule) and the RRULE from there; ``last_local``: the last wall
    time the VTIMEZONE must cover (default: the last session's); ``title``/``page_url``: a public SUMMARY and
    URL instead of the participant's (neutral) title and join link.
    """
    sessions = _sessions(series) if sessions is None else sessions
    status = "CANCELLED" if series.status == SeriesStatus.CANCELLED else "CONFIRMED"
    common = {
        "uid": series.uid,
        "sequence": series.sequence,
        "tzid": series.timezone,
        "summary": title if title is not None else summary(series),
        "description": text,
        "location": join_url,
        "url": page_url if page_url is not None else join_url,
        "status": status,
    }
    duration = timedelta(minutes=series.duration_minutes)
    if series.rrule is None:
        only = sessions[0] if sessions else None
        start = _local(only.start, series.timezone) if only is not None else series.local_start
        length = (only.end - only.start) if only is not None else duration
        return ics.EventSpec(local_start=start, duration=length, rrule=None, **common)
    rule_values = _rule_values(series, sessions)
    exdates, overrides = [], []
    for row in sessions:
        original = rule_values.get(row.original_start)
        if original is None:
            continue  # not (or no longer) an instance of the rule
        if row.status == OccurrenceStatus.CANCELLED and series.status != SeriesStatus.CANCELLED:
            exdates.append(original)
        elif row.is_moved:
            overrides.append(
                ics.OccurrenceOverride(
                    original_local_start=original,
                    local_start=_local(row.start, series.timezone),
                    local_end=_local(row.end, series.timezone),
                )
            )
        elif _read_differently(original, row, series.timezone):
            # The rule's wall time does not exist (spring gap) or happens twice (autumn), or the session
            # spans a clock change: clients read it differently, so it goes out as an explicit override.
            overrides.append(ics.OccurrenceOverride(original, row.start, row.end))
    last = last_local or max((_local(r.start, series.timezone) for r in sessions), default=None)
    local_start, rrule = first or (series.local_start, series.rrule)
    return ics.EventSpec(
        local_start=local_start,
        duration=duration,
        rrule=rrule,
        exdates=tuple(sorted(exdates)),
        overrides=tuple(sorted(overrides, key=lambda o: o.original_local_start)),
        last_instance_local=last,
        **common,
    )


def clock_change_instants(series: Series, since: datetime, until: datetime) -> tuple[datetime, ...]:
    """UTC starts of the rule's instances in [since, until) that a clock change may touch (it falls within hours
    of the session): the only ones `_read_differently` can flag. Expands a few hours around each change only."""
    if series.rrule is None:
        return ()
    return _clock_change_instants(
        series.rrule, series.local_start, series.timezone, series.duration_minutes, since, until
    )


@functools.lru_cache(maxsize=4096)
def _clock_change_instants(
    rrule: str, local_start: datetime, tz: str, minutes: int, since: datetime, until: datetime
) -> tuple[datetime, ...]:
    """Per rule and window (the same for every request until the rule or the window changes)."""
    # A start or end wall time in the gap or overlap, or the change inside the session: the start is within the
    # session's length plus the shift (at most 2 hours anywhere; 3 allowed) of the change.
    shift = timedelta(hours=3)
    found: set[datetime] = set()
    for year in range(since.year, until.year + 1):
        for change in clock_changes(tz, year):
            lo, hi = max(since, change - timedelta(minutes=minutes) - shift), min(until, change + shift)
            if lo < hi:
                found.update(i.start_utc for i in recurrence.expand(rrule, local_start, tz, start=lo, end=hi))
    return tuple(sorted(found))


@functools.lru_cache(maxsize=4096)
def _window_start(rrule: str, local_start: datetime, tz: str, since: datetime) -> tuple[datetime, str] | None:
    """The rule's first instance at or after ``since`` as a DTSTART, and the RRULE from there (COUNT reduced by
    the instances skipped; at most MAX_COUNT, so counting them is bounded); None if the rule ended before."""
    first = recurrence.expand(rrule, local_start, tz, start=since, limit=1)
    if not first:
        return None
    if recurrence.local_to_utc(local_start, tz) >= since:
        return local_start, rrule
    if "COUNT=" in rrule:
        skipped = recurrence.count_before(rrule, local_start, tz, first[0].start_utc)
        count = int(re.search(r"COUNT=(\d+)", rrule).group(1))  # type: ignore[union-attr]
        rrule = re.sub(r"COUNT=\d+", f"COUNT={count - skipped}", rrule)
    return first[0].local_start, rrule


def window_event(
    series: Series,
    *,
    text: str,
    join_url: str | None,
    changed: list[Occurrence],
    since: datetime,
    until: datetime,
    title: str | None = None,
    page_url: str | None = None,
) -> ics.EventSpec | None:
    """The series as a subscription feed carries it: its instances from ``since`` on (None if it ended before).

    ``changed`` are its session rows from ``since`` on that differ from the rule: cancelled, moved, or (among
    `clock_change_instants` up to ``until``) read differently around a clock change; the other sessions are
    exactly what the RRULE gives. A series that began before ``since`` starts at its first instance after it
    (COUNT reduced by the instances skipped), so nothing is walked from the first session.
    """
    tz = series.timezone
    shown = {"title": title, "page_url": page_url}
    if series.rrule is None:
        start_utc = recurrence.local_to_utc(series.local_start, tz)
        if start_utc < since and not any(row.start >= since for row in changed):
            return None
        return series_event(series, text=text, join_url=join_url, sessions=changed, **shown)
    begins = _window_start(series.rrule, series.local_start, tz, since)
    if begins is None:
        return None
    first_utc = recurrence.local_to_utc(begins[0], tz)
    kept = [row for row in changed if row.original_start >= first_utc]
    return series_event(
        series, text=text, join_url=join_url, sessions=kept, first=begins, last_local=_local(until, tz), **shown
    )


def _read_differently(original: datetime, row: Occurrence, tz: str) -> bool:
    """Whether clients may place this rule instance differently: its start or end wall time is in a gap or an
    overlap, or a clock change falls inside it (wall-clock and exact duration differ)."""
    end_wall = original + (row.end - row.start)
    if classify_local_time(tz, original) != "ok" or classify_local_time(tz, end_wall) != "ok":
        return True
    return _local(row.start, tz) + (row.end - row.start) != _local(row.end, tz)


def _rule_value(series: Series, occurrence: Occurrence) -> datetime:
    """The session's RECURRENCE-ID: the rule's own wall time (02:30 on a spring-forward day, not 03:30)."""
    found = _rule_values(series, [occurrence]).get(occurrence.original_start)
    return found if found is not None else _local(occurrence.original_start, series.timezone)


def _rule_values(series: Series, sessions: list[Occurrence]) -> dict[datetime, datetime]:
    """Each session's rule instance as the naive wall time the RRULE gives (its RECURRENCE-ID), by UTC start.

    One walk of the rule over the sessions' range; a wall time in a daylight-saving gap maps back to the rule's
    own value (02:30), never to the shifted clock time (03:30).
    """
    if not sessions or series.rrule is None:
        return {}
    if len(sessions) <= 4:  # a few sessions of a window (a feed): one short walk each, not one across them all
        found: dict[datetime, datetime] = {}
        for row in sessions:
            at = row.original_start
            for instance in recurrence.expand(
                series.rrule, series.local_start, series.timezone, start=at, end=at + timedelta(seconds=1)
            ):
                found[instance.start_utc] = instance.local_start
        return found
    first = min(row.original_start for row in sessions)
    last = max(row.original_start for row in sessions)
    instances = recurrence.expand(
        series.rrule, series.local_start, series.timezone, start=first, end=last + timedelta(seconds=1)
    )
    return {instance.start_utc: instance.local_start for instance in instances}


def session_event(series: Series, occurrence: Occurrence, *, text: str, join_url: str | None) -> ics.EventSpec:
    cancelled = occurrence.status == OccurrenceStatus.CANCELLED or series.status == SeriesStatus.CANCELLED
    return ics.EventSpec(
        uid=single_session_uid(series, occurrence.id),
        sequence=series.sequence,
        tzid=series.timezone,
        local_start=_local(occurrence.start, series.timezone),
        duration=occurrence.end - occurrence.start,
        rrule=None,
        summary=summary(series),
        description=text,
        location=join_url,
        url=join_url,
        status="CANCELLED" if cancelled else "CONFIRMED",
    )


def event_for(rsvp: Rsvp, *, text: str, join_url: str | None) -> ics.EventSpec:
    if rsvp.scope == RsvpScope.OCCURRENCE and rsvp.occurrence is not None:
        return session_event(rsvp.series, rsvp.occurrence, text=text, join_url=join_url)
    return series_event(rsvp.series, text=text, join_url=join_url)


def request(rsvp: Rsvp, *, text: str, join_url: str | None) -> str:
    spec = event_for(rsvp, text=text, join_url=join_url)
    return ics.request_invite(spec, organizer(rsvp.series), attendee(rsvp.participant), clock.now()).decode()


def cancel(rsvp: Rsvp, *, text: str) -> str:
    spec = event_for(rsvp, text=text, join_url=None)
    return ics.cancel_series(spec, organizer(rsvp.series), attendee(rsvp.participant), clock.now()).decode()


def cancel_session(rsvp: Rsvp, occurrence: Occurrence, *, text: str) -> str:
    """One session of the series is off: CANCEL with its RECURRENCE-ID (or the single event)."""
    if rsvp.scope == RsvpScope.OCCURRENCE:
        return cancel(rsvp, text=text)
    spec = series_event(rsvp.series, text=text, join_url=None)
    original = _rule_value(rsvp.series, occurrence)
    return ics.cancel_occurrence(
        spec, original, organizer(rsvp.series), attendee(rsvp.participant), clock.now()
    ).decode()


def move_session(rsvp: Rsvp, occurrence: Occurrence, *, text: str, join_url: str | None) -> str:
    """One session moved: REQUEST with only that override (or the single event at its new time)."""
    if rsvp.scope == RsvpScope.OCCURRENCE or rsvp.series.rrule is None:
        return request(rsvp, text=text, join_url=join_url)
    spec = series_event(rsvp.series, text=text, join_url=join_url)
    original = _rule_value(rsvp.series, occurrence)
    override = next((o for o in spec.overrides if o.original_local_start == original), None)
    if override is None:
        return request(rsvp, text=text, join_url=join_url)
    return ics.request_override(
        spec, override, organizer(rsvp.series), attendee(rsvp.participant), clock.now()
    ).decode()
