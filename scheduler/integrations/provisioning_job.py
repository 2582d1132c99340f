"""The worker job that creates, updates and deletes provider rooms (Zoom) with retries and backoff.

Safe with several workers on several machines: a room is claimed with one conditional UPDATE (due, not
leased) and a lease; the claim and a snapshot of what is wanted are committed before any HTTP call; the
result is recorded in a new transaction. The worker compares the whole wanted state with what the provider
last received (a fingerprint of the request and the pushed state of each Zoom occurrence), so a wish made
while a call was in flight is picked up by the next pass and nothing is applied twice.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from scheduler import clock
from scheduler.backoff import delay
from scheduler.extensions import db
from scheduler.integrations import messages
from scheduler.integrations.base import ProviderError, RateLimited
from scheduler.integrations.models import ErrorKind, RoomStatus, VideoRoom
from scheduler.integrations.provisioning import (
    CREATING,
    CREATION_REF,
    NETWORK_PROVIDERS,
    clear_error,
    error_kind,
    fingerprint,
    forget_room,
    request_sync,
    retire_entry,
    room_request,
    room_value,
    set_error,
    store_room,
)
from scheduler.integrations.room_calls import Outcome, Session, Work, execute, iso_utc
from scheduler.meetings import recurrence
from scheduler.meetings.models import Occurrence, Series, SeriesStatus

log = logging.getLogger(__name__)


# --- claim ---------------------------------------------------------------------------------------------


def _claim(room_id: int, now: datetime) -> str | None:
    token = secrets.token_hex(8)
    lease = timedelta(seconds=int(current_app.config["ROOM_PROVISION_LEASE_SECONDS"]))
    result = db.session.execute(
        sa.update(VideoRoom)
        .where(
            VideoRoom.id == room_id,
            VideoRoom.next_attempt_at.is_not(None),
            VideoRoom.next_attempt_at <= now,
            sa.or_(VideoRoom.locked_until.is_(None), VideoRoom.locked_until < now),
        )
        .values(locked_until=now + lease, lock_token=token)
        .execution_options(synchronize_session=False)
    )
    return token if result.rowcount == 1 else None  # type: ignore[attr-defined]


def _sessions(room: VideoRoom, now: datetime) -> tuple[Session, ...]:
    series = room.series
    if series.rrule is None:
        return ()
    rows = db.session.scalars(
        sa.select(Occurrence)
        .where(Occurrence.series_id == series.id, Occurrence.end > now)
        .order_by(Occurrence.original_start)
    ).all()
    return tuple(
        Session(
            key=iso_utc(row.original_start),
            start=iso_utc(row.start),
            local_start=recurrence.utc_to_local(row.start, series.timezone),
            minutes=max(1, int((row.end - row.start).total_seconds() // 60)),
            cancelled=row.is_cancelled,
        )
        for row in rows
    )


def _wanted(room: VideoRoom) -> bool:
    series = room.series
    if series.status == SeriesStatus.CANCELLED:
        return False
    if series.rrule is None:  # a one-off whose only session is cancelled needs no room
        first = db.session.scalar(
            sa.select(Occurrence).where(Occurrence.series_id == series.id).order_by(Occurrence.original_start)
        )
        return first is None or not first.is_cancelled
    return True


def _snapshot(room_id: int, token: str, now: datetime) -> Work:
    room = db.session.get(VideoRoom, room_id, populate_existing=True)
    assert room is not None  # noqa: S101 - we just claimed it
    revision = room.revision  # read before the series: a change committed after this shows up next pass
    state = dict(room.sync_state or {})
    name = room.provider
    want = name in NETWORK_PROVIDERS and _wanted(room)
    recover = bool(state.get(CREATING))  # an earlier create's outcome is unknown
    find_lost = name in NETWORK_PROVIDERS and not want and recover and room.external_id is None
    request = room_request(room.series) if want or find_lost else None
    if request is not None:
        ref = state.get(CREATION_REF) or secrets.token_hex(6)
        request = replace(request, creation_ref=ref)
        intent = want and room.external_id is None
        if ref != state.get(CREATION_REF) or (intent and not recover):  # committed with the claim
            room.sync_state = {**state, CREATION_REF: ref} | ({CREATING: True} if intent else {})
    return Work(
        room_id=room_id,
        token=token,
        revision=revision,
        provider=name,
        current=room_value(room) if room.external_id else None,
        want=want,
        request=request,
        fingerprint=fingerprint(request) if want and request is not None else None,
        pushed_fingerprint=state.get("fp"),
        pushed={k: dict(v) for k, v in (state.get("occ") or {}).items()},
        sessions=_sessions(room, now) if want else (),
        retire=tuple(state.get("retire") or ()),
        recover=recover,
    )


# --- recording the result ------------------------------------------------------------------------------


def _retry_at(room: VideoRoom, error: ProviderError, now: datetime) -> datetime:
    config = current_app.config
    backoff = now + delay(
        room.attempts, base=config["ROOM_PROVISION_BACKOFF_SECONDS"], cap=config["ROOM_PROVISION_BACKOFF_CAP_SECONDS"]
    )
    if error.retry_at is not None and error.retry_at > now:
        return error.retry_at
    return backoff


def _record_error(room: VideoRoom, error: ProviderError, now: datetime) -> None:
    set_error(room, error.user_message_key, error.params, error_kind(error))
    if error.retryable:
        if not isinstance(error, RateLimited):  # waiting for Zoom's limits is not a failed attempt
            room.attempts += 1
        if room.attempts < int(current_app.config["ROOM_PROVISION_MAX_ATTEMPTS"]):
            room.next_attempt_at = _retry_at(room, error, now)
            if room.status == RoomStatus.FAILED:
                room.status = RoomStatus.READY if room.join_url else RoomStatus.PENDING
            return
        set_error(room, messages.GAVE_UP, None, ErrorKind.TRANSIENT)
    room.status = RoomStatus.FAILED
    room.next_attempt_at = None


def _apply_room(room: VideoRoom, work: Work, out: Outcome) -> None:
    """Store what the provider returned, unless the row moved on meanwhile (provider switched, or a lease
    was lost and another worker recorded a room): then the room we made is queued for deletion."""
    state = dict(room.sync_state or {})
    same_room = room.provider == work.provider and (
        room.external_id in (None, work.current.external_id if work.current else None)
        or (out.room is not None and out.room.external_id == room.external_id)  # adopted by two workers
    )
    if out.room is not None and not same_room:
        if out.created:
            state["retire"] = [*state.get("retire", []), retire_entry(out.room)]
            room.sync_state = state
            log.warning("video room %s: a room made meanwhile is retired (duplicate)", room.id)
        return
    if out.deleted and same_room:
        forget_room(room)
        state = dict(room.sync_state or {})
    elif out.room is not None:
        store_room(room, out.room)
    if same_room and not out.deleted:
        state["fp"], state["occ"] = out.fingerprint, out.pushed
    room.sync_state = state


def _settle_creation(room: VideoRoom, out: Outcome) -> None:
    """The create intent stays until a room is recorded; a create that failed (its outcome unknown) sets it."""
    state = dict(room.sync_state or {})
    if room.external_id is not None or out.deleted:
        state.pop(CREATING, None)
    elif out.create_tried:
        state[CREATING] = True
    if state != (room.sync_state or {}):
        room.sync_state = state


def _record(work: Work, out: Outcome, now: datetime) -> None:
    room = db.session.get(VideoRoom, work.room_id, with_for_update=True, populate_existing=True)
    if room is None:
        return
    if room.lock_token != work.token:
        log.warning("video room %s: lease expired during the call; recording the result anyway", room.id)
    _apply_room(room, work, out)
    remaining = [e for e in (room.sync_state or {}).get("retire", []) if e in out.retire or e not in work.retire]
    remaining += [e for e in out.orphans if e["external_id"] != room.external_id and e not in remaining]
    _settle_creation(room, out)
    room.sync_state = {**(room.sync_state or {}), "retire": remaining}
    if not remaining:
        room.sync_state = {k: v for k, v in room.sync_state.items() if k != "retire"}
    if out.wrote:
        room.last_synced_at = now
    room.locked_until = room.lock_token = None
    if out.error is not None and room.revision != work.revision:
        set_error(room, out.error.user_message_key, out.error.params, error_kind(out.error))
        room.next_attempt_at = now  # the organizer changed the meeting meanwhile: try the new wish at once
        return
    if out.error is not None:
        _record_error(room, out.error, now)
        log.info(
            "video room %s attempt failed kind=%s status=%s code=%s",
            room.id,
            room.last_error_kind,
            out.error.status,
            out.error.code,
        )
        return
    room.attempts = 0
    if room.provider == work.provider and work.provider in NETWORK_PROVIDERS:
        if room.join_url:
            room.status = RoomStatus.READY
        elif not work.want:
            room.status = RoomStatus.DELETED
    if room.revision != work.revision or remaining:
        room.next_attempt_at = now  # something changed while we were calling: another pass
        return
    clear_error(room)
    room.next_attempt_at = None
    room.action = None
    log.info("video room %s in step provider=%s status=%s", room.id, room.provider, room.status)


# --- the job -------------------------------------------------------------------------------------------


def provision_one(room_id: int) -> bool:
    """Claim, call, record. Returns False when another worker had it or it was not due."""
    now = clock.now()
    token = _claim(room_id, now)
    if token is None:
        db.session.rollback()
        return False
    try:
        work = _snapshot(room_id, token, now)
    except ProviderError as error:  # e.g. a repeat rule Zoom cannot hold: nothing to call
        db.session.rollback()  # (which also drops the claim)
        room = db.session.get(VideoRoom, room_id, with_for_update=True)
        if room is not None:
            _record_error(room, error, now)
        db.session.commit()
        return True
    db.session.commit()  # the claim is visible to other workers, and no transaction stays open during HTTP
    outcome = execute(work)
    _record(work, outcome, clock.now())
    db.session.commit()
    return True


def backfill_missing_rooms(limit: int) -> int:
    """Meetings saved before video rooms existed get theirs (at most `limit` per run). Two workers racing
    on the same meeting meet the unique series_id: the loser rolls back and moves on."""
    upcoming = sa.exists().where(Occurrence.series_id == Series.id, Occurrence.end > clock.now())
    missing = db.session.scalars(
        sa.select(Series)
        .outerjoin(VideoRoom, VideoRoom.series_id == Series.id)
        .where(VideoRoom.id.is_(None), Series.status != SeriesStatus.CANCELLED, upcoming)
        .order_by(Series.id)
        .limit(limit)
    ).all()
    made = 0
    for series in missing:
        try:
            request_sync(series, "backfill")
            db.session.commit()
            made += 1
        except IntegrityError:
            db.session.rollback()
    return made


def provision_due_rooms() -> int:
    """The worker job: carry out every due room wish (up to ROOM_PROVISION_BATCH). Returns how many it handled."""
    batch = int(current_app.config["ROOM_PROVISION_BATCH"])
    backfilled = backfill_missing_rooms(batch)
    now = clock.now()
    due = db.session.scalars(
        sa.select(VideoRoom.id)
        .where(
            VideoRoom.next_attempt_at.is_not(None),
            VideoRoom.next_attempt_at <= now,
            sa.or_(VideoRoom.locked_until.is_(None), VideoRoom.locked_until < now),
        )
        .order_by(VideoRoom.next_attempt_at)
        .limit(batch)
    ).all()
    db.session.rollback()
    done = 0
    for room_id in due:
        try:
            done += provision_one(room_id)
        except Exception:
            db.session.rollback()
            log.exception("video room %s: provisioning crashed; the lease lets another attempt happen", room_id)
    return done + backfilled
