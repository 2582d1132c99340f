"""Cancelling a session can be taken back for ten minutes: the cancellation emails wait, and restoring the
session meanwhile withdraws them, so nobody is told anything. A newer change sends what was held first."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from scheduler import clock
from scheduler.extensions import db
from scheduler.meetings import services as meetings
from scheduler.notifications.models import OutboxMessage
from tests.participants.conftest import join_up, occurrences

SKY = "sky@example.org"


def rows(kind: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.recipient_email == SKY, OutboxMessage.kind == kind)
            .order_by(OutboxMessage.id)
        )
    )


def test_restoring_within_ten_minutes_tells_nobody(client, weekly, frozen_now):
    join_up(client, weekly, SKY, "Sky")
    session = occurrences(weekly)[1]
    meetings.cancel_occurrence(session, "Holiday")
    db.session.commit()
    (held,) = rows("session_cancelled")
    assert held.status == "pending" and held.send_after == frozen_now + timedelta(minutes=10)
    with clock.frozen_at(frozen_now + timedelta(minutes=9)):
        meetings.restore_occurrence(occurrences(weekly)[1])
        db.session.commit()
    assert [row.status for row in rows("session_cancelled")] == ["cancelled"]
    assert rows("schedule_changed") == []  # their calendar never changed


def test_restoring_later_sends_the_whole_meeting_again(client, weekly, frozen_now):
    join_up(client, weekly, SKY, "Sky")
    meetings.cancel_occurrence(occurrences(weekly)[1], "Holiday")
    db.session.commit()
    with clock.frozen_at(frozen_now + timedelta(minutes=11)):
        meetings.restore_occurrence(occurrences(weekly)[1])
        db.session.commit()
    assert [row.status for row in rows("session_cancelled")] == ["pending"]  # due: the worker sends it
    assert len(rows("schedule_changed")) == 1


def test_a_newer_change_releases_the_held_cancellation_first(client, weekly, frozen_now):
    join_up(client, weekly, SKY, "Sky")
    meetings.cancel_occurrence(occurrences(weekly)[1], "Holiday")
    db.session.commit()
    later = frozen_now + timedelta(minutes=2)
    with clock.frozen_at(later):
        meetings.cancel_occurrence(occurrences(weekly)[2], "Also a holiday")
        db.session.commit()
    first, second = rows("session_cancelled")
    assert first.send_after == later < second.send_after  # the older update is due now, before the newer one
