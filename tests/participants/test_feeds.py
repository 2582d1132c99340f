"""Calendar subscriptions: a public feed per group and a revocable personal feed per participant."""

from __future__ import annotations

import re
from datetime import timedelta

from icalendar import Calendar

from scheduler import clock
from scheduler.extensions import db
from scheduler.meetings import services as meetings
from tests.factories import create_series
from tests.participants.conftest import ENGLISH, join_up, occurrences

FEED_LINK = re.compile(r'value="(http://[^"]+/feed/([A-Za-z0-9_-]+)\.ics)"')


def test_group_feed_is_a_publish_calendar_without_personal_links(client, weekly, group):
    create_series(group, title="Draft meeting", status="draft")
    response = client.get(f"/groups/{group.slug}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    raw = response.get_data()
    assert (
        b"METHOD:PUBLISH" in raw and b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in raw and b"X-PUBLISHED-TTL:PT1H" in raw
    )
    assert b"ATTENDEE" not in raw and b"/j/" not in raw and b"Draft meeting" not in raw
    cal = Calendar.from_ical(raw)
    (event,) = cal.walk("VEVENT")
    assert event["UID"] == weekly.uid and "RRULE" in event
    assert str(event["URL"]).endswith(f"/meetings/{weekly.id}")
    assert client.get("/groups/no-such-group/calendar.ics").status_code == 404


def test_group_feed_answers_conditional_requests_and_changes_with_the_meeting(client, weekly, group):
    first = client.get(f"/groups/{group.slug}/calendar.ics")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get(f"/groups/{group.slug}/calendar.ics", headers={"If-None-Match": etag}).status_code == 304
    assert client.get(f"/groups/{group.slug}/calendar.ics", headers={"If-Modified-Since": modified}).status_code == 304
    with clock.frozen_at(clock.now() + timedelta(minutes=5)):
        meetings.cancel_occurrence(occurrences(weekly)[1], "Holiday")
        db.session.commit()
    changed = client.get(f"/groups/{group.slug}/calendar.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "EXDATE" in Calendar.from_ical(changed.get_data()).walk("VEVENT")[0]


def test_personal_feed_lists_my_sessions_and_can_be_stopped(client, weekly):
    manage = join_up(client, weekly, "sky@example.org", "Sky")
    page = client.post(f"{manage}/feed", headers=ENGLISH).get_data(as_text=True)
    _url, secret = FEED_LINK.search(page).groups()
    assert "webcal://" in page and "calendar.google.com/calendar/r?cid=webcal%3A%2F%2F" in page
    response = client.get(f"/feed/{secret}.ics")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"  # personal: never cached
    events = Calendar.from_ical(response.get_data()).walk("VEVENT")
    assert len(events) == len([o for o in occurrences(weekly)])
    join = str(events[0]["URL"])
    assert f"/feed/{secret}/join/" in join and b"ATTENDEE" not in response.get_data()
    first = occurrences(weekly)[0]
    with clock.frozen_at(first.start - timedelta(minutes=10)):
        assert client.get(join.split("5000", 1)[1]).status_code in {200, 302}
    client.post(f"{manage}/feed/revoke")
    assert client.get(f"/feed/{secret}.ics").status_code == 410
    assert client.get(f"/feed/{secret[:-2]}xx.ics").status_code == 404
