"""Two workers on one PostgreSQL database share the channel queue: every message goes out exactly once."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from scheduler.extensions import db
from scheduler.notifications import channel_sender, outbox
from scheduler.notifications.channel_models import ChannelContact, ContactStatus
from scheduler.notifications.models import OutboxMessage
from scheduler.participants.models import Participant


def test_two_workers_on_postgresql_never_send_the_same_channel_message(postgres_url, channels_app, fake):
    from scheduler import create_app
    from tests.conftest import base_config, dispose_engines

    keys = ("TELEGRAM_", "WHATSAPP_", "SMS_", "CHANNEL_")
    config = base_config(postgres_url) | {k: v for k, v in channels_app.config.items() if k.startswith(keys)}
    apps = [create_app(config) for _ in range(2)]
    with apps[0].app_context():
        db.create_all()
        for table in (OutboxMessage, ChannelContact, Participant):
            db.session.execute(sa.delete(table))
        for n in range(30):
            person = Participant(email=f"w{n}@example.org", display_name=f"W{n}")
            db.session.add(person)
            db.session.flush()
            db.session.add(
                ChannelContact(
                    participant_id=person.id, channel="sms", status=ContactStatus.VERIFIED, address=f"+316000000{n:02d}"
                )
            )
            outbox.enqueue(
                outbox.OutgoingEmail(
                    kind="schedule_changed",
                    dedupe_key=f"schedule_changed:1:{n}:s1@sms",
                    recipient_email="",
                    subject="",
                    body_text="Your meeting's schedule has changed",
                    participant_id=person.id,
                    channel="sms",
                )
            )
        db.session.commit()
    barrier = threading.Barrier(2)

    def work(app) -> None:  # type: ignore[no-untyped-def]
        with app.app_context():
            barrier.wait()
            while channel_sender.send_channels(limit=4):
                pass
            db.session.remove()

    threads = [threading.Thread(target=work, args=(a,)) for a in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    numbers = [m["To"] for m in fake.sms]
    assert len(numbers) == 30 and len(set(numbers)) == 30
    with apps[0].app_context():
        assert set(db.session.scalars(sa.select(OutboxMessage.status))) == {"sent"}
        for table in (OutboxMessage, ChannelContact, Participant):
            db.session.execute(sa.delete(table))
        db.session.commit()
        dispose_engines()
    with apps[1].app_context():
        dispose_engines()
