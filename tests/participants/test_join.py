"""The personal join link: open only from JOIN_OPENS_MINUTES before the start until the end, for seat holders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from scheduler import clock, timefmt
from scheduler.extensions import db
from scheduler.meetings import services as meetings
from scheduler.notifications.models import OutboxMessage
from scheduler.participants.models import Participant
from scheduler.personal.joining import join_target
from tests.factories import create_series
from tests.participants.conftest import ENGLISH, join_up, last_mail, occurrences, one_off

ROOM = "https://video.example/room-7f3a9c"
START = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)  # Tuesday 19:00 in Amsterdam; 90 minutes


def custom_weekly(group, **overrides):
    return create_series(
        group, title="Tuesday group", language="en", video_provider="custom", video_custom_url=ROOM, **overrides
    )


def test_the_window_opens_fifteen_minutes_before_and_closes_at_the_end(client, group):
    series = custom_weekly(group)
    join_up(client, series, "sky@example.org", timezone="Asia/Jakarta", language="id")
    path = last_mail("sky@example.org", "rsvp_welcome").link("j")

    with clock.frozen_at(START - timedelta(minutes=15, seconds=1)):
        early = client.get(path)
        html = early.get_data(as_text=True)
        assert early.status_code == 200 and ROOM not in html
        assert '<html lang="id"' in html and "Asia/Jakarta" in html
        assert timefmt.format_when(START - timedelta(minutes=15), "Asia/Jakarta", "id") in html
    for moment in (START - timedelta(minutes=15), START, START + timedelta(minutes=89, seconds=59)):
        with clock.frozen_at(moment):
            response = client.get(path)
            assert response.status_code == 302 and response.headers["Location"] == ROOM
            assert response.headers["Referrer-Policy"] == "no-referrer"
    with clock.frozen_at(START + timedelta(minutes=90)):  # over: the link points at next week
        later = client.get(path)
        assert later.status_code == 200
        assert timefmt.format_when(START + timedelta(days=7), "Asia/Jakarta", "id") in later.get_data(as_text=True)


def test_a_cancelled_session_is_skipped_and_a_skipped_one_too(client, group, frozen_now):
    series = custom_weekly(group)
    manage = join_up(client, series, "sky@example.org")
    path = last_mail("sky@example.org", "rsvp_welcome").link("j")
    first, second = occurrences(series)[:2]
    meetings.cancel_occurrence(first, "Holiday")
    db.session.commit()
    from tests.participants.test_seats import seat_of

    client.post(f"{manage}/seats/{seat_of('sky@example.org', second.id).id}", data={"action": "skip"})
    with clock.frozen_at(START + timedelta(minutes=5)):
        assert client.get(path).status_code == 200  # the cancelled session does not open
    with clock.frozen_at(START + timedelta(days=7, minutes=5)):
        assert client.get(path).status_code == 200  # skipped
    with clock.frozen_at(START + timedelta(days=14, minutes=5)):
        assert client.get(path).headers["Location"] == ROOM


def test_a_room_not_yet_provisioned_shows_that_the_link_is_being_prepared(client, group):
    weekly = create_series(group, title="Tuesday group", language="en", video_provider="zoom")
    join_up(client, weekly, "sky@example.org")
    path = last_mail("sky@example.org", "rsvp_welcome").link("j")
    with clock.frozen_at(START):
        response = client.get(path, headers=ENGLISH)
        assert response.status_code == 200 and "being prepared" in response.get_data(as_text=True)
    person = db.session.scalar(sa.select(Participant).where(Participant.email == "sky@example.org"))
    assert join_target(weekly, occurrences(weekly)[0], person) is None


def test_waitlisted_people_do_not_get_in(app, group):
    series = one_off(group, capacity=1, video_provider="custom", video_custom_url=ROOM)
    join_up(app.test_client(), series, "first@example.org", "First")
    join_up(app.test_client(), series, "second@example.org", "Second")
    path = last_mail("second@example.org", "rsvp_welcome").link("j")
    with clock.frozen_at(START):
        response = app.test_client().get(path, headers=ENGLISH)
        assert response.status_code == 200 and "waiting list" in response.get_data(as_text=True)


def test_the_video_url_is_only_ever_behind_the_personal_link(app, client, group):
    series = custom_weekly(group)
    manage = join_up(client, series, "sky@example.org")
    pages = ["/", f"/meetings/{series.id}", f"/groups/{group.slug}", f"/meetings/{series.id}/rsvp", manage]
    for page in pages:
        assert ROOM not in client.get(page, headers=ENGLISH).get_data(as_text=True)
    calendar = client.post(f"{manage}/calendar")
    assert calendar.mimetype == "text/calendar" and ROOM not in calendar.get_data(as_text=True)
    assert "/j/" in calendar.get_data(as_text=True).replace("\r\n ", "")
    bodies = db.session.execute(sa.select(OutboxMessage.body_text, OutboxMessage.body_html)).all()
    assert bodies and all(ROOM not in (text or "") + (html or "") for text, html in bodies)
    with clock.frozen_at(START):  # the manage page's join button leads there too, in the window only
        rsvp_id = manage and db.session.execute(sa.text("select id from rsvps")).scalar()
        assert client.get(f"{manage}/meetings/{rsvp_id}/join").headers["Location"] == ROOM
