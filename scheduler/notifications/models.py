"""The outbox: every email is a row written in the same transaction as the change that causes it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from scheduler import clock
from scheduler.db import UTCDateTime, one_of
from scheduler.extensions import db


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class OutboxChannel(StrEnum):
    """Which channel an outbox row goes out on."""

    EMAIL = "email"
    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"
    SMS = "sms"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        sa.Index("ix_outbox_messages_due", "status", "send_after"),
        one_of("status", OutboxStatus),
        one_of("channel", OutboxChannel),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # (kind, series/occurrence, offset, recipient, sequence): the same key is never queued twice.
    dedupe_key: so.Mapped[str] = so.mapped_column(sa.String(255), unique=True)
    message_id: so.Mapped[str] = so.mapped_column(sa.String(255))
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    recipient_email: so.Mapped[str] = so.mapped_column(sa.String(254))
    recipient_name: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    sender_name: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    language: so.Mapped[str] = so.mapped_column(sa.String(8), default="en")
    subject: so.Mapped[str] = so.mapped_column(sa.String(255))
    body_text: so.Mapped[str] = so.mapped_column(sa.Text)
    body_html: so.Mapped[str | None] = so.mapped_column(sa.Text)
    calendar: so.Mapped[str | None] = so.mapped_column(sa.Text)  # iCalendar text, when the email carries one
    calendar_method: so.Mapped[str | None] = so.mapped_column(sa.String(12))
    headers: so.Mapped[dict[str, str]] = so.mapped_column(sa.JSON, default=dict)
    # Set: the email job renders the message from these ids (`outbox.declare(render=...)`) before sending it,
    # then clears them; subject and bodies are empty until then.
    render_args: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    status: so.Mapped[str] = so.mapped_column(sa.String(12), default=OutboxStatus.PENDING)
    send_after: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=clock.now)
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    last_error: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    group_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("groups.id", ondelete="SET NULL"), index=True)
    series_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("series.id", ondelete="SET NULL"))
    occurrence_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("occurrences.id", ondelete="SET NULL"))
    # Who the message is about, so erasing a participant removes their queued mail too.
    participant_id: so.Mapped[int | None] = so.mapped_column(index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=clock.now)
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    # Email, or another channel (`channel_models.OutboxChannel`): then the address is looked up when sending.
    channel: so.Mapped[str] = so.mapped_column(sa.String(12), default="email", server_default="email")
    provider_ref: so.Mapped[str | None] = so.mapped_column(sa.String(80), index=True)  # the provider's message id
    # Set just before a channel message goes to the provider: a worker that dies then leaves it "in doubt".
    dispatched_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
