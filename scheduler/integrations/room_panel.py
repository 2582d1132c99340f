"""The video-room panel on the organizer's meeting page: what the room is, and what the organizer can do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from scheduler.integrations import messages, provisioning
from scheduler.integrations.models import ErrorKind, RoomStatus
from scheduler.integrations.registry import providers_that
from scheduler.meetings.models import Series, SeriesStatus


@dataclass(frozen=True)
class RoomPanel:
    provider: str
    state: str  # ready | pending | failed | deleted | none | missing
    link: str | None  # the participants' link where it is not personal (custom, public Jitsi, Zoom)
    passcode: str | None
    notes: str | None
    note: str | None  # translated adapter note (moderator login, Zoom without fixed times)
    reason: str | None  # translated last error
    configuration_problem: bool
    changed_in_provider: bool
    changes_pending: bool
    next_attempt_at: datetime | None
    can_start: bool
    can_retry: bool
    personal_tokens: bool  # each participant's join link carries their own token


def video_room_panel(series: Series) -> RoomPanel:
    room = provisioning.room_for(series)
    cancelled = series.status == SeriesStatus.CANCELLED
    if room is None:
        state = "missing"
    elif room.provider == "none":
        state = "none"
    else:
        state = room.status
    link = None
    if room is not None and room.has_link and room.provider in providers_that("shared_link"):
        link = room.host_url_hint if room.provider == "jitsi" else room.join_url
    ready = room is not None and room.has_link and not cancelled
    return RoomPanel(
        provider=series.video_provider,
        state=state,
        link=link,
        passcode=room.passcode if room is not None and room.provider == "zoom" else None,
        notes=series.video_custom_notes if series.video_provider == "custom" else None,
        note=messages.translate(room.note) if room is not None and room.note else None,
        reason=messages.translate(room.last_error, room.last_error_params) if room and room.last_error else None,
        configuration_problem=room is not None and room.last_error_kind == ErrorKind.CONFIGURATION,
        changed_in_provider=room is not None and room.last_error_kind == ErrorKind.CHANGED,
        changes_pending=room is not None and room.next_attempt_at is not None and room.status == RoomStatus.READY,
        next_attempt_at=room.next_attempt_at if room is not None else None,
        can_start=ready and room is not None and room.provider != "none",
        personal_tokens=series.video_provider in providers_that("personal_tokens"),
        can_retry=not cancelled and (room is None or room.status == RoomStatus.FAILED or bool(room.last_error)),
    )
