"""Who follows what: the one place where feature packages are connected to the events of lower ones.

`meetings` announces changes without importing its followers (`meetings.changes`); the outbox asks each kind of
message how to re-check it before sending without importing the kinds (`notifications.outbox.declare`).
Called once by `create_app`; connecting the same receiver again is a no-op.
"""

from __future__ import annotations

from scheduler.integrations import provisioning
from scheduler.meetings import changes
from scheduler.meetings.models import Series
from scheduler.notifications import calendar_updates, outbox, reminders
from scheduler.participants import emails, lifecycle


def _seats_follow_split(series: Series, *, successor: Series) -> None:
    lifecycle.follow_split(series, successor)


def init_app() -> None:
    changes.meeting_split.connect(_seats_follow_split)
    changes.meeting_changed.connect(provisioning.follow_change)  # the room first, then the calendars
    changes.meeting_changed.connect(calendar_updates.follow_change)
    outbox.declare(reminders.KIND, recheck=reminders.still_due)
    for kind in ("rsvp_confirm", "rsvp_already"):  # queued unrendered by the sign-up request
        outbox.declare(kind, render=emails.render_later)
