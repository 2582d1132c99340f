from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from scheduler.integrations.webhooks import (
    ZoomEvent,
    parse_event,
    url_validation_response,
    verify_zoom_signature,
)

SECRET = "whsec-Zm9vYmFy"
NOW = datetime(2024, 5, 2, 13, 15, tzinfo=UTC)
TS = str(int(NOW.timestamp()))
BODY = json.dumps(
    {
        "event": "meeting.deleted",
        "event_ts": 1714655700000,
        "payload": {
            "account_id": "acct",
            "object": {
                "id": 85746065432,
                "uuid": "u==",
                "host_id": "h",
                "occurrences": [{"occurrence_id": "1715013000000", "start_time": "2024-05-06T16:30:00Z"}],
            },
        },
    },
    separators=(",", ":"),
).encode()


def sign(body: bytes, ts: str = TS, secret: str = SECRET) -> str:
    return "v0=" + hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()


def test_valid_signature() -> None:
    assert verify_zoom_signature(SECRET, TS, sign(BODY), BODY, NOW)


def test_valid_signature_within_max_age_and_in_milliseconds() -> None:
    old = str(int((NOW - timedelta(seconds=299)).timestamp()))
    assert verify_zoom_signature(SECRET, old, sign(BODY, old), BODY, NOW)
    ms = str(int(NOW.timestamp() * 1000))
    assert verify_zoom_signature(SECRET, ms, sign(BODY, ms), BODY, NOW)


def test_tampered_body() -> None:
    tampered = BODY.replace(b"85746065432", b"85746065433")
    assert not verify_zoom_signature(SECRET, TS, sign(BODY), tampered, NOW)


def test_reformatted_body_fails_because_the_raw_body_counts() -> None:
    pretty = json.dumps(json.loads(BODY)).encode()
    assert not verify_zoom_signature(SECRET, TS, sign(BODY), pretty, NOW)


@pytest.mark.parametrize("delta", [timedelta(seconds=301), timedelta(hours=5), -timedelta(minutes=5)])
def test_stale_or_future_timestamp(delta: timedelta) -> None:
    ts = str(int((NOW - delta).timestamp()))
    assert not verify_zoom_signature(SECRET, ts, sign(BODY, ts), BODY, NOW)


def test_wrong_secret_and_garbage() -> None:
    assert not verify_zoom_signature(SECRET, TS, sign(BODY, secret="other"), BODY, NOW)
    assert not verify_zoom_signature("", TS, sign(BODY, secret=""), BODY, NOW)
    assert not verify_zoom_signature(SECRET, None, sign(BODY), BODY, NOW)
    assert not verify_zoom_signature(SECRET, TS, None, BODY, NOW)
    assert not verify_zoom_signature(SECRET, "12ab", sign(BODY, "12ab"), BODY, NOW)
    assert not verify_zoom_signature(SECRET, TS, "v0=ünïcode", BODY, NOW)
    assert not verify_zoom_signature(SECRET, TS, sign(BODY)[3:], BODY, NOW)


def test_url_validation_response() -> None:
    answer = url_validation_response(SECRET, "qgg8vlvZRS6UYooatFL8Aw")
    expected = hmac.new(SECRET.encode(), b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest()
    assert answer == {"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": expected}


def test_parse_events() -> None:
    assert parse_event(json.loads(BODY)) == ZoomEvent("meeting.deleted", "85746065432", "1715013000000")
    updated = {"event": "meeting.updated", "payload": {"object": {"id": 123, "topic": "x"}}}
    assert parse_event(updated) == ZoomEvent("meeting.updated", "123", None)
    validation = {"event": "endpoint.url_validation", "payload": {"plainToken": "abc"}}
    assert parse_event(validation) == ZoomEvent("endpoint.url_validation", None, None, plain_token="abc")
    with pytest.raises(ValueError):
        parse_event({"payload": {}})
    with pytest.raises(ValueError):
        parse_event({"event": "endpoint.url_validation", "payload": {}})
