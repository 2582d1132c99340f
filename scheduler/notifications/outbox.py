"""The one seam through which every part of the app sends email: `enqueue(OutgoingEmail)`.

Callers render the message (in the recipient's language) and call enqueue() inside the transaction
that makes the change; the worker sends committed rows. Nothing here talks to SMTP.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app

from scheduler import clock
from scheduler.extensions import db
from scheduler.notifications.models import OutboxMessage, OutboxStatus


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


def to_participant(
    participant: Any, series: Any, *, occurrence: Any | None = None, sender_name: str, subject: str, **fields: Any
) -> OutgoingEmail:
    """An email to one participant about one meeting (and maybe one session), with the ids that let erasure,
    cancellation and the organizer's failure list find it later."""
    return OutgoingEmail(
        recipient_email=participant.email,
        recipient_name=participant.display_name,
        sender_name=sender_name[:120],
        subject=subject[:255],
        group_id=series.group_id,
        series_id=series.id,
        occurrence_id=occurrence.id if occurrence is not None else None,
        participant_id=participant.id,
        **fields,
    )


def message_id_for(dedupe_key: str) -> str:
    """A deterministic Message-ID, so a duplicate delivery can be recognised downstream."""
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:32]
    domain = current_app.config.get("MAIL_MESSAGE_ID_DOMAIN") or "scheduler.invalid"
    return f"<{digest}@{domain}>"


def enqueue(email: OutgoingEmail) -> OutboxMessage | None:
    """Queue an email unless one with the same dedupe key exists. Returns the row, or None if it was a duplicate."""
    existing = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.dedupe_key == email.dedupe_key))
    if existing is not None:
        return None
    row = OutboxMessage(
        dedupe_key=email.dedupe_key,
        message_id=message_id_for(email.dedupe_key),
        kind=email.kind,
        recipient_email=email.recipient_email,
        recipient_name=email.recipient_name,
        sender_name=email.sender_name,
        language=email.language,
        subject=email.subject,
        body_text=email.body_text,
        body_html=email.body_html,
        calendar=email.calendar,
        calendar_method=email.calendar_method,
        headers=dict(email.headers),
        status=OutboxStatus.PENDING,
        send_after=email.send_after or clock.now(),
        group_id=email.group_id,
        series_id=email.series_id,
        occurrence_id=email.occurrence_id,
        participant_id=email.participant_id,
    )
    db.session.add(row)
    db.session.flush()
    return row


def cancel_pending(**filters: object) -> int:
    """Withdraw queued, unsent messages matching the filters (e.g. kind, occurrence_id, participant_id)."""
    query = sa.update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)
    for name, value in filters.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    result = db.session.execute(query.values(status=OutboxStatus.CANCELLED))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
