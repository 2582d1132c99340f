"""A per-address limit on RSVP emails, kept in Flask-Limiter's storage under a hash of the address.

Unlike the per-IP limit (a 429), going over the per-address limit is silent: the visitor sees the same
"check your inbox" page, so nobody can learn whether someone else has recently used an address.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from limits import parse_many

from scheduler.extensions import limiter


def address_allowed(email: str) -> bool:
    """Counts one RSVP email for this address; False once the configured limit is reached."""
    if not (current_app.config.get("RATELIMIT_ENABLED", True) and limiter.enabled and limiter.initialized):
        return True
    key = hashlib.sha256(f"rsvp-address:{email}".encode()).hexdigest()
    allowed = True
    for item in parse_many(current_app.config["RSVP_ADDRESS_RATE_LIMIT"]):
        allowed = limiter.limiter.hit(item, "rsvp-address", key) and allowed
    return allowed
