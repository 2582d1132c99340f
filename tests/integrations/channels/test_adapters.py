"""Each adapter against its local fake API: what goes over the wire, and how every kind of answer is read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pytest_httpserver import HTTPServer

from scheduler.integrations.channels import signatures
from scheduler.integrations.channels.base import ChannelError, ChannelUnavailable, Notice, RateLimited
from scheduler.integrations.channels.registry import build_channels
from scheduler.integrations.channels.sms import SmsChannel
from scheduler.integrations.channels.telegram import TelegramChannel, parse_update
from scheduler.integrations.channels.text import fit_sms, is_gsm7, sms_segments
from scheduler.integrations.channels.whatsapp import WhatsAppChannel
from tests.integrations.channels.fake_providers import AUTH, BOT, PNID, SID, TOKEN, WA_TOKEN, FakeProviders

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def _now() -> datetime:
    return NOW


@pytest.fixture
def telegram(httpserver: HTTPServer, fake: FakeProviders) -> TelegramChannel:
    return TelegramChannel(TOKEN, BOT, api_base=httpserver.url_for("/").rstrip("/"), timeout=3, now=_now)


@pytest.fixture
def whatsapp(httpserver: HTTPServer, fake: FakeProviders) -> WhatsAppChannel:
    return WhatsAppChannel(
        WA_TOKEN,
        PNID,
        notice_template="meeting_notice",
        code_template="verification_code",
        api_base=httpserver.url_for("/v21.0"),
        timeout=3,
        now=_now,
    )


@pytest.fixture
def sms(httpserver: HTTPServer, fake: FakeProviders) -> SmsChannel:
    return SmsChannel(SID, AUTH, "+3197010000000", api_base=httpserver.url_for("/").rstrip("/"), timeout=3, now=_now)


def test_telegram_sends_and_reads_its_errors(telegram, fake):
    assert telegram.send("4242", Notice("Your group starts in 1 hour")) == "1"
    assert fake.telegram == [{"chat_id": "4242", "text": "Your group starts in 1 hour"}]
    fake.rate_limited["telegram"] = 1
    with pytest.raises(RateLimited) as limited:
        telegram.send("4242", Notice("again"))
    assert limited.value.retry_at == NOW + timedelta(seconds=7)  # parameters.retry_after
    fake.blocked_chats.add("99")
    with pytest.raises(ChannelError) as blocked:
        telegram.send("99", Notice("hello"))
    assert blocked.value.unreachable and blocked.value.permanent
    fake.down.add("telegram")
    with pytest.raises(ChannelUnavailable):
        telegram.send("4242", Notice("hello"))


def test_telegram_cuts_at_4096_and_links_to_the_bot(telegram, fake):
    telegram.send("4242", Notice(("line of text\n" * 400).strip()))
    assert len(fake.telegram[0]["text"]) <= 4096
    assert telegram.start_link("abc_DEF-123") == f"https://t.me/{BOT}?start=abc_DEF-123"


def test_telegram_updates_and_parsing(telegram, fake):
    fake.updates = [
        {"update_id": 10, "message": {"message_id": 1, "chat": {"id": 777, "type": "private"}, "text": "/start tok"}},
        {"update_id": 11, "message": {"message_id": 2, "chat": {"id": -5, "type": "group"}, "text": "/stop"}},
    ]
    updates = telegram.get_updates(None)
    assert [parse_update(u) for u in updates] == [(10, "777", "/start tok"), None]
    telegram.get_updates(12)
    assert fake.acknowledged == 12
    telegram.set_webhook("https://example.org/channels/telegram/webhook", "s3cret")
    assert fake.webhook and fake.webhook["secret_token"] == "s3cret"


def test_whatsapp_sends_templates_with_one_line_parameters(whatsapp, fake):
    ref = whatsapp.send("+8801712345678", Notice("Your group starts in 1 hour\nJoin: https://x/j/abc", language="bn"))
    assert ref == "wamid.TEST1"
    sent = fake.whatsapp[0]
    assert sent["to"] == "8801712345678" and sent["type"] == "template"
    assert sent["template"]["name"] == "meeting_notice" and sent["template"]["language"] == {"code": "bn"}
    assert sent["template"]["components"][0]["parameters"][0]["text"] == (
        "Your group starts in 1 hour · Join: https://x/j/abc"
    )
    whatsapp.send("+8801712345678", Notice("Your code is 123456.", code="123456"))
    assert fake.whatsapp[1]["template"]["name"] == "verification_code"


def test_whatsapp_errors(whatsapp, fake):
    fake.rate_limited["whatsapp"] = 1
    with pytest.raises(RateLimited) as limited:
        whatsapp.send("+31612345678", Notice("x"))
    assert limited.value.code == 130429 and limited.value.retry_at == NOW + timedelta(seconds=60)
    broken = WhatsAppChannel(
        WA_TOKEN,
        PNID,
        notice_template="no_such_template",
        code_template="c",
        api_base=whatsapp._api_base,
        timeout=3,
        now=_now,
    )
    with pytest.raises(ChannelError) as missing:
        broken.send("+31612345678", Notice("x"))
    assert missing.value.permanent and missing.value.code == 132001
    assert "132001" in missing.value.summary and "+316" not in missing.value.summary
    fake.down.add("whatsapp")
    with pytest.raises(ChannelUnavailable):
        whatsapp.send("+31612345678", Notice("x"))


def test_sms_is_form_encoded_with_basic_auth_and_reads_twilio_errors(sms, fake):
    assert sms.send("+31612345678", Notice("Your group starts in 1 hour")).startswith("SM")
    assert fake.sms[0] == {"To": "+31612345678", "From": "+3197010000000", "Body": "Your group starts in 1 hour"}
    fake.rate_limited["sms"] = 1
    with pytest.raises(RateLimited) as limited:
        sms.send("+31612345678", Notice("x"))
    assert limited.value.retry_at == NOW + timedelta(seconds=11)  # Retry-After
    fake.stopped_numbers.add("+31600000000")
    with pytest.raises(ChannelError) as stopped:
        sms.send("+31600000000", Notice("x"))
    assert stopped.value.unreachable and stopped.value.code == 21610


def test_sms_segments_gsm7_and_ucs2():
    assert is_gsm7("Your group starts in 1 hour: €5") and not is_gsm7("আপনার গ্রুপ")
    assert sms_segments("a" * 160) == 1 and sms_segments("a" * 161) == 2 and sms_segments("a" * 306) == 2
    assert sms_segments("অ" * 70) == 1 and sms_segments("অ" * 71) == 2 and sms_segments("অ" * 134) == 2
    text = "\n".join(["আপনার সভা এক ঘণ্টায় শুরু হবে"] * 20 + ["হেল্পলাইন"])
    cut = fit_sms(text, 3)
    assert sms_segments(cut) <= 3 and cut.endswith("হেল্পলাইন")


def test_absent_when_not_configured():
    assert build_channels({}) == {}
    assert set(build_channels({"SMS_ACCOUNT_SID": "AC1", "SMS_AUTH_TOKEN": "t", "SMS_FROM": "+31600000000"})) == {"sms"}
    assert "telegram" not in build_channels({"TELEGRAM_BOT_TOKEN": "x"})  # the bot's name is needed for links


def test_signatures():
    url = "https://example.org/channels/sms/status"
    params = [("MessageSid", "SM1"), ("MessageStatus", "failed")]
    good = signatures.twilio_signature("tok", url, params)
    assert signatures.twilio_ok("tok", good, url, list(reversed(params)))
    assert not signatures.twilio_ok("tok", good, url + "x", params)
    assert not signatures.twilio_ok("tok", None, url, params)
    body = b'{"entry": []}'
    assert signatures.meta_ok("s", signatures.meta_signature("s", body), body)
    assert not signatures.meta_ok("s", signatures.meta_signature("s", body), body + b" ")
    assert signatures.telegram_ok("abc", "abc") and not signatures.telegram_ok("abc", "abd")
    assert not signatures.telegram_ok(None, "abc")
