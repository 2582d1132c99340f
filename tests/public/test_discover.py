"""Finding what is coming: upcoming webinars and one-off sessions at any distance, what starts soon, and a
case-insensitive search over titles and groups (Bengali, Indonesian, Dutch), in constant queries."""

from __future__ import annotations

from datetime import date, time, timedelta

from scheduler.extensions import db
from scheduler.meetings.models import Group
from scheduler.meetings.recurrence import RecurrenceRule
from scheduler.public.queries import PAGE_SIZE
from tests.factories import create_group, create_series
from tests.public.test_schedule_scale import add_daily_meetings
from tests.statements import count_queries

ENGLISH = {"Accept-Language": "en"}


def get(client, path: str) -> str:
    db.session.expunge_all()
    response = client.get(path, headers=ENGLISH)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def recovery_day(group, **overrides):
    values = {
        "title": "International Recovery Day webinar",
        "kind": "webinar",
        "rule": RecurrenceRule("once"),
        "start_date": date(2027, 9, 30),  # ten months ahead: beyond the schedule's 60 days
        "start_time": time(15, 0),
        "language": "en",
    } | overrides
    return create_series(group, **values)


def test_a_webinar_a_year_ahead_is_listed_and_found(client, frozen_now):
    group = create_group(name="Recovery network", language="en")
    recovery_day(group)
    create_series(group, title="Weekly circle")  # a standing weekly meeting is on the schedule, not here
    assert "International Recovery Day" not in get(client, "/?days=60")
    events = get(client, "/events")
    assert "International Recovery Day webinar" in events and "Weekly circle" not in events
    assert "Thursday, September 30, 2027" in events or "September 30, 2027" in events
    for query in ("recovery%20day", "RECOVERY%20DAY", "Recovery%20Network", "webinar"):
        assert "International Recovery Day webinar" in get(client, f"/events?q={query}"), query
    assert "Weekly circle" in get(client, "/events?q=WEEKLY")  # search covers every meeting
    assert "International Recovery Day" not in get(client, "/events?q=bipolar")
    assert "International Recovery Day" not in get(client, "/events?kind=peer_support")
    assert "International Recovery Day" in get(client, "/events?kind=webinar&language=en")
    assert "International Recovery Day" not in get(client, "/events?language=bn")
    note = get(client, "/events?topic=nonsense")
    assert "We did not recognise the chosen topic" in note and "International Recovery Day" in note


def test_search_is_case_insensitive_in_bengali_indonesian_and_dutch_and_escapes_wildcards(client, frozen_now):
    dhaka = create_group(name="ঢাকা সহায়তা দল", language="bn", timezone="Asia/Dhaka")
    jakarta = create_group(name="Kelompok Jakarta", language="id", timezone="Asia/Jakarta")
    amsterdam = create_group(name="Herstelgroep Amsterdam", language="nl")
    create_series(dhaka, title="মঙ্গলবার সন্ধ্যার দল", language="bn", timezone="Asia/Dhaka")
    create_series(jakarta, title="Dukungan Sebaya Malam", language="id", timezone="Asia/Jakarta")
    create_series(amsterdam, title="Avondgroep Herstel", language="nl")
    create_series(amsterdam, title="100% herstel_week", language="nl")
    assert "মঙ্গলবার সন্ধ্যার দল" in get(client, "/events?q=সন্ধ্যার")
    assert "মঙ্গলবার সন্ধ্যার দল" in get(client, "/events?q=ঢাকা")  # the group's name
    assert "Dukungan Sebaya Malam" in get(client, "/events?q=DUKUNGAN%20sebaya")
    assert "Dukungan Sebaya Malam" in get(client, "/events?q=jakarta")
    assert "Avondgroep Herstel" in get(client, "/events?q=avondGROEP")
    wildcard = get(client, "/events?q=%25")  # "%" matches only a literal percent sign
    assert "100% herstel_week" in wildcard and "Avondgroep" not in wildcard
    underscore = get(client, "/events?q=l_w")
    assert "100% herstel_week" in underscore and "Avondgroep" not in underscore
    assert get(client, "/events?q=" + "x" * 5000)  # long input is cut, not an error


def test_starting_soon_shows_sessions_in_progress_and_within_two_hours(client, frozen_now):
    group = create_group(name="Now group", language="en", timezone="UTC")
    once = RecurrenceRule("once")
    day = frozen_now.date()
    create_series(group, title="Going on", rule=once, start_date=day, start_time=time(9, 30), timezone="UTC")
    create_series(group, title="Starting at eleven", rule=once, start_date=day, start_time=time(11, 0), timezone="UTC")
    create_series(group, title="Later today", rule=once, start_date=day, start_time=time(15, 0), timezone="UTC")
    create_series(
        group, title="Already over", rule=once, start_date=day, start_time=time(7, 0), timezone="UTC",
        duration_minutes=60,
    )  # fmt: skip
    page = get(client, "/now")
    assert "Going on" in page and "Going on now" in page and "Starting at eleven" in page
    assert "Later today" not in page and "Already over" not in page
    assert "Starting at eleven" not in get(client, "/now?q=going")


def test_a_large_network_costs_the_same_queries_and_one_page(client, frozen_now):
    group = create_group(name="Webinar host", language="en")
    group_id = group.id
    for n in range(3):
        recovery_day(group, title=f"Webinar {n}", start_date=date(2027, 1, 10) + timedelta(days=n))
    db.session.expunge_all()
    with count_queries() as few:
        get(client, "/events")
    with count_queries() as few_search:
        get(client, "/events?q=network")
    with count_queries() as few_soon:
        get(client, "/now")
    add_daily_meetings(60)  # thousands of sessions over the coming months
    group = db.session.get(Group, group_id)
    for n in range(3, 3 + PAGE_SIZE + 5):
        recovery_day(group, title=f"Webinar {n}", start_date=date(2027, 1, 10) + timedelta(days=n))
    db.session.expunge_all()
    with count_queries() as many:
        first = get(client, "/events")
    with count_queries() as many_search:
        found = get(client, "/events?q=network")
    with count_queries() as many_soon:
        soon = get(client, "/now")
    assert len(few) == len(many) <= 2, many
    assert len(few_search) == len(many_search) <= 2
    assert len(few_soon) == len(many_soon) <= 2
    assert first.count('<h3><a href="/meetings/') == PAGE_SIZE and 'rel="next"' in first
    assert "Network meeting" not in first  # daily meetings are on the schedule, not among the events
    assert found.count('<h3><a href="/meetings/') == PAGE_SIZE and "Network meeting" in found
    assert "?q=network&amp;page=2" in found
    for body in (first, found, soon):
        assert len(body.encode()) < 100_000
    second = get(client, "/events?page=2")
    assert ('rel="prev"' in second and "Webinar 45" in second) or "Webinar 47" in second


def test_an_unchanged_events_page_is_answered_with_304(client, frozen_now):
    recovery_day(create_group(language="en"))
    first = client.get("/events", headers=ENGLISH)
    with count_queries() as statements:
        again = client.get("/events", headers={**ENGLISH, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and len(statements) == 1
