"""Host continuity: the missing-host alert, timed with a frozen clock, sent once, and the cancel page it links to."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from scheduler import clock
from scheduler.counseling import sessions
from scheduler.counseling.hosting import send_host_alerts
from scheduler.counseling.models import SessionHosting
from scheduler.extensions import db
from scheduler.meetings import services
from scheduler.notifications.models import OutboxMessage
from scheduler.worker import default_jobs, run_due_jobs
from tests.counseling.conftest import add_person, login, sessions_of


def alerts() -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).where(OutboxMessage.kind == "host_alert").order_by(OutboxMessage.id)
    return list(db.session.scalars(query))


def test_no_alert_before_the_threshold_and_exactly_one_at_it(app, staff, cbt):
    first = sessions_of(cbt)[0]
    threshold = first.start - timedelta(hours=2)
    with clock.frozen_at(threshold - timedelta(seconds=1)):
        assert send_host_alerts() == 0
    db.session.commit()
    assert alerts() == []
    with clock.frozen_at(threshold):
        assert send_host_alerts() == 1
        db.session.commit()
        assert send_host_alerts() == 0  # the job runs again: nothing more
        db.session.commit()
    with clock.frozen_at(threshold + timedelta(minutes=30)):
        assert send_host_alerts() == 0
        db.session.commit()
    sent = alerts()
    # The backup host and the organizer, once each; the host (who did not confirm) is not among them.
    assert sorted(m.recipient_email for m in sent) == sorted([staff["backup"].email, staff["organizer"].email])
    assert all(m.occurrence_id == first.id for m in sent)
    backup_mail = next(m for m in sent if m.recipient_email == staff["backup"].email)
    assert "You are the backup host." in backup_mail.body_text
    assert f"/counselor/sessions/{first.id}/cover" in backup_mail.body_text


def test_the_worker_runs_the_job(app, staff, cbt):
    first = sessions_of(cbt)[0]
    jobs = [job for job in default_jobs() if job.name == "host-alerts"]
    assert len(jobs) == 1
    with clock.frozen_at(first.start - timedelta(hours=1)):
        run_due_jobs(jobs)
        jobs[0].next_run = None
        run_due_jobs(jobs)
    assert len(alerts()) == 2


def test_threshold_comes_from_config(app, staff, cbt):
    app.config["HOST_ALERT_HOURS_BEFORE"] = 6
    first = sessions_of(cbt)[0]
    with clock.frozen_at(first.start - timedelta(hours=6)):
        assert send_host_alerts() == 1


def test_no_alert_when_the_host_confirmed(app, staff, cbt):
    first = sessions_of(cbt)[0]
    sessions.confirm_hosting(first, staff["counselor"])
    db.session.commit()
    with clock.frozen_at(first.start - timedelta(hours=1)):
        assert send_host_alerts() == 0
    assert alerts() == []


def test_no_alert_for_cancelled_sessions_or_sessions_already_started(app, staff, cbt):
    first, second = sessions_of(cbt)[:2]
    services.cancel_occurrence(second, "Holiday")
    db.session.commit()
    with clock.frozen_at(second.start - timedelta(hours=1)):
        assert send_host_alerts() == 0  # the first has started long ago; the second is cancelled
    with clock.frozen_at(first.start + timedelta(minutes=1)):
        assert send_host_alerts() == 0
    assert alerts() == []


def test_no_alert_for_meetings_without_a_host(app, staff, cbt):
    cbt.host_id = None
    db.session.commit()
    with clock.frozen_at(sessions_of(cbt)[0].start - timedelta(hours=1)):
        assert send_host_alerts() == 0


def test_a_confirmation_after_the_alert_is_shown(client, staff, cbt):
    first = sessions_of(cbt)[0]
    with clock.frozen_at(first.start - timedelta(hours=1)):
        send_host_alerts()
        db.session.commit()
        login(client, staff["backup"])
        page = client.get(f"/counselor/sessions/{first.id}/cover").get_data(as_text=True)
        assert "The backup host and the organizers were alerted." in page
        response = client.post(f"/counselor/sessions/{first.id}/host", data={"next": "cover"})
        assert response.status_code == 303 and response.headers["Location"].endswith("/cover")
    db.session.expire_all()
    assert db.session.get(SessionHosting, first.id).confirmed_by_id == staff["backup"].id


def test_the_organizer_cancels_from_the_alert_page_and_participants_hear(client, staff, cbt):
    first = sessions_of(cbt)[0]
    sky = add_person(cbt, [first], "Sky")
    with clock.frozen_at(first.start - timedelta(hours=1)):
        send_host_alerts()
        db.session.commit()
        link = re.search(r"https?://\S+/counselor/sessions/\d+/cover", alerts()[0].body_text).group(0)
        path = "/" + link.split("/", 3)[3]
        login(client, staff["organizer"])
        assert client.post(path, data={"reason": ""}).status_code == 400
        response = client.post(path, data={"reason": "Our counselor is ill"})
        assert response.status_code == 303
    db.session.expire_all()
    assert first.is_cancelled and first.cancel_reason == "Our counselor is ill"
    told = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.recipient_email == sky.email)).all()
    # Told by the cancellation notices of meetings.services (when that module queues them).
    assert all(m.kind != "host_alert" for m in told)


def test_a_stranger_cannot_open_the_alert_page(client, staff, cbt):
    first = sessions_of(cbt)[0]
    login(client, staff["stranger"])
    assert client.get(f"/counselor/sessions/{first.id}/cover").status_code == 403
    assert client.post(f"/counselor/sessions/{first.id}/cover", data={"reason": "x"}).status_code == 403


@pytest.mark.postgres_backend
def test_two_workers_at_once_send_one_alert(app, staff, cbt):
    """Two workers claim the same session at the same instant (PostgreSQL: separate connections)."""
    first = sessions_of(cbt)[0]
    instant = first.start - timedelta(hours=1)
    results: list[int] = []
    barrier = threading.Barrier(2)

    def worker() -> None:
        with app.app_context(), clock.frozen_at(instant):
            barrier.wait()
            try:
                results.append(send_host_alerts())
                db.session.commit()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [0, 1]
    db.session.expire_all()
    assert len(alerts()) == 2
