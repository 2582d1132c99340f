"""The one "a meeting changed" step every meetings service ends with.

`changed()` bumps the calendar SEQUENCE when participants' calendars must follow, flushes, and announces the
change. Who follows is wired in `create_app` (the composition root), so this package imports none of them:
the video room (`integrations.provisioning`) records a sync wish for every change, the participants' seats follow
a split, and the participants' calendars get their iTIP update (`notifications.calendar_updates`).
Receivers run synchronously, in the order they were connected, inside the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from blinker import Namespace
from flask_babel import lazy_gettext as _l

from scheduler.extensions import db
from scheduler.meetings.models import Occurrence, Series

_signals = Namespace()
meeting_split = _signals.signal("meeting-split")  # (series, successor=...): before calendars follow the split
meeting_changed = _signals.signal("meeting-changed")  # (Change)


TOO_LATE_TO_RESTORE = _l(
    "It is too late to restore this meeting: the participants have already been told it is cancelled. "
    "Create a new meeting instead."
)


class CalendarChange(StrEnum):
    """What participants' calendars get: the whole object again, one session moved or cancelled, the end."""

    SCHEDULE = "schedule_changed"
    SESSION_MOVED = "session_moved"
    SESSION_CANCELLED = "session_cancelled"
    SESSION_RESTORED = "session_restored"  # the whole object again, unless the cancellation was never sent
    MEETING_CANCELLED = "meeting_cancelled"
    MEETING_RESTORED = "meeting_restored"  # within the undo window: the held cancellations are withdrawn


@dataclass(frozen=True)
class Change:
    series: Series
    reason: str  # for the room sync's log, e.g. "session moved"
    calendar: CalendarChange | None = None  # None: nothing participants hold changed
    occurrence: Occurrence | None = None
    old_start: datetime | None = None
    note: str = ""  # the organizer's reason for a cancellation, shown to participants


def changed(
    series: Series,
    reason: str,
    *,
    calendar: CalendarChange | None = None,
    occurrence: Occurrence | None = None,
    old_start: datetime | None = None,
    note: str = "",
    bump: bool | None = None,
) -> None:
    """Bump SEQUENCE (when calendars follow; `bump=False` for a brand-new series), flush, sync the room and
    queue the calendar updates."""
    if not meeting_changed.receivers:
        raise RuntimeError("nobody follows meeting changes: build the app with create_app()")
    if bump if bump is not None else calendar is not None:
        series.sequence += 1
    db.session.flush()
    meeting_changed.send(
        Change(series, reason, calendar=calendar, occurrence=occurrence, old_start=old_start, note=note)
    )


def split(series: Series, successor: Series) -> None:
    """The sessions from a split on moved to `successor`: what hangs off them (seats, RSVPs) follows first."""
    meeting_split.send(series, successor=successor)
