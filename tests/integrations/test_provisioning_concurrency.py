"""Several workers at once, and no database transaction held open while a provider is called."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pytest
import sqlalchemy as sa
from pytest_httpserver import HTTPServer

from scheduler import clock
from scheduler.extensions import db
from scheduler.integrations import room_calls
from scheduler.integrations.models import RoomStatus, VideoRoom
from scheduler.integrations.provisioning_job import provision_due_rooms
from scheduler.meetings import services
from scheduler.meetings.recurrence import RecurrenceRule
from tests.factories import create_group, create_series, create_user
from tests.integrations.fake_zoom import ACCOUNT_ID, CLIENT_ID, CLIENT_SECRET, FakeZoom
from tests.integrations.test_provisioning import room_of, sessions

ROOMS = 8


@contextmanager
def zoom_worker_apps(postgres_url: str, httpserver: HTTPServer, rooms: int) -> Iterator[tuple[list[Any], list[int]]]:
    """Two apps on one PostgreSQL database (as on two machines) talking to the fake Zoom, and `rooms` Zoom
    meetings waiting for their rooms. Empties the database afterwards."""
    from scheduler import create_app
    from tests.conftest import _empty_all_tables, base_config, dispose_engines

    config = base_config(postgres_url) | {
        "ZOOM_ACCOUNT_ID": ACCOUNT_ID,
        "ZOOM_CLIENT_ID": CLIENT_ID,
        "ZOOM_CLIENT_SECRET": CLIENT_SECRET,
        "ZOOM_API_BASE": httpserver.url_for("/v2"),
        "ZOOM_OAUTH_URL": httpserver.url_for("/oauth/token"),
        "ZOOM_DEFAULT_HOST_EMAIL": "zoom.host@example.org",
    }
    apps = [create_app(config) for _ in range(2)]
    with apps[0].app_context():
        db.create_all()
        organizer = create_user("organizer")
        group = create_group({organizer: "organizer"})
        series_ids = [create_series(group, video_provider="zoom").id for _ in range(rooms)]
    try:
        yield apps, series_ids
    finally:
        with apps[0].app_context():
            _empty_all_tables()
            dispose_engines()
        with apps[1].app_context():
            dispose_engines()


@pytest.mark.postgres
def test_two_workers_on_postgresql_never_create_the_same_room_twice(
    postgres_url: str, httpserver: HTTPServer, fake_zoom: FakeZoom, frozen_now
) -> None:
    with zoom_worker_apps(postgres_url, httpserver, ROOMS) as (apps, series_ids):
        fake_zoom.delays["POST"] = 0.05  # widen the window in which a second worker could pick the same room
        barrier = threading.Barrier(2)
        handled: list[int] = []
        errors: list[BaseException] = []

        def work(app: Any) -> None:
            try:
                with app.app_context():
                    barrier.wait()
                    while done := provision_due_rooms():
                        handled.append(done)
                    db.session.remove()
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=work, args=(a,)) for a in apps]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert errors == []
        creates = [c for c in fake_zoom.api_calls("POST") if c[1].endswith("/meetings")]
        assert len(creates) == ROOMS and sum(handled) == ROOMS
        with apps[0].app_context():
            rooms = db.session.scalars(sa.select(VideoRoom).where(VideoRoom.series_id.in_(series_ids))).all()
            assert {r.status for r in rooms} == {RoomStatus.READY}
            assert len({r.external_id for r in rooms}) == ROOMS
            assert all(r.locked_until is None and r.next_attempt_at is None for r in rooms)
        assert fake_zoom.problems == []


class TransactionSpy:
    """Wraps an adapter and records, for each call, whether the worker's session had a transaction open."""

    def __init__(self, inner: Any, seen: list[tuple[str, bool]]) -> None:
        self._inner, self._seen = inner, seen

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            self._seen.append((name, db.session().in_transaction()))
            return attr(*args, **kwargs)

        return call


def test_no_transaction_is_open_during_provider_calls(group, zoom_config, fake_zoom, monkeypatch) -> None:
    seen: list[tuple[str, bool]] = []
    real = room_calls.provider
    monkeypatch.setattr(room_calls, "provider", lambda name: TransactionSpy(real(name), seen))
    series = create_series(group, video_provider="zoom", timezone="Asia/Dhaka", rule=RecurrenceRule("weekly", count=3))
    fake_zoom.fail("POST", r"/v2/users/[^/]+/meetings", 503)
    provision_due_rooms()  # a failure
    with clock.frozen_at(room_of(series).next_attempt_at):
        provision_due_rooms()  # the create
        services.move_occurrence(sessions(series)[1], datetime(2026, 12, 9, 20, 0))
        services.cancel_occurrence(sessions(series)[0], "Holiday")
        db.session.commit()
        provision_due_rooms()
        services.cancel_series(series, "Closed")
        db.session.commit()
        provision_due_rooms()
    assert [name for name, _ in seen] == ["create_once", "create_once", "delete", "update", "delete"]
    assert not any(open_ for _, open_ in seen), seen
    assert fake_zoom.problems == []
