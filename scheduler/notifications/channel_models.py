"""A person's other channels: a verified phone number (WhatsApp, SMS) or Telegram chat, one row per channel.

The address is stored only once verified and only while the person has upcoming sessions (`contacts.drop_idle`);
it is erased with the person (the participant_id foreign key) and never shown to staff. Codes and Telegram start
tokens are stored as keyed hashes only.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from scheduler import clock
from scheduler.db import UTCDateTime, one_of
from scheduler.extensions import db


class ChannelName(StrEnum):
    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"
    SMS = "sms"


class ContactStatus(StrEnum):
    PENDING = "pending"  # a code was sent / a start link was shown; nothing else is sent
    VERIFIED = "verified"


class ChannelContact(db.Model):
    __tablename__ = "channel_contacts"
    __table_args__ = (
        sa.UniqueConstraint("participant_id", "channel"),
        one_of("channel", ChannelName),
        one_of("status", ContactStatus),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    participant_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    channel: so.Mapped[str] = so.mapped_column(sa.String(12))
    status: so.Mapped[str] = so.mapped_column(sa.String(12), default=ContactStatus.PENDING)
    address: so.Mapped[str | None] = so.mapped_column(sa.String(32), index=True)  # E.164 number or chat id
    secret_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64), index=True)  # code or start token
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    expires_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    instead_of_email: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=clock.now)
    verified_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())


class ChannelCursor(db.Model):
    """Where polling left off (Telegram getUpdates offset)."""

    __tablename__ = "channel_cursors"

    name: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    value: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)


class StaffChannelContact(db.Model):
    """A staff member's own Telegram chat or verified number, for "send me a test message" (admins and organizers
    only). Kept until they disconnect it (or the account goes); shown to them by its last three digits only."""

    __tablename__ = "staff_channel_contacts"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "channel"),
        one_of("channel", ChannelName),
        one_of("status", ContactStatus),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    channel: so.Mapped[str] = so.mapped_column(sa.String(12))
    status: so.Mapped[str] = so.mapped_column(sa.String(12), default=ContactStatus.PENDING)
    address: so.Mapped[str | None] = so.mapped_column(sa.String(32), index=True)
    secret_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64), index=True)
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    expires_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=clock.now)
    verified_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
