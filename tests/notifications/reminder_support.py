"""Helpers for the reminder tests: meetings around the March 2027 clock change, sign-ups at a frozen time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa

from scheduler import clock
from scheduler.extensions import db
from scheduler.meetings.models import Occurrence, Series
from scheduler.notifications import reminders, sender
from scheduler.notifications.models import OutboxMessage
from tests.factories import create_group, create_series
from tests.participants.conftest import join_up

# Europe/Amsterdam moves to summer time on Sunday 28 March 2027; Asia/Dhaka has no daylight saving.
BEFORE = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def amsterdam_group(**overrides: Any):
    values = {
        "name": "Amsterdam cocaine recovery",
        "timezone": "Europe/Amsterdam",
        "language": "nl",
        "topic": "addiction",
        "discreet": True,
        "helpline": "Call the Amsterdam helpline: 0800-1234 (demo number)",
    }
    values.update(overrides)
    with clock.frozen_at(BEFORE):
        return create_group(**values)


def weekly_meeting(group, **overrides: Any) -> Series:
    """Tuesdays 14:00 in the group's zone from 16 March 2027 (Amsterdam: 13:00 UTC, then 12:00 UTC from 30 March)."""
    values: dict[str, Any] = {
        "title": "Cocaine recovery Tuesday",
        "start_date": date(2027, 3, 16),
        "start_time": time(14, 0),
        "timezone": group.timezone,
        "language": "en",
    }
    values.update(overrides)
    with clock.frozen_at(BEFORE):
        return create_series(group, **values)


def sign_up_at(client, series: Series, email: str, at: datetime = BEFORE, **overrides: str) -> None:
    with clock.frozen_at(at):
        join_up(client, series, email, **overrides)


def session_on(series: Series, day: date) -> Occurrence:
    return next(
        o
        for o in db.session.scalars(sa.select(Occurrence).where(Occurrence.series_id == series.id))
        if o.start.date() == day
    )


def plan_at(at: datetime) -> int:
    with clock.frozen_at(at):
        queued = reminders.plan_reminders()
        db.session.commit()
    db.session.expire_all()
    return queued


def send_at(at: datetime) -> int:
    with clock.frozen_at(at):
        handled = sender.send_due()
    db.session.expire_all()
    return handled


def reminder_rows(**filters: Any) -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).where(OutboxMessage.kind == "reminder").order_by(OutboxMessage.send_after)
    for name, value in filters.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    return list(db.session.scalars(query))
