"""Zoom rooms follow the meeting: saved while Zoom is down, created when it is back, moved, cancelled.

Everything goes through the organizer's pages and the worker job, against the local fake Zoom server.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from scheduler import clock
from scheduler.extensions import db
from scheduler.integrations import provisioning
from scheduler.integrations.models import RoomStatus, VideoRoom
from scheduler.integrations.provisioning_job import provision_due_rooms
from scheduler.meetings import recurrence, services
from scheduler.meetings.models import Occurrence, Series
from tests.factories import create_series
from tests.integrations.fake_zoom import FakeZoom
from tests.meetings.test_organizer_views import login, meeting_form

MEETINGS = r"/v2/users/[^/]+/meetings"


@contextmanager
def later(**delta: float) -> Iterator[datetime]:
    instant = clock.now() + timedelta(**delta)
    with clock.frozen_at(instant):
        yield instant


def room_of(series: Series) -> VideoRoom:
    db.session.expire_all()
    room = provisioning.room_for(series)
    assert room is not None
    return room


def sessions(series: Series) -> list[Occurrence]:
    return list(
        db.session.scalars(sa.select(Occurrence).where(Occurrence.series_id == series.id).order_by(Occurrence.start))
    )


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def save_zoom_meeting(client, group, **overrides: str) -> Series:
    data = meeting_form(video_provider="zoom", end_mode="count", count="4") | overrides
    response = client.post(f"/organizer/groups/{group.id}/meetings/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalars(sa.select(Series).order_by(Series.id.desc())).first()


def ready_zoom_series(group, fake_zoom: FakeZoom, **overrides: object) -> Series:
    values: dict[str, object] = {"video_provider": "zoom", "timezone": "Asia/Dhaka"}
    values.update(overrides)
    series = create_series(group, **values)
    assert provision_due_rooms() == 1
    assert room_of(series).status == RoomStatus.READY
    fake_zoom.calls.clear()
    return series


def test_saving_while_zoom_answers_503_then_recovery(client, organizer, group, zoom_config, fake_zoom):
    fake_zoom.fail("POST", MEETINGS, 503, {"code": 503, "message": "Service unavailable"}, times=2)
    login(client, organizer)
    series = save_zoom_meeting(client, group)
    room = room_of(series)
    assert room.status == RoomStatus.PENDING and room.join_url is None
    assert fake_zoom.calls == [] and fake_zoom.token_calls == 0  # nothing talked to Zoom during the request
    first = sessions(series)[0]
    assert provisioning.join_url_for(series, first, "Quiet River", "p-1") is None
    assert "The link is being prepared" in client.get(f"/organizer/meetings/{series.id}").get_data(as_text=True)

    assert provision_due_rooms() == 1  # 503
    room = room_of(series)
    assert room.status == RoomStatus.PENDING and room.attempts == 1
    assert room.next_attempt_at is not None and room.next_attempt_at > clock.now()
    assert room.last_error_kind == "transient" and room.locked_until is None
    assert provision_due_rooms() == 0  # not due yet

    with later(hours=1):
        assert provision_due_rooms() == 1  # the second 503
        room = room_of(series)
        second_wait = room.next_attempt_at
        assert room.status == RoomStatus.PENDING and room.attempts == 2
    with clock.frozen_at(second_wait):
        assert provision_due_rooms() == 1  # Zoom is back
        room = room_of(series)
        assert room.status == RoomStatus.READY and room.attempts == 0 and room.last_error is None
        assert room.next_attempt_at is None and room.action is None
    assert fake_zoom.problems == []
    created = [c for c in fake_zoom.api_calls("POST") if c[1].endswith("/meetings")]
    assert len(created) == 3 and created[-1][3]["type"] == 8
    assert created[-1][3]["recurrence"] == {"type": 2, "repeat_interval": 1, "weekly_days": "3", "end_times": 4}
    topic = created[-1][3]["topic"]  # discreet group: nothing about the group, its topic or the title
    assert "Tuesday" not in topic and group.name not in topic and "addiction" not in topic.lower()
    url = provisioning.join_url_for(series, first, "Quiet River", "p-1")
    assert url == room.join_url and url.startswith("https://us02web.zoom.us/j/")
    page = client.get(f"/organizer/meetings/{series.id}").get_data(as_text=True)
    assert "Start meeting" in page and room.passcode in page


def test_saving_while_zoom_refuses_connections(client, organizer, group, zoom_config, fake_zoom, app):
    dead = f"http://127.0.0.1:{closed_port()}"
    app.config.update(ZOOM_API_BASE=f"{dead}/v2", ZOOM_OAUTH_URL=f"{dead}/oauth/token")
    login(client, organizer)
    series = save_zoom_meeting(client, group)
    assert room_of(series).status == RoomStatus.PENDING
    assert provision_due_rooms() == 1
    room = room_of(series)
    assert room.status == RoomStatus.PENDING and room.next_attempt_at > clock.now()
    app.config.update(zoom_config)  # Zoom is reachable again
    with clock.frozen_at(room.next_attempt_at):
        assert provision_due_rooms() == 1
    room = room_of(series)
    assert room.status == RoomStatus.READY
    assert provisioning.join_url_for(series, sessions(series)[0], "Sam", "p-2") == room.join_url


def test_moving_one_session_patches_that_occurrence(client, organizer, group, zoom_config, fake_zoom):
    login(client, organizer)
    series = save_zoom_meeting(client, group)
    assert provision_due_rooms() == 1
    fake_zoom.calls.clear()
    second = sessions(series)[1]
    room = room_of(series)
    zoom_id = room.sync_state["occ"]["2026-12-08T14:00:00Z"]["zid"]
    response = client.post(
        f"/organizer/occurrences/{second.id}/move",
        data={"date": "2026-12-09", "time": "21:00", "duration_minutes": "60"},
    )
    assert response.status_code == 302
    assert room_of(series).status == RoomStatus.READY  # the link keeps working while the change is queued
    assert fake_zoom.calls == []
    assert provision_due_rooms() == 1
    patches = fake_zoom.api_calls("PATCH")
    assert len(patches) == 1
    _method, path, args, body = patches[0]
    assert path == f"/v2/meetings/{room.external_id}" and args == {"occurrence_id": zoom_id}
    assert body["start_time"] == "2026-12-09T21:00:00" and body["timezone"] == "Asia/Dhaka"
    assert body["duration"] == 60
    assert fake_zoom.problems == []
    room = room_of(series)
    assert room.status == RoomStatus.READY and room.next_attempt_at is None
    fake_zoom.calls.clear()
    assert provision_due_rooms() == 0 and fake_zoom.calls == []  # nothing is sent twice


def test_cancelling_a_session_and_the_meeting_deletes_at_zoom(client, organizer, group, zoom_config, fake_zoom):
    login(client, organizer)
    series = save_zoom_meeting(client, group)
    provision_due_rooms()
    room = room_of(series)
    meeting_id = room.external_id
    first = sessions(series)[0]
    zoom_id = room.sync_state["occ"]["2026-12-01T14:00:00Z"]["zid"]
    assert client.post(f"/organizer/occurrences/{first.id}/cancel", data={"reason": "Holiday"}).status_code == 302
    assert provisioning.join_url_for(series, first, "Sam", "p-1") is None  # a cancelled session has no link
    assert provisioning.join_url_for(series, sessions(series)[1], "Sam", "p-1") == room.join_url
    provision_due_rooms()
    deletes = fake_zoom.api_calls("DELETE")
    assert [(c[1], c[2]) for c in deletes] == [(f"/v2/meetings/{meeting_id}", {"occurrence_id": zoom_id})]
    assert fake_zoom.problems == []

    fake_zoom.fail("DELETE", rf"/v2/meetings/{meeting_id}", 404, {"code": 3001, "message": "Meeting does not exist."})
    assert client.post(f"/organizer/meetings/{series.id}/cancel", data={"reason": "Merged"}).status_code == 302
    assert provision_due_rooms() == 1
    room = room_of(series)
    assert room.status == RoomStatus.DELETED and room.external_id is None and room.join_url is None
    assert room.next_attempt_at is None and room.last_error is None  # 3001 = already gone = fine
    assert provisioning.join_url_for(series, sessions(series)[1], "Sam", "p-1") is None
    assert "removed because the meeting is cancelled" in client.get(f"/organizer/meetings/{series.id}").get_data(
        as_text=True
    )


def test_one_off_meeting_moves_with_its_session_and_is_deleted_with_it(group, zoom_config, fake_zoom):
    series = ready_zoom_series(group, fake_zoom, rule=recurrence.RecurrenceRule(freq="once"))
    only = sessions(series)[0]
    services.move_occurrence(only, datetime(2026, 12, 2, 18, 0), 45)
    db.session.commit()
    provision_due_rooms()
    ((_m, _path, args, body),) = fake_zoom.api_calls("PATCH")
    assert args == {} and body["type"] == 2 and body["start_time"] == "2026-12-02T18:00:00" and body["duration"] == 45
    services.cancel_occurrence(only, "Speaker ill")
    db.session.commit()
    provision_due_rooms()
    assert room_of(series).status == RoomStatus.DELETED and len(fake_zoom.api_calls("DELETE")) == 1
    services.restore_occurrence(only)
    db.session.commit()
    assert room_of(series).status == RoomStatus.PENDING
    provision_due_rooms()
    assert room_of(series).status == RoomStatus.READY
    assert fake_zoom.problems == []


def test_webinar_without_plan_is_a_configuration_problem_on_the_page(client, organizer, group, zoom_config, fake_zoom):
    fake_zoom.webinar_plan = False
    login(client, organizer)
    data = {
        "kind": "webinar",
        "title": "Recovery Day panel",
        "speakers-0-name": "Dr. Rahman",
        "speakers-0-role": "moderator",
        "speakers-0-email": "rahman@example.org",
    }
    series = save_zoom_meeting(client, group, **data)
    assert provision_due_rooms() == 1
    room = room_of(series)
    assert room.status == RoomStatus.FAILED and room.last_error_kind == "configuration"
    assert room.next_attempt_at is None
    page = client.get(f"/organizer/meetings/{series.id}").get_data(as_text=True)
    assert "Configuration problem:" in page and "no webinar licence" in page and "Retry" in page
    assert provision_due_rooms() == 0  # not retried by itself

    fake_zoom.webinar_plan = True  # the administrator bought the licence
    assert client.post(f"/integrations/rooms/{series.id}/retry").status_code == 302
    assert room_of(series).status == RoomStatus.PENDING
    assert provision_due_rooms() == 1
    assert room_of(series).status == RoomStatus.READY
    webinar = next(iter(fake_zoom.meetings.values()))
    assert webinar["panelists"] == [{"name": "Dr. Rahman", "email": "rahman@example.org"}]
    assert webinar["topic"] == "Recovery Day panel"  # webinars are public events
    assert fake_zoom.problems == []


def test_missing_scopes_and_bad_credentials_are_configuration_problems(group, zoom_config, fake_zoom, app):
    fake_zoom.fail("POST", MEETINGS, 400, {"code": 4711, "message": "Invalid access token, does not contain scopes"})
    series = create_series(group, video_provider="zoom")
    provision_due_rooms()
    room = room_of(series)
    assert room.status == RoomStatus.FAILED and room.last_error_kind == "configuration"
    assert "missing required scopes" in room.last_error

    app.config["ZOOM_CLIENT_SECRET"] = "wrong-secret"
    other = create_series(group, video_provider="zoom")
    provision_due_rooms()
    assert room_of(other).status == RoomStatus.FAILED and "OAuth credentials" in room_of(other).last_error


def test_zoom_not_configured_fails_with_the_missing_setting(group, app):
    series = create_series(group, video_provider="zoom")
    provision_due_rooms()
    room = room_of(series)
    assert room.status == RoomStatus.FAILED and room.last_error_kind == "configuration"
    assert room.last_error_params == {"key": "ZOOM_ACCOUNT_ID", "provider": "zoom"}


def test_daily_limit_waits_for_midnight_utc_without_counting_an_attempt(group, zoom_config, fake_zoom):
    fake_zoom.fail(
        "POST", MEETINGS, 429, {"code": 429, "message": "daily limit"}, headers={"X-RateLimit-Type": "Daily-limit"}
    )
    series = create_series(group, video_provider="zoom")
    provision_due_rooms()
    room = room_of(series)
    assert room.status == RoomStatus.PENDING and room.attempts == 0
    assert room.next_attempt_at > clock.now() and room.next_attempt_at.time() == time(0, 0)  # midnight UTC
    assert room.next_attempt_at.utcoffset() == timedelta(0)
    assert "daily limit" in room.last_error


def test_gives_up_after_the_configured_attempts(group, zoom_config, fake_zoom, app):
    app.config["ROOM_PROVISION_MAX_ATTEMPTS"] = 2
    fake_zoom.fail("POST", MEETINGS, 502, times=5)
    series = create_series(group, video_provider="zoom")
    provision_due_rooms()
    with clock.frozen_at(room_of(series).next_attempt_at):
        provision_due_rooms()
    room = room_of(series)
    assert room.status == RoomStatus.FAILED and room.next_attempt_at is None
    assert "after several attempts" in room.last_error


def test_room_gone_on_update_is_created_again(group, zoom_config, fake_zoom):
    series = ready_zoom_series(group, fake_zoom)
    old_id = room_of(series).external_id
    fake_zoom.meetings.clear()  # someone removed it at Zoom and no webhook reached us
    services.update_series(series, services_input(series, duration_minutes=60))
    db.session.commit()
    provision_due_rooms()
    room = room_of(series)
    assert room.status == RoomStatus.READY and room.external_id != old_id
    assert [c[0] for c in fake_zoom.calls] == ["PATCH", "POST"]


def test_switching_from_zoom_to_jitsi_retires_the_zoom_meeting(group, zoom_config, fake_zoom):
    series = ready_zoom_series(group, fake_zoom)
    zoom_id = room_of(series).external_id
    services.update_series(series, services_input(series, video_provider="jitsi"))
    db.session.commit()
    room = room_of(series)
    assert room.provider == "jitsi" and room.status == RoomStatus.READY  # made at once, no network
    assert room.join_url.startswith("https://meet.jit.si/")
    assert provision_due_rooms() == 1
    assert [(c[0], c[1]) for c in fake_zoom.calls] == [("DELETE", f"/v2/meetings/{zoom_id}")]
    room = room_of(series)
    assert room.next_attempt_at is None and "retire" not in room.sync_state


def test_split_updates_the_old_meeting_and_creates_one_for_the_rest(group, zoom_config, fake_zoom):
    series = ready_zoom_series(group, fake_zoom, rule=recurrence.RecurrenceRule(freq="weekly", count=6))
    fourth = sessions(series)[3]
    successor = services.split_series(
        series, fourth, services_input(series, start_date=date(2026, 12, 22), start_time=time(21, 0))
    )
    db.session.commit()
    assert provision_due_rooms() == 2
    assert sorted(c[0] for c in fake_zoom.calls if c[0] != "GET") == ["PATCH", "POST"]
    patch_body = fake_zoom.api_calls("PATCH")[0][3]
    assert "end_date_time" in patch_body["recurrence"]
    assert room_of(successor).status == RoomStatus.READY
    assert room_of(successor).external_id != room_of(series).external_id
    assert fake_zoom.problems == []


def test_a_change_saved_during_the_call_gets_another_pass(group, zoom_config, fake_zoom, monkeypatch):
    series = create_series(group, video_provider="zoom")
    from scheduler.integrations import provisioning_job

    real_execute = provisioning_job.execute

    def execute_while_the_organizer_saves(work):
        outcome = real_execute(work)
        with db.engine.begin() as conn:  # another request commits a change meanwhile
            conn.execute(sa.update(VideoRoom).values(revision=VideoRoom.revision + 1, next_attempt_at=clock.now()))
        return outcome

    monkeypatch.setattr(provisioning_job, "execute", execute_while_the_organizer_saves)
    provision_due_rooms()
    room = room_of(series)
    assert room.status == RoomStatus.READY and room.next_attempt_at is not None  # another pass is due
    monkeypatch.setattr(provisioning_job, "execute", real_execute)
    fake_zoom.calls.clear()
    provision_due_rooms()
    assert room_of(series).next_attempt_at is None
    assert [c[0] for c in fake_zoom.calls] == []  # nothing changed for Zoom: no call


def services_input(series: Series, **changes: object) -> services.SeriesInput:
    """The series as an organizer's form would submit it, with some fields changed."""
    rule = recurrence.from_rrule(series.rrule, series.local_start, series.timezone)
    data = services.SeriesInput(
        title=series.title,
        kind=series.kind,
        start_date=series.local_start.date(),
        start_time=series.local_start.time(),
        timezone=series.timezone,
        duration_minutes=series.duration_minutes,
        rule=rule,
        language=series.language,
        description=series.description,
        host_id=series.host_id,
        video_provider=series.video_provider,
        video_custom_url=series.video_custom_url,
        status=series.status,
    )
    return replace(data, **changes)  # type: ignore[arg-type]


def test_a_new_wish_during_a_failing_call_is_tried_at_once(group, zoom_config, fake_zoom, monkeypatch):
    from scheduler.integrations import provisioning_job

    fake_zoom.webinar_plan = False
    series = create_series(group, video_provider="zoom", kind="webinar")
    real_execute = provisioning_job.execute

    def execute_while_the_organizer_switches_to_a_meeting(work):
        outcome = real_execute(work)
        services.update_series(series, services_input(series, kind="peer_support"))
        db.session.commit()
        return outcome

    monkeypatch.setattr(provisioning_job, "execute", execute_while_the_organizer_switches_to_a_meeting)
    provision_due_rooms()
    room = room_of(series)
    assert room.status == RoomStatus.PENDING and room.next_attempt_at == clock.now()  # not "failed"
    monkeypatch.setattr(provisioning_job, "execute", real_execute)
    provision_due_rooms()
    room = room_of(series)
    assert room.status == RoomStatus.READY and room.extra["kind"] == "meeting"


def test_meetings_saved_before_video_rooms_existed_get_one(group, zoom_config, fake_zoom):
    jitsi, zoom, over = (create_series(group), create_series(group, video_provider="zoom"), create_series(group))
    db.session.execute(sa.delete(VideoRoom))
    services.cancel_series(over, "Ended")
    db.session.execute(sa.delete(VideoRoom).where(VideoRoom.series_id == over.id))
    db.session.commit()
    assert provision_due_rooms() == 3  # two rooms recorded, one Zoom meeting created
    assert room_of(jitsi).status == RoomStatus.READY and room_of(zoom).status == RoomStatus.READY
    assert provisioning.room_for(over) is None  # cancelled meetings need no room
    assert provision_due_rooms() == 0
