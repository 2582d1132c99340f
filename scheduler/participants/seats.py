"""The seat counter of an occurrence: the one place capacity is enforced, by the database itself.

`take()` is a conditional `UPDATE ... SET taken = taken + 1 WHERE taken < capacity`; its row count says whether
a seat was won. On PostgreSQL concurrent updaters queue on the row lock and re-check the condition; on SQLite
writers are serialised by the database lock. No Python check-then-insert anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from scheduler.extensions import db
from scheduler.meetings.models import Occurrence
from scheduler.participants.models import SeatCounter
from scheduler.rows import insert_ignore, insert_many_ignore

_NO_SYNC = {"synchronize_session": False}


def _ensure_counter(occurrence_id: int) -> None:
    insert_ignore(SeatCounter, {"occurrence_id": occurrence_id, "taken": 0}, ["occurrence_id"])


def take(occurrence_id: int, capacity: int | None) -> bool:
    """Claim one seat; False when the occurrence is full. `capacity=None` means no limit (still counted)."""
    _ensure_counter(occurrence_id)
    statement = (
        sa.update(SeatCounter)
        .where(SeatCounter.occurrence_id == occurrence_id)
        .values(taken=SeatCounter.taken + 1)
        .execution_options(**_NO_SYNC)
    )
    if capacity is not None:
        statement = statement.where(SeatCounter.taken < capacity)
    return int(db.session.execute(statement).rowcount or 0) == 1  # type: ignore[attr-defined]


def take_many(occurrence_ids: Iterable[int], capacity: int | None) -> set[int]:
    """Claim one seat in each of several occurrences (given in start order) in two statements; returns the
    occurrences where a seat was won.

    The counters are created if missing, then locked in start order (the order every claimer uses, so two
    claimers cannot deadlock) and raised only where `taken < capacity`, re-checked under the row lock."""
    ids = list(dict.fromkeys(occurrence_ids))
    if not ids:
        return set()
    insert_many_ignore(SeatCounter, [{"occurrence_id": i, "taken": 0} for i in ids], ["occurrence_id"])
    free = sa.true() if capacity is None else SeatCounter.taken < capacity
    locked = (
        sa.select(SeatCounter.occurrence_id)
        .join(Occurrence, Occurrence.id == SeatCounter.occurrence_id)
        .where(SeatCounter.occurrence_id.in_(ids), free)
        .order_by(Occurrence.start, Occurrence.id)
        .with_for_update(of=SeatCounter)
    )
    statement = (
        sa.update(SeatCounter)
        .where(SeatCounter.occurrence_id.in_(locked.scalar_subquery()), free)
        .values(taken=SeatCounter.taken + 1)
        .returning(SeatCounter.occurrence_id)
        .execution_options(**_NO_SYNC)
    )
    return set(db.session.scalars(statement))


def release(occurrence_id: int) -> None:
    db.session.execute(
        sa.update(SeatCounter)
        .where(SeatCounter.occurrence_id == occurrence_id, SeatCounter.taken > 0)
        .values(taken=SeatCounter.taken - 1)
        .execution_options(**_NO_SYNC)
    )


def taken(occurrence_ids: Iterable[int]) -> dict[int, int]:
    ids = list(occurrence_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(SeatCounter.occurrence_id, SeatCounter.taken).where(SeatCounter.occurrence_id.in_(ids))
    )
    return {occurrence_id: count for occurrence_id, count in rows}
