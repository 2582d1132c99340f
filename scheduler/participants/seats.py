"""The seat counter of an occurrence: the one place capacity is enforced, by the database itself.

`take()` is a conditional `UPDATE ... SET taken = taken + 1 WHERE taken < capacity`; its row count says whether
a seat was won. On PostgreSQL concurrent updaters queue on the row lock and re-check the condition; on SQLite
writers are serialised by the database lock. No Python check-then-insert anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from scheduler.db import Base
from scheduler.extensions import db
from scheduler.participants.models import SeatCounter

_NO_SYNC = {"synchronize_session": False}


def insert_ignore(model: type[Base], values: dict[str, Any], unique: list[str]) -> bool:
    """INSERT unless a row with the same unique key exists (ON CONFLICT DO NOTHING). True if it inserted."""
    dialect = db.session.get_bind().dialect.name
    if dialect in {"postgresql", "sqlite"}:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        table = model.__table__
        statement = (
            insert(table)
            .values(**values)
            .on_conflict_do_nothing(index_elements=unique)
            .returning(*table.primary_key.columns)  # a row back only if it inserted (rowcount is -1 on psycopg)
        )
        return db.session.connection().execute(statement).first() is not None
    try:  # other databases: a savepoint absorbs the race
        with db.session.begin_nested():
            db.session.connection().execute(sa.insert(model.__table__).values(**values))
    except IntegrityError:
        return False
    return True


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
