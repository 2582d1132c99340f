"""SEQUENCE strictly rises for every message a person gets for a UID, leaving and re-joining included."""

from __future__ import annotations

import re

import sqlalchemy as sa

from scheduler.extensions import db
from scheduler.meetings import services as meetings
from scheduler.notifications.models import OutboxMessage
from tests.participants.conftest import ENGLISH, join_up, occurrences, rsvp_of


def sequences(email: str) -> list[tuple[str, str, int]]:
    rows = db.session.execute(
        sa.select(OutboxMessage.kind, OutboxMessage.calendar_method, OutboxMessage.calendar)
        .where(OutboxMessage.recipient_email == email, OutboxMessage.calendar.is_not(None))
        .order_by(OutboxMessage.id)
    )
    return [(kind, method, int(re.search(r"SEQUENCE:(\d+)", text).group(1))) for kind, method, text in rows]


def test_leave_and_rejoin_each_get_a_newer_sequence(client, weekly):
    manage = join_up(client, weekly, "sky@example.org", "Sky")
    meetings.cancel_occurrence(occurrences(weekly)[2], "Holiday")
    db.session.commit()
    client.post(f"{manage}/meetings/{rsvp_of('sky@example.org').id}/leave", headers=ENGLISH)
    db.session.expire_all()
    join_up(client, weekly, "sky@example.org", "Sky")
    sent = sequences("sky@example.org")
    assert [method for _kind, method, _seq in sent] == ["REQUEST", "CANCEL", "CANCEL", "REQUEST"]
    numbers = [seq for _kind, _method, seq in sent]
    assert numbers == sorted(set(numbers)), sent  # strictly rising
