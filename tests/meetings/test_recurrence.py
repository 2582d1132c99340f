"""Tests for scheduler.meetings.recurrence, cross-checked against recurring_ical_events.

"Today" is taken to be 2026-11-22; every date below is fixed (2026-2031), never the real clock.
"""

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
import recurring_ical_events

from scheduler.locales import is_valid_zone
from scheduler.meetings.recurrence import (
    MAX_COUNT,
    DstProblem,
    Instance,
    RecurrenceError,
    RecurrenceRule,
    align_start,
    count_before,
    dst_problems,
    expand,
    from_rrule,
    local_to_utc,
    to_rrule,
    utc_to_local,
    validate,
    with_until,
)

AMS = "Europe/Amsterdam"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def reference_utc(rrule: str, local_start: datetime, tz: str, a: datetime, b: datetime) -> list[datetime]:
    """Instances in [a, b) according to icalendar + recurring_ical_events (independent code)."""
    text = "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//scheduler tests//EN",
            "BEGIN:VEVENT",
            "UID:series@test",
            "DTSTAMP:20261122T000000Z",
            f"DTSTART;TZID={tz}:{local_start:%Y%m%dT%H%M%S}",
            f"RRULE:{rrule}",
            "SUMMARY:Support group",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )
    events = recurring_ical_events.of(icalendar.Calendar.from_ical(text)).between(a, b)
    starts = sorted(e["DTSTART"].dt.astimezone(UTC) for e in events)
    return [s for s in starts if a <= s < b]


def checked(rrule: str, local_start: datetime, tz: str, a: datetime, b: datetime) -> list[Instance]:
    """Expand with our code, assert it matches the reference, return our instances."""
    ours = expand(rrule, local_start, tz, start=a, end=b)
    assert [i.start_utc for i in ours] == reference_utc(rrule, local_start, tz, a, b)
    for inst in ours:
        assert inst.start_utc.tzinfo is UTC
        assert inst.local_start.tzinfo is None
    return ours


# --- expansion vs. recurring_ical_events ---------------------------------------------------------


def test_weekly_tuesday_amsterdam_keeps_wall_time_across_both_2027_dst_changes():
    got = checked("FREQ=WEEKLY;BYDAY=TU", datetime(2027, 3, 2, 19), AMS, utc(2027, 3, 1), utc(2027, 11, 30))
    assert {(i.local_start.weekday(), i.local_start.time().hour) for i in got} == {(1, 19)}
    by_date = {i.local_start.date(): i.start_utc for i in got}
    assert by_date[date(2027, 3, 23)] == utc(2027, 3, 23, 18)  # CET, before 28 March
    assert by_date[date(2027, 3, 30)] == utc(2027, 3, 30, 17)  # CEST
    assert by_date[date(2027, 10, 26)] == utc(2027, 10, 26, 17)  # still CEST
    assert by_date[date(2027, 11, 2)] == utc(2027, 11, 2, 18)  # CET again after 31 October
    assert len(got) == 39


@pytest.mark.parametrize(
    ("tz", "local_start", "before", "after"),
    [
        # Southern hemisphere: DST ends in April, starts in October (Sydney) / September (Santiago).
        ("Australia/Sydney", datetime(2027, 3, 2, 19), utc(2027, 3, 30, 8), utc(2027, 4, 6, 9)),
        ("America/Santiago", datetime(2027, 3, 2, 19), utc(2027, 3, 30, 22), utc(2027, 4, 6, 23)),
    ],
)
def test_southern_hemisphere_zones(tz, local_start, before, after):
    got = checked("FREQ=WEEKLY;BYDAY=TU", local_start, tz, utc(2027, 1, 1), utc(2028, 1, 1))
    assert all(i.local_start.hour == 19 for i in got)
    starts = [i.start_utc for i in got]
    assert before in starts
    assert after in starts
    assert len({s.hour for s in starts}) == 2  # UTC time moves twice a year


@pytest.mark.parametrize(("tz", "utc_hour"), [("Asia/Dhaka", 13), ("Asia/Jakarta", 12)])
def test_zones_without_dst_have_a_fixed_utc_time(tz, utc_hour):
    got = checked("FREQ=WEEKLY;BYDAY=SA", datetime(2026, 11, 28, 19), tz, utc(2026, 11, 1), utc(2028, 1, 1))
    assert len(got) == 57
    assert {i.start_utc.hour for i in got} == {utc_hour}
    assert dst_problems("FREQ=WEEKLY;BYDAY=SA", datetime(2026, 11, 28, 19), tz) == []


def test_every_two_weeks_on_monday_and_thursday():
    rr = "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH"
    got = checked(rr, datetime(2026, 11, 23, 18, 30), AMS, utc(2026, 11, 1), utc(2027, 5, 1))
    days = [i.local_start.date() for i in got]
    assert days[:5] == [
        date(2026, 11, 23),
        date(2026, 11, 26),
        date(2026, 12, 7),
        date(2026, 12, 10),
        date(2026, 12, 21),
    ]
    assert all(d.weekday() in (0, 3) for d in days)


@pytest.mark.parametrize(
    ("rrule", "local_start", "expected_days"),
    [
        ("FREQ=MONTHLY;BYDAY=1SU", datetime(2026, 12, 6, 10), [6, 3, 7, 7, 4, 2]),
        ("FREQ=MONTHLY;BYDAY=-1FR", datetime(2026, 11, 27, 20), [27, 25, 29, 26, 26, 30]),
        # Day 31 only exists in some months: Nov, Feb, Apr are skipped (RFC 5545), never clamped.
        ("FREQ=MONTHLY;BYMONTHDAY=31", datetime(2026, 10, 31, 17), [31, 31, 31, 31, 31, 31]),
    ],
)
def test_monthly(rrule, local_start, expected_days):
    got = checked(rrule, local_start, AMS, utc(2026, 10, 1), utc(2027, 12, 31))
    assert [i.local_start.day for i in got[:6]] == expected_days
    if "BYMONTHDAY=31" in rrule:
        assert [i.local_start.month for i in got[:6]] == [10, 12, 1, 3, 5, 7]


def test_count_8_therapist_group():
    rr = to_rrule(RecurrenceRule("weekly", weekdays=(2,), count=8), datetime(2027, 1, 6, 18, 30), "Asia/Dhaka")
    assert rr == "FREQ=WEEKLY;BYDAY=WE;COUNT=8"
    got = checked(rr, datetime(2027, 1, 6, 18, 30), "Asia/Dhaka", utc(2026, 1, 1), utc(2030, 1, 1))
    assert len(got) == 8
    assert expand(rr, datetime(2027, 1, 6, 18, 30), "Asia/Dhaka") == got  # finite: no window needed
    assert got[-1].local_start == datetime(2027, 2, 24, 18, 30)
    # COUNT is counted from the series start even when the window starts later.
    assert expand(rr, datetime(2027, 1, 6, 18, 30), "Asia/Dhaka", start=got[5].start_utc) == got[5:]


def test_until_is_inclusive_local_date():
    start = datetime(2027, 3, 2, 19)
    rr = to_rrule(RecurrenceRule("weekly", until=date(2027, 4, 6)), start, AMS)
    assert rr == "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270406T170000Z"  # 19:00 CEST
    got = checked(rr, start, AMS, utc(2027, 1, 1), utc(2028, 1, 1))
    assert got[-1].local_start == datetime(2027, 4, 6, 19)
    assert len(got) == 6


def test_never_ending_rule_with_window_far_in_the_future():
    rr, start = "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", datetime(2026, 11, 23, 19)
    got = checked(rr, start, AMS, utc(2031, 3, 1), utc(2031, 5, 1))
    assert got[0].local_start == datetime(2031, 3, 10, 19)  # 223 weeks after the start: an "off" week
    assert len(got) == 8
    assert expand(rr, start, AMS, start=utc(2031, 3, 1), limit=3) == got[:3]


def test_never_ending_rule_needs_end_or_limit():
    with pytest.raises(ValueError, match="never-ending"):
        expand("FREQ=DAILY", datetime(2026, 11, 23, 9), AMS)
    assert len(expand("FREQ=DAILY", datetime(2026, 11, 23, 9), AMS, limit=5)) == 5


def test_window_far_in_the_future_is_cheap():
    got = expand("FREQ=DAILY", datetime(2026, 11, 23, 9), AMS, start=utc(2099, 6, 1), limit=2)
    assert [i.local_start for i in got] == [datetime(2099, 6, 1, 9), datetime(2099, 6, 2, 9)]


@pytest.mark.parametrize(
    ("rrule", "local_start", "tz"),
    [
        ("FREQ=DAILY", datetime(2027, 3, 20, 7, 30), AMS),
        ("FREQ=DAILY;INTERVAL=3", datetime(2027, 3, 20, 7, 30), "Australia/Sydney"),
        ("FREQ=DAILY;COUNT=20", datetime(2027, 10, 25, 21), AMS),
    ],
)
def test_daily(rrule, local_start, tz):
    got = checked(rrule, local_start, tz, utc(2027, 3, 1), utc(2027, 12, 1))
    assert {i.local_start.time() for i in got} == {local_start.time()}
    steps = {(b.local_start - a.local_start).days for a, b in itertools.pairwise(got)}
    assert steps == {3 if "INTERVAL=3" in rrule else 1}


def test_nonexistent_and_ambiguous_wall_times_match_reference():
    # 02:30 on the last Sunday of March does not exist in Amsterdam; of October it happens twice.
    got = checked("FREQ=MONTHLY;BYDAY=-1SU", datetime(2027, 1, 31, 2, 30), AMS, utc(2027, 1, 1), utc(2028, 1, 1))
    by_month = {i.local_start.month: i.start_utc for i in got}
    assert by_month[3] == utc(2027, 3, 28, 1, 30)  # fold=0: shifted, i.e. 03:30 CEST
    assert by_month[10] == utc(2027, 10, 31, 0, 30)  # fold=0: the first (CEST) 02:30


def test_window_is_half_open_and_one_offs():
    rr, start = "FREQ=WEEKLY;BYDAY=TU", datetime(2027, 1, 5, 19)
    got = expand(rr, start, AMS, start=utc(2027, 1, 12, 18), end=utc(2027, 1, 26, 18))
    assert [i.start_utc for i in got] == [utc(2027, 1, 12, 18), utc(2027, 1, 19, 18)]
    once = expand(None, datetime(2027, 7, 1, 19), AMS)
    assert once == [Instance(datetime(2027, 7, 1, 19), utc(2027, 7, 1, 17))]
    assert expand(None, datetime(2027, 7, 1, 19), AMS, start=utc(2027, 7, 1, 17, 1)) == []
    with pytest.raises(ValueError, match="aware"):
        expand(rr, start, AMS, start=datetime(2027, 1, 1), limit=1)


def test_unaligned_dtstart_is_where_reference_differs():
    # RFC 5545 leaves an unsynchronised DTSTART undefined: recurring_ical_events adds it as an
    # extra instance (and COUNT then counts it), dateutil/our code skips it. align_start fixes it.
    rr, monday = "FREQ=WEEKLY;BYDAY=TU;COUNT=3", datetime(2027, 1, 4, 19)
    a, b = utc(2027, 1, 1), utc(2028, 1, 1)
    assert len(reference_utc(rr, monday, AMS, a, b)) == 4
    assert len(expand(rr, monday, AMS)) == 3
    aligned = align_start(RecurrenceRule("weekly", weekdays=(1,), count=3), monday)
    assert len(checked(rr, aligned, AMS, a, b)) == 3


# --- validation ----------------------------------------------------------------------------------

START = datetime(2026, 11, 24, 19)  # a Tuesday


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        (RecurrenceRule("weekly", interval=0), "interval_range"),
        (RecurrenceRule("weekly", interval=-1), "interval_range"),
        (RecurrenceRule("weekly", interval=53), "interval_range"),
        (RecurrenceRule("monthly", interval=13), "interval_range"),
        (RecurrenceRule("daily", interval=366), "interval_range"),
        (RecurrenceRule("weekly", count=0), "count_range"),
        (RecurrenceRule("weekly", count=10000), "count_range"),
        (RecurrenceRule("weekly", count=MAX_COUNT + 1), "count_range"),
        (RecurrenceRule("weekly", until=date(2026, 11, 23)), "until_before_start"),
        # Start Tuesday, only Fridays: the first session (27th) is after the until date.
        (RecurrenceRule("weekly", weekdays=(4,), until=date(2026, 11, 25)), "until_before_start"),
        (RecurrenceRule("weekly", count=3, until=date(2027, 1, 1)), "count_and_until"),
        (RecurrenceRule("weekly", weekdays=(7,)), "weekday_range"),
        (RecurrenceRule("weekly", weekdays=(-1,)), "weekday_range"),
        (RecurrenceRule("monthly", monthly_mode="weekday", monthly_nth=5, monthly_weekday=6), "nth_range"),
        (RecurrenceRule("monthly", monthly_mode="weekday", monthly_nth=0, monthly_weekday=6), "nth_range"),
        (
            RecurrenceRule("monthly", monthly_mode="weekday", monthly_nth=1, monthly_weekday=9),
            "weekday_range",
        ),
        (RecurrenceRule("monthly", monthly_mode="monthday", monthly_day=32), "monthday_range"),
        (RecurrenceRule("monthly", monthly_day=0), "monthday_range"),
        (RecurrenceRule("yearly"), "freq_unknown"),  # type: ignore[arg-type]
    ],
)
def test_validate_errors(rule, code):
    with pytest.raises(RecurrenceError) as exc:
        validate(rule, START)
    assert exc.value.code == code
    with pytest.raises(RecurrenceError):
        to_rrule(rule, START, AMS)


def test_validate_error_params_and_valid_rules():
    with pytest.raises(RecurrenceError) as exc:
        validate(RecurrenceRule("weekly", interval=0), START)
    assert exc.value.params == {"value": 0, "min": 1, "max": 52}
    assert isinstance(exc.value, ValueError)
    for rule in [
        RecurrenceRule("once"),
        RecurrenceRule("daily", interval=365),
        RecurrenceRule("weekly", interval=52, count=MAX_COUNT),
        RecurrenceRule("weekly", until=START.date()),
        RecurrenceRule("monthly", interval=12),
    ]:
        validate(rule, START, AMS)


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "local", "../etc/passwd"])
def test_unknown_zone(zone):
    with pytest.raises(RecurrenceError) as exc:
        validate(RecurrenceRule("weekly"), START, zone)
    assert exc.value.code == "unknown_zone"
    with pytest.raises(RecurrenceError):
        expand("FREQ=WEEKLY", START, zone, limit=1)


@pytest.mark.parametrize(
    "name", ["Europe/Amsterdam", "Asia/Dhaka", "Asia/Jakarta", "America/Santiago", "UTC", "Etc/GMT+5"]
)
def test_is_valid_zone_accepts(name):
    assert is_valid_zone(name)


@pytest.mark.parametrize(
    "name",
    [
        "",
        "local",
        "localtime",
        "posixrules",
        "Europe",
        "europe/amsterdam",
        "/etc/localtime",
        "../etc/passwd",
        "Europe/../UTC",
        "Europe/Amsterdam/",
        "Europe/Amsterdam\x00",
        "Mars/Olympus",
        None,
    ],
)
def test_is_valid_zone_rejects(name):
    assert is_valid_zone(name) is False


# --- align_start ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "given", "expected"),
    [
        (RecurrenceRule("weekly", weekdays=(3,)), datetime(2026, 11, 23, 19), datetime(2026, 11, 26, 19)),
        (RecurrenceRule("weekly", weekdays=(0, 3)), datetime(2026, 11, 27, 19), datetime(2026, 11, 30, 19)),
        (RecurrenceRule("weekly", weekdays=(0, 3)), datetime(2026, 11, 26, 19), datetime(2026, 11, 26, 19)),
        (RecurrenceRule("weekly"), datetime(2026, 11, 22, 10), datetime(2026, 11, 22, 10)),
        (
            RecurrenceRule("monthly", monthly_mode="weekday", monthly_nth=1, monthly_weekday=6),
            datetime(2026, 11, 22, 10),
            datetime(2026, 12, 6, 10),
        ),
        (
            RecurrenceRule("monthly", monthly_mode="weekday", monthly_nth=-1, monthly_weekday=4),
            datetime(2026, 11, 22, 20),
            datetime(2026, 11, 27, 20),
        ),
        (
            RecurrenceRule("monthly", monthly_mode="monthday", monthly_day=31),
            datetime(2027, 4, 5, 17),
            datetime(2027, 5, 31, 17),
        ),
        (
            RecurrenceRule("monthly", monthly_mode="monthday", monthly_day=30),
            datetime(2027, 2, 1, 17),
            datetime(2027, 3, 30, 17),
        ),
        (RecurrenceRule("daily"), datetime(2026, 11, 22, 7, 45), datetime(2026, 11, 22, 7, 45)),
        (RecurrenceRule("once"), datetime(2026, 11, 22, 7, 45), datetime(2026, 11, 22, 7, 45)),
    ],
)
def test_align_start(rule, given, expected):
    assert align_start(rule, given) == expected


# --- RRULE text ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "local_start", "tz", "text"),
    [
        (RecurrenceRule("once"), datetime(2026, 12, 1, 19), AMS, None),
        (RecurrenceRule("weekly", weekdays=(1,)), datetime(2026, 12, 1, 19), AMS, "FREQ=WEEKLY;BYDAY=TU"),
        (
            RecurrenceRule("weekly", interval=2, weekdays=(0, 3), count=8),
            datetime(2026, 11, 23, 19),
            AMS,
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;COUNT=8",
        ),
        (
            RecurrenceRule("monthly", monthly_mode="weekday", monthly_nth=-1, monthly_weekday=4),
            datetime(2026, 11, 27, 20),
            AMS,
            "FREQ=MONTHLY;BYDAY=-1FR",
        ),
        (
            RecurrenceRule("monthly", monthly_mode="weekday", monthly_nth=1, monthly_weekday=6),
            datetime(2026, 12, 6, 10),
            AMS,
            "FREQ=MONTHLY;BYDAY=1SU",
        ),
        (
            RecurrenceRule("monthly", monthly_mode="monthday", monthly_day=15, until=date(2027, 1, 1)),
            datetime(2026, 12, 15, 18),
            AMS,
            "FREQ=MONTHLY;BYMONTHDAY=15;UNTIL=20270101T170000Z",
        ),
        (
            RecurrenceRule("daily", interval=3),
            datetime(2026, 11, 22, 7),
            "Asia/Jakarta",
            "FREQ=DAILY;INTERVAL=3",
        ),
        (
            RecurrenceRule("daily", until=date(2027, 7, 1)),
            datetime(2026, 11, 22, 19),
            "Asia/Dhaka",
            "FREQ=DAILY;UNTIL=20270701T130000Z",
        ),
    ],
)
def test_to_rrule_and_back(rule, local_start, tz, text):
    assert to_rrule(rule, local_start, tz) == text
    assert from_rrule(text, local_start, tz) == rule


def test_to_rrule_fills_defaults_from_start():
    tue = datetime(2026, 11, 24, 19)
    assert to_rrule(RecurrenceRule("weekly"), tue, AMS) == "FREQ=WEEKLY;BYDAY=TU"
    assert to_rrule(RecurrenceRule("weekly", weekdays=(3, 0, 3)), tue, AMS) == "FREQ=WEEKLY;BYDAY=MO,TH"
    assert to_rrule(RecurrenceRule("monthly"), tue, AMS) == "FREQ=MONTHLY;BYMONTHDAY=24"
    assert to_rrule(RecurrenceRule("monthly", monthly_mode="weekday"), tue, AMS) == "FREQ=MONTHLY;BYDAY=4TU"
    last = datetime(2026, 12, 29, 19)  # fifth Tuesday -> "last Tuesday"
    assert to_rrule(RecurrenceRule("monthly", monthly_mode="weekday"), last, AMS) == "FREQ=MONTHLY;BYDAY=-1TU"


@pytest.mark.parametrize(
    "text",
    [
        "FREQ=YEARLY",
        "FREQ=WEEKLY;BYHOUR=9",
        "FREQ=MONTHLY;BYDAY=FR",
        "FREQ=MONTHLY;BYDAY=1MO,3MO",
        "FREQ=MONTHLY;BYDAY=-1SU;BYSETPOS=1",
        "FREQ=WEEKLY;WKST=SU;BYDAY=MO,SA",
        "FREQ=DAILY;BYDAY=MO",
        "FREQ=WEEKLY;BYDAY=XX",
        "garbage",
    ],
)
def test_from_rrule_rejects_what_the_form_cannot_show(text):
    with pytest.raises(RecurrenceError) as exc:
        from_rrule(text, START, AMS)
    assert exc.value.code in {"unsupported_rule", "invalid_rrule"}


def test_from_rrule_accepts_equivalent_spellings():
    rule = from_rrule("RRULE:FREQ=MONTHLY;BYDAY=+1SU;WKST=MO", datetime(2026, 12, 6, 10), AMS)
    assert rule == RecurrenceRule("monthly", monthly_mode="weekday", monthly_nth=1, monthly_weekday=6)
    assert from_rrule("FREQ=MONTHLY", datetime(2026, 12, 6, 10), AMS).monthly_day == 6
    assert from_rrule("FREQ=WEEKLY;BYDAY=TH,MO", START, AMS).weekdays == (0, 3)


# --- splitting a series ("this and following") --------------------------------------------------


def test_split_count_series_with_with_until_and_count_before():
    tz, start = AMS, datetime(2027, 3, 2, 19)
    rule = RecurrenceRule("weekly", weekdays=(1,), count=10)
    rr = to_rrule(rule, start, tz)
    everything = expand(rr, start, tz)
    split = everything[4]  # 2027-03-30, the first session after the DST change
    done = count_before(rr, start, tz, split.start_utc)
    assert done == 4

    old = with_until(rr, split.start_utc - timedelta(seconds=1))
    assert old == "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270330T165959Z"
    new = to_rrule(replace(rule, count=rule.count - done), split.local_start, tz)
    assert new == "FREQ=WEEKLY;BYDAY=TU;COUNT=6"
    assert expand(old, start, tz) == everything[:4]
    assert expand(new, split.local_start, tz) == everything[4:]
    assert [i.start_utc for i in expand(old, start, tz)] == reference_utc(
        old, start, tz, utc(2027, 1, 1), utc(2028, 1, 1)
    )

    # The edit form shows the last date whose 19:00 is before UNTIL (Monday 29th, no session then);
    # saving it again must not resurrect the split session on Tuesday 30th.
    reread = from_rrule(old, start, tz)
    assert reread.until == date(2027, 3, 29)
    assert expand(to_rrule(reread, start, tz), start, tz) == everything[:4]


def test_split_never_ending_series():
    rr, start = "FREQ=DAILY", datetime(2026, 11, 23, 8)
    split = utc(2026, 12, 1, 7)  # 08:00 CET on 1 December
    old = with_until(rr, split - timedelta(microseconds=1))
    assert old == "FREQ=DAILY;UNTIL=20261201T065959Z"
    assert count_before(rr, start, AMS, split) == 8
    assert len(expand(old, start, AMS)) == 8
    assert with_until("FREQ=DAILY;UNTIL=20300101T000000Z", split) == "FREQ=DAILY;UNTIL=20261201T070000Z"
    with pytest.raises(ValueError, match="aware"):
        with_until(rr, datetime(2026, 12, 1, 8))


# --- DST problems --------------------------------------------------------------------------------


def test_dst_problems_amsterdam_last_sunday_0230():
    rr, start = "FREQ=MONTHLY;BYDAY=-1SU", datetime(2027, 1, 31, 2, 30)
    assert dst_problems(rr, start, AMS, horizon_years=1) == [
        DstProblem(datetime(2027, 3, 28, 2, 30), "nonexistent"),
        DstProblem(datetime(2027, 10, 31, 2, 30), "ambiguous"),
    ]
    problems = dst_problems(rr, start, AMS)  # default 5-year horizon
    assert [p.kind for p in problems] == ["nonexistent", "ambiguous"] * 5
    assert dst_problems(rr, datetime(2027, 1, 31, 19), AMS) == []
    assert dst_problems(rr, start, "Asia/Dhaka") == []
    assert dst_problems(None, datetime(2027, 3, 28, 2, 30), AMS) == [
        DstProblem(datetime(2027, 3, 28, 2, 30), "nonexistent")
    ]


def test_dst_problems_southern_hemisphere_and_limit():
    # Chile: clocks jump 00:00 -> 01:00 on 5 Sep 2027 and fall back 00:00 -> 23:00 on 4 Apr 2027.
    assert dst_problems("FREQ=DAILY", datetime(2027, 1, 1, 0, 30), "America/Santiago", horizon_years=1) == [
        DstProblem(datetime(2027, 9, 5, 0, 30), "nonexistent")
    ]
    assert dst_problems("FREQ=DAILY", datetime(2027, 1, 1, 23, 30), "America/Santiago", horizon_years=1) == [
        DstProblem(datetime(2027, 4, 3, 23, 30), "ambiguous")
    ]
    assert dst_problems("FREQ=DAILY", datetime(2027, 1, 1, 2, 30), AMS, limit=30) == []


# --- conversions ---------------------------------------------------------------------------------


def test_local_utc_conversions():
    assert local_to_utc(datetime(2027, 7, 1, 19), AMS) == utc(2027, 7, 1, 17)
    assert local_to_utc(datetime(2027, 1, 1, 19), "Asia/Dhaka") == utc(2027, 1, 1, 13)
    assert utc_to_local(utc(2027, 1, 1, 12), "Asia/Jakarta") == datetime(2027, 1, 1, 19)
    assert utc_to_local(utc(2027, 10, 31, 1, 30), AMS) == datetime(2027, 10, 31, 2, 30)  # second 02:30
    assert utc_to_local(utc(2027, 10, 31, 1, 30), AMS).tzinfo is None
    with pytest.raises(ValueError, match="naive"):
        local_to_utc(utc(2027, 1, 1), AMS)
    with pytest.raises(ValueError, match="aware"):
        utc_to_local(datetime(2027, 1, 1), AMS)
