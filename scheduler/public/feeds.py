"""Machine-readable public feeds: the Meeting Guide JSON for recovery-meeting directories."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Blueprint, Response, current_app, jsonify, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from scheduler.calendar import ics
from scheduler.extensions import db
from scheduler.meetings.models import Group, Series, SeriesStatus, Visibility
from scheduler.notifications import invites
from scheduler.public.meeting_guide import ListedMeeting, feed
from scheduler.web import found

feeds_bp = Blueprint("feeds", __name__)
FEED_CACHE_SECONDS = 3600


def calendar_response(name: str, events: list[ics.EventSpec], stamps: list[datetime], *, private: bool) -> Response:
    """A PUBLISH calendar with ETag and Last-Modified, answering conditional requests with 304.

    DTSTAMP is the time of the last change, not of the request, so an unchanged calendar has an unchanged ETag.
    """
    last_change = max(stamps, default=datetime(2020, 1, 1, tzinfo=UTC)).astimezone(UTC).replace(microsecond=0)
    body = ics.publish_feed(name, events, last_change)
    response = Response(body, mimetype="text/calendar")
    response.content_type = "text/calendar; charset=utf-8"
    response.set_etag(hashlib.sha256(body).hexdigest())
    response.last_modified = last_change
    response.headers["Cache-Control"] = ("private" if private else "public") + f", max-age={FEED_CACHE_SECONDS}"
    if private:
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Robots-Tag"] = "noindex"
    return response.make_conditional(request)


@feeds_bp.get("/groups/<slug>/calendar.ics")
def group_calendar(slug: str) -> Response:
    """A group's published meetings for calendar apps: no join links, only the way to the meeting's page."""
    group = found(db.session.scalar(sa.select(Group).where(Group.slug == slug)))
    series_list = db.session.scalars(
        sa.select(Series)
        .where(Series.group_id == group.id, Series.status == SeriesStatus.PUBLISHED)
        .order_by(Series.id)
    ).all()
    events, stamps = [], [group.created_at]
    with force_locale(group.language):
        for series in series_list:
            page = _absolute(url_for("public.meeting", series_id=series.id))
            text = "\n\n".join(
                part
                for part in (series.description.strip(), _("Sign up on the meeting page: %(url)s", url=page))
                if part
            )
            spec = invites.series_event(series, text=text, join_url=None)
            events.append(replace(spec, summary=series.title, url=page))
            stamps.append(series.updated_at)
            stamps += [o.updated_at for o in series.occurrences]
        name = group.name
    return calendar_response(name, events, stamps, private=False)


def _absolute(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


@feeds_bp.get("/feeds/meeting-guide.json")
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
