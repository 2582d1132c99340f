"""Erasing a person, on request or when the retention period has passed. Services flush; callers commit.

Erasing removes the participant, their RSVPs, seats, link tokens and every outbox row about or to them.
Their upcoming seats go back to the counter first (and on to the waitlist); the anonymous counts of past
sessions stay as they were.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from scheduler import clock
from scheduler.counseling.models import Attendance, StreakOptIn
from scheduler.extensions import db
from scheduler.meetings.models import Occurrence
from scheduler.notifications.models import OutboxMessage
from scheduler.notifications.optouts import ReminderOptOut
from scheduler.participants import seats
from scheduler.participants.models import HOLDING, UPCOMING, LinkToken, Participant, Rsvp, Seat
from scheduler.participants.services import offer_next


def erase(participant: Participant) -> None:
    now = clock.now()
    held = db.session.execute(
        sa.select(Seat.occurrence_id)
        .join(Occurrence, Occurrence.id == Seat.occurrence_id)
        .where(Seat.participant_id == participant.id, Seat.status.in_(HOLDING), Occurrence.start > now)
    ).scalars()
    freed = sorted(set(held))
    participant_id, email = participant.id, participant.email
    db.session.execute(
        sa.delete(OutboxMessage)
        .where(sa.or_(OutboxMessage.participant_id == participant_id, OutboxMessage.recipient_email == email))
        .execution_options(synchronize_session=False)
    )
    # Explicit deletes, children first: SQLite may run without foreign-key enforcement.
    for model in (Attendance, StreakOptIn, LinkToken, ReminderOptOut, Seat, Rsvp):
        db.session.execute(
            sa.delete(model).where(model.participant_id == participant_id).execution_options(synchronize_session=False)
        )
    db.session.execute(sa.delete(Participant).where(Participant.id == participant_id))
    db.session.expunge(participant)
    for occurrence_id in freed:
        seats.release(occurrence_id)
        occurrence = db.session.get(Occurrence, occurrence_id)
        if occurrence is not None:
            offer_next(occurrence)
    db.session.flush()


def purge_inactive() -> int:
    """Worker job: erase people with nothing upcoming once RETENTION_DAYS have passed since their last session
    or change, and addresses never confirmed after UNCONFIRMED_RETENTION_DAYS. Also drops dead link tokens."""
    now = clock.now()
    cutoff = now - timedelta(days=current_app.config["RETENTION_DAYS"])
    unconfirmed_cutoff = now - timedelta(days=current_app.config["UNCONFIRMED_RETENTION_DAYS"])
    upcoming = (
        sa.select(Seat.id)
        .join(Occurrence, Occurrence.id == Seat.occurrence_id)
        .where(Seat.participant_id == Participant.id, Seat.status.in_(UPCOMING), Occurrence.end > cutoff)
    )
    stale = db.session.scalars(
        sa.select(Participant)
        .where(
            sa.or_(
                sa.and_(Participant.confirmed_at.is_(None), Participant.active_at < unconfirmed_cutoff),
                sa.and_(Participant.active_at < cutoff, ~upcoming.exists()),
            )
        )
        .order_by(Participant.id)
    ).all()
    for participant in stale:
        erase(participant)
    dead = now - timedelta(days=current_app.config["UNCONFIRMED_RETENTION_DAYS"])
    db.session.execute(
        sa.delete(LinkToken)
        .where(
            sa.or_(
                LinkToken.revoked_at < dead,
                LinkToken.used_at < dead,
                sa.and_(LinkToken.expires_at.is_not(None), LinkToken.expires_at < dead),
            )
        )
        .execution_options(synchronize_session=False)
    )
    return len(stale)
