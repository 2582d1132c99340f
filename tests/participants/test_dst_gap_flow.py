"""The whole DST-gap story over HTTP: a weekly 02:30 Amsterdam meeting meets on the spring-forward Sunday.

Created with the confirmation, someone signs up, the organizer moves that session, cancels it and restores
it: no 5xx anywhere, and every mail carries the change for the rule's own instance (RECURRENCE-ID 02:30).
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from icalendar import Calendar

from scheduler import clock
from scheduler.extensions import db
from scheduler.meetings.models import Occurrence, Series
from scheduler.notifications.models import OutboxMessage
from tests.meetings.test_organizer_views import login, meeting_form
from tests.participants.conftest import join_up

GAP_ID = b"RECURRENCE-ID;TZID=Europe/Amsterdam:20270328T023000"


def calendar_of(kind: str) -> bytes:
    row = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id.desc())
    ).first()
    assert row is not None and row.calendar, f"no {kind} mail with a calendar"
    return row.calendar.encode()


def test_dst_gap_session_create_sign_up_move_cancel_restore(client, organizer, group):
    login(client, organizer)
    form = meeting_form(
        title="Night owls",
        timezone="Europe/Amsterdam",
        language="en",
        start_date="2027-03-14",
        start_time="02:30",
        weekdays="6",
    )
    refused = client.post(f"/organizer/groups/{group.id}/meetings/new", data=form)
    assert refused.status_code == 400 and "daylight-saving" in refused.get_data(as_text=True)
    created = client.post(f"/organizer/groups/{group.id}/meetings/new", data={**form, "accept_dst_shift": "y"})
    assert created.status_code == 302
    series = db.session.scalars(sa.select(Series).where(Series.title == "Night owls")).one()
    client.get("/logout")
    join_up(client, series, "sky@example.org", "Sky")

    gap = db.session.scalars(
        sa.select(Occurrence).where(Occurrence.series_id == series.id).order_by(Occurrence.start).offset(2)
    ).first()
    assert gap.start.isoformat() == "2027-03-28T01:30:00+00:00"  # 02:30 does not exist: read as 03:30 CEST
    welcome = calendar_of("rsvp_welcome")
    assert GAP_ID in welcome and b"DTSTART:20270328T013000Z" in welcome  # explicit override at its instant

    login(client, organizer)
    moved = client.post(
        f"/organizer/occurrences/{gap.id}/move", data={"date": "2027-03-28", "time": "19:00", "duration_minutes": "90"}
    )
    assert moved.status_code == 302
    invite = calendar_of("session_moved")
    assert GAP_ID in invite and b"DTSTART;TZID=Europe/Amsterdam:20270328T190000" in invite
    feed = client.get(f"/groups/{group.slug}/calendar.ics").get_data()
    assert GAP_ID in feed and b"20270328T190000" in feed  # the group feed shows the move

    cancelled = client.post(f"/organizer/occurrences/{gap.id}/cancel", data={"reason": "Clocks change"})
    assert cancelled.status_code == 302
    db.session.expire_all()
    assert db.session.get(Occurrence, gap.id).is_cancelled
    cancel = Calendar.from_ical(calendar_of("session_cancelled"))
    (event,) = cancel.walk("VEVENT")
    assert cancel["METHOD"] == "CANCEL" and GAP_ID in event.to_ical()

    with clock.frozen_at(clock.now() + timedelta(minutes=11)):  # after the undo window: people were told
        assert client.post(f"/organizer/occurrences/{gap.id}/restore").status_code == 302
    restored = calendar_of("schedule_changed")
    assert b"EXDATE" not in restored and GAP_ID in restored and b"20270328T190000" in restored
    sequences = [int(e["SEQUENCE"]) for e in Calendar.from_ical(restored).walk("VEVENT")]
    assert min(sequences) > int(event["SEQUENCE"])
