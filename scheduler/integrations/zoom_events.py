"""What we do when Zoom tells us a meeting was deleted or changed in Zoom's own website.

Our own calls cause the same webhooks; they are recognised as echoes (the room is leased by a worker, or was
written to Zoom moments ago) and ignored. Real changes mark the room and alert the group's organizers by email
through the outbox (`room_needs_attention`, answered by `notifications.staff_mail`; connected in
`scheduler/wiring.py`). Services flush; the webhook view commits.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from blinker import Namespace

from scheduler import clock
from scheduler.extensions import db
from scheduler.integrations import messages
from scheduler.integrations.models import ErrorKind, RoomAction, RoomStatus, VideoRoom
from scheduler.integrations.provisioning import forget_room, set_error
from scheduler.integrations.webhooks import ZoomEvent
from scheduler.meetings.models import SeriesStatus

log = logging.getLogger(__name__)

DELETED_EVENTS = frozenset({"meeting.deleted", "webinar.deleted"})
UPDATED_EVENTS = frozenset({"meeting.updated", "webinar.updated"})
ECHO_WINDOW = timedelta(minutes=2)

# (room, reason=..., event_key=...): a real change in Zoom that the group's organizers must hear about
room_needs_attention = Namespace().signal("video-room-needs-attention")


def _is_echo(room: VideoRoom, now: datetime) -> bool:
    in_flight = room.locked_until is not None and room.locked_until > now
    just_written = room.last_synced_at is not None and now - room.last_synced_at < ECHO_WINDOW
    return in_flight or just_written or room.action == RoomAction.DELETE


def handle_zoom_event(event: ZoomEvent, body: dict[str, Any]) -> str:
    """Reacts to one verified Zoom event. Returns what happened ("ignored", "unknown", "echo", "deleted",
    "changed") for the log and the response."""
    if event.event not in DELETED_EVENTS | UPDATED_EVENTS or not event.meeting_id:
        return "ignored"
    room = db.session.scalar(
        sa.select(VideoRoom).where(VideoRoom.provider == "zoom", VideoRoom.external_id == event.meeting_id)
    )
    if room is None or room.series.status == SeriesStatus.CANCELLED:
        return "unknown"
    now = clock.now()
    if _is_echo(room, now):
        return "echo"
    if event.event in DELETED_EVENTS and event.occurrence_id is None:
        forget_room(room)
        room.status = RoomStatus.FAILED
        room.action = RoomAction.CREATE
        room.next_attempt_at = None  # the host removed it on purpose, perhaps: the organizer decides
        set_error(room, messages.DELETED_IN_ZOOM, None, ErrorKind.PROVIDER)
        outcome, reason = "deleted", messages.DELETED_IN_ZOOM
    else:
        reason = messages.SESSION_DELETED_IN_ZOOM if event.event in DELETED_EVENTS else messages.CHANGED_IN_ZOOM
        room.sync_state = {**(room.sync_state or {}), "changed_in_zoom": now.isoformat()}
        set_error(room, reason, None, ErrorKind.CHANGED)
        outcome = "changed"
    db.session.flush()
    room_needs_attention.send(room, reason=reason, event_key=f"{event.event}:{body.get('event_ts') or now.isoformat()}")
    log.info("zoom webhook %s for video room %s: %s", event.event, room.id, outcome)
    return outcome
