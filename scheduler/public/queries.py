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
from scheduler.meetings import search_text
from scheduler.meetings.models import (
    Group,
    Occurrence,
    OccurrenceStatus,
    Series,
    SeriesKind,
    SeriesStatus,
    Visibility,
)
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


SOON = timedelta(hours=2)  # "starting soon": sessions in progress or starting within this time
SEARCH_MAX = 80  # characters of a search; longer input is cut


@dataclass(frozen=True)
class EventFilters:
    """Filters of the upcoming-events list and the "now" page; `text` is the search, already normalized."""

    text: str | None = None
    topic: str | None = None
    language: str | None = None
    kind: str | None = None


def normalize_search(raw: str) -> str:
    """What a search is matched with: folded as the meetings' search text is, cut to SEARCH_MAX characters."""
    return search_text.fold(raw[: SEARCH_MAX * 4])[:SEARCH_MAX]


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _matches(text: str) -> sa.ColumnElement[bool]:
    """Case- and accent-insensitive match on the meeting's title or its group's name: the folded text (see
    meetings/search_text.py) is stored on the meeting, so both databases compare the same characters."""
    return Series.search_text.like(_like_pattern(text), escape="\\")


def _filtered(query: sa.Select, filters: EventFilters, now: datetime) -> sa.Select:
    query = query.where(Series.status == SeriesStatus.PUBLISHED, Group.visibility == Visibility.PUBLIC, not_ended(now))
    if filters.text:
        query = query.where(_matches(filters.text))
    if filters.topic:
        query = query.where(Group.topic == filters.topic)
    if filters.language:
        query = query.where(Series.language == filters.language)
    if filters.kind:
        query = query.where(Series.kind == filters.kind)
    return query


def _public_sessions(filters: EventFilters, now: datetime) -> sa.Select[tuple[Occurrence]]:
    query = (
        sa.select(Occurrence)
        .join(Occurrence.series)
        .join(Series.group)
        .options(so.contains_eager(Occurrence.series).contains_eager(Series.group))
        .order_by(Occurrence.start, Occurrence.id)
    )
    return _filtered(query, filters, now)


def _next_session_of_each(filters: EventFilters, now: datetime) -> sa.Select[tuple[Occurrence]]:
    """One row per matching meeting, its next session that is not cancelled (a weekly meeting does not fill
    the page with its own weeks): the matching meetings first, then their next start on (series_id, start)."""
    next_start = _filtered(
        sa.select(Occurrence.series_id, sa.func.min(Occurrence.start).label("start"))
        .join(Occurrence.series)
        .join(Series.group)
        .where(Occurrence.status != OccurrenceStatus.CANCELLED)
        .group_by(Occurrence.series_id),
        filters,
        now,
    ).subquery()
    return (
        sa.select(Occurrence)
        .join(
            next_start,
            sa.and_(Occurrence.series_id == next_start.c.series_id, Occurrence.start == next_start.c.start),
        )
        .join(Occurrence.series)
        .join(Series.group)
        .options(so.contains_eager(Occurrence.series).contains_eager(Series.group))
        .order_by(Occurrence.start, Occurrence.id)
    )


def _page(query: sa.Select[tuple[Occurrence]], page: int, size: int) -> SchedulePage:
    rows = db.session.scalars(query.offset((page - 1) * size).limit(size + 1)).unique().all()
    return SchedulePage(occurrences=rows[:size], has_more=len(rows) > size)


def upcoming_events(
    filters: EventFilters, *, page: int = 1, size: int = PAGE_SIZE, now: datetime | None = None
) -> SchedulePage:
    """Sessions of webinars and one-off meetings at any distance (the schedule stops at MAX_DAYS), in start
    order, read along the index on `start` and stopping after one page; with a search, the next session of
    every meeting that matches it. One statement either way."""
    now = now or clock.now()
    if filters.text:
        return _page(_next_session_of_each(filters, now), page, size)
    query = _public_sessions(filters, now).where(sa.or_(Series.rrule.is_(None), Series.kind == SeriesKind.WEBINAR))
    return _page(query, page, size)


def starting_soon(filters: EventFilters, *, size: int = PAGE_SIZE, now: datetime | None = None) -> SchedulePage:
    """Sessions in progress or starting within SOON, in start order: one statement."""
    now = now or clock.now()
    query = _public_sessions(filters, now).where(
        Occurrence.start < now + SOON, Occurrence.status != OccurrenceStatus.CANCELLED
    )
    return _page(query, 1, size)
