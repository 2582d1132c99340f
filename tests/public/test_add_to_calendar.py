"""Before signing up: a meeting into one's calendar (.ics, Google Calendar, Outlook.com) and a link to share,
none of them with a join link or anything personal."""

from __future__ import annotations

import re
from datetime import date, time
from urllib.parse import parse_qs, urlsplit

import icalendar

from scheduler.extensions import db
from scheduler.meetings.recurrence import RecurrenceRule
from tests.factories import create_group, create_series
from tests.participants.conftest import join_up

ENGLISH = {"Accept-Language": "en"}


def _links(html: str) -> dict[str, str]:
    found = {}
    for href in re.findall(r'href="([^"]+)"', html.replace("&amp;", "&")):
        if href.startswith("https://calendar.google.com/"):
            found["google"] = href
        elif href.startswith("https://outlook.live.com/"):
            found["outlook"] = href
        elif href.endswith("/calendar.ics"):
            found["ics"] = href
    return found


def test_a_weekly_meeting_goes_into_any_calendar_without_a_join_link(app, client, frozen_now):
    group = create_group(name="Dhaka circle", language="en", timezone="Asia/Dhaka", discreet=False)
    series = create_series(
        group, title="Tuesday evening group", timezone="Asia/Dhaka", language="en",
        start_date=date(2026, 11, 24), start_time=time(20, 0), description="A calm hour together.",
    )  # fmt: skip
    series_id = series.id
    join_up(app.test_client(), series, "sky@example.org", "Sky")  # someone has a join link; it must not leak
    db.session.expunge_all()
    page = client.get(f"/meetings/{series_id}", headers=ENGLISH).get_data(as_text=True)
    links = _links(page)
    assert set(links) == {"google", "outlook", "ics"}
    assert "Outlook.com links hold one session only" in page
    assert "data-share-button hidden" in page
    assert re.search(f'readonly value="https?://[^"]+/meetings/{series_id}"', page)

    google = parse_qs(urlsplit(links["google"]).query)
    assert google["recur"] == ["RRULE:FREQ=WEEKLY;BYDAY=TU"] and google["ctz"] == ["Asia/Dhaka"]
    assert google["dates"] == ["20261124T200000/20261124T213000"] and google["text"] == ["Tuesday evening group"]
    outlook = parse_qs(urlsplit(links["outlook"]).query)
    assert outlook["startdt"] == ["2026-11-24T14:00:00Z"] and outlook["rru"] == ["addevent"]  # the next session

    response = client.get(links["ics"])
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = icalendar.Calendar.from_ical(response.get_data())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Tuesday evening group"
    assert "FREQ=WEEKLY" in event["RRULE"].to_ical().decode()
    assert "ATTENDEE" not in event and "ORGANIZER" not in event
    body = response.get_data(as_text=True)
    for link in (*links.values(), body):
        assert "/j/" not in link and "sky@example.org" not in link and "Sky" not in link and "/manage/" not in link
    assert f"/meetings/{series_id}" in str(event["URL"])
    again = client.get(links["ics"], headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_a_discreet_group_gets_a_neutral_title_and_no_description(client, frozen_now):
    group = create_group(name="Cocaine recovery", language="en", discreet=True)
    series = create_series(
        group, title="Cocaine recovery evening", language="en", rule=RecurrenceRule("once"),
        start_date=date(2026, 12, 1), description="For people who use cocaine.",
    )  # fmt: skip
    body = client.get(f"/meetings/{series.id}/calendar.ics").get_data(as_text=True)
    assert "ocaine" not in body
    page = client.get(f"/meetings/{series.id}", headers=ENGLISH).get_data(as_text=True)
    google = parse_qs(urlsplit(_links(page)["google"]).query)
    assert "recur" not in google and "ocaine" not in google["text"][0] and "ocaine" not in google["details"][0]
    assert "Outlook.com links hold one session only" not in page  # a single session: nothing to explain
    assert client.get("/meetings/99999/calendar.ics").status_code == 404


def test_after_signing_up_the_manage_page_offers_the_same_links(app, frozen_now):
    group = create_group(name="Jakarta circle", language="id", timezone="Asia/Jakarta", discreet=False)
    series = create_series(group, title="Dukungan Sebaya", timezone="Asia/Jakarta", language="id")
    series_id = series.id
    manage = join_up(app.test_client(), series, "budi@example.org", "Budi")
    page = app.test_client().get(manage, headers=ENGLISH).get_data(as_text=True)
    links = _links(page)
    assert set(links) == {"google", "outlook", "ics"} and links["ics"] == f"/meetings/{series_id}/calendar.ics"
    assert "not your join link" in page
    for link in (links["google"], links["outlook"]):
        assert "/j/" not in link and "/manage/" not in link and "budi" not in link.lower()


def test_someone_signed_up_for_one_session_gets_that_session_only(app, frozen_now):
    group = create_group(name="Amsterdam peers", language="en", discreet=False)
    series = create_series(group, title="Tuesday peers", language="en")
    first = min(series.occurrences, key=lambda o: o.start)
    second = sorted(series.occurrences, key=lambda o: o.start)[1]
    manage = join_up(
        app.test_client(), series, "ana@example.org", "Ana", scope="occurrence", occurrence_id=str(second.id)
    )
    page = app.test_client().get(manage, headers=ENGLISH).get_data(as_text=True)
    google = parse_qs(urlsplit(_links(page)["google"]).query)
    assert "recur" not in google and google["dates"][0].startswith(f"{second.start:%Y%m%d}")
    assert first.start != second.start
