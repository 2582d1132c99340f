"""The sign-up POST does little and the same whatever the size of the network or the address: it queues the
confirmation email unrendered (kind, ids, language) and the email job renders and sends it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from scheduler.extensions import db
from scheduler.meetings.models import Occurrence
from scheduler.meetings.recurrence import RecurrenceRule
from scheduler.notifications import sender
from scheduler.notifications.models import OutboxMessage, OutboxStatus
from tests.factories import create_series
from tests.notifications.smtp_server import SmtpSink
from tests.participants.conftest import ENGLISH, LINK, confirm, form, rsvp_of
from tests.statements import count_queries

STATEMENTS = 9  # the sign-up POST on a network of thousands of sessions (14 with the email rendered in it)


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


def post(client, series, email: str) -> tuple[int, list[str]]:
    path = f"/meetings/{series.id}/rsvp"
    db.session.expire_all()
    with count_queries() as statements:
        response = client.post(path, data=form(email), headers=ENGLISH)
    assert response.status_code == 302
    return len(statements), statements


def test_sign_up_runs_the_same_few_statements_for_new_and_known_addresses(client, group):
    meetings = [
        create_series(group, title=f"Meeting {i}", rule=RecurrenceRule("weekly", weekdays=(i % 7,))) for i in range(40)
    ]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Occurrence)) > 2000
    new, statements = post(client, meetings[0], "sky@example.org")
    assert new <= STATEMENTS, "\n".join(statements)
    confirm(client, "sky@example.org")
    known, _ = post(client, meetings[0], "sky@example.org")  # already signed up: a different email, same work
    other, _ = post(client, meetings[1], "river@example.org")
    assert other == new and known <= new
    rows = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "rsvp_already")).all()
    assert [r.render_args is not None and r.body_text == "" for r in rows] == [True]


def test_the_email_job_renders_and_sends_the_confirmation(app, client, group, smtp):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_SUPPRESS_SEND=False)
    series = create_series(group, rule=RecurrenceRule("weekly", weekdays=(1,)))
    post(client, series, "sky@example.org")
    row = db.session.scalars(sa.select(OutboxMessage)).one()
    assert row.render_args is not None and row.subject == "" and row.body_text == ""
    assert sender.send_due() == 1
    db.session.expire_all()
    row = db.session.get(OutboxMessage, row.id)
    assert row.status == OutboxStatus.SENT and row.render_args is None  # the secret is only in the sent body
    (received,) = smtp.received
    body = received.message.get_body(("plain",)).get_content()
    link = next(m for m in LINK.finditer(body) if m.group(1) == "rsvp/confirm")
    assert client.post(f"/rsvp/confirm/{link.group(2)}", headers=ENGLISH).status_code in (200, 302, 303)
    assert rsvp_of("sky@example.org").status == "active"


def test_a_sign_up_erased_before_the_job_runs_is_not_sent(app, client, group, smtp):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_SUPPRESS_SEND=False)
    series = create_series(group, rule=RecurrenceRule("weekly", weekdays=(1,)))
    post(client, series, "sky@example.org")
    db.session.delete(rsvp_of("sky@example.org"))
    db.session.commit()
    sender.send_due()
    assert smtp.received == []
    assert db.session.scalars(sa.select(OutboxMessage.status)).one() == OutboxStatus.CANCELLED
