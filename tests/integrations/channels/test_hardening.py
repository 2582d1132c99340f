"""Hard cases: texts longer than a channel takes, user text that must not be read as markup, webhook bodies of any
shape, providers that answer with an HTML error page, and the retention purge over hundreds of contacts."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer
from werkzeug import Response

from scheduler import clock
from scheduler.extensions import db
from scheduler.integrations.channels import signatures
from scheduler.integrations.channels.base import ChannelUnavailable, Notice
from scheduler.integrations.channels.sms import SmsChannel
from scheduler.integrations.channels.telegram import TelegramChannel
from scheduler.integrations.channels.text import fit, fit_sms, sms_segments, utf16_length
from scheduler.integrations.channels.whatsapp import WhatsAppChannel
from scheduler.notifications import contacts
from scheduler.notifications.channel_models import ChannelContact, ContactStatus
from scheduler.notifications.models import OutboxMessage, OutboxStatus
from scheduler.participants.models import Participant
from tests.integrations.channels.conftest import META_SECRET, TELEGRAM_SECRET
from tests.integrations.channels.fake_providers import AUTH, BOT, PNID, SID, TOKEN, WA_TOKEN
from tests.integrations.channels.test_consent import BASE
from tests.notifications.reminder_support import BEFORE
from tests.statements import count_queries

LINK = "https://meet.example.org/j/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
BENGALI = "আপনার সভা শুরু হবে। কিছু লেখা এখানে। "  # vowel signs: combining marks


def _whole(cut: str, original: str) -> None:
    """Every word of the cut text is a whole word of the original: no word, link or letter was broken."""
    assert cut and cut == cut.strip()
    assert set(cut.replace(" · ", " ").split()) <= set(original.split())
    assert LINK in cut or "https://" not in cut


@pytest.mark.parametrize("filler", [BENGALI, "Welcome 👩‍👩‍👧 ", "plain words "])
def test_long_texts_are_cut_between_words_and_keep_the_link_whole(filler):
    one_line = filler * 400 + LINK + " " + filler * 50
    lines = "\n".join(["Headline", filler * 300, f"Your join link: {LINK}", filler * 200, "Helpline 113"])
    for text in (one_line, lines):
        for limit in (4096, 1024, 300, 97):
            cut = fit(text, limit)
            assert utf16_length(cut) <= limit  # Telegram counts UTF-16 code units (an emoji is two)
            _whole(cut, text)
        for segments in (1, 2, 5):
            cut = fit_sms(text, segments)
            assert sms_segments(cut) <= segments
            _whole(cut, text)
    assert fit(lines, 200).endswith("Helpline 113")


def test_one_long_word_is_cut_between_letters_not_inside_one():
    word = "শুরু" * 50 + "👩‍👩‍👧" * 20
    for limit in range(5, 120, 7):
        cut = fit(word, limit)
        assert utf16_length(cut) <= limit and word.startswith(cut)
        rest = word[len(cut) :]
        assert not rest or not (unicodedata.combining(rest[0]) or rest[0] in "\u200d\u09c1")


def test_telegram_never_sends_a_parse_mode(httpserver: HTTPServer, fake):
    telegram = TelegramChannel(TOKEN, BOT, api_base=httpserver.url_for("/").rstrip("/"), timeout=3)
    name = "<b>Sky</b> *bold* _x_ [link](http://evil.example) &amp;"
    telegram.send("42", Notice(text=f"Hello {name}\n{BENGALI * 300}{LINK}"))
    (payload,) = fake.telegram_payloads
    assert "parse_mode" not in payload and "entities" not in payload
    assert payload["text"].startswith(f"Hello {name}") and utf16_length(payload["text"]) <= 4096


def test_whatsapp_parameter_is_one_line_within_the_limit(httpserver: HTTPServer, fake):
    whatsapp = WhatsAppChannel(
        WA_TOKEN, PNID, notice_template="meeting_notice", code_template="c", api_base=httpserver.url_for("/v21.0")
    )
    original = "\n".join(["Head", BENGALI * 60, LINK, "Helpline"])
    whatsapp.send("+31612345678", Notice(text=original, language="bn"))
    (body,) = fake.whatsapp
    text = body["template"]["components"][0]["parameters"][0]["text"]
    assert "\n" not in text and utf16_length(text) <= 1024
    _whole(text, original)


def _html(status: int):
    def handler(request) -> Response:
        return Response("<html><body><h1>502 Bad Gateway</h1>nginx</body></html>", status=status, mimetype="text/html")

    return handler


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_html_error_pages_from_providers_are_an_outage(httpserver: HTTPServer, status):
    httpserver.expect_request(re.compile(r"/.*")).respond_with_handler(_html(status))
    base = httpserver.url_for("/").rstrip("/")
    adapters = [
        TelegramChannel(TOKEN, BOT, api_base=base, timeout=3),
        WhatsAppChannel(WA_TOKEN, PNID, notice_template="n", code_template="c", api_base=base + "/v21.0", timeout=3),
        SmsChannel(SID, AUTH, "+3197010000000", api_base=base, timeout=3),
    ]
    for adapter in adapters:
        with pytest.raises(ChannelUnavailable) as caught:
            adapter.send("+31612345678", Notice(text="hello"))
        assert "<" not in caught.value.summary and "nginx" not in caught.value.summary


def test_a_telegram_200_that_is_not_json_is_an_outage(httpserver: HTTPServer):
    httpserver.expect_request(re.compile(r"/.*")).respond_with_handler(_html(200))
    telegram = TelegramChannel(TOKEN, BOT, api_base=httpserver.url_for("/").rstrip("/"), timeout=3)
    with pytest.raises(ChannelUnavailable):
        telegram.send("42", Notice(text="hello"))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
KEYS = st.sampled_from(
    ["entry", "changes", "value", "messages", "statuses", "text", "body", "from", "id", "status", "errors", "code"]
)
SHAPED = st.recursive(
    st.none() | st.integers() | st.text(max_size=12) | st.just("STOP") | st.just("/stop") | st.just("failed"),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS | st.just("message") | st.just("chat"), inner),
    max_leaves=25,
)


WRONG_SHAPES = [
    {"entry": "x"},
    {"entry": [{"changes": [{"value": {"messages": 5}}]}]},
    {"entry": [{"changes": [{"value": {"messages": [{"text": "STOP", "from": "31612345678"}]}}]}]},
    {"entry": [{"changes": [{"value": {"messages": [{"text": {"body": 7}, "from": ["x"]}]}}]}]},
    {"entry": [{"changes": [{"value": {"statuses": [{"status": "failed", "id": "x", "errors": 3}]}}]}]},
    {"entry": [{"changes": [{"value": {"statuses": [{"status": "failed", "id": {"a": 1}, "errors": ["x"]}]}}]}]},
]


@pytest.mark.parametrize("body", [*WRONG_SHAPES, [], "text", 3, None])
def test_whatsapp_events_of_the_wrong_shape(client, channels_app, body):
    raw = json.dumps(body).encode()
    signed = {"X-Hub-Signature-256": signatures.meta_signature(META_SECRET, raw)}
    answer = client.post("/channels/whatsapp/webhook", data=raw, headers=signed)
    assert answer.status_code == (200 if isinstance(body, dict) else 400)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=JSON | SHAPED, raw=st.binary(max_size=40))
def test_webhooks_answer_any_body_without_a_server_error(client, channels_app, fake, body, raw):
    payloads = [json.dumps(body).encode(), raw]
    for data in payloads:
        telegram = client.post(
            "/channels/telegram/webhook", data=data, headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
        )
        assert telegram.status_code in (200, 400)
        signed = {"X-Hub-Signature-256": signatures.meta_signature(META_SECRET, data)}
        assert client.post("/channels/whatsapp/webhook", data=data, headers=signed).status_code in (200, 400)
    update = {"update_id": 1, "message": body}
    assert client.post(
        "/channels/telegram/webhook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
    ).status_code in (200, 400)
    form = {"Body": str(body)[:50], "From": "+31612345678", "MessageStatus": "failed", "MessageSid": "SM1"}
    headers = {"X-Twilio-Signature": signatures.twilio_signature(AUTH, BASE + "/channels/sms/inbound", form.items())}
    assert client.post("/channels/sms/inbound", data=form, headers=headers).status_code == 200


def test_the_retention_purge_is_set_wise(app):
    people = [
        Participant(email=f"p{n}@example.org", display_name=f"P{n}", language="en", timezone="UTC") for n in range(300)
    ]
    db.session.add_all(people)
    db.session.flush()
    with clock.frozen_at(BEFORE):
        for n, someone in enumerate(people):
            status = ContactStatus.VERIFIED if n % 3 else ContactStatus.PENDING
            expires = BEFORE - timedelta(days=2) if status == ContactStatus.PENDING else None
            address = f"+3161234{n:04d}"
            db.session.add(
                ChannelContact(
                    participant_id=someone.id, channel="sms", status=status, address=address, expires_at=expires
                )
            )
            db.session.add(
                OutboxMessage(
                    kind="reminder",
                    dedupe_key=f"r{n}@sms",
                    message_id=f"<r{n}@example.org>",
                    recipient_email="",
                    subject="",
                    body_text="x",
                    language="en",
                    participant_id=someone.id,
                    channel="sms",
                    status=OutboxStatus.PENDING,
                    send_after=BEFORE,
                )
            )
        db.session.commit()
        with count_queries() as statements:
            assert contacts.drop_idle() == 300
        db.session.commit()
    assert len(statements) == 2, statements  # the outbox withdrawal and the delete, whatever the number of people
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ChannelContact)) == 0
    statuses = set(db.session.scalars(sa.select(OutboxMessage.status).where(OutboxMessage.channel == "sms")))
    assert statuses == {OutboxStatus.CANCELLED}
