"""The schedule at the size of a national network: bounded pages, constant queries, conditional GETs."""

from __future__ import annotations

from datetime import date, time

from flask_babel import refresh

from scheduler.auth.models import User
from scheduler.extensions import db
from scheduler.meetings import services
from scheduler.meetings.models import Group, Series
from scheduler.meetings.recurrence import RecurrenceRule
from scheduler.public.queries import PAGE_SIZE
from tests.factories import create_group, create_series, create_user
from tests.public.test_schedule import get_schedule
from tests.statements import count_queries

ENGLISH = {"Accept-Language": "en"}


def add_daily_meetings(n: int) -> None:
    groups = [create_group(name=f"Network group {g}") for g in range(5)]
    for i in range(n):
        group = db.session.get(Group, groups[i % 5].id)
        create_series(
            group,
            title=f"Network meeting {i:03d}",
            start_date=date(2026, 11, 23),
            start_time=time(6 + i % 14, 0),
            rule=RecurrenceRule("daily"),
            capacity=12,
        )


def test_a_large_network_is_shown_a_page_at_a_time_in_constant_queries(client, frozen_now):
    client.set_cookie("tz", "Asia/Dhaka")
    add_daily_meetings(3)
    db.session.expunge_all()
    with count_queries() as few:
        get_schedule(client, headers=ENGLISH)
    add_daily_meetings(60)  # 63 daily meetings: about 880 sessions in the next 14 days
    db.session.expunge_all()
    with count_queries() as many:
        first = get_schedule(client, headers=ENGLISH)
    assert len(few) == len(many) <= 2, many
    assert first.count('href="/meetings/') == PAGE_SIZE  # one page, whatever the size of the network
    assert len(first.encode()) < 100_000
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert "Later meetings" in first
    second = get_schedule(client, "?page=2", headers=ENGLISH)
    assert 'rel="prev"' in second and second.count('href="/meetings/') == PAGE_SIZE
    shown_first = {line for line in first.splitlines() if 'href="/meetings/' in line}
    shown_second = {line for line in second.splitlines() if 'href="/meetings/' in line}
    assert shown_first != shown_second
    filtered = get_schedule(client, "?weekday=2&page=2", headers=ENGLISH)
    assert "?weekday=2&amp;page=3" in filtered and "?weekday=2&amp;page=1" in filtered  # filters kept
    assert "Wednesday" in filtered and "Thursday," not in filtered


def test_a_wrong_page_number_shows_the_first_page_with_a_note(client, frozen_now):
    create_series(create_group(), title="Still listed")
    for bad in ("0", "-1", "abc", "99999", "%C2%B2"):
        html = get_schedule(client, f"?page={bad}", headers=ENGLISH)
        assert "Still listed" in html
        assert "We did not recognise the page number, so the first page is shown." in html


def test_an_unchanged_schedule_is_answered_with_304_without_building_it(client, frozen_now):
    series = create_series(create_group(), title="Evening group")
    db.session.expunge_all()
    first = client.get("/", headers=ENGLISH)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and "Evening group" in first.get_data(as_text=True)
    assert {"Accept-Language", "Cookie"} <= set(first.headers["Vary"].replace(" ", "").split(","))
    assert first.headers["Last-Modified"]
    with count_queries() as statements:
        again = client.get("/", headers={**ENGLISH, "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert len(statements) == 1  # the version check only
    since = client.get("/", headers={**ENGLISH, "If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304

    # Another language or zone is another page.
    refresh()  # the suite's requests share one application context, where Flask-Babel keeps the language
    assert client.get("/", headers={"Accept-Language": "nl", "If-None-Match": etag}).status_code == 200
    refresh()
    client.set_cookie("tz", "Asia/Dhaka")
    assert client.get("/", headers={**ENGLISH, "If-None-Match": etag}).status_code == 200
    client.delete_cookie("tz")

    # Any change to what is listed makes a new version: the visitor sees it at once.
    services.cancel_occurrence(db.session.merge(series).occurrences[0], "Holiday")
    db.session.commit()
    changed = client.get("/", headers={**ENGLISH, "If-None-Match": etag})
    assert changed.status_code == 200 and "Reason: Holiday" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != etag


def test_the_time_zone_suggestions_are_short_and_any_zone_still_works(client, frozen_now):
    html = get_schedule(client)
    assert 10 < html.count('<option value="') - html.count('<option value="" ') < 120
    assert '<option value="Asia/Dhaka">' in html and '<option value="Europe/Amsterdam">' in html
    response = client.get("/timezone?tz=America/Argentina/Ushuaia&next=/")
    assert response.status_code == 302 and "tz=America/Argentina/Ushuaia" in response.headers["Set-Cookie"]


def test_the_meeting_page_is_built_once_per_version_and_answered_with_304(client, frozen_now):
    host = create_user(name="Rahima Host")
    host_id = host.id
    series_id = create_series(create_group({host: "counselor"}), title="Evening group", host_id=host.id).id
    db.session.expunge_all()
    first = client.get(f"/meetings/{series_id}", headers=ENGLISH)
    assert first.status_code == 200 and "Host: Rahima" in first.get_data(as_text=True)
    with count_queries() as statements:
        again = client.get(f"/meetings/{series_id}", headers=ENGLISH)
        not_modified = client.get(f"/meetings/{series_id}", headers={**ENGLISH, "If-None-Match": first.headers["ETag"]})
    assert again.get_data() == first.get_data() and not_modified.status_code == 304
    assert len(statements) == 2  # one version check each

    user = db.session.get(User, host_id)
    user.name = "Mira Host"  # a host's new name is shown at once
    db.session.commit()
    assert "Host: Mira" in client.get(f"/meetings/{series_id}", headers=ENGLISH).get_data(as_text=True)
    series = db.session.get(Series, series_id)
    series.title = "Morning group"
    db.session.commit()
    assert "Morning group" in client.get(f"/meetings/{series_id}", headers=ENGLISH).get_data(as_text=True)
    assert client.get("/meetings/999999", headers=ENGLISH).status_code == 404
