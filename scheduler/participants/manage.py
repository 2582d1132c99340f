"""What a person changes from their personal page: one seat (skip, come back, accept or decline an offer), one
more session, all sessions, leaving a meeting, their profile. `seat_actions` is the rule for which seat changes
are possible; `change_seat` enforces it and the manage page shows it. Services flush; callers commit.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from scheduler import clock
from scheduler.extensions import db
from scheduler.meetings.models import Occurrence, OccurrenceStatus
from scheduler.participants.allocation import allocate, claim, move, vacate
from scheduler.participants.inputs import check_profile, clean_name
from scheduler.participants.lifecycle import end
from scheduler.participants.models import (
    UPCOMING,
    Participant,
    Rsvp,
    RsvpScope,
    RsvpStatus,
    Seat,
    SeatStatus,
)
from scheduler.rules import RuleError, rule_error

# The seat changes a person may make, from which seat states. `seat_actions` applies this table for the manage
# page and `change_seat` enforces it, so the page never offers what would be refused.
SEAT_MOVES: dict[str, tuple[SeatStatus, ...]] = {
    "accept": (SeatStatus.OFFERED,),
    "decline": (SeatStatus.OFFERED,),
    "skip": UPCOMING,
    "unskip": (SeatStatus.SKIPPED, SeatStatus.RELEASED),
}
ADD = "add"  # no seat yet: join this one session too


def bookable(occurrence: Occurrence, now: datetime) -> bool:
    """A session one can still sign up for: scheduled and not started (the rule of `bookable_sessions`)."""
    return occurrence.status == OccurrenceStatus.SCHEDULED and occurrence.start > now


def seat_actions(rsvp_status: str, seat_status: str | None, occurrence: Occurrence, now: datetime) -> tuple[str, ...]:
    """What the person may do with their place in this session now (empty once it started)."""
    if rsvp_status != RsvpStatus.ACTIVE or occurrence.start <= now:
        return ()
    if seat_status is None:
        return (ADD,) if bookable(occurrence, now) else ()
    return tuple(
        action
        for action, states in SEAT_MOVES.items()
        if seat_status in states and not (action == "unskip" and occurrence.is_cancelled)
    )


def change_seat(participant: Participant, seat_id: int, action: str) -> Seat:
    seat = db.session.get(Seat, seat_id)
    if seat is None or seat.participant_id != participant.id or seat.rsvp.status != RsvpStatus.ACTIVE:
        raise rule_error("seat", _l("We could not find that session in your sign-ups."))
    now = clock.now()
    if seat.occurrence.start <= now:
        raise rule_error("seat", _l("This session has already started."))
    if action not in seat_actions(seat.rsvp.status, seat.status, seat.occurrence, now):
        if action == "unskip" and seat.status in SEAT_MOVES["unskip"]:
            raise rule_error("seat", _l("This session is cancelled."))
        raise rule_error("seat", _l("That change is not possible for this session any more."))
    if action == "skip":
        vacate(seat, SeatStatus.SKIPPED)
    elif action == "unskip":
        claim(seat.rsvp, seat.occurrence)
    elif action == "accept":
        expired = seat.offer_expires_at is not None and seat.offer_expires_at <= now
        if expired or not move(seat, (SeatStatus.OFFERED,), SeatStatus.CONFIRMED, offer_expires_at=None):
            raise rule_error("seat", _l("Sorry, the time to accept this place has passed."))
    else:
        vacate(seat, SeatStatus.RELEASED)
    participant.active_at = now
    db.session.refresh(seat)
    return seat


def add_session(participant: Participant, occurrence_id: int) -> Seat:
    occurrence = db.session.get(Occurrence, occurrence_id)
    rsvp = None
    if occurrence is not None:
        rsvp = db.session.scalar(
            sa.select(Rsvp).where(Rsvp.participant_id == participant.id, Rsvp.series_id == occurrence.series_id)
        )
    if occurrence is None or rsvp is None or rsvp.status != RsvpStatus.ACTIVE:
        raise rule_error("seat", _l("We could not find that session in your sign-ups."))
    if not bookable(occurrence, clock.now()):
        raise rule_error("seat", _l("This session can no longer be joined."))
    claim(rsvp, occurrence)
    participant.active_at = clock.now()
    return db.session.scalars(sa.select(Seat).where(Seat.rsvp_id == rsvp.id, Seat.occurrence_id == occurrence.id)).one()


def join_all(participant: Participant, rsvp_id: int) -> Rsvp:
    rsvp = own_rsvp(participant, rsvp_id)
    if rsvp.status != RsvpStatus.ACTIVE:
        raise rule_error("rsvp", _l("You are not signed up for this meeting any more."))
    rsvp.scope = RsvpScope.SERIES
    allocate(rsvp, keep_skipped=True)
    participant.active_at = clock.now()
    return rsvp


def leave(participant: Participant, rsvp_id: int) -> Rsvp:
    rsvp = own_rsvp(participant, rsvp_id)
    end(rsvp, RsvpStatus.CANCELLED)
    participant.active_at = clock.now()
    return rsvp


def update_profile(participant: Participant, display_name: str, timezone: str, language: str) -> None:
    errors = check_profile(display_name, timezone, language)
    if errors:
        raise RuleError(errors)
    participant.display_name = clean_name(display_name)
    participant.timezone = timezone
    participant.language = language
    participant.active_at = clock.now()
    db.session.flush()


def own_rsvp(participant: Participant, rsvp_id: int) -> Rsvp:
    rsvp = db.session.get(Rsvp, rsvp_id)
    if rsvp is None or rsvp.participant_id != participant.id:
        raise rule_error("rsvp", _l("We could not find that meeting in your sign-ups."))
    return rsvp
