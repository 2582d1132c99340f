"""Zoom webhook helpers: signature check over the RAW body, URL validation and event parsing."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

FUTURE_SKEW_SECONDS = 30  # clock skew tolerated for timestamps slightly ahead of ours


@dataclass(frozen=True)
class ZoomEvent:
    event: str
    meeting_id: str | None
    occurrence_id: str | None = None
    plain_token: str | None = None  # only for endpoint.url_validation


def _hmac_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify_zoom_signature(
    secret: str,
    timestamp_header: str | None,
    signature_header: str | None,
    raw_body: bytes,
    now: datetime,
    max_age: int = 300,
) -> bool:
    """True when x-zm-signature == "v0=" + hex(HMAC_SHA256(secret, "v0:{ts}:{raw body}")) and the
    timestamp is neither older than max_age seconds nor in the future (beyond a small skew)."""
    if not secret or not timestamp_header or not signature_header:
        return False
    ts_text = timestamp_header.strip()
    if not ts_text.isascii() or not ts_text.isdigit():
        return False
    ts = int(ts_text)
    if ts > 10**11:  # milliseconds
        ts //= 1000
    age = now.timestamp() - ts
    if age > max_age or age < -FUTURE_SKEW_SECONDS:
        return False
    expected = "v0=" + _hmac_hex(secret, b"v0:" + ts_text.encode("ascii") + b":" + raw_body)
    return hmac.compare_digest(expected.encode("ascii"), signature_header.strip().encode("utf-8"))


def url_validation_response(secret: str, plain_token: str) -> dict[str, str]:
    """The answer to endpoint.url_validation (must be sent within 3 seconds)."""
    return {"plainToken": plain_token, "encryptedToken": _hmac_hex(secret, plain_token.encode("utf-8"))}


def parse_event(body: dict[str, Any]) -> ZoomEvent:
    """Extracts what we act on; raises ValueError on a body that is not a Zoom event."""
    if not isinstance(body, dict) or not isinstance(body.get("event"), str):
        raise ValueError("not a Zoom event")
    payload = body.get("payload") if isinstance(body.get("payload"), dict) else {}
    if body["event"] == "endpoint.url_validation":
        token = payload.get("plainToken")
        if not isinstance(token, str) or not token:
            raise ValueError("url_validation without plainToken")
        return ZoomEvent(event=body["event"], meeting_id=None, plain_token=token)
    obj = payload.get("object") if isinstance(payload.get("object"), dict) else {}
    meeting_id = obj.get("id")
    occurrence_id = None
    occurrences = obj.get("occurrences")
    if isinstance(occurrences, list) and occurrences and isinstance(occurrences[0], dict):
        value = occurrences[0].get("occurrence_id")
        occurrence_id = str(value) if value not in (None, "") else None
    return ZoomEvent(
        event=body["event"],
        meeting_id=str(meeting_id) if meeting_id not in (None, "") else None,
        occurrence_id=occurrence_id,
    )
