"""Removing a person is asked once and can be undone for ten minutes: the message telling them waits, and undo
brings back their seats and links with nothing sent. Undo is refused, clearly, once the window has passed or
once something irreversible happened (a freed seat offered to the waiting list or taken by someone else)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from scheduler import clock
from scheduler.extensions import db
from scheduler.notifications.models import OutboxMessage
from tests.participants.conftest import ENGLISH, join_up, last_mail, occurrences, one_off, rsvp_of, seat_states
from tests.participants.test_staff import staff_client


def _left_rows(email: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.recipient_email == email, OutboxMessage.kind == "left_meeting")
            .order_by(OutboxMessage.id)
        )
    )


def _remove(client, email: str, occurrence_id: int) -> str:
    path = f"/organizer/rsvps/{rsvp_of(email).id}/remove"
    response = client.post(
        path, data={"confirm": "yes", "occurrence_id": occurrence_id}, headers=ENGLISH, follow_redirects=True
    )
    return response.get_data(as_text=True)


def test_removal_asks_once_and_undo_within_ten_minutes_restores_everything(app, group, organizer, frozen_now):
    series = one_off(group, title="Open evening", capacity=2)
    occurrence = occurrences(series)[0]
    join_up(app.test_client(), series, "sky@example.org", "Sky")
    join_path = last_mail("sky@example.org", "rsvp_welcome").link("j")
    client = staff_client(app, organizer)
    path = f"/organizer/rsvps/{rsvp_of('sky@example.org').id}/remove"

    ask = client.post(path, data={"occurrence_id": occurrence.id}, headers=ENGLISH).get_data(as_text=True)
    assert "Remove Sky from “Open evening”?" in ask and 'name="confirm" value="yes"' in ask  # a form: no script
    db.session.expire_all()
    assert rsvp_of("sky@example.org").status == "active" and not _left_rows("sky@example.org")

    page = _remove(client, "sky@example.org", occurrence.id)
    assert "until then you can undo it" in page and "You removed Sky" in page and "/undo-remove" in page
    db.session.expire_all()
    assert rsvp_of("sky@example.org").status == "removed"
    assert app.test_client().get(join_path).status_code == 410
    (held,) = _left_rows("sky@example.org")
    assert held.status == "pending" and held.send_after == frozen_now + timedelta(minutes=10)
    assert "You removed Sky" in client.get(f"/organizer/meetings/{series.id}/people", headers=ENGLISH).get_data(
        as_text=True
    )

    with clock.frozen_at(frozen_now + timedelta(minutes=9)):
        undo = client.post(
            f"/organizer/rsvps/{rsvp_of('sky@example.org').id}/undo-remove",
            data={"occurrence_id": occurrence.id},
            headers=ENGLISH,
            follow_redirects=True,
        )
        assert "Undone: the person is signed up again" in undo.get_data(as_text=True)
        assert "You removed Sky" not in undo.get_data(as_text=True)
    db.session.expire_all()
    assert rsvp_of("sky@example.org").status == "active"
    assert seat_states(occurrences(series)[0]) == {"sky@example.org": "confirmed"}
    assert [row.status for row in _left_rows("sky@example.org")] == ["cancelled"]  # never sent
    assert app.test_client().get(join_path).status_code != 410  # the join link works again


def test_undo_after_the_window_is_refused_clearly(app, group, organizer, frozen_now):
    series = one_off(group, title="Open evening")
    occurrence = occurrences(series)[0]
    join_up(app.test_client(), series, "sky@example.org", "Sky")
    client = staff_client(app, organizer)
    _remove(client, "sky@example.org", occurrence.id)
    rsvp_id = rsvp_of("sky@example.org").id
    with clock.frozen_at(frozen_now + timedelta(minutes=11)):
        refused = client.post(f"/organizer/rsvps/{rsvp_id}/undo-remove", headers=ENGLISH, follow_redirects=True)
        text = refused.get_data(as_text=True)
        assert "too late to undo" in text and "already been told" in text
    db.session.expire_all()
    assert rsvp_of("sky@example.org").status == "removed"
    assert [row.status for row in _left_rows("sky@example.org")] == ["pending"]


def test_a_freed_seat_offered_to_the_waiting_list_means_no_undo_and_the_person_is_told_at_once(
    app, group, organizer, frozen_now
):
    series = one_off(group, title="Open evening", capacity=1)
    occurrence = occurrences(series)[0]
    join_up(app.test_client(), series, "sky@example.org", "Sky")
    join_up(app.test_client(), series, "river@example.org", "River")  # waiting
    client = staff_client(app, organizer)
    page = _remove(client, "sky@example.org", occurrence.id)
    assert "until then you can undo it" not in page and "You removed Sky" not in page
    db.session.expire_all()
    assert seat_states(occurrences(series)[0]) == {"sky@example.org": "released", "river@example.org": "offered"}
    (told,) = _left_rows("sky@example.org")
    assert told.status == "pending" and told.send_after <= frozen_now  # goes with the next email run
    refused = client.post(
        f"/organizer/rsvps/{rsvp_of('sky@example.org').id}/undo-remove", headers=ENGLISH, follow_redirects=True
    )
    assert "too late to undo" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert rsvp_of("sky@example.org").status == "removed"


def test_a_freed_seat_taken_meanwhile_refuses_the_undo_and_changes_nothing(app, group, organizer, frozen_now):
    series = one_off(group, title="Open evening", capacity=1)
    occurrence = occurrences(series)[0]
    join_up(app.test_client(), series, "sky@example.org", "Sky")
    client = staff_client(app, organizer)
    _remove(client, "sky@example.org", occurrence.id)
    with clock.frozen_at(frozen_now + timedelta(minutes=2)):
        join_up(app.test_client(), series, "river@example.org", "River")  # takes the freed seat
        refused = client.post(
            f"/organizer/rsvps/{rsvp_of('sky@example.org').id}/undo-remove",
            data={"occurrence_id": occurrence.id},
            headers=ENGLISH,
            follow_redirects=True,
        )
    text = refused.get_data(as_text=True)
    assert "someone else took a seat" in text
    db.session.expire_all()
    assert rsvp_of("sky@example.org").status == "removed"
    assert seat_states(occurrences(series)[0]) == {"sky@example.org": "released", "river@example.org": "confirmed"}
    assert [row.status for row in _left_rows("sky@example.org")] == ["pending"]  # still told when it is due
