"""Reminders and session changes on Telegram, WhatsApp and SMS, through the outbox to the local fake APIs:
discreet wording, the person's language and links, length limits, outages, rate limits and a killed worker."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

import pytest

from scheduler import clock
from scheduler.extensions import db
from scheduler.integrations.channels.telegram import TelegramChannel
from scheduler.integrations.channels.text import is_gsm7, sms_segments
from scheduler.meetings import services
from scheduler.notifications import channel_sender, sender
from scheduler.notifications.models import OutboxStatus
from tests.integrations.channels.fake_providers import TOKEN
from tests.integrations.channels.support import connect, rows, run_channels
from tests.notifications.reminder_support import amsterdam_group, plan_at, session_on, sign_up_at, utc, weekly_meeting
from tests.participants.conftest import person

MARCH_30 = date(2027, 3, 30)
DAY_BEFORE = utc(2027, 3, 29, 11, 57)  # the 24-hour reminder of 30 March (12:00 UTC) is queued
SEND = utc(2027, 3, 29, 12, 0)


@pytest.fixture
def meeting(channels_app):
    return weekly_meeting(amsterdam_group())


def test_one_reminder_on_each_channel_discreet_with_join_link_and_helpline(client, meeting, fake, caplog):
    sign_up_at(client, meeting, "a@example.org")
    someone = person("a@example.org")
    connect(someone, "sms", "+31612345678")
    connect(someone, "telegram", "4242")
    connect(someone, "whatsapp", "+31687654321")
    assert plan_at(DAY_BEFORE) == 1
    assert plan_at(DAY_BEFORE) == 0  # planned twice: queued once
    assert sorted(r.channel for r in rows(kind="reminder")) == ["email", "sms", "telegram", "whatsapp"]
    assert run_channels(DAY_BEFORE) == 0  # not due yet
    with caplog.at_level(logging.DEBUG):
        assert run_channels(SEND) == 3
    assert run_channels(SEND + timedelta(minutes=1)) == 0
    assert len(fake.sms) == len(fake.telegram) == len(fake.whatsapp) == 1
    text = fake.telegram[0]["text"]
    assert "/j/" in text and "/manage/" in text and "0800-1234" in text
    assert "cocaine" not in (text + fake.sms[0]["Body"]).lower()  # a discreet group: nothing names the topic
    assert text.startswith("Your Tuesday group starts in 24 hours")
    parameter = fake.whatsapp[0]["template"]["components"][0]["parameters"][0]["text"]
    assert "\n" not in parameter and "0800-1234" in parameter
    assert {r.status for r in rows(kind="reminder") if r.channel != "email"} == {OutboxStatus.SENT}
    assert all(r.provider_ref for r in rows(kind="reminder") if r.channel != "email")
    ours = " ".join(r.getMessage() for r in caplog.records if r.name != "werkzeug")  # not the fake server's log
    assert "+3161234" not in ours and "4242" not in ours and TOKEN not in ours
    with clock.frozen_at(SEND):
        sender.send_due()  # the email job sends the email and leaves the channel rows alone
    db.session.expire_all()
    assert {r.channel: r.status for r in rows(kind="reminder")}["email"] == OutboxStatus.SENT
    assert len(fake.sms) == len(fake.telegram) == len(fake.whatsapp) == 1


def test_bengali_sms_is_ucs2_within_the_segment_limit(client, meeting, fake, channels_app):
    sign_up_at(client, meeting, "bn@example.org", language="bn", timezone="Asia/Dhaka")
    connect(person("bn@example.org"), "sms", "+8801712345678")
    plan_at(DAY_BEFORE)
    run_channels(SEND)
    body = fake.sms[0]["Body"]
    assert not is_gsm7(body) and sms_segments(body) <= channels_app.config["SMS_MAX_SEGMENTS"]
    assert "/j/" in body


def test_phone_only_people_get_no_email(client, meeting, fake):
    sign_up_at(client, meeting, "p@example.org")
    connect(person("p@example.org"), "telegram", "555", instead_of_email=True)
    assert plan_at(DAY_BEFORE) == 1
    assert [r.channel for r in rows(kind="reminder")] == ["telegram"]


def test_session_moved_and_cancelled_reach_the_phone_once_each(client, meeting, fake):
    sign_up_at(client, meeting, "m@example.org")
    connect(person("m@example.org"), "sms", "+31612345678")
    occurrence = session_on(meeting, MARCH_30)
    with clock.frozen_at(utc(2027, 3, 20)):
        services.move_occurrence(occurrence, datetime(2027, 3, 30, 16, 0))
        db.session.commit()
    assert run_channels(utc(2027, 3, 20, 0, 1)) == 1
    assert fake.sms[-1]["Body"].startswith("A session has a new time")
    assert "March 30, 2027, 4:00" in fake.sms[-1]["Body"]  # the new time, in the person's zone
    with clock.frozen_at(utc(2027, 3, 21)):
        services.cancel_occurrence(session_on(meeting, MARCH_30), "The host is ill")
        db.session.commit()
    assert run_channels(utc(2027, 3, 21, 0, 1)) == 0  # held while the organizer can still undo the cancellation
    run_channels(utc(2027, 3, 21, 0, 11))
    run_channels(utc(2027, 3, 21, 0, 12))
    assert [m["Body"].split("\n")[0] for m in fake.sms] == ["A session has a new time", "A session is cancelled"]


def test_an_outage_is_retried_with_backoff_and_then_reported(client, meeting, fake, channels_app):
    sign_up_at(client, meeting, "o@example.org")
    connect(person("o@example.org"), "sms", "+31612345678")
    connect(person("o@example.org"), "telegram", "4242")
    plan_at(DAY_BEFORE)
    fake.down.add("sms")
    run_channels(SEND)
    (row,) = rows(channel="sms", kind="reminder")
    assert row.status == OutboxStatus.PENDING and row.last_error == "ChannelUnavailable 500 code 20500"
    assert row.send_after > SEND and len(fake.telegram) == 1  # the other channels are not held up
    fake.down.clear()
    run_channels(row.send_after)
    assert len(fake.sms) == 1 and rows(channel="sms", kind="reminder")[0].status == OutboxStatus.SENT

    channels_app.config["CHANNEL_MAX_ATTEMPTS"] = 2
    sign_up_at(client, meeting, "o2@example.org")
    connect(person("o2@example.org"), "sms", "+31600000001")
    plan_at(utc(2027, 3, 30, 10, 57))  # the 1-hour reminders
    fake.down.add("sms")
    at = utc(2027, 3, 30, 11, 0)
    for _ in range(3):
        run_channels(at)
        at += timedelta(minutes=2)
    failed = sender.failed_for_group(meeting.group_id)
    assert [(r.channel, r.last_error) for r in failed] == [("sms", "ChannelUnavailable 500 code 20500")] * 2  # o, o2


def test_a_rate_limit_pauses_the_channel_until_the_provider_says(client, meeting, fake):
    for n in range(3):
        sign_up_at(client, meeting, f"r{n}@example.org")
        connect(person(f"r{n}@example.org"), "sms", f"+3161234567{n}")
    plan_at(DAY_BEFORE)
    fake.rate_limited["sms"] = 1
    assert run_channels(SEND) == 3
    assert fake.calls["sms"] == 1  # after the 429 nothing more was tried
    waiting = rows(channel="sms")
    assert {r.status for r in waiting} == {OutboxStatus.PENDING}
    assert {r.send_after for r in waiting} == {SEND + timedelta(seconds=11)}  # Retry-After: 11
    assert {r.attempts for r in waiting} == {0}  # waiting for the provider is not a failed attempt
    assert run_channels(SEND + timedelta(seconds=5)) == 0
    assert run_channels(SEND + timedelta(seconds=11)) == 3
    assert sorted(m["To"] for m in fake.sms) == [f"+3161234567{n}" for n in range(3)]


class WorkerKilled(BaseException):
    """The process dies (SIGKILL): nothing after this point runs, no handler, no rollback."""


def test_a_worker_killed_mid_batch_never_sends_an_event_twice(client, meeting, fake, monkeypatch):
    for n in range(5):
        sign_up_at(client, meeting, f"k{n}@example.org")
        connect(person(f"k{n}@example.org"), "telegram", str(1000 + n))
    plan_at(DAY_BEFORE)
    real_send = TelegramChannel.send

    def dies_after_the_third(self, address, notice):  # type: ignore[no-untyped-def]
        ref = real_send(self, address, notice)
        if len(fake.telegram) == 3:
            raise WorkerKilled  # the provider has it; the worker never records it
        return ref

    monkeypatch.setattr(TelegramChannel, "send", dies_after_the_third)
    with pytest.raises(WorkerKilled):
        run_channels(SEND)
    db.session.rollback()
    db.session.remove()
    monkeypatch.setattr(TelegramChannel, "send", real_send)
    assert run_channels(SEND + timedelta(seconds=1)) == 0  # the dead worker's lease still holds its rows
    assert run_channels(SEND + sender.claim_lease() + timedelta(seconds=2)) == 2
    chats = [m["chat_id"] for m in fake.telegram]
    assert sorted(chats) == [str(1000 + n) for n in range(5)]  # every event reached its chat exactly once
    statuses = [r.status for r in rows(channel="telegram")]
    assert statuses.count(OutboxStatus.SENT) == 4 and statuses.count(OutboxStatus.FAILED) == 1
    (doubt,) = [r for r in rows(channel="telegram") if r.status == OutboxStatus.FAILED]
    assert doubt.last_error == channel_sender.IN_DOUBT  # shown to the organizers, not sent again
    later = SEND + sender.claim_lease() + timedelta(minutes=1)
    assert run_channels(later) == 0 and len(fake.telegram) == 5
    assert doubt.recipient_name and "100" not in doubt.recipient_name  # the organizers see a name, never a chat id
    with clock.frozen_at(later):
        assert sender.retry_failed(doubt.group_id) == 1  # an organizer may choose to send it again
        db.session.commit()
    assert run_channels(later) == 1 and len(fake.telegram) == 6


def test_a_queued_phone_reminder_is_withdrawn_when_the_session_is_cancelled(client, meeting, fake):
    sign_up_at(client, meeting, "w@example.org")
    connect(person("w@example.org"), "telegram", "4242")
    assert plan_at(DAY_BEFORE) == 1
    with clock.frozen_at(DAY_BEFORE + timedelta(minutes=1)):
        services.cancel_occurrence(session_on(meeting, MARCH_30), "The host is ill")
        db.session.commit()
    run_channels(SEND)
    assert [r.status for r in rows(channel="telegram", kind="reminder")] == [OutboxStatus.CANCELLED]
    run_channels(DAY_BEFORE + timedelta(minutes=12))  # the cancellation notice waits out the organizer's undo window
    assert [m["text"].split("\n")[0] for m in fake.telegram] == ["A session is cancelled"]
