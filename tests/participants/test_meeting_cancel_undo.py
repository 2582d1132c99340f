"""Cancelling a whole meeting is asked once (a form with the reason, no script needed) and can be taken back for
ten minutes: the cancellation emails wait, restoring withdraws them unsent and brings back the sessions that the
cancellation cancelled (not one cancelled on its own before). Later, restoring is refused with a clear message."""

from __future__ import annotations

from datetime import timedelta

from scheduler import clock
from scheduler.extensions import db
from scheduler.meetings import services as meetings
from scheduler.meetings.models import Series
from tests.participants.conftest import ENGLISH, join_up, occurrences
from tests.participants.test_cancel_undo import SKY, rows
from tests.participants.test_staff import staff_client


def _cancel(client, series_id: int) -> str:
    page = client.get(f"/organizer/meetings/{series_id}/cancel", headers=ENGLISH).get_data(as_text=True)
    assert 'name="reason"' in page  # the question: nothing happens before the reason is sent
    assert db.session.get(Series, series_id).status == "published"
    done = client.post(
        f"/organizer/meetings/{series_id}/cancel",
        data={"reason": "The host moved away"},
        headers=ENGLISH,
        follow_redirects=True,
    )
    return done.get_data(as_text=True)


def test_restoring_a_cancelled_meeting_within_ten_minutes_tells_nobody(app, client, weekly, organizer, frozen_now):
    join_up(client, weekly, SKY, "Sky")
    with clock.frozen_at(frozen_now - timedelta(hours=1)):
        meetings.cancel_occurrence(occurrences(weekly)[2], "Holiday")  # on its own, before: stays cancelled
        db.session.commit()
    staff = staff_client(app, organizer)
    page = _cancel(staff, weekly.id)
    assert "Participants are told in 10 minutes" in page and "/restore" in page
    (held,) = rows("meeting_cancelled")
    assert held.status == "pending" and held.send_after == frozen_now + timedelta(minutes=10)

    with clock.frozen_at(frozen_now + timedelta(minutes=9)):
        restored = staff.post(f"/organizer/meetings/{weekly.id}/restore", headers=ENGLISH, follow_redirects=True)
        assert "nobody was told it was cancelled" in restored.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Series, weekly.id).status == "published"
    states = [(o.status, o.cancel_reason) for o in occurrences(weekly)[:4]]
    assert states[2] == ("cancelled", "Holiday") and all(
        s == ("scheduled", None) for i, s in enumerate(states) if i != 2
    )
    assert [row.status for row in rows("meeting_cancelled")] == ["cancelled"]  # never sent
    assert rows("schedule_changed") == []


def test_restoring_after_ten_minutes_is_refused_clearly(app, client, weekly, organizer, frozen_now):
    join_up(client, weekly, SKY, "Sky")
    staff = staff_client(app, organizer)
    _cancel(staff, weekly.id)
    with clock.frozen_at(frozen_now + timedelta(minutes=11)):
        detail = staff.get(f"/organizer/meetings/{weekly.id}", headers=ENGLISH).get_data(as_text=True)
        assert "/restore" not in detail
        refused = staff.post(f"/organizer/meetings/{weekly.id}/restore", headers=ENGLISH, follow_redirects=True)
        assert "too late to restore this meeting" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Series, weekly.id).status == "cancelled"
    assert [row.status for row in rows("meeting_cancelled")] == ["pending"]  # due: the worker sends it


def test_a_cancellation_already_sent_cannot_be_taken_back(app, client, weekly, organizer, frozen_now):
    join_up(client, weekly, SKY, "Sky")
    staff = staff_client(app, organizer)
    _cancel(staff, weekly.id)
    (held,) = rows("meeting_cancelled")
    held.status = "sent"  # e.g. released early by the worker
    db.session.commit()
    with clock.frozen_at(frozen_now + timedelta(minutes=2)):
        refused = staff.post(f"/organizer/meetings/{weekly.id}/restore", headers=ENGLISH, follow_redirects=True)
        assert "too late to restore this meeting" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Series, weekly.id).status == "cancelled"
