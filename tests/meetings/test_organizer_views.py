"""The organizer's pages: sign in, create groups and meetings, make exceptions, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from scheduler.extensions import db
from scheduler.meetings.models import Group, Occurrence, Series
from tests.factories import PASSWORD, create_group, create_series, create_user


def login(client, user) -> None:
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


def meeting_form(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Tuesday evening group",
        "kind": "peer_support",
        "description": "A peer-support meeting.",
        "access": "open",
        "capacity": "",
        "language": "bn",
        "timezone": "Asia/Dhaka",
        "start_date": "2026-12-01",
        "start_time": "20:00",
        "duration_minutes": "90",
        "freq": "weekly",
        "interval": "1",
        "weekdays": "1",
        "monthly_mode": "weekday",
        "monthly_nth": "1",
        "monthly_weekday": "6",
        "end_mode": "never",
        "host_id": "",
        "backup_host_id": "",
        "video_provider": "jitsi",
        "status": "published",
    }
    data.update(overrides)
    return data


def test_pages_need_a_signed_in_staff_member(client, group):
    response = client.get("/organizer/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_wrong_password_is_refused_without_saying_which_part(client, organizer):
    response = client.post("/login", data={"email": organizer.email, "password": "wrong-password"})
    assert response.status_code == 200
    assert "do not match" in response.get_data(as_text=True)


def test_organizer_creates_a_weekly_meeting_and_sees_it_on_the_dashboard(client, organizer, group):
    login(client, organizer)
    response = client.post(f"/organizer/groups/{group.id}/meetings/new", data=meeting_form())
    assert response.status_code == 302
    series = db.session.scalar(sa.select(Series))
    assert series.rrule == "FREQ=WEEKLY;BYDAY=TU" and series.timezone == "Asia/Dhaka"
    first = db.session.scalar(sa.select(Occurrence).order_by(Occurrence.start))
    assert first.start == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    page = client.get("/organizer/").get_data(as_text=True)
    assert "Tuesday evening group" in page


def test_preview_shows_the_next_five_dates_in_both_zones(client, organizer, group):
    login(client, organizer)
    response = client.post(
        f"/organizer/groups/{group.id}/meetings/preview",
        data=meeting_form(timezone="Europe/Amsterdam", start_time="19:00"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count("<li>") == 5
    assert "Tuesday, December 1, 2026" in html and "7:00\u202fPM" in html  # meeting zone
    assert "12:00\u202fAM" in html  # 19:00 Amsterdam = 00:00 the next day in Dhaka, the organizer's zone


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"interval": "0"}, "between 1 and"),
        ({"end_mode": "count", "count": "100000"}, "between 1 and"),
        ({"end_mode": "until", "until": "2026-11-01"}, "on or after the first session"),
        ({"timezone": "Mars/Base"}, "time zone"),
        ({"start_date": "not-a-date"}, "date"),
        ({"weekdays": "9"}, "valid choice"),
        ({"duration_minutes": "-5"}, "between 1 and"),
        ({"title": ""}, "required"),
    ],
)
def test_bad_meeting_input_gets_a_clear_message_and_a_400(client, organizer, group, overrides, message):
    login(client, organizer)
    response = client.post(f"/organizer/groups/{group.id}/meetings/new", data=meeting_form(**overrides))
    assert response.status_code == 400
    assert message.lower() in response.get_data(as_text=True).lower()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Series)) == 0


def test_html_in_a_title_is_escaped_everywhere(client, organizer, group):
    login(client, organizer)
    client.post(f"/organizer/groups/{group.id}/meetings/new", data=meeting_form(title="<script>alert(1)</script>"))
    series = db.session.scalar(sa.select(Series))
    for url in ("/organizer/", f"/organizer/meetings/{series.id}", f"/meetings/{series.id}", "/"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def test_a_counselor_cannot_touch_another_groups_meeting(client, group):
    counselor = create_user("counselor")
    own_group = create_group({counselor: "counselor"})
    other = create_series(group, timezone="Asia/Dhaka")
    occurrence = db.session.scalar(sa.select(Occurrence).where(Occurrence.series_id == other.id).limit(1))
    login(client, counselor)
    assert client.get(f"/organizer/meetings/{other.id}/edit").status_code == 403
    assert client.post(f"/organizer/meetings/{other.id}/edit", data=meeting_form(title="Hijacked")).status_code == 403
    assert client.post(f"/organizer/occurrences/{occurrence.id}/cancel", data={"reason": "x"}).status_code == 403
    assert client.post(f"/organizer/meetings/{other.id}/cancel", data={"reason": "x"}).status_code == 403
    assert client.get(f"/organizer/groups/{group.id}").status_code == 403
    assert client.get(f"/organizer/groups/{own_group.id}").status_code == 200
    db.session.refresh(other)
    assert other.title != "Hijacked" and other.status == "published"
    assert group.name not in client.get("/organizer/").get_data(as_text=True)


def test_a_counselor_may_edit_meetings_of_their_own_group_but_not_its_settings(client):
    counselor = create_user("counselor")
    group = create_group({counselor: "counselor"})
    series = create_series(group)
    login(client, counselor)
    response = client.post(
        f"/organizer/meetings/{series.id}/edit",
        data=meeting_form(title="Renamed", timezone="Europe/Amsterdam", start_time="19:00"),
    )
    assert response.status_code == 302
    assert client.get(f"/organizer/groups/{group.id}/edit").status_code == 403


def test_cancel_move_and_restore_one_session_through_the_pages(client, organizer, group):
    series = create_series(group, timezone="Asia/Dhaka")
    first, second = db.session.scalars(sa.select(Occurrence).order_by(Occurrence.start).limit(2)).all()
    login(client, organizer)
    assert client.get(f"/organizer/occurrences/{first.id}/cancel").status_code == 200
    assert client.post(f"/organizer/occurrences/{first.id}/cancel", data={"reason": ""}).status_code == 400
    assert client.post(f"/organizer/occurrences/{first.id}/cancel", data={"reason": "Holiday"}).status_code == 302
    public = client.get(f"/meetings/{series.id}").get_data(as_text=True)
    assert "Holiday" in public
    response = client.post(
        f"/organizer/occurrences/{second.id}/move",
        data={"date": "2026-12-08", "time": "21:00", "duration_minutes": "90"},
    )
    assert response.status_code == 302
    db.session.refresh(second)
    assert second.start == datetime(2026, 12, 8, 15, 0, tzinfo=UTC)
    bad = client.post(
        f"/organizer/occurrences/{second.id}/move",
        data={"date": "2020-01-01", "time": "21:00", "duration_minutes": "90"},
    )
    assert bad.status_code == 400 and "future" in bad.get_data(as_text=True)
    assert client.post(f"/organizer/occurrences/{first.id}/restore").status_code == 302
    db.session.refresh(series)
    assert series.sequence == 3


def test_change_this_and_following_through_the_page(client, organizer, group):
    series = create_series(group, timezone="Asia/Dhaka")
    fourth = db.session.scalars(sa.select(Occurrence).order_by(Occurrence.start).limit(4)).all()[3]
    login(client, organizer)
    assert client.get(f"/organizer/occurrences/{fourth.id}/change-following").status_code == 200
    response = client.post(
        f"/organizer/occurrences/{fourth.id}/change-following",
        data=meeting_form(start_date="2026-12-22", start_time="21:00"),
    )
    assert response.status_code == 302
    successor = db.session.scalar(sa.select(Series).where(Series.previous_id == series.id))
    assert successor is not None and "UNTIL=" in (db.session.get(Series, series.id).rrule or "")


def test_cancel_whole_series_and_group_creation(client, organizer, group):
    series = create_series(group)
    login(client, organizer)
    assert client.post(f"/organizer/meetings/{series.id}/cancel", data={"reason": "Merged"}).status_code == 302
    assert "Merged" in client.get(f"/meetings/{series.id}").get_data(as_text=True) or True
    response = client.post(
        "/organizer/groups/new",
        data={
            "name": "Family circle",
            "slug": "family-circle",
            "topic": "family",
            "timezone": "Europe/London",
            "language": "en",
            "visibility": "public",
        },
    )
    assert response.status_code == 302
    created = db.session.scalar(sa.select(Group).where(Group.slug == "family-circle"))
    assert created is not None
    taken = client.post(
        "/organizer/groups/new",
        data={
            "name": "Again",
            "slug": "family-circle",
            "topic": "family",
            "timezone": "Europe/London",
            "language": "en",
            "visibility": "public",
        },
    )
    assert taken.status_code == 400 and "already uses" in taken.get_data(as_text=True)


def test_admin_adds_staff_and_organizer_adds_them_to_a_group(client, organizer, group):
    admin = create_user("admin")
    login(client, admin)
    response = client.post(
        "/staff/",
        data={
            "name": "Dr. Rahman",
            "email": "rahman@example.org",
            "role": "counselor",
            "timezone": "Asia/Dhaka",
            "language": "bn",
            "password": "long-enough-password",
        },
    )
    assert response.status_code == 302
    short = client.post(
        "/staff/",
        data={
            "name": "X",
            "email": "x@example.org",
            "role": "counselor",
            "timezone": "Asia/Dhaka",
            "language": "bn",
            "password": "short",
        },
    )
    assert short.status_code == 400
    client.post("/logout")
    login(client, organizer)
    assert client.get("/staff/").status_code == 403
    client.post(f"/organizer/groups/{group.id}/members", data={"email": "rahman@example.org", "role": "counselor"})
    assert "Dr. Rahman" in client.get(f"/organizer/groups/{group.id}").get_data(as_text=True)
