"""Reminder throughput against a local SMTP sink — a benchmark, not a test.

Starts an aiosmtpd sink on loopback, creates N confirmed seats in one session, lets the real planner queue the
reminders and the real email job send them until the outbox is empty, and reports reminders per second. Then it
sends the same messages, prebuilt as bytes (no message work inside the timing), with plain smtplib's `sendmail`
over one connection, and prints both rates and their ratio
(measured in the same run, on the same machine).

    make bench            # or: .venv/bin/python bench/reminders_throughput.py --count 500
"""

from __future__ import annotations

import argparse
import smtplib
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import sqlalchemy as sa
from aiosmtpd.controller import Controller

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.servers import free_port, temporary_postgres
from scheduler import clock, create_app
from scheduler.extensions import db
from scheduler.meetings import services
from scheduler.meetings.models import Group, Occurrence
from scheduler.meetings.recurrence import RecurrenceRule
from scheduler.notifications import reminders, sender
from scheduler.notifications.mime import render
from scheduler.notifications.models import OutboxMessage, OutboxStatus
from scheduler.participants.models import Participant, Rsvp, Seat, SeatCounter

SETUP_AT = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
START = datetime(2027, 3, 30, 12, 0, tzinfo=UTC)  # 14:00 in Amsterdam
SEND_AT = START - timedelta(hours=1)


class CountingHandler:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.count += 1
        return "250 OK"


def build_app(database_url: str, port: int):  # type: ignore[no-untyped-def]
    return create_app(
        {
            "ENV_NAME": "development",
            "TESTING": False,
            "SECRET_KEY": "bench-secret-key-that-is-long-enough-123",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "MAIL_SUPPRESS_SEND": False,
            "MAIL_BATCH_SIZE": 50,
        }
    )


def seed(count: int) -> None:
    with clock.frozen_at(SETUP_AT):
        group = Group(slug="bench", name="Bench group", timezone="Europe/Amsterdam", discreet=True, helpline="0800")
        db.session.add(group)
        db.session.flush()
        series = services.create_series(
            group,
            services.SeriesInput(
                title="Bench meeting",
                kind="peer_support",
                start_date=date(2027, 3, 30),
                start_time=clock_time(14, 0),
                timezone="Europe/Amsterdam",
                duration_minutes=60,
                rule=RecurrenceRule("once"),
                language="en",
                status="published",
            ),
        )
        occurrence = db.session.scalars(sa.select(Occurrence).where(Occurrence.series_id == series.id)).one()
        zones = ["Asia/Dhaka", "Asia/Jakarta", "Europe/Amsterdam"]
        for i in range(count):
            person = Participant(
                email=f"p{i}@example.org", display_name=f"P{i}", timezone=zones[i % 3], confirmed_at=SETUP_AT
            )
            rsvp = Rsvp(participant=person, series=series, status="active", scope="series")
            db.session.add_all([person, rsvp])
            db.session.flush()
            db.session.add(
                Seat(rsvp_id=rsvp.id, participant_id=person.id, occurrence_id=occurrence.id, status="confirmed")
            )
        db.session.add(SeatCounter(occurrence_id=occurrence.id, taken=count))
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument(
        "--postgres",
        metavar="ADMIN_URL",
        nargs="?",
        const="postgresql+psycopg://postgres@127.0.0.1:5432/test",
        help="run on a fresh, temporary PostgreSQL database created through this server (default: SQLite)",
    )
    args = parser.parse_args()
    if args.postgres:
        with temporary_postgres(args.postgres) as url:
            run(args.count, url)
    else:
        with tempfile.TemporaryDirectory() as folder:
            run(args.count, f"sqlite:///{Path(folder) / 'bench.sqlite3'}")


def run(count: int, url: str) -> None:
    handler = CountingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app = build_app(url, port)
    try:
        with app.app_context():
            db.create_all()
            seed(count)
            with clock.frozen_at(SEND_AT - timedelta(minutes=2)):
                began = time.perf_counter()
                queued = reminders.plan_reminders()
                db.session.commit()
                planned_in = time.perf_counter() - began
            assert queued == count, f"the planner queued {queued}, expected {count}"

            with clock.frozen_at(SEND_AT):
                began = time.perf_counter()
                while sender.send_due():
                    pass
                worker_in = time.perf_counter() - began
                rows = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "reminder")).all()
                assert all(r.status == OutboxStatus.SENT for r in rows), "some reminders were not sent"
                assert handler.count == count, f"the sink got {handler.count}"
                messages = [render(sender.envelope_for(r)) for r in rows]  # prebuilt bytes, outside the timing
                recipients = [r.recipient_email for r in rows]
                from_addr = app.config["MAIL_DEFAULT_SENDER"]
            db.session.remove()
            db.drop_all()
            for engine in db.engines.values():
                engine.dispose()

        began = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as connection:
            for message, recipient in zip(messages, recipients, strict=True):
                connection.sendmail(from_addr, [recipient], message)
        plain_in = time.perf_counter() - began
        assert handler.count == 2 * count
    finally:
        controller.stop()

    worker_rate, plain_rate = count / worker_in, count / plain_in
    print(f"database: {url.split(':', 1)[0]}; reminders: {count}; SMTP sink: aiosmtpd on 127.0.0.1:{port}")
    print(f"planner, queueing (render, 3 link tokens each):      {count / planned_in:8.1f} reminders/s")
    print(f"worker, dispatching (claim, re-check, send, mark):   {worker_rate:8.1f} reminders/s")
    print(f"plain smtplib, same messages prebuilt as bytes, 1 connection: {plain_rate:8.1f} messages/s")
    print(f"ratio worker / plain smtplib: {worker_rate / plain_rate:.2f}")


if __name__ == "__main__":
    main()
