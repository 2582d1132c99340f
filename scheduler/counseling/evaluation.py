"""Loads the rows behind a group's or a meeting's evaluation in four set-based statements, whatever the number of
sessions or people, and hands them to the pure metrics module. Also the CSV export and the default period."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_babel import lazy_gettext as _l

from scheduler import clock, timefmt
from scheduler.counseling import metrics
from scheduler.counseling.models import Attendance, AttendanceStatus
from scheduler.extensions import db
from scheduler.meetings.models import Group, Occurrence, OccurrenceStatus, Series
from scheduler.participants.models import Seat
from scheduler.rules import RuleError

MAX_PERIOD_DAYS = 3 * 366

CSV_COLUMNS = ("scope", "scope_id", "period_start", "period_end", "week_start", "metric", "value", "suppressed")
"""The CSV export, one row per metric (stable; new metrics only ever add rows):

scope         "group" or "meeting"
scope_id      the group's or the meeting's id
period_start  first day of the period (ISO date, in the group's or meeting's time zone)
period_end    last day of the period, inclusive
week_start    blank for the whole period; the Monday of the week for the weekly rows
metric        sessions_held, sessions_cancelled, rsvps, attendance_marked, attended, absent, excused, waitlisted,
              participants_new, participants_returning, newcomers_followed, newcomers_returned, attendance_rate,
              no_show_rate, retention_rate (whole period); sessions_held, attended, attendance_marked,
              attendance_rate (weekly rows)
value         an integer for counts, a fraction with four decimals for rates (0.7500); blank when suppressed or
              when a rate has nothing to divide by
suppressed    1 when the value comes from fewer people than SMALL_CELL_THRESHOLD, else 0
"""


@dataclass(frozen=True)
class Scope:
    kind: str  # "group" | "meeting"
    id: int
    name: str
    timezone: str
    group: Group

    @classmethod
    def of_group(cls, group: Group) -> Scope:
        return cls("group", group.id, group.name, group.timezone, group)

    @classmethod
    def of_series(cls, series: Series) -> Scope:
        return cls("meeting", series.id, series.title, series.timezone, series.group)

    def where(self, query: sa.Select) -> sa.Select:  # type: ignore[type-arg]
        if self.kind == "group":
            return query.where(Series.group_id == self.id)
        return query.where(Occurrence.series_id == self.id)


def default_period(timezone: str) -> tuple[date, date]:
    """The last three months up to today, in the given zone."""
    today = timefmt.local(clock.now(), timezone).date()
    return today - relativedelta(months=3) + timedelta(days=1), today


def check_period(first_day: date, last_day: date) -> None:
    if first_day > last_day:
        raise RuleError({"start": [str(_l("The first day must not be after the last day."))]})
    if (last_day - first_day).days > MAX_PERIOD_DAYS:
        raise RuleError({"start": [str(_l("Choose a period of at most three years."))]})


def evaluate(scope: Scope, first_day: date, last_day: date) -> metrics.Evaluation:
    check_period(first_day, last_day)
    period = metrics.Period(first_day, last_day, scope.timezone)
    config = current_app.config
    window = timedelta(days=config["RETENTION_WINDOW_DAYS"])
    now = clock.now()

    in_period = scope.where(
        sa.select(Occurrence.id)
        .join(Series, Series.id == Occurrence.series_id)
        .where(Occurrence.start >= period.start, Occurrence.start < period.end)
    )
    sessions = [
        metrics.SessionRow(*row)
        for row in db.session.execute(
            in_period.with_only_columns(Occurrence.id, Occurrence.start, Occurrence.end, Occurrence.status)
        )
    ]
    seats = [
        metrics.SeatRow(*row)
        for row in db.session.execute(
            sa.select(Seat.occurrence_id, Seat.participant_id, Seat.status).where(
                Seat.occurrence_id.in_(in_period.scalar_subquery())
            )
        )
    ]
    marked = scope.where(
        sa.select(Attendance.occurrence_id, Attendance.participant_id, Occurrence.start, Attendance.status)
        .join(Occurrence, Occurrence.id == Attendance.occurrence_id)
        .join(Series, Series.id == Occurrence.series_id)
        .where(Occurrence.status == OccurrenceStatus.SCHEDULED)
    )
    marks = [
        metrics.MarkRow(*row)
        for row in db.session.execute(
            marked.where(Occurrence.start >= period.start, Occurrence.start < period.end + window)
        )
    ]
    attended_in_period = marked.where(
        Occurrence.start >= period.start, Occurrence.start < period.end, Attendance.status == AttendanceStatus.PRESENT
    ).with_only_columns(Attendance.participant_id)
    first_rows = db.session.execute(
        scope.where(
            sa.select(Attendance.participant_id, sa.func.min(Occurrence.start))
            .join(Occurrence, Occurrence.id == Attendance.occurrence_id)
            .join(Series, Series.id == Occurrence.series_id)
            .where(Occurrence.status == OccurrenceStatus.SCHEDULED, Attendance.status == AttendanceStatus.PRESENT)
            .where(Attendance.participant_id.in_(attended_in_period.scalar_subquery()))
        ).group_by(Attendance.participant_id)
    )
    first_attended = {participant_id: _aware(first) for participant_id, first in first_rows}
    return metrics.compute(
        period,
        sessions,
        seats,
        marks,
        first_attended,
        now=now,
        threshold=config["SMALL_CELL_THRESHOLD"],
        window_days=config["RETENTION_WINDOW_DAYS"],
    )


def _aware(value: datetime | str) -> datetime:
    """min() over a UTC column: make sure the result is an aware datetime whatever the backend returns."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _value(item: metrics.Cell | metrics.Rate) -> str:
    if item.suppressed:
        return ""
    if isinstance(item, metrics.Rate):
        return "" if item.value is None else f"{item.value:.4f}"
    return str(item.value)


def to_csv(scope: Scope, evaluation: metrics.Evaluation) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    period = evaluation.period
    head = [scope.kind, scope.id, period.first_day.isoformat(), period.last_day.isoformat()]
    rows: list[tuple[str, str, metrics.Cell | metrics.Rate]] = [
        ("", name, item) for name, item in [*evaluation.counts(), *evaluation.rates()]
    ]
    for week in evaluation.weeks:
        day = week.start.isoformat()
        rows += [
            (day, "sessions_held", week.sessions_held),
            (day, "attended", week.attended),
            (day, "attendance_marked", week.attendance_marked),
            (day, "attendance_rate", week.attendance_rate),
        ]
    for week_start, name, item in rows:
        writer.writerow([*head, week_start, name, _value(item), int(item.suppressed)])
    return out.getvalue()
