"""The embedded default: the web server and the worker share one SQLite file without blocking each other."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from scheduler import create_app
from scheduler.extensions import db
from scheduler.meetings.models import Occurrence
from tests.conftest import base_config, dispose_engines


@pytest.fixture
def sqlite_app(tmp_path: Path):  # type: ignore[no-untyped-def]
    app = create_app(base_config(f"sqlite:///{tmp_path / 'tuned.sqlite3'}"))
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        dispose_engines()


def test_a_writer_does_not_block_a_reader(sqlite_app) -> None:  # type: ignore[no-untyped-def]
    engine = db.engine
    with engine.connect() as setup:
        assert setup.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        setup.exec_driver_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        setup.exec_driver_sql("INSERT INTO notes (body) VALUES ('committed')")
        setup.commit()
    writer, reader = engine.connect(), engine.connect()
    try:
        writer.exec_driver_sql("BEGIN IMMEDIATE")  # the worker holds the write lock ...
        writer.exec_driver_sql("INSERT INTO notes (body) VALUES ('uncommitted')")
        reader.exec_driver_sql("PRAGMA busy_timeout=0")  # ... and the reader must not even wait for it
        bodies = [row[0] for row in reader.exec_driver_sql("SELECT body FROM notes ORDER BY id")]
        assert bodies == ["committed"]  # it reads the last committed state at once
        reader.rollback()
        writer.commit()
        assert reader.exec_driver_sql("SELECT count(*) FROM notes").scalar() == 2
    finally:
        writer.close()
        reader.close()


def test_foreign_keys_are_enforced_and_a_busy_writer_is_waited_for(sqlite_app) -> None:  # type: ignore[no-untyped-def]
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    from datetime import UTC, datetime

    at = datetime(2027, 1, 5, 18, tzinfo=UTC)
    db.session.add(Occurrence(series_id=999_999, original_start=at, start=at, end=at))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Occurrence)) == 0
