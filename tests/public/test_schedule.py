"""The public schedule: what is listed, in which zones, filters, and a constant number of queries."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from scheduler import clock
from scheduler.extensions import db
from scheduler.meetings import services
from scheduler.meetings.recurrence import RecurrenceRule
from tests.factories import create_group, create_series
from tests.statements import count_queries

DUTCH = {"Accept-Language": "nl"}  # Dutch page: 24-hour clock and Dutch words
WEEKLY_TUESDAY = RecurrenceRule(freq="weekly", weekdays=(1,))


def dhaka_group(**overrides):
    values = {"timezone": "Asia/Dhaka", "language": "bn", "topic": "addiction"} | overrides
    return create_group(**values)


def dhaka_meeting(group, **overrides):
    values = {
        "title": "Tuesday evening group",
        "timezone": "Asia/Dhaka",
        "language": "bn",
        "start_date": date(2026, 11, 24),
        "start_time": time(20, 0),
        "rule": WEEKLY_TUESDAY,
    } | overrides
    return create_series(group, **values)


def get_schedule(client, query: str = "", headers=None):
    db.session.expunge_all()
    response = client.get(f"/{query}", headers=headers or {})
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_lists_published_meetings_of_public_groups_only(client, frozen_now):
    public = create_group(name="Amsterdam peers")
    create_series(public, title="Published meeting")
    create_series(public, title="Draft meeting", status="draft")
    create_series(public, title="Far future meeting", start_date=date(2027, 3, 2))
    unlisted = create_group(name="Hidden group", visibility="unlisted")
    create_series(unlisted, title="Unlisted meeting")

    html = get_schedule(client)

    assert "Published meeting" in html
    assert "Amsterdam peers" in html
    for absent in ("Draft meeting", "Unlisted meeting", "Hidden group", "Far future meeting"):
        assert absent not in html
    assert "Published meeting" in get_schedule(client, "?days=60&topic=&kind=")  # empty values mean "any"


def test_period_is_capped_at_sixty_days(client, frozen_now):
    group = create_group()
    create_series(group, title="In seven weeks", start_date=date(2027, 1, 12), rule=RecurrenceRule("once"))
    create_series(group, title="In three months", start_date=date(2027, 2, 23), rule=RecurrenceRule("once"))

    assert "In seven weeks" not in get_schedule(client)
    html = get_schedule(client, "?days=60")
    assert "In seven weeks" in html
    assert "In three months" not in html


def test_dhaka_meeting_in_amsterdam_winter_time(client, frozen_now):
    dhaka_meeting(dhaka_group())
    client.set_cookie("tz", "Europe/Amsterdam")

    html = get_schedule(client, headers=DUTCH)

    assert "di 24 nov, 15:00 (jouw tijd) · 20:00 in Dhaka" in html
    assert "dinsdag 24 november 2026" in html  # grouped under the visitor's day


def test_dhaka_meeting_in_amsterdam_summer_time(client):
    with clock.frozen_at(datetime(2027, 6, 20, 10, 0, tzinfo=UTC)):
        dhaka_meeting(dhaka_group(), start_date=date(2027, 6, 22))
        client.set_cookie("tz", "Europe/Amsterdam")
        html = get_schedule(client, headers=DUTCH)

    assert "16:00 (jouw tijd) · 20:00 in Dhaka" in html


def test_english_visitor_sees_twelve_hour_clock_and_one_zone_when_it_is_the_same(client, frozen_now):
    dhaka_meeting(dhaka_group())
    client.set_cookie("tz", "Asia/Dhaka")

    html = get_schedule(client, headers={"Accept-Language": "en"})

    assert "Tue, Nov 24, 8:00\u202fPM in Dhaka" in html
    assert "(your time) ·" not in html


def test_weekday_filter_uses_the_visitors_zone(client, frozen_now):
    # 02:00 on Wednesday in Dhaka is 21:00 on Tuesday in Amsterdam.
    dhaka_meeting(
        dhaka_group(),
        title="Early morning group",
        start_date=date(2026, 11, 25),
        start_time=time(2, 0),
        rule=RecurrenceRule("weekly", weekdays=(2,)),
    )
    client.set_cookie("tz", "Europe/Amsterdam")

    html = get_schedule(client, "?weekday=1", headers={"Accept-Language": "en"})
    assert "Early morning group" in html
    assert "Tuesday, November 24, 2026</h2>" in html
    assert "Tue, Nov 24, 9:00\u202fPM (your time) · Wed, Nov 25, 2:00\u202fAM in Dhaka" in html
    assert "Early morning group" not in get_schedule(client, "?weekday=2")
    client.set_cookie("tz", "Asia/Dhaka")
    assert "Early morning group" in get_schedule(client, "?weekday=2")
    assert "Early morning group" not in get_schedule(client, "?weekday=1")


def test_topic_language_and_kind_filters(client, frozen_now):
    dhaka_meeting(dhaka_group(), title="Bengali recovery")
    jakarta = create_group(timezone="Asia/Jakarta", language="id", topic="depression")
    create_series(
        jakarta,
        title="Indonesian CBT",
        kind="therapist_led",
        timezone="Asia/Jakarta",
        language="id",
        capacity=12,
        access="closed",
    )

    html = get_schedule(client, "?topic=depression")
    assert "Indonesian CBT" in html and "Bengali recovery" not in html
    html = get_schedule(client, "?language=bn")
    assert "Bengali recovery" in html and "Indonesian CBT" not in html
    html = get_schedule(client, "?kind=therapist_led")
    assert "Indonesian CBT" in html and "Bengali recovery" not in html
    assert "12 seats" in html
    assert "Closed: the host reviews each request" in html
    html = get_schedule(client, "?kind=therapist_led&language=bn")
    assert "No meetings match these filters in the next 14 days." in html


def test_filters_have_labels_and_a_time_zone_selector(client, frozen_now):
    html = get_schedule(client)
    for label in ("Topic", "Language", "Kind of meeting", "Day of the week (your time)", "Your time zone"):
        assert f">{label}</label>" in html
    assert '<select id="your-timezone" name="tz"' in html
    assert re.search(r'<option value="Asia/Jakarta">Jakarta \(Indonesia\) — \d', html)
    assert 'action="/timezone"' in html


def test_unknown_filter_values_are_ignored_with_a_note(client, frozen_now):
    create_series(create_group(), title="Still listed")
    html = get_schedule(client, "?topic=gardening&language=xx&kind=%3Cscript%3E&weekday=9&days=abc")
    assert "Still listed" in html
    assert "We did not recognise the chosen topic" in html
    assert "We did not recognise the chosen language" in html
    assert "We did not recognise the chosen kind of meeting" in html
    assert "We did not recognise the chosen day of the week" in html
    assert "so the next 14 days are shown" in html
    assert "<script>" not in html
    assert "so the next 60 days are shown" in get_schedule(client, "?days=100000")
    assert "so the next 14 days are shown" in get_schedule(client, "?days=-3")
    assert "so the next 14 days are shown" in get_schedule(client, "?days=%C2%B2&weekday=%C2%B2")
    assert "so the next 14 days are shown" in get_schedule(client, "?days=" + "9" * 5000)


def test_cancelled_session_stays_listed_with_its_reason(client, frozen_now):
    series = create_series(create_group(), title="Evening group")
    services.cancel_occurrence(series.occurrences[0], "Public <holiday>")
    db.session.commit()

    html = get_schedule(client)

    assert "Evening group" in html
    assert "Reason: Public &lt;holiday&gt;" in html
    assert html.count(">Cancelled<") == 1 and "Cancelled: " not in html  # one status word, said once


def test_html_in_titles_and_names_is_escaped(client, frozen_now):
    create_series(create_group(name="<i>Group</i>"), title="<script>alert(1)</script>")
    html = get_schedule(client)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;i&gt;Group&lt;/i&gt;" in html
    assert "<script>alert" not in html


def test_no_video_link_on_the_schedule(client, frozen_now):
    create_series(
        create_group(),
        video_provider="custom",
        video_custom_url="https://video.example/secret-room",
        video_custom_notes="PIN 4321",
    )
    html = get_schedule(client)
    assert "secret-room" not in html and "4321" not in html


def add_meetings(n: int, start: int = 0) -> None:
    kinds = ("peer_support", "therapist_led", "family", "webinar")
    for i in range(start, start + n):
        group = create_group(name=f"Group {i}", timezone="Asia/Dhaka" if i % 2 else "Europe/Amsterdam")
        kind = kinds[i % 4]
        speakers = (services.SpeakerInput(f"Moderator {i}", "moderator"), services.SpeakerInput(f"Speaker {i}"))
        create_series(
            group,
            title=f"Meeting {i}",
            kind=kind,
            capacity=10 + i,
            speakers=speakers if kind == "webinar" else (),
            rule=RecurrenceRule("daily"),
        )


def test_schedule_issues_a_constant_number_of_queries(client, frozen_now):
    client.set_cookie("tz", "Europe/Amsterdam")
    add_meetings(1)
    db.session.expunge_all()
    with count_queries() as one:
        html = get_schedule(client)
    assert html.count('class="meeting-list"') >= 1

    add_meetings(29, start=1)
    db.session.expunge_all()
    with count_queries() as thirty:
        html = get_schedule(client)
    assert "Meeting 29" in html and "Speaker" not in html

    assert len(one) == len(thirty), (one, thirty)
    assert len(thirty) <= 3
