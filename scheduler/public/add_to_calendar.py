"""Before signing up: a meeting into one's own calendar without any join link (an .ics file, or Google Calendar /
Outlook.com "add event" links), and a link to share the meeting page. The calendar object is the one the group
feed uses (`invites.series_event` with no join link, `ics.publish_feed`); nothing here is personal."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Response, current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from scheduler import timefmt
from scheduler.calendar import ics, web_links
from scheduler.extensions import db
from scheduler.meetings import published
from scheduler.meetings.models import Occurrence, OccurrenceStatus, Series
from scheduler.notifications import invites
from scheduler.public.feeds import calendar_response
from scheduler.public.views import public_bp
from scheduler.web import found


@dataclass(frozen=True)
class CalendarLinks:
    ics_url: str
    google_url: str
    outlook_url: str | None  # None when no session is coming
    outlook_start: datetime | None  # the session the Outlook.com link holds
    recurring: bool
    share_url: str


def _absolute(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def _title(series: Series) -> str:
    return invites.summary(series)  # a neutral title for discreet groups, as in every calendar we send


def _details(series: Series, page: str) -> str:
    """The meeting's description (not for discreet groups) and the way to sign up: never a join link."""
    sign_up = _("Sign up on the meeting page to receive your personal join link: %(url)s", url=page)
    text = "" if series.group.discreet else series.description.strip()
    return "\n\n".join(part for part in (text, sign_up) if part)


def calendar_links(series: Series, sessions: list[Occurrence], *, single: bool = False) -> CalendarLinks:
    """The links for a meeting; `sessions` are its next sessions, already loaded (no query here). `single`:
    only the next of them (someone signed up for one session), not the whole rule."""
    page = _absolute(url_for("public.meeting", series_id=series.id))
    title, details = _title(series), _details(series, page)
    upcoming = [s for s in sessions if s.status != OccurrenceStatus.CANCELLED]
    following = upcoming[0] if upcoming else None
    # A recurring meeting goes in whole (its first start and its rule, as in the .ics); a single one as it is.
    recurring = bool(series.rrule) and not single
    local_start, local_end = series.local_start, series.local_start + timedelta(minutes=series.duration_minutes)
    if not recurring and following is not None:
        local_start = timefmt.local(following.start, series.timezone).replace(tzinfo=None)
        local_end = timefmt.local(following.end, series.timezone).replace(tzinfo=None)
    google = web_links.google_url(
        title=title,
        details=details,
        local_start=local_start,
        local_end=local_end,
        tzid=series.timezone,
        rrule=series.rrule if recurring else None,
    )
    outlook = (
        web_links.outlook_url(title=title, details=details, start=following.start, end=following.end)
        if following is not None
        else None
    )
    return CalendarLinks(
        ics_url=url_for("public.meeting_calendar", series_id=series.id),
        google_url=google,
        outlook_url=outlook,
        outlook_start=following.start if following is not None else None,
        recurring=recurring,
        share_url=page,
    )


@public_bp.app_template_global("meeting_calendar_links")
def meeting_calendar_links(series: Series, sessions: list[Occurrence], single: bool = False) -> CalendarLinks:
    return calendar_links(series, sessions, single=single)


@public_bp.get("/meetings/<int:series_id>/calendar.ics")
def meeting_calendar(series_id: int) -> Response:
    """The meeting as an .ics file to open in any calendar app: all its sessions, no join link, no attendee."""
    series = found(published.meeting(series_id))  # drafts are not found
    version = db.session.execute(
        sa.select(sa.func.count(Occurrence.id), sa.func.max(Occurrence.updated_at)).where(
            Occurrence.series_id == series.id
        )
    ).one()
    stamps = [stamp for stamp in (series.updated_at, version[1]) if stamp is not None]
    response = calendar_response(
        (series.id, series.sequence, series.updated_at, series.group.discreet, *version),
        max(stamps),
        lambda: _events(series),
        private=False,
        empty_tzid=series.timezone,
    )
    response.headers["Content-Disposition"] = f'attachment; filename="meeting-{series.id}.ics"'
    return response


def _events(series: Series) -> tuple[str, list[ics.EventSpec]]:
    sessions = list(db.session.scalars(sa.select(Occurrence).where(Occurrence.series_id == series.id)))
    with force_locale(series.language):
        page = _absolute(url_for("public.meeting", series_id=series.id))
        spec = invites.series_event(series, text=_details(series, page), join_url=None, sessions=sessions)
        title = _title(series)
    return title, [replace(spec, url=page)]
