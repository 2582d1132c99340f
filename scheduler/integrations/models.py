"""One video room per meeting series, and what the worker still has to do to keep it in step."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from scheduler import clock
from scheduler.db import UTCDateTime, one_of
from scheduler.extensions import db
from scheduler.meetings.models import Series


class RoomStatus(StrEnum):
    PENDING = "pending"  # no usable link yet; the worker is on it
    READY = "ready"  # the link works (a queued change may still be on its way)
    FAILED = "failed"  # the last wish could not be carried out; last_error says why
    DELETED = "deleted"  # the meeting was cancelled and its room removed


class RoomAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class ErrorKind(StrEnum):
    CONFIGURATION = "configuration"  # an administrator must fix a setting or a licence
    PROVIDER = "provider"  # the provider refused this meeting
    TRANSIENT = "transient"  # outage or rate limit; retried automatically
    CHANGED = "changed"  # someone changed the meeting in the provider's own website


class VideoRoom(db.Model):
    """The provider's room for a series. `revision` counts wishes; the worker records which one it carried out.

    Never stores a Zoom start_url, an access token or a JWT: those are fetched or minted when needed.
    """

    __tablename__ = "video_rooms"
    __table_args__ = (sa.Index("ix_video_rooms_due", "next_attempt_at"), one_of("status", RoomStatus))

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    series_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("series.id", ondelete="CASCADE"), unique=True)
    provider: so.Mapped[str] = so.mapped_column(sa.String(20))
    external_id: so.Mapped[str | None] = so.mapped_column(sa.String(64), index=True)
    join_url: so.Mapped[str | None] = so.mapped_column(sa.String(1000))
    passcode: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    host_url_hint: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    note: so.Mapped[str | None] = so.mapped_column(sa.String(300))  # English message key from the adapter
    extra: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)  # the adapter's Room.extra
    # Ours: fingerprint of the last pushed request, pushed state of Zoom occurrences, rooms to retire.
    sync_state: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    status: so.Mapped[str] = so.mapped_column(sa.String(12), default=RoomStatus.PENDING)
    action: so.Mapped[str | None] = so.mapped_column(sa.String(12))
    revision: so.Mapped[int] = so.mapped_column(default=0)
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    next_attempt_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    locked_until: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    lock_token: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    last_error: so.Mapped[str | None] = so.mapped_column(sa.String(300))  # English message key, never a secret
    last_error_params: so.Mapped[dict[str, str] | None] = so.mapped_column(sa.JSON)
    last_error_kind: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    last_synced_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=clock.now)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    series: so.Mapped[Series] = so.relationship()

    @property
    def has_link(self) -> bool:
        return bool(self.join_url) and self.status != RoomStatus.DELETED

    def __repr__(self) -> str:
        return f"<VideoRoom {self.id} series={self.series_id} {self.provider} {self.status}>"
