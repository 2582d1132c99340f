"""Declining a request is asked once, can be undone for ten minutes (the email waits meanwhile), and the kind
email suggests meetings on the same topic, in the person's own language."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from scheduler import clock
from scheduler.extensions import db
from scheduler.notifications.models import OutboxMessage
from tests.factories import create_group, create_series
from tests.participants.conftest import ENGLISH, join_up, one_off, rsvp_of
from tests.participants.test_staff import staff_client


def _declined_rows(email: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage).where(
                OutboxMessage.recipient_email == email, OutboxMessage.kind == "rsvp_declined"
            )
        )
    )


def test_decline_asks_once_and_can_be_undone_before_the_email_goes(app, group, organizer, frozen_now):
    series = one_off(group, title="CBT group", access="closed")
    join_up(app.test_client(), series, "citra@example.org", "Citra")
    client = staff_client(app, organizer)
    path = f"/organizer/rsvps/{rsvp_of('citra@example.org').id}/decline"

    ask = client.post(path, headers=ENGLISH)
    html = ask.get_data(as_text=True)
    assert ask.status_code == 200 and "Please confirm" in html and 'name="confirm" value="yes"' in html
    assert rsvp_of("citra@example.org").status == "awaiting_approval" and not _declined_rows("citra@example.org")

    assert client.post(path, data={"confirm": "yes"}).status_code == 303
    assert rsvp_of("citra@example.org").status == "declined"
    (held,) = _declined_rows("citra@example.org")
    assert held.status == "pending" and held.send_after == frozen_now + timedelta(minutes=10)
    people = client.get(f"/organizer/meetings/{series.id}/people", headers=ENGLISH).get_data(as_text=True)
    assert "You declined Citra" in people and "/undo" in people

    with clock.frozen_at(frozen_now + timedelta(minutes=9)):
        undo = client.post(f"/organizer/rsvps/{rsvp_of('citra@example.org').id}/undo", headers=ENGLISH)
        assert undo.status_code == 303
    db.session.expire_all()
    assert rsvp_of("citra@example.org").status == "awaiting_approval"
    assert [row.status for row in _declined_rows("citra@example.org")] == ["cancelled"]  # never sent


def test_undo_after_the_window_is_refused_clearly(app, group, organizer, frozen_now):
    series = one_off(group, title="CBT group", access="closed")
    join_up(app.test_client(), series, "citra@example.org", "Citra")
    client = staff_client(app, organizer)
    rsvp_id = rsvp_of("citra@example.org").id
    assert client.post(f"/organizer/rsvps/{rsvp_id}/decline", data={"confirm": "yes"}).status_code == 303
    with clock.frozen_at(frozen_now + timedelta(minutes=11)):
        refused = client.post(f"/organizer/rsvps/{rsvp_id}/undo", headers=ENGLISH, follow_redirects=True)
        assert "too late to undo" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert rsvp_of("citra@example.org").status == "declined"
    assert [row.status for row in _declined_rows("citra@example.org")] == ["pending"]


def test_decline_suggests_the_same_topic_in_the_persons_language(app, organizer, frozen_now):
    depression = create_group({organizer: "organizer"}, topic="depression", language="en", discreet=False)
    addiction = create_group({organizer: "organizer"}, topic="addiction", language="en", discreet=False)
    series = one_off(depression, title="Closed CBT circle", access="closed", language="en")
    create_series(depression, title="Open mood circle", language="en")
    create_series(depression, title="Stemming en somberheid", language="nl")
    create_series(addiction, title="Open recovery circle", language="en")
    join_up(app.test_client(), series, "ana@example.org", "Ana")
    client = staff_client(app, organizer)
    assert (
        client.post(f"/organizer/rsvps/{rsvp_of('ana@example.org').id}/decline", data={"confirm": "yes"}).status_code
        == 303
    )
    (mail,) = _declined_rows("ana@example.org")
    assert "Open mood circle" in mail.body_text
    assert "Open recovery circle" not in mail.body_text and "Stemming" not in mail.body_text
    assert "topic=depression" in mail.body_text and "language=en" in mail.body_text


def test_removal_is_asked_once(app, group, organizer, frozen_now):
    series = one_off(group, title="Open evening")
    join_up(app.test_client(), series, "sky@example.org", "Sky")
    client = staff_client(app, organizer)
    path = f"/organizer/rsvps/{rsvp_of('sky@example.org').id}/remove"
    ask = client.post(path, data={"occurrence_id": "1"}, headers=ENGLISH).get_data(as_text=True)
    assert "Remove Sky from “Open evening”?" in ask and 'name="occurrence_id" value="1"' in ask
    db.session.expire_all()
    assert rsvp_of("sky@example.org").status == "active"
    assert client.post(path, data={"confirm": "yes"}).status_code == 303
    db.session.expire_all()
    assert rsvp_of("sky@example.org").status == "removed"
