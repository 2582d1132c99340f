"""Keeps every participant's calendar in step with the meeting (the iTIP operation matrix).

Called by the meetings services after a change (and after the series' SEQUENCE was bumped). Each person
signed up gets one short email carrying the update for the calendar object they hold: the whole series,
or a single event when they chose "only this session". Emails go through the outbox, after commit.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from scheduler import clock
from scheduler.extensions import db
from scheduler.meetings.changes import TOO_LATE_TO_RESTORE, CalendarChange, Change
from scheduler.meetings.models import Occurrence, Series
from scheduler.notifications import outbox
from scheduler.notifications.compose import CalendarPart, DiscreetSubject, ParticipantMessage, send
from scheduler.notifications.models import OutboxMessage, OutboxStatus
from scheduler.participants import links
from scheduler.participants.models import Rsvp, RsvpScope, RsvpStatus
from scheduler.rules import rule_error

# (discreet subject, subject naming the meeting)
SUBJECTS = {
    "session_cancelled": (_l("A session is cancelled"), _l("Cancelled session: %(title)s")),
    "session_moved": (_l("A session has a new time"), _l("New time for a session: %(title)s")),
    "schedule_changed": (_l("Your meeting's schedule has changed"), _l("New schedule: %(title)s")),
    "meeting_cancelled": (_l("A meeting has ended"), _l("Meeting cancelled: %(title)s")),
    "left_meeting": (_l("You have left a meeting"), _l("You have left: %(title)s")),
}


def _signed_up(series: Series) -> Iterable[Rsvp]:
    return db.session.scalars(
        sa.select(Rsvp).where(Rsvp.series_id == series.id, Rsvp.status == RsvpStatus.ACTIVE).order_by(Rsvp.id)
    ).all()


def _holds(rsvp: Rsvp, occurrence: Occurrence) -> bool:
    """Whether this person's calendar has the session: the whole series, or exactly this one session."""
    return rsvp.scope == RsvpScope.SERIES or rsvp.occurrence_id == occurrence.id


def _key(kind: str, series: Series, rsvp: Rsvp, occurrence: Occurrence | None = None) -> str:
    session = f":o{occurrence.id}" if occurrence is not None else ""
    return f"{kind}:{series.id}:{rsvp.id}{session}:s{series.sequence}"


def _next_sessions(series: Series, count: int = 5) -> list[Occurrence]:
    return list(
        db.session.scalars(
            sa.select(Occurrence)
            .where(Occurrence.series_id == series.id, Occurrence.start > clock.now(), Occurrence.status == "scheduled")
            .order_by(Occurrence.start)
            .limit(count)
        )
    )


def _send(kind: str, key: str, rsvp: Rsvp, *, join_link: bool, calendar: CalendarPart, **fields: Any) -> None:
    """A change to a meeting this person holds in their calendar: a short email with the iTIP update."""
    context = {"schedule_url": links.absolute_url("public.schedule"), **fields.pop("context", {})}
    subject = DiscreetSubject(*SUBJECTS[kind])
    send(
        ParticipantMessage(kind, key, rsvp, subject, join_link=join_link, calendar=calendar, context=context, **fields)
    )


def schedule_changed(series: Series, *, told_nothing: Collection[int] = ()) -> None:
    """Times, days or the rule changed, or a session was restored: a fresh REQUEST with everything (not to
    `told_nothing`, the participants whose calendar never heard of the change being undone)."""
    upcoming = _next_sessions(series)
    for rsvp in _signed_up(series):
        if rsvp.participant_id in told_nothing:
            continue
        _send(
            "schedule_changed",
            _key("schedule_changed", series, rsvp),
            rsvp,
            join_link=True,
            calendar=CalendarPart("request"),
            context={"next_sessions": upcoming},
        )


def _session_changed(
    kind: str, occurrence: Occurrence, calendar: CalendarPart, *, send_after: datetime | None = None, **context: Any
) -> None:
    """To everyone whose calendar holds this session: the series' holders and those of only this session."""
    series = occurrence.series
    for rsvp in _signed_up(series):
        if _holds(rsvp, occurrence):
            _send(
                kind,
                _key(kind, series, rsvp, occurrence),
                rsvp,
                join_link=calendar.action != "cancel_session",
                calendar=calendar,
                occurrence=occurrence,
                context=context,
                send_after=send_after,
            )


def session_moved(occurrence: Occurrence, old_start: object) -> None:
    _session_changed("session_moved", occurrence, CalendarPart("move_session", occurrence), old_start=old_start)


def session_cancelled(occurrence: Occurrence) -> None:
    """Held for UNDO_WINDOW: restoring the session meanwhile withdraws it and nobody is told anything."""
    reason = occurrence.cancel_reason
    _session_changed(
        "session_cancelled",
        occurrence,
        CalendarPart("cancel_session", occurrence, reason or ""),
        send_after=clock.now() + outbox.UNDO_WINDOW,
        reason=reason,
    )


def session_restored(occurrence: Occurrence) -> None:
    """Within the window the held cancellations are withdrawn; whoever was told gets the whole object again."""
    told_nothing = outbox.withdraw_held_messages(kind="session_cancelled", occurrence_id=occurrence.id)
    outbox.release_held(occurrence.series_id)
    schedule_changed(occurrence.series, told_nothing=told_nothing)


def meeting_cancelled(series: Series, reason: str) -> None:
    """Held for UNDO_WINDOW: restoring the meeting meanwhile withdraws it and nobody is told anything."""
    due = clock.now() + outbox.UNDO_WINDOW
    for rsvp in _signed_up(series):
        _send(
            "meeting_cancelled",
            _key("meeting_cancelled", series, rsvp),
            rsvp,
            join_link=False,
            calendar=CalendarPart("cancel", note=reason),
            context={"reason": reason},
            send_after=due,
        )


def meeting_restored(series: Series) -> None:
    """Only within the window: the held cancellations are withdrawn, unsent, so every calendar still holds the
    meeting as it was. If any already went out (or is going out now), the restore is refused: nothing changes."""
    outbox.withdraw_held_messages(kind="meeting_cancelled", series_id=series.id)
    told = db.session.scalar(
        sa.select(OutboxMessage.id)
        .where(
            OutboxMessage.kind == "meeting_cancelled",
            OutboxMessage.series_id == series.id,
            OutboxMessage.status != OutboxStatus.CANCELLED,
        )
        .limit(1)
    )
    if told is not None:
        raise rule_error("reason", TOO_LATE_TO_RESTORE)
    outbox.release_held(series.id)


def left_key(rsvp: Rsvp) -> str:
    return f"left_meeting:{rsvp.series_id}:{rsvp.id}:v{rsvp.version}"


def left(rsvp: Rsvp, *, send_after: datetime | None = None) -> None:
    """The person left or was removed: their calendar entry goes (a CANCEL to them alone); `send_after` holds it
    back while a removal can still be undone."""
    _send(
        "left_meeting",
        left_key(rsvp),
        rsvp,
        join_link=False,
        calendar=CalendarPart("cancel"),
        context={"removed": rsvp.status == RsvpStatus.REMOVED},
        send_after=send_after,
    )


def follow_change(change: Change) -> None:
    """Participants' calendars follow a meeting change (`meetings.changes`)."""
    if change.calendar == CalendarChange.SESSION_RESTORED and change.occurrence is not None:
        session_restored(change.occurrence)
        return
    if change.calendar == CalendarChange.MEETING_RESTORED:
        meeting_restored(change.series)
        return
    if change.calendar is not None:
        outbox.release_held(change.series.id)  # held messages go first: calendars apply updates in order
    if change.calendar == CalendarChange.SCHEDULE:
        schedule_changed(change.series)
    elif change.calendar == CalendarChange.SESSION_MOVED and change.occurrence is not None:
        session_moved(change.occurrence, change.old_start)
    elif change.calendar == CalendarChange.SESSION_CANCELLED and change.occurrence is not None:
        session_cancelled(change.occurrence)
    elif change.calendar == CalendarChange.MEETING_CANCELLED:
        meeting_cancelled(change.series, change.note)
