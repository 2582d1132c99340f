"""What the participants services tell a person, named here and written elsewhere.

Signing up, approving, the waiting list and leaving each ask for one message; which email that is and how it is
written is `scheduler.notifications.rsvp_emails`, connected in `scheduler/wiring.py` (the composition root), so
this package imports nothing from `notifications` (which reads participants' rows). Calls run synchronously
inside the caller's transaction, exactly as a direct call would.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from scheduler.meetings.models import Series
    from scheduler.participants.models import Participant, Rsvp, Seat


class Writer(Protocol):
    def confirm_request(self, rsvp: Rsvp, secret: str, language: str) -> None: ...
    def already_signed_up(self, rsvp: Rsvp) -> None: ...
    def welcome(self, rsvp: Rsvp, *, approved: bool) -> None: ...
    def awaiting_approval(self, rsvp: Rsvp) -> None: ...
    def declined(self, rsvp: Rsvp, *, send_after: datetime | None = None) -> None: ...
    def withdraw_declined(self, rsvp: Rsvp) -> bool: ...
    def declined_held_until(self, rsvp: Rsvp) -> datetime | None: ...
    def declines_held(self, series: Series) -> list[tuple[Rsvp, Participant, datetime]]: ...
    def waitlist_offer(self, seat: Seat) -> None: ...
    def offer_lapsed(self, seat: Seat) -> None: ...
    def left(self, rsvp: Rsvp, *, send_after: datetime | None = None) -> None: ...
    def withdraw_removed(self, rsvp: Rsvp) -> bool: ...
    def removals_held(self, series: Series) -> list[tuple[Rsvp, Participant, datetime]]: ...


_writer: Writer | None = None


def use(writer: Writer) -> None:
    global _writer
    _writer = writer


def _written() -> Writer:
    if _writer is None:
        raise RuntimeError("nobody writes participants' emails: build the app with create_app()")
    return _writer


def confirm_request(rsvp: Rsvp, secret: str, language: str) -> None:
    _written().confirm_request(rsvp, secret, language)


def already_signed_up(rsvp: Rsvp) -> None:
    _written().already_signed_up(rsvp)


def welcome(rsvp: Rsvp, *, approved: bool) -> None:
    _written().welcome(rsvp, approved=approved)


def awaiting_approval(rsvp: Rsvp) -> None:
    _written().awaiting_approval(rsvp)


def declined(rsvp: Rsvp, *, send_after: datetime | None = None) -> None:
    """The kind decline; `send_after` holds it back while the host may still undo the decision."""
    _written().declined(rsvp, send_after=send_after)


def withdraw_declined(rsvp: Rsvp) -> bool:
    """Takes back the decline email if it is still held: False once it is sent or due (too late to undo)."""
    return _written().withdraw_declined(rsvp)


def declined_held_until(rsvp: Rsvp) -> datetime | None:
    """When the held decline email goes out (None when there is none left to hold)."""
    return _written().declined_held_until(rsvp)


def declines_held(series: Series) -> list[tuple[Rsvp, Participant, datetime]]:
    """Requests declined so recently that their email is still held back (can be undone), with when it goes."""
    return _written().declines_held(series)


def waitlist_offer(seat: Seat) -> None:
    _written().waitlist_offer(seat)


def offer_lapsed(seat: Seat) -> None:
    _written().offer_lapsed(seat)


def left(rsvp: Rsvp, *, send_after: datetime | None = None) -> None:
    """The person left or was removed: their queued mail about the meeting stops and their calendar entry goes
    (the message held until `send_after` while a removal can still be undone)."""
    _written().left(rsvp, send_after=send_after)


def withdraw_removed(rsvp: Rsvp) -> bool:
    """Takes back the held message telling a person they were removed: False once it is sent or due."""
    return _written().withdraw_removed(rsvp)


def removals_held(series: Series) -> list[tuple[Rsvp, Participant, datetime]]:
    """People removed so recently that they have not been told yet (can be undone), with when they are told."""
    return _written().removals_held(series)
