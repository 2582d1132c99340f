"""Taking back the cancellation of a whole meeting within minutes, before anyone is told (the cancellation
messages are held as long; see notifications/calendar_updates.meeting_cancelled). Services flush; callers commit."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from scheduler import clock
from scheduler.extensions import db
from scheduler.meetings import changes
from scheduler.meetings.models import Occurrence, OccurrenceStatus, Series, SeriesStatus
from scheduler.rules import RuleError

RESTORE_WINDOW = timedelta(minutes=10)  # as long as the cancellation emails are held (notifications.outbox)


def restore_deadline(series: Series) -> datetime | None:
    """Until when a cancelled meeting can be restored without anyone having been told (None: it cannot)."""
    if series.status != SeriesStatus.CANCELLED:
        return None
    deadline = series.updated_at + RESTORE_WINDOW
    return deadline if deadline > clock.now() else None


def restore_series(series: Series) -> None:
    """Within RESTORE_WINDOW of cancelling: the meeting is published again with the sessions the cancellation
    cancelled (not those cancelled on their own before), and the held cancellation emails are withdrawn."""
    if series.status != SeriesStatus.CANCELLED:
        raise RuleError({"reason": [str(_l("This meeting is not cancelled."))]})
    if restore_deadline(series) is None:
        raise RuleError({"reason": [str(changes.TOO_LATE_TO_RESTORE)]})
    cancelled_at = series.updated_at
    for occurrence in db.session.scalars(
        sa.select(Occurrence).where(
            Occurrence.series_id == series.id,
            Occurrence.end > clock.now(),
            Occurrence.status == OccurrenceStatus.CANCELLED,
            Occurrence.updated_at >= cancelled_at,  # cancelled with the meeting, in the same flush or after it
        )
    ):
        occurrence.status = OccurrenceStatus.SCHEDULED
        occurrence.cancel_reason = None
    series.status = SeriesStatus.PUBLISHED
    changes.changed(series, "restored", calendar=changes.CalendarChange.MEETING_RESTORED)
