"""The benchmark's bulk rows are exactly what the services write (so the benchmark measures the real thing)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask

from bench import seed
from scheduler import clock
from scheduler.extensions import db
from scheduler.participants import links
from scheduler.participants import signup as participation
from scheduler.participants.inputs import RsvpInput
from scheduler.participants.models import Participant, Rsvp, RsvpScope, Seat, SeatCounter
from scheduler.participants.tokens import Purpose
from tests.factories import create_group, create_series

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
IDENTITY = {"id", "email", "display_name", "participant_id", "rsvp_id", "timezone", "language"}


def _row(model: type, **where: Any) -> dict[str, Any]:
    obj = db.session.scalars(sa.select(model).filter_by(**where)).one()
    return {c.key: getattr(obj, c.key) for c in sa.inspect(model).columns if c.key not in IDENTITY}


def test_a_bulk_signup_is_the_row_the_services_write(app: Flask) -> None:
    with clock.frozen_at(NOW):
        series = create_series(create_group())
        session_id = seed.upcoming_sessions([series.id], per_series=1)[series.id][0]
        participation.request_rsvp(
            series,
            RsvpInput(
                email="service@example.org",
                display_name="Service",
                timezone="Asia/Dhaka",
                language="bn",
                scope=RsvpScope.OCCURRENCE,
                occurrence_id=session_id,
            ),
        )
        rsvp = db.session.scalars(sa.select(Rsvp)).one()
        participation.confirm(links.issue(Purpose.CONFIRM, rsvp.participant, rsvp))
        db.session.commit()
        made = {
            "participant": _row(Participant, email="service@example.org"),
            "rsvp": _row(Rsvp, id=rsvp.id),
            "seat": _row(Seat, rsvp_id=rsvp.id),
        }
        assert db.session.get(SeatCounter, session_id).taken == 1

        scale = seed.Scale(groups=1, meetings=1, participants=2, rsvps=2, service_people=1)
        db.session.execute(sa.delete(SeatCounter))  # bulk_signups writes the counters of a fresh data set
        assert seed.bulk_signups(scale, [series.id]) == 1
        bulk_rsvp = db.session.scalars(sa.select(Rsvp).where(Rsvp.id != rsvp.id)).one()
        bulk = {
            "participant": _row(Participant, id=bulk_rsvp.participant_id),
            "rsvp": _row(Rsvp, id=bulk_rsvp.id),
            "seat": _row(Seat, rsvp_id=bulk_rsvp.id),
        }
    assert bulk == made
    assert db.session.get(SeatCounter, session_id).taken == 1
