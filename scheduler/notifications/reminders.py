"""The reminder planner (a worker job) and the send-time check the email job asks before sending a reminder.

Nothing is queued weeks ahead: every minute the planner looks for reminders whose send time (the session's
DST-correct UTC start minus the offset) falls in the next few minutes, and queues one per confirmed seat with
`send_after` at that time. Moves, cancellations, skips and leaving are therefore respected without bookkeeping,
and the sender checks once more just before sending (`still_due`), so a change made after queueing withdraws
the reminder. The dedupe key carries the session's start, so a moved session gets fresh reminders, and running
the planner twice, or on two workers at once, never queues the same reminder twice.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from scheduler import clock
from scheduler.extensions import db
from scheduler.meetings import reminder_offsets
from scheduler.meetings.models import Occurrence, OccurrenceStatus, Series, SeriesStatus
from scheduler.notifications.compose import send
from scheduler.notifications.models import OutboxMessage
from scheduler.notifications.optouts import ReminderOptOut
from scheduler.notifications.reminder_email import KIND, message
from scheduler.participants.models import Participant, Rsvp, RsvpStatus, Seat, SeatStatus

log = logging.getLogger("scheduler.notifications")

LOOKAHEAD = timedelta(minutes=5)  # queued this long before the send time (the planner runs every minute)
GRACE = timedelta(minutes=30)  # after worker downtime, a reminder may still go out this late (never after the start)
_KEY = re.compile(r"^reminder:o(\d+):m(\d+):p(\d+):t(-?\d+)(?:@[a-z]+)?$")  # "@sms": the same on a channel


@dataclass(frozen=True)
class Target:
    """One reminder to queue: who, for which session, how long before."""

    occurrence: Occurrence
    offset_minutes: int
    seat: Seat
    rsvp: Rsvp
    participant: Participant

    @property
    def send_at(self) -> datetime:
        return self.occurrence.start - timedelta(minutes=self.offset_minutes)

    @property
    def key(self) -> str:
        return dedupe_key(self.occurrence.id, self.offset_minutes, self.participant.id, self.occurrence.start)


def dedupe_key(occurrence_id: int, offset_minutes: int, participant_id: int, start: datetime) -> str:
    return f"{KIND}:o{occurrence_id}:m{offset_minutes}:p{participant_id}:t{int(start.timestamp())}"


def _offsets_in_use() -> set[int]:
    """Every offset some published meeting uses (defaults included): one narrow query per offset follows."""
    used = set(reminder_offsets.DEFAULT) | set(reminder_offsets.WEBINAR)
    for stored in db.session.scalars(
        sa.select(Series.reminder_offsets_minutes).where(
            Series.status == SeriesStatus.PUBLISHED, Series.reminder_offsets_minutes.is_not(None)
        )
    ):
        used.update(int(v) for v in stored or ())
    return used


def _sessions_due(offset: int, now: datetime) -> list[Occurrence]:
    """Scheduled sessions of published meetings whose reminder at `offset` is due between now - GRACE and
    now + LOOKAHEAD, and that have not started."""
    delta = timedelta(minutes=offset)
    return list(
        db.session.scalars(
            sa.select(Occurrence)
            .join(Series, Series.id == Occurrence.series_id)
            .where(Occurrence.status == OccurrenceStatus.SCHEDULED, Series.status == SeriesStatus.PUBLISHED)
            .where(Occurrence.start >= now - GRACE + delta, Occurrence.start <= now + LOOKAHEAD + delta)
            .where(Occurrence.start > now)
            .options(so.joinedload(Occurrence.series).joinedload(Series.group))
            .order_by(Occurrence.start, Occurrence.id)
        ).unique()
    )


def _opted_out(series_id: int) -> sa.Exists:
    return (
        sa.select(ReminderOptOut.id)
        .where(ReminderOptOut.participant_id == Seat.participant_id, ReminderOptOut.series_id == series_id)
        .exists()
    )


def targets(now: datetime | None = None) -> list[Target]:
    """Reminders whose time has (nearly) come: confirmed seats, active RSVPs, people who did not opt out, and
    only when the person already had the seat at the send time (no "24 hours before" for a late sign-up)."""
    now = now or clock.now()
    found: list[Target] = []
    for offset in sorted(_offsets_in_use(), reverse=True):
        for occurrence in _sessions_due(offset, now):
            series = occurrence.series
            if offset not in reminder_offsets.effective(series.kind, series.reminder_offsets_minutes):
                continue
            send_at = occurrence.start - timedelta(minutes=offset)
            rows = db.session.execute(
                sa.select(Seat, Rsvp, Participant)
                .join(Rsvp, Rsvp.id == Seat.rsvp_id)
                .join(Participant, Participant.id == Seat.participant_id)
                .where(Seat.occurrence_id == occurrence.id, Seat.status == SeatStatus.CONFIRMED)
                .where(Rsvp.status == RsvpStatus.ACTIVE, Seat.updated_at <= send_at)
                .where(~_opted_out(series.id))
                .order_by(Seat.id)
            ).all()
            found.extend(Target(occurrence, offset, seat, rsvp, participant) for seat, rsvp, participant in rows)
    return found


def plan_reminders() -> int:
    """Worker job: queue the reminders due in the next few minutes. Returns how many it queued. A reminder
    queued before (or at the same moment by another worker) is skipped by its dedupe key."""
    return sum(send(message(target)) is not None for target in targets())


def still_due(rows: list[OutboxMessage]) -> set[int]:
    """Asked by the email job just before sending (declared in `scheduler.wiring`): which of these reminders are
    still right? A session cancelled or moved, a seat skipped or given up, a person who left or unsubscribed: the
    reminder is withdrawn instead. Two queries for the whole batch."""
    wanted: set[int] = set()
    keyed: dict[int, tuple[int, int, int, int]] = {}
    for row in rows:
        match = _KEY.fullmatch(row.dedupe_key or "")
        if match is None:
            wanted.add(row.id)  # not queued by the planner: nothing to check against
        else:
            keyed[row.id] = tuple(int(g) for g in match.groups())  # type: ignore[assignment]
    if not keyed:
        return wanted
    occurrence_ids = {occurrence_id for occurrence_id, _, _, _ in keyed.values()}
    occurrences = {
        o.id: o
        for o in db.session.scalars(
            sa.select(Occurrence)
            .where(Occurrence.id.in_(occurrence_ids))
            .options(so.joinedload(Occurrence.series))
            .execution_options(populate_existing=True)
        ).unique()
    }
    opted_out = (
        sa.select(ReminderOptOut.id)
        .where(ReminderOptOut.participant_id == Seat.participant_id, ReminderOptOut.series_id == Occurrence.series_id)
        .exists()
    )
    seated = {
        (occurrence_id, participant_id)
        for occurrence_id, participant_id in db.session.execute(
            sa.select(Seat.occurrence_id, Seat.participant_id)
            .join(Rsvp, Rsvp.id == Seat.rsvp_id)
            .join(Occurrence, Occurrence.id == Seat.occurrence_id)
            .where(Seat.occurrence_id.in_(occurrence_ids))
            .where(Seat.participant_id.in_({participant_id for _, _, participant_id, _ in keyed.values()}))
            .where(Seat.status == SeatStatus.CONFIRMED, Rsvp.status == RsvpStatus.ACTIVE, ~opted_out)
        )
    }
    now = clock.now()
    for row_id, (occurrence_id, offset, participant_id, start) in keyed.items():
        occurrence = occurrences.get(occurrence_id)
        if (
            occurrence is not None
            and occurrence.status == OccurrenceStatus.SCHEDULED
            and occurrence.series.status == SeriesStatus.PUBLISHED
            and int(occurrence.start.timestamp()) == start
            and now < occurrence.start
            and now <= occurrence.start - timedelta(minutes=offset) + GRACE
            and (occurrence_id, participant_id) in seated
        ):
            wanted.add(row_id)
    return wanted
