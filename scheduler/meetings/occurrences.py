"""Keeps a series' materialised occurrence rows in step with its rule.

Occurrences are rows so that RSVPs, attendance and reminders can attach to one session. Never-ending
series are materialised up to a rolling horizon that the worker extends every day.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from scheduler import clock
from scheduler.extensions import db
from scheduler.meetings import recurrence
from scheduler.meetings.models import Occurrence, OccurrenceStatus, Series, SeriesStatus


def horizon_end() -> datetime:
    return clock.now() + timedelta(days=current_app.config["OCCURRENCE_HORIZON_DAYS"])


def expected_instances(series: Series, since: datetime, until: datetime) -> list[recurrence.Instance]:
    return recurrence.expand(
        series.rrule,
        series.local_start,
        series.timezone,
        start=since,
        end=until,
        limit=current_app.config["MAX_OCCURRENCES_PER_SERIES"],
    )


def sync_occurrences(series: Series, *, since: datetime | None = None) -> None:
    """Make the rows from `since` (default: now) on match the rule.

    Rows already there are kept and re-timed where possible (same rule instant, else in order), so
    that whatever hangs off an occurrence follows it when the organizer changes the time or the days.
    Sessions in the past are history and are never touched.
    """
    since = since or clock.now()
    until = horizon_end()
    duration = timedelta(minutes=series.duration_minutes)
    instances = expected_instances(series, since, until)
    existing = list(
        db.session.scalars(
            sa.select(Occurrence)
            .where(Occurrence.series_id == series.id, Occurrence.original_start >= since)
            .order_by(Occurrence.original_start)
        )
    )
    by_original = {row.original_start: row for row in existing}
    unmatched_instances = [i for i in instances if i.start_utc not in by_original]
    wanted = {i.start_utc for i in instances}
    unmatched_rows = [row for row in existing if row.original_start not in wanted]

    for row in existing:
        if row.original_start in wanted and not row.is_moved:
            row.end = row.start + duration
    for row, instance in zip(unmatched_rows, unmatched_instances, strict=False):
        row.original_start = instance.start_utc
        row.start = instance.start_utc
        row.end = instance.start_utc + duration
    for row in unmatched_rows[len(unmatched_instances) :]:
        db.session.delete(row)
    for instance in unmatched_instances[len(unmatched_rows) :]:
        status = OccurrenceStatus.CANCELLED if series.status == SeriesStatus.CANCELLED else OccurrenceStatus.SCHEDULED
        db.session.add(
            Occurrence(
                series=series,
                original_start=instance.start_utc,
                start=instance.start_utc,
                end=instance.start_utc + duration,
                status=status,
            )
        )
    series.materialized_until = until
    db.session.flush()


def extend_all_horizons() -> int:
    """Materialise new sessions of never-ending series as time moves on. Returns how many series it touched."""
    cutoff = horizon_end() - timedelta(days=1)
    stale = db.session.scalars(
        sa.select(Series).where(
            Series.rrule.is_not(None),
            Series.status != SeriesStatus.CANCELLED,
            sa.or_(Series.materialized_until.is_(None), Series.materialized_until < cutoff),
        )
    ).all()
    for series in stale:
        last = db.session.scalar(
            sa.select(sa.func.max(Occurrence.original_start)).where(Occurrence.series_id == series.id)
        )
        since = max(clock.now(), last + timedelta(seconds=1)) if last else clock.now()
        sync_occurrences(series, since=since)
    return len(stale)
