"""In-process measurements: statements per request or service call, confirmation, feeds against icalendar."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask
from icalendar import Calendar, Event

from scheduler import clock
from scheduler.extensions import db


class Statements:
    """Counts (and keeps) the SQL statements an engine runs while active."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, Any]] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        self.seen.append((statement, parameters))


@contextmanager
def counting(engine: sa.Engine) -> Iterator[Statements]:
    statements = Statements()
    sa.event.listen(engine, "before_cursor_execute", statements)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", statements)


def page_statements(app: Flask, paths: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Statements and body size of one request to each page, through the test client (warm caches first)."""
    result: dict[str, dict[str, Any]] = {}
    with app.app_context():
        engine = db.engine
    client = app.test_client()
    for name, path in paths.items():
        client.get(path)
        with app.app_context(), counting(engine) as statements:
            answer = client.get(path)
        result[name] = {"status": answer.status_code, "statements": len(statements.seen), "bytes": len(answer.data)}
    return result


def capture(app: Flask, paths: list[str]) -> list[tuple[str, Any]]:
    with app.app_context():
        engine = db.engine
    client = app.test_client()
    seen: list[tuple[str, Any]] = []
    for path in paths:
        with app.app_context(), counting(engine) as statements:
            client.get(path)
        seen += statements.seen
    return seen


def confirmations(app: Flask, rsvp_ids: list[int]) -> dict[str, Any]:
    """Confirms pending sign-ups through the service the confirmation link calls: statements and time each."""
    from scheduler.participants import links
    from scheduler.participants import signup as participation
    from scheduler.participants.models import Occurrence, Rsvp
    from scheduler.participants.tokens import Purpose

    counts, seconds, sessions = [], [], []
    with app.app_context():
        engine = db.engine
        for rsvp_id in rsvp_ids:
            rsvp = db.session.get(Rsvp, rsvp_id)
            if rsvp is None:
                continue
            secret = links.issue(Purpose.CONFIRM, rsvp.participant, rsvp, expires_at=clock.now() + timedelta(hours=1))
            sessions.append(
                db.session.scalar(
                    sa.select(sa.func.count())
                    .select_from(Occurrence)
                    .where(Occurrence.series_id == rsvp.series_id, Occurrence.start > clock.now())
                )
            )
            db.session.commit()
            db.session.expire_all()
            with counting(engine) as statements:
                began = time.perf_counter()
                participation.confirm(secret)
                db.session.commit()
                seconds.append(time.perf_counter() - began)
            counts.append(len(statements.seen))
        db.session.remove()
    if not counts:
        return {"confirmations": 0}
    return {
        "confirmations": len(counts),
        "sessions_per_meeting": int(statistics.median(sessions)),
        "statements_median": int(statistics.median(counts)),
        "statements_max": max(counts),
        "ms_median": round(statistics.median(seconds) * 1000, 1),
        "ms_max": round(max(seconds) * 1000, 1),
    }


def _best_of(runs: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        began = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - began)
    return best


def rebuild_directly(body: bytes) -> Callable[[], bytes]:
    """A function building the same VEVENTs (same properties and values) with icalendar, with no application code."""
    parsed = Calendar.from_ical(body)
    events = [
        [(name, event.decoded(name)) for name in event if name not in {"DTSTAMP"}] for event in parsed.walk("VEVENT")
    ]
    stamp = clock.now()

    def build() -> bytes:
        calendar = Calendar()
        calendar.add("prodid", "-//bench//icalendar directly//EN")
        calendar.add("version", "2.0")
        for properties in events:
            event = Event()
            event.add("dtstamp", stamp)
            for name, value in properties:
                event.add(name, value)
            calendar.add_component(event)
        return calendar.to_ical()

    return build


def feed_against_icalendar(app: Flask, path: str, runs: int) -> dict[str, Any]:
    """Serving the feed (test client, no HTTP) against building the same events with icalendar directly: as
    served to a repeated request (`times_icalendar`; the process keeps the last bodies by ETag) and with the
    body built again each time (`built_times_icalendar`)."""
    with app.app_context():
        engine = db.engine
    client = app.test_client()
    answer = client.get(path)
    if answer.status_code != 200:
        return {"status": answer.status_code}
    direct = rebuild_directly(answer.data)
    app.extensions.pop("feed_bodies", None)  # the statements of building it
    with app.app_context(), counting(engine) as statements:
        client.get(path)
    app_seconds = _best_of(runs, lambda: client.get(path).data)
    direct_seconds = _best_of(runs, direct)

    def built() -> bytes:  # the same request with the body built again (the process' feed cache emptied)
        app.extensions.pop("feed_bodies", None)
        return client.get(path).data

    built_seconds = _best_of(runs, built)
    etag = answer.headers.get("ETag")
    conditional = None
    if etag:
        again = client.get(path, headers={"If-None-Match": etag})
        conditional = {
            "status": again.status_code,
            "ms": round(_best_of(runs, lambda: client.get(path, headers={"If-None-Match": etag})) * 1000, 2),
        }
    return {
        "events": len(Calendar.from_ical(answer.data).walk("VEVENT")),
        "bytes": len(answer.data),
        "statements": len(statements.seen),
        "app_ms": round(app_seconds * 1000, 2),
        "icalendar_ms": round(direct_seconds * 1000, 2),
        "times_icalendar": round(app_seconds / direct_seconds, 2) if direct_seconds else None,
        "built_ms": round(built_seconds * 1000, 2),
        "built_times_icalendar": round(built_seconds / direct_seconds, 2) if direct_seconds else None,
        "conditional_get": conditional,
    }
