"""Personal link tokens, pure functions: make a secret, hash it for one purpose, check its shape.

The hash covers the purpose, so a secret made for one purpose can never match a row of another purpose,
even if a lookup forgot to filter by purpose. Nothing here touches the database or the request.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from enum import StrEnum

SECRET_BYTES = 32
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{40,64}$")


class Purpose(StrEnum):
    CONFIRM = "confirm"  # confirms an RSVP; single use, expires
    MANAGE = "manage"  # the person's manage page; revocable
    JOIN = "join"  # the personal join link of one RSVP; revocable
    UNSUBSCRIBE = "unsubscribe"  # one-click unsubscribe from reminders
    FEED = "feed"  # a personal calendar feed


def new_secret() -> str:
    """43 URL-safe characters carrying 256 random bits."""
    return secrets.token_urlsafe(SECRET_BYTES)


def looks_like_secret(raw: str) -> bool:
    return bool(_SHAPE.fullmatch(raw or ""))


def hash_secret(purpose: Purpose | str, raw: str) -> str:
    return hashlib.sha256(f"{Purpose(purpose).value}:{raw}".encode()).hexdigest()


def same_hash(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
