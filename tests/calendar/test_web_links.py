"""The "add event" links for web calendars: pure functions, tested without an app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest

from scheduler.calendar import web_links


def test_google_takes_wall_times_the_zone_and_the_rule():
    url = web_links.google_url(
        title="মঙ্গলবার সন্ধ্যার দল",
        details="x" * 5000,
        local_start=datetime(2026, 12, 1, 20, 0),
        local_end=datetime(2026, 12, 1, 21, 30),
        tzid="Asia/Dhaka",
        rrule="FREQ=WEEKLY;BYDAY=TU",
    )
    query = parse_qs(urlsplit(url).query)
    assert url.startswith("https://calendar.google.com/calendar/render?")
    assert query["text"] == ["মঙ্গলবার সন্ধ্যার দল"] and query["ctz"] == ["Asia/Dhaka"]
    assert query["dates"] == ["20261201T200000/20261201T213000"] and query["recur"] == ["RRULE:FREQ=WEEKLY;BYDAY=TU"]
    assert len(query["details"][0]) == 1000  # a link carries a short text
    with pytest.raises(ValueError):
        web_links.google_url(
            title="t", details="", local_start=datetime(2026, 12, 1, tzinfo=UTC), local_end=datetime(2026, 12, 1),
            tzid="UTC",
        )  # fmt: skip


def test_outlook_holds_one_event_in_utc():
    dhaka = timezone(timedelta(hours=6))
    url = web_links.outlook_url(
        title="Tuesday group",
        details="Sign up: https://example.org/meetings/1",
        start=datetime(2026, 12, 1, 20, 0, tzinfo=dhaka),
        end=datetime(2026, 12, 1, 21, 30, tzinfo=dhaka),
    )
    query = parse_qs(urlsplit(url).query)
    assert query["startdt"] == ["2026-12-01T14:00:00Z"] and query["enddt"] == ["2026-12-01T15:30:00Z"]
    assert query["rru"] == ["addevent"] and "recur" not in query
    with pytest.raises(ValueError):
        web_links.outlook_url(title="t", details="", start=datetime(2026, 12, 1), end=datetime(2026, 12, 1))
