"""Pure: single occurrences at wall times that do not exist or happen twice, and empty feeds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from scheduler.calendar import ics

PERSON = ics.Person("sky@example.org", "Sky")
STAMP = datetime(2027, 1, 1, tzinfo=UTC)


def weekly_0230(**overrides: object) -> ics.EventSpec:
    values: dict = {
        "uid": "series-1@test",
        "sequence": 3,
        "tzid": "Europe/Amsterdam",
        "local_start": datetime(2027, 3, 14, 2, 30),
        "duration": timedelta(minutes=90),
        "rrule": "FREQ=WEEKLY;BYDAY=SU;COUNT=6",
        "summary": "Night owls",
        "description": "",
        "location": None,
        "url": None,
    }
    values.update(overrides)
    return ics.EventSpec(**values)


def test_a_gap_instance_can_be_cancelled_by_its_rule_value():
    body = ics.cancel_occurrence(weekly_0230(), datetime(2027, 3, 28, 2, 30), PERSON, PERSON, STAMP)
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    assert event["RECURRENCE-ID"].to_ical() == b"20270328T023000"
    assert event["DTSTART"].dt == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)  # RFC 5545's reading, in UTC


def test_gap_and_overlap_overrides_are_written_as_instants():
    gap = ics.OccurrenceOverride(
        datetime(2027, 3, 28, 2, 30), datetime(2027, 3, 28, 1, 30, tzinfo=UTC), datetime(2027, 3, 28, 3, tzinfo=UTC)
    )
    body = ics.request_invite(weekly_0230(overrides=(gap,)), PERSON, PERSON, STAMP)
    text = body.decode()
    assert "RECURRENCE-ID;TZID=Europe/Amsterdam:20270328T023000" in text
    assert "DTSTART:20270328T013000Z" in text and "DTEND:20270328T030000Z" in text


def test_a_master_whose_wall_end_is_in_the_gap_carries_its_exact_length():
    body = ics.request_invite(weekly_0230(local_start=datetime(2027, 3, 28, 1, 0)), PERSON, PERSON, STAMP)
    master = next(e for e in Calendar.from_ical(body).walk("VEVENT") if "RECURRENCE-ID" not in e)
    assert "DTEND" not in master and master["DURATION"].dt == timedelta(minutes=90)


def test_an_empty_feed_is_a_valid_calendar():
    cal = Calendar.from_ical(ics.publish_feed("My meetings", [], STAMP, empty_tzid="Asia/Dhaka"))
    assert cal.subcomponents and not cal.walk("VEVENT")
    assert str(cal.walk("VTIMEZONE")[0]["TZID"]) == "Asia/Dhaka"
