"""The public API's queries: keyset pages (a cursor is the last row's sort key), one statement each, whatever
the size of the network. Only published meetings, and only public groups unless a group is asked for by slug
(as its page does for unlisted groups)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from scheduler.extensions import db
from scheduler.meetings.models import Group, Occurrence, Series, SeriesStatus, Visibility


def _page(rows: Sequence, limit: int) -> tuple[list, bool]:
    return list(rows[:limit]), len(rows) > limit


def groups(after_id: int | None, limit: int) -> tuple[list[Group], bool]:
    query = sa.select(Group).where(Group.visibility == Visibility.PUBLIC).order_by(Group.id).limit(limit + 1)
    if after_id is not None:
        query = query.where(Group.id > after_id)
    return _page(db.session.scalars(query).all(), limit)


def group(slug: str) -> Group | None:
    return db.session.scalar(sa.select(Group).where(Group.slug == slug))


def _scope(query: sa.Select, group_row: Group | None) -> sa.Select:
    if group_row is not None:
        return query.where(Series.group_id == group_row.id)
    return query.where(Group.visibility == Visibility.PUBLIC)


def meetings(group_row: Group | None, after_id: int | None, limit: int) -> tuple[list[Series], bool]:
    query = (
        sa.select(Series)
        .join(Series.group)
        .where(Series.status == SeriesStatus.PUBLISHED)
        .options(so.contains_eager(Series.group))
        .order_by(Series.id)
        .limit(limit + 1)
    )
    if after_id is not None:
        query = query.where(Series.id > after_id)
    return _page(db.session.scalars(_scope(query, group_row)).unique().all(), limit)


def meeting(series_id: int) -> Series | None:
    return db.session.scalar(
        sa.select(Series)
        .where(Series.id == series_id, Series.status.in_([SeriesStatus.PUBLISHED, SeriesStatus.CANCELLED]))
        .options(so.joinedload(Series.group))
    )


def sessions(
    group_row: Group | None,
    start: datetime,
    end: datetime,
    after: tuple[datetime, int] | None,
    limit: int,
    *,
    series_id: int | None = None,
) -> tuple[list[Occurrence], bool]:
    """Sessions (cancelled ones included) of published meetings starting in [start, end), in start order."""
    query = (
        sa.select(Occurrence)
        .join(Occurrence.series)
        .join(Series.group)
        .where(Series.status == SeriesStatus.PUBLISHED, Occurrence.start >= start, Occurrence.start < end)
        .options(so.contains_eager(Occurrence.series).contains_eager(Series.group))
        .order_by(Occurrence.start, Occurrence.id)
        .limit(limit + 1)
    )
    if series_id is not None:
        query = query.where(Occurrence.series_id == series_id)
    if after is not None:
        query = query.where(
            sa.or_(Occurrence.start > after[0], sa.and_(Occurrence.start == after[0], Occurrence.id > after[1]))
        )
    return _page(db.session.scalars(_scope(query, group_row)).unique().all(), limit)
