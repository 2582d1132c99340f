"""Program-evaluation metrics, computed from a few set-based rows. Pure: no database, no Flask.

Definitions (a "session in the period" starts on or after the first day, before the day after the last day,
both in the meeting's or group's own time zone):

- sessions_held: sessions in the period that were not cancelled and have ended.
- sessions_cancelled: sessions in the period that were cancelled.
- rsvps: confirmed seats in the sessions held (one per person and session).
- attendance_marked / attended / absent / excused: attendance marks in the sessions held, by status.
- attendance_rate = attended / attendance_marked; no_show_rate = absent / attendance_marked.
- waitlisted: seats still on a waiting list in the (not cancelled) sessions of the period.
- participants_new: people whose first attendance in this group (or meeting) falls in the period;
  participants_returning: people who attended in the period and had attended before it.
- newcomers_followed: new people whose first attendance is at least the retention window (28 days) ago, so
  coming back could be seen; newcomers_returned: those of them who attended again within the window;
  retention_rate = newcomers_returned / newcomers_followed.

Small cells: every count about people carries the number of distinct people behind it; when that number is
below the threshold the count is suppressed, and so is any rate whose numerator or denominator is suppressed.
Session counts are not about people and are never suppressed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

PRESENT, ABSENT, EXCUSED = "present", "absent", "excused"
CANCELLED = "cancelled"
CONFIRMED, WAITLISTED = "confirmed", "waitlisted"


@dataclass(frozen=True)
class Period:
    first_day: date
    last_day: date  # inclusive
    timezone: str

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, datetime.min.time(), tzinfo=ZoneInfo(self.timezone))

    @property
    def end(self) -> datetime:
        """Exclusive: midnight after the last day."""
        return datetime.combine(self.last_day + timedelta(days=1), datetime.min.time(), tzinfo=ZoneInfo(self.timezone))

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(ZoneInfo(self.timezone)).date()


@dataclass(frozen=True)
class SessionRow:
    id: int
    start: datetime
    end: datetime
    status: str


@dataclass(frozen=True)
class SeatRow:
    occurrence_id: int
    participant_id: int
    status: str


@dataclass(frozen=True)
class MarkRow:
    occurrence_id: int
    participant_id: int
    start: datetime
    status: str


@dataclass(frozen=True)
class Cell:
    """A count and the number of distinct people behind it (None when it counts sessions, not people)."""

    value: int
    people: int | None = None
    threshold: int = 5

    @property
    def suppressed(self) -> bool:
        return self.people is not None and self.people < self.threshold


@dataclass(frozen=True)
class Rate:
    numerator: Cell
    denominator: Cell

    @property
    def suppressed(self) -> bool:
        return self.numerator.suppressed or self.denominator.suppressed

    @property
    def value(self) -> float | None:
        if self.suppressed or self.denominator.value == 0:
            return None
        return self.numerator.value / self.denominator.value


@dataclass(frozen=True)
class Week:
    start: date
    sessions_held: Cell
    attended: Cell
    attendance_marked: Cell

    @property
    def attendance_rate(self) -> Rate:
        return Rate(self.attended, self.attendance_marked)


@dataclass(frozen=True)
class Evaluation:
    period: Period
    threshold: int
    sessions_held: Cell
    sessions_cancelled: Cell
    rsvps: Cell
    attendance_marked: Cell
    attended: Cell
    absent: Cell
    excused: Cell
    waitlisted: Cell
    participants_new: Cell
    participants_returning: Cell
    newcomers_followed: Cell
    newcomers_returned: Cell
    weeks: list[Week] = field(default_factory=list)

    @property
    def attendance_rate(self) -> Rate:
        return Rate(self.attended, self.attendance_marked)

    @property
    def no_show_rate(self) -> Rate:
        return Rate(self.absent, self.attendance_marked)

    @property
    def retention_rate(self) -> Rate:
        return Rate(self.newcomers_returned, self.newcomers_followed)

    def counts(self) -> list[tuple[str, Cell]]:
        return [
            ("sessions_held", self.sessions_held),
            ("sessions_cancelled", self.sessions_cancelled),
            ("rsvps", self.rsvps),
            ("attendance_marked", self.attendance_marked),
            ("attended", self.attended),
            ("absent", self.absent),
            ("excused", self.excused),
            ("waitlisted", self.waitlisted),
            ("participants_new", self.participants_new),
            ("participants_returning", self.participants_returning),
            ("newcomers_followed", self.newcomers_followed),
            ("newcomers_returned", self.newcomers_returned),
        ]

    def rates(self) -> list[tuple[str, Rate]]:
        return [
            ("attendance_rate", self.attendance_rate),
            ("no_show_rate", self.no_show_rate),
            ("retention_rate", self.retention_rate),
        ]


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def compute(
    period: Period,
    sessions: Sequence[SessionRow],
    seats: Iterable[SeatRow],
    marks: Iterable[MarkRow],
    first_attended: dict[int, datetime],
    *,
    now: datetime,
    threshold: int = 5,
    window_days: int = 28,
) -> Evaluation:
    """`sessions` and `seats` cover the period; `marks` cover the period and the retention window after it;
    `first_attended` maps each person who attended in the period to their first attendance ever (in scope)."""

    def cell(rows: Sequence[tuple[int, int]]) -> Cell:  # (occurrence_id, participant_id) pairs
        return Cell(len(rows), len({p for _o, p in rows}), threshold)

    def sessions_cell(number: int) -> Cell:
        return Cell(number, None, threshold)

    in_period = {s.id: s for s in sessions if period.start <= s.start < period.end}
    held = {i for i, s in in_period.items() if s.status != CANCELLED and s.end <= now}
    cancelled = [i for i, s in in_period.items() if s.status == CANCELLED]
    live = {i for i, s in in_period.items() if s.status != CANCELLED}
    seat_rows = list(seats)
    rsvps = [
        (s.occurrence_id, s.participant_id) for s in seat_rows if s.occurrence_id in held and s.status == CONFIRMED
    ]
    waiting = [
        (s.occurrence_id, s.participant_id) for s in seat_rows if s.occurrence_id in live and s.status == WAITLISTED
    ]
    mark_rows = list(marks)
    held_marks = [m for m in mark_rows if m.occurrence_id in held]

    def by_status(status: str | None) -> list[tuple[int, int]]:
        return [(m.occurrence_id, m.participant_id) for m in held_marks if status is None or m.status == status]

    present = by_status(PRESENT)
    attendees = {p for _o, p in present}
    new = {p for p in attendees if first_attended.get(p, period.start) >= period.start}
    returning = attendees - new
    window = timedelta(days=window_days)
    followed = {p for p in new if first_attended.get(p, now) + window <= now}
    returned = set()
    for m in mark_rows:
        first = first_attended.get(m.participant_id)
        if m.participant_id not in followed or m.status != PRESENT or first is None:
            continue
        if first < m.start <= first + window and m.start <= now:
            returned.add(m.participant_id)

    weeks = []
    if in_period:
        day = week_start(period.first_day)
        while day <= period.last_day:
            in_week = {i for i in held if week_start(period.local_date(in_period[i].start)) == day}
            week_marks = [
                (m.occurrence_id, m.participant_id, m.status) for m in held_marks if m.occurrence_id in in_week
            ]
            if in_week:
                attended_cell = cell([(o, p) for o, p, s in week_marks if s == PRESENT])
                marked_cell = cell([(o, p) for o, p, _s in week_marks])
            else:  # no session, nobody to protect: an honest zero
                attended_cell = marked_cell = sessions_cell(0)
            weeks.append(Week(day, sessions_cell(len(in_week)), attended_cell, marked_cell))
            day += timedelta(days=7)

    return Evaluation(
        period=period,
        threshold=threshold,
        sessions_held=sessions_cell(len(held)),
        sessions_cancelled=sessions_cell(len(cancelled)),
        rsvps=cell(rsvps),
        attendance_marked=cell(by_status(None)),
        attended=cell(present),
        absent=cell(by_status(ABSENT)),
        excused=cell(by_status(EXCUSED)),
        waitlisted=cell(waiting),
        participants_new=Cell(len(new), len(new), threshold),
        participants_returning=Cell(len(returning), len(returning), threshold),
        newcomers_followed=Cell(len(followed), len(followed), threshold),
        newcomers_returned=Cell(len(returned), len(returned), threshold),
        weeks=weeks,
    )
