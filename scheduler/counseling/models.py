"""Attendance per person and session, who confirmed they will host a session, and a participant's opt-in to see
their own attendance streak.

Attendance rows name a participant by id only; erasing the participant deletes them (privacy.erase does it
explicitly, PostgreSQL's foreign keys cascade too), so the evaluation only ever counts people who are still here.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from scheduler import clock
from scheduler.db import UTCDateTime, one_of
from scheduler.extensions import db


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


class Attendance(db.Model):
    __tablename__ = "attendance"
    __table_args__ = (sa.UniqueConstraint("occurrence_id", "participant_id"), one_of("status", AttendanceStatus))

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    occurrence_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("occurrences.id", ondelete="CASCADE"))
    participant_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(10))
    marked_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    marked_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=clock.now)

    def __repr__(self) -> str:
        return f"<Attendance {self.occurrence_id} {self.status}>"


class SessionHosting(db.Model):
    """One row per session once someone confirmed hosting it or the worker claimed its missing-host alert."""

    __tablename__ = "session_hosting"

    occurrence_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("occurrences.id", ondelete="CASCADE"), primary_key=True
    )
    confirmed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    # Set once, by the one worker whose conditional UPDATE wins: the alert is never sent twice.
    alerted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())


class StreakOptIn(db.Model):
    """The participant chose to see their own attendance streak on their personal page."""

    __tablename__ = "streak_opt_ins"

    participant_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=clock.now)
