"""Zoom made the meeting but its answer was lost (504, read timeout, dropped connection): the worker finds the
meeting it made on the host's list instead of making another, and deletes whatever is left over.

Each test ends with exactly one Zoom meeting for the series (or none for a cancelled one), the app's room
pointing at it, and nothing orphaned at the fake Zoom server.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from scheduler import clock
from scheduler.extensions import db
from scheduler.integrations import provisioning_job
from scheduler.integrations.models import RoomStatus, VideoRoom
from scheduler.integrations.provisioning import CREATING, CREATION_REF
from scheduler.integrations.provisioning_job import provision_due_rooms, provision_one
from scheduler.meetings import services
from scheduler.meetings.models import Series
from scheduler.meetings.recurrence import RecurrenceRule
from tests.factories import create_series
from tests.integrations.fake_zoom import FakeZoom
from tests.integrations.samples import HOST, make_req
from tests.integrations.test_provisioning import room_of
from tests.integrations.test_provisioning_concurrency import zoom_worker_apps

MEETINGS = r"/v2/users/[^/]+/meetings"
EMPTY_LIST = {"page_size": 300, "total_records": 0, "next_page_token": "", "meetings": []}


def creates(fake: FakeZoom) -> int:
    return sum(1 for method, path, _, _ in fake.api_calls("POST") if path.endswith(("/meetings", "/webinars")))


def due_times() -> list[Any]:
    due = list(db.session.scalars(sa.select(VideoRoom.next_attempt_at).where(VideoRoom.next_attempt_at.is_not(None))))
    db.session.rollback()
    return due


def run_worker_until_idle(passes: int = 6) -> None:
    """Run the worker now, then at each room's next attempt, until nothing is due."""
    for _ in range(passes):
        provision_due_rooms()
        due = due_times()
        if not due:
            return
        with clock.frozen_at(max(max(due), clock.now())):
            provision_due_rooms()


def assert_one_meeting(series: Series, fake: FakeZoom) -> VideoRoom:
    room = room_of(series)
    assert room.status == RoomStatus.READY and room.last_error is None
    ref = room.sync_state[CREATION_REF]
    assert [str(m["id"]) for m in fake.meetings.values()] == [room.external_id]
    assert fake.meetings[room.external_id]["join_url"] == room.join_url
    assert f"[{ref}]" in fake.meetings[room.external_id]["agenda"]
    assert CREATING not in room.sync_state and "retire" not in room.sync_state  # nothing orphaned, nothing owed
    assert room.next_attempt_at is None
    assert fake.problems == []
    return room


# --- the adapter -----------------------------------------------------------------------------------------


def test_the_host_list_is_read_page_by_page(zoom, fake_zoom: FakeZoom) -> None:
    for ref in ("a1", "b2", "c3", "d4", "e5"):
        zoom.create(make_req(creation_ref=ref))
    fake_zoom.list_page_cap = 2
    found = zoom.find_created(make_req(creation_ref="e5"))
    assert [r.external_id for r in found] == [str(m["id"]) for m in fake_zoom.meetings_of(HOST, "e5")]
    lists = [c for c in fake_zoom.api_calls("GET") if c[1].endswith("/meetings")]
    assert len(lists) == 3 and lists[-1][2]["next_page_token"] == "tok4"
    assert zoom.find_created(make_req(creation_ref="zz")) == []
    assert fake_zoom.problems == []


def test_the_tag_is_discreet_and_survives_the_list_truncation(zoom, fake_zoom: FakeZoom) -> None:
    discreet = zoom.create(make_req(agenda="", creation_ref="0f1e2d3c4b5a"))
    assert fake_zoom.meetings[discreet.external_id]["agenda"] == "[0f1e2d3c4b5a]"
    long = zoom.create(make_req(agenda="x" * 1990, creation_ref="99aa"))
    assert fake_zoom.meetings[long.external_id]["agenda"].startswith("[99aa]\n")
    assert len(fake_zoom.meetings[long.external_id]["agenda"]) <= 2000
    assert [r.external_id for r in zoom.find_created(make_req(creation_ref="99aa"))] == [long.external_id]
    assert fake_zoom.problems == []


def test_a_webinar_found_again_still_gets_its_panelists(zoom, fake_zoom: FakeZoom) -> None:
    req = make_req(kind="webinar", creation_ref="feed01", panelists=(("Speaker", "speaker@example.org"),))
    fake_zoom.lose_answer("POST", r"/v2/users/[^/]+/webinars")
    with pytest.raises(Exception):  # noqa: B017 - the lost answer surfaces as a transient error
        zoom.create(req)
    room, duplicates = zoom.create_once(req, recover=True)
    assert duplicates == [] and room.extra["panelists_pending"] is True and room.join_url
    assert creates(fake_zoom) == 1 and len(fake_zoom.meetings) == 1
    assert fake_zoom.problems == []


# --- the worker --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", ["504 after creating", "dropped connection", "read timeout"])
def test_a_lost_answer_does_not_make_a_second_meeting(app, group, zoom_config, fake_zoom: FakeZoom, fault) -> None:
    if fault == "504 after creating":
        fake_zoom.lose_answer("POST", MEETINGS, "status", 504)
    elif fault == "dropped connection":
        fake_zoom.lose_answer("POST", MEETINGS, "drop")
    else:
        app.config["ZOOM_TIMEOUT"] = 0.3
        fake_zoom.delays["POST"] = 0.8
    series = create_series(group, video_provider="zoom", timezone="Asia/Dhaka", rule=RecurrenceRule("weekly", count=3))
    provision_due_rooms()
    room = room_of(series)
    assert room.status == RoomStatus.PENDING and room.external_id is None and room.sync_state[CREATING] is True
    fake_zoom.delays.clear()
    deadline = time.monotonic() + 5
    while not fake_zoom.meetings and time.monotonic() < deadline:  # the slow create finishes at Zoom
        time.sleep(0.05)
    assert len(fake_zoom.meetings) == 1  # Zoom did make it

    run_worker_until_idle()

    room = assert_one_meeting(series, fake_zoom)
    assert creates(fake_zoom) == 1
    assert len(room_of(series).extra) and room.passcode == fake_zoom.meetings[room.external_id]["password"]


def test_duplicates_from_a_stale_list_are_found_and_deleted(group, zoom_config, fake_zoom: FakeZoom) -> None:
    fake_zoom.lose_answer("POST", MEETINGS, times=2)  # two creates whose answers are lost
    fake_zoom.fail("GET", MEETINGS, 200, EMPTY_LIST)  # and a list that does not show the first one yet
    series = create_series(group, video_provider="zoom", timezone="Asia/Dhaka")
    run_worker_until_idle()
    room = assert_one_meeting(series, fake_zoom)
    assert creates(fake_zoom) == 2  # the third pass found both on the list and created nothing
    deleted = [c[1].rsplit("/", 1)[1] for c in fake_zoom.api_calls("DELETE")]
    assert len(deleted) == 1 and int(deleted[0]) > int(room.external_id)  # the oldest kept, the other retired


def test_a_worker_that_dies_after_zoom_answered_leaves_no_orphan(
    app, group, zoom_config, fake_zoom: FakeZoom, monkeypatch
) -> None:
    real_record = provisioning_job._record

    def crash(*args: Any) -> None:
        raise RuntimeError("worker killed before recording")

    monkeypatch.setattr(provisioning_job, "_record", crash)
    series = create_series(group, video_provider="zoom", timezone="Asia/Dhaka")
    provision_due_rooms()
    monkeypatch.setattr(provisioning_job, "_record", real_record)
    assert len(fake_zoom.meetings) == 1 and room_of(series).external_id is None
    lease = int(app.config["ROOM_PROVISION_LEASE_SECONDS"])
    with clock.frozen_at(clock.now() + timedelta(seconds=lease + 1)):
        provision_due_rooms()
        assert_one_meeting(series, fake_zoom)
    assert creates(fake_zoom) == 1


def test_a_lease_lost_during_a_slow_create_leaves_one_meeting(app, group, zoom_config, fake_zoom: FakeZoom) -> None:
    """Worker A claims and is slow; its lease runs out, worker B takes over and makes the meeting; then A's
    create lands too. The room keeps B's meeting and A's is deleted."""
    series = create_series(group, video_provider="zoom", timezone="Asia/Dhaka")
    room_id = room_of(series).id
    start = clock.now()
    token = provisioning_job._claim(room_id, start)
    assert token is not None
    work_a = provisioning_job._snapshot(room_id, token, start)
    db.session.commit()
    lease = int(app.config["ROOM_PROVISION_LEASE_SECONDS"])
    with clock.frozen_at(start + timedelta(seconds=lease + 1)):
        assert provision_one(room_id)  # worker B: looks (A's create has not landed), finds none, creates
        kept = room_of(series).external_id
        outcome = provisioning_job.execute(work_a)  # A's create lands now
        provisioning_job._record(work_a, outcome, clock.now())
        db.session.commit()
        assert len(fake_zoom.meetings) == 2
        run_worker_until_idle()
        room = assert_one_meeting(series, fake_zoom)
    assert room.external_id == kept and creates(fake_zoom) == 2


def test_cancelling_while_a_create_answer_is_lost_deletes_what_zoom_made(
    group, zoom_config, fake_zoom: FakeZoom
) -> None:
    fake_zoom.lose_answer("POST", MEETINGS)
    series = create_series(group, video_provider="zoom", timezone="Asia/Dhaka")
    provision_due_rooms()
    assert len(fake_zoom.meetings) == 1 and room_of(series).external_id is None
    services.cancel_series(series, "Closed")
    db.session.commit()
    run_worker_until_idle()
    room = room_of(series)
    assert fake_zoom.meetings == {} and room.status == RoomStatus.DELETED
    assert "retire" not in room.sync_state and CREATING not in room.sync_state and room.next_attempt_at is None
    assert fake_zoom.problems == []


# --- two workers on PostgreSQL -------------------------------------------------------------------------------

ROOMS = 6


@pytest.mark.postgres
def test_two_workers_racing_through_lost_answers_leave_one_meeting_per_series(
    postgres_url: str, httpserver, fake_zoom: FakeZoom, frozen_now
) -> None:
    fake_zoom.lose_answer("POST", MEETINGS, "status", 504, times=ROOMS // 2)  # every first create is lost
    fake_zoom.lose_answer("POST", MEETINGS, "drop", times=ROOMS - ROOMS // 2)
    fake_zoom.delays["POST"] = 0.05  # widen the window in which both workers are calling Zoom
    errors: list[BaseException] = []

    def work(app: Any, barrier: threading.Barrier) -> None:
        try:
            with app.app_context():
                barrier.wait()
                while provision_due_rooms():
                    pass
                db.session.remove()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    with zoom_worker_apps(postgres_url, httpserver, ROOMS) as (apps, series_ids):
        instant = clock.now()
        for _ in range(8):  # both workers race, then the clock moves to the next retry, until nothing is due
            with clock.frozen_at(instant):
                barrier = threading.Barrier(2)
                threads = [threading.Thread(target=work, args=(a, barrier)) for a in apps]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join(timeout=60)
            with apps[0].app_context():
                pending = due_times()
                db.session.remove()
            if not pending:
                break
            instant = max(max(pending), instant)
        assert errors == []
        assert fake_zoom.lost_answers == ROOMS
        with apps[0].app_context():
            rooms = db.session.scalars(sa.select(VideoRoom).where(VideoRoom.series_id.in_(series_ids))).all()
            assert {r.status for r in rooms} == {RoomStatus.READY}
            assert sorted(r.external_id for r in rooms) == sorted(fake_zoom.meetings)  # one each, none spare
            for r in rooms:
                assert f"[{r.sync_state[CREATION_REF]}]" in fake_zoom.meetings[r.external_id]["agenda"]
                assert CREATING not in r.sync_state and "retire" not in r.sync_state and r.next_attempt_at is None
        assert creates(fake_zoom) == ROOMS and fake_zoom.api_calls("DELETE") == []
        assert fake_zoom.problems == []
