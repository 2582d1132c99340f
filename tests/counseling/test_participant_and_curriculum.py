"""Curriculum topics (edited by staff, shown on the participant's page) and the participant's own streak."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from scheduler import clock
from scheduler.counseling import sessions, streaks
from scheduler.counseling.models import Attendance, StreakOptIn
from scheduler.extensions import db
from scheduler.meetings.recurrence import RecurrenceRule
from scheduler.participants import privacy
from tests.counseling.conftest import add_person, login, sessions_of
from tests.factories import create_series
from tests.participants.conftest import ENGLISH, join_up, person


@pytest.fixture
def open_cbt(cbt_group, staff):
    return create_series(
        cbt_group, title="Open CBT course", kind="therapist_led", start_date=date(2026, 11, 24), start_time=time(19, 0),
        timezone="Asia/Jakarta", language="en", rule=RecurrenceRule(freq="weekly", weekdays=(1,), count=8),
        host_id=staff["counselor"].id,
    )  # fmt: skip


def topics_form(series, values: dict[int, str]) -> dict[str, str]:
    data = {}
    for index, (occurrence_id, topic) in enumerate(values.items()):
        data[f"sessions-{index}-occurrence_id"] = str(occurrence_id)
        data[f"sessions-{index}-topic"] = topic
    return data


def test_counselor_sets_topics_and_participants_see_them(client, staff, open_cbt):
    week1, week2, week3 = sessions_of(open_cbt)[:3]
    login(client, staff["counselor"])
    page = client.get(f"/counselor/meetings/{open_cbt.id}/topics").get_data(as_text=True)
    assert page.count('name="sessions-') == 16  # 8 sessions × (id + topic)
    data = topics_form(open_cbt, {week1.id: "Week 1: what is CBT", week3.id: "  Week 3:   thought records "})
    assert client.post(f"/counselor/meetings/{open_cbt.id}/topics", data=data).status_code == 303
    db.session.expire_all()
    assert (week1.topic, week2.topic, week3.topic) == ("Week 1: what is CBT", None, "Week 3: thought records")
    client.post("/logout")

    manage = join_up(client, open_cbt, "sky@example.net", "Sky")
    html = client.get(manage, headers=ENGLISH).get_data(as_text=True)
    assert "Topic: Week 1: what is CBT" in html and "Topic: Week 3: thought records" in html


def test_bad_topics_are_refused(client, staff, open_cbt, other_series):
    week1 = sessions_of(open_cbt)[0]
    theirs = sessions_of(other_series)[0]
    login(client, staff["counselor"])
    response = client.post(
        f"/counselor/meetings/{open_cbt.id}/topics", data=topics_form(open_cbt, {week1.id: "x" * 201})
    )
    assert response.status_code == 400
    response = client.post(f"/counselor/meetings/{open_cbt.id}/topics", data=topics_form(open_cbt, {theirs.id: "Hi"}))
    assert response.status_code == 400 and "does not belong to this meeting" in response.get_data(as_text=True)
    db.session.expire_all()
    assert theirs.topic is None and week1.topic is None


def test_streak_is_opt_in_and_only_on_the_persons_own_page(client, staff, open_cbt):
    weeks = sessions_of(open_cbt)[:4]
    sky_page = join_up(client, open_cbt, "sky@example.net", "Sky")
    rain_page = join_up(client, open_cbt, "rain@example.net", "Zephyr")
    sky, rain = person("sky@example.net"), person("rain@example.net")
    for week, sky_mark, rain_mark in zip(
        weeks, ["present", "absent", "present", "present"], ["present"] * 4, strict=True
    ):
        with clock.frozen_at(week.start):
            sessions.mark_attendance(week, sky.id, sky_mark, staff["counselor"])
            sessions.mark_attendance(week, rain.id, rain_mark, staff["counselor"])
    db.session.commit()

    with clock.frozen_at(weeks[3].end + timedelta(hours=1)):
        html = client.get(sky_page, headers=ENGLISH).get_data(as_text=True)
        assert "Show my attendance" in html and "You came to" not in html  # not shown until asked for
        response = client.post(f"{sky_page}/streak", data={"show": "on"}, headers=ENGLISH)
        assert response.status_code == 303
        html = client.get(sky_page, headers=ENGLISH).get_data(as_text=True)
        assert "You came to 2 sessions in a row." in html and "3 sessions attended in all." in html
        assert "Zephyr" not in html
        # Rain did not opt in: their page shows no streak, and nothing of Sky's.
        html = client.get(rain_page, headers=ENGLISH).get_data(as_text=True)
        assert "You came to" not in html and "Hello Sky" not in html
        # Staff never see a streak.
        login(client, staff["counselor"])
        assert "You came to" not in client.get(f"/counselor/sessions/{weeks[3].id}").get_data(as_text=True)

    client.post("/logout")
    assert client.post(f"{sky_page}/streak", data={"show": "off"}, headers=ENGLISH).status_code == 303
    assert not streaks.opted_in(sky)
    assert client.post(f"{sky_page}/streak", data={"show": "maybe"}).status_code == 400
    assert client.post("/manage/not-a-real-token-at-all-but-long-enough-0000000000/streak", data={}).status_code == 404


def test_excused_neither_counts_nor_breaks_the_streak(app, staff, open_cbt):
    weeks = sessions_of(open_cbt)[:3]
    sky = add_person(open_cbt, weeks, "Sky")
    for week, status in zip(weeks, ["present", "excused", "present"], strict=True):
        with clock.frozen_at(week.start):
            sessions.mark_attendance(week, sky.id, status, staff["counselor"])
    db.session.commit()
    with clock.frozen_at(weeks[2].end):
        [line] = streaks.streaks(sky)
    assert (line.title, line.current, line.attended) == ("Open CBT course", 2, 2)


def test_erasing_a_person_removes_their_attendance_and_opt_in(client, staff, open_cbt):
    week = sessions_of(open_cbt)[0]
    join_up(client, open_cbt, "sky@example.net", "Sky")
    sky = person("sky@example.net")
    streaks.set_opt_in(sky, True)
    with clock.frozen_at(week.start):
        sessions.mark_attendance(week, sky.id, "present", staff["counselor"])
    db.session.commit()
    privacy.erase(sky)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StreakOptIn)) == 0
