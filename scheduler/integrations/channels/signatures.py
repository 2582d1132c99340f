"""Checks that an inbound webhook really comes from the provider. Pure; constant-time comparisons.

Telegram: the secret_token given to setWebhook comes back in X-Telegram-Bot-Api-Secret-Token. WhatsApp (Meta):
X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256(app secret, raw body). Twilio: X-Twilio-Signature = base64
HMAC-SHA1(auth token, the full URL + every POST parameter name and value, sorted by name).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable


def telegram_ok(secret: str | None, header: str | None) -> bool:
    if not secret or not header:
        return False
    return hmac.compare_digest(secret.encode(), header.encode())


def meta_signature(secret: str, raw_body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()


def meta_ok(secret: str | None, header: str | None, raw_body: bytes) -> bool:
    if not secret or not header:
        return False
    return hmac.compare_digest(meta_signature(secret, raw_body).encode(), header.strip().encode())


def twilio_signature(token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    data = url + "".join(name + value for name, value in sorted(params, key=lambda item: item[0]))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def twilio_ok(token: str | None, header: str | None, url: str, params: Iterable[tuple[str, str]]) -> bool:
    if not token or not header:
        return False
    return hmac.compare_digest(twilio_signature(token, url, params).encode(), header.strip().encode())
