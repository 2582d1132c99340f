"""Seats and the waitlist: claiming a seat (or a waitlist place) per session, freeing it, offering freed seats to
the next person waiting, and the worker jobs that keep this true. Services flush; callers commit.

Seat states (per session): confirmed | waitlisted → offered → confirmed | released; skipped / released and back.
Every transition is a conditional UPDATE on the old state, so concurrent requests cannot both win; the capacity
itself is enforced by the seat counter (`seats.take`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm.attributes import set_committed_value

from scheduler import clock
from scheduler.extensions import db
from scheduler.meetings.models import Access, Occurrence, OccurrenceStatus, Series
from scheduler.participants import emails, seats
from scheduler.participants.models import (
    HOLDING,
    UPCOMING,
    Rsvp,
    RsvpScope,
    RsvpStatus,
    Seat,
    SeatCounter,
    SeatStatus,
)
from scheduler.rows import insert_many_ignore


def needs_approval(series: Series) -> bool:
    return series.access == Access.CLOSED


def bookable_sessions(series: Series, limit: int | None = None) -> list[Occurrence]:
    """Sessions one can still sign up for: scheduled and not started."""
    query = (
        sa.select(Occurrence)
        .where(
            Occurrence.series_id == series.id,
            Occurrence.status == OccurrenceStatus.SCHEDULED,
            Occurrence.start > clock.now(),
        )
        .order_by(Occurrence.start, Occurrence.id)
    )
    return list(db.session.scalars(query.limit(limit) if limit else query))


def claim(rsvp: Rsvp, occurrence: Occurrence) -> None:
    """A seat in one session for this RSVP, or a waitlist place when the session is full. Idempotent."""
    claim_many(rsvp, [occurrence.id])


def claim_many(rsvp: Rsvp, occurrence_ids: list[int]) -> None:
    """Seats (or waitlist places when full) in several sessions, given in start order, in a constant number of
    statements. Idempotent: sessions where the RSVP already holds a seat or a waitlist place are left alone."""
    if not occurrence_ids:
        return
    now = clock.now()
    queued = {"participant_id": rsvp.participant_id, "status": SeatStatus.WAITLISTED, "queued_at": now}
    rows = [{"rsvp_id": rsvp.id, "occurrence_id": i, **queued} for i in occurrence_ids]
    new = insert_many_ignore(Seat, rows, ["rsvp_id", "occurrence_id"])
    back = (
        []
        if len(new) == len(occurrence_ids)
        else db.session.scalars(  # skipped or released before: back in the queue
            sa.update(Seat)
            .where(
                Seat.rsvp_id == rsvp.id,
                Seat.occurrence_id.in_(occurrence_ids),
                Seat.status.in_((SeatStatus.SKIPPED, SeatStatus.RELEASED)),
            )
            .values(status=SeatStatus.WAITLISTED, queued_at=now, updated_at=now)
            .returning(Seat.occurrence_id)
            .execution_options(synchronize_session=False)
        )
    )
    wanted = {*new, *back}
    won = seats.take_many([i for i in occurrence_ids if i in wanted], rsvp.series.capacity)
    if won:
        db.session.execute(
            sa.update(Seat)
            .where(Seat.rsvp_id == rsvp.id, Seat.occurrence_id.in_(won), Seat.status == SeatStatus.WAITLISTED)
            .values(status=SeatStatus.CONFIRMED, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    for seat in [o for o in db.session.identity_map.values() if isinstance(o, Seat) and o.rsvp_id == rsvp.id]:
        db.session.expire(seat)  # the statements above bypassed the ORM


def allocate(rsvp: Rsvp, *, keep_skipped: bool = False) -> None:
    """Seats (or waitlist places) in every upcoming session the RSVP covers."""
    skipped: set[int] = set()
    if keep_skipped:
        skipped = set(
            db.session.scalars(
                sa.select(Seat.occurrence_id).where(Seat.rsvp_id == rsvp.id, Seat.status == SeatStatus.SKIPPED)
            )
        )
    if rsvp.scope == RsvpScope.SERIES:
        wanted = [o.id for o in bookable_sessions(rsvp.series) if o.id not in skipped]
    else:
        wanted = [o.id for o in bookable_sessions(rsvp.series) if o.id == rsvp.occurrence_id]
    claim_many(rsvp, wanted)  # in start order, the same order for everyone: no lock-order deadlocks


def vacate(seat: Seat, status: SeatStatus) -> int:
    """Out of a session: a held seat goes back to the counter and is offered to the next person waiting.
    Returns how many people were offered a seat because of it."""
    was = seat.status
    if not move(seat, (was,), status, offer_expires_at=None):
        return 0
    if was in HOLDING:
        seats.release(seat.occurrence_id)
        return offer_next(seat.occurrence)
    return 0


def offer_next(occurrence: Occurrence) -> int:
    """Offers free seats to the waitlist, first come first served, each held for WAITLIST_OFFER_HOURS."""
    now, offered = clock.now(), 0
    if occurrence.is_cancelled or occurrence.start <= now:
        return 0
    hours = timedelta(hours=current_app.config["WAITLIST_OFFER_HOURS"])
    for _attempt in range(1000):
        seat = db.session.scalar(
            sa.select(Seat)
            .join(Rsvp, Rsvp.id == Seat.rsvp_id)
            .where(Seat.occurrence_id == occurrence.id, Seat.status == SeatStatus.WAITLISTED)
            .where(Rsvp.status == RsvpStatus.ACTIVE)
            .order_by(Seat.queued_at, Seat.id)
            .limit(1)
            .execution_options(populate_existing=True)
        )
        if seat is None or not seats.take(occurrence.id, occurrence.series.capacity):
            break
        expires = min(now + hours, occurrence.start)
        if not move(
            seat, (SeatStatus.WAITLISTED,), SeatStatus.OFFERED, offer_expires_at=expires, offers=Seat.offers + 1
        ):
            seats.release(occurrence.id)  # someone else moved this seat first; try the next person
            continue
        emails.waitlist_offer(seat)
        offered += 1
    return offered


def process_waitlists() -> int:
    """Worker job: lapse overdue offers (passing them on) and offer any free seats to people waiting."""
    now, done = clock.now(), 0
    overdue = db.session.scalars(
        sa.select(Seat).where(Seat.status == SeatStatus.OFFERED, Seat.offer_expires_at <= now).order_by(Seat.id)
    ).all()
    for seat in overdue:
        if move(seat, (SeatStatus.OFFERED,), SeatStatus.RELEASED, offer_expires_at=None):
            seats.release(seat.occurrence_id)
            emails.offer_lapsed(seat)
            done += 1
    waiting = db.session.scalars(  # sessions with people waiting and a free seat (e.g. the capacity was raised)
        sa.select(Occurrence)
        .join(Series, Series.id == Occurrence.series_id)
        .outerjoin(SeatCounter, SeatCounter.occurrence_id == Occurrence.id)
        .where(Occurrence.start > now, Occurrence.status == OccurrenceStatus.SCHEDULED)
        .where(Occurrence.id.in_(sa.select(Seat.occurrence_id).where(Seat.status == SeatStatus.WAITLISTED)))
        .where(sa.or_(Series.capacity.is_(None), sa.func.coalesce(SeatCounter.taken, 0) < Series.capacity))
        .order_by(Occurrence.start)
    ).all()
    for occurrence in waiting:
        done += offer_next(occurrence)
    return done


def allocate_new_sessions() -> int:
    """Worker job: "all upcoming sessions" RSVPs get seats in sessions added since (horizon, restored dates)."""
    now = clock.now()
    missing = db.session.execute(
        sa.select(Rsvp, Occurrence)
        .join(Occurrence, Occurrence.series_id == Rsvp.series_id)
        .outerjoin(Seat, sa.and_(Seat.rsvp_id == Rsvp.id, Seat.occurrence_id == Occurrence.id))
        .where(Rsvp.status == RsvpStatus.ACTIVE, Rsvp.scope == RsvpScope.SERIES, Seat.id.is_(None))
        .where(Occurrence.start > now, Occurrence.status == OccurrenceStatus.SCHEDULED)
        .order_by(Occurrence.start, Rsvp.id)
    ).all()
    for rsvp, occurrence in missing:
        claim(rsvp, occurrence)
    return len(missing)


def upcoming_seats(rsvp: Rsvp) -> list[Seat]:
    return list(
        db.session.scalars(
            sa.select(Seat)
            .join(Occurrence, Occurrence.id == Seat.occurrence_id)
            .where(Seat.rsvp_id == rsvp.id, Seat.status.in_(UPCOMING), Occurrence.start > clock.now())
            .order_by(Occurrence.start)
        )
    )


def advance(rsvp: Rsvp, old: Iterable[str], new: RsvpStatus) -> bool:
    """RSVP state change, only from one of the `old` states; False when another request got there first."""
    row = db.session.execute(
        sa.update(Rsvp)
        .where(Rsvp.id == rsvp.id, Rsvp.status.in_(list(old)))
        .values(status=new, version=Rsvp.version + 1, updated_at=clock.now())
        .returning(Rsvp.status, Rsvp.version, Rsvp.updated_at)
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        db.session.refresh(rsvp)  # another request got there first: show its outcome
        return False
    for key, value in row._mapping.items():  # the new values, without reloading the row and its relations
        set_committed_value(rsvp, key, value)
    return True


def move(seat: Seat, old: Iterable[str], new: SeatStatus, **values: Any) -> bool:
    """Seat state change, only from one of the `old` states; False when another request got there first."""
    result = db.session.execute(
        sa.update(Seat)
        .where(Seat.id == seat.id, Seat.status.in_(list(old)))
        .values(status=new, updated_at=clock.now(), **values)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(seat)
    return int(result.rowcount or 0) == 1  # type: ignore[attr-defined]
