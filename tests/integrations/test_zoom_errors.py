"""Zoom: OAuth token handling, rate limits, outages and configuration errors."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import pytest

from scheduler.integrations.base import (
    ConfigurationError,
    RateLimited,
    TransientError,
)
from scheduler.integrations.zoom import ZoomProvider
from tests.integrations.fake_zoom import ACCOUNT_ID, CLIENT_ID, CLIENT_SECRET, FakeZoom
from tests.integrations.samples import HOST, MEETINGS, make_req


def test_webinar_plan_missing_is_configuration_error(zoom: ZoomProvider, fake_zoom: FakeZoom) -> None:
    fake_zoom.webinar_plan = False
    with pytest.raises(ConfigurationError) as info:
        zoom.create(make_req(kind="webinar"))
    assert not info.value.retryable and "webinar licence" in info.value.user_message_key
    assert info.value.status == 400 and info.value.code == 200


def test_missing_scopes_is_configuration_error(zoom: ZoomProvider, fake_zoom: FakeZoom) -> None:
    fake_zoom.fail(
        "POST",
        MEETINGS,
        400,
        {
            "code": 4711,
            "message": "Invalid access token, does not contain scopes:[meeting:write:meeting:admin]",
        },
    )
    with pytest.raises(ConfigurationError) as info:
        zoom.create(make_req())
    assert info.value.code == 4711 and not info.value.retryable


def test_unknown_host_email_is_configuration_error_without_the_email(zoom: ZoomProvider, fake_zoom: FakeZoom) -> None:
    fake_zoom.fail("POST", MEETINGS, 404, {"code": 1001, "message": f"User does not exist: {HOST}."})
    with pytest.raises(ConfigurationError) as info:
        zoom.create(make_req())
    assert HOST not in str(info.value)


def test_missing_host_email_needs_no_call(zoom: ZoomProvider, fake_zoom: FakeZoom) -> None:
    with pytest.raises(ConfigurationError):
        zoom.create(make_req(host_email=None))
    assert fake_zoom.token_calls == 0


def test_token_is_cached_across_calls(zoom: ZoomProvider, fake_zoom: FakeZoom) -> None:
    room = zoom.create(make_req())
    zoom.refresh(room)
    zoom.host_start_url(room)
    zoom.delete(room)
    assert fake_zoom.token_calls == 1 and len(fake_zoom.calls) == 4
    assert fake_zoom.problems == []


def test_token_is_minted_again_before_expiry(zoom: ZoomProvider, fake_zoom: FakeZoom, clock) -> None:
    room = zoom.create(make_req())
    clock.advance(minutes=54)
    zoom.refresh(room)
    assert fake_zoom.token_calls == 1
    clock.advance(minutes=2)  # within 5 minutes of expires_in=3600
    zoom.refresh(room)
    assert fake_zoom.token_calls == 2


def test_expired_token_code_124_is_reminted_once(zoom: ZoomProvider, fake_zoom: FakeZoom) -> None:
    room = zoom.create(make_req())
    fake_zoom.revoke_tokens()
    assert zoom.refresh(room).external_id == room.external_id
    assert fake_zoom.token_calls == 2 and len(fake_zoom.api_calls("GET")) == 2


def test_second_401_raises_without_looping(zoom: ZoomProvider, fake_zoom: FakeZoom) -> None:
    fake_zoom.fail("POST", MEETINGS, 401, {"code": 124, "message": "Invalid access token."}, times=5)
    with pytest.raises(ConfigurationError) as info:
        zoom.create(make_req())
    assert info.value.status == 401 and not info.value.retryable
    assert fake_zoom.token_calls == 2 and len(fake_zoom.calls) == 2


def test_bad_client_credentials(zoom: ZoomProvider, fake_zoom: FakeZoom, httpserver) -> None:
    provider = ZoomProvider(
        ACCOUNT_ID,
        CLIENT_ID,
        "wrong-secret",
        api_base=httpserver.url_for("/v2"),
        oauth_url=httpserver.url_for("/oauth/token"),
    )
    with pytest.raises(ConfigurationError) as info:
        provider.create(make_req())
    assert "wrong-secret" not in str(info.value) and fake_zoom.calls == []


def test_429_with_retry_after_seconds(zoom: ZoomProvider, fake_zoom: FakeZoom, clock) -> None:
    fake_zoom.fail("POST", MEETINGS, 429, {"code": 429, "message": "Too many requests."}, {"Retry-After": "30"})
    with pytest.raises(RateLimited) as info:
        zoom.create(make_req())
    assert info.value.retryable and info.value.retry_at == clock.now + timedelta(seconds=30)


def test_429_with_retry_after_http_date(zoom: ZoomProvider, fake_zoom: FakeZoom, clock) -> None:
    headers = {"Retry-After": "Thu, 02 May 2024 13:17:00 GMT"}
    fake_zoom.fail("POST", MEETINGS, 429, {"code": 429, "message": "Too many requests."}, headers)
    with pytest.raises(RateLimited) as info:
        zoom.create(make_req())
    assert info.value.retry_at == datetime(2024, 5, 2, 13, 17, tzinfo=UTC)


def test_429_without_retry_after_backs_off_exponentially(zoom: ZoomProvider, fake_zoom: FakeZoom, clock) -> None:
    fake_zoom.fail("POST", MEETINGS, 429, {"code": 429, "message": "Too many requests."}, times=3)
    delays = []
    for _ in range(3):
        with pytest.raises(RateLimited) as info:
            zoom.create(make_req())
        delays.append((info.value.retry_at - clock.now).total_seconds())
    assert 1 <= delays[0] <= 2 and 2 <= delays[1] <= 4 and 4 <= delays[2] <= 8
    zoom.create(make_req())  # success resets the backoff
    fake_zoom.fail("POST", MEETINGS, 429, {"code": 429, "message": "Too many requests."})
    with pytest.raises(RateLimited) as info:
        zoom.create(make_req())
    assert (info.value.retry_at - clock.now).total_seconds() <= 2


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({"X-RateLimit-Type": "Daily-limit", "X-RateLimit-Limit": "100"}, "Too many requests."),
        ({}, "You have reached the maximum daily rate limit for this API."),
    ],
)
def test_daily_limit_waits_for_utc_midnight(zoom, fake_zoom, clock, headers, message) -> None:
    fake_zoom.fail("POST", MEETINGS, 429, {"code": 429, "message": message}, headers)
    with pytest.raises(RateLimited) as info:
        zoom.create(make_req())
    assert info.value.retry_at == datetime(2024, 5, 3, 0, 0, tzinfo=UTC)
    assert "midnight" in info.value.user_message_key


def test_5xx_is_transient_then_recovers(zoom: ZoomProvider, fake_zoom: FakeZoom) -> None:
    fake_zoom.fail("POST", MEETINGS, 503, {"code": 503, "message": "Service unavailable"})
    with pytest.raises(TransientError) as info:
        zoom.create(make_req())
    assert info.value.retryable and info.value.status == 503
    assert zoom.create(make_req()).external_id
    assert fake_zoom.token_calls == 1


def test_connection_refused_is_transient(clock) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    provider = ZoomProvider(
        ACCOUNT_ID,
        CLIENT_ID,
        CLIENT_SECRET,
        api_base=f"http://127.0.0.1:{port}/v2",
        oauth_url=f"http://127.0.0.1:{port}/oauth/token",
        clock=clock,
        timeout=1,
    )
    with pytest.raises(TransientError) as info:
        provider.create(make_req())
    assert info.value.retryable


def test_read_timeout_is_transient(zoom: ZoomProvider, fake_zoom: FakeZoom) -> None:
    zoom.timeout = 0.2
    room = zoom.create(make_req())
    fake_zoom.delays["GET"] = 0.6
    with pytest.raises(TransientError) as info:
        zoom.refresh(room)
    assert info.value.retryable


def test_tests_cannot_leave_loopback() -> None:
    with socket.socket() as s, pytest.raises(ConnectionRefusedError, match="may not reach"):
        s.connect(("203.0.113.7", 443))
