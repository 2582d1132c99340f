"""The manage page: its cost does not grow with the person's meetings, and every seat change it offers is one
the rules accept (the page and `change_seat` use the same rule, `manage.seat_actions`)."""

from __future__ import annotations

import re
from datetime import date, time

from scheduler.extensions import db
from scheduler.meetings.recurrence import RecurrenceRule
from tests.factories import create_series
from tests.participants.conftest import ENGLISH, join_up, one_off, person
from tests.statements import count_queries

SEAT_FORM = re.compile(
    r'action="(/manage/[^"]+/seats/\d+)"[^>]*>\s*<input[^>]+>\s*<input type="hidden" name="action" value="(\w+)"'
)


def weekly_meetings(group, n: int, prefix: str):
    return [
        create_series(
            group,
            title=f"{prefix} meeting {i}",
            language="en",
            rule=RecurrenceRule("weekly", count=3),
            start_date=date(2026, 12, 1 + i % 7),
            start_time=time(8 + i % 12, 0),
        )
        for i in range(n)
    ]


def manage_statements(client, path: str) -> int:
    with count_queries() as statements:
        response = client.get(path, headers=ENGLISH)
    assert response.status_code == 200
    return len(statements)


def test_the_manage_page_runs_as_many_statements_for_30_meetings_as_for_2(app, group):
    few = join_up(app.test_client(), weekly_meetings(group, 1, "Few")[0], "few@example.org", "Few")
    many_series = weekly_meetings(group, 30, "Many")
    client = app.test_client()
    for series in many_series:
        many = join_up(client, series, "many@example.org", "Many")
    join_up(app.test_client(), weekly_meetings(group, 1, "Second")[0], "few@example.org", "Few")
    db.session.expire_all()
    # a mix of seat states and switches, so every branch of the page is drawn
    client.post(f"{many}/meetings/{person('many@example.org').rsvps[0].id}/reminders", data={"reminders": "off"})
    for path in (few, many):
        app.test_client().post(f"{path}/streak", data={"show": "on"})

    cost_few = manage_statements(app.test_client(), few)
    cost_many = manage_statements(client, many)

    page = client.get(many, headers=ENGLISH).get_data(as_text=True)
    assert all(f"Many meeting {i}<" in page for i in range(30))
    assert "Reminders are off for this meeting." in page and "Your attendance" in page
    assert cost_many == cost_few, (cost_few, cost_many)


def test_every_seat_change_the_page_offers_is_accepted(app, group):
    full = one_off(group, capacity=1, title="Small circle")
    sky = join_up(app.test_client(), full, "sky@example.org", "Sky")
    river_client = app.test_client()
    river = join_up(river_client, full, "river@example.org", "River")  # waiting list
    weekly = weekly_meetings(group, 1, "Open")[0]
    join_up(river_client, weekly, "river@example.org", "River")
    sky_client = app.test_client()
    sky_page = sky_client.get(sky, headers=ENGLISH).get_data(as_text=True)
    offered = SEAT_FORM.findall(sky_page)
    assert [action for _path, action in offered] == ["skip"]
    assert sky_client.post(offered[0][0], data={"action": "skip"}).status_code == 303  # the seat goes to River

    page = river_client.get(river, headers=ENGLISH).get_data(as_text=True)
    forms = SEAT_FORM.findall(page)
    assert sorted({action for _path, action in forms}) == ["accept", "decline", "skip"]
    for path, action in forms:
        if action != "decline":  # accepting and declining the same offer: only one can be taken
            assert river_client.post(path, data={"action": action}).status_code == 303, action
    db.session.expire_all()
    assert not any(a == "accept" for _p, a in SEAT_FORM.findall(river_client.get(river).get_data(as_text=True)))
