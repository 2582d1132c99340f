"""The email job against a real SMTP server on loopback: delivery, retries, exactly-once, and the MIME layout."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa

from scheduler import clock
from scheduler.extensions import db
from scheduler.notifications import sender
from scheduler.notifications.models import OutboxMessage, OutboxStatus
from scheduler.notifications.outbox import OutgoingEmail, enqueue
from tests.notifications.smtp_server import SmtpSink, free_port

ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def mail_app(app, smtp):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_SUPPRESS_SEND=False)
    return app


def queue(n: int = 1, **overrides: object) -> list[OutboxMessage]:
    rows = []
    for i in range(n):
        values: dict[str, object] = {
            "kind": "reminder",
            "dedupe_key": f"reminder:occ1:24h:p{i}:0",
            "recipient_email": f"person{i}@example.org",
            "recipient_name": f"Person {i}",
            "sender_name": "Tuesday group",
            "subject": "Your group meets tomorrow",
            "body_text": "See you tomorrow.",
            "body_html": "<p>See you tomorrow.</p>",
        }
        values.update(overrides)
        rows.append(enqueue(OutgoingEmail(**values)))  # type: ignore[arg-type]
    db.session.commit()
    return [r for r in rows if r is not None]


def statuses() -> list[str]:
    return list(db.session.scalars(sa.select(OutboxMessage.status).order_by(OutboxMessage.id)))


def test_due_messages_are_delivered_once_each(mail_app, smtp):
    queue(3)
    assert sender.send_due() == 3
    assert sender.send_due() == 0  # a second pass finds nothing: exactly once
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == [f"person{i}@example.org" for i in range(3)]
    assert statuses() == ["sent"] * 3
    message = smtp.received[0].message
    assert message["Message-ID"] == db.session.scalar(sa.select(OutboxMessage.message_id).order_by(OutboxMessage.id))
    assert message["From"].addresses[0].display_name == "Tuesday group"


def test_the_same_dedupe_key_is_never_queued_twice(mail_app):
    assert len(queue(1)) == 1
    assert queue(1) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1


def test_message_ids_are_deterministic(mail_app):
    first = queue(1)[0].message_id
    db.session.execute(sa.delete(OutboxMessage))
    db.session.commit()
    assert queue(1)[0].message_id == first


def test_messages_wait_until_they_are_due(mail_app, smtp):
    queue(1, send_after=clock.now() + timedelta(hours=1))
    assert sender.send_due() == 0
    with clock.frozen_at(clock.now() + timedelta(hours=1, seconds=1)):
        assert sender.send_due() == 1
    assert len(smtp.received) == 1


def test_smtp_down_is_retried_with_backoff_and_delivered_when_it_returns(app):
    port = free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    queue(2)
    start = clock.now()
    with clock.frozen_at(start):
        assert sender.send_due() == 2
    rows = db.session.scalars(sa.select(OutboxMessage)).all()
    assert {r.status for r in rows} == {"pending"} and {r.attempts for r in rows} == {1}
    assert all(r.send_after > start + timedelta(seconds=30) for r in rows)
    assert all("ConnectionRefused" in (r.last_error or "") for r in rows)
    assert all("@" not in (r.last_error or "") for r in rows)
    sink = SmtpSink(port).start()
    try:
        with clock.frozen_at(start + timedelta(seconds=30)):
            assert sender.send_due() == 0  # backoff not over yet
        with clock.frozen_at(start + timedelta(minutes=5)):
            assert sender.send_due() == 2
        assert len(sink.received) == 2 and statuses() == ["sent", "sent"]
    finally:
        sink.stop()


def test_a_refused_recipient_fails_for_good_and_others_still_go(mail_app, smtp):
    smtp.handler.reject_recipients.add("person0@example.org")
    queue(2)
    sender.send_due()
    assert statuses() == ["failed", "sent"]
    failed = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED))
    assert "550" in (failed.last_error or "")
    assert sender.retry_failed(group_id=failed.group_id or 0) == 0  # not this group's


def test_after_max_attempts_a_message_is_marked_failed(app):
    port = free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_MAX_ATTEMPTS=2)
    queue(1)
    later = clock.now()
    for _ in range(2):
        later += timedelta(hours=2)
        with clock.frozen_at(later):
            sender.send_due()
    assert statuses() == ["failed"]


def test_a_worker_killed_mid_send_loses_nothing(mail_app, smtp):
    queue(1)
    assert sender.claim_due(10)  # claimed, then the worker "dies" before sending
    assert sender.send_due() == 0  # the lease holds it for now
    with clock.frozen_at(clock.now() + sender.claim_lease() + timedelta(seconds=1)):
        assert sender.send_due() == 1
    assert len(smtp.received) == 1
    assert sender.claim_lease() <= timedelta(seconds=90)  # a crashed worker delays mail by about a minute at most


class SlowTransport:
    """A server that takes 25 s per message (on the frozen clock); halfway, another worker looks for work."""

    def __init__(self, app, started: object) -> None:
        self.app, self.now, self.sent, self.stolen = app, started, [], []

    def send(self, message) -> None:
        self.now += timedelta(seconds=25)
        clock.advance(timedelta(seconds=25))  # the test's frozen clock moves on as the slow server works
        self.sent.append(message.id)
        if len(self.sent) == 4:
            self.stolen = _claim_in_another_worker(self.app, self.now)


def _claim_in_another_worker(app, at) -> list[int]:
    result: list[int] = []

    def other_worker() -> None:
        with app.app_context(), clock.frozen_at(at):
            result.extend(sender.claim_due(50))
            db.session.remove()

    thread = threading.Thread(target=other_worker)
    thread.start()
    thread.join(30)
    return result


def test_the_lease_is_renewed_while_a_slow_batch_is_sent(mail_app, monkeypatch):
    queue(6)
    start = clock.now()
    with clock.frozen_at(start):
        transport = SlowTransport(mail_app, start)
        monkeypatch.setattr(sender, "open_transport", lambda: _yield(transport))
        assert sender.send_due() == 6
    assert transport.stolen == []  # 100 s into the batch, past the first lease: nothing was taken twice
    assert len(transport.sent) == 6
    assert statuses() == ["sent"] * 6


def _yield(value):
    from contextlib import nullcontext

    return nullcontext(value)


def test_two_workers_on_the_same_database_never_claim_the_same_email(mail_app):
    queue(40)
    claims: list[list[int]] = [[], []]

    def worker(index: int) -> None:
        with mail_app.app_context():
            for _ in range(10):
                claims[index].extend(sender.claim_due(3))
            db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    taken = claims[0] + claims[1]
    assert len(taken) == len(set(taken)) == 40


def test_an_outage_longer_than_a_reminder_is_reported_as_failed(mail_app, monkeypatch):
    [row] = queue(1)
    db.session.execute(
        sa.update(OutboxMessage).where(OutboxMessage.id == row.id).values(last_error="SMTPServerDisconnected")
    )
    db.session.commit()
    monkeypatch.setattr(sender.outbox, "still_wanted", lambda rows: set())  # its session has begun meanwhile
    sender.send_due()
    db.session.expire_all()
    failed = db.session.get(OutboxMessage, row.id)
    assert failed.status == OutboxStatus.FAILED
    assert failed.last_error == "not delivered in time: SMTPServerDisconnected"


def test_invite_mime_layout_and_crlf_calendar(mail_app, smtp):
    queue(1, kind="invite", calendar=ICS, calendar_method="REQUEST", dedupe_key="invite:s1:p1:0")
    sender.send_due()
    message = smtp.received[0].message
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.get_payload()
    assert [p.get_content_type() for p in alternative.get_payload()] == ["text/plain", "text/html", "text/calendar"]
    calendar_part = alternative.get_payload()[2]
    assert calendar_part.get_param("method") == "REQUEST"
    decoded = calendar_part.get_payload(decode=True)
    assert decoded == ICS.encode() and b"\n" not in decoded.replace(b"\r\n", b"")
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_filename() == "invite.ics" and attachment.get_content_disposition() == "attachment"
    assert b"\r\n" in smtp.received[0].raw


@pytest.mark.postgres
def test_two_workers_on_postgresql_never_send_the_same_message(postgres_url, smtp):
    from scheduler import create_app
    from tests.conftest import base_config, dispose_engines

    config = base_config(postgres_url) | {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp.port,
        "MAIL_SUPPRESS_SEND": False,
    }
    apps = [create_app(config) for _ in range(2)]
    with apps[0].app_context():
        db.create_all()
        db.session.execute(sa.delete(OutboxMessage))
        db.session.commit()
        queue(40)
    barrier = threading.Barrier(2)

    def work(app) -> None:  # type: ignore[no-untyped-def]
        with app.app_context():
            barrier.wait()
            while sender.send_due(limit=5):
                pass
            db.session.remove()

    threads = [threading.Thread(target=work, args=(a,)) for a in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    recipients = [r.rcpt_tos[0] for r in smtp.received]
    assert len(recipients) == 40 and len(set(recipients)) == 40
    with apps[0].app_context():
        assert set(db.session.scalars(sa.select(OutboxMessage.status))) == {"sent"}
        db.session.execute(sa.delete(OutboxMessage))
        db.session.commit()
        dispose_engines()
    with apps[1].app_context():
        dispose_engines()
