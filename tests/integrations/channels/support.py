"""Helpers for the channel flow tests: people with verified contacts, the channel job at a frozen time."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from scheduler import clock
from scheduler.extensions import db
from scheduler.notifications import channel_sender
from scheduler.notifications.channel_models import ChannelContact, ContactStatus
from scheduler.notifications.models import OutboxMessage
from scheduler.participants.models import Participant
from tests.notifications.reminder_support import BEFORE


def connect(participant: Participant, channel: str, address: str, *, instead_of_email: bool = False) -> None:
    with clock.frozen_at(BEFORE):
        db.session.add(
            ChannelContact(
                participant_id=participant.id,
                channel=channel,
                status=ContactStatus.VERIFIED,
                address=address,
                instead_of_email=instead_of_email,
                verified_at=clock.now(),
            )
        )
        db.session.commit()


def run_channels(at: datetime) -> int:
    with clock.frozen_at(at):
        handled = channel_sender.send_channels()
    db.session.expire_all()
    return handled


def rows(channel: str | None = None, kind: str | None = None) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if channel is not None:
        query = query.where(OutboxMessage.channel == channel)
    if kind is not None:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


def contacts_of(participant_id: int) -> list[ChannelContact]:
    return list(db.session.scalars(sa.select(ChannelContact).where(ChannelContact.participant_id == participant_id)))
