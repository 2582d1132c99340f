"""The emails a participant receives, written to the outbox in the recipient's language and time zone.

Discreet groups get a neutral subject and sender name, and every message starts with a neutral line, so a lock
screen shows nothing about addiction or depression. Each message carries the person's own links only, and a
helpline line at the bottom. Nothing here logs an address or a link.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from scheduler import clock, timefmt
from scheduler.extensions import db
from scheduler.meetings.models import Access, Group, Occurrence, Series, SeriesStatus, Visibility
from scheduler.notifications import discretion, invites, outbox
from scheduler.notifications.models import OutboxMessage
from scheduler.notifications.outbox import enqueue
from scheduler.participants import links
from scheduler.participants.models import UPCOMING, Rsvp, Seat
from scheduler.participants.tokens import Purpose

# (discreet subject, subject naming the meeting)
SUBJECTS = {
    "rsvp_confirm": (_l("Please confirm your sign-up"), _l("Please confirm: %(title)s")),
    "rsvp_already": (_l("Your sign-up link"), _l("Your sign-up: %(title)s")),
    "rsvp_welcome": (_l("You are signed up"), _l("You are signed up: %(title)s")),
    "rsvp_approved": (_l("Your request was accepted"), _l("Your request was accepted: %(title)s")),
    "rsvp_awaiting": (_l("We received your request"), _l("We received your request: %(title)s")),
    "rsvp_declined": (_l("About your request"), _l("About your request: %(title)s")),
    "waitlist_offer": (_l("A place is free for you"), _l("A place is free for you: %(title)s")),
    "waitlist_lapsed": (_l("About your waiting-list place"), _l("About your waiting-list place: %(title)s")),
    "session_cancelled": (_l("A session is cancelled"), _l("Cancelled session: %(title)s")),
    "session_moved": (_l("A session has a new time"), _l("New time for a session: %(title)s")),
    "schedule_changed": (_l("Your meeting's schedule has changed"), _l("New schedule: %(title)s")),
    "meeting_cancelled": (_l("A meeting has ended"), _l("Meeting cancelled: %(title)s")),
    "left_meeting": (_l("You have left a meeting"), _l("You have left: %(title)s")),
}
SESSIONS_SHOWN = 5


def when(instant: datetime, person_tz: str, home_tz: str, locale: str) -> str:
    """The time in the person's zone, zone named, and the meeting's own time when the clocks differ."""
    mine = timefmt.format_when(instant, person_tz, locale)
    if timefmt.local(instant, person_tz).utcoffset() == timefmt.local(instant, home_tz).utcoffset():
        return mine
    return _(
        "%(your_time)s (meeting time: %(home_time)s)",
        your_time=mine,
        home_time=timefmt.format_when(instant, home_tz, locale),
    )


def _queued(key: str) -> bool:
    return db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)) is not None


def _send(
    kind: str,
    key: str,
    rsvp: Rsvp,
    *,
    language: str | None = None,
    occurrence: Occurrence | None = None,
    calendar: Callable[[str, str], tuple[str, str]] | None = None,
    **context: Any,
) -> None:
    """Renders and queues one email; `calendar(join_url, manage_url)` may add an iCalendar part (text, METHOD)."""
    participant, series = rsvp.participant, rsvp.series
    group: Group = series.group
    lang = language or participant.language
    manage_url = links.url_for_secret(Purpose.MANAGE, links.issue(Purpose.MANAGE, participant))
    with force_locale(lang):
        values = {
            "name": participant.display_name,
            "series": series,
            "group": group,
            "manage_url": manage_url,
            "helpline": group.helpline
            or _("You are not alone. If you are in crisis, call your local emergency number or a helpline now."),
            "when": lambda instant: when(instant, participant.timezone, series.timezone, lang),
            "meeting_url": links.absolute_url("public.meeting", series_id=series.id),
            **context,
        }
        discreet_subject, named_subject = SUBJECTS[kind]
        subject = str(discreet_subject if group.discreet else named_subject) % {"title": series.title}
        text = render_template(f"email/{kind}.txt", **values)
        html = render_template(f"email/{kind}.html", **values)
        sender = discretion.sender_name(group)
        ics_text, method = calendar(context.get("join_url") or "", manage_url) if calendar else (None, None)
    enqueue(
        outbox.to_participant(
            participant,
            series,
            occurrence=occurrence,
            sender_name=sender,
            subject=subject,
            kind=kind,
            dedupe_key=key,
            body_text=text,
            body_html=html,
            language=lang,
            calendar=ics_text,
            calendar_method=method,
        )
    )


def _seat_lines(rsvp: Rsvp) -> list[tuple[Occurrence, str]]:
    rows = db.session.execute(
        sa.select(Occurrence, Seat.status)
        .join(Seat, Seat.occurrence_id == Occurrence.id)
        .where(Seat.rsvp_id == rsvp.id, Seat.status.in_(UPCOMING), Occurrence.start > clock.now())
        .order_by(Occurrence.start)
        .limit(SESSIONS_SHOWN)
    ).all()
    return [(occurrence, status) for occurrence, status in rows]


def confirm_request(rsvp: Rsvp, secret: str, language: str) -> None:
    occurrence = rsvp.occurrence if rsvp.scope == "occurrence" else None
    _send(
        "rsvp_confirm",
        f"rsvp_confirm:{rsvp.id}:v{rsvp.version}",
        rsvp,
        language=language,
        occurrence=occurrence,
        confirm_url=links.url_for_secret(Purpose.CONFIRM, secret),
        chosen=occurrence,
    )


def already_signed_up(rsvp: Rsvp) -> None:
    key = f"rsvp_already:{rsvp.id}:{clock.now():%Y%m%d%H}"  # at most one an hour
    if not _queued(key):
        _send("rsvp_already", key, rsvp, awaiting=rsvp.status == "awaiting_approval")


def welcome(rsvp: Rsvp, *, approved: bool) -> None:
    kind = "rsvp_approved" if approved else "rsvp_welcome"
    key = f"{kind}:{rsvp.id}:v{rsvp.version}"
    if _queued(key):
        return
    join_url = links.url_for_secret(Purpose.JOIN, links.issue(Purpose.JOIN, rsvp.participant, rsvp))
    _send(
        kind,
        key,
        rsvp,
        join_url=join_url,
        sessions=_seat_lines(rsvp),
        approved=approved,
        calendar=lambda join, manage: invite_request(rsvp, join, manage),
    )


def invite_request(rsvp: Rsvp, join_url: str, manage_url: str) -> tuple[str, str]:
    text = invites.description(join_url, manage_url, rsvp.series.group.helpline)
    return invites.request(rsvp, text=text, join_url=join_url), "REQUEST"


def calendar_email(
    kind: str,
    key: str,
    rsvp: Rsvp,
    calendar: Callable[[str, str], tuple[str, str]],
    *,
    occurrence: Occurrence | None = None,
    with_join_link: bool = True,
    **context: Any,
) -> None:
    """A change to a meeting this person holds in their calendar: a short email with the iTIP update."""
    if _queued(key):
        return
    join_url = ""
    if with_join_link:
        join_url = links.url_for_secret(Purpose.JOIN, links.issue(Purpose.JOIN, rsvp.participant, rsvp))
    schedule_url = links.absolute_url("public.schedule")
    _send(
        kind,
        key,
        rsvp,
        occurrence=occurrence,
        calendar=calendar,
        join_url=join_url,
        schedule_url=schedule_url,
        **context,
    )


def awaiting_approval(rsvp: Rsvp) -> None:
    key = f"rsvp_awaiting:{rsvp.id}:v{rsvp.version}"
    if not _queued(key):
        _send("rsvp_awaiting", key, rsvp)


def declined(rsvp: Rsvp) -> None:
    key = f"rsvp_declined:{rsvp.id}:v{rsvp.version}"
    if _queued(key):
        return
    others = db.session.scalars(
        sa.select(Series)
        .join(Group, Group.id == Series.group_id)
        .where(Series.status == SeriesStatus.PUBLISHED, Series.access == Access.OPEN, Series.id != rsvp.series_id)
        .where(Group.visibility == Visibility.PUBLIC)
        .order_by(sa.case((Series.language == rsvp.participant.language, 0), else_=1), Series.title)
        .limit(5)
    ).all()
    suggestions = [(s.title, links.absolute_url("public.meeting", series_id=s.id)) for s in others]
    _send("rsvp_declined", key, rsvp, suggestions=suggestions, schedule_url=links.absolute_url("public.schedule"))


def waitlist_offer(seat: Seat) -> None:
    key = f"waitlist_offer:{seat.id}:{seat.offers}"
    if not _queued(key):
        _send(
            "waitlist_offer",
            key,
            seat.rsvp,
            occurrence=seat.occurrence,
            session=seat.occurrence,
            expires_at=seat.offer_expires_at,
        )


def offer_lapsed(seat: Seat) -> None:
    key = f"waitlist_lapsed:{seat.id}:{seat.offers}"
    if not _queued(key):
        _send("waitlist_lapsed", key, seat.rsvp, occurrence=seat.occurrence, session=seat.occurrence)
