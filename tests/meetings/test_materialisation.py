"""Sessions are made from "now": a long-running meeting always has its upcoming sessions up to the horizon."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from scheduler import clock
from scheduler.extensions import db
from scheduler.meetings import recurrence
from scheduler.meetings.models import Occurrence, Series
from scheduler.meetings.occurrences import extend_all_horizons, horizon_end
from tests.factories import create_group, create_series, create_user


@pytest.fixture
def group(app, frozen_now):
    return create_group({create_user("organizer"): "organizer"})


def starts(series: Series, *, upcoming: bool = True) -> list[datetime]:
    query = sa.select(Occurrence.original_start).where(Occurrence.series_id == series.id)
    if upcoming:
        query = query.where(Occurrence.original_start >= clock.now())
    return list(db.session.scalars(query.order_by(Occurrence.original_start)))


def test_a_group_meeting_weekly_since_2016_gets_its_upcoming_sessions(group, frozen_now):
    series = create_series(group, start_date=date(2016, 1, 5))  # Tuesdays 19:00 Amsterdam, never ending
    upcoming = starts(series)
    assert upcoming and upcoming[0] - frozen_now < timedelta(days=7)
    assert horizon_end() - upcoming[-1] < timedelta(days=7)  # all the way to the horizon
    assert len(starts(series, upcoming=False)) <= 500  # the cap still holds, past sessions fill the rest


@pytest.mark.parametrize("start", [date(2010, 3, 1), date(2026, 11, 22)])
def test_the_cap_limits_how_many_at_once_and_the_worker_carries_on(app, group, frozen_now, start):
    app.config["MAX_OCCURRENCES_PER_SERIES"] = 40
    series = create_series(group, start_date=start, start_time=time(7, 0), rule=recurrence.RecurrenceRule("daily"))
    first = starts(series)
    assert len(first) == 40 and first[0] - frozen_now < timedelta(days=1)  # the NEXT 40, never old ones
    for _ in range(12):
        extend_all_horizons()
        db.session.commit()
    made = starts(series)
    assert len(made) == len(set(made)) and horizon_end() - made[-1] < timedelta(days=1)
    days = [recurrence.utc_to_local(moment, "Europe/Amsterdam").date() for moment in made]
    assert all(b - a == timedelta(days=1) for a, b in itertools.pairwise(days))  # no gaps


def test_the_worker_heals_a_never_ending_series_with_no_upcoming_session(group, frozen_now):
    series = create_series(group)
    db.session.execute(sa.delete(Occurrence).where(Occurrence.series_id == series.id))
    db.session.commit()
    assert series.materialized_until is not None and not starts(series)  # looks up to date, but is empty
    assert extend_all_horizons() == 1
    db.session.commit()
    assert starts(series)[0] == datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    assert extend_all_horizons() == 0  # healthy series are left alone
