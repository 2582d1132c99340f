"""Keeps every participant's calendar in step with the meeting (the iTIP operation matrix).

Called by the meetings services after a change (and after the series' SEQUENCE was bumped). Each person
signed up gets one short email carrying the update for the calendar object they hold: the whole series,
or a single event when they chose "only this session". Emails go through the outbox, after commit.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from scheduler import clock
from scheduler.extensions import db
from scheduler.meetings.models import Occurrence, Series
from scheduler.notifications import invites
from scheduler.participants import emails
from scheduler.participants.models import Rsvp, RsvpScope, RsvpStatus


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


def schedule_changed(series: Series) -> None:
    """Times, days or the rule changed, or a session was restored: a fresh REQUEST with everything."""
    for rsvp in _signed_up(series):
        emails.calendar_email(
            "schedule_changed",
            _key("schedule_changed", series, rsvp),
            rsvp,
            lambda join, manage, rsvp=rsvp: emails.invite_request(rsvp, join, manage),
            next_sessions=_next_sessions(series),
        )


def session_moved(occurrence: Occurrence, old_start: object) -> None:
    series = occurrence.series
    for rsvp in _signed_up(series):
        if not _holds(rsvp, occurrence):
            continue

        def calendar(join: str, manage: str, rsvp: Rsvp = rsvp) -> tuple[str, str]:
            text = invites.description(join, manage, series.group.helpline)
            return invites.move_session(rsvp, occurrence, text=text, join_url=join), "REQUEST"

        emails.calendar_email(
            "session_moved",
            _key("session_moved", series, rsvp, occurrence),
            rsvp,
            calendar,
            occurrence=occurrence,
            session=occurrence,
            old_start=old_start,
        )


def session_cancelled(occurrence: Occurrence) -> None:
    series = occurrence.series
    for rsvp in _signed_up(series):
        if not _holds(rsvp, occurrence):
            continue
        emails.calendar_email(
            "session_cancelled",
            _key("session_cancelled", series, rsvp, occurrence),
            rsvp,
            lambda join, manage, rsvp=rsvp: (
                invites.cancel_session(rsvp, occurrence, text=occurrence.cancel_reason or ""),
                "CANCEL",
            ),
            occurrence=occurrence,
            with_join_link=False,
            session=occurrence,
            reason=occurrence.cancel_reason,
        )


def meeting_cancelled(series: Series, reason: str) -> None:
    for rsvp in _signed_up(series):
        emails.calendar_email(
            "meeting_cancelled",
            _key("meeting_cancelled", series, rsvp),
            rsvp,
            lambda join, manage, rsvp=rsvp: (invites.cancel(rsvp, text=reason), "CANCEL"),
            with_join_link=False,
            reason=reason,
        )


def left(rsvp: Rsvp) -> None:
    """The person left or was removed: their calendar entry goes (a CANCEL to them alone)."""
    series = rsvp.series
    emails.calendar_email(
        "left_meeting",
        f"left_meeting:{series.id}:{rsvp.id}:v{rsvp.version}",
        rsvp,
        lambda join, manage: (invites.cancel(rsvp, text=""), "CANCEL"),
        with_join_link=False,
        removed=rsvp.status == RsvpStatus.REMOVED,
    )
