from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from scheduler.integrations import zoom_payload as payload
from scheduler.integrations.base import Recurrence
from scheduler.integrations.zoom import next_utc_midnight
from tests.integrations.fake_zoom import PASSWORD_RE
from tests.integrations.samples import make_req


def test_weekday_mapping() -> None:
    # 0=Monday..6=Sunday -> 1=Sunday..7=Saturday
    assert [payload.zoom_weekday(d) for d in range(7)] == [2, 3, 4, 5, 6, 7, 1]
    with pytest.raises(ValueError):
        payload.zoom_weekday(7)


def test_passcodes() -> None:
    codes = [payload.generate_passcode() for _ in range(300)]
    assert len(set(codes)) == 300
    for code in codes:
        assert len(code) == 10 and PASSWORD_RE.fullmatch(code)
        assert any(c.isdigit() for c in code) and any(c in "@-_*" for c in code)


def test_count_sessions_respects_time_zone_and_dst() -> None:
    # Weekly on Monday 18:30 Berlin; 2024-10-28 is after the DST change (17:30 UTC).
    rec = Recurrence(freq="weekly", weekdays=(0,), until_utc=datetime(2024, 10, 28, 17, 30, tzinfo=UTC))
    assert payload.count_sessions(make_req(recurrence=rec)) == 26
    early = replace(rec, until_utc=datetime(2024, 10, 28, 17, 29, tzinfo=UTC))
    assert payload.count_sessions(make_req(recurrence=early)) == 25
    assert payload.count_sessions(make_req(recurrence=Recurrence(freq="daily"))) is None
    assert payload.count_sessions(make_req()) == 1


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="zone"):
        payload.body_json(make_req(tz="Mars/Olympus"), payload.Plan(2, None, None), "Ab1*")
    with pytest.raises(ValueError, match="naive"):
        payload.start_time(make_req(local_start=datetime(2024, 5, 6, 18, 30, tzinfo=UTC)))
    with pytest.raises(ValueError):
        payload.plan(make_req(recurrence=Recurrence(freq="monthly", monthly_nth=5, monthly_weekday=1, count=2)))


def test_next_utc_midnight() -> None:
    assert next_utc_midnight(datetime(2024, 12, 31, 23, 59, tzinfo=UTC)) == datetime(2025, 1, 1, tzinfo=UTC)
    assert next_utc_midnight(datetime(2024, 5, 2, 0, 0, tzinfo=UTC)) == datetime(2024, 5, 3, tzinfo=UTC)
