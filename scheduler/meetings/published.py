"""A meeting as visitors see it, for its public page and its sign-up form: anything but a draft, with what those
pages show loaded in the same statement. Read-only."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from scheduler.extensions import db
from scheduler.meetings.models import Series, SeriesStatus


def meeting(series_id: int, *, details: bool = True) -> Series | None:
    """A meeting for its public page: anything but a draft, in public or unlisted groups. ``details=False``: with
    its group only (the hosts and speakers load if asked for), for a sign-up POST that shows no page."""
    options = [so.joinedload(Series.group)]
    if details:
        options += [so.joinedload(Series.host), so.joinedload(Series.backup_host), so.selectinload(Series.speakers)]
    return db.session.scalar(
        sa.select(Series).where(Series.id == series_id, Series.status != SeriesStatus.DRAFT).options(*options)
    )
