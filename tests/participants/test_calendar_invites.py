"""Calendar invites, updates and cancellations that follow the organizer's changes (iTIP over email).

Every message is parsed back and checked by independent implementations: icalendar, libical's iTIP
restriction checker and Mozilla's ical.js (which must expand our invite to exactly the sessions the app lists).
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from scheduler.extensions import db
from scheduler.meetings import services as meetings
from scheduler.meetings.models import Occurrence, Series
from scheduler.notifications.models import OutboxMessage
from tests.calendar.test_ics import HERE, SYSTEM_PYTHON, checker_unavailable, expand_with_ical_js, libical_missing
from tests.factories import series_input
from tests.participants.conftest import join_up, occurrences, rsvp_of

SKY, RIVER = "sky@example.org", "river@example.org"


def calendars(to: str, kind: str | None = None) -> list[tuple[str, str, bytes]]:
    query = sa.select(OutboxMessage).where(OutboxMessage.recipient_email == to, OutboxMessage.calendar.is_not(None))
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return [
        (m.kind, m.calendar_method or "", m.calendar.encode())
        for m in db.session.scalars(query.order_by(OutboxMessage.id))
    ]


def last_calendar(to: str, kind: str | None = None) -> tuple[str, Calendar, bytes]:
    found = calendars(to, kind)
    assert found, f"no calendar for {to} ({kind})"
    _kind, method, raw = found[-1]
    return method, Calendar.from_ical(raw), raw


def events(cal: Calendar) -> list:
    return [c for c in cal.walk("VEVENT")]


def libical_errors(raw: bytes) -> list[str]:
    if reason := libical_missing():
        checker_unavailable(reason)
    proc = subprocess.run(
        [SYSTEM_PYTHON, str(HERE / "libical_check.py")], input=raw, capture_output=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(proc.stdout)


def app_sessions(series: Series, count: int) -> list[tuple[datetime, datetime]]:
    rows = db.session.scalars(
        sa.select(Occurrence)
        .where(Occurrence.series_id == series.id, Occurrence.status == "scheduled")
        .order_by(Occurrence.start)
    ).all()
    return [(r.start, r.end) for r in rows][:count]


def test_confirmation_brings_an_invite_for_the_whole_series(client, weekly):
    join_up(client, weekly, SKY, "Sky")
    method, cal, raw = last_calendar(SKY, "rsvp_welcome")
    assert method == "REQUEST" and cal["METHOD"] == "REQUEST"
    (master,) = events(cal)
    assert master["UID"] == weekly.uid and str(master["RRULE"].to_ical().decode()) == "FREQ=WEEKLY;BYDAY=TU"
    assert master["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert master["DTSTART"].dt.replace(tzinfo=None) == datetime(2026, 12, 1, 19, 0)
    attendees = master.get("ATTENDEE")
    assert not isinstance(attendees, list) and str(attendees) == f"mailto:{SKY}"
    assert str(master["ORGANIZER"]).startswith("mailto:")
    assert master["SUMMARY"] == "Tuesday group"  # discreet group: nothing about the topic
    assert "/j/" in str(master["URL"]) and "/j/" in str(master["LOCATION"]) and "/j/" in str(master["DESCRIPTION"])
    assert len(cal.walk("VTIMEZONE")) == 1
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert libical_errors(raw) == []


def test_ical_js_expands_the_invite_to_the_sessions_the_app_lists(client, weekly):
    cancelled, moved = occurrences(weekly)[2], occurrences(weekly)[4]
    meetings.cancel_occurrence(cancelled, "Public holiday")
    meetings.move_occurrence(moved, datetime(2027, 1, 1, 20, 30))  # the Tuesday session goes to Friday
    db.session.commit()
    join_up(client, weekly, SKY, "Sky")
    _method, _cal, raw = last_calendar(SKY, "rsvp_welcome")
    tzid, expanded = expand_with_ical_js(raw)
    assert tzid == "Europe/Amsterdam"
    sessions = app_sessions(weekly, 30)
    assert expanded[: len(sessions)] == sessions
    assert libical_errors(raw) == []


def test_cancelling_one_session_sends_a_cancel_with_its_recurrence_id(client, weekly):
    join_up(client, weekly, SKY, "Sky")
    target = occurrences(weekly)[1]
    meetings.cancel_occurrence(target, "Public holiday")
    db.session.commit()
    method, cal, raw = last_calendar(SKY, "session_cancelled")
    assert method == "CANCEL" and cal["METHOD"] == "CANCEL"
    (event,) = events(cal)
    assert event["UID"] == weekly.uid and event["SEQUENCE"] == weekly.sequence == 1
    assert event["RECURRENCE-ID"].dt.replace(tzinfo=None) == datetime(2026, 12, 8, 19, 0)
    assert event["RECURRENCE-ID"].params["TZID"] == "Europe/Amsterdam"
    assert libical_errors(raw) == []
    # A later full invite carries the EXDATE, so the session is not resurrected.
    meetings.update_series(weekly, series_input(title=weekly.title, language="en", start_time=time(19, 30)))
    db.session.commit()
    _m, cal, raw = last_calendar(SKY, "schedule_changed")
    master = events(cal)[0]
    assert master["SEQUENCE"] == 2 and "EXDATE" in master
    assert libical_errors(raw) == []


def test_moving_one_session_sends_only_its_override(client, weekly):
    join_up(client, weekly, SKY, "Sky")
    target = occurrences(weekly)[1]
    meetings.move_occurrence(target, datetime(2026, 12, 8, 21, 0))
    db.session.commit()
    method, cal, raw = last_calendar(SKY, "session_moved")
    assert method == "REQUEST"
    (override,) = events(cal)
    assert override["RECURRENCE-ID"].dt.replace(tzinfo=None) == datetime(2026, 12, 8, 19, 0)
    assert override["DTSTART"].dt.replace(tzinfo=None) == datetime(2026, 12, 8, 21, 0)
    assert override["SEQUENCE"] == 1 and "RRULE" not in override
    assert libical_errors(raw) == []


def test_cancelling_the_meeting_and_leaving_remove_it_from_calendars(client, weekly):
    manage = join_up(client, weekly, SKY, "Sky")
    join_up(client, weekly, RIVER, "River")
    client.post(f"{manage}/meetings/{rsvp_of(SKY).id}/leave")
    method, cal, raw = last_calendar(SKY, "left_meeting")
    assert method == "CANCEL" and events(cal)[0]["UID"] == weekly.uid and libical_errors(raw) == []
    meetings.cancel_series(weekly, "The group merged with another one")
    db.session.commit()
    assert calendars(SKY, "meeting_cancelled") == []  # Sky had already left
    method, cal, raw = last_calendar(RIVER, "meeting_cancelled")
    master = events(cal)[0]
    assert method == "CANCEL" and master["STATUS"] == "CANCELLED" and "RECURRENCE-ID" not in master
    assert libical_errors(raw) == []


def test_this_and_following_ends_the_old_uid_and_invites_to_the_new_one(client, weekly):
    join_up(client, weekly, SKY, "Sky")
    split_at = occurrences(weekly)[3]
    successor = meetings.split_series(
        weekly,
        split_at,
        series_input(title=weekly.title, language="en", start_date=date(2026, 12, 22), start_time=time(20, 0)),
    )
    db.session.commit()
    found = calendars(SKY, "schedule_changed")
    assert len(found) == 2
    uids = {}
    for _kind, method, raw in found:
        assert method == "REQUEST" and libical_errors(raw) == []
        master = events(Calendar.from_ical(raw))[0]
        uids[str(master["UID"])] = master
    assert "UNTIL=20261222T175959Z" in uids[weekly.uid]["RRULE"].to_ical().decode()
    assert uids[successor.uid]["DTSTART"].dt.replace(tzinfo=None) == datetime(2026, 12, 22, 20, 0)
    by_series = {r.series_id: r for r in _rsvps(SKY)}
    assert set(by_series) == {weekly.id, successor.id}  # Sky stays signed up for the continuation
    assert {s.occurrence.series_id for s in by_series[successor.id].seats} == {successor.id}
    assert all(s.occurrence.series_id == weekly.id for s in by_series[weekly.id].seats)


def _rsvps(email: str):  # type: ignore[no-untyped-def]
    from scheduler.participants.models import Participant, Rsvp

    return db.session.scalars(sa.select(Rsvp).join(Participant).where(Participant.email == email)).all()


def test_each_person_sees_only_themselves(client, weekly):
    join_up(client, weekly, SKY, "Sky")
    join_up(client, weekly, RIVER, "River")
    meetings.cancel_occurrence(occurrences(weekly)[0], "Holiday")
    db.session.commit()
    for me, other in ((SKY, RIVER), (RIVER, SKY)):
        for _kind, _method, raw in calendars(me):
            assert other.encode() not in raw and (b"River" if me == SKY else b"CN=Sky") not in raw


@pytest.mark.parametrize("language", ["nl", "bn"])
def test_calendar_titles_follow_the_persons_language(client, weekly, language):
    join_up(client, weekly, SKY, "Sky", language=language)
    _m, cal, _raw = last_calendar(SKY, "rsvp_welcome")
    title = str(events(cal)[0]["SUMMARY"])
    assert title != "Tuesday group" and "ocaine" not in title


def test_only_this_session_gets_a_single_event(client, weekly):
    chosen = occurrences(weekly)[2]
    join_up(client, weekly, SKY, "Sky", scope="occurrence", occurrence_id=str(chosen.id))
    _m, cal, raw = last_calendar(SKY, "rsvp_welcome")
    (event,) = events(cal)
    assert "RRULE" not in event and event["DTSTART"].dt.astimezone(UTC) == chosen.start
    meetings.cancel_occurrence(occurrences(weekly)[0], "Holiday")  # not Sky's session: no email
    db.session.commit()
    assert calendars(SKY, "session_cancelled") == []
    meetings.cancel_occurrence(chosen, "Holiday")
    db.session.commit()
    method, cal, raw = last_calendar(SKY, "session_cancelled")
    assert method == "CANCEL" and events(cal)[0]["UID"] == event["UID"] and libical_errors(raw) == []


def test_the_invite_email_arrives_with_the_layout_calendar_clients_act_on(app, client, weekly):
    from scheduler.notifications import sender
    from tests.notifications.smtp_server import SmtpSink

    join_up(client, weekly, SKY, "Sky")
    sink = SmtpSink().start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port, MAIL_SUPPRESS_SEND=False)
        while sender.send_due():
            pass
        welcome = next(r.message for r in sink.received if r.message["Subject"] == "You are signed up")
    finally:
        sink.stop()
    assert welcome.get_content_type() == "multipart/mixed"
    alternative, attachment = welcome.get_payload()
    assert [p.get_content_type() for p in alternative.get_payload()] == ["text/plain", "text/html", "text/calendar"]
    calendar_part = alternative.get_payload()[2]
    assert calendar_part.get_param("method") == "REQUEST"
    decoded = calendar_part.get_payload(decode=True)
    assert b"\n" not in decoded.replace(b"\r\n", b"") and b"METHOD:REQUEST" in decoded
    assert attachment.get_content_type() == "application/ics" and attachment.get_filename() == "invite.ics"
    assert welcome["From"].addresses[0].display_name == "Meeting notices"  # discreet sender name
    assert libical_errors(decoded) == []


def test_no_reminders_carries_over_to_the_continuation_of_a_split_meeting(client, weekly):
    from scheduler.notifications import optouts
    from scheduler.participants.models import Participant

    join_up(client, weekly, SKY, "Sky")
    sky = db.session.scalar(sa.select(Participant).where(Participant.email == SKY))
    optouts.turn_off(sky.id, weekly.id)
    db.session.commit()
    successor = meetings.split_series(
        weekly, occurrences(weekly)[3], series_input(title=weekly.title, language="en", start_date=date(2026, 12, 22))
    )
    db.session.commit()
    assert optouts.is_off(sky.id, successor.id)
