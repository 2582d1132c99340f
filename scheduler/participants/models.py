"""Participants (no accounts, pseudonyms welcome), their RSVPs, a seat per session, seat counters and link tokens.

A participant is one email address. An RSVP ties a participant to a meeting series, either for all upcoming
sessions or for one session. A seat row ties an RSVP to one occurrence: confirmed, waitlisted, offered (a freed seat
held for a limited time), skipped or released. The seat counter per occurrence is what the database updates
atomically so capacity is never exceeded. Tokens are stored only as hashes.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from scheduler import clock
from scheduler.db import UTCDateTime, one_of
from scheduler.extensions import db
from scheduler.meetings.models import Occurrence, Series

NAME_MAX = 80
NOTE_MAX = 500


class RsvpStatus(StrEnum):
    PENDING = "pending"  # waiting for the email confirmation
    AWAITING_APPROVAL = "awaiting_approval"  # confirmed by email; a closed group's host decides
    ACTIVE = "active"  # has seats (confirmed or waitlisted, per session)
    DECLINED = "declined"  # the host said no
    CANCELLED = "cancelled"  # the person left
    REMOVED = "removed"  # staff removed the person


class RsvpScope(StrEnum):
    SERIES = "series"  # all upcoming sessions
    OCCURRENCE = "occurrence"  # only the chosen session (more can be added from the manage page)


class SeatStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"  # a freed seat, held for this person until offer_expires_at
    SKIPPED = "skipped"  # the person skips this one session
    RELEASED = "released"  # left, removed, declined the offer or let it lapse


# Seat states that hold one unit of the occurrence's seat counter.
HOLDING = (SeatStatus.CONFIRMED, SeatStatus.OFFERED)
# Seat states of people still expecting to come (or to get a seat).
UPCOMING = (SeatStatus.CONFIRMED, SeatStatus.OFFERED, SeatStatus.WAITLISTED)
LIVE = (RsvpStatus.PENDING, RsvpStatus.AWAITING_APPROVAL, RsvpStatus.ACTIVE)  # a sign-up that still counts


class Participant(db.Model):
    __tablename__ = "participants"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    display_name: so.Mapped[str] = so.mapped_column(sa.String(NAME_MAX))
    timezone: so.Mapped[str] = so.mapped_column(sa.String(64), default="UTC")
    language: so.Mapped[str] = so.mapped_column(sa.String(8), default="en")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=clock.now)
    # Set by the first email confirmation: until then nobody has proven they own the address.
    confirmed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    # Last change made by or for this person; the retention job counts from here.
    active_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=clock.now)

    rsvps: so.Mapped[list[Rsvp]] = so.relationship(
        back_populates="participant", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:  # never the email or the name
        return f"<Participant {self.id}>"


class Rsvp(db.Model):
    __tablename__ = "rsvps"
    __table_args__ = (
        sa.UniqueConstraint("participant_id", "series_id"),
        one_of("status", RsvpStatus),
        one_of("scope", RsvpScope),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    participant_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("participants.id", ondelete="CASCADE"))
    series_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("series.id", ondelete="CASCADE"), index=True)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=RsvpStatus.PENDING)
    scope: so.Mapped[str] = so.mapped_column(sa.String(12), default=RsvpScope.SERIES)
    # The session chosen with "only this session".
    occurrence_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("occurrences.id", ondelete="SET NULL"))
    note: so.Mapped[str | None] = so.mapped_column(sa.String(NOTE_MAX))  # for the host of a closed group
    question: so.Mapped[str | None] = so.mapped_column(sa.String(NOTE_MAX))  # for webinar speakers, shown unnamed
    # Bumped by every state change; part of the email dedupe keys.
    version: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=clock.now)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    participant: so.Mapped[Participant] = so.relationship(back_populates="rsvps")
    series: so.Mapped[Series] = so.relationship()
    occurrence: so.Mapped[Occurrence | None] = so.relationship()
    seats: so.Mapped[list[Seat]] = so.relationship(
        back_populates="rsvp", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Rsvp {self.id} {self.status}>"


class Seat(db.Model):
    __tablename__ = "seats"
    __table_args__ = (
        sa.UniqueConstraint("rsvp_id", "occurrence_id"),
        sa.Index("ix_seats_queue", "occurrence_id", "status", "queued_at"),
        one_of("status", SeatStatus),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    rsvp_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("rsvps.id", ondelete="CASCADE"))
    participant_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    occurrence_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("occurrences.id", ondelete="CASCADE"))
    status: so.Mapped[str] = so.mapped_column(sa.String(12))
    # Waitlist order: first come, first served.
    queued_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=clock.now)
    offer_expires_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    offers: so.Mapped[int] = so.mapped_column(default=0)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    rsvp: so.Mapped[Rsvp] = so.relationship(back_populates="seats")
    occurrence: so.Mapped[Occurrence] = so.relationship()

    def __repr__(self) -> str:
        return f"<Seat {self.id} {self.status}>"


class SeatCounter(db.Model):
    """Seats held (confirmed + offered) in one occurrence, updated only by conditional UPDATEs.

    The counter is anonymous: erasing a person frees their upcoming seats but leaves past counts alone.
    """

    __tablename__ = "seat_counters"

    occurrence_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("occurrences.id", ondelete="CASCADE"), primary_key=True
    )
    taken: so.Mapped[int] = so.mapped_column(default=0)


class LinkToken(db.Model):
    """A personal link. Only the SHA-256 of (purpose, secret) is stored; the secret exists only in the email."""

    __tablename__ = "link_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    purpose: so.Mapped[str] = so.mapped_column(sa.String(12))
    participant_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    rsvp_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("rsvps.id", ondelete="CASCADE"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=clock.now)
    expires_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<LinkToken {self.id} {self.purpose}>"
