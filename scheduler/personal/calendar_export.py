""" "Download my calendar": the person's confirmed upcoming sessions as one iCalendar file.

Each session is its own event in the meeting's own zone; discreet groups get a neutral title. The only
link inside is the person's own join link (/j/...), never the video URL.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from scheduler import clock, timefmt
from scheduler.calendar import ics
from scheduler.notifications import invites
from scheduler.participants import links, queries
from scheduler.participants.models import Participant
from scheduler.participants.tokens import Purpose


def my_calendar(participant: Participant) -> bytes:
    """Issues one join link per meeting (the caller commits) and returns the calendar file."""
    join_urls: dict[int, str] = {}
    events = []
    with force_locale(participant.language):
        for rsvp, occurrence in queries.confirmed_sessions(participant):
            series = rsvp.series
            if rsvp.id not in join_urls:
                join_urls[rsvp.id] = links.url_for_secret(Purpose.JOIN, links.issue(Purpose.JOIN, participant, rsvp))
            summary = _("Online meeting") if series.group.discreet else series.title
            description = _(
                "Your personal join link opens shortly before the start: %(url)s. Please do not share it.",
                url=join_urls[rsvp.id],
            )
            events.append(
                ics.EventSpec(
                    uid=invites.single_session_uid(series, occurrence.id),
                    sequence=series.sequence,
                    tzid=series.timezone,
                    local_start=timefmt.local(occurrence.start, series.timezone).replace(tzinfo=None),
                    duration=occurrence.end - occurrence.start,
                    rrule=None,
                    summary=summary,
                    description=description,
                    location=None,
                    url=join_urls[rsvp.id],
                )
            )
        name = _("My meetings")
    return ics.publish_feed(name, events, clock.now())
