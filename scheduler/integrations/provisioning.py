"""Video rooms for meetings: record the wish in the caller's transaction, let the worker talk to the provider.

- `request_sync(series, reason, occurrence=None)` is called by the meetings services whenever a meeting is
  saved, moved, cancelled or split. It never touches the network. Rooms whose creation is a local computation
  (Jitsi, self-hosted Jitsi, JaaS: a random room name; a pasted custom link; no video) are made right here, in
  the same transaction, so they are ready the moment the meeting is saved. Zoom rooms are marked due
  (`next_attempt_at`) and created, updated or deleted by the worker job in `provisioning_job`.
- `join_url_for(...)` gives a participant's (or host's) link at click time, minting a JWT when the provider
  needs one, or None while there is no usable room.
- Services flush; callers commit. Nothing here logs a URL, a token, an email address or a secret.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from scheduler import clock
from scheduler.auth.models import User
from scheduler.extensions import db
from scheduler.integrations import messages
from scheduler.integrations.base import (
    ConfigurationError,
    JoinRequest,
    ProviderError,
    Recurrence,
    Room,
    RoomRequest,
    VideoProvider,
)
from scheduler.integrations.models import ErrorKind, RoomAction, RoomStatus, VideoRoom
from scheduler.integrations.registry import build_provider, providers_that
from scheduler.meetings import recurrence
from scheduler.meetings.changes import Change
from scheduler.meetings.models import Occurrence, Series, SeriesKind, SeriesStatus

log = logging.getLogger(__name__)

NETWORK_PROVIDERS = providers_that("networked")  # created, changed and deleted by the worker
JITSI_PROVIDERS = providers_that("random_room")  # creating a room is picking a random name
TOKEN_PROVIDERS = providers_that("personal_tokens")
# sync_state keys of an idempotent Zoom create: the room's opaque creation reference (sent in the agenda), and
# the intent, recorded before the create call and cleared once a room is recorded (or nothing is wanted).
CREATION_REF, CREATING = "cref", "creating"
_CONFIG_PREFIXES = ("JITSI_", "JAAS_", "ZOOM_", "VIDEO_PROVIDER")


# --- providers -----------------------------------------------------------------------------------------


def provider(name: str) -> VideoProvider:
    """The configured adapter, cached per thread so Zoom's access token is reused between jobs."""
    config = current_app.config
    key = (name, tuple(sorted((k, str(v)) for k, v in config.items() if k.startswith(_CONFIG_PREFIXES))))
    local = current_app.extensions.setdefault("video_providers", threading.local())
    cache: dict[tuple[Any, ...], VideoProvider] = local.__dict__.setdefault("cache", {})
    if key not in cache:
        cache.clear()  # the configuration changed: forget adapters built from the old one
        cache[key] = build_provider(name, config)
    return cache[key]


def error_kind(error: ProviderError) -> str:
    if isinstance(error, ConfigurationError):
        return ErrorKind.CONFIGURATION
    return ErrorKind.TRANSIENT if error.retryable else ErrorKind.PROVIDER


def set_error(room: VideoRoom, key: str, params: dict[str, str] | None, kind: str) -> None:
    room.last_error = key[:300]
    room.last_error_params = dict(params or {}) or None
    room.last_error_kind = kind


def clear_error(room: VideoRoom) -> None:
    room.last_error = room.last_error_params = room.last_error_kind = None


# --- what we ask the provider for ----------------------------------------------------------------------


def _recurrence(series: Series) -> Recurrence | None:
    try:
        rule = recurrence.from_rrule(series.rrule, series.local_start, series.timezone)
    except recurrence.RecurrenceError:
        raise ProviderError(messages.UNSUPPORTED_RULE) from None
    if rule.freq == "once":
        return None
    until_utc = None
    if rule.until is not None:
        until_utc = recurrence.local_to_utc(datetime.combine(rule.until, series.local_start.time()), series.timezone)
    by_weekday = rule.freq == "monthly" and rule.monthly_mode == "weekday"
    return Recurrence(
        freq=rule.freq,
        interval=rule.interval,
        weekdays=rule.weekdays if rule.freq == "weekly" else (),
        monthly_day=rule.monthly_day if rule.freq == "monthly" and not by_weekday else None,
        monthly_nth=rule.monthly_nth if by_weekday else None,
        monthly_weekday=rule.monthly_weekday if by_weekday else None,
        count=rule.count,
        until_utc=until_utc,
    )


def _only_occurrence(series: Series) -> Occurrence | None:
    return db.session.scalar(
        sa.select(Occurrence).where(Occurrence.series_id == series.id).order_by(Occurrence.original_start).limit(1)
    )


def _topic_and_agenda(series: Series) -> tuple[str, str]:
    """Webinars are public events and keep their title. Discreet groups get a neutral topic and no agenda,
    because Zoom shows both in hosts' calendars and on the waiting screen."""
    if series.kind == SeriesKind.WEBINAR or not series.group.discreet:
        return series.title, series.description[:2000]
    with force_locale(series.language):
        return _("Online meeting"), ""


def room_request(series: Series) -> RoomRequest:
    rec = _recurrence(series)
    local_start, minutes = series.local_start, series.duration_minutes
    if rec is None:  # a one-off follows its single session wherever it was moved
        only = _only_occurrence(series)
        if only is not None:
            local_start = recurrence.utc_to_local(only.start, series.timezone)
            minutes = max(1, int((only.end - only.start).total_seconds() // 60))
    host_email = series.host.email if series.host else current_app.config.get("ZOOM_DEFAULT_HOST_EMAIL")
    alternatives: tuple[str, ...] = ()
    if current_app.config.get("ZOOM_BACKUP_HOST_AS_ALTERNATIVE") and series.backup_host is not None:
        alternatives = (series.backup_host.email,)
    webinar = series.kind == SeriesKind.WEBINAR
    topic, agenda = _topic_and_agenda(series)
    return RoomRequest(
        meeting_ref=f"series-{series.id}",
        kind="webinar" if webinar else "meeting",
        topic=topic,
        agenda=agenda,
        tz=series.timezone,
        local_start=local_start,
        duration_minutes=minutes,
        recurrence=rec,
        host_email=host_email or None,
        alternative_hosts=alternatives,
        panelists=tuple((s.name, s.email) for s in series.speakers if s.email) if webinar else (),
        join_url=series.video_custom_url,
    )


def fingerprint(req: RoomRequest) -> str:
    data = asdict(replace(req, meeting_ref="", creation_ref=None))
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:32]


def room_value(room: VideoRoom) -> Room:
    """The adapters' value object for a stored room."""
    return Room(
        provider=room.provider,
        external_id=room.external_id,
        join_url=room.join_url or "",
        host_url_hint=room.host_url_hint,
        passcode=room.passcode,
        extra=dict(room.extra or {}),
        note=room.note,
    )


def store_room(row: VideoRoom, value: Room) -> None:
    row.external_id = value.external_id
    row.join_url = value.join_url or None
    row.passcode = value.passcode
    row.host_url_hint = value.host_url_hint
    row.note = value.note
    row.extra = dict(value.extra)


def retire_entry(value: Room) -> dict[str, Any]:
    """How a provider room to delete is queued in sync_state["retire"] (the worker deletes it)."""
    return {"provider": value.provider, "external_id": value.external_id, "extra": dict(value.extra)}


def forget_room(row: VideoRoom) -> None:
    row.external_id = row.join_url = row.passcode = row.host_url_hint = row.note = None
    row.extra = {}
    row.sync_state = {k: v for k, v in (row.sync_state or {}).items() if k == "retire"}


# --- recording wishes ----------------------------------------------------------------------------------


def room_for(series: Series) -> VideoRoom | None:
    if series.id is None:
        return None
    return db.session.scalar(sa.select(VideoRoom).where(VideoRoom.series_id == series.id))


def _retire_old_room(room: VideoRoom) -> None:
    """The organizer switched providers: the old Zoom meeting must go, the new room starts empty."""
    if room.provider in NETWORK_PROVIDERS and room.external_id:
        entry = retire_entry(room_value(room))
        room.sync_state = {**(room.sync_state or {}), "retire": [*(room.sync_state or {}).get("retire", []), entry]}
    forget_room(room)


def _make_local_room(room: VideoRoom, series: Series) -> None:
    """Providers whose rooms need no network: done now, in the caller's transaction."""
    name = series.video_provider
    if series.status == SeriesStatus.CANCELLED:
        room.status = RoomStatus.DELETED
        return
    if name == "custom":
        room.join_url = series.video_custom_url or None
        room.status = RoomStatus.READY if room.join_url else RoomStatus.PENDING
        return
    if name == "none":
        room.status = RoomStatus.READY
        return
    if room.external_id:  # a Jitsi room keeps its name when the meeting moves: people already hold the link
        room.status = RoomStatus.READY
        return
    try:
        value = provider(name).create(room_request(series))
    except ProviderError as error:
        room.status = RoomStatus.FAILED
        set_error(room, error.user_message_key, error.params, error_kind(error))
        log.warning("video room %s failed provider=%s kind=%s", room.id, name, room.last_error_kind)
        return
    store_room(room, value)
    room.status = RoomStatus.READY


def request_sync(series: Series, reason: str, occurrence: Occurrence | None = None) -> VideoRoom:
    """Records that `series`' room must follow the meeting (created, updated, moved, cancelled, split…).

    Called inside the caller's transaction; flushes, never commits, never calls a provider over the network.
    `occurrence` names the session a move or cancellation was about (for the log: the worker compares the
    whole schedule with what the provider last received, so no wish is lost or applied twice).
    """
    room = room_for(series)
    if room is None:
        room = VideoRoom(series_id=series.id, provider=series.video_provider, extra={}, sync_state={}, revision=0)
        db.session.add(room)
    elif room.provider != series.video_provider:
        _retire_old_room(room)
        room.provider = series.video_provider
    if room.last_error_kind == ErrorKind.CHANGED:  # saving here after a change in Zoom puts our schedule back
        room.sync_state = {k: v for k, v in (room.sync_state or {}).items() if k not in ("fp", "changed_in_zoom")}
    clear_error(room)
    room.attempts = 0
    now = clock.now()
    state = room.sync_state or {}
    retiring = bool(state.get("retire") or state.get(CREATING))  # a create's answer may be lost: look for it
    if series.video_provider in NETWORK_PROVIDERS:
        cancelled = series.status == SeriesStatus.CANCELLED
        if cancelled and not room.external_id:
            room.status, room.action = RoomStatus.DELETED, None
            room.next_attempt_at = now if retiring else None
        else:
            room.action = (
                RoomAction.DELETE if cancelled else RoomAction.UPDATE if room.external_id else RoomAction.CREATE
            )
            room.status = RoomStatus.READY if room.join_url else RoomStatus.PENDING
            room.next_attempt_at = now
    else:
        _make_local_room(room, series)
        room.action = None
        room.next_attempt_at = now if retiring else None
    # An SQL increment, so two requests saving at once both count and the worker sees it changed.
    room.revision = VideoRoom.revision + 1 if room.id is not None else 1  # type: ignore[assignment]
    db.session.flush()
    log.info(
        "video room %s sync requested reason=%s provider=%s occurrence=%s",
        room.id,
        reason,
        room.provider,
        occurrence.id if occurrence is not None else None,
    )
    return room


def retry_room(series: Series) -> VideoRoom:
    """The organizer's Retry (or "Send to Zoom again"): try now, and push the whole meeting again."""
    room = room_for(series)
    if room is not None and room.sync_state:
        room.sync_state = {k: v for k, v in room.sync_state.items() if k not in ("fp", "changed_in_zoom")}
    return request_sync(series, "retry")


# --- links ---------------------------------------------------------------------------------------------


def _usable_room(series: Series, occurrence: Occurrence | None) -> VideoRoom | None:
    if series.status == SeriesStatus.CANCELLED or (occurrence is not None and occurrence.is_cancelled):
        return None
    room = room_for(series)
    if room is None or room.provider != series.video_provider or not room.has_link:
        return None
    return room


def join_url_for(
    series: Series,
    occurrence: Occurrence | None,
    display_name: str,
    participant_ref: str,
    is_host: bool = False,
    not_before: datetime | None = None,
    expires: datetime | None = None,
) -> str | None:
    """The link to send a person to right now, or None while the room is not ready (show "being prepared").

    For self-hosted Jitsi and JaaS a token is minted now, bound to the room, for `display_name` (use the
    participant's pseudonym) and `participant_ref` (an opaque id, never an email); it is valid from
    `not_before` (default: a minute ago) until `expires` (default: VIDEO_TOKEN_GRACE_MINUTES after the
    session ends, and at least ten minutes from now). Do not store or log the result.
    """
    room = _usable_room(series, occurrence)
    if room is None:
        return None
    if room.provider in ("custom", "zoom"):
        return room.join_url
    now = clock.now()
    if expires is None and room.provider in TOKEN_PROVIDERS:
        grace = timedelta(minutes=int(current_app.config["VIDEO_TOKEN_GRACE_MINUTES"]))
        session_end = occurrence.end if occurrence is not None else now
        expires = max(session_end + grace, now + timedelta(minutes=10))
    if not_before is None and room.provider in TOKEN_PROVIDERS:
        not_before = now - timedelta(minutes=1)
    join = JoinRequest(
        room=room_value(room),
        display_name=display_name,
        user_id=participant_ref,
        is_host=is_host,
        not_before=not_before,
        expires=expires,
    )
    try:
        return provider(room.provider).join_url(join)
    except (ProviderError, ValueError) as error:
        log.warning("video join link unavailable room=%s reason=%s", room.id, type(error).__name__)
        return None


@dataclass(frozen=True)
class HostEntry:
    provider: str
    room: Room
    join: JoinRequest | None  # for Jitsi-style providers: the host's own (moderator) link


def host_entry(series: Series, user: User) -> HostEntry | None:
    """What the "Start meeting" button needs, read from the database (no network)."""
    room = _usable_room(series, None)
    if room is None or room.provider == "none":
        return None
    join = None
    if room.provider in JITSI_PROVIDERS:
        now = clock.now()
        join = JoinRequest(
            room=room_value(room),
            display_name=user.name,
            user_id=f"staff-{user.id}",
            is_host=True,
            not_before=now - timedelta(minutes=1),
            expires=now + timedelta(hours=4),
        )
    return HostEntry(provider=room.provider, room=room_value(room), join=join)


def open_host_entry(entry: HostEntry) -> str:
    """The host's link. For Zoom this fetches a fresh start_url (it carries the host's key and expires):
    redirect to it at once; never store, log or email it. Call it outside any database transaction."""
    if entry.provider == "custom":
        return entry.room.join_url
    adapter = provider(entry.provider)
    if entry.join is not None:
        return adapter.join_url(entry.join)
    return adapter.host_start_url(entry.room)


def follow_change(change: Change) -> None:
    """Every change of a meeting (`meetings.changes`) is a wish for its video room."""
    request_sync(change.series, change.reason, change.occurrence)
