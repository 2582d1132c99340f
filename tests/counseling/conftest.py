"""Fixtures for the counselor tests: a Jakarta CBT group with an organizer, a counselor (the host), a backup host,
a second group the counselor does not belong to, and helpers that seat people directly."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from itertools import count

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from scheduler import clock
from scheduler.auth.models import User
from scheduler.counseling.models import Attendance
from scheduler.extensions import db
from scheduler.meetings.models import Occurrence, Series
from scheduler.meetings.recurrence import RecurrenceRule
from scheduler.participants.models import Participant, Rsvp, Seat
from tests.factories import PASSWORD, create_group, create_series, create_user

_people = count(1)
BEFORE = datetime(2026, 8, 30, 10, 0, tzinfo=UTC)  # when the fixtures' meetings were created


def login(client: FlaskClient, user: User) -> None:
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code in (302, 303), response.get_data(as_text=True)


def sessions_of(series: Series) -> list[Occurrence]:
    return list(
        db.session.scalars(sa.select(Occurrence).where(Occurrence.series_id == series.id).order_by(Occurrence.start))
    )


def add_person(series: Series, occurrences: list[Occurrence], name: str | None = None, *, status: str = "confirmed",
               language: str = "en") -> Participant:  # fmt: skip
    n = next(_people)
    person = Participant(
        email=f"person{n}@example.net", display_name=name or f"Person {n}", timezone="Asia/Jakarta",
        language=language, confirmed_at=clock.now(),
    )  # fmt: skip
    db.session.add(person)
    db.session.flush()
    rsvp = Rsvp(participant_id=person.id, series_id=series.id, status="active", scope="series")
    db.session.add(rsvp)
    db.session.flush()
    for occurrence in occurrences:
        db.session.add(Seat(rsvp_id=rsvp.id, participant_id=person.id, occurrence_id=occurrence.id, status=status))
    db.session.commit()
    return person


def mark(occurrence: Occurrence, person: Participant, status: str) -> None:
    db.session.add(Attendance(occurrence_id=occurrence.id, participant_id=person.id, status=status))
    db.session.commit()


@pytest.fixture
def staff(app, frozen_now):
    return {
        "organizer": create_user("organizer", name="Rahima Organizer", timezone="Asia/Dhaka"),
        "counselor": create_user("counselor", name="Dewi Counselor", timezone="Asia/Jakarta", language="en"),
        "backup": create_user("counselor", name="Budi Backup", timezone="Asia/Jakarta"),
        "stranger": create_user("counselor", name="Other Counselor", timezone="Europe/Amsterdam"),
    }


@pytest.fixture
def cbt_group(staff):
    return create_group(
        {staff["organizer"]: "organizer", staff["counselor"]: "counselor", staff["backup"]: "counselor"},
        slug="jakarta-cbt", name="Jakarta CBT for depression", timezone="Asia/Jakarta", language="id",
        topic="depression", discreet=True,
    )  # fmt: skip


@pytest.fixture
def other_group(staff):
    return create_group({staff["stranger"]: "counselor"}, slug="amsterdam-family", name="Amsterdam families")


@pytest.fixture
def cbt(cbt_group, staff):
    """8 weekly sessions, Mondays 19:00 Jakarta (12:00 UTC) from 23 November 2026, 12 seats, closed, hosted."""
    return create_series(
        cbt_group, title="CBT group", kind="therapist_led", start_date=date(2026, 11, 23), start_time=time(19, 0),
        timezone="Asia/Jakarta", language="id", rule=RecurrenceRule(freq="weekly", weekdays=(0,), count=8),
        capacity=12, access="closed", host_id=staff["counselor"].id, backup_host_id=staff["backup"].id,
    )  # fmt: skip


@pytest.fixture
def past_weekly(cbt_group, staff):
    """Weekly on Tuesdays 19:00 Jakarta (12:00 UTC) since 1 September 2026: 12 sessions held by 22 November."""
    with clock.frozen_at(BEFORE):
        return create_series(
            cbt_group, title="Tuesday circle", start_date=date(2026, 9, 1), start_time=time(19, 0),
            timezone="Asia/Jakarta", language="id", rule=RecurrenceRule(freq="weekly", weekdays=(1,)),
            host_id=staff["counselor"].id,
        )  # fmt: skip


@pytest.fixture
def other_series(other_group):
    return create_series(other_group, title="Family evening")
