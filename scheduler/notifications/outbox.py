"""The one seam through which every part of the app sends email: `enqueue(OutgoingEmail)`.

Callers render the message (in the recipient's language) and call enqueue() inside the transaction
that makes the change; the worker sends committed rows. Nothing here talks to SMTP.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from scheduler import clock
from scheduler.extensions import db
from scheduler.notifications.models import OutboxMessage, OutboxStatus
from scheduler.rows import insert_ignore


@dataclass(frozen=True)
class OutgoingEmail:
    kind: str  # e.g. "rsvp_confirm", "invite", "reminder", "cancel"
    dedupe_key: str  # unique per (kind, series/occurrence, offset, recipient, sequence)
    recipient_email: str
    subject: str
    body_text: str
    body_html: str | None = None
    recipient_name: str = ""
    sender_name: str = ""
    language: str = "en"
    calendar: str | None = None
    calendar_method: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    send_after: datetime | None = None
    group_id: int | None = None
    series_id: int | None = None
    occurrence_id: int | None = None
    participant_id: int | None = None
    channel: str = "email"  # another channel: the address is the person's verified contact, found when sending


# How long a consequential message (a decline, a cancelled session) is held before it goes out, so the staff
# member can take the action back and nobody is told anything.
UNDO_WINDOW = timedelta(minutes=10)

Recheck = Callable[[list[OutboxMessage]], set[int]]
Render = Callable[[OutboxMessage], OutgoingEmail | None]
RECHECKS: dict[str, Recheck] = {}
RENDERERS: dict[str, Render] = {}


def declare(kind: str, *, recheck: Recheck | None = None, render: Render | None = None) -> None:
    """A kind of message that may be unwanted by the time it is sent (a reminder for a session that moved):
    `recheck(rows)` returns the ids of the rows still wanted, asked by the email job right before sending.
    `render(row)`: the message of a row queued with `enqueue_unrendered` (None: no longer wanted)."""
    if recheck is not None:
        RECHECKS[kind] = recheck
    if render is not None:
        RENDERERS[kind] = render


def enqueue_unrendered(
    kind: str, dedupe_key: str, recipient_email: str, args: dict[str, Any], *, participant_id: int | None = None
) -> bool:
    """Queue a message the email job renders (one INSERT, nothing rendered in the request): `args` are the ids
    (and the one-time link secret, which the rendered body would carry anyway) its renderer needs. False if a
    message with this key was queued before."""
    now = clock.now()
    row_id = insert_ignore(
        OutboxMessage,
        {
            "dedupe_key": dedupe_key,
            "message_id": message_id_for(dedupe_key),
            "kind": kind,
            "recipient_email": recipient_email,
            "subject": "",
            "body_text": "",
            "headers": {},
            "render_args": args,
            "status": OutboxStatus.PENDING,
            "send_after": now,
            "attempts": 0,
            "participant_id": participant_id,
            "created_at": now,
        },
        ["dedupe_key"],
    )
    return row_id is not None


def render_pending(rows: list[OutboxMessage]) -> list[OutboxMessage]:
    """Render the rows queued unrendered (in the email job, right before sending); the others as they are.
    A row whose renderer no longer wants it is withdrawn. The link secret leaves `render_args` once rendered."""
    ready = []
    for row in rows:
        if row.render_args is None:
            ready.append(row)
            continue
        render = RENDERERS.get(row.kind)
        email = render(row) if render is not None else None
        if email is None:
            row.status, row.render_args, row.last_error = OutboxStatus.CANCELLED, None, "withdrawn: no longer due"
            continue
        for name in ("recipient_email", "recipient_name", "sender_name", "language", "subject", "body_text"):
            setattr(row, name, getattr(email, name))
        row.body_html, row.calendar, row.calendar_method = email.body_html, email.calendar, email.calendar_method
        row.headers, row.group_id, row.series_id = dict(email.headers), email.group_id, email.series_id
        row.occurrence_id, row.render_args = email.occurrence_id, None
        ready.append(row)
    return ready


def still_wanted(rows: list[OutboxMessage]) -> set[int]:
    """The ids of the rows that are still wanted: each kind re-checks its rows (one batch per kind)."""
    wanted = {row.id for row in rows if row.kind not in RECHECKS}
    for kind, recheck in RECHECKS.items():
        batch = [row for row in rows if row.kind == kind]
        if batch:
            wanted |= recheck(batch)
    return wanted


def message_id_for(dedupe_key: str) -> str:
    """A deterministic Message-ID, so a duplicate delivery can be recognised downstream."""
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:32]
    domain = current_app.config.get("MAIL_MESSAGE_ID_DOMAIN") or "scheduler.invalid"
    return f"<{digest}@{domain}>"


def is_queued(dedupe_key: str) -> bool:
    """Whether a message with this key was queued before (checked before minting links or rendering)."""
    return db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)) is not None


def enqueue(email: OutgoingEmail) -> OutboxMessage | None:
    """Queue an email unless one with the same dedupe key exists (also one queued at the same moment by another
    transaction). Returns the row, or None if it was a duplicate."""
    row_id = insert_ignore(
        OutboxMessage,
        {
            "dedupe_key": email.dedupe_key,
            "message_id": message_id_for(email.dedupe_key),
            "kind": email.kind,
            "recipient_email": email.recipient_email,
            "recipient_name": email.recipient_name,
            "sender_name": email.sender_name,
            "language": email.language,
            "subject": email.subject,
            "body_text": email.body_text,
            "body_html": email.body_html,
            "calendar": email.calendar,
            "calendar_method": email.calendar_method,
            "headers": dict(email.headers),
            "status": OutboxStatus.PENDING,
            "send_after": email.send_after or clock.now(),
            "attempts": 0,
            "group_id": email.group_id,
            "series_id": email.series_id,
            "occurrence_id": email.occurrence_id,
            "participant_id": email.participant_id,
            "channel": email.channel,
            "created_at": clock.now(),
        },
        ["dedupe_key"],
    )
    return None if row_id is None else db.session.get(OutboxMessage, row_id)


def cancel_pending(**filters: object) -> int:
    """Withdraw queued, unsent messages matching the filters (e.g. kind, occurrence_id, participant_id)."""
    query = sa.update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)
    for name, value in filters.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    result = db.session.execute(query.values(status=OutboxStatus.CANCELLED))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def forget(participant_id: int, email: str) -> None:
    """Erasing a person (`participants.privacy.erase`): every row about or to them goes, sent or not."""
    db.session.execute(
        sa.delete(OutboxMessage)
        .where(sa.or_(OutboxMessage.participant_id == participant_id, OutboxMessage.recipient_email == email))
        .execution_options(synchronize_session=False)
    )


def withdraw_held(dedupe_key: str) -> bool:
    """Withdraw a message that is still held back (queued with a later `send_after` that has not come yet):
    True if it was withdrawn, False if it is gone, sent or due (too late to take back)."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.dedupe_key == dedupe_key,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.send_after > clock.now(),
        )
        .values(status=OutboxStatus.CANCELLED)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def held_until(dedupe_key: str) -> datetime | None:
    """When a queued, unsent message is due (None if there is none)."""
    return db.session.scalar(
        sa.select(OutboxMessage.send_after).where(
            OutboxMessage.dedupe_key == dedupe_key, OutboxMessage.status == OutboxStatus.PENDING
        )
    )


def withdraw_held_messages(**filters: object) -> set[int]:
    """Withdraw every held message matching the filters (e.g. kind, occurrence_id) whose time has not come;
    returns the participant ids whose message was withdrawn, unsent."""
    query = sa.update(OutboxMessage).where(
        OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.send_after > clock.now()
    )
    for name, value in filters.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    rows = db.session.execute(query.values(status=OutboxStatus.CANCELLED).returning(OutboxMessage.participant_id))
    return {participant_id for (participant_id,) in rows if participant_id is not None}


def release_held(series_id: int) -> None:
    """A newer change to the meeting follows: the calendar updates held about it go out now, before the newer
    ones (calendars apply updates in SEQUENCE order), and can no longer be undone."""
    db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.series_id == series_id,
            OutboxMessage.calendar.is_not(None),
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.send_after > clock.now(),
        )
        .values(send_after=clock.now())
    )
