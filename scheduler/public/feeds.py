"""Machine-readable public feeds: the Meeting Guide JSON for recovery-meeting directories."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Blueprint, Response, current_app, jsonify, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.http import is_resource_modified

from scheduler import clock
from scheduler.calendar import ics
from scheduler.extensions import db
from scheduler.meetings.models import (
    Group,
    Occurrence,
    Series,
    SeriesStatus,
    Visibility,
    changed_session,
)
from scheduler.notifications import invites
from scheduler.public import versions
from scheduler.public.meeting_guide import ListedMeeting, feed
from scheduler.web import found

feeds_bp = Blueprint("feeds", __name__)
FEED_CACHE_SECONDS = 3600
FEED_CACHE_BYTES = 16 * 1024 * 1024  # per process: the feed bodies kept for repeated requests (FeedBodies)
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
    bodies = current_app.extensions.setdefault("feed_bodies", FeedBodies())
    body = bodies.get(request.path, etag)
    if body is None:
        name, events = build()
        body = ics.publish_feed(name, events, last_change, empty_tzid=empty_tzid)
        bodies.put(request.path, etag, body)
    response.set_data(body)
    return response


class FeedBodies:
    """The last bodies served, by path and ETag, in this process (FEED_CACHE_BYTES at most): a calendar app
    polling without a conditional request gets the unchanged calendar without it being built again. The ETag
    is made from the feed's version, so a change is a new key; old ones fall out, least recently used first."""

    def __init__(self) -> None:
        self._bodies: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, path: str, etag: str) -> bytes | None:
        with self._lock:
            body = self._bodies.get((path, etag))
            if body is not None:
                self._bodies.move_to_end((path, etag))
            return body

    def put(self, path: str, etag: str, body: bytes) -> None:
        limit = FEED_CACHE_BYTES
        if len(body) > limit // 8:
            return
        with self._lock:
            old = self._bodies.pop((path, etag), None)
            self._size += len(body) - (len(old) if old is not None else 0)
            self._bodies[(path, etag)] = body
            while self._size > limit:
                _key, dropped = self._bodies.popitem(last=False)
                self._size -= len(dropped)


FEED_PAST_DAYS = 90  # a subscription feed carries the sessions from about this long ago on (README: Calendar feeds)


def feed_window() -> tuple[datetime, datetime]:
    """[since, until): from the Monday (00:00 UTC) on or before FEED_PAST_DAYS ago, to past the last planned
    session (OCCURRENCE_HORIZON_DAYS ahead). Moves once a week, so an unchanged feed keeps its ETag all week."""
    first = clock.now().date() - timedelta(days=FEED_PAST_DAYS)
    since = datetime.combine(first - timedelta(days=first.weekday()), time(), tzinfo=UTC)
    ahead = FEED_PAST_DAYS + current_app.config["OCCURRENCE_HORIZON_DAYS"] + 14
    return since, since + timedelta(days=ahead)


def _group_version(group: Group, window: tuple[datetime, datetime]) -> tuple[tuple[object, ...], datetime | None]:
    """The change counter (one primary-key lookup, bumped by every change to groups, meetings and sessions),
    the group's own settings and the window: whatever the number of sessions."""
    value, changed_at = versions.current()
    return (group.id, group.name, group.language, group.discreet, group.helpline, value, *window), changed_at


@feeds_bp.get("/groups/<slug>/calendar.ics")
def group_calendar(slug: str) -> Response:
    """A group's published meetings for calendar apps: no join links, only the way to the meeting's page."""
    group = found(db.session.scalar(sa.select(Group).where(Group.slug == slug)))
    window = feed_window()
    version, changed_at = _group_version(group, window)
    stamps = [stamp for stamp in (group.created_at, changed_at) if stamp is not None]
    return calendar_response(
        version,
        max(stamps, key=_aware),
        lambda: _group_events(group, window),
        private=False,
        empty_tzid=group.timezone,
    )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def changed_sessions(series_list: list[Series], since: datetime, until: datetime) -> dict[int, list[Occurrence]]:
    """One index-backed query whatever the number of meetings and of past sessions: each series' session rows
    from ``since`` on that the RRULE alone does not give (cancelled, moved, near a clock change, one-offs)."""
    found: dict[int, list[Occurrence]] = {series.id: [] for series in series_list}
    if not found:
        return found
    instants = sorted({at for series in series_list for at in invites.clock_change_instants(series, since, until)})
    one_offs = [series.id for series in series_list if series.rrule is None]
    ids = list(found)
    # Each branch on its own index: the partial index of cancelled/moved sessions, the (series, original start)
    # key for the few sessions at a clock change and for one-off meetings (a handful of rows each).
    branches = [
        sa.select(Occurrence).where(
            Occurrence.series_id.in_(ids), Occurrence.original_start >= since, changed_session()
        )
    ]
    if instants:
        branches.append(
            sa.select(Occurrence).where(
                Occurrence.series_id.in_(ids),
                Occurrence.original_start.in_(instants),
                Occurrence.original_start >= since,
            )
        )
    if one_offs:
        branches.append(
            sa.select(Occurrence).where(Occurrence.series_id.in_(one_offs), Occurrence.original_start >= since)
        )
    statement = branches[0] if len(branches) == 1 else sa.select(Occurrence).from_statement(sa.union_all(*branches))
    rows = {row.id: row for row in db.session.scalars(statement)}  # a row may be in two branches
    for row in sorted(rows.values(), key=lambda row: row.original_start):
        found[row.series_id].append(row)
    return found


def _group_events(group: Group, window: tuple[datetime, datetime]) -> tuple[str, list[ics.EventSpec]]:
    """Two queries whatever the number of meetings and sessions: the meetings, then the sessions that differ
    from their rules in the window."""
    series_list = db.session.scalars(
        sa.select(Series)
        .where(Series.group_id == group.id, Series.status == SeriesStatus.PUBLISHED)
        .order_by(Series.id)
    ).all()
    since, until = window
    sessions = changed_sessions(list(series_list), since, until)
    events = []
    with force_locale(group.language):
        sign_up = _("Sign up on the meeting page: %(url)s", url="\0")
        base = _absolute(url_for("public.meeting", series_id=0))[: -len("0")]
        for series in series_list:
            page = f"{base}{series.id}"
            text = "\n\n".join(part for part in (series.description.strip(), sign_up.replace("\0", page)) if part)
            spec = invites.window_event(
                series,
                text=text,
                join_url=None,
                changed=sessions[series.id],
                since=since,
                until=until,
                title=series.title,
                page_url=page,
            )
            if spec is not None:
                events.append(spec)
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
