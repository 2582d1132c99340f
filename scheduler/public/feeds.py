"""Machine-readable public feeds: the Meeting Guide JSON for recovery-meeting directories."""

from __future__ import annotations

from datetime import UTC

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Blueprint, Response, current_app, jsonify, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from scheduler.extensions import db
from scheduler.meetings.models import Group, Series, SeriesStatus, Visibility
from scheduler.public.meeting_guide import ListedMeeting, feed

feeds_bp = Blueprint("feeds", __name__, url_prefix="/feeds")


def _absolute(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


@feeds_bp.get("/meeting-guide.json")
def meeting_guide() -> Response:
    """Weekly, published meetings of public groups; takes no parameters (the format asks for that)."""
    rows = db.session.scalars(
        sa.select(Series)
        .join(Group)
        .where(
            Series.status == SeriesStatus.PUBLISHED, Group.visibility == Visibility.PUBLIC, Series.rrule.is_not(None)
        )
        .options(so.contains_eager(Series.group))
        .order_by(Series.id)
    ).all()
    meetings = []
    for series in rows:
        if "UNTIL=" in (series.rrule or "") or "COUNT=" in (series.rrule or ""):
            continue  # directories list standing weekly meetings, not courses that end
        with force_locale(series.language):
            rsvp_notes = _("This meeting is online. Sign up on the meeting page to receive your personal join link.")
        meetings.append(
            ListedMeeting(
                slug=f"{series.group.slug}-{series.id}",
                name=series.title,
                group=series.group.name,
                notes=series.description,
                rrule=series.rrule,
                local_start=series.local_start,
                duration_minutes=series.duration_minutes,
                timezone=series.timezone,
                language=series.language,
                closed=series.access == "closed",
                updated=series.updated_at.astimezone(UTC),
                url=_absolute(url_for("public.meeting", series_id=series.id)) + "#rsvp",
                rsvp_notes=rsvp_notes,
            )
        )
    response = jsonify(feed(meetings))
    response.headers["Cache-Control"] = "public, max-age=900"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
