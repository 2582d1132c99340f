"""The worker's Telegram/WhatsApp/SMS job: claim due channel rows, send each, record each at once.

Claim (commit) → re-check as for email (`outbox.still_wanted`) → per message: mark it dispatched (commit) → send →
mark it sent (commit). A worker killed mid-batch leaves the undispatched rows to the next worker once the lease
ran out, and the one row it was sending "in doubt": that row is reported as failed to the organizers rather than
sent twice (a reminder that arrives twice on a phone is worse than one the organizer can see did not). Rate limits
(429, Retry-After, the providers' own codes) pause the whole channel until the time the provider gave; outages
pause it with backoff. Nothing here logs an address or a text.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from scheduler import backoff, clock
from scheduler.extensions import db
from scheduler.integrations.channels.base import Channel, ChannelError, Notice, RateLimited
from scheduler.integrations.channels.registry import build_channels
from scheduler.notifications import contacts, sender
from scheduler.notifications.channel_models import ChannelContact, ContactStatus
from scheduler.notifications.models import OutboxChannel, OutboxMessage, OutboxStatus

log = logging.getLogger("scheduler.notifications")

IN_DOUBT = "delivery unknown: the worker stopped while sending"


def _give_up_in_doubt(now: datetime, names: list[str]) -> None:
    """Rows a dead worker was sending when it stopped: not sent again, shown to the organizers as failed."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.channel.in_(names), OutboxMessage.status == OutboxStatus.SENDING)
        .where(OutboxMessage.send_after <= now, OutboxMessage.dispatched_at.is_not(None))
        .values(status=OutboxStatus.FAILED, last_error=IN_DOUBT, dispatched_at=None)  # an organizer may retry it
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:  # type: ignore[attr-defined]
        log.warning("%s channel messages in doubt after a worker stopped: reported as failed", result.rowcount)  # type: ignore[attr-defined]


def claim_due(limit: int, names: list[str]) -> list[int]:
    """Take up to `limit` due rows of these channels (and rows whose lease ran out before dispatch). Committed."""
    now = clock.now()
    _give_up_in_doubt(now, names)
    which = sa.and_(OutboxMessage.channel.in_(names), OutboxMessage.dispatched_at.is_(None))
    return sender.claim_due(limit, which=which)


def _addresses(rows: list[OutboxMessage]) -> dict[tuple[int, str], str]:
    """(participant, channel) → address, in one query: verified contacts, and pending ones for their code."""
    people = {row.participant_id for row in rows if row.participant_id is not None}
    if not people:
        return {}
    found = {}
    for contact in db.session.scalars(sa.select(ChannelContact).where(ChannelContact.participant_id.in_(people))):
        if contact.address:
            found[(contact.participant_id, contact.channel, contact.status)] = contact.address
    result: dict[tuple[int, str], str] = {}
    for row in rows:
        status = ContactStatus.PENDING if row.kind == contacts.CODE_KIND else ContactStatus.VERIFIED
        address = found.get((row.participant_id, row.channel, status))  # type: ignore[arg-type]
        if address:
            result[(row.participant_id, row.channel)] = address  # type: ignore[index]
    return result


def _record(row_id: int, *, fence: int | None = None, **values: object) -> None:
    """Write what happened to one row (and commit); with `fence`, only while the row is still this claim's."""
    query = sa.update(OutboxMessage).where(OutboxMessage.id == row_id)
    if fence is not None:
        query = query.where(OutboxMessage.attempts == fence, OutboxMessage.status == OutboxStatus.SENDING)
    db.session.execute(query.values(**values).execution_options(synchronize_session=False))
    db.session.commit()


def _dispatch(row_id: int, attempts: int) -> bool:
    """Mark the row as on its way, only if it is still ours (fenced by the attempt count of our claim)."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.status == OutboxStatus.SENDING)
        .where(OutboxMessage.attempts == attempts, OutboxMessage.dispatched_at.is_(None))
        .values(dispatched_at=clock.now(), send_after=clock.now() + sender.claim_lease())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _failed(row: tuple[int, int, int | None, str], error: ChannelError) -> datetime | None:
    """Record a failed send; returns until when the channel pauses (rate limit, outage), if it does."""
    row_id, attempts, participant_id, channel = row
    summary = error.summary
    if isinstance(error, RateLimited):
        until = error.retry_at or clock.now() + timedelta(seconds=30)
        _record(
            row_id,
            status=OutboxStatus.PENDING,
            attempts=attempts - 1,
            send_after=until,
            dispatched_at=None,
            last_error=summary,
        )
        log.info("channel %s rate limited; waiting", channel)
        return until
    if error.permanent or attempts >= int(current_app.config["CHANNEL_MAX_ATTEMPTS"]):
        _record(row_id, status=OutboxStatus.FAILED, dispatched_at=None, last_error=summary)
        log.warning("channel message %s failed for good: %s", row_id, summary)
        if error.unreachable and participant_id is not None:
            contacts.stop(participant_id, channel)  # blocked the bot, texted STOP, not a mobile number
            db.session.commit()
        return None
    until = clock.now() + backoff.delay(attempts, base=60, cap=3600)
    _record(row_id, status=OutboxStatus.PENDING, send_after=until, dispatched_at=None, last_error=summary)
    log.info("channel message %s will be retried: %s", row_id, summary)
    return until


def _send_batch(ids: list[int], channels: dict[str, Channel]) -> None:
    rows = list(
        db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id))
    )
    wanted = sender._withdraw_unwanted(rows)
    addresses = _addresses(wanted)
    work = []
    for row in wanted:
        address = addresses.get((row.participant_id, row.channel))  # type: ignore[arg-type]
        if address is None:
            row.status, row.last_error = OutboxStatus.CANCELLED, "withdrawn: no verified contact"
            continue
        work.append(
            ((row.id, row.attempts, row.participant_id, row.channel), address, row.kind, row.body_text, row.language)
        )
    db.session.commit()
    paused: dict[str, datetime] = {}
    for key, address, kind, text, language in work:
        row_id, attempts, _participant, channel = key
        if channel in paused:  # the provider asked us to wait: not an attempt
            values = {"status": OutboxStatus.PENDING, "attempts": attempts - 1, "send_after": paused[channel]}
            _record(row_id, fence=attempts, **values)
            continue
        if not _dispatch(row_id, attempts):
            continue  # another worker took it after our lease ran out
        notice = Notice(text=text, language=language, code=_code_of(kind, text))
        try:
            ref = channels[channel].send(address, notice)
        except ChannelError as error:
            until = _failed(key, error)
            if until is not None:
                paused[channel] = until
            continue
        values: dict[str, object] = {
            "status": OutboxStatus.SENT,
            "sent_at": clock.now(),
            "provider_ref": ref[:80] or None,
        }
        values.update(dispatched_at=None, last_error=None)
        if kind == contacts.CODE_KIND:
            values["body_text"] = ""  # the code is not kept once it went out
        _record(row_id, **values)


def _code_of(kind: str, text: str) -> str | None:
    """The digits of a verification code message (WhatsApp sends them through its authentication template)."""
    if kind != contacts.CODE_KIND:
        return None
    digits = [word.strip(".,") for word in text.split() if word.strip(".,").isdigit() and len(word.strip(".,")) == 6]
    return digits[0] if digits else None


def send_channels(limit: int | None = None) -> int:
    """Worker job: one batch of due Telegram/WhatsApp/SMS messages. Returns how many rows it handled."""
    channels = build_channels(current_app.config)
    if not channels:
        return 0
    names = [name for name in OutboxChannel if name in channels]
    ids = claim_due(limit or int(current_app.config["CHANNEL_BATCH_SIZE"]), names)
    if ids:
        _send_batch(ids, channels)
    return len(ids)
