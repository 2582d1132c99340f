"""The worker says it is alive; `/healthz` asks how long ago any worker last did."""

from __future__ import annotations

import os
import socket
from datetime import UTC, timedelta

import sqlalchemy as sa

from scheduler import clock
from scheduler.extensions import db
from scheduler.health.models import WorkerHeartbeat
from scheduler.participants.seats import insert_ignore

FORGET_AFTER = timedelta(days=1)  # rows of workers that stopped are removed after this


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def beat(worker: str | None = None) -> None:
    """Records that this worker is alive now (flushes; the worker loop commits)."""
    name, now = worker or worker_name(), clock.now()
    if not insert_ignore(WorkerHeartbeat, {"worker": name, "beat_at": now}, ["worker"]):
        db.session.execute(sa.update(WorkerHeartbeat).where(WorkerHeartbeat.worker == name).values(beat_at=now))
    db.session.execute(sa.delete(WorkerHeartbeat).where(WorkerHeartbeat.beat_at < now - FORGET_AFTER))


def last_beat_age() -> timedelta | None:
    """How long ago the most recent heartbeat of any worker was, or None if no worker ever beat."""
    latest = db.session.scalar(sa.select(sa.func.max(WorkerHeartbeat.beat_at)))
    if latest is None:
        return None
    if latest.tzinfo is None:  # defensive: every stored instant is UTC
        latest = latest.replace(tzinfo=UTC)
    return clock.now() - latest
