"""Statuses are enums stored as strings: the database itself refuses a value that is not a member, on SQLite and
PostgreSQL, in the schema the models describe and in the one the migrations build."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.exc import IntegrityError

from scheduler import create_app
from scheduler.extensions import db
from scheduler.meetings.models import Series
from scheduler.participants.models import Rsvp
from tests.conftest import base_config, dispose_engines
from tests.factories import create_group, create_series, create_user


def refuses(statement: sa.Executable) -> bool:
    savepoint = db.session.begin_nested()
    try:
        db.session.execute(statement)
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        return True
    savepoint.rollback()
    return False


def test_the_database_refuses_a_status_that_is_not_a_member(app, frozen_now):
    organizer = create_user("organizer")
    series = create_series(create_group({organizer: "organizer"}))
    assert not refuses(sa.update(Series).where(Series.id == series.id).values(status="published"))
    assert refuses(sa.update(Series).where(Series.id == series.id).values(status="publshed"))
    assert refuses(sa.text("UPDATE occurrences SET status = 'moved'"))
    assert refuses(sa.insert(Rsvp).values(participant_id=1, series_id=series.id, status="maybe"))


def test_the_migrations_add_the_same_checks(database_url: str, tmp_path: Path) -> None:
    if database_url.startswith("sqlite"):
        database_url = f"sqlite:///{tmp_path / 'migrated.db'}"
    app = create_app(base_config(database_url))
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        try:
            upgrade()
            inspector = sa.inspect(db.engine)
            for table in db.metadata.sorted_tables:
                described = {c.name for c in table.constraints if isinstance(c, sa.CheckConstraint)}
                built = {c["name"] for c in inspector.get_check_constraints(table.name)}
                assert described <= built, (table.name, described, built)
        finally:
            db.drop_all()
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
            db.create_all()
            dispose_engines()
