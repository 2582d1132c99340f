"""The worker's email job: claim due outbox rows, send them after commit, record what happened.

Claim (commit) → send → mark sent (commit). A worker killed between sending and marking leaves the row
claimed until its lease runs out; then it is sent again — at most the one message in flight twice.
On PostgreSQL rows are claimed with FOR UPDATE SKIP LOCKED, so several workers never take the same row.
"""

from __future__ import annotations

import logging
import random
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Protocol

import sqlalchemy as sa
from flask import current_app

from scheduler import clock
from scheduler.extensions import db, mail
from scheduler.notifications.mime import Envelope, build_message
from scheduler.notifications.models import OutboxMessage, OutboxStatus

log = logging.getLogger("scheduler.notifications")

CLAIM_LEASE = timedelta(minutes=10)
PERMANENT_SMTP_CODES = range(500, 600)


class Transport(Protocol):
    def send(self, row: OutboxMessage) -> None: ...


def claim_due(limit: int) -> list[int]:
    """Atomically take up to `limit` due rows (and rows whose lease ran out) for this worker."""
    now = clock.now()
    due = sa.or_(
        sa.and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.send_after <= now),
        sa.and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.send_after <= now),
    )
    query = sa.select(OutboxMessage.id).where(due).order_by(OutboxMessage.send_after, OutboxMessage.id).limit(limit)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(query))
    if ids:
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), due)
            .values(status=OutboxStatus.SENDING, send_after=now + CLAIM_LEASE, attempts=OutboxMessage.attempts + 1)
        )
    db.session.commit()
    return ids


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with jitter: about 1, 2, 4 … minutes, at most an hour."""
    base = min(60 * 2 ** max(attempts - 1, 0), 3600)
    return timedelta(seconds=base * random.uniform(0.8, 1.2))  # noqa: S311 - jitter, not security


def envelope_for(row: OutboxMessage) -> Envelope:
    return Envelope(
        sender_address=current_app.config["MAIL_DEFAULT_SENDER"],
        sender_name=row.sender_name,
        recipient_address=row.recipient_email,
        recipient_name=row.recipient_name,
        subject=row.subject,
        message_id=row.message_id,
        date=row.created_at,
        body_text=row.body_text,
        body_html=row.body_html,
        calendar=row.calendar,
        calendar_method=row.calendar_method,
        headers=dict(row.headers or {}),
    )


class SmtpTransport:
    """Sends over one SMTP connection (Flask-Mail's settings) for a whole batch."""

    def __init__(self, connection: smtplib.SMTP):
        self.connection = connection

    def send(self, row: OutboxMessage) -> None:
        message = build_message(envelope_for(row))
        self.connection.send_message(
            message, from_addr=current_app.config["MAIL_DEFAULT_SENDER"], to_addrs=[row.recipient_email]
        )


class DevMailboxTransport:
    """No SMTP configured in development: messages stay in the outbox, shown on /dev/mailbox."""

    def send(self, row: OutboxMessage) -> None:
        return None


@contextmanager
def open_transport() -> Iterator[Transport]:
    if not current_app.config.get("MAIL_SERVER"):
        if current_app.config["ENV_NAME"] == "production":
            raise RuntimeError("MAIL_SERVER is not configured; refusing to drop email in production")
        yield DevMailboxTransport()
        return
    with mail.connect() as connection:
        if connection.host is None:  # Flask-Mail suppresses sending under TESTING unless told otherwise
            yield DevMailboxTransport()
        else:
            yield SmtpTransport(connection.host)


def _record(row_id: int, **values: object) -> None:
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values))
    db.session.commit()


def _failure(row: OutboxMessage, error: Exception) -> None:
    code = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [c for c, _ in error.recipients.values()]
        code = codes[0] if codes else None
    summary = f"{type(error).__name__}" + (f" {code}" if code else "")
    permanent = code in PERMANENT_SMTP_CODES
    if permanent or row.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        _record(row.id, status=OutboxStatus.FAILED, last_error=summary)
        log.warning("outbox message %s failed for good: %s", row.id, summary)
    else:
        _record(
            row.id, status=OutboxStatus.PENDING, last_error=summary, send_after=clock.now() + retry_delay(row.attempts)
        )
        log.info("outbox message %s will be retried: %s", row.id, summary)


def _still_wanted(row: OutboxMessage) -> bool:
    """Reminders are checked once more right before sending: a session cancelled or moved, a seat skipped,
    a person who left or unsubscribed since the row was queued withdraws it instead."""
    from scheduler.notifications import reminders  # imported here: reminders needs the participant models

    if row.kind != reminders.KIND or reminders.still_due(row):
        return True
    _record(row.id, status=OutboxStatus.CANCELLED, last_error="withdrawn: no longer due")
    return False


def send_due(limit: int | None = None) -> int:
    """One pass of the email job. Returns how many rows it handled."""
    limit = limit or current_app.config["MAIL_BATCH_SIZE"]
    ids = claim_due(limit)
    if not ids:
        return 0
    rows = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)
    ).all()
    rows = [row for row in rows if _still_wanted(row)]
    db.session.commit()  # no transaction stays open while we talk to SMTP
    try:
        with open_transport() as transport:
            for row in rows:
                try:
                    transport.send(row)
                except (smtplib.SMTPException, OSError) as error:
                    if isinstance(error, smtplib.SMTPServerDisconnected):
                        raise
                    _failure(row, error)
                else:
                    _record(row.id, status=OutboxStatus.SENT, sent_at=clock.now(), last_error=None)
    except (smtplib.SMTPException, OSError) as error:
        # The server is unreachable or went away: everything not yet sent in this batch is retried later.
        for row in db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.SENDING)
        ):
            _failure(row, error)
    return len(ids)


def failed_for_group(group_id: int, limit: int = 50) -> list[OutboxMessage]:
    """Messages of a group that could not be delivered, newest first, for the organizers to see and retry."""
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.group_id == group_id, OutboxMessage.status == OutboxStatus.FAILED)
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def retry_failed(group_id: int) -> int:
    """An organizer asks to try the failed messages of their group again."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.group_id == group_id, OutboxMessage.status == OutboxStatus.FAILED)
        .values(status=OutboxStatus.PENDING, attempts=0, send_after=clock.now(), last_error=None)
    )
    db.session.flush()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
