"""Who asked for no more reminders of a meeting: one row per (participant, series). Services flush; callers commit."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from scheduler import clock
from scheduler.db import UTCDateTime
from scheduler.extensions import db
from scheduler.notifications import outbox
from scheduler.participants.models import Rsvp, RsvpScope
from scheduler.rows import insert_ignore


class ReminderOptOut(db.Model):
    __tablename__ = "reminder_optouts"
    __table_args__ = (sa.UniqueConstraint("participant_id", "series_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    participant_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    series_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("series.id", ondelete="CASCADE"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=clock.now)


def is_off(participant_id: int, series_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(ReminderOptOut.id).where(
                ReminderOptOut.participant_id == participant_id, ReminderOptOut.series_id == series_id
            )
        )
        is not None
    )


def off_series(participant_id: int, series_ids: list[int]) -> set[int]:
    """Which of these meetings the person turned reminders off for, in one statement."""
    if not series_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(ReminderOptOut.series_id).where(
                ReminderOptOut.participant_id == participant_id, ReminderOptOut.series_id.in_(series_ids)
            )
        )
    )


def turn_off(participant_id: int, series_id: int) -> None:
    """Idempotent: a second one-click POST (mail providers retry) changes nothing."""
    values = {"participant_id": participant_id, "series_id": series_id, "created_at": clock.now()}
    insert_ignore(ReminderOptOut, values, ["participant_id", "series_id"])  # a concurrent POST may be first
    outbox.cancel_pending(kind="reminder", participant_id=participant_id, series_id=series_id)
    db.session.flush()


def turn_on(participant_id: int, series_id: int) -> None:
    db.session.execute(
        sa.delete(ReminderOptOut).where(
            ReminderOptOut.participant_id == participant_id, ReminderOptOut.series_id == series_id
        )
    )
    db.session.flush()


def follow_split(old_series_id: int, followed: list[Rsvp]) -> None:
    """ "No reminders" carries over to a meeting's continuation: for each RSVP that got a twin on the new series
    (`participants.lifecycle.follow_split`; an RSVP for one session is only re-pointed and carries nothing)."""
    for rsvp in followed:
        if rsvp.scope != RsvpScope.OCCURRENCE and is_off(rsvp.participant_id, old_series_id):
            turn_off(rsvp.participant_id, rsvp.series_id)
