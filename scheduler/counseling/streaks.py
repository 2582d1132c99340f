"""A participant's own attendance streak, shown only on their personal page and only if they ask for it."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from scheduler import clock
from scheduler.counseling.models import Attendance, AttendanceStatus, StreakOptIn
from scheduler.extensions import db
from scheduler.meetings.models import Occurrence, OccurrenceStatus, Series
from scheduler.participants.models import Participant


@dataclass(frozen=True)
class Streak:
    series_id: int
    title: str
    current: int  # sessions attended in a row, most recent first; excused sessions neither count nor break it
    attended: int  # sessions attended in all


def opted_in(participant: Participant) -> bool:
    return db.session.get(StreakOptIn, participant.id) is not None


def set_opt_in(participant: Participant, show: bool) -> None:
    row = db.session.get(StreakOptIn, participant.id)
    if show and row is None:
        db.session.add(StreakOptIn(participant_id=participant.id))
    elif not show and row is not None:
        db.session.delete(row)
    db.session.flush()


def streaks(participant: Participant) -> list[Streak]:
    """Per meeting the person has attendance marks in, in one statement."""
    rows = db.session.execute(
        sa.select(Series.id, Series.title, Attendance.status)
        .join(Occurrence, Occurrence.id == Attendance.occurrence_id)
        .join(Series, Series.id == Occurrence.series_id)
        .where(Attendance.participant_id == participant.id, Occurrence.status == OccurrenceStatus.SCHEDULED)
        .where(Occurrence.start <= clock.now())
        .order_by(Series.title, Series.id, Occurrence.start.desc())
    ).all()
    result: dict[int, Streak] = {}
    broken: set[int] = set()
    for series_id, title, status in rows:
        line = result.get(series_id) or Streak(series_id, title, 0, 0)
        current, attended = line.current, line.attended
        if status == AttendanceStatus.PRESENT:
            attended += 1
            if series_id not in broken:
                current += 1
        elif status == AttendanceStatus.ABSENT:
            broken.add(series_id)
        result[series_id] = Streak(series_id, title, current, attended)
    return list(result.values())


def for_manage_page(participant: Participant) -> dict[str, object]:
    """What the personal page shows: whether the person opted in and, if so, their streaks."""
    shown = opted_in(participant)
    return {"opted_in": shown, "streaks": streaks(participant) if shown else []}
