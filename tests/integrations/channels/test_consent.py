"""Consent and privacy: opting in from the manage page (a verified number, a bound Telegram chat), stopping in
every way, webhooks that check their secrets, erasure and the retention purge, and the staff test page."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from scheduler import clock
from scheduler.extensions import db
from scheduler.integrations.channels import signatures
from scheduler.notifications import channel_inbound, contacts
from scheduler.notifications.channel_models import ContactStatus
from scheduler.notifications.models import OutboxStatus
from scheduler.participants import privacy
from tests.factories import PASSWORD, create_user
from tests.integrations.channels.conftest import META_SECRET, TELEGRAM_SECRET
from tests.integrations.channels.fake_providers import AUTH
from tests.integrations.channels.support import connect, contacts_of, rows, run_channels
from tests.notifications.reminder_support import BEFORE, amsterdam_group, plan_at, weekly_meeting
from tests.participants.conftest import ENGLISH, join_up, person

BASE = "http://127.0.0.1:5000"
CONNECTED = "You are connected: reminders will come here. Send /stop to end."
STOPPED = "Stopped: no more messages here."
EXPIRED = "This link has expired or was already used: open your page again for a new one."


@pytest.fixture
def meeting(channels_app):
    return weekly_meeting(amsterdam_group())


def manage_path(client, meeting, email: str) -> str:
    with clock.frozen_at(BEFORE):
        return join_up(client, meeting, email)


def post(client, path: str, **data: str):
    with clock.frozen_at(BEFORE):
        response = client.post(path, data=data, headers=ENGLISH)
    db.session.expire_all()
    return response


def test_sms_opt_in_with_a_code(client, meeting, fake, channels_app):
    manage = manage_path(client, meeting, "s@example.org")
    with clock.frozen_at(BEFORE):
        page = client.get(manage, headers=ENGLISH).get_data(as_text=True)
    assert "Reminders on your phone" in page and "Connect Telegram" in page
    bad = post(client, f"{manage}/channels/sms/start", number="0612345678")
    assert bad.status_code == 400 and "international format" in bad.get_data(as_text=True)
    assert post(client, f"{manage}/channels/fax/start", number="+31612345678").status_code == 404
    assert post(client, f"{manage}/channels/sms/start", number="+31 6 1234 5678").status_code == 303
    someone = person("s@example.org")
    (contact,) = contacts_of(someone.id)
    assert contact.status == ContactStatus.PENDING and contact.address == "+31612345678"
    assert run_channels(BEFORE) == 1
    (code_sms,) = fake.sms
    code = re.search(r"\b(\d{6})\b", code_sms["Body"]).group(1)
    assert code not in (contact.secret_hash or "") and rows(kind="channel_code")[0].body_text == ""  # not kept
    assert plan_at(BEFORE) == 0  # (nothing due) and an unverified number gets nothing but its code
    wrong = post(client, f"{manage}/channels/sms/verify", code="000000" if code != "000000" else "111111")
    assert wrong.status_code == 400 and "not right" in wrong.get_data(as_text=True)
    assert contacts_of(someone.id)[0].attempts == 1
    assert post(client, f"{manage}/channels/sms/verify", code=code).status_code == 303
    assert contacts_of(someone.id)[0].status == ContactStatus.VERIFIED
    with clock.frozen_at(BEFORE):
        page = client.get(manage, headers=ENGLISH).get_data(as_text=True)
    assert "ending in 678" in page and "+31612345678" not in page
    assert post(client, f"{manage}/channels/sms/only", only="on").status_code == 303
    assert contacts_of(someone.id)[0].instead_of_email
    assert post(client, f"{manage}/channels/sms/stop").status_code == 303
    assert contacts_of(someone.id) == []


def test_codes_expire_and_are_attempt_limited(client, meeting, channels_app):
    join = manage_path(client, meeting, "c@example.org")
    assert join
    someone = person("c@example.org")
    with clock.frozen_at(BEFORE):
        contacts.start_number(someone, "whatsapp", "+8801712345678")
        db.session.commit()
        for _ in range(channels_app.config["CHANNEL_CODE_MAX_ATTEMPTS"]):
            assert contacts.confirm_code(someone, "whatsapp", "999999x") is False
            db.session.commit()
        with pytest.raises(ValueError, match="tried too often"):
            contacts.confirm_code(someone, "whatsapp", "123456")
    db.session.rollback()
    with clock.frozen_at(BEFORE):
        contacts.start_number(someone, "whatsapp", "+8801712345678")
        db.session.commit()
    with clock.frozen_at(BEFORE + timedelta(minutes=11)), pytest.raises(ValueError, match="expired"):
        contacts.confirm_code(someone, "whatsapp", "123456")


def telegram_update(update_id: int, chat_id: int, text: str) -> dict:
    return {
        "update_id": update_id,
        "message": {"message_id": update_id, "date": 0, "chat": {"id": chat_id, "type": "private"}, "text": text},
    }


def test_telegram_opt_in_by_webhook_and_stop(client, meeting, fake):
    manage = manage_path(client, meeting, "t@example.org")
    page = post(client, f"{manage}/channels/telegram/start")
    assert page.status_code == 200
    token = re.search(r"https://t\.me/meeting_notices_bot\?start=([A-Za-z0-9_-]{1,64})", page.get_data(as_text=True))
    assert token is not None
    body = json.dumps(telegram_update(1, 777, f"/start {token.group(1)}"))
    hook = "/channels/telegram/webhook"
    headers = {"Content-Type": "application/json"}
    assert client.post(hook, data=body, headers=headers).status_code == 403
    assert (
        client.post(hook, data=body, headers={**headers, "X-Telegram-Bot-Api-Secret-Token": "nope"}).status_code == 403
    )
    assert contacts_of(person("t@example.org").id)[0].status == ContactStatus.PENDING
    signed = {**headers, "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
    with clock.frozen_at(BEFORE + timedelta(minutes=1)):
        assert client.post(hook, data=body, headers=signed).get_json() == {"status": "bound"}
        assert client.post(hook, data=body, headers=signed).get_json() == {"status": "unknown start"}  # once
    db.session.expire_all()
    (contact,) = contacts_of(person("t@example.org").id)
    assert contact.status == ContactStatus.VERIFIED and contact.address == "777"
    assert [m["text"] for m in fake.telegram] == [EXPIRED]  # the used link is answered at once
    run_channels(BEFORE + timedelta(minutes=1))  # the welcome goes through the outbox (retried like any message)
    assert fake.telegram[1] == {"chat_id": "777", "text": CONNECTED}
    stop = json.dumps(telegram_update(2, 777, "/stop"))
    assert client.post(hook, data=stop, headers=signed).get_json() == {"status": "stopped"}
    db.session.expire_all()
    assert contacts_of(person("t@example.org").id) == []
    assert fake.telegram[2] == {"chat_id": "777", "text": STOPPED}


def test_an_expired_start_link_binds_nothing(client, meeting):
    manage_path(client, meeting, "x@example.org")
    someone = person("x@example.org")
    with clock.frozen_at(BEFORE):
        token = contacts.start_telegram(someone)
        db.session.commit()
    with clock.frozen_at(BEFORE + timedelta(minutes=31)):
        assert channel_inbound.telegram_update(telegram_update(5, 1, f"/start {token}")) == "unknown start"


def test_telegram_polling_without_a_public_url(client, meeting, fake, channels_app):
    channels_app.config["TELEGRAM_POLL"] = True
    manage_path(client, meeting, "p@example.org")
    someone = person("p@example.org")
    with clock.frozen_at(BEFORE):
        token = contacts.start_telegram(someone)
        db.session.commit()
    fake.updates = [telegram_update(40, 888, f"/start {token}")]
    with clock.frozen_at(BEFORE):
        assert channel_inbound.poll_telegram() == 1
        db.session.commit()
    assert contacts_of(someone.id)[0].address == "888"
    fake.updates = [telegram_update(41, 888, "/stop")]
    with clock.frozen_at(BEFORE):
        channel_inbound.poll_telegram()
        db.session.commit()
        channel_inbound.poll_telegram()
    assert fake.acknowledged == 42 and contacts_of(someone.id) == []
    assert fake.telegram[-1] == {"chat_id": "888", "text": STOPPED}  # answered once the poll committed


def sms_post(client, path: str, form: dict[str, str], *, sign: bool = True):
    headers = {}
    if sign:
        headers["X-Twilio-Signature"] = signatures.twilio_signature(AUTH, BASE + path, form.items())
    response = client.post(path, data=form, headers=headers)
    db.session.expire_all()
    return response


def test_stop_by_sms_and_delivery_reports(client, meeting, fake):
    manage_path(client, meeting, "q@example.org")
    someone = person("q@example.org")
    connect(someone, "sms", "+31612345678")
    plan_at(BEFORE)
    with clock.frozen_at(BEFORE):
        from scheduler.notifications import calendar_updates  # a change queues a message on the phone

        calendar_updates.schedule_changed(someone.rsvps[0].series)
        db.session.commit()
    (row,) = rows(channel="sms")
    stop = {"From": "+31612345678", "To": "+3197010000000", "Body": "STOP", "MessageSid": "SMin1"}
    assert sms_post(client, "/channels/sms/inbound", stop, sign=False).status_code == 403
    assert sms_post(client, "/channels/sms/inbound", {**stop, "Body": "Stop "}).get_json() == {"status": "stopped"}
    assert contacts_of(someone.id) == []
    assert rows(channel="sms")[0].status == OutboxStatus.CANCELLED  # nothing more goes there
    assert run_channels(BEFORE) == 0 and fake.sms == []
    assert row.id


def test_failed_delivery_reports_are_shown_and_stop_the_number(client, meeting, fake):
    manage_path(client, meeting, "d@example.org")
    someone = person("d@example.org")
    connect(someone, "sms", "+31612345678")
    connect(someone, "whatsapp", "+31612345678")
    with clock.frozen_at(BEFORE):
        from scheduler.notifications import calendar_updates

        calendar_updates.schedule_changed(someone.rsvps[0].series)
        db.session.commit()
    run_channels(BEFORE)
    sms_row, wa_row = rows(channel="sms")[0], rows(channel="whatsapp")[0]
    report = {"MessageSid": sms_row.provider_ref, "MessageStatus": "undelivered", "ErrorCode": "21610"}
    assert sms_post(client, "/channels/sms/status", report).get_json() == {"status": "failed"}
    event = {
        "entry": [
            {
                "changes": [
                    {
                        "value": {
                            "statuses": [{"id": wa_row.provider_ref, "status": "failed", "errors": [{"code": 131026}]}]
                        }
                    }
                ]
            }
        ]
    }
    raw = json.dumps(event).encode()
    hook = "/channels/whatsapp/webhook"
    assert client.post(hook, data=raw, headers={"X-Hub-Signature-256": "sha256=00"}).status_code == 403
    signed = {"X-Hub-Signature-256": signatures.meta_signature(META_SECRET, raw), "Content-Type": "application/json"}
    assert client.post(hook, data=raw, headers=signed).get_json()["handled"] == 1
    db.session.expire_all()
    assert {r.channel: r.status for r in rows() if r.channel != "email"} == {"sms": "failed", "whatsapp": "failed"}
    assert contacts_of(someone.id) == []  # STOP on SMS, not a WhatsApp number: both forgotten
    verify = client.get(
        hook,
        query_string={"hub.mode": "subscribe", "hub.verify_token": "meta-verify-token", "hub.challenge": "1158201444"},
    )
    assert verify.get_data(as_text=True) == "1158201444"
    assert client.get(hook, query_string={"hub.mode": "subscribe", "hub.verify_token": "x"}).status_code == 403


def test_erase_and_the_retention_purge_forget_numbers_and_chats(client, meeting):
    manage_path(client, meeting, "e@example.org")
    manage_path(client, meeting, "f@example.org")
    erased, kept = person("e@example.org"), person("f@example.org")
    connect(erased, "sms", "+31612345678")
    connect(kept, "telegram", "4242")
    with clock.frozen_at(BEFORE):
        from scheduler.notifications import calendar_updates

        calendar_updates.schedule_changed(erased.rsvps[0].series)
        privacy.erase(erased)
        db.session.commit()
    assert contacts_of(erased.id) == [] and all(r.participant_id != erased.id for r in rows())
    with clock.frozen_at(BEFORE):
        assert contacts.drop_idle() == 0  # f still has upcoming sessions
    from scheduler.meetings import services

    with clock.frozen_at(BEFORE):
        services.cancel_series(meeting, "The group has ended")
        db.session.commit()
        assert contacts.drop_idle() == 1
        db.session.commit()
    assert contacts_of(kept.id) == []


def test_webhooks_are_absent_when_not_configured(app, client):
    assert client.post("/channels/telegram/webhook", json={}).status_code == 404
    assert client.post("/channels/sms/status", data={}).status_code == 404


def test_staff_test_message(client, channels_app, fake):
    admin = create_user("admin")
    counselor = create_user("counselor")
    assert client.post("/login", data={"email": counselor.email, "password": PASSWORD}).status_code == 302
    assert client.get("/channels/test").status_code == 403
    client.get("/logout")
    client.post("/logout")
    assert client.post("/login", data={"email": admin.email, "password": PASSWORD}).status_code == 302
    assert "Connect my Telegram" in client.get("/channels/test").get_data(as_text=True)
    bad = client.post("/channels/test", data={"channel": "sms", "address": "12"})
    assert bad.status_code == 400 and "international format" in bad.get_data(as_text=True)
    assert client.post("/channels/test", data={"channel": "sms", "address": "+31612345678"}).status_code == 303
    assert client.post("/channels/test", data={"channel": "telegram", "address": "4242"}).status_code == 303
    assert [m["To"] for m in fake.sms] == ["+31612345678"] and fake.telegram[0]["chat_id"] == "4242"
