"""Emails from this module, all through the outbox: a counselor's message to the people confirmed for a session,
and the missing-host alert to the backup host and the group's organizers.

Each participant gets their own email (only their own address, their own links). Discreet groups get a neutral
subject and sender. Nothing here logs an address.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from scheduler.auth.models import User
from scheduler.extensions import db
from scheduler.meetings import permissions
from scheduler.meetings.models import Occurrence
from scheduler.notifications import staff_mail
from scheduler.notifications.compose import DiscreetSubject, ParticipantMessage, send
from scheduler.participants import links
from scheduler.participants.models import Participant, Rsvp, RsvpStatus, Seat, SeatStatus
from scheduler.rules import RuleError

MESSAGE_MAX = 1000


def message_confirmed(occurrence: Occurrence, text: str, sender: User) -> int:
    """Queues one email per person with a confirmed seat. The same text to the same session goes out once.

    Returns how many emails were queued."""
    text = (text or "").strip()
    if not text:
        raise RuleError({"body": [str(_l("Write the message first."))]})
    if len(text) > MESSAGE_MAX:
        raise RuleError({"body": [str(_l("Keep the message under %(num)s characters.", num=MESSAGE_MAX))]})
    if occurrence.is_cancelled:
        raise RuleError({"body": [str(_l("This session is cancelled."))]})
    recipients = db.session.execute(
        sa.select(Participant, Rsvp)
        .join(Seat, Seat.participant_id == Participant.id)
        .join(Rsvp, Rsvp.id == Seat.rsvp_id)
        .where(Seat.occurrence_id == occurrence.id, Seat.status == SeatStatus.CONFIRMED)
        .where(Rsvp.status == RsvpStatus.ACTIVE)
        .order_by(Participant.id)
    ).all()
    digest = hashlib.sha256(f"{occurrence.id}\n{text}".encode()).hexdigest()[:16]
    queued = 0
    subject = DiscreetSubject(_l("A message about your meeting"), _l("A message about %(title)s"))
    for participant, rsvp in recipients:
        row = send(
            ParticipantMessage(
                kind="session_message",
                key=f"session_message:{occurrence.id}:{digest}:{participant.id}",
                rsvp=rsvp,
                subject=subject,
                series=occurrence.series,
                occurrence=occurrence,
                context={"message": text},
            )
        )
        queued += row is not None
    return queued


def alert_recipients(occurrence: Occurrence) -> list[User]:
    """The backup host and the group's organizers (active accounts), each once."""
    series = occurrence.series
    people: dict[int, User] = {}
    backup = series.backup_host
    if backup is not None and backup.active:
        people[backup.id] = backup
    for user in permissions.active_organizers(series.group_id):
        people.setdefault(user.id, user)
    return list(people.values())


def host_alert(occurrence: Occurrence) -> int:
    """Queues the missing-host alert for one session; the dedupe key makes a second call a no-op."""
    series = occurrence.series
    page = links.absolute_url("counseling.cover", occurrence_id=occurrence.id)
    queued = 0
    for user in alert_recipients(occurrence):
        row = staff_mail.to_staff(
            user,
            kind="host_alert",
            dedupe_key=f"host_alert:{occurrence.id}:{user.id}",
            subject=_l("Nobody has confirmed they will host a session"),
            template="email/host_alert.txt",
            series=series,
            occurrence=occurrence,
            start=occurrence.start,
            zone=user.timezone or series.timezone,
            is_backup=user.id == series.backup_host_id,
            page=page,
        )
        queued += row is not None
    return queued
