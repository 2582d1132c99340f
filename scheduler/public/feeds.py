"""Machine-readable public feeds: the Meeting Guide JSON for recovery-meeting directories."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Blueprint, Response, current_app, jsonify, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.http import is_resource_modified

from scheduler.calendar import ics
from scheduler.extensions import db
from scheduler.meetings.models import Group, Occurrence, Series, SeriesStatus, Visibility
from scheduler.notifications import invites
from scheduler.public.meeting_guide import ListedMeeting, feed
from scheduler.web import found

feeds_bp = Blueprint("feeds", __name__)
FEED_CACHE_SECONDS = 3600
_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def calendar_response(
    version: object,
    last_change: datetime | None,
    build: Callable[[], tuple[str, list[ics.EventSpec]]],
    *,
    private: bool,
    empty_tzid: str = "UTC",
) -> Response:
    """A PUBLISH calendar with ETag and Last-Modified; a conditional request that matches gets 304 at once.

    ``version`` is what the calendar is made from, read cheaply (counts and latest changes); its hash is the
    ETag, so a calendar app polling an unchanged feed costs no rendering at all. ``build`` makes the body.
    DTSTAMP is the time of the last change, not of the request, so an unchanged calendar reads the same.
    """
    last_change = (last_change or _EPOCH).astimezone(UTC).replace(microsecond=0)
    response = Response(mimetype="text/calendar")
    response.content_type = "text/calendar; charset=utf-8"
    etag = hashlib.sha256(repr((version, current_app.config["PUBLIC_BASE_URL"])).encode()).hexdigest()
    response.set_etag(etag)
    response.last_modified = last_change
    response.headers["Cache-Control"] = ("private" if private else "public") + f", max-age={FEED_CACHE_SECONDS}"
    if private:
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Robots-Tag"] = "noindex"
    if not is_resource_modified(request.environ, etag=etag, last_modified=last_change):
        response.status_code = 304
        return response
    name, events = build()
    response.set_data(ics.publish_feed(name, events, last_change, empty_tzid=empty_tzid))
    return response


def _group_version(group: Group) -> tuple[object, ...]:
    """One aggregate query: how many meetings and sessions the feed holds and when they last changed."""
    row = db.session.execute(
        sa.select(
            sa.func.count(sa.distinct(Series.id)),
            sa.func.max(Series.updated_at),
            sa.func.count(Occurrence.id),
            sa.func.max(Occurrence.updated_at),
        )
        .select_from(Series)
        .outerjoin(Occurrence, Occurrence.series_id == Series.id)
        .where(Series.group_id == group.id, Series.status == SeriesStatus.PUBLISHED)
    ).one()
    return (group.id, group.name, group.language, group.discreet, group.helpline, *row)


@feeds_bp.get("/groups/<slug>/calendar.ics")
def group_calendar(slug: str) -> Response:
    """A group's published meetings for calendar apps: no join links, only the way to the meeting's page."""
    group = found(db.session.scalar(sa.select(Group).where(Group.slug == slug)))
    version = _group_version(group)
    stamps = [stamp for stamp in (group.created_at, version[-3], version[-1]) if stamp is not None]
    return calendar_response(
        version, max(stamps, key=_aware), lambda: _group_events(group), private=False, empty_tzid=group.timezone
    )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _group_events(group: Group) -> tuple[str, list[ics.EventSpec]]:
    """Two queries whatever the number of meetings: the meetings, then all their sessions."""
    series_list = db.session.scalars(
        sa.select(Series)
        .where(Series.group_id == group.id, Series.status == SeriesStatus.PUBLISHED)
        .order_by(Series.id)
    ).all()
    sessions: dict[int, list[Occurrence]] = {series.id: [] for series in series_list}
    for row in db.session.scalars(sa.select(Occurrence).where(Occurrence.series_id.in_(list(sessions)))):
        sessions[row.series_id].append(row)
    events = []
    with force_locale(group.language):
        sign_up = _("Sign up on the meeting page: %(url)s", url="\0")
        for series in series_list:
            page = _absolute(url_for("public.meeting", series_id=series.id))
            text = "\n\n".join(part for part in (series.description.strip(), sign_up.replace("\0", page)) if part)
            spec = invites.series_event(series, text=text, join_url=None, sessions=sessions[series.id])
            events.append(replace(spec, summary=series.title, url=page))
        name = group.name
    return name, events


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
