"""The provider calls of one provisioning pass: value objects in, an Outcome out, no database access.

The worker (provisioning_job) claims a room and commits a snapshot (`Work`) before calling `execute`, and
records the `Outcome` in a new transaction, so no transaction is open while a provider is called.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from scheduler.integrations import messages
from scheduler.integrations.base import ProviderError, Room, RoomGone, RoomRequest, TransientError
from scheduler.integrations.provisioning import NETWORK_PROVIDERS, provider, retire_entry

log = logging.getLogger(__name__)


def iso_utc(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Session:
    """One future session of a recurring Zoom meeting, as we want it."""

    key: str  # its rule start (original_start), which is also Zoom's occurrence start
    start: str
    local_start: datetime
    minutes: int
    cancelled: bool


@dataclass(frozen=True)
class Work:
    room_id: int
    token: str
    revision: int
    provider: str
    current: Room | None
    want: bool
    request: RoomRequest | None
    fingerprint: str | None
    pushed_fingerprint: str | None
    pushed: dict[str, dict[str, Any]]
    sessions: tuple[Session, ...]
    retire: tuple[dict[str, Any], ...]
    recover: bool = False  # an earlier create may have succeeded unseen: look for it before creating


@dataclass
class Outcome:
    pushed: dict[str, dict[str, Any]]
    retire: list[dict[str, Any]]
    fingerprint: str | None
    room: Room | None = None  # set when the provider returned a new or changed room
    created: bool = False
    deleted: bool = False
    wrote: bool = False
    error: ProviderError | None = None
    create_tried: bool = False  # a create was sent (its outcome may be unknown if `error` is set)
    orphans: list[dict[str, Any]] = field(default_factory=list)  # duplicates found at the provider: retire them


def _pushed_from(room: Room, minutes: int, previous: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """What Zoom now holds per occurrence, keyed by the session's rule start. An occurrence Zoom kept from
    before (same occurrence_id) keeps its key even if it was moved."""
    key_of = {entry["zid"]: key for key, entry in previous.items()}
    return {
        key_of.get(zid, iso_utc(start)): {"zid": zid, "start": iso_utc(start), "minutes": minutes, "cancelled": False}
        for zid, start in room.occurrences
    }


def _create(work: Work, out: Outcome) -> Room:
    assert work.request is not None  # noqa: S101
    adapter: Any = provider(work.provider)
    out.create_tried = True
    if hasattr(adapter, "create_once"):  # Zoom: find what a create whose answer was lost made
        room, duplicates = adapter.create_once(work.request, recover=work.recover)
        out.orphans += [retire_entry(d) for d in duplicates]
    else:
        room = adapter.create(work.request)
    out.room, out.created, out.wrote = room, True, True
    out.fingerprint = work.fingerprint
    out.pushed = _pushed_from(room, work.request.duration_minutes, {})
    return room


def _sync_sessions(work: Work, room: Room, out: Outcome) -> Room:
    adapter: Any = provider(work.provider)
    assert work.request is not None  # noqa: S101
    for session in work.sessions:
        pushed = out.pushed.get(session.key)
        if pushed is None or pushed.get("cancelled"):
            continue  # not a Zoom occurrence (no fixed time, or beyond Zoom's 50), or already removed
        if session.cancelled:
            adapter.delete(room, occurrence_id=pushed["zid"])
            out.pushed[session.key] = {**pushed, "cancelled": True}
            out.wrote = True
        elif (session.start, session.minutes) != (pushed["start"], pushed["minutes"]):
            req = replace(work.request, local_start=session.local_start, duration_minutes=session.minutes)
            room = adapter.update(room, req, occurrence_id=pushed["zid"])
            out.room = room
            out.pushed[session.key] = {**pushed, "start": session.start, "minutes": session.minutes}
            out.wrote = True
    return room


def execute(work: Work) -> Outcome:
    """Carries out what `work` asks: retire old rooms, then create, update or delete the room and its sessions."""
    out = Outcome(pushed=dict(work.pushed), retire=list(work.retire), fingerprint=work.pushed_fingerprint)
    try:
        for entry in work.retire:
            old = Room(provider=entry["provider"], external_id=entry["external_id"], join_url="", extra=entry["extra"])
            provider(entry["provider"]).delete(old)
            out.retire.remove(entry)
            out.wrote = True
        if work.provider not in NETWORK_PROVIDERS:
            return out
        room = work.current
        if not work.want:
            if room is not None:
                provider(work.provider).delete(room)
                out.wrote = True
            elif work.recover and work.request is not None:  # a create whose answer was lost: find, retire
                adapter: Any = provider(work.provider)
                if hasattr(adapter, "find_created"):
                    out.orphans += [retire_entry(r) for r in adapter.find_created(work.request)]
            out.deleted = True
            return out
        assert work.request is not None  # noqa: S101
        if room is None:
            room = _create(work, out)
        elif work.fingerprint != work.pushed_fingerprint:
            try:
                room = provider(work.provider).update(room, work.request)
            except RoomGone:
                log.info("video room %s was gone at the provider; creating it again", work.room_id)
                room = _create(work, out)
            else:
                out.room, out.wrote, out.fingerprint = room, True, work.fingerprint
                out.pushed = _pushed_from(room, work.request.duration_minutes, out.pushed)
        if room.extra.get("panelists_pending") and work.request.panelists:
            zoom: Any = provider(work.provider)  # add_panelists is Zoom's own, beyond the protocol
            zoom.add_panelists(room, work.request.panelists)
            room = replace(room, extra={k: v for k, v in room.extra.items() if k != "panelists_pending"})
            out.room, out.wrote = room, True
        try:
            _sync_sessions(work, room, out)
        except RoomGone:
            log.info("video room %s was gone at the provider; creating it again", work.room_id)
            _sync_sessions(work, _create(work, out), out)
    except ProviderError as error:
        out.error = error
    except ValueError:  # a meeting the adapter cannot express (e.g. an unknown zone): not worth retrying
        log.warning("video room %s: the meeting could not be mapped for %s", work.room_id, work.provider)
        out.error = ProviderError(messages.INVALID_DETAILS)
    except Exception:  # a bug or an answer we did not expect: keep what was made, retry later
        log.exception("video room %s: unexpected failure while calling %s", work.room_id, work.provider)
        out.error = TransientError()
    return out
