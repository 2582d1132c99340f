"""The one composer of messages to participants: callers say what to send, this module says how.

A caller describes a `ParticipantMessage` with data only: the kind, its dedupe key, the person's RSVP, the session
it is about, the subject, extra template values, which personal links it carries and which calendar change it
attaches. The composer owns everything that is the same for every such message: the language (the person's, or
English when we do not speak it), the manage link (and the join and unsubscribe links when asked), the discreet
sender name and subject, the helpline line, times in the person's zone, the iCalendar part, rendering and
addressing. The `ParticipantMessage` says nothing about the channel: email (templates `email/<kind>.txt|.html`,
`to_email` addresses the outbox row) and, for the people who connected them, Telegram, WhatsApp and SMS (one
short text, `channel/message.txt`, queued by `channel_outbox` in the same transaction).

Nothing here logs an address or a link.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from flask import current_app, render_template
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l

from scheduler.i18n import when_for
from scheduler.meetings.models import Group, Occurrence, Series
from scheduler.notifications import channel_outbox, discretion, invites, outbox
from scheduler.notifications.models import OutboxMessage
from scheduler.participants import links
from scheduler.participants.tokens import Purpose

if TYPE_CHECKING:
    from scheduler.participants.models import Rsvp

HELPLINE = _l("You are not alone. If you are in crisis, call your local emergency number or a helpline now.")


class Subject(Protocol):
    def render(self, series: Series, locale: str) -> str: ...  # called inside the recipient's locale


@dataclass(frozen=True)
class DiscreetSubject:
    """A neutral subject for discreet groups, one naming the meeting (`%(title)s`) otherwise."""

    discreet: Any
    named: Any

    def render(self, series: Series, locale: str) -> str:
        return str(self.discreet if series.group.discreet else self.named) % {"title": series.title}


@dataclass(frozen=True)
class CalendarPart:
    """Which iTIP change the message carries for the calendar object the person holds.

    `action`: "request" (the whole object, as it is now), "move_session" (only the moved session),
    "cancel" (the whole object goes) or "cancel_session" (one session goes). `note` is the DESCRIPTION of a
    cancellation; requests describe the person's own links and the helpline."""

    action: str
    occurrence: Occurrence | None = None
    note: str = ""


@dataclass(frozen=True)
class ParticipantMessage:
    kind: str  # also the template name: email/<kind>.txt and .html
    key: str  # the dedupe key: the same key is never queued twice
    rsvp: Rsvp
    subject: Subject
    series: Series | None = None  # default: the RSVP's meeting
    occurrence: Occurrence | None = None  # the session it is about (`session` in the templates)
    language: str | None = None  # default: the person's
    context: Mapping[str, Any] = field(default_factory=dict)
    join_link: bool = False  # mint the person's join link (`join_url`)
    join_expires_at: datetime | None = None
    unsubscribe_expires_at: datetime | None = None  # set: a one-click unsubscribe link and its headers
    calendar: CalendarPart | None = None
    send_after: datetime | None = None


@dataclass(frozen=True)
class Composed:
    """A message rendered for email in the recipient's language: subject, text, HTML, links, calendar part."""

    language: str
    sender_name: str
    subject: str
    text: str
    html: str
    links: Mapping[str, str]
    calendar: tuple[str, str] | None  # (iCalendar text, METHOD)
    short: str = ""  # the plain short text for Telegram, WhatsApp and SMS (`channel/message.txt`), when asked


def language_for(requested: str | None) -> str:
    """The language we write in: the requested one when we speak it, else English."""
    return requested if requested in current_app.config["LANGUAGES"] else "en"


def when(instant: datetime, person_tz: str, home_tz: str, locale: str) -> str:
    """The time in the person's zone and the meeting city's time when the clocks differ (`i18n.when_for`, the one
    formatter pages use too), with the whole date: 'Tuesday, December 15, 2026, 20:00 (your time) · 19:00 in
    Amsterdam'."""
    return when_for(instant, home_tz, person_tz, locale=locale, full=True)


def helpline(group: Group) -> str:
    """The last line of every message (call inside force_locale)."""
    return group.helpline or str(HELPLINE)


def _links(message: ParticipantMessage, series: Series) -> dict[str, str]:
    rsvp, person = message.rsvp, message.rsvp.participant
    found = {"manage_url": links.url_for_secret(Purpose.MANAGE, links.issue(Purpose.MANAGE, person))}
    if message.join_link:
        secret = links.issue(Purpose.JOIN, person, rsvp, expires_at=message.join_expires_at)
        found["join_url"] = links.url_for_secret(Purpose.JOIN, secret)
    if message.unsubscribe_expires_at is not None:
        secret = links.issue(Purpose.UNSUBSCRIBE, person, rsvp, expires_at=message.unsubscribe_expires_at)
        found["unsubscribe_url"] = links.absolute_url("reminders.unsubscribe", token=secret)
    return found


def _calendar(part: CalendarPart, rsvp: Rsvp, found: Mapping[str, str], group: Group) -> tuple[str, str]:
    join = found.get("join_url", "")
    if part.action in {"request", "move_session"}:
        text = invites.description(join, found["manage_url"], group.helpline)
        if part.action == "move_session" and part.occurrence is not None:
            return invites.move_session(rsvp, part.occurrence, text=text, join_url=join), "REQUEST"
        return invites.request(rsvp, text=text, join_url=join), "REQUEST"
    if part.action == "cancel_session" and part.occurrence is not None:
        return invites.cancel_session(rsvp, part.occurrence, text=part.note), "CANCEL"
    return invites.cancel(rsvp, text=part.note), "CANCEL"


def compose(message: ParticipantMessage, *, short: bool = False) -> Composed:
    rsvp = message.rsvp
    person = rsvp.participant
    series = message.series or rsvp.series
    group = series.group
    language = language_for(message.language or person.language)
    found = _links(message, series)
    with force_locale(language):
        locale = str(get_locale() or "en")
        subject = message.subject.render(series, locale)
        values = {
            "name": person.display_name,
            "series": series,
            "group": group,
            "session": message.occurrence,
            "helpline": helpline(group),
            "when": lambda instant: when(instant, person.timezone, series.timezone, locale),
            "meeting_url": links.absolute_url("public.meeting", series_id=series.id),
            "headline": subject,
            "join_url": "",
            **found,
            **message.context,
        }
        text = render_template(f"email/{message.kind}.txt", **values)
        html = render_template(f"email/{message.kind}.html", **values)
        calendar = _calendar(message.calendar, rsvp, found, group) if message.calendar else None
        sender = discretion.sender_name(group)
        brief = render_template("channel/message.txt", kind=message.kind, **values).strip() if short else ""
    return Composed(language, sender, subject, text, html, found, calendar, brief)


def to_email(message: ParticipantMessage, composed: Composed) -> outbox.OutgoingEmail:
    """The email channel: one outbox row addressed to the person, with the ids erasure and retries need."""
    person, series = message.rsvp.participant, message.series or message.rsvp.series
    headers = {}
    if "unsubscribe_url" in composed.links:  # RFC 8058 one-click unsubscribe
        headers = {
            "List-Unsubscribe": f"<{composed.links['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    ics, method = composed.calendar or (None, None)
    return outbox.OutgoingEmail(
        kind=message.kind,
        dedupe_key=message.key,
        recipient_email=person.email,
        recipient_name=person.display_name,
        sender_name=composed.sender_name[:120],
        subject=composed.subject[:255],
        body_text=composed.text,
        body_html=composed.html,
        language=composed.language,
        calendar=ics,
        calendar_method=method,
        headers=headers,
        send_after=message.send_after,
        group_id=series.group_id,
        series_id=series.id,
        occurrence_id=message.occurrence.id if message.occurrence is not None else None,
        participant_id=person.id,
    )


def send(message: ParticipantMessage) -> OutboxMessage | None:
    """Queues the message by email and on the person's verified channels (`channel_outbox`), unless it was queued
    before (then no link is minted and nothing rendered). Returns the first row queued."""
    contacts = channel_outbox.contacts_for(message)
    if outbox.is_queued(message.key) or (contacts and channel_outbox.is_queued(message, contacts)):
        return None
    composed = compose(message, short=bool(contacts))
    rows = [] if channel_outbox.instead_of_email(contacts) else [outbox.enqueue(to_email(message, composed))]
    rows += channel_outbox.enqueue(message, composed, contacts, to_email)
    return next((row for row in rows if row is not None), None)
