"""Feeds cost the same number of queries whatever the number of meetings, and a poll of an unchanged feed
answers 304 from a cheap version check without building the calendar."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from scheduler.extensions import db
from scheduler.meetings.models import Occurrence
from scheduler.meetings.recurrence import RecurrenceRule
from scheduler.public import feeds
from tests.factories import create_series
from tests.participants.conftest import ENGLISH, join_up, rsvp_of
from tests.statements import count_queries

FEED_LINK = r'value="http://[^"]+/feed/([A-Za-z0-9_-]+)\.ics"'


def add_meetings(group, n: int, sessions: int = 6) -> list:
    made = [
        create_series(group, title=f"Meeting {i}", rule=RecurrenceRule("weekly", weekdays=(i % 7,), count=sessions))
        for i in range(n)
    ]
    db.session.expire_all()
    return made


def feed_queries(client, path: str, **headers: str) -> tuple[int, int, bytes]:
    db.session.expire_all()
    with count_queries() as statements:
        response = client.get(path, headers=headers)
    return response.status_code, len(statements), response.get_data()


def test_group_feed_queries_do_not_grow_with_meetings(client, group):
    add_meetings(group, 3)
    status, few, body = feed_queries(client, f"/groups/{group.slug}/calendar.ics")
    assert status == 200 and len(Calendar.from_ical(body).walk("VEVENT")) == 3
    add_meetings(group, 97)
    status, many, body = feed_queries(client, f"/groups/{group.slug}/calendar.ics")
    assert status == 200 and len(Calendar.from_ical(body).walk("VEVENT")) == 100
    assert many == few <= 6


def test_an_unchanged_group_feed_answers_304_without_building(client, group, monkeypatch):
    add_meetings(group, 20)
    first = client.get(f"/groups/{group.slug}/calendar.ics")
    monkeypatch.setattr(feeds.ics, "publish_feed", lambda *a, **k: pytest.fail("built the body for a 304"))
    status, queries, body = feed_queries(
        client, f"/groups/{group.slug}/calendar.ics", **{"If-None-Match": first.headers["ETag"]}
    )
    assert status == 304 and body == b"" and queries <= 2


def test_personal_feed_queries_do_not_grow_with_meetings(client, group):
    import re

    meetings = add_meetings(group, 6)
    manage = join_up(client, meetings[0], "sky@example.org", "Sky")
    secret = re.search(FEED_LINK, client.post(f"{manage}/feed", headers=ENGLISH).get_data(as_text=True)).group(1)
    path = f"/feed/{secret}.ics"
    status, few, body = feed_queries(client, path)
    assert status == 200 and len(Calendar.from_ical(body).walk("VEVENT")) == 6
    for series in meetings[1:]:
        join_up(client, series, "sky@example.org", "Sky")
    status, many, body = feed_queries(client, path)
    assert status == 200 and len(Calendar.from_ical(body).walk("VEVENT")) == 36
    assert many == few
    etag = client.get(path).headers["ETag"]
    status, cheap, _body = feed_queries(client, path, **{"If-None-Match": etag})
    assert status == 304 and cheap < many


def test_an_empty_personal_feed_is_a_valid_calendar(client, weekly):
    import re

    manage = join_up(client, weekly, "sky@example.org", "Sky")
    secret = re.search(FEED_LINK, client.post(f"{manage}/feed", headers=ENGLISH).get_data(as_text=True)).group(1)
    client.post(f"{manage}/meetings/{rsvp_of('sky@example.org').id}/leave", headers=ENGLISH)
    body = client.get(f"/feed/{secret}.ics").get_data()
    cal = Calendar.from_ical(body)
    assert not cal.walk("VEVENT") and cal.subcomponents, body  # RFC 5545 3.6: at least one component
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/Amsterdam"


def test_personal_feed_queries_stay_few_on_a_large_network(client, group):
    """Thousands of sessions in the network, hundreds of them the person's: the same few statements."""
    import re

    meetings = [
        create_series(group, title=f"Meeting {i}", rule=RecurrenceRule("weekly", weekdays=(i % 7,))) for i in range(40)
    ]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Occurrence)) > 2000
    manage = join_up(client, meetings[0], "sky@example.org", "Sky")
    secret = re.search(FEED_LINK, client.post(f"{manage}/feed", headers=ENGLISH).get_data(as_text=True)).group(1)
    path = f"/feed/{secret}.ics"
    status, few, body = feed_queries(client, path)
    assert status == 200 and len(Calendar.from_ical(body).walk("VEVENT")) > 50
    for series in meetings[1:8]:
        join_up(client, series, "sky@example.org", "Sky")
    status, many, body = feed_queries(client, path)
    assert status == 200 and len(Calendar.from_ical(body).walk("VEVENT")) > 400
    assert many == few <= 4
