"""Read-side queries for the public pages. Each function issues a fixed number of SQL statements,
whatever the number of meetings: series, groups, hosts and speakers are loaded eagerly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from scheduler import clock
from scheduler.extensions import db
from scheduler.meetings.models import Group, Occurrence, OccurrenceStatus, Series, SeriesStatus, Visibility

DEFAULT_DAYS = 14
MAX_DAYS = 60
MEETING_PAGE_SESSIONS = 8


@dataclass(frozen=True)
class ScheduleFilters:
    """Already-validated filter values; None means "any"."""

    days: int = DEFAULT_DAYS
    topic: str | None = None
    language: str | None = None
    kind: str | None = None


def schedule_occurrences(filters: ScheduleFilters, now: datetime | None = None) -> Sequence[Occurrence]:
    """Sessions (cancelled ones included) of published meetings of public groups that have not ended
    and start within `filters.days` days, in start order. Two statements: occurrences joined with
    their series and group, then the speakers of those series."""
    now = now or clock.now()
    query = (
        sa.select(Occurrence)
        .join(Occurrence.series)
        .join(Series.group)
        .where(
            Series.status == SeriesStatus.PUBLISHED,
            Group.visibility == Visibility.PUBLIC,
            Occurrence.end > now,
            Occurrence.start < now + timedelta(days=filters.days),
        )
        .options(
            so.contains_eager(Occurrence.series).contains_eager(Series.group),
            so.contains_eager(Occurrence.series).selectinload(Series.speakers),
        )
        .order_by(Occurrence.start, Series.title, Occurrence.id)
    )
    if filters.topic:
        query = query.where(Group.topic == filters.topic)
    if filters.language:
        query = query.where(Series.language == filters.language)
    if filters.kind:
        query = query.where(Series.kind == filters.kind)
    return db.session.scalars(query).unique().all()


def meeting(series_id: int) -> Series | None:
    """A meeting for its public page: anything but a draft, in public or unlisted groups."""
    return db.session.scalar(
        sa.select(Series)
        .where(Series.id == series_id, Series.status != SeriesStatus.DRAFT)
        .options(
            so.joinedload(Series.group),
            so.joinedload(Series.host),
            so.joinedload(Series.backup_host),
            so.selectinload(Series.speakers),
        )
    )


def upcoming_sessions(
    series: Series, limit: int = MEETING_PAGE_SESSIONS, now: datetime | None = None
) -> list[Occurrence]:
    """The next sessions of one meeting that have not ended, cancelled ones included."""
    now = now or clock.now()
    return list(
        db.session.scalars(
            sa.select(Occurrence)
            .where(Occurrence.series_id == series.id, Occurrence.end > now)
            .order_by(Occurrence.start, Occurrence.id)
            .limit(limit)
        )
    )


def group_by_slug(slug: str) -> Group | None:
    return db.session.scalar(sa.select(Group).where(Group.slug == slug))


def group_meetings(group: Group) -> list[Series]:
    """Published meetings of a group, by title, with their speakers."""
    return list(
        db.session.scalars(
            sa.select(Series)
            .where(Series.group_id == group.id, Series.status == SeriesStatus.PUBLISHED)
            .options(so.selectinload(Series.speakers))
            .order_by(Series.title, Series.id)
        )
    )


def next_starts(series_ids: Sequence[int], now: datetime | None = None) -> dict[int, datetime]:
    """The start of each meeting's next scheduled (not cancelled) session, in one statement."""
    if not series_ids:
        return {}
    now = now or clock.now()
    rows = db.session.execute(
        sa.select(Occurrence.series_id, sa.func.min(Occurrence.start))
        .where(
            Occurrence.series_id.in_(series_ids),
            Occurrence.end > now,
            Occurrence.status != OccurrenceStatus.CANCELLED,
        )
        .group_by(Occurrence.series_id)
    )
    return {series_id: start for series_id, start in rows}
