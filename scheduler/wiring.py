"""Who follows what: the one place where feature packages are connected to the events of lower ones.

`meetings` announces changes without importing its followers (`meetings.changes`); the outbox asks each kind of
message how to re-check it before sending without importing the kinds (`notifications.outbox.declare`);
`participants` asks for its emails and for erasing a person's mail without importing `notifications`
(`participants.emails.use`, `participants.privacy.on_erase`); `integrations` announces a Zoom-side change to a
room without importing the staff mail (`integrations.zoom_events.room_needs_attention`).
Called once by `create_app`; connecting the same receiver again is a no-op.
"""

from __future__ import annotations

from scheduler import i18n
from scheduler.auth import services as auth_services
from scheduler.integrations import provisioning, zoom_events
from scheduler.meetings import changes
from scheduler.meetings.models import Series
from scheduler.notifications import calendar_updates, optouts, outbox, reminders, rsvp_emails, staff_mail
from scheduler.participants import emails, lifecycle, privacy


def _seats_follow_split(series: Series, *, successor: Series) -> None:
    followed = lifecycle.follow_split(series, successor)
    optouts.follow_split(series.id, followed)


def init_app() -> None:
    changes.meeting_split.connect(_seats_follow_split)
    i18n.language_chosen.connect(auth_services.remember_language)  # a staff member's switch is saved
    changes.meeting_changed.connect(provisioning.follow_change)  # the room first, then the calendars
    changes.meeting_changed.connect(calendar_updates.follow_change)
    outbox.declare(reminders.KIND, recheck=reminders.still_due)
    emails.use(rsvp_emails)  # participants' services ask; notifications writes
    privacy.on_erase(outbox.forget)
    zoom_events.room_needs_attention.connect(staff_mail.video_room_alert)
    for kind in rsvp_emails.RENDERED_LATER:
        outbox.declare(kind, render=rsvp_emails.render_later)
