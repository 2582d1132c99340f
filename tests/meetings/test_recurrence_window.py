"""Expanding from a window start gives exactly the instances a walk from the first session gives (also across
daylight-saving changes, with intervals, unaligned starts and UNTIL), without walking from the first session."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.meetings import recurrence
from scheduler.meetings.recurrence import expand, local_to_utc

ZONES = ["Europe/Amsterdam", "America/New_York", "America/Santiago", "Australia/Sydney", "Asia/Dhaka", "UTC"]
TIMES = [time(0, 30), time(1, 30), time(2, 0), time(2, 30), time(19, 0), time(23, 45)]
RULES = [
    "FREQ=DAILY",
    "FREQ=DAILY;INTERVAL=3",
    "FREQ=WEEKLY;BYDAY=TU",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH",
    "FREQ=WEEKLY;INTERVAL=3;BYDAY=SU,SA",
    "FREQ=WEEKLY",
    "FREQ=MONTHLY;BYDAY=-1SU",
    "FREQ=MONTHLY;INTERVAL=2;BYDAY=2WE",
    "FREQ=MONTHLY;BYMONTHDAY=31",
    "FREQ=MONTHLY;INTERVAL=5;BYMONTHDAY=30",
    "FREQ=MONTHLY",
    "FREQ=WEEKLY;BYDAY=WE;UNTIL=20310101T000000Z",
    "FREQ=WEEKLY;BYDAY=FR;COUNT=300",
]


def walked_from_the_first_session(rrule: str, local_start: datetime, tz: str, start: datetime, end: datetime):
    """The reference: every instance from DTSTART, filtered to the window."""
    return [i for i in expand(rrule, local_start, tz, end=end) if i.start_utc >= start]


@settings(max_examples=300, deadline=None)
@given(
    rrule=st.sampled_from(RULES),
    tz=st.sampled_from(ZONES),
    first=st.dates(date(2020, 1, 1), date(2027, 12, 31)),
    at=st.sampled_from(TIMES),
    offset_days=st.integers(-30, 2500),
    offset_minutes=st.integers(0, 24 * 60),
    length_days=st.integers(1, 120),
)
def test_a_window_gives_the_instances_of_the_full_walk(rrule, tz, first, at, offset_days, offset_minutes, length_days):
    local_start = datetime.combine(first, at)
    start = local_to_utc(local_start, tz) + timedelta(days=offset_days, minutes=offset_minutes)
    end = start + timedelta(days=length_days)
    assert expand(rrule, local_start, tz, start=start, end=end) == walked_from_the_first_session(
        rrule, local_start, tz, start, end
    )


def test_a_window_years_after_the_first_session_does_not_walk_from_it(monkeypatch):
    seen: list[datetime] = []
    original = recurrence._rule

    def recording(text: str, dtstart: datetime):
        seen.append(dtstart)
        return original(text, dtstart)

    monkeypatch.setattr(recurrence, "_rule", recording)
    start = datetime(2030, 3, 31, tzinfo=UTC)
    got = expand("FREQ=WEEKLY;BYDAY=SU", datetime(2001, 1, 7, 2, 30), "Europe/Amsterdam", start=start, limit=2)
    # 2030-03-31 02:30 does not exist in Amsterdam: the instance is at 03:30 CEST (01:30 UTC), like the full walk.
    assert [i.start_utc for i in got] == [
        datetime(2030, 3, 31, 1, 30, tzinfo=UTC),
        datetime(2030, 4, 7, 0, 30, tzinfo=UTC),
    ]
    assert seen and seen[-1] >= datetime(2030, 3, 1)
    reference = rrulestr("FREQ=WEEKLY;BYDAY=SU;WKST=MO", dtstart=datetime(2001, 1, 7, 2, 30))
    assert [i.local_start for i in got] == reference.between(datetime(2030, 3, 30), datetime(2030, 4, 8))
