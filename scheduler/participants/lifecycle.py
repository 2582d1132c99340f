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
from scheduler.meetings.models import Series
from scheduler.participants import emails, links
from scheduler.participants.allocation import advance, allocate, upcoming_seats, vacate
from scheduler.participants.models import (
    LIVE,
    Rsvp,
    RsvpScope,
    RsvpStatus,
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


def remove(rsvp: Rsvp) -> None:
    end(rsvp, RsvpStatus.REMOVED)
