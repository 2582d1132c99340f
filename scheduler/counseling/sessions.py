"""The counselor's sessions: what is coming up, who is coming, and taking attendance. Services flush; callers commit.

Staff see display names only here, never addresses: attendance needs nothing more.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from scheduler import clock
from scheduler.auth.models import User
from scheduler.counseling.models import Attendance, AttendanceStatus, SessionHosting
from scheduler.extensions import db
from scheduler.meetings import permissions
from scheduler.meetings.models import Group, Occurrence, Series, SeriesStatus
from scheduler.participants.models import Participant, Seat, SeatStatus
from scheduler.rules import RuleError

# Seats of people expected at (or excused from) a session: they are on the attendance list.
ON_THE_LIST = (SeatStatus.CONFIRMED, SeatStatus.OFFERED, SeatStatus.SKIPPED)
LOOK_BACK = timedelta(hours=24)  # sessions that started this recently stay on the dashboard for attendance
LOOK_AHEAD = timedelta(days=14)


def my_groups(user: User) -> list[Group]:
    return list(db.session.scalars(permissions.visible_groups_query(user)))


def my_sessions(user: User, *, limit: int = 40) -> list[Occurrence]:
    """Sessions of the user's groups that started in the last day or start in the next two weeks."""
    now = clock.now()
    query = (
        sa.select(Occurrence)
        .join(Series, Series.id == Occurrence.series_id)
        .where(Series.status != SeriesStatus.DRAFT, Occurrence.start > now - LOOK_BACK)
        .where(Occurrence.start < now + LOOK_AHEAD)
        .options(so.contains_eager(Occurrence.series).joinedload(Series.group))
        .order_by(Occurrence.start, Occurrence.id)
        .limit(limit)
    )
    if not user.is_admin:
        groups = permissions.visible_groups_query(user).with_only_columns(Group.id)
        query = query.where(Series.group_id.in_(groups))
    return list(db.session.scalars(query).unique())


@dataclass(frozen=True)
class ListLine:
    participant_id: int
    display_name: str
    seat_status: str
    attendance: str | None


def attendance_lists(occurrences: Sequence[Occurrence]) -> dict[int, list[ListLine]]:
    """Per session, the people on its attendance list with their mark, in one statement for all sessions."""
    ids = [o.id for o in occurrences]
    result: dict[int, list[ListLine]] = {i: [] for i in ids}
    if not ids:
        return result
    rows = db.session.execute(
        sa.select(Seat.occurrence_id, Participant.id, Participant.display_name, Seat.status, Attendance.status)
        .join(Participant, Participant.id == Seat.participant_id)
        .outerjoin(
            Attendance,
            sa.and_(Attendance.occurrence_id == Seat.occurrence_id, Attendance.participant_id == Seat.participant_id),
        )
        .where(Seat.occurrence_id.in_(ids))
        .where(sa.or_(Seat.status.in_(ON_THE_LIST), Attendance.id.is_not(None)))
        .order_by(Seat.occurrence_id, sa.func.lower(Participant.display_name), Participant.id)
    ).all()
    for occurrence_id, participant_id, name, seat_status, mark in rows:
        result[occurrence_id].append(ListLine(participant_id, name, seat_status, mark))
    return result


@dataclass(frozen=True)
class HostState:
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None
    alerted_at: datetime | None = None


def host_states(occurrences: Sequence[Occurrence]) -> dict[int, HostState]:
    ids = [o.id for o in occurrences]
    states: dict[int, HostState] = defaultdict(HostState)
    if not ids:
        return states
    rows = db.session.execute(
        sa.select(SessionHosting, User.name)
        .outerjoin(User, User.id == SessionHosting.confirmed_by_id)
        .where(SessionHosting.occurrence_id.in_(ids))
    ).all()
    for row, name in rows:
        confirmed_by = name if row.confirmed_at is not None else None
        states[row.occurrence_id] = HostState(confirmed_by, row.confirmed_at, row.alerted_at)
    return states


def attendance_open(occurrence: Occurrence, now: datetime | None = None) -> bool:
    now = now or clock.now()
    opens = occurrence.start - timedelta(minutes=current_app.config["ATTENDANCE_OPENS_MINUTES"])
    return not occurrence.is_cancelled and now >= opens


def mark_attendance(occurrence: Occurrence, participant_id: int, status: str, by: User) -> Attendance:
    """Records (or corrects) one person's attendance. Only people with a seat in the session can be marked."""
    if status not in set(AttendanceStatus):
        raise RuleError({"status": [str(_l("Choose present, absent or excused."))]})
    if occurrence.is_cancelled:
        raise RuleError({"status": [str(_l("This session is cancelled; there is no attendance to take."))]})
    if not attendance_open(occurrence):
        raise RuleError({"status": [str(_l("Attendance can be taken from shortly before the session starts."))]})
    has_seat = db.session.scalar(
        sa.select(Seat.id).where(Seat.occurrence_id == occurrence.id, Seat.participant_id == participant_id)
    )
    if has_seat is None:
        raise RuleError({"status": [str(_l("This person is not signed up for this session."))]})
    row = _attendance(occurrence.id, participant_id)
    if row is None:
        try:
            with db.session.begin_nested():
                row = Attendance(occurrence_id=occurrence.id, participant_id=participant_id, status=status)
                db.session.add(row)
        except IntegrityError:  # someone marked the same person at the same moment: correct their mark
            row = _attendance(occurrence.id, participant_id)
            if row is None:  # pragma: no cover - the other row vanished again
                raise
    row.status = status
    row.marked_by_id = by.id
    row.marked_at = clock.now()
    db.session.flush()
    return row


def _attendance(occurrence_id: int, participant_id: int) -> Attendance | None:
    return db.session.scalar(
        sa.select(Attendance).where(
            Attendance.occurrence_id == occurrence_id, Attendance.participant_id == participant_id
        )
    )


def confirm_hosting(occurrence: Occurrence, by: User) -> None:
    """`by` will host this session. Once anyone confirmed, no missing-host alert goes out."""
    if occurrence.is_cancelled:
        raise RuleError({"host": [str(_l("This session is cancelled."))]})
    if occurrence.end <= clock.now():
        raise RuleError({"host": [str(_l("This session is already over."))]})
    row = db.session.get(SessionHosting, occurrence.id)
    if row is None:
        try:
            with db.session.begin_nested():
                row = SessionHosting(occurrence_id=occurrence.id)
                db.session.add(row)
        except IntegrityError:
            row = db.session.get(SessionHosting, occurrence.id, populate_existing=True)
            if row is None:  # pragma: no cover
                raise
    row.confirmed_by_id = by.id
    row.confirmed_at = clock.now()
    db.session.flush()
