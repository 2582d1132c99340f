"""The personal calendar feed: a revocable subscription URL with the person's confirmed sessions.

Offered on the manage page as https, webcal:// and a Google Calendar "add by URL" link. The join link inside
each event goes through the feed's own secret (/feed/<secret>/join/<rsvp>), so polling issues no new tokens.
Calendar apps poll slowly (Google every 8–24 h): urgent changes always go by email as well.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from scheduler.calendar import ics
from scheduler.extensions import db
from scheduler.notifications import invites
from scheduler.participants import links, queries
from scheduler.participants.tokens import Purpose
from scheduler.personal.views import ViewResult, own_rsvp, participant_for, show_join
from scheduler.public.feeds import calendar_response


def feed_urls(secret: str) -> dict[str, str]:
    https = links.absolute_url("personal.personal_feed", token=secret)
    webcal = "webcal://" + https.split("://", 1)[1]
    return {
        "https": https,
        "webcal": webcal,
        "google": "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe=""),
    }


def create_feed(token: str) -> str:
    """POST from the manage page: a new subscription link (older ones keep working until revoked)."""
    participant = participant_for(token)
    secret = links.issue(Purpose.FEED, participant)
    db.session.commit()
    return render_template("personal/feed.html", urls=feed_urls(secret), manage_token=token)


def revoke_feeds(token: str) -> str:
    participant = participant_for(token)
    links.revoke(Purpose.FEED, participant_id=participant.id)
    db.session.commit()
    return render_template("personal/feed.html", urls=None, manage_token=token, revoked=True)


def personal_feed(token: str) -> BaseResponse:
    participant = links.participant_for(Purpose.FEED, token)
    version = queries.confirmed_sessions_version(participant)

    def build() -> tuple[str, list[ics.EventSpec]]:
        events = []
        with force_locale(participant.language):
            text = _(
                "Your personal join link opens shortly before the start: %(url)s. Please do not share it.", url="\0"
            )
            join_urls: dict[int, str] = {}
            for rsvp, occurrence in queries.confirmed_sessions(participant):
                if rsvp.id not in join_urls:  # one link per meeting, not per session
                    join_urls[rsvp.id] = links.absolute_url("personal.feed_join", token=token, rsvp_id=rsvp.id)
                join_url = join_urls[rsvp.id]
                events.append(
                    invites.session_event(rsvp.series, occurrence, text=text.replace("\0", join_url), join_url=join_url)
                )
            name = _("My meetings")
        return name, events

    return calendar_response(
        (participant.id, participant.language, *version),
        version[1],
        build,
        private=True,
        empty_tzid=participant.timezone,
    )


def feed_join(token: str, rsvp_id: int) -> ViewResult:
    return show_join(own_rsvp(links.participant_for(Purpose.FEED, token), rsvp_id))
