"""Small builders for test data: create_user(), create_group(), create_series(**overrides)."""

from __future__ import annotations

from datetime import date, time
from itertools import count
from typing import Any

from scheduler.auth import services as accounts
from scheduler.auth.models import User
from scheduler.extensions import db
from scheduler.meetings import services
from scheduler.meetings.models import Group, Series
from scheduler.meetings.recurrence import RecurrenceRule

_seq = count(1)
PASSWORD = "correct horse battery staple"


def create_user(role: str = "organizer", **overrides: Any) -> User:
    n = next(_seq)
    values: dict[str, Any] = {"email": f"staff{n}@example.org", "name": f"Staff {n}", "timezone": "UTC"}
    values.update(overrides)
    user = accounts.create_user(values.pop("email"), values.pop("name"), PASSWORD, role, **values)
    db.session.commit()
    return user


def create_group(members: dict[User, str] | None = None, **overrides: Any) -> Group:
    n = next(_seq)
    values: dict[str, Any] = {
        "slug": f"group-{n}",
        "name": f"Group {n}",
        "timezone": "Europe/Amsterdam",
        "language": "nl",
        "topic": "addiction",
        "description": "A peer-support group.",
    }
    values.update(overrides)
    group = Group(**values)
    db.session.add(group)
    db.session.flush()
    for user, role in (members or {}).items():
        services.add_member(group, user, role)
    db.session.commit()
    return group


def series_input(**overrides: Any) -> services.SeriesInput:
    values: dict[str, Any] = {
        "title": "Tuesday evening group",
        "kind": "peer_support",
        "start_date": date(2026, 12, 1),
        "start_time": time(19, 0),
        "timezone": "Europe/Amsterdam",
        "duration_minutes": 90,
        "rule": RecurrenceRule(freq="weekly", weekdays=(1,)),
        "language": "nl",
        "status": "published",
    }
    values.update(overrides)
    return services.SeriesInput(**values)


def create_series(group: Group, **overrides: Any) -> Series:
    series = services.create_series(group, series_input(**overrides))
    db.session.commit()
    return series
