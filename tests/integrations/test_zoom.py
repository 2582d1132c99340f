from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest

from scheduler.integrations.base import (
    ConfigurationError,
    ProviderError,
    Recurrence,
    RoomGone,
    VideoProvider,
)
from scheduler.integrations.zoom import ZoomProvider
from scheduler.integrations.zoom_payload import NO_FIXED_TIME_NOTE
from tests.integrations.fake_zoom import ACCOUNT_ID, CLIENT_ID, CLIENT_SECRET, PASSWORD_RE, FakeZoom
from tests.integrations.samples import ALT, HOST, MEETINGS, make_req, sent_body, weekly


def test_provider_satisfies_protocol(zoom: ZoomProvider) -> None:
    assert isinstance(zoom, VideoProvider)


def test_create_one_off_meeting(zoom: ZoomProvider, fake_zoom: FakeZoom) -> None:
    room = zoom.create(make_req())
    assert fake_zoom.problems == []
    _method, path, _, body = fake_zoom.api_calls("POST")[0]
    assert path == f"/v2/users/{HOST}/meetings"
    assert body["type"] == 2
    assert body["start_time"] == "2024-05-06T18:30:00"
    assert body["timezone"] == "Europe/Berlin"
    assert body["duration"] == 90 and body["topic"] == "Weekly meeting"
    assert "recurrence" not in body
    assert body["settings"] == {
        "approval_type": 2,
        "auto_recording": "none",
        "alternative_hosts": f"{ALT};second.alt@example.org",
        "host_video": False,
        "waiting_room": True,
        "join_before_host": False,
        "mute_upon_entry": True,
        "participant_video": False,
    }
    assert PASSWORD_RE.fullmatch(body["password"]) and len(body["password"]) == 10
    assert room.provider == "zoom"
    assert room.external_id == "85746065432" and isinstance(room.external_id, str)
    assert room.join_url == "https://us02web.zoom.us/j/85746065432?pwd=ENCRYPTEDpwd85746065432.1"
    assert room.passcode == body["password"]
    assert room.occurrences == () and room.note is None
    assert room.host_url_hint == "https://zoom.us/s/85746065432"
    json.dumps(room.extra)  # JSON-safe
    assert "zak=" not in repr(room) and HOST not in repr(room)


def test_passcodes_differ(zoom: ZoomProvider, fake_zoom: FakeZoom) -> None:
    codes = {zoom.create(make_req()).passcode for _ in range(5)}
    assert len(codes) == 5


def test_weekly_series_maps_the_rule(zoom: ZoomProvider, fake_zoom: FakeZoom) -> None:
    room = zoom.create(make_req(recurrence=weekly(interval=2)))
    assert fake_zoom.problems == []
    body = sent_body(fake_zoom)
    assert body["type"] == 8
    assert body["recurrence"] == {"type": 2, "repeat_interval": 2, "weekly_days": "3,5", "end_times": 10}
    assert len(room.occurrences) == 10
    occurrence_id, start = room.occurrences[0]
    assert isinstance(occurrence_id, str) and occurrence_id.isdigit()
    assert start == datetime(2024, 5, 6, 16, 30, tzinfo=UTC)
    assert room.note is None


def test_weekday_mapping_sunday_and_saturday(zoom: ZoomProvider, fake_zoom: FakeZoom) -> None:
    zoom.create(make_req(recurrence=weekly(weekdays=(6, 5, 0))))
    assert sent_body(fake_zoom)["recurrence"]["weekly_days"] == "1,2,7"


def test_monthly_last_sunday_until(zoom: ZoomProvider, fake_zoom: FakeZoom) -> None:
    until = datetime(2024, 12, 31, 23, 0, tzinfo=UTC)
    rec = Recurrence(freq="monthly", interval=1, monthly_nth=-1, monthly_weekday=6, until_utc=until)
    zoom.create(make_req(recurrence=rec))
    assert fake_zoom.problems == []
    r = sent_body(fake_zoom)["recurrence"]
    assert r == {
        "type": 3,
        "repeat_interval": 1,
        "monthly_week": -1,
        "monthly_week_day": 1,
        "end_date_time": "2024-12-31T23:00:00Z",
    }


def test_daily_and_monthly_day(zoom: ZoomProvider, fake_zoom: FakeZoom) -> None:
    zoom.create(make_req(recurrence=Recurrence(freq="daily", interval=90, count=3)))
    assert sent_body(fake_zoom)["recurrence"] == {"type": 1, "repeat_interval": 90, "end_times": 3}
    zoom.create(make_req(recurrence=Recurrence(freq="monthly", interval=3, monthly_day=15, count=4)))
    assert sent_body(fake_zoom)["recurrence"]["monthly_day"] == 15
    assert fake_zoom.problems == []


@pytest.mark.parametrize(("freq", "interval"), [("daily", 91), ("weekly", 13), ("monthly", 4), ("weekly", 0)])
def test_interval_beyond_zoom_limits_is_refused_before_calling(
    zoom: ZoomProvider, fake_zoom: FakeZoom, freq: str, interval: int
) -> None:
    with pytest.raises(ProviderError) as info:
        zoom.create(make_req(recurrence=Recurrence(freq=freq, interval=interval, count=3)))
    assert not info.value.retryable
    assert fake_zoom.calls == []


@pytest.mark.parametrize(
    "rec",
    [
        Recurrence(freq="weekly", weekdays=(0,), count=51),
        Recurrence(freq="weekly", weekdays=(0,)),  # never ends
        Recurrence(freq="daily", until_utc=datetime(2024, 9, 1, tzinfo=UTC)),  # ~118 sessions
    ],
)
def test_long_or_endless_series_become_no_fixed_time(zoom: ZoomProvider, fake_zoom: FakeZoom, rec) -> None:
    room = zoom.create(make_req(recurrence=rec))
    body = sent_body(fake_zoom)
    assert body["type"] == 3 and "recurrence" not in body
    assert body["start_time"] == "2024-05-06T18:30:00" and body["timezone"] == "Europe/Berlin"
    assert room.note == NO_FIXED_TIME_NOTE
    assert fake_zoom.problems == []


def test_fifty_sessions_until_stays_fixed_time(zoom: ZoomProvider, fake_zoom: FakeZoom) -> None:
    last = datetime(2024, 5, 6, 16, 30, tzinfo=UTC) + timedelta(weeks=49)
    zoom.create(make_req(recurrence=Recurrence(freq="weekly", weekdays=(0,), until_utc=last)))
    assert sent_body(fake_zoom)["type"] == 8
    zoom.create(make_req(recurrence=Recurrence(freq="weekly", weekdays=(0,), until_utc=last + timedelta(7))))
    assert sent_body(fake_zoom)["type"] == 3


def test_webinar_with_panelists(zoom: ZoomProvider, fake_zoom: FakeZoom) -> None:
    panelists = (("Dr. Rao", "rao@example.org"), ("সুমি", "sumi@example.org"))
    room = zoom.create(make_req(kind="webinar", panelists=panelists))
    assert fake_zoom.problems == []
    posts = fake_zoom.api_calls("POST")
    assert posts[0][1] == f"/v2/users/{HOST}/webinars"
    assert posts[0][3]["type"] == 5 and "waiting_room" not in posts[0][3]["settings"]
    assert posts[1][1] == f"/v2/webinars/{room.external_id}/panelists"
    assert posts[1][3] == {"panelists": [{"name": n, "email": e} for n, e in panelists]}
    assert room.extra["kind"] == "webinar"


def test_recurring_webinar_types(zoom: ZoomProvider, fake_zoom: FakeZoom) -> None:
    zoom.create(make_req(kind="webinar", recurrence=weekly()))
    assert sent_body(fake_zoom)["type"] == 9
    zoom.create(make_req(kind="webinar", recurrence=weekly(count=None)))
    assert sent_body(fake_zoom)["type"] == 6
    assert fake_zoom.problems == []


def test_panelist_failure_keeps_the_webinar(zoom: ZoomProvider, fake_zoom: FakeZoom) -> None:
    fake_zoom.fail("POST", r"/v2/webinars/\d+/panelists", 503, {"code": 503, "message": "busy"})
    room = zoom.create(make_req(kind="webinar", panelists=(("A", "a@example.org"),)))
    assert room.extra["panelists_pending"] is True
    zoom.add_panelists(room, (("A", "a@example.org"),))
    assert len(fake_zoom.api_calls("POST")) == 3


def test_delete_and_already_gone(zoom: ZoomProvider, fake_zoom: FakeZoom) -> None:
    room = zoom.create(make_req())
    zoom.delete(room)
    zoom.delete(room)  # 404 code 3001 => success
    assert [c[1] for c in fake_zoom.api_calls("DELETE")] == [f"/v2/meetings/{room.external_id}"] * 2
    with pytest.raises(RoomGone):
        zoom.refresh(room)


def test_update_whole_series(zoom: ZoomProvider, fake_zoom: FakeZoom) -> None:
    room = zoom.create(make_req(recurrence=weekly()))
    new = zoom.update(room, make_req(recurrence=weekly(count=None), topic="Evening meeting"))
    _method, path, args, body = fake_zoom.api_calls("PATCH")[0]
    assert path == f"/v2/meetings/{room.external_id}" and args == {}
    assert body["type"] == 3 and body["password"] == room.passcode and body["topic"] == "Evening meeting"
    assert new.note == NO_FIXED_TIME_NOTE and new.external_id == room.external_id
    assert fake_zoom.problems == []


def test_update_one_occurrence(zoom: ZoomProvider, fake_zoom: FakeZoom) -> None:
    room = zoom.create(make_req(recurrence=weekly()))
    occurrence_id = room.occurrences[2][0]
    zoom.update(room, make_req(local_start=datetime(2024, 5, 20, 19, 0)), occurrence_id=occurrence_id)
    _method, _path, args, body = fake_zoom.api_calls("PATCH")[0]
    assert args == {"occurrence_id": occurrence_id}
    assert body == {
        "start_time": "2024-05-20T19:00:00",
        "timezone": "Europe/Berlin",
        "duration": 90,
        "agenda": "Check-in and sharing.",
    }
    assert fake_zoom.problems == []


def test_update_of_deleted_meeting_raises_room_gone(zoom: ZoomProvider, fake_zoom: FakeZoom) -> None:
    room = zoom.create(make_req())
    zoom.delete(room)
    with pytest.raises(RoomGone):
        zoom.update(room, make_req())


def test_no_secret_in_room_or_logs(zoom: ZoomProvider, fake_zoom: FakeZoom, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    room = zoom.create(make_req(recurrence=weekly()))
    start_url = zoom.host_start_url(room)
    assert start_url == fake_zoom.start_urls()[0] and "zak=" in start_url
    zoom.update(room, make_req())
    fake_zoom.fail("POST", MEETINGS, 404, {"code": 1001, "message": f"User does not exist: {HOST}."})
    with pytest.raises(ConfigurationError):
        zoom.create(make_req())
    fake_zoom.revoke_tokens()
    zoom.delete(room)

    assert "zak" not in json.dumps(room.extra) and start_url not in repr(room)
    forbidden = [
        CLIENT_SECRET,
        CLIENT_ID,
        ACCOUNT_ID,
        start_url,
        "zak",
        HOST,
        ALT,
        "@example.org",
        *fake_zoom.issued_tokens,
    ]
    ours = [r for r in caplog.records if r.name != "werkzeug"]  # werkzeug = the fake server's access log
    assert any(r.name.startswith("scheduler.") for r in ours)
    assert any(r.name.startswith("urllib3") for r in ours)  # the request lines were there, redacted
    for record in ours:
        text = record.getMessage()
        for secret in forbidden:
            assert secret not in text, (record.name, text)
