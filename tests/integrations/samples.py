"""Shared request builders for the Zoom tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from scheduler.integrations.base import Recurrence, RoomRequest
from tests.integrations.fake_zoom import FakeZoom

HOST = "host.person@example.org"
ALT = "alt.host@example.org"
MEETINGS = r"/v2/users/[^/]+/meetings"


def make_req(**changes: object) -> RoomRequest:
    base = RoomRequest(
        meeting_ref="m-42",
        kind="meeting",
        topic="Weekly meeting",
        agenda="Check-in and sharing.",
        tz="Europe/Berlin",
        local_start=datetime(2024, 5, 6, 18, 30),
        duration_minutes=90,
        host_email=HOST,
        alternative_hosts=(ALT, "second.alt@example.org"),
    )
    return replace(base, **changes)


def weekly(**changes: object) -> Recurrence:
    return replace(Recurrence(freq="weekly", interval=1, weekdays=(1, 3), count=10), **changes)


def sent_body(fake: FakeZoom, method: str = "POST") -> dict:
    return fake.api_calls(method)[-1][3]
