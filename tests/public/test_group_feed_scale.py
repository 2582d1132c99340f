"""A group's calendar feed at the size of a real network: years of history, thousands of sessions.

The feed carries the sessions from the feed window on (about 90 days back); calendar apps expanding it see
exactly the sessions the app has in that window (moved, cancelled, in a daylight-saving gap), and the number of
queries depends neither on the number of meetings nor on the number of sessions.
"""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from scheduler import clock
from scheduler.extensions import db
from scheduler.meetings import services
from scheduler.meetings.models import Occurrence, Series
from scheduler.meetings.recurrence import RecurrenceRule
from scheduler.public.feeds import FEED_PAST_DAYS, feed_window
from scheduler.rules import RuleError
from tests.calendar.test_ics import expand_with_recurring_ical_events
from tests.factories import create_group, create_series, create_user
from tests.statements import count_queries

TWO_YEARS_AGO = date(2024, 11, 5)


def add_meetings(group, n: int, first: int = 0) -> list[Series]:
    made = [
        create_series(
            group,
            title=f"Meeting {i}",
            start_date=TWO_YEARS_AGO + timedelta(days=i % 7),
            rule=RecurrenceRule("weekly", weekdays=(i % 7,)),
        )
        for i in range(first, first + n)
    ]
    db.session.expire_all()
    return made


def feed(client, group) -> tuple[int, bytes]:
    db.session.expire_all()
    with count_queries() as statements:
        response = client.get(f"/groups/{group.slug}/calendar.ics")
    assert response.status_code == 200
    return len(statements), response.get_data()


def sessions_in_window(series_ids: list[int]) -> list[tuple]:
    since, _until = feed_window()
    rows = db.session.scalars(
        sa.select(Occurrence).where(Occurrence.series_id.in_(series_ids), Occurrence.original_start >= since)
    )
    return sorted((row.start, row.end) for row in rows if not row.is_cancelled)


def test_group_feed_queries_do_not_grow_with_meetings_or_history(app, client, frozen_now):
    group = create_group({create_user("organizer"): "organizer"}, slug="network")
    add_meetings(group, 2)
    few, body = feed(client, group)
    assert len(Calendar.from_ical(body).walk("VEVENT")) == 2
    add_meetings(group, 28, first=2)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Occurrence)) > 4000
    many, body = feed(client, group)
    events = Calendar.from_ical(body).walk("VEVENT")
    assert len(events) == 30 and many == few <= 5
    # Each meeting starts in the window, not two years back: the feed does not grow with the history.
    since, _until = feed_window()
    assert all(e.decoded("DTSTART") >= since for e in events)
    assert since <= clock.now() - timedelta(days=FEED_PAST_DAYS)


def test_calendar_apps_see_exactly_the_sessions_of_the_window(app, client, frozen_now):
    group = create_group({create_user("organizer"): "organizer"}, slug="network", timezone="Europe/Amsterdam")
    meetings = add_meetings(group, 3)
    # 02:30 on Sundays does not exist in Amsterdam on 2027-03-28; a course with COUNT that began long ago.
    meetings.append(
        create_series(
            group,
            start_date=date(2025, 3, 2),
            start_time=time(2, 30),
            rule=RecurrenceRule("weekly", weekdays=(6,)),
            accept_dst_shift=True,
        )
    )
    meetings.append(create_series(group, start_date=date(2025, 6, 3), rule=RecurrenceRule("weekly", count=90)))
    meetings.append(create_series(group, start_date=date(2026, 12, 9), rule=RecurrenceRule("once")))
    old = create_series(group, start_date=date(2025, 1, 7), rule=RecurrenceRule("weekly", count=10))
    since, _until = feed_window()
    for series in meetings[:2]:
        rows = sorted(
            (r for r in series.occurrences if r.original_start >= since and r.start > clock.now()),
            key=lambda r: r.start,
        )
        services.cancel_occurrence(rows[1], "Holiday")
        services.move_occurrence(rows[3], (rows[3].start + timedelta(days=1, hours=2)).replace(tzinfo=None))
    db.session.commit()
    _count, body = feed(client, group)
    uids = {str(e["UID"]) for e in Calendar.from_ical(body).walk("VEVENT")}
    assert old.uid not in uids  # ended before the window
    ids = [m.id for m in meetings]
    expected = sessions_in_window(ids)
    last = max(end for _start, end in expected)
    seen = [(s, e) for s, e in expand_with_recurring_ical_events(body) if s < last]
    assert seen == expected


def test_a_repeated_request_is_served_without_building_until_something_changes(app, client, frozen_now, monkeypatch):
    from scheduler.public import feeds

    group = create_group({create_user("organizer"): "organizer"}, slug="network")
    (series,) = add_meetings(group, 1)
    first = client.get(f"/groups/{group.slug}/calendar.ics").get_data()
    real = feeds.ics.publish_feed
    monkeypatch.setattr(feeds.ics, "publish_feed", lambda *a, **k: pytest.fail("built an unchanged feed again"))
    assert client.get(f"/groups/{group.slug}/calendar.ics").get_data() == first
    monkeypatch.setattr(feeds.ics, "publish_feed", real)
    with clock.frozen_at(clock.now() + timedelta(minutes=5)):
        services.cancel_occurrence(next(r for r in series.occurrences if r.start > clock.now()), "Holiday")
        db.session.commit()
    changed = client.get(f"/groups/{group.slug}/calendar.ics").get_data()
    assert changed != first and b"EXDATE" in changed


ZONES = ["Europe/Amsterdam", "America/New_York", "America/Santiago", "Australia/Sydney", "Asia/Dhaka"]
TIMES = [time(0, 30), time(1, 30), time(2, 0), time(2, 30), time(19, 0)]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], derandomize=True)
@given(
    zone=st.sampled_from(ZONES),
    at=st.sampled_from(TIMES),
    weekday=st.integers(0, 6),
    first=st.dates(date(2024, 1, 1), date(2027, 1, 31)),
    minutes=st.sampled_from([45, 90, 180]),
    edits=st.lists(st.tuples(st.integers(0, 60), st.integers(-30, 30)), max_size=3),
)
def test_calendar_apps_see_the_window_exactly_across_clock_changes(
    app, frozen_now, zone, at, weekday, first, minutes, edits
):
    """Weekly meetings at wall times in spring gaps and autumn overlaps, begun before or after the window, with
    sessions moved (hours != 0) or cancelled (hours == 0): the feed's expansion is the app's sessions."""
    client = app.test_client()
    group = create_group({create_user("organizer"): "organizer"}, slug=f"g-{uuid.uuid4().hex[:8]}", timezone=zone)
    series = create_series(
        group,
        start_date=first,
        start_time=at,
        timezone=zone,
        duration_minutes=minutes,
        rule=RecurrenceRule("weekly", weekdays=(weekday,)),
        accept_dst_shift=True,
    )
    upcoming = sorted((r for r in series.occurrences if r.start > clock.now()), key=lambda r: r.start)
    for index, hours in edits:
        row = upcoming[index % len(upcoming)]
        try:
            if hours == 0:
                services.cancel_occurrence(row, "Holiday")
            else:
                target = (row.start + timedelta(hours=hours)).astimezone(ZoneInfo(zone)).replace(tzinfo=None)
                services.move_occurrence(row, target)
            db.session.commit()
        except RuleError:
            db.session.rollback()
    _count, body = feed(client, group)
    expected = sessions_in_window([series.id])
    last = max(end for _start, end in expected)
    assert [(s, e) for s, e in expand_with_recurring_ical_events(body) if s < last] == expected
