"""Decode a join token and check its time claims against the application's clock, not the wall clock.

PyJWT compares `exp`, `nbf` and `iat` with the machine's time; tests freeze `scheduler.clock` instead, so they
verify the signature, audience and issuer with PyJWT and the time window here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import jwt

from scheduler import clock

_NO_TIME_CHECKS = {"verify_exp": False, "verify_nbf": False, "verify_iat": False, "require": ["exp", "nbf", "iat"]}


def decode_at(
    token: str,
    key: Any,
    *,
    algorithm: str,
    audience: str,
    issuer: str | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """The token's claims, refusing it as PyJWT would if `at` (default: the app's clock) is outside its window."""
    claims = jwt.decode(token, key, algorithms=[algorithm], audience=audience, issuer=issuer, options=_NO_TIME_CHECKS)
    now = int((at or clock.now()).timestamp())
    if now >= claims["exp"]:
        raise jwt.ExpiredSignatureError("Signature has expired")
    if now < claims["nbf"]:
        raise jwt.ImmatureSignatureError("The token is not yet valid (nbf)")
    if claims["iat"] > now:
        raise jwt.ImmatureSignatureError("The token is not yet valid (iat)")
    return claims
