"""Groups, their meeting series, the speakers of webinars and the materialised occurrences."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from scheduler import clock
from scheduler.auth.models import User
from scheduler.db import UTCDateTime, one_of
from scheduler.extensions import db


class Topic(StrEnum):
    ADDICTION = "addiction"
    DEPRESSION = "depression"
    FAMILY = "family"
    OTHER = "other"


class Visibility(StrEnum):
    PUBLIC = "public"
    UNLISTED = "unlisted"


class MemberRole(StrEnum):
    ORGANIZER = "organizer"
    COUNSELOR = "counselor"


class SeriesKind(StrEnum):
    PEER_SUPPORT = "peer_support"
    THERAPIST_LED = "therapist_led"
    FAMILY = "family"
    WEBINAR = "webinar"


class SeriesStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Access(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class OccurrenceStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class SpeakerRole(StrEnum):
    MODERATOR = "moderator"
    SPEAKER = "speaker"


class Group(db.Model):
    __tablename__ = "groups"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    topic: so.Mapped[str] = so.mapped_column(sa.String(20), default=Topic.OTHER)
    timezone: so.Mapped[str] = so.mapped_column(sa.String(64))
    language: so.Mapped[str] = so.mapped_column(sa.String(8), default="en")
    visibility: so.Mapped[str] = so.mapped_column(sa.String(12), default=Visibility.PUBLIC)
    # Discreet groups use neutral subjects, sender names and calendar titles.
    discreet: so.Mapped[bool] = so.mapped_column(default=True)
    helpline: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    # Origins (scheme://host[:port]) allowed to frame the embeddable schedule, separated by spaces.
    embed_origins: so.Mapped[str | None] = so.mapped_column(sa.String(1000))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=clock.now)

    memberships: so.Mapped[list[GroupMembership]] = so.relationship(
        back_populates="group", cascade="all, delete-orphan"
    )
    series: so.Mapped[list[Series]] = so.relationship(back_populates="group", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Group {self.slug}>"


class GroupMembership(db.Model):
    __tablename__ = "group_memberships"
    __table_args__ = (sa.UniqueConstraint("group_id", "user_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    group_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: so.Mapped[str] = so.mapped_column(sa.String(20), default=MemberRole.ORGANIZER)

    group: so.Mapped[Group] = so.relationship(back_populates="memberships")
    user: so.Mapped[User] = so.relationship()


class Series(db.Model):
    """A meeting: a one-off or recurring series, stored as RRULE + local start + IANA zone."""

    __tablename__ = "series"
    __table_args__ = (one_of("status", SeriesStatus),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    group_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    uid: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20), default=SeriesKind.PEER_SUPPORT)
    title: so.Mapped[str] = so.mapped_column(sa.String(150))
    # Title and group name folded for search (meetings/search_text.py); kept by the meeting and group services.
    search_text: so.Mapped[str] = so.mapped_column(sa.String(300), default="", server_default="")
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    status: so.Mapped[str] = so.mapped_column(sa.String(12), default=SeriesStatus.DRAFT, index=True)
    access: so.Mapped[str] = so.mapped_column(sa.String(8), default=Access.OPEN)
    capacity: so.Mapped[int | None] = so.mapped_column()
    language: so.Mapped[str] = so.mapped_column(sa.String(8))
    timezone: so.Mapped[str] = so.mapped_column(sa.String(64))
    # Wall-clock start of the first occurrence in `timezone` (the iCalendar DTSTART;TZID=...).
    local_start: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=False))
    duration_minutes: so.Mapped[int] = so.mapped_column(default=60)
    rrule: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    # One counter per calendar UID: bumped by every change of times or status.
    sequence: so.Mapped[int] = so.mapped_column(default=0)
    host_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    backup_host_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    video_provider: so.Mapped[str] = so.mapped_column(sa.String(20), default="jitsi")
    video_custom_url: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    video_custom_notes: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    # "This and following" splits end this series and continue in a new one that points back here.
    previous_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("series.id", ondelete="SET NULL"))
    materialized_until: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    # Minutes before each session that reminders go out; NULL: the defaults (see meetings/reminder_offsets.py).
    reminder_offsets_minutes: so.Mapped[list[int] | None] = so.mapped_column(sa.JSON)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=clock.now)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    group: so.Mapped[Group] = so.relationship(back_populates="series")
    host: so.Mapped[User | None] = so.relationship(foreign_keys=[host_id])
    backup_host: so.Mapped[User | None] = so.relationship(foreign_keys=[backup_host_id])
    speakers: so.Mapped[list[Speaker]] = so.relationship(
        back_populates="series", cascade="all, delete-orphan", order_by="Speaker.position"
    )
    occurrences: so.Mapped[list[Occurrence]] = so.relationship(
        back_populates="series", cascade="all, delete-orphan", order_by="Occurrence.start"
    )

    def __repr__(self) -> str:
        return f"<Series {self.id} {self.uid}>"


class Speaker(db.Model):
    __tablename__ = "speakers"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    series_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("series.id", ondelete="CASCADE"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    role: so.Mapped[str] = so.mapped_column(sa.String(12), default=SpeakerRole.SPEAKER)
    title: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    affiliation: so.Mapped[str] = so.mapped_column(sa.String(160), default="")
    email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    position: so.Mapped[int] = so.mapped_column(default=0)

    series: so.Mapped[Series] = so.relationship(back_populates="speakers")


# The partial index predicate, literal (not a bound parameter) so SQLite and PostgreSQL both match it.
CHANGED_SESSION_SQL = "status = 'cancelled' OR start <> original_start"


class Occurrence(db.Model):
    """One session of a series. RSVPs, attendance and reminders attach here."""

    __tablename__ = "occurrences"
    __table_args__ = (
        sa.UniqueConstraint("series_id", "original_start"),
        one_of("status", OccurrenceStatus),
        sa.Index("ix_occurrences_series_start", "series_id", "start"),  # a meeting's next sessions
        # Only the sessions that differ from their rule (cancelled or moved): a feed reads these, not every
        # session in its window. Queries must repeat CHANGED_SESSION_SQL (`changed_session`) for it to apply.
        sa.Index(
            "ix_occurrences_changed",
            "series_id",
            "original_start",
            sqlite_where=sa.text(CHANGED_SESSION_SQL),
            postgresql_where=sa.text(CHANGED_SESSION_SQL),
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    series_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("series.id", ondelete="CASCADE"), index=True)
    # The start the rule gives (the iCalendar RECURRENCE-ID); `start` differs when the session was moved.
    original_start: so.Mapped[datetime] = so.mapped_column(UTCDateTime())
    start: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), index=True)
    end: so.Mapped[datetime] = so.mapped_column(UTCDateTime())
    status: so.Mapped[str] = so.mapped_column(sa.String(12), default=OccurrenceStatus.SCHEDULED)
    cancel_reason: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    topic: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    series: so.Mapped[Series] = so.relationship(back_populates="occurrences")

    @property
    def is_cancelled(self) -> bool:
        return self.status == OccurrenceStatus.CANCELLED

    @property
    def is_moved(self) -> bool:
        return self.start != self.original_start

    def __repr__(self) -> str:
        return f"<Occurrence {self.series_id} {self.start.isoformat()}>"


def changed_session() -> sa.ColumnElement[bool]:
    """The `ix_occurrences_changed` predicate as a query term: a cancelled or moved session."""
    return sa.or_(
        Occurrence.status == sa.literal_column(f"'{OccurrenceStatus.CANCELLED.value}'"),
        Occurrence.start != Occurrence.original_start,
    )
