"""The RSVP rules, each in one place: sign-up with double opt-in, approval, seats and the waitlist, skipping,
leaving and removal. Services flush; callers commit.

RSVP states: pending → active | awaiting approval → active | declined; any live state → cancelled | removed.
Seat states (per session): confirmed | waitlisted → offered → confirmed | released; skipped / released and back.
Every transition is a conditional UPDATE on the old state, so concurrent requests cannot both win.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from scheduler import clock
from scheduler.extensions import db
from scheduler.meetings.models import Access, Occurrence, OccurrenceStatus, Series, SeriesKind, SeriesStatus
from scheduler.notifications import calendar_updates, optouts, outbox
from scheduler.participants import emails, links, seats, throttle
from scheduler.participants.inputs import RsvpInput, check_profile, clean_name, normalized_email
from scheduler.participants.models import (
    HOLDING,
    NOTE_MAX,
    UPCOMING,
    Participant,
    Rsvp,
    RsvpScope,
    RsvpStatus,
    Seat,
    SeatCounter,
    SeatStatus,
)
from scheduler.participants.tokens import Purpose
from scheduler.rules import RuleError, rule_error

LIVE = (RsvpStatus.PENDING, RsvpStatus.AWAITING_APPROVAL, RsvpStatus.ACTIVE)


@dataclass(frozen=True)
class ConfirmOutcome:
    rsvp: Rsvp
    manage_secret: str


# --- reading ------------------------------------------------------------------------------------------------


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


def _check_input(series: Series, data: RsvpInput) -> tuple[str, Occurrence | None]:
    errors = check_profile(data.display_name, data.timezone, data.language)
    email = normalized_email(data.email)
    if email is None:
        errors["email"] = [str(_l("Enter a valid email address, like name@example.org."))]
    if len(data.note) > NOTE_MAX or len(data.question) > NOTE_MAX:
        errors["note"] = [str(_l("Please keep it under %(max)s characters.", max=NOTE_MAX))]
    occurrence = None
    if series.status != SeriesStatus.PUBLISHED or not bookable_sessions(series, limit=1):
        errors["scope"] = [str(_l("This meeting is not taking sign-ups."))]
    elif data.scope == RsvpScope.OCCURRENCE:
        occurrence = db.session.get(Occurrence, data.occurrence_id) if data.occurrence_id else None
        if occurrence is None or occurrence not in bookable_sessions(series):
            errors["occurrence_id"] = [str(_l("Choose one of the upcoming sessions."))]
    elif data.scope != RsvpScope.SERIES:
        errors["scope"] = [str(_l("Choose all upcoming sessions or only one session."))]
    if errors:
        raise RuleError(errors)
    return email, occurrence


# --- signing up -----------------------------------------------------------------------------------------------


def request_rsvp(series: Series, data: RsvpInput) -> None:
    """Records a sign-up and emails the address. The outcome is deliberately invisible to the caller:
    known and unknown addresses look the same, and nothing changes until the address owner confirms."""
    email, occurrence = _check_input(series, data)
    if not throttle.address_allowed(email):
        return
    now = clock.now()
    name = clean_name(data.display_name)
    profile = {"display_name": name, "timezone": data.timezone, "language": data.language}
    seats.insert_ignore(Participant, {"email": email, "created_at": now, "active_at": now, **profile}, ["email"])
    participant = db.session.scalars(
        sa.select(Participant).where(Participant.email == email).execution_options(populate_existing=True)
    ).one()
    if participant.confirmed_at is None:  # nobody has proven they own the address yet: the latest request wins
        for key, value in profile.items():
            setattr(participant, key, value)
    participant.active_at = now
    seats.insert_ignore(
        Rsvp,
        {"participant_id": participant.id, "series_id": series.id, "created_at": now},
        ["participant_id", "series_id"],
    )
    rsvp = db.session.scalars(
        sa.select(Rsvp)
        .where(Rsvp.participant_id == participant.id, Rsvp.series_id == series.id)
        .execution_options(populate_existing=True)
    ).one()
    if rsvp.status in (RsvpStatus.ACTIVE, RsvpStatus.AWAITING_APPROVAL):
        emails.already_signed_up(rsvp)
        return
    if rsvp.status == RsvpStatus.REMOVED:
        return  # staff removed this person; say nothing more on screen than to anyone else
    rsvp.status = RsvpStatus.PENDING
    rsvp.scope = data.scope
    rsvp.occurrence_id = occurrence.id if occurrence is not None else None
    rsvp.note = (data.note.strip() or None) if needs_approval(series) else None
    rsvp.question = (data.question.strip() or None) if series.kind == SeriesKind.WEBINAR else None
    rsvp.version += 1
    db.session.flush()
    expires = now + timedelta(hours=current_app.config["RSVP_CONFIRM_HOURS"])
    secret = links.issue(Purpose.CONFIRM, participant, rsvp, expires_at=expires)
    language = data.language if participant.confirmed_at is None else participant.language
    emails.confirm_request(rsvp, secret, language)


def pending_confirmation(secret: str) -> Rsvp:
    """What a confirmation link would confirm (for the GET page). Changes nothing."""
    token = links.resolve(Purpose.CONFIRM, secret)
    rsvp = db.session.get(Rsvp, token.rsvp_id) if token.rsvp_id else None
    if rsvp is None or rsvp.status != RsvpStatus.PENDING:
        raise links.LinkError("used")
    return rsvp


def confirm(secret: str) -> ConfirmOutcome:
    rsvp = pending_confirmation(secret)
    links.use_once(links.resolve(Purpose.CONFIRM, secret))
    approval = needs_approval(rsvp.series)
    if not _advance(rsvp, (RsvpStatus.PENDING,), RsvpStatus.AWAITING_APPROVAL if approval else RsvpStatus.ACTIVE):
        raise links.LinkError("used")
    participant = rsvp.participant
    participant.confirmed_at = participant.confirmed_at or clock.now()
    participant.active_at = clock.now()
    links.revoke(Purpose.CONFIRM, rsvp_id=rsvp.id)
    if approval:
        emails.awaiting_approval(rsvp)
    else:
        _allocate(rsvp)
        emails.welcome(rsvp, approved=False)
    return ConfirmOutcome(rsvp=rsvp, manage_secret=links.issue(Purpose.MANAGE, participant))


def approve(rsvp: Rsvp) -> None:
    if not _advance(rsvp, (RsvpStatus.AWAITING_APPROVAL,), RsvpStatus.ACTIVE):
        raise rule_error("rsvp", _l("This request was already answered."))
    _allocate(rsvp)
    emails.welcome(rsvp, approved=True)


def decline(rsvp: Rsvp) -> None:
    if not _advance(rsvp, (RsvpStatus.AWAITING_APPROVAL,), RsvpStatus.DECLINED):
        raise rule_error("rsvp", _l("This request was already answered."))
    links.revoke(Purpose.JOIN, Purpose.CONFIRM, rsvp_id=rsvp.id)
    emails.declined(rsvp)


def _end(rsvp: Rsvp, status: RsvpStatus) -> None:
    """Leaving or removal: free the upcoming seats, stop the links and the queued mail about this meeting."""
    if not _advance(rsvp, LIVE, status):
        raise rule_error("rsvp", _l("This person is no longer signed up."))
    for seat in _upcoming_seats(rsvp):
        _vacate(seat, SeatStatus.RELEASED)
    links.revoke(Purpose.JOIN, Purpose.CONFIRM, rsvp_id=rsvp.id)
    outbox.cancel_pending(participant_id=rsvp.participant_id, series_id=rsvp.series_id)
    calendar_updates.left(rsvp)


def follow_split(old: Series, new: Series) -> list[Rsvp]:
    """ "This and following": people signed up keep their places in the meeting's continuation.

    Their seats already moved with the sessions; each RSVP for the whole meeting gets a twin on the new series
    holding those seats, and an RSVP for one session that moved is re-pointed to the new series.
    """
    followed: list[Rsvp] = []
    for rsvp in db.session.scalars(sa.select(Rsvp).where(Rsvp.series_id == old.id, Rsvp.status.in_(LIVE))).all():
        seats_moved = [seat for seat in rsvp.seats if seat.occurrence.series_id == new.id]
        if rsvp.scope == RsvpScope.OCCURRENCE:
            if rsvp.occurrence is not None and rsvp.occurrence.series_id == new.id:
                rsvp.series_id = new.id
                followed.append(rsvp)
            continue
        twin = Rsvp(
            participant_id=rsvp.participant_id,
            series_id=new.id,
            status=rsvp.status,
            scope=rsvp.scope,
            note=rsvp.note,
            question=rsvp.question,
        )
        db.session.add(twin)
        db.session.flush()
        for seat in seats_moved:
            seat.rsvp_id = twin.id
        if optouts.is_off(rsvp.participant_id, old.id):
            optouts.turn_off(rsvp.participant_id, new.id)  # "no reminders" carries over to the continuation
        followed.append(twin)
    db.session.flush()
    return followed


def remove(rsvp: Rsvp) -> None:
    _end(rsvp, RsvpStatus.REMOVED)


def leave(participant: Participant, rsvp_id: int) -> Rsvp:
    rsvp = _own_rsvp(participant, rsvp_id)
    _end(rsvp, RsvpStatus.CANCELLED)
    participant.active_at = clock.now()
    return rsvp


# --- the manage page ------------------------------------------------------------------------------------------


def change_seat(participant: Participant, seat_id: int, action: str) -> Seat:
    seat = db.session.get(Seat, seat_id)
    if seat is None or seat.participant_id != participant.id or seat.rsvp.status != RsvpStatus.ACTIVE:
        raise rule_error("seat", _l("We could not find that session in your sign-ups."))
    if seat.occurrence.start <= clock.now():
        raise rule_error("seat", _l("This session has already started."))
    if action == "skip" and seat.status in UPCOMING:
        _vacate(seat, SeatStatus.SKIPPED)
    elif action == "unskip" and seat.status in (SeatStatus.SKIPPED, SeatStatus.RELEASED):
        if seat.occurrence.is_cancelled:
            raise rule_error("seat", _l("This session is cancelled."))
        _claim(seat.rsvp, seat.occurrence)
    elif action == "accept" and seat.status == SeatStatus.OFFERED:
        expired = seat.offer_expires_at is not None and seat.offer_expires_at <= clock.now()
        if expired or not _move(seat, (SeatStatus.OFFERED,), SeatStatus.CONFIRMED, offer_expires_at=None):
            raise rule_error("seat", _l("Sorry, the time to accept this place has passed."))
    elif action == "decline" and seat.status == SeatStatus.OFFERED:
        _vacate(seat, SeatStatus.RELEASED)
    else:
        raise rule_error("seat", _l("That change is not possible for this session any more."))
    participant.active_at = clock.now()
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
    if occurrence not in bookable_sessions(occurrence.series):
        raise rule_error("seat", _l("This session can no longer be joined."))
    _claim(rsvp, occurrence)
    participant.active_at = clock.now()
    return db.session.scalars(sa.select(Seat).where(Seat.rsvp_id == rsvp.id, Seat.occurrence_id == occurrence.id)).one()


def join_all(participant: Participant, rsvp_id: int) -> Rsvp:
    rsvp = _own_rsvp(participant, rsvp_id)
    if rsvp.status != RsvpStatus.ACTIVE:
        raise rule_error("rsvp", _l("You are not signed up for this meeting any more."))
    rsvp.scope = RsvpScope.SERIES
    _allocate(rsvp, keep_skipped=True)
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


# --- seats and the waitlist -----------------------------------------------------------------------------------


def _claim(rsvp: Rsvp, occurrence: Occurrence) -> None:
    """A seat in one session for this RSVP, or a waitlist place when the session is full. Idempotent."""
    now = clock.now()
    values = {"participant_id": rsvp.participant_id, "status": SeatStatus.WAITLISTED, "queued_at": now}
    inserted = seats.insert_ignore(
        Seat, {"rsvp_id": rsvp.id, "occurrence_id": occurrence.id, **values}, ["rsvp_id", "occurrence_id"]
    )
    seat = db.session.scalars(
        sa.select(Seat)
        .where(Seat.rsvp_id == rsvp.id, Seat.occurrence_id == occurrence.id)
        .execution_options(populate_existing=True)
    ).one()
    if not inserted and not _move(
        seat, (SeatStatus.SKIPPED, SeatStatus.RELEASED), SeatStatus.WAITLISTED, queued_at=now
    ):
        return  # it already has a seat or a waitlist place
    if seats.take(occurrence.id, rsvp.series.capacity):
        _move(seat, (SeatStatus.WAITLISTED,), SeatStatus.CONFIRMED)


def _allocate(rsvp: Rsvp, *, keep_skipped: bool = False) -> None:
    """Seats (or waitlist places) in every upcoming session the RSVP covers."""
    skipped: set[int] = set()
    if keep_skipped:
        skipped = set(
            db.session.scalars(
                sa.select(Seat.occurrence_id).where(Seat.rsvp_id == rsvp.id, Seat.status == SeatStatus.SKIPPED)
            )
        )
    if rsvp.scope == RsvpScope.SERIES:
        wanted = [o for o in bookable_sessions(rsvp.series) if o.id not in skipped]
    else:
        wanted = [o for o in bookable_sessions(rsvp.series) if o.id == rsvp.occurrence_id]
    for occurrence in wanted:  # in start order, the same order for everyone: no lock-order deadlocks
        _claim(rsvp, occurrence)


def _vacate(seat: Seat, status: SeatStatus) -> None:
    """Out of a session: a held seat goes back to the counter and is offered to the next person waiting."""
    was = seat.status
    if not _move(seat, (was,), status, offer_expires_at=None):
        return
    if was in HOLDING:
        seats.release(seat.occurrence_id)
        offer_next(seat.occurrence)


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
        if not _move(
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
        if _move(seat, (SeatStatus.OFFERED,), SeatStatus.RELEASED, offer_expires_at=None):
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
        _claim(rsvp, occurrence)
    return len(missing)


# --- helpers ----------------------------------------------------------------------------------------------------


def _own_rsvp(participant: Participant, rsvp_id: int) -> Rsvp:
    rsvp = db.session.get(Rsvp, rsvp_id)
    if rsvp is None or rsvp.participant_id != participant.id:
        raise rule_error("rsvp", _l("We could not find that meeting in your sign-ups."))
    return rsvp


def _upcoming_seats(rsvp: Rsvp) -> list[Seat]:
    return list(
        db.session.scalars(
            sa.select(Seat)
            .join(Occurrence, Occurrence.id == Seat.occurrence_id)
            .where(Seat.rsvp_id == rsvp.id, Seat.status.in_(UPCOMING), Occurrence.start > clock.now())
            .order_by(Occurrence.start)
        )
    )


def _advance(rsvp: Rsvp, old: Iterable[str], new: RsvpStatus) -> bool:
    """RSVP state change, only from one of the `old` states; False when another request got there first."""
    result = db.session.execute(
        sa.update(Rsvp)
        .where(Rsvp.id == rsvp.id, Rsvp.status.in_(list(old)))
        .values(status=new, version=Rsvp.version + 1, updated_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(rsvp)
    return int(result.rowcount or 0) == 1  # type: ignore[attr-defined]


def _move(seat: Seat, old: Iterable[str], new: SeatStatus, **values: Any) -> bool:
    """Seat state change, only from one of the `old` states; False when another request got there first."""
    result = db.session.execute(
        sa.update(Seat)
        .where(Seat.id == seat.id, Seat.status.in_(list(old)))
        .values(status=new, updated_at=clock.now(), **values)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(seat)
    return int(result.rowcount or 0) == 1  # type: ignore[attr-defined]
