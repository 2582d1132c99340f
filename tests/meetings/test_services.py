"""Exceptions to a schedule, as an organizer would make them, and what they do to the sessions."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from scheduler.extensions import db
from scheduler.meetings import recurrence, services
from scheduler.meetings.models import Occurrence, Series
from scheduler.rules import RuleError
from tests.factories import create_group, create_series, create_user, series_input


def upcoming(series: Series) -> list[Occurrence]:
    return list(
        db.session.scalars(sa.select(Occurrence).where(Occurrence.series_id == series.id).order_by(Occurrence.start))
    )


@pytest.fixture
def group(app, frozen_now):
    organizer = create_user("organizer")
    return create_group({organizer: "organizer"})


def test_weekly_amsterdam_meeting_keeps_local_time_across_dst(group):
    series = create_series(group)  # Tuesdays 19:00 Europe/Amsterdam from 2026-12-01
    rows = upcoming(series)
    assert rows[0].start == datetime(2026, 12, 1, 18, 0, tzinfo=UTC)  # CET, UTC+1
    summer = next(r for r in rows if r.start.date() == date(2027, 4, 6))
    assert summer.start == datetime(2027, 4, 6, 17, 0, tzinfo=UTC)  # CEST, UTC+2
    assert all(r.end - r.start == timedelta(minutes=90) for r in rows)
    assert series.materialized_until is not None
    # Never-ending: materialised to the rolling horizon (400 days by default).
    assert rows[-1].start > datetime(2027, 12, 1, tzinfo=UTC)


def test_eight_session_group_has_exactly_eight_sessions(group):
    rule = recurrence.RecurrenceRule(freq="weekly", weekdays=(2,), count=8)
    series = create_series(group, timezone="Asia/Jakarta", rule=rule, start_date=date(2026, 12, 2))
    rows = upcoming(series)
    assert len(rows) == 8
    assert {r.start.astimezone(recurrence.ZoneInfo("Asia/Jakarta")).hour for r in rows} == {19}


def test_start_date_is_aligned_to_the_first_chosen_weekday(group):
    series = create_series(group, start_date=date(2026, 11, 29))  # a Sunday; meeting is on Tuesdays
    assert series.local_start == datetime(2026, 12, 1, 19, 0)
    assert series.rrule == "FREQ=WEEKLY;BYDAY=TU"


def test_cancel_one_occurrence_keeps_reason_and_bumps_sequence(group):
    series = create_series(group)
    target = upcoming(series)[1]
    services.cancel_occurrence(target, "Public holiday")
    db.session.commit()
    assert target.is_cancelled and target.cancel_reason == "Public holiday"
    assert series.sequence == 1
    with pytest.raises(RuleError):
        services.cancel_occurrence(target, "again")
    with pytest.raises(RuleError):
        services.cancel_occurrence(upcoming(series)[2], "   ")
    services.restore_occurrence(target)
    assert not target.is_cancelled and series.sequence == 2


def test_move_one_occurrence_keeps_original_start_as_recurrence_id(group):
    series = create_series(group)
    target = upcoming(series)[1]
    original = target.original_start
    services.move_occurrence(target, datetime(2026, 12, 8, 21, 0))
    db.session.commit()
    assert target.original_start == original
    assert target.start == datetime(2026, 12, 8, 20, 0, tzinfo=UTC)
    assert target.end == target.start + timedelta(minutes=90)
    assert target.is_moved and series.sequence == 1


def test_move_refuses_the_past_and_nonexistent_local_times(group):
    series = create_series(group)
    target = upcoming(series)[0]
    with pytest.raises(RuleError):
        services.move_occurrence(target, datetime(2026, 11, 1, 19, 0))
    with pytest.raises(RuleError):
        services.move_occurrence(target, datetime(2027, 3, 28, 2, 30))  # spring-forward gap in Amsterdam


def test_change_whole_series_retimes_future_sessions_and_keeps_the_rows(group):
    series = create_series(group)
    ids_before = [r.id for r in upcoming(series)[:5]]
    services.update_series(series, series_input(start_time=time(21, 0)))
    db.session.commit()
    rows = upcoming(series)
    assert [r.id for r in rows[:5]] == ids_before
    assert rows[0].start == datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
    assert series.sequence == 1


def test_editing_only_the_title_does_not_bump_sequence(group):
    series = create_series(group)
    services.update_series(series, series_input(title="Dinsdaggroep"))
    assert series.sequence == 0 and series.title == "Dinsdaggroep"


def test_this_and_following_ends_the_old_series_and_starts_a_new_uid(group):
    series = create_series(group)
    rows = upcoming(series)
    split_at = rows[3]
    successor = services.split_series(
        series, split_at, series_input(start_date=date(2026, 12, 22), start_time=time(20, 0))
    )
    db.session.commit()
    assert successor.uid != series.uid and successor.previous_id == series.id
    assert "UNTIL=20261222T175959Z" in (series.rrule or "")
    assert series.sequence == 1
    assert len(upcoming(series)) == 3
    new_rows = upcoming(successor)
    assert new_rows[0].id == split_at.id  # what hangs off the session follows it
    assert new_rows[0].start == datetime(2026, 12, 22, 19, 0, tzinfo=UTC)


def test_this_and_following_on_a_counted_series_keeps_the_total(group):
    rule = recurrence.RecurrenceRule(freq="weekly", weekdays=(1,), count=8)
    series = create_series(group, rule=rule)
    rows = upcoming(series)
    successor = services.split_series(
        series, rows[5], series_input(rule=rule, start_date=date(2027, 1, 5), start_time=time(18, 0))
    )
    db.session.commit()
    assert len(upcoming(series)) + len(upcoming(successor)) == 8


def test_cancel_whole_series_cancels_every_future_session(group):
    series = create_series(group)
    services.cancel_series(series, "The group has merged with another one")
    db.session.commit()
    assert series.status == "cancelled" and series.sequence == 1
    assert all(r.is_cancelled for r in upcoming(series))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"rule": recurrence.RecurrenceRule(freq="weekly", weekdays=(1,), interval=0)}, "recurrence"),
        ({"rule": recurrence.RecurrenceRule(freq="weekly", weekdays=(1,), count=100000)}, "recurrence"),
        (
            {"rule": recurrence.RecurrenceRule(freq="weekly", weekdays=(1,), until=date(2026, 1, 1))},
            "recurrence",
        ),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"capacity": 0}, "capacity"),
        ({"title": "   "}, "title"),
    ],
)
def test_bad_input_is_refused_with_a_field_message(group, overrides, field):
    with pytest.raises(RuleError) as caught:
        services.create_series(group, series_input(**overrides))
    assert field in caught.value.errors


def test_a_start_in_the_dst_gap_needs_confirmation(group):
    data = series_input(
        start_date=date(2027, 3, 28),
        start_time=time(2, 30),
        rule=recurrence.RecurrenceRule(freq="weekly", weekdays=(6,)),
    )
    with pytest.raises(RuleError) as caught:
        services.create_series(group, data)
    assert "start_time" in caught.value.errors
    series = services.create_series(group, series_input(**{**data.__dict__, "accept_dst_shift": True}))
    assert series.id is not None


def test_horizon_extension_adds_sessions_as_time_moves_on(app, group):
    from scheduler import clock
    from scheduler.meetings.occurrences import extend_all_horizons

    series = create_series(group)
    last = upcoming(series)[-1].start
    with clock.frozen_at(datetime(2027, 6, 1, tzinfo=UTC)):
        assert extend_all_horizons() == 1
        db.session.commit()
    assert upcoming(series)[-1].start > last + timedelta(days=150)
    starts = [r.original_start for r in upcoming(series)]
    assert len(starts) == len(set(starts))
