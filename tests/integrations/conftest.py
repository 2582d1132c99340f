from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pytest_httpserver import HTTPServer

from scheduler.integrations.zoom import ZoomProvider
from tests.integrations.fake_zoom import ACCOUNT_ID, CLIENT_ID, CLIENT_SECRET, FakeZoom

_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: object) -> object:
    host = address[0] if isinstance(address, tuple) else None
    if isinstance(host, str):
        try:
            allowed = ipaddress.ip_address(host).is_loopback
        except ValueError:
            allowed = False
        if not allowed:
            raise ConnectionRefusedError(f"tests may not reach {host}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing in these tests may reach beyond 127.0.0.1."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    return ("127.0.0.1", 0)


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2024, 5, 2, 13, 15, tzinfo=UTC))


@pytest.fixture
def fake_zoom(httpserver: HTTPServer) -> Iterator[FakeZoom]:
    fake = FakeZoom()
    httpserver.expect_request(re.compile(r"/.*")).respond_with_handler(fake)
    yield fake
    httpserver.check()


@pytest.fixture
def zoom(httpserver: HTTPServer, fake_zoom: FakeZoom, clock: FakeClock) -> ZoomProvider:
    return ZoomProvider(
        ACCOUNT_ID,
        CLIENT_ID,
        CLIENT_SECRET,
        api_base=httpserver.url_for("/v2"),
        oauth_url=httpserver.url_for("/oauth/token"),
        clock=clock,
        timeout=2,
    )


# --- app-level fixtures for the provisioning tests ---------------------------------------------------------

WEBHOOK_SECRET = "whsec-test-c2VjcmV0LXRva2Vu"
ZOOM_HOST = "zoom.host@example.org"


@pytest.fixture
def zoom_config(app, httpserver: HTTPServer, fake_zoom: FakeZoom) -> dict[str, object]:
    """Points the app's Zoom settings at the local fake."""
    config: dict[str, object] = {
        "ZOOM_ACCOUNT_ID": ACCOUNT_ID,
        "ZOOM_CLIENT_ID": CLIENT_ID,
        "ZOOM_CLIENT_SECRET": CLIENT_SECRET,
        "ZOOM_API_BASE": httpserver.url_for("/v2"),
        "ZOOM_OAUTH_URL": httpserver.url_for("/oauth/token"),
        "ZOOM_TIMEOUT": 2,
        "ZOOM_DEFAULT_HOST_EMAIL": ZOOM_HOST,
        "ZOOM_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }
    app.config.update(config)
    return config
