"""The worker's email job: claim due outbox rows, send them after commit, record what happened.

Claim (commit) → re-check (commit) → send over one connection → mark sent (one UPDATE and commit per batch). A
worker killed between sending and marking leaves its rows claimed until the lease runs out; then they are sent
again: at most one batch in flight twice, each message recognisable downstream by its deterministic Message-ID.
On PostgreSQL rows are claimed with FOR UPDATE SKIP LOCKED, so several workers never take the same row.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

import sqlalchemy as sa
from flask import current_app

from scheduler import backoff, clock
from scheduler.extensions import db
from scheduler.notifications import outbox, smtp_client
from scheduler.notifications.mime import Envelope, render
from scheduler.notifications.models import OutboxChannel, OutboxMessage, OutboxStatus

log = logging.getLogger("scheduler.notifications")

SMTP_TIMEOUT = 30  # seconds per SMTP command; shorter than the claim lease, which is renewed while a batch is sent
BATCHES_PER_CONNECTION = 20  # then the pass ends and the worker's other jobs get a turn
PERMANENT_SMTP_CODES = range(500, 600)


@dataclass(frozen=True)
class Outgoing:
    """What the send loop needs of a row, read before the commit (so no row is reloaded one by one after it)."""

    id: int
    attempts: int
    recipient: str
    envelope: Envelope


class Transport(Protocol):
    def send(self, message: Outgoing) -> None: ...


def claim_lease() -> timedelta:
    """How long a claimed row stays with this worker unless renewed (MAIL_CLAIM_LEASE_SECONDS): a worker that
    dies or loses its connection delays its rows by at most this long."""
    return timedelta(seconds=int(current_app.config["MAIL_CLAIM_LEASE_SECONDS"]))


def claim_due(limit: int, *, commit: bool = True, which: sa.ColumnElement[bool] | None = None) -> list[int]:
    """Atomically take up to `limit` due rows (and rows whose lease ran out) for this worker: emails, or the rows
    `which` selects (the phone channels' job, `channel_sender`, claims its rows here too).

    One UPDATE … RETURNING: the rows this statement changed are this worker's, on PostgreSQL (whose candidate
    rows are locked with SKIP LOCKED) and on SQLite (where writers take turns and the WHERE is evaluated again),
    so several workers never send the same row, whatever the database."""
    now = clock.now()
    due = sa.and_(
        OutboxMessage.channel == OutboxChannel.EMAIL if which is None else which,
        OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)),
        OutboxMessage.send_after <= now,
    )
    candidates = (
        sa.select(OutboxMessage.id).where(due).order_by(OutboxMessage.send_after, OutboxMessage.id).limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    claimed = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(candidates.scalar_subquery()), due)
        .values(status=OutboxStatus.SENDING, send_after=now + claim_lease(), attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    ids = sorted(claimed.scalars())
    if commit:
        db.session.commit()
    return ids


def _renew_lease(ids: list[int], sent: list[int]) -> None:
    """The heartbeat of a batch being sent: the rows not yet sent stay this worker's for another lease."""
    _mark_sent(sent, commit=False)
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.SENDING)
        .values(send_after=clock.now() + claim_lease())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def retry_delay(attempts: int) -> timedelta:
    """Up to 1, 2, 4 … minutes (at least half of it), at most an hour."""
    return backoff.delay(attempts, base=60, cap=3600)


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
    """Sends over one SMTP connection for a whole batch."""

    def __init__(self, connection: smtplib.SMTP):
        self.connection = connection
        self.sender = current_app.config["MAIL_DEFAULT_SENDER"]

    def send(self, message: Outgoing) -> None:
        self.connection.sendmail(self.sender, [message.recipient], render(message.envelope))


class DevMailboxTransport:
    """No SMTP configured in development: messages stay in the outbox, shown on /dev/mailbox."""

    def send(self, message: Outgoing) -> None:
        return None


@contextmanager
def open_transport() -> Iterator[Transport]:
    """One SMTP connection from the MAIL_* settings. Flask-Mail is not used: its public API sends only its own
    `Message`, which cannot carry our layout (an inline text/calendar part with METHOD inside the alternative,
    the attachment, the unfolded List-Unsubscribe header) nor the bytes we write once (`mime.render`)."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        if config["ENV_NAME"] == "production":
            raise RuntimeError("MAIL_SERVER is not configured; refusing to drop email in production")
        yield DevMailboxTransport()
        return
    if config.get("MAIL_SUPPRESS_SEND"):
        yield DevMailboxTransport()
        return
    smtp_class = smtp_client.SMTP_SSL if config.get("MAIL_USE_SSL") else smtp_client.SMTP
    connection = smtp_class(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25), timeout=SMTP_TIMEOUT)
    try:
        if config.get("MAIL_USE_TLS"):
            connection.starttls()
        if config.get("MAIL_USERNAME") and config.get("MAIL_PASSWORD"):
            connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        yield SmtpTransport(connection)
    finally:
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()


def _record(row_id: int, **values: object) -> None:
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values))
    db.session.commit()


def _mark_sent(ids: list[int], *, commit: bool = True) -> None:
    """One UPDATE for everything a batch delivered (committed now, or with the next batch's claim)."""
    if ids:
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(status=OutboxStatus.SENT, sent_at=clock.now(), last_error=None)
            .execution_options(synchronize_session=False)  # no walk over the batch's rows in the session
        )
        ids.clear()
    if commit:
        db.session.commit()


def _failure(row: OutboxMessage | Outgoing, error: Exception) -> None:
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


def _withdraw_unwanted(rows: list[OutboxMessage]) -> list[OutboxMessage]:
    """Each kind re-checks its rows right before sending (`outbox.declare`): a reminder for a session that was
    cancelled or moved, a seat skipped, a person who left or unsubscribed since the row was queued is withdrawn.

    A row that is no longer wanted only because earlier attempts failed (an SMTP outage outlasted it, e.g. a
    reminder whose session has started) is marked failed, so organizers see it among undelivered emails."""
    wanted = outbox.still_wanted(rows)
    withdrawn = [row.id for row in rows if row.id not in wanted and not row.last_error]
    too_late = [row.id for row in rows if row.id not in wanted and row.last_error]
    if withdrawn:
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(withdrawn))
            .values(status=OutboxStatus.CANCELLED, last_error="withdrawn: no longer due")
        )
    if too_late:
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(too_late))
            .values(status=OutboxStatus.FAILED, last_error="not delivered in time: " + OutboxMessage.last_error)
        )
        log.warning("%s outbox messages failed: not delivered before they were due", len(too_late))
    return [row for row in rows if row.id in wanted]


def _claim_batch(limit: int) -> tuple[list[int], list[Outgoing]]:
    """Claim, re-check and withdraw in one transaction (with the previous batch's "sent"), committed before
    anything talks to SMTP."""
    ids = claim_due(limit, commit=False)
    batch: list[Outgoing] = []
    if ids:
        rows = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)
        ).all()
        ready = outbox.render_pending(_withdraw_unwanted(list(rows)))
        batch = [Outgoing(r.id, r.attempts, r.recipient_email, envelope_for(r)) for r in ready]
    db.session.commit()
    return ids, batch


def send_due(limit: int | None = None) -> int:
    """One pass of the email job: batches of `limit` rows (MAIL_BATCH_SIZE) over one SMTP connection, opened
    when the first message is ready. Returns how many rows it handled."""
    limit = limit or current_app.config["MAIL_BATCH_SIZE"]
    handled = 0
    with ExitStack() as stack:
        transport: Transport | None = None
        for _ in range(BATCHES_PER_CONNECTION):
            ids, batch = _claim_batch(limit)
            handled += len(ids)
            sent: list[int] = []
            renew_at = clock.now() + claim_lease() / 3
            try:
                for message in batch:
                    if clock.now() >= renew_at:
                        _renew_lease(ids, sent)
                        renew_at = clock.now() + claim_lease() / 3
                    if transport is None:
                        transport = stack.enter_context(open_transport())
                    try:
                        transport.send(message)
                    except (smtplib.SMTPException, OSError) as error:
                        if isinstance(error, smtplib.SMTPServerDisconnected):
                            raise
                        _mark_sent(sent)  # commit what went out before recording this failure
                        _failure(message, error)
                    else:
                        sent.append(message.id)
            except (smtplib.SMTPException, OSError) as error:
                # The server is unreachable or went away: everything not yet sent in this batch is retried later.
                _mark_sent(sent)
                for row in db.session.scalars(
                    sa.select(OutboxMessage).where(
                        OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.SENDING
                    )
                ):
                    _failure(row, error)
                return handled
            _mark_sent(sent, commit=False)
            if len(ids) < limit:
                break
        db.session.commit()
    return handled


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
