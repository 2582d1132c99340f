"""Read-side queries: a person's own sign-ups, and the counts and rosters staff may see. Nothing here writes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum

import sqlalchemy as sa
import sqlalchemy.orm as so

from scheduler import clock
from scheduler.auth.models import User
from scheduler.extensions import db
from scheduler.meetings.models import Group, MemberRole, Occurrence, OccurrenceStatus, Series
from scheduler.meetings.permissions import membership_role
from scheduler.meetings.services import MAX_DURATION_MINUTES
from scheduler.participants.models import LIVE, Participant, Rsvp, RsvpScope, RsvpStatus, Seat, SeatStatus

SESSIONS_SHOWN = 8
_LONGEST_SESSION = timedelta(minutes=MAX_DURATION_MINUTES)
STATUS_ORDER = [SeatStatus.CONFIRMED, SeatStatus.OFFERED, SeatStatus.WAITLISTED, SeatStatus.SKIPPED]


class RosterLevel(IntEnum):
    COUNTS = 0  # anyone else: numbers only
    NAMES = 1  # staff of the group: display names
    EMAILS = 2  # the group's organizers and counselors: names and email addresses


def roster_level(user: User, group: Group) -> RosterLevel:
    role = membership_role(user, group)
    if role in {MemberRole.ORGANIZER, MemberRole.COUNSELOR}:
        return RosterLevel.EMAILS
    return RosterLevel.NAMES if role is not None else RosterLevel.COUNTS


# --- the participant's own page --------------------------------------------------------------------------------


@dataclass
class MeetingLines:
    rsvp: Rsvp
    sessions: list[tuple[Occurrence, Seat | None]] = field(default_factory=list)


def my_meetings(participant: Participant) -> list[MeetingLines]:
    """The person's live sign-ups, each with its next sessions and the person's seat in each (if any).

    Three statements whatever the number of meetings: the RSVPs, the next sessions of all their meetings (ranked
    per meeting), the person's seats in those sessions.
    """
    rsvps = db.session.scalars(
        sa.select(Rsvp)
        .where(Rsvp.participant_id == participant.id, Rsvp.status.in_(LIVE))
        .options(so.joinedload(Rsvp.series).joinedload(Series.group))
        .order_by(Rsvp.created_at, Rsvp.id)
    ).all()
    if not rsvps:
        return []
    ranked = (
        sa.select(
            Occurrence.id,
            sa.func.row_number()
            .over(partition_by=Occurrence.series_id, order_by=(Occurrence.start, Occurrence.id))
            .label("rank"),
        )
        .where(
            Occurrence.series_id.in_({r.series_id for r in rsvps}),
            Occurrence.start > clock.now() - _LONGEST_SESSION,  # bounded on start: the (series_id, start) index
            Occurrence.end > clock.now(),
        )
        .subquery()
    )
    upcoming = db.session.scalars(
        sa.select(Occurrence)
        .join(ranked, ranked.c.id == Occurrence.id)
        .where(ranked.c.rank <= SESSIONS_SHOWN)
        .order_by(Occurrence.start, Occurrence.id)
    ).all()
    mine = {
        (seat.rsvp_id, seat.occurrence_id): seat
        for seat in db.session.scalars(
            sa.select(Seat).where(
                Seat.rsvp_id.in_([r.id for r in rsvps]), Seat.occurrence_id.in_([o.id for o in upcoming])
            )
        )
    }
    return [
        MeetingLines(rsvp, [(o, mine.get((rsvp.id, o.id))) for o in upcoming if o.series_id == rsvp.series_id])
        for rsvp in rsvps
    ]


def _confirmed(statement: sa.Select, participant: Participant) -> sa.Select:
    return (
        statement.select_from(Rsvp)
        .join(Seat, Seat.rsvp_id == Rsvp.id)
        .join(Occurrence, Occurrence.id == Seat.occurrence_id)
        .where(Rsvp.participant_id == participant.id, Rsvp.status == RsvpStatus.ACTIVE)
        .where(Seat.status == SeatStatus.CONFIRMED, Occurrence.end > clock.now())
        .where(Occurrence.status == OccurrenceStatus.SCHEDULED)
    )


def confirmed_sessions(participant: Participant) -> list[tuple[Rsvp, Occurrence]]:
    """Upcoming sessions the person has a confirmed seat in, for the calendar download (one query)."""
    rows = db.session.execute(
        _confirmed(sa.select(Rsvp, Occurrence), participant)
        .options(so.joinedload(Rsvp.series).joinedload(Series.group))
        .order_by(Occurrence.start)
    ).all()
    return [(rsvp, occurrence) for rsvp, occurrence in rows]


def confirmed_sessions_version(participant: Participant) -> tuple[int, datetime | None]:
    """How many confirmed upcoming sessions and when any of them last changed: one aggregate query."""
    latest = [Rsvp.updated_at, Seat.updated_at, Occurrence.updated_at, Series.updated_at]
    row = db.session.execute(
        _confirmed(sa.select(sa.func.count(), *(sa.func.max(column) for column in latest)), participant).join(
            Series, Series.id == Rsvp.series_id
        )
    ).one()
    stamps = [stamp for stamp in row[1:] if stamp is not None]
    return int(row[0]), max(stamps, default=None)


# --- what staff see ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    confirmed: int = 0
    offered: int = 0
    waitlisted: int = 0
    skipped: int = 0
    pending: int = 0  # waiting for their email confirmation
    awaiting_approval: int = 0


def counts(occurrences: Sequence[Occurrence]) -> dict[int, Counts]:
    """Per occurrence, in two statements whatever the number of sessions."""
    ids = [o.id for o in occurrences]
    if not ids:
        return {}
    seat_rows = db.session.execute(
        sa.select(Seat.occurrence_id, Seat.status, sa.func.count())
        .where(Seat.occurrence_id.in_(ids))
        .group_by(Seat.occurrence_id, Seat.status)
    )
    by_seat: dict[int, Counter[str]] = {i: Counter() for i in ids}
    for occurrence_id, status, number in seat_rows:
        by_seat[occurrence_id][status] = number
    series_ids = {o.series_id for o in occurrences}
    waiting = db.session.execute(
        sa.select(Rsvp.series_id, Rsvp.scope, Rsvp.occurrence_id, Rsvp.status, sa.func.count())
        .where(Rsvp.series_id.in_(series_ids), Rsvp.status.in_([RsvpStatus.PENDING, RsvpStatus.AWAITING_APPROVAL]))
        .group_by(Rsvp.series_id, Rsvp.scope, Rsvp.occurrence_id, Rsvp.status)
    ).all()
    result = {}
    for occurrence in occurrences:
        open_requests: Counter[str] = Counter()
        for series_id, scope, chosen, status, number in waiting:
            if series_id == occurrence.series_id and (scope == RsvpScope.SERIES or chosen == occurrence.id):
                open_requests[status] += number
        seat_counts = by_seat[occurrence.id]
        result[occurrence.id] = Counts(
            confirmed=seat_counts[SeatStatus.CONFIRMED],
            offered=seat_counts[SeatStatus.OFFERED],
            waitlisted=seat_counts[SeatStatus.WAITLISTED],
            skipped=seat_counts[SeatStatus.SKIPPED],
            pending=open_requests[RsvpStatus.PENDING],
            awaiting_approval=open_requests[RsvpStatus.AWAITING_APPROVAL],
        )
    return result


@dataclass(frozen=True)
class RosterLine:
    rsvp_id: int
    display_name: str
    email: str | None
    status: str


def roster(occurrence: Occurrence, level: RosterLevel) -> list[RosterLine]:
    if level < RosterLevel.NAMES:
        return []
    rows = db.session.execute(
        sa.select(Seat, Participant)
        .join(Participant, Participant.id == Seat.participant_id)
        .where(Seat.occurrence_id == occurrence.id, Seat.status.in_(STATUS_ORDER))
        .order_by(Seat.queued_at, Seat.id)
    ).all()
    lines = [
        RosterLine(
            seat.rsvp_id, person.display_name, person.email if level >= RosterLevel.EMAILS else None, seat.status
        )
        for seat, person in rows
    ]
    return sorted(lines, key=lambda line: STATUS_ORDER.index(SeatStatus(line.status)))


def requests_awaiting(series: Series) -> list[tuple[Rsvp, Participant]]:
    rows = db.session.execute(
        sa.select(Rsvp, Participant)
        .join(Participant, Participant.id == Rsvp.participant_id)
        .where(Rsvp.series_id == series.id, Rsvp.status == RsvpStatus.AWAITING_APPROVAL)
        .order_by(Rsvp.updated_at, Rsvp.id)
    ).all()
    return [(rsvp, person) for rsvp, person in rows]


def questions(series: Series) -> list[str]:
    """Webinar questions without names, in alphabetical order so the order tells nothing either."""
    texts = db.session.scalars(
        sa.select(Rsvp.question).where(
            Rsvp.series_id == series.id,
            Rsvp.question.is_not(None),
            Rsvp.status.in_([RsvpStatus.ACTIVE, RsvpStatus.AWAITING_APPROVAL]),
        )
    )
    return sorted((t for t in texts if t), key=str.casefold)


def upcoming_occurrences(series: Series, limit: int = 30) -> list[Occurrence]:
    return list(
        db.session.scalars(
            sa.select(Occurrence)
            .where(Occurrence.series_id == series.id, Occurrence.end > clock.now())
            .order_by(Occurrence.start)
            .limit(limit)
        )
    )
