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
from scheduler.meetings.services import MAX_DURATION_MINUTES

DEFAULT_DAYS = 14
MAX_DAYS = 60
MEETING_PAGE_SESSIONS = 8
PAGE_SIZE = 40  # sessions per schedule page, whatever the size of the network
# No session lasts longer than this, so "has not ended" can be bounded below on `start` and use its index.
LONGEST_SESSION = timedelta(minutes=MAX_DURATION_MINUTES)


@dataclass(frozen=True)
class ScheduleFilters:
    """Already-validated filter values; None means "any"."""

    days: int = DEFAULT_DAYS
    topic: str | None = None
    language: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class SchedulePage:
    occurrences: Sequence[Occurrence]
    has_more: bool


def not_ended(now: datetime) -> sa.ColumnElement[bool]:
    """Sessions that have not ended, bounded on `start` so the index on it (alone or after series_id) is used."""
    return sa.and_(Occurrence.start > now - LONGEST_SESSION, Occurrence.end > now)


def schedule_page(
    filters: ScheduleFilters,
    *,
    windows: Sequence[tuple[datetime, datetime]] | None = None,
    page: int = 1,
    size: int = PAGE_SIZE,
    now: datetime | None = None,
) -> SchedulePage:
    """One page of sessions (cancelled ones included) of published meetings of public groups that have not
    ended and start within `filters.days` days, in start order; `windows` (UTC start ranges) narrow it to some
    days. Two statements: sessions joined with their meeting and group, then the speakers of those meetings."""
    now = now or clock.now()
    query = (
        sa.select(Occurrence)
        .join(Occurrence.series)
        .join(Series.group)
        .where(
            Series.status == SeriesStatus.PUBLISHED,
            Group.visibility == Visibility.PUBLIC,
            not_ended(now),
            Occurrence.start < now + timedelta(days=filters.days),
        )
        .options(so.contains_eager(Occurrence.series).contains_eager(Series.group))
        .order_by(Occurrence.start, Occurrence.id)  # the index order: the database stops after one page
        .offset((page - 1) * size)
        .limit(size + 1)
    )
    if windows is not None:
        query = query.where(
            sa.or_(sa.false(), *(sa.and_(Occurrence.start >= a, Occurrence.start < b) for a, b in windows))
        )
    if filters.topic:
        query = query.where(Group.topic == filters.topic)
    if filters.language:
        query = query.where(Series.language == filters.language)
    if filters.kind:
        query = query.where(Series.kind == filters.kind)
    rows = db.session.scalars(query).unique().all()
    return SchedulePage(occurrences=rows[:size], has_more=len(rows) > size)


def meeting(series_id: int, *, details: bool = True) -> Series | None:
    """A meeting for its public page: anything but a draft, in public or unlisted groups. ``details=False``: with
    its group only (the hosts and speakers load if asked for), for a sign-up POST that shows no page."""
    options = [so.joinedload(Series.group)]
    if details:
        options += [so.joinedload(Series.host), so.joinedload(Series.backup_host), so.selectinload(Series.speakers)]
    return db.session.scalar(
        sa.select(Series).where(Series.id == series_id, Series.status != SeriesStatus.DRAFT).options(*options)
    )


def upcoming_sessions(
    series: Series, limit: int = MEETING_PAGE_SESSIONS, now: datetime | None = None
) -> list[Occurrence]:
    """The next sessions of one meeting that have not ended, cancelled ones included."""
    now = now or clock.now()
    return list(
        db.session.scalars(
            sa.select(Occurrence)
            .where(Occurrence.series_id == series.id, not_ended(now))
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
            not_ended(now),
            Occurrence.status != OccurrenceStatus.CANCELLED,
        )
        .group_by(Occurrence.series_id)
    )
    return {series_id: start for series_id, start in rows}
