"""The worker job that alerts the backup host and the organizers when nobody confirmed hosting a session.

Safe with several workers: a session's alert is claimed by one conditional UPDATE (alerted_at IS NULL and
nobody confirmed), and the outbox's unique dedupe key stops a second copy of any email.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from scheduler import clock
from scheduler.counseling import notices
from scheduler.counseling.models import SessionHosting
from scheduler.extensions import db
from scheduler.meetings.models import Occurrence, OccurrenceStatus, Series, SeriesStatus


def due_for_alert(now: datetime) -> list[Occurrence]:
    """Scheduled sessions of published meetings with a host, starting within the alert window, with no
    confirmation and no alert yet."""
    lead = timedelta(hours=current_app.config["HOST_ALERT_HOURS_BEFORE"])
    settled = sa.select(SessionHosting.occurrence_id).where(
        sa.or_(SessionHosting.confirmed_at.is_not(None), SessionHosting.alerted_at.is_not(None))
    )
    return list(
        db.session.scalars(
            sa.select(Occurrence)
            .join(Series, Series.id == Occurrence.series_id)
            .where(Occurrence.status == OccurrenceStatus.SCHEDULED, Series.status == SeriesStatus.PUBLISHED)
            .where(Series.host_id.is_not(None))
            .where(Occurrence.start > now, Occurrence.start <= now + lead)
            .where(Occurrence.id.not_in(settled))
            .order_by(Occurrence.start, Occurrence.id)
        )
    )


def claim(occurrence_id: int, now: datetime) -> bool:
    """True for exactly one caller per session, and only while nobody has confirmed hosting it."""
    if db.session.get(SessionHosting, occurrence_id) is None:
        try:
            with db.session.begin_nested():
                db.session.add(SessionHosting(occurrence_id=occurrence_id))
        except IntegrityError:
            pass  # another worker created the row first; the UPDATE below decides
    result = db.session.execute(
        sa.update(SessionHosting)
        .where(
            SessionHosting.occurrence_id == occurrence_id,
            SessionHosting.alerted_at.is_(None),
            SessionHosting.confirmed_at.is_(None),
        )
        .values(alerted_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0) == 1  # type: ignore[attr-defined]


def send_host_alerts() -> int:
    """Worker job. Returns the number of sessions alerted."""
    now = clock.now()
    alerted = 0
    for occurrence in due_for_alert(now):
        if claim(occurrence.id, now):
            notices.host_alert(occurrence)
            alerted += 1
    return alerted
