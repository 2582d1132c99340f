"""Erasing a person, on request or when the retention period has passed. Services flush; callers commit.

Erasing removes the participant, their RSVPs, seats, link tokens and every outbox row about or to them.
Their upcoming seats go back to the counter first (and on to the waitlist); the anonymous counts of past
sessions stay as they were. The outbox rows are removed by `notifications.outbox.forget`, connected with
`on_erase` in `scheduler/wiring.py`, so this package imports nothing from `notifications`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from scheduler import clock
from scheduler.extensions import db
from scheduler.meetings.models import Occurrence
from scheduler.participants import seats
from scheduler.participants.allocation import offer_next
from scheduler.participants.models import HOLDING, UPCOMING, LinkToken, Participant, Seat

Eraser = Callable[[int, str], None]  # (participant id, email address)
ERASERS: list[Eraser] = []


def on_erase(eraser: Eraser) -> None:
    """Another package's rows about a person that carry no foreign key (the outbox): erased with the person."""
    if eraser not in ERASERS:
        ERASERS.append(eraser)


def erase(participant: Participant) -> None:
    now = clock.now()
    held = db.session.execute(
        sa.select(Seat.occurrence_id)
        .join(Occurrence, Occurrence.id == Seat.occurrence_id)
        .where(Seat.participant_id == participant.id, Seat.status.in_(HOLDING), Occurrence.start > now)
    ).scalars()
    freed = sorted(set(held))
    participant_id, email = participant.id, participant.email
    if not ERASERS:
        raise RuntimeError("nobody erases the outbox: build the app with create_app()")
    for eraser in ERASERS:
        eraser(participant_id, email)
    # Explicit deletes, children first: SQLite may run without foreign-key enforcement.
    for table in _tables_naming_participants():
        db.session.execute(sa.delete(table).where(table.c.participant_id == participant_id))
    db.session.execute(sa.delete(Participant).where(Participant.id == participant_id))
    db.session.expunge(participant)
    for occurrence_id in freed:
        seats.release(occurrence_id)
        occurrence = db.session.get(Occurrence, occurrence_id)
        if occurrence is not None:
            offer_next(occurrence)
    db.session.flush()


def _tables_naming_participants() -> list[sa.Table]:
    """Every table with a `participant_id` that points at participants (attendance, streak and reminder choices,
    links, seats, RSVPs …), children first. Read from the schema, so a feature's new table is erased too without
    this module importing that feature."""
    return [
        table
        for table in reversed(db.metadata.sorted_tables)
        if "participant_id" in table.c
        and any(fk.column.table.name == Participant.__tablename__ for fk in table.c.participant_id.foreign_keys)
    ]


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
