"""An RSVP after sign-up: the host's approval or decline, removal by staff, and following a "this and following"
split. Services flush; callers commit.

RSVP states: awaiting approval → active | declined; any live state → cancelled (the person left) | removed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from scheduler import clock
from scheduler.extensions import db
from scheduler.meetings.models import Occurrence, OccurrenceStatus, Series
from scheduler.participants import emails, links
from scheduler.participants.allocation import advance, allocate, claim_many, upcoming_seats, vacate
from scheduler.participants.models import (
    LIVE,
    Rsvp,
    RsvpScope,
    RsvpStatus,
    Seat,
    SeatStatus,
)
from scheduler.participants.tokens import Purpose
from scheduler.rules import rule_error

UNDO_WINDOW = timedelta(minutes=10)  # how long a decline can be taken back before the person is told


def approve(rsvp: Rsvp) -> None:
    if not advance(rsvp, (RsvpStatus.AWAITING_APPROVAL,), RsvpStatus.ACTIVE):
        raise rule_error("rsvp", _l("This request was already answered."))
    allocate(rsvp)
    emails.welcome(rsvp, approved=True)


def decline(rsvp: Rsvp) -> None:
    """Decline a request; the kind email waits UNDO_WINDOW, so the host can take the decision back meanwhile."""
    if not advance(rsvp, (RsvpStatus.AWAITING_APPROVAL,), RsvpStatus.DECLINED):
        raise rule_error("rsvp", _l("This request was already answered."))
    links.revoke(Purpose.JOIN, Purpose.CONFIRM, rsvp_id=rsvp.id)
    emails.declined(rsvp, send_after=clock.now() + UNDO_WINDOW)


def undo_decline(rsvp: Rsvp) -> None:
    """Within UNDO_WINDOW: the request awaits an answer again and the held email is withdrawn, unsent."""
    if rsvp.status != RsvpStatus.DECLINED or not emails.withdraw_declined(rsvp):
        raise rule_error(
            "rsvp",
            _l("It is too late to undo this: the person has already been told. You can write to them directly."),
        )
    if not advance(rsvp, (RsvpStatus.DECLINED,), RsvpStatus.AWAITING_APPROVAL):
        raise rule_error("rsvp", _l("This request was already answered."))


def undo_deadline(rsvp: Rsvp) -> datetime | None:
    """Until when the decline of this request can still be undone (None: it cannot)."""
    if rsvp.status != RsvpStatus.DECLINED:
        return None
    held = emails.declined_held_until(rsvp)
    return held if held is not None and held > clock.now() else None


def end(rsvp: Rsvp, status: RsvpStatus) -> None:
    """Leaving or removal: free the upcoming seats, stop the links and the queued mail about this meeting."""
    if not advance(rsvp, LIVE, status):
        raise rule_error("rsvp", _l("This person is no longer signed up."))
    for seat in upcoming_seats(rsvp):
        vacate(seat, SeatStatus.RELEASED)
    links.revoke(Purpose.JOIN, Purpose.CONFIRM, rsvp_id=rsvp.id)
    emails.left(rsvp)


def follow_split(old: Series, new: Series) -> list[Rsvp]:
    """ "This and following": people signed up keep their places in the meeting's continuation.

    Their seats already moved with the sessions; each RSVP for the whole meeting gets a twin on the new series
    holding those seats, and an RSVP for one session that moved is re-pointed to the new series. Returns the twins
    and the re-pointed RSVPs (the reminder opt-outs follow the twins: `notifications.optouts.follow_split`).
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
        followed.append(twin)
    db.session.flush()
    return followed


def remove(rsvp: Rsvp) -> bool:
    """Staff remove a person: their seats are freed, their links stop, and the message telling them waits
    UNDO_WINDOW so the removal can be taken back (`undo_remove`). Only when nothing irreversible happened: if a
    freed seat was offered to someone on the waiting list, or the person was not yet a confirmed participant,
    they are told at once and there is no undo. Returns whether the removal can be undone."""
    was = rsvp.status
    if not advance(rsvp, LIVE, RsvpStatus.REMOVED):
        raise rule_error("rsvp", _l("This person is no longer signed up."))
    offered = sum(vacate(seat, SeatStatus.RELEASED) for seat in upcoming_seats(rsvp))
    links.revoke(Purpose.JOIN, Purpose.CONFIRM, rsvp_id=rsvp.id)
    undoable = was == RsvpStatus.ACTIVE and not offered
    emails.left(rsvp, send_after=clock.now() + UNDO_WINDOW if undoable else None)
    return undoable


def undo_remove(rsvp: Rsvp) -> None:
    """Within UNDO_WINDOW, and while every seat the person held is still free: they are back as they were, their
    links work again and the held message is withdrawn, unsent. Otherwise a clear refusal (nothing changes)."""
    if rsvp.status != RsvpStatus.REMOVED or not emails.withdraw_removed(rsvp):
        raise rule_error(
            "rsvp",
            _l(
                "It is too late to undo this: the person has already been told they were removed. "
                "You can write to them directly."
            ),
        )
    removed_at = rsvp.updated_at
    freed = list(
        db.session.scalars(
            sa.select(Seat.occurrence_id)
            .join(Occurrence, Occurrence.id == Seat.occurrence_id)
            .where(
                Seat.rsvp_id == rsvp.id,
                Seat.status == SeatStatus.RELEASED,
                Seat.updated_at >= removed_at,
                Occurrence.start > clock.now(),
                Occurrence.status == OccurrenceStatus.SCHEDULED,
            )
            .order_by(Occurrence.start, Occurrence.id)
        )
    )
    if not advance(rsvp, (RsvpStatus.REMOVED,), RsvpStatus.ACTIVE):
        raise rule_error("rsvp", _l("This person is no longer removed."))
    claim_many(rsvp, freed)
    back = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Seat)
        .where(Seat.rsvp_id == rsvp.id, Seat.occurrence_id.in_(freed), Seat.status == SeatStatus.CONFIRMED)
    )
    if back != len(freed):
        raise rule_error(
            "rsvp",
            _l(
                "This can no longer be undone: someone else took a seat the person had. "
                "The person has not been told yet; they will be told in a few minutes."
            ),
        )
    links.unrevoke(Purpose.JOIN, Purpose.CONFIRM, rsvp_id=rsvp.id, since=removed_at)
