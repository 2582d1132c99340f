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
    """The sessions the rule gives in [since, until), upcoming ones first in importance.

    The cap limits how many are made at once, never which: the next ``cap`` sessions from now always come
    first (a weekly group that has met since 2016 gets its upcoming sessions, not its first 500), and past
    ones (a series entered with an earlier start) fill what the cap leaves, the latest first.
    """
    cap = current_app.config["MAX_OCCURRENCES_PER_SERIES"]
    now = clock.now()
    upcoming = recurrence.expand(
        series.rrule, series.local_start, series.timezone, start=max(since, now), end=until, limit=cap
    )
    if since >= now or len(upcoming) >= cap:
        return upcoming
    past = recurrence.expand(series.rrule, series.local_start, series.timezone, start=since, end=now)
    return past[len(past) - (cap - len(upcoming)) :] + upcoming


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
        if not row.is_moved:  # a session moved on its own keeps its time (see reset_session_changes)
            row.start = instance.start_utc
            row.end = instance.start_utc + duration
        row.original_start = instance.start_utc
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
    # Cut short by the cap: the worker carries on from the last session made (see extend_all_horizons).
    capped = len(instances) >= current_app.config["MAX_OCCURRENCES_PER_SERIES"]
    series.materialized_until = instances[-1].start_utc if capped else until
    db.session.flush()


def changed_sessions(series: Series) -> list[Occurrence]:
    """Upcoming sessions moved or cancelled on their own: what an edit of the whole meeting may keep or reset."""
    return list(
        db.session.scalars(
            sa.select(Occurrence)
            .where(
                Occurrence.series_id == series.id,
                Occurrence.end > clock.now(),
                sa.or_(Occurrence.start != Occurrence.original_start, Occurrence.status == OccurrenceStatus.CANCELLED),
            )
            .order_by(Occurrence.original_start)
        )
    )


def reset_session_changes(series: Series) -> None:
    """Put every upcoming session changed on its own back on the schedule (not moved, not cancelled)."""
    for row in changed_sessions(series):
        row.start = row.original_start
        row.end = row.original_start + timedelta(minutes=series.duration_minutes)
        row.status = OccurrenceStatus.SCHEDULED
        row.cancel_reason = None
    db.session.flush()


def extend_all_horizons() -> int:
    """Materialise new sessions as time moves on, and heal never-ending series that have no upcoming session
    (e.g. made before materialisation counted from now). Returns how many series it touched."""
    now = clock.now()
    cutoff = horizon_end() - timedelta(days=1)
    upcoming = sa.select(Occurrence.id).where(Occurrence.series_id == Series.id, Occurrence.original_start >= now)
    never_ending = sa.and_(Series.rrule.not_like("%COUNT=%"), Series.rrule.not_like("%UNTIL=%"))
    stale = db.session.scalars(
        sa.select(Series).where(
            Series.rrule.is_not(None),
            Series.status != SeriesStatus.CANCELLED,
            sa.or_(
                Series.materialized_until.is_(None),
                Series.materialized_until < cutoff,
                sa.and_(never_ending, ~upcoming.exists()),
            ),
        )
    ).all()
    for series in stale:
        last = db.session.scalar(
            sa.select(sa.func.max(Occurrence.original_start)).where(Occurrence.series_id == series.id)
        )
        since = max(now, last + timedelta(seconds=1)) if last else now
        sync_occurrences(series, since=since)
    return len(stale)
