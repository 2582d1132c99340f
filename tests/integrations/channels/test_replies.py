"""What a person sees when they write to the bot or the number: connected, stopped, or a link that is no good, in
their language and without naming any topic; and staff connecting their own phone for the test message."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import sqlalchemy as sa

from scheduler import clock
from scheduler.extensions import db
from scheduler.integrations.channels import signatures
from scheduler.notifications import contacts
from scheduler.notifications.channel_models import ContactStatus, StaffChannelContact
from tests.factories import PASSWORD, create_user
from tests.integrations.channels.conftest import META_SECRET, TELEGRAM_SECRET
from tests.integrations.channels.fake_providers import AUTH
from tests.integrations.channels.support import connect, contacts_of
from tests.integrations.channels.test_consent import (
    BASE,
    CONNECTED,
    EXPIRED,
    STOPPED,
    manage_path,
    meeting,  # noqa: F401 (fixture)
)
from tests.notifications.reminder_support import BEFORE
from tests.participants.conftest import person

HOOK = "/channels/telegram/webhook"
SIGNED = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
DUTCH_EXPIRED = "Deze link is verlopen of al gebruikt: open je pagina opnieuw voor een nieuwe."


def update(update_id: int, chat_id: int, text: str, language: str | None = None) -> str:
    sender = {"id": chat_id, "is_bot": False, "first_name": "A"}
    if language:
        sender["language_code"] = language
    message = {"message_id": update_id, "date": 0, "chat": {"id": chat_id, "type": "private"}, "text": text}
    return json.dumps({"update_id": update_id, "message": {**message, "from": sender}})


def test_an_unknown_start_link_is_answered_in_the_app_language(client, channels_app, fake):
    with clock.frozen_at(BEFORE):
        answer = client.post(HOOK, data=update(1, 501, "/start not-a-token", "nl-NL"), headers=SIGNED)
    assert answer.get_json() == {"status": "unknown start"}
    assert fake.telegram == [{"chat_id": "501", "text": DUTCH_EXPIRED}]
    assert "parse_mode" not in fake.telegram_payloads[0]  # plain text: nothing in it is interpreted
    client.post(HOOK, data=update(2, 502, "/start x", "xx"), headers=SIGNED)  # a language we do not speak
    assert fake.telegram[1]["text"] == EXPIRED


def test_stop_is_answered_in_the_persons_language(client, meeting, fake):  # noqa: F811
    manage_path(client, meeting, "b@example.org")
    someone = person("b@example.org")
    someone.language = "bn"
    db.session.commit()
    connect(someone, "telegram", "4242")
    assert client.post(HOOK, data=update(3, 4242, "/stop"), headers=SIGNED).get_json() == {"status": "stopped"}
    db.session.expire_all()
    assert contacts_of(someone.id) == []
    (reply,) = fake.telegram
    assert reply["chat_id"] == "4242" and reply["text"] not in (STOPPED, "") and "/stop" not in reply["text"]
    assert re.search("[\u0980-\u09ff]", reply["text"])  # Bengali script


def test_a_reply_that_fails_does_not_undo_the_stop(client, meeting, fake):  # noqa: F811
    manage_path(client, meeting, "f@example.org")
    someone = person("f@example.org")
    connect(someone, "telegram", "4343")
    fake.down.add("telegram")
    assert client.post(HOOK, data=update(4, 4343, "/stop"), headers=SIGNED).get_json() == {"status": "stopped"}
    db.session.expire_all()
    assert contacts_of(someone.id) == [] and fake.telegram == []


def whatsapp_stop(number: str) -> bytes:
    message = {"from": number.lstrip("+"), "id": "wamid.in1", "type": "text", "text": {"body": "STOP"}}
    return json.dumps({"entry": [{"changes": [{"value": {"messages": [message]}}]}]}).encode()


def test_whatsapp_stop_is_answered_with_plain_text(client, meeting, fake):  # noqa: F811
    manage_path(client, meeting, "w@example.org")
    someone = person("w@example.org")
    someone.language = "nl"
    db.session.commit()
    connect(someone, "whatsapp", "+31612345678")
    raw = whatsapp_stop("+31612345678")
    headers = {"X-Hub-Signature-256": signatures.meta_signature(META_SECRET, raw), "Content-Type": "application/json"}
    assert client.post("/channels/whatsapp/webhook", data=raw, headers=headers).get_json()["handled"] == 1
    db.session.expire_all()
    assert contacts_of(someone.id) == []
    (reply,) = fake.whatsapp_replies
    assert reply["to"] == "31612345678" and reply["type"] == "text"
    assert reply["text"]["body"] == "Gestopt: je krijgt hier geen berichten meer."


def sms_stop(client, number: str):
    form = {"From": number, "To": "+3197010000000", "Body": "STOP", "MessageSid": "SMin1"}
    headers = {"X-Twilio-Signature": signatures.twilio_signature(AUTH, BASE + "/channels/sms/inbound", form.items())}
    return client.post("/channels/sms/inbound", data=form, headers=headers)


def test_sms_stop_is_confirmed_by_the_gateway_unless_asked(client, meeting, fake, channels_app):  # noqa: F811
    manage_path(client, meeting, "s@example.org")
    someone = person("s@example.org")
    connect(someone, "sms", "+31612345678")
    assert sms_stop(client, "+31612345678").get_json() == {"status": "stopped"}
    assert fake.sms == []  # Twilio answers STOP itself: no second message
    connect(someone, "sms", "+31612345678")
    channels_app.config["SMS_STOP_REPLY"] = True
    assert sms_stop(client, "+31612345678").get_json() == {"status": "stopped"}
    assert [(m["To"], m["Body"]) for m in fake.sms] == [("+31612345678", STOPPED)]


def login(client, role: str = "admin", **overrides):
    user = create_user(role, **overrides)
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return user


def test_staff_connect_their_own_telegram_and_get_the_test_there(client, channels_app, fake):
    admin = login(client, "organizer", language="id")
    page = client.post("/channels/test/mine/telegram/start")
    token = re.search(r"https://t\.me/meeting_notices_bot\?start=([A-Za-z0-9_-]{1,64})", page.get_data(as_text=True))
    assert page.status_code == 200 and token is not None
    reply = client.post(HOOK, data=update(9, 98765432, f"/start {token.group(1)}"), headers=SIGNED)
    assert reply.get_json() == {"status": "bound"}
    assert fake.telegram[0]["chat_id"] == "98765432" and "/stop" in fake.telegram[0]["text"]
    assert fake.telegram[0]["text"] != CONNECTED  # in the staff member's language (Indonesian)
    listing = client.get("/channels/test").get_data(as_text=True)  # in Indonesian, the account's language
    assert "chat berakhiran 432" in listing and "98765432" not in listing
    assert client.post("/channels/test/mine/telegram/send").status_code == 303
    assert fake.telegram[-1]["chat_id"] == "98765432" and len(fake.telegram) == 2
    assert client.post("/channels/test/mine/telegram/stop").status_code == 303
    assert db.session.scalars(sa.select(StaffChannelContact).where(StaffChannelContact.user_id == admin.id)).all() == []
    assert client.post("/channels/test/mine/telegram/send").status_code == 400


def test_staff_verify_their_own_number_by_code(client, channels_app, fake):
    login(client)
    assert client.post("/channels/test/mine/sms/start", data={"number": "0612"}).status_code == 400
    assert client.post("/channels/test/mine/sms/start", data={"number": "+31 6 1234 5678"}).status_code == 303
    (code_sms,) = fake.sms
    code = re.search(r"\b(\d{6})\b", code_sms["Body"]).group(1)
    assert client.post("/channels/test/mine/sms/send").status_code == 400  # not before the code
    wrong = "000000" if code != "000000" else "111111"
    assert client.post("/channels/test/mine/sms/verify", data={"code": wrong}).status_code == 400
    assert client.post("/channels/test/mine/sms/verify", data={"code": code}).status_code == 303
    listing = client.get("/channels/test").get_data(as_text=True)
    assert "ending in 678" in listing and "+31612345678" not in listing and "612345678" not in listing
    assert client.post("/channels/test/mine/sms/send").status_code == 303
    assert [m["To"] for m in fake.sms] == ["+31612345678", "+31612345678"]
    (row,) = db.session.scalars(sa.select(StaffChannelContact)).all()
    assert row.status == ContactStatus.VERIFIED and row.secret_hash is None


def test_counselors_and_strangers_cannot_use_the_staff_channels(client, channels_app):
    assert client.post("/channels/test/mine/telegram/start").status_code in (302, 401)
    login(client, "counselor")
    assert client.post("/channels/test/mine/telegram/start").status_code == 403
    assert client.post("/channels/test/mine/sms/start", data={"number": "+31612345678"}).status_code == 403


def test_a_staff_start_link_is_not_a_participant_one(client, meeting, fake):  # noqa: F811
    manage_path(client, meeting, "z@example.org")
    with clock.frozen_at(BEFORE):
        token = contacts.start_telegram(person("z@example.org"))
        db.session.commit()
    with clock.frozen_at(BEFORE + timedelta(minutes=1)):
        assert client.post(HOOK, data=update(11, 7, f"/start {token}"), headers=SIGNED).get_json()["status"] == "bound"
    assert db.session.scalars(sa.select(StaffChannelContact)).all() == []
