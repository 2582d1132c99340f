"""The hot queries of the public and participant pages use indexes, not a scan of every session ever held.

On PostgreSQL with a history of tens of thousands of past sessions, the statements the pages really run are
captured and EXPLAINed: none may scan the whole `occurrences` table."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from scheduler.extensions import db
from scheduler.meetings import services
from scheduler.meetings.models import Occurrence, Series
from tests.factories import create_group, create_series
from tests.participants.conftest import form


def add_history(series_ids: list[int], weeks: int, now) -> None:
    rows = []
    for series_id in series_ids:
        for week in range(1, weeks + 1):
            start = now - timedelta(weeks=week, minutes=series_id)
            rows.append(
                {
                    "series_id": series_id,
                    "original_start": start,
                    "start": start,
                    "end": start + timedelta(hours=1),
                    "status": "scheduled",
                    "updated_at": now,
                }
            )
    db.session.execute(sa.insert(Occurrence), rows)
    db.session.commit()


@pytest.mark.postgres_backend
def test_hot_queries_use_indexes_with_a_long_history(app, client, frozen_now):
    assert db.engine.dialect.name == "postgresql"
    group = create_group(name="Big network")
    meetings = [create_series(group, title=f"Meeting {n}", capacity=10, language="en").id for n in range(40)]
    others = [create_series(create_group(), title=f"Other {n}").id for n in range(10)]
    add_history(meetings + others, 1000, frozen_now)  # 50,000 past sessions
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")

    captured: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "occurrences" in statement and statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    series = db.session.get(Series, meetings[0])
    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get("/").status_code == 200
        assert client.get("/?weekday=2&page=2").status_code == 200
        assert client.get(f"/meetings/{series.id}").status_code == 200
        assert client.get(f"/groups/{group.slug}").status_code == 200
        for path in ("/events", "/events?q=meeting%201&language=en", "/now", f"/meetings/{series.id}/calendar.ics"):
            assert client.get(path).status_code == 200, path
        response = client.post(f"/meetings/{series.id}/rsvp", data=form("plan@example.org"))
        assert response.status_code == 302
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert len(captured) >= 5
    with db.engine.connect() as conn:
        for statement, parameters in captured:
            plan = "\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + statement, parameters))
            assert "Seq Scan on occurrences" not in plan, (statement, plan)


def test_group_feed_reads_only_the_changed_sessions_through_their_partial_index(app, client, frozen_now):
    """The group feed's session query walks `ix_occurrences_changed` (cancelled/moved sessions only), not every
    session of the 90-day window, on whichever database the suite runs."""
    group = create_group(name="Feed network")
    meetings = [create_series(group, title=f"Meeting {n}", capacity=10, language="en").id for n in range(20)]
    add_history(meetings, 400, frozen_now)
    upcoming = db.session.scalars(
        sa.select(Occurrence).where(Occurrence.series_id == meetings[0], Occurrence.start > frozen_now)
    ).first()
    services.cancel_occurrence(upcoming, "Venue closed")
    db.session.commit()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")

    captured: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "occurrences" in statement and statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get(f"/groups/{group.slug}/calendar.ics")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200
    assert b"EXDATE" in response.data
    explain = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
    with db.engine.connect() as conn:
        plans = [
            "\n".join(
                str(row[-1] if explain.startswith("EXPLAIN Q") else row[0])
                for row in conn.exec_driver_sql(explain + statement, parameters)
            )
            for statement, parameters in captured
        ]
    assert any("ix_occurrences_changed" in plan for plan in plans), plans
    assert not any("SCAN occurrences" in plan or "Seq Scan on occurrences" in plan for plan in plans), plans
