from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from tests.integrations.channels.fake_providers import AUTH, BOT, PNID, SID, TOKEN, WA_TOKEN, FakeProviders

TELEGRAM_SECRET = "tg-webhook-secret_42"
META_SECRET = "meta-app-secret"


@pytest.fixture
def fake(httpserver: HTTPServer) -> Iterator[FakeProviders]:
    providers = FakeProviders()
    httpserver.expect_request(re.compile(r"/.*")).respond_with_handler(providers)
    yield providers


@pytest.fixture
def channels_app(app, httpserver: HTTPServer, fake: FakeProviders):
    base = httpserver.url_for("/").rstrip("/")
    app.config.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_BOT_USERNAME=BOT,
        TELEGRAM_API_BASE=base,
        TELEGRAM_WEBHOOK_SECRET=TELEGRAM_SECRET,
        WHATSAPP_ACCESS_TOKEN=WA_TOKEN,
        WHATSAPP_PHONE_NUMBER_ID=PNID,
        WHATSAPP_API_BASE=base + "/v21.0",
        WHATSAPP_APP_SECRET=META_SECRET,
        WHATSAPP_VERIFY_TOKEN="meta-verify-token",
        SMS_ACCOUNT_SID=SID,
        SMS_AUTH_TOKEN=AUTH,
        SMS_FROM="+3197010000000",
        SMS_API_BASE=base,
        CHANNEL_TIMEOUT=3,
    )
    return app
