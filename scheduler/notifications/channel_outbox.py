"""Queues a participant message on the person's verified Telegram, WhatsApp and SMS contacts, beside the email
(the composer calls this in the same transaction). One outbox row per channel, keyed `<email key>@<channel>`, so
a message is never queued twice on a channel; the address is not copied into the row but looked up when sending,
so stopping a channel or erasing the person takes effect at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from scheduler.notifications import contacts as contact_service
from scheduler.notifications import outbox
from scheduler.notifications.channel_models import ChannelContact
from scheduler.notifications.models import OutboxMessage

if TYPE_CHECKING:
    from scheduler.notifications.compose import Composed, ParticipantMessage

# What people may get on their phone: reminders and changes to sessions they hold (not sign-up mail).
CHANNEL_KINDS = frozenset({"reminder", "session_moved", "session_cancelled", "schedule_changed", "meeting_cancelled"})


def key_for(key: str, channel: str) -> str:
    return f"{key}@{channel}"


def contacts_for(message: ParticipantMessage) -> list[ChannelContact]:
    if message.kind not in CHANNEL_KINDS:
        return []
    return contact_service.verified(message.rsvp.participant_id)


def is_queued(message: ParticipantMessage, contacts: list[ChannelContact]) -> bool:
    return all(outbox.is_queued(key_for(message.key, c.channel)) for c in contacts)


def instead_of_email(contacts: list[ChannelContact]) -> bool:
    """The person asked for their phone only (at least one verified channel says so)."""
    return any(c.instead_of_email for c in contacts)


def enqueue(
    message: ParticipantMessage,
    composed: Composed,
    contacts: list[ChannelContact],
    to_email: Callable[[Any, Any], outbox.OutgoingEmail],
) -> list[OutboxMessage | None]:
    """One row per verified channel, carrying the short text and the same ids as the email row."""
    if not contacts:
        return []
    email = to_email(message, composed)
    rows = []
    for contact in contacts:
        rows.append(
            outbox.enqueue(
                outbox.OutgoingEmail(
                    kind=email.kind,
                    dedupe_key=key_for(message.key, contact.channel),
                    recipient_email="",
                    recipient_name=email.recipient_name,  # shown to organizers if it fails; never the address
                    subject=email.subject,
                    body_text=composed.short,
                    language=composed.language,
                    send_after=email.send_after,
                    group_id=email.group_id,
                    series_id=email.series_id,
                    occurrence_id=email.occurrence_id,
                    participant_id=email.participant_id,
                    channel=contact.channel,
                )
            )
        )
    return rows
