"""Statuses are enums stored as strings: the database itself refuses a value that is not a member, on SQLite and
PostgreSQL (test_config_and_migrations checks that the migrations build the same CHECK constraints)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from scheduler.extensions import db
from scheduler.meetings.models import Series
from scheduler.participants.models import Rsvp
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
