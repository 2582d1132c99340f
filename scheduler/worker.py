"""The background worker: runs periodic jobs in their own transactions, one after another.

Jobs register here; each returns how much it did so idle loops can sleep. Every job must be safe to
run on several machines at once (claim rows atomically; never hold a transaction across network calls).
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask

from scheduler import clock
from scheduler.extensions import db

log = logging.getLogger("scheduler.worker")


@dataclass
class Job:
    name: str
    run: Callable[[], int]
    every: timedelta
    next_run: datetime | None = None


def default_jobs() -> list[Job]:
    from scheduler.counseling.hosting import send_host_alerts
    from scheduler.integrations.provisioning_job import provision_due_rooms
    from scheduler.meetings.occurrences import extend_all_horizons
    from scheduler.notifications.channel_inbound import poll_telegram
    from scheduler.notifications.channel_sender import send_channels
    from scheduler.notifications.contacts import drop_idle
    from scheduler.notifications.reminders import plan_reminders
    from scheduler.notifications.sender import send_due
    from scheduler.participants.allocation import allocate_new_sessions, process_waitlists
    from scheduler.participants.privacy import purge_inactive

    return [
        Job("send-email", send_due, timedelta(seconds=0)),
        Job("send-channels", send_channels, timedelta(seconds=0)),
        Job("telegram-updates", poll_telegram, timedelta(seconds=5)),
        Job("forget-idle-channels", drop_idle, timedelta(hours=1)),
        Job("reminders", plan_reminders, timedelta(minutes=1)),
        Job("extend-horizons", extend_all_horizons, timedelta(hours=6)),
        Job("video-rooms", provision_due_rooms, timedelta(seconds=10)),
        Job("waitlist-offers", process_waitlists, timedelta(minutes=5)),
        Job("seats-in-new-sessions", allocate_new_sessions, timedelta(hours=6)),
        Job("retention-purge", purge_inactive, timedelta(hours=24)),
        Job("host-alerts", send_host_alerts, timedelta(minutes=1)),
    ]


def run_due_jobs(jobs: list[Job]) -> int:
    """Runs every job whose time has come, each in its own transaction. Returns the work done."""
    done = 0
    for job in jobs:
        if job.next_run is not None and job.next_run > clock.now():
            continue
        try:
            done += job.run()
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("worker job %s failed; it will be retried", job.name)
        finally:
            db.session.remove()
        job.next_run = clock.now() + job.every
    return done


def record_heartbeat() -> None:
    """Tells /healthz this worker is alive (its own short transaction, before the jobs)."""
    from scheduler.health.heartbeat import beat

    try:
        beat()
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("could not record the worker heartbeat")
    finally:
        db.session.remove()


def run_forever(app: Flask, *, idle_seconds: float = 5.0, max_loops: int | None = None) -> None:
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True
        log.info("worker stopping after the current job")

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    jobs = default_jobs()
    loops = 0
    with app.app_context():
        log.info("worker started")
        while not stopping and (max_loops is None or loops < max_loops):
            loops += 1
            record_heartbeat()
            if run_due_jobs(jobs) == 0:
                time.sleep(idle_seconds)
