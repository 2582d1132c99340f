"""`/healthz` tells a load balancer or service manager whether this instance can do its job."""

from __future__ import annotations

import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from scheduler import clock, create_app
from scheduler.extensions import db
from scheduler.health import heartbeat
from scheduler.worker import run_forever
from tests.conftest import base_config

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_healthy_only_while_a_worker_keeps_beating(app: Flask, client: FlaskClient) -> None:
    with clock.frozen_at(NOW):
        answer = client.get("/healthz")
        assert answer.status_code == 503
        assert answer.json == {"status": "unavailable", "database": "ok", "worker": "missing"}

        handlers = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
        try:
            run_forever(app, idle_seconds=0, max_loops=1)  # one loop of the real worker records its heartbeat
        finally:
            signal.signal(signal.SIGTERM, handlers[0])
            signal.signal(signal.SIGINT, handlers[1])
        answer = client.get("/healthz")
        assert answer.status_code == 200
        assert answer.json["status"] == "ok" and answer.json["worker"] == "ok"
        assert answer.headers["Cache-Control"] == "no-store"

    with clock.frozen_at(NOW + timedelta(seconds=app.config["WORKER_HEARTBEAT_MAX_AGE_SECONDS"] + 1)):
        answer = client.get("/healthz")
        assert answer.status_code == 503
        assert answer.json["worker"] == "stale"
        heartbeat.beat("another-host:1")  # a second worker elsewhere is enough
        db.session.commit()
        assert client.get("/healthz").status_code == 200


def test_old_heartbeats_of_stopped_workers_are_forgotten(app: Flask) -> None:
    with clock.frozen_at(NOW):
        heartbeat.beat("gone:1")
        db.session.commit()
    with clock.frozen_at(NOW + timedelta(days=2)):
        heartbeat.beat("alive:2")
        db.session.commit()
        from scheduler.health.models import WorkerHeartbeat

        assert [h.worker for h in db.session.query(WorkerHeartbeat)] == ["alive:2"]
        assert heartbeat.last_beat_age() == timedelta(0)


def test_the_web_process_can_be_checked_without_a_worker(app: Flask, client: FlaskClient) -> None:
    app.config["HEALTHZ_REQUIRE_WORKER"] = False
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json["worker"] == "missing" and answer.json["worker_required"] is False


def test_an_unreachable_database_is_a_503_without_details(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "folder" / "db.sqlite3"
    app = create_app(base_config(f"sqlite:///{missing}"))
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 503
    assert answer.json == {"status": "unavailable", "database": "unreachable", "worker": "unknown"}
    assert str(tmp_path) not in answer.get_data(as_text=True)
