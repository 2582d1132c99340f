"""The one place the application asks what time it is, so tests can freeze it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

_frozen: datetime | None = None


def now() -> datetime:
    """The current instant, timezone-aware UTC."""
    return _frozen if _frozen is not None else datetime.now(UTC)


@contextmanager
def frozen_at(instant: datetime) -> Iterator[None]:
    global _frozen
    if instant.tzinfo is None:
        raise ValueError("freeze the clock with an aware datetime")
    previous, _frozen = _frozen, instant.astimezone(UTC)
    try:
        yield
    finally:
        _frozen = previous


def advance(delta: timedelta) -> None:
    """Moves a frozen clock on (tests: time passing while the code under test works). Only inside frozen_at."""
    global _frozen
    if _frozen is None:
        raise RuntimeError("advance() moves a frozen clock: call it inside clock.frozen_at(...)")
    _frozen += delta
