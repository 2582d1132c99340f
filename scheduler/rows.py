"""Insert-if-absent, the one idiom for rows that two requests or workers may create at the same moment."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from scheduler.db import Base
from scheduler.extensions import db


def insert_ignore(model: type[Base], values: dict[str, Any], unique: list[str]) -> Any | None:
    """INSERT unless a row with the same unique key exists (ON CONFLICT DO NOTHING).

    Returns the new row's primary key, or None when the row existed (also when a concurrent transaction
    inserted it first)."""
    table = model.__table__
    dialect = db.session.get_bind().dialect.name
    if dialect in {"postgresql", "sqlite"}:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            insert(table)
            .values(**values)
            .on_conflict_do_nothing(index_elements=unique)
            .returning(*table.primary_key.columns)  # a row back only if it inserted (rowcount is -1 on psycopg)
        )
        row = db.session.connection().execute(statement).first()
        return None if row is None else row[0]
    try:  # other databases: a savepoint absorbs the race
        with db.session.begin_nested():
            result = db.session.connection().execute(sa.insert(table).values(**values))
    except IntegrityError:
        return None
    return result.inserted_primary_key[0] if result.inserted_primary_key else True


def insert_many_ignore(model: type[Base], rows: list[dict[str, Any]], unique: list[str]) -> list[Any]:
    """One multi-row INSERT ... ON CONFLICT DO NOTHING; returns the value of the last `unique` column of each
    row it inserted (rows whose key existed are skipped)."""
    if not rows:
        return []
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = model.__table__
    statement = insert(table).values(rows).on_conflict_do_nothing(index_elements=unique)
    return list(db.session.connection().execute(statement.returning(table.c[unique[-1]])).scalars())
