"""Exponential backoff with jitter, the one rule for retrying later (email, video rooms, Zoom's rate limits). Pure."""

from __future__ import annotations

import secrets
from datetime import timedelta

_jitter = secrets.SystemRandom()


def delay(attempt: int, *, base: float, cap: float) -> timedelta:
    """Attempt 1 waits between base/2 and base, each further attempt twice as long, never longer than `cap`.
    The random spread keeps many retries (workers, messages, rooms) from arriving together."""
    ceiling = min(float(cap), float(base) * 2 ** max(attempt - 1, 0))
    return timedelta(seconds=_jitter.uniform(ceiling / 2, ceiling))
