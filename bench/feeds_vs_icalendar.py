"""Group and personal calendar feeds against building the same events with `icalendar` directly.

    .venv/bin/python bench/feeds_vs_icalendar.py [--meetings 100] [--joined 20] [--rounds 15]

Seeds a SQLite database through the application's services (weekly meetings that never end, some sessions
moved or cancelled), then times, in the same process: GET /groups/<slug>/calendar.ics (and a conditional GET
answered 304), GET /feed/<secret>.ics, and a reference that reads the same rows with two plain queries and
builds the same VEVENTs (same properties, RRULE, EXDATE, overrides, one VTIMEZONE) with icalendar. Prints
medians, the
ratios and the query counts. A ratio from one run on one machine, not a timed test.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa
from icalendar import Calendar, Event, Timezone, vRecur

from scheduler import clock, create_app
from scheduler.extensions import db
from scheduler.meetings import services
from scheduler.meetings.models import Occurrence, Series
from scheduler.meetings.recurrence import RecurrenceRule
from scheduler.participants import queries
from scheduler.participants.models import Participant
from tests.factories import create_group, create_user, series_input
from tests.participants.conftest import ENGLISH, confirm, sign_up


def timed(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        db.session.expire_all()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def count_queries(fn) -> int:
    statements: list[str] = []

    def record(*_args: object) -> None:
        statements.append("q")

    db.session.expire_all()
    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        fn()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


def reference_group(group_id: int) -> bytes:
    series_list = db.session.scalars(sa.select(Series).where(Series.group_id == group_id, Series.status == "published"))
    series_list = list(series_list)
    rows: dict[int, list[Occurrence]] = {s.id: [] for s in series_list}
    for row in db.session.scalars(sa.select(Occurrence).where(Occurrence.series_id.in_(list(rows)))):
        rows[row.series_id].append(row)
    cal = Calendar()
    cal.add("prodid", "-//bench//EN")
    cal.add("version", "2.0")
    cal.add_component(Timezone.from_tzid("Europe/Amsterdam", first_date=datetime(2026, 1, 1, tzinfo=UTC).date()))
    for series in series_list:
        zone_start = series.local_start
        master = Event()
        master.add("uid", series.uid)
        master.add("dtstamp", datetime(2026, 1, 1, tzinfo=UTC))
        master.add("dtstart", zone_start, parameters={"TZID": series.timezone})
        master.add(
            "dtend", zone_start + timedelta(minutes=series.duration_minutes), parameters={"TZID": series.timezone}
        )
        master.add("rrule", vRecur.from_ical(series.rrule))
        page = f"http://127.0.0.1:5000/meetings/{series.id}"
        master.add("sequence", series.sequence)
        master.add("summary", series.title)
        master.add("description", f"{series.description}\n\nSign up on the meeting page: {page}")
        master.add("location", page)
        master.add("url", page)
        master.add("status", "CONFIRMED")
        for row in rows[series.id]:
            if row.is_cancelled:
                master.add("exdate", row.original_start)
            elif row.is_moved:
                override = Event()
                override.add("uid", series.uid)
                override.add("recurrence-id", row.original_start)
                override.add("dtstart", row.start)
                override.add("dtend", row.end)
                cal.add_component(override)
        cal.add_component(master)
    return cal.to_ical()


def reference_personal(participant: Participant) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//bench//EN")
    cal.add("version", "2.0")
    for rsvp, occurrence in queries.confirmed_sessions(participant):
        event = Event()
        event.add("uid", f"session-{occurrence.id}@bench")
        event.add("dtstamp", datetime(2026, 1, 1, tzinfo=UTC))
        event.add("dtstart", occurrence.start)
        event.add("dtend", occurrence.end)
        join = f"http://127.0.0.1:5000/feed/x/join/{rsvp.id}"
        event.add("sequence", rsvp.series.sequence)
        event.add("summary", rsvp.series.title)
        event.add("description", f"Your personal join link opens shortly before the start: {join}.")
        event.add("location", join)
        event.add("url", join)
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=100)
    parser.add_argument("--joined", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, clock.frozen_at(datetime(2026, 11, 22, 10, tzinfo=UTC)):
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                "TESTING": True,
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
                "SECRET_KEY": "bench-secret-key-that-is-long-enough-1",
            }
        )
        with app.app_context():
            db.create_all()
            group = create_group({create_user("organizer"): "organizer"}, slug="bench")
            made = []
            for i in range(args.meetings):
                rule = RecurrenceRule("weekly", weekdays=(i % 7,))
                made.append(services.create_series(group, series_input(title=f"Meeting {i}", rule=rule)))
            db.session.commit()
            for series in made[::5]:
                first, second = sorted(series.occurrences, key=lambda o: o.start)[2:4]
                services.move_occurrence(
                    first, (first.start + timedelta(days=1)).replace(tzinfo=None) + timedelta(hours=1)
                )
                services.cancel_occurrence(second, "Holiday")
            db.session.commit()
            client = app.test_client()
            for series in made[: args.joined]:
                sign_up(client, series, "sky@example.org", "Sky")
                confirm(client, "sky@example.org")
            participant = db.session.scalars(sa.select(Participant)).one()
            page = client.post(_manage_path(participant), headers=ENGLISH).get_data(as_text=True)
            secret = re.search(r"/feed/([A-Za-z0-9_-]+)\.ics", page).group(1)
            group_path, personal_path = "/groups/bench/calendar.ics", f"/feed/{secret}.ics"
            etag = client.get(group_path).headers["ETag"]
            results = {
                "group feed": timed(lambda: client.get(group_path), args.rounds),
                "group feed 304": timed(lambda: client.get(group_path, headers={"If-None-Match": etag}), args.rounds),
                "group reference (icalendar)": timed(lambda: reference_group(group.id), args.rounds),
                "personal feed": timed(lambda: client.get(personal_path), args.rounds),
                "personal reference (icalendar)": timed(lambda: reference_personal(participant), args.rounds),
            }
            counts = {
                "group feed": count_queries(lambda: client.get(group_path)),
                "personal feed": count_queries(lambda: client.get(personal_path)),
            }
    print(f"{args.meetings} weekly meetings (sessions to the 400-day horizon), {args.joined} joined by one person")
    for name, seconds in results.items():
        print(f"  {name:32s} {seconds * 1000:8.1f} ms")
    print(f"  group feed / icalendar:       {results['group feed'] / results['group reference (icalendar)']:.2f}x")
    print(
        f"  personal feed / icalendar:    {results['personal feed'] / results['personal reference (icalendar)']:.2f}x"
    )
    print(f"  queries: {counts}")


def _manage_path(participant: Participant) -> str:
    from scheduler.participants import links
    from scheduler.participants.tokens import Purpose

    secret = links.issue(Purpose.MANAGE, participant)
    db.session.commit()
    return f"/manage/{secret}/feed"


if __name__ == "__main__":
    main()
