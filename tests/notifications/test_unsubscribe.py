"""One-click unsubscribe from a meeting's reminders (RFC 8058), turning them back on, and reminders delivered
through a real SMTP server on loopback with their headers."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from scheduler import clock
from scheduler.extensions import db
from scheduler.notifications import sender
from scheduler.notifications.models import OutboxStatus
from scheduler.notifications.optouts import ReminderOptOut
from tests.notifications.reminder_support import (
    amsterdam_group,
    plan_at,
    reminder_rows,
    send_at,
    sign_up_at,
    utc,
    weekly_meeting,
)
from tests.notifications.smtp_server import SmtpSink
from tests.participants.conftest import last_mail

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


@pytest.fixture
def meeting(app):
    return weekly_meeting(amsterdam_group())


def optouts() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ReminderOptOut)) or 0


def unsubscribe_path(row) -> str:
    return urlsplit(row.headers["List-Unsubscribe"].strip("<>")).path


def test_get_changes_nothing_and_the_cookieless_one_click_post_unsubscribes(app, client, meeting):
    sign_up_at(client, meeting, "a@example.org")
    plan_at(utc(2027, 3, 22, 12, 58))
    path = unsubscribe_path(reminder_rows()[0])
    with clock.frozen_at(utc(2027, 3, 22, 13, 0)):
        one_click_unsubscribe_flow(app, path)
    assert plan_at(utc(2027, 3, 23, 11, 58)) == 0  # no more reminders for this meeting
    assert plan_at(utc(2027, 3, 29, 11, 58)) == 0


def one_click_unsubscribe_flow(app, path: str) -> None:
    page = app.test_client().get(path)  # what a link scanner does
    assert page.status_code == 200 and "Stop reminders" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    assert optouts() == 0

    app.config["WTF_CSRF_ENABLED"] = True  # the mail provider has no session and no CSRF token
    provider = app.test_client(use_cookies=False)
    response = provider.post(path, data=ONE_CLICK, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and "Location" not in response.headers
    assert optouts() == 1
    assert provider.post(path, data=ONE_CLICK).status_code == 200  # providers retry: still fine, still one row
    assert optouts() == 1


def test_pending_reminders_are_withdrawn_on_unsubscribe(client, meeting):
    sign_up_at(client, meeting, "a@example.org")
    plan_at(utc(2027, 3, 23, 11, 56))
    row = reminder_rows()[0]
    with clock.frozen_at(utc(2027, 3, 23, 11, 57)):
        assert client.post(unsubscribe_path(row), data=ONE_CLICK).status_code == 200
    send_at(utc(2027, 3, 23, 12, 0))
    assert [r.status for r in reminder_rows()] == [OutboxStatus.CANCELLED]


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_or_foreign_token_is_refused(client, meeting, method):
    sign_up_at(client, meeting, "a@example.org")
    plan_at(utc(2027, 3, 22, 12, 58))
    path = unsubscribe_path(reminder_rows()[0])
    tampered = path[:-1] + ("A" if path[-1] != "A" else "B")
    manage = last_mail("a@example.org").link("manage")  # a secret of another purpose
    with clock.frozen_at(utc(2027, 3, 22, 13, 0)):
        assert getattr(client, method)(tampered, data=ONE_CLICK).status_code == 404
        assert getattr(client, method)("/unsubscribe/" + manage.rsplit("/", 1)[1], data=ONE_CLICK).status_code == 404
    assert optouts() == 0


def test_the_person_can_turn_reminders_back_on_from_their_page(client, meeting):
    sign_up_at(client, meeting, "a@example.org")
    plan_at(utc(2027, 3, 22, 12, 58))
    manage = last_mail("a@example.org").link("manage")
    rsvp_id = db.session.scalar(sa.text("select id from rsvps"))
    with clock.frozen_at(utc(2027, 3, 22, 13, 0)):
        client.post(unsubscribe_path(reminder_rows()[0]), data=ONE_CLICK)
        page = client.get(manage).get_data(as_text=True)
        assert "Reminders are off for this meeting." in page and "Send me reminders again" in page
        response = client.post(f"{manage}/meetings/{rsvp_id}/reminders", data={"reminders": "on"})
        assert response.status_code == 303
    assert optouts() == 0
    assert plan_at(utc(2027, 3, 23, 11, 58)) == 1


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


def test_reminders_arrive_over_smtp_with_one_click_headers(app, client, smtp):
    meeting = weekly_meeting(amsterdam_group())
    sign_up_at(client, meeting, "dhaka@example.org", timezone="Asia/Dhaka")
    plan_at(utc(2027, 3, 30, 10, 58))
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    send_at(utc(2027, 3, 30, 11, 0))
    raw = [r.raw for r in smtp.received if r.message["Subject"] == "Your Tuesday group starts in 1 hour"]
    assert len(raw) == 1
    message = next(r.message for r in smtp.received if r.raw == raw[0])
    # one line, not RFC 2047 encoded-words (policy.SMTP would fold the long URL that way)
    line = next(x for x in raw[0].split(b"\r\n") if x.startswith(b"List-Unsubscribe:"))
    assert line.startswith(b"List-Unsubscribe: <http") and line.endswith(b">") and b"=?" not in line
    row = reminder_rows()[0]
    assert row.status == OutboxStatus.SENT
    assert message["List-Unsubscribe"] == row.headers["List-Unsubscribe"]
    assert message["List-Unsubscribe"].startswith("<http") and "/unsubscribe/" in message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["From"].addresses[0].display_name == "Meeting notices"
    assert message["Message-ID"] == row.message_id
    text = message.get_body(("plain",)).get_content()
    assert "/j/" in text and "0800-1234" in text
    # the invite-style emails sent at sign-up carry no unsubscribe header
    others = [r.message for r in smtp.received if r.message["Subject"] != message["Subject"]]
    assert others and all("List-Unsubscribe" not in m for m in others)
    assert sender.send_due() == 0
