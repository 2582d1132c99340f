"""The Meeting Guide feed a recovery-meeting directory imports."""

from __future__ import annotations

from datetime import date, time

from scheduler.meetings.recurrence import RecurrenceRule
from tests.factories import create_group, create_series


def test_weekly_published_meetings_in_meeting_guide_format(client, frozen_now):
    group = create_group(name="Dhaka Recovery Network", slug="dhaka", timezone="Asia/Dhaka", language="bn")
    weekly = create_series(
        group,
        title="Tuesday evening group",
        timezone="Asia/Dhaka",
        language="bn",
        start_time=time(20, 0),
        rule=RecurrenceRule(freq="weekly", weekdays=(1, 3)),
        description="Peer support.",
    )
    create_series(group, title="Draft", status="draft")
    create_series(group, title="Eight weeks", rule=RecurrenceRule(freq="weekly", weekdays=(1,), count=8))
    create_series(
        group,
        title="Monthly",
        rule=RecurrenceRule(freq="monthly", monthly_mode="weekday", monthly_nth=1, monthly_weekday=6),
    )
    create_series(group, title="One-off", rule=RecurrenceRule(freq="once"), start_date=date(2026, 12, 5))
    hidden = create_group(slug="hidden", visibility="unlisted")
    create_series(hidden, title="Unlisted")

    response = client.get("/feeds/meeting-guide.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    entries = response.get_json()
    assert [e["name"] for e in entries] == ["Tuesday evening group"]
    entry = entries[0]
    assert entry["slug"] == f"dhaka-{weekly.id}"
    assert entry["day"] == [2, 4]  # Tuesday and Thursday, counted from Sunday = 0
    assert (entry["time"], entry["end_time"], entry["timezone"]) == ("20:00", "21:30", "Asia/Dhaka")
    assert entry["types"] == ["O", "ONL", "BN"]
    assert entry["attendance_option"] == "online" and entry["group"] == "Dhaka Recovery Network"
    assert entry["url"].endswith(f"/meetings/{weekly.id}#rsvp") and "conference_url" not in entry
    assert entry["notes"].startswith("Peer support.")
    assert len(entry["updated"]) == 19 and entry["updated"][4] == "-"
