"""The add-to-calendar links on the manage page: the public ones (no join link), for what the person holds."""

from __future__ import annotations

from scheduler.meetings.models import Occurrence, Series
from scheduler.participants.models import UPCOMING, Seat
from scheduler.public.add_to_calendar import CalendarLinks, calendar_links


def signed_up_calendar_links(
    series: Series, sessions: list[tuple[Occurrence, Seat | None]], single: bool = False
) -> CalendarLinks:
    """From the page's (session, seat) pairs: someone signed up for one session gets the session they hold a
    seat in, not the whole meeting."""
    held = [occurrence for occurrence, seat in sessions if seat is not None and seat.status in UPCOMING]
    return calendar_links(series, held if single else [occurrence for occurrence, _seat in sessions], single=single)
