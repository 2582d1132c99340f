"""Who follows what: the one place where feature packages are connected to the events of lower ones.

`meetings` announces changes without importing its followers (`meetings.changes`); the outbox asks each kind of
message how to re-check it before sending without importing the kinds (`notifications.outbox.declare`).
Called once by `create_app`; connecting the same receiver again is a no-op.
"""

from __future__ import annotations

from scheduler import i18n
from scheduler.auth import services as auth_services
from scheduler.integrations import provisioning
from scheduler.meetings import changes
from scheduler.meetings.models import Series
from scheduler.notifications import calendar_updates, outbox, reminders
from scheduler.participants import lifecycle


def _seats_follow_split(series: Series, *, successor: Series) -> None:
    lifecycle.follow_split(series, successor)


def init_app() -> None:
    changes.meeting_split.connect(_seats_follow_split)
    i18n.language_chosen.connect(auth_services.remember_language)  # a staff member's switch is saved
    changes.meeting_changed.connect(provisioning.follow_change)  # the room first, then the calendars
    changes.meeting_changed.connect(calendar_updates.follow_change)
    outbox.declare(reminders.KIND, recheck=reminders.still_due)
