"""VTIMEZONE generation: form, and agreement with zoneinfo hour by hour via an independent evaluator."""

from __future__ import annotations

import bisect
import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from icalendar import Component

from scheduler.calendar.vtimezone import build_vtimezone, classify_local_time

SPAN = (datetime(2026, 1, 1), datetime(2031, 12, 31, 23))
MAIN_ZONES = [
    "Europe/Amsterdam",
    "America/New_York",
    "Australia/Sydney",
    "America/Santiago",
    "Asia/Dhaka",
    "Asia/Jakarta",
]
MORE_ZONES = [
    "Europe/Dublin",
    "Pacific/Auckland",
    "Asia/Kolkata",
    "Europe/London",
    "America/Sao_Paulo",
    "UTC",
]
NO_DST = {"Asia/Dhaka", "Asia/Jakarta", "Asia/Kolkata", "America/Sao_Paulo", "UTC"}


class VTimezoneEvaluator:
    """UTC offset defined by a serialized VTIMEZONE: dateutil.rrule over each observance's onset/RRULE."""

    def __init__(self, vtimezone_ics: bytes, until: datetime) -> None:
        comp = Component.from_ical(vtimezone_ics)
        assert comp.name == "VTIMEZONE"
        self.observances = [c for c in comp.subcomponents if c.name in ("STANDARD", "DAYLIGHT")]
        onsets: list[tuple[datetime, timedelta]] = []
        for obs in self.observances:
            onset: datetime = obs["DTSTART"].dt
            assert onset.tzinfo is None, "onset DTSTART must be a local (floating) time"
            offset_from, offset_to = obs["TZOFFSETFROM"].td, obs["TZOFFSETTO"].td
            if "RRULE" in obs:
                rule = rrulestr(obs["RRULE"].to_ical().decode(), dtstart=onset)
                local_onsets = rule.between(onset, until + timedelta(days=2), inc=True)
            else:
                local_onsets = [onset]
            onsets += [((local - offset_from).replace(tzinfo=UTC), offset_to) for local in local_onsets]
        onsets.sort()
        self._instants = [instant for instant, _ in onsets]
        self._offsets = [offset for _, offset in onsets]
        self._before_first = self.observances[0]["TZOFFSETFROM"].td

    def utcoffset(self, moment: datetime) -> timedelta:
        i = bisect.bisect_right(self._instants, moment)
        return self._offsets[i - 1] if i else self._before_first


def zoneinfo_transitions(zone: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """Offset changes found independently: hourly scan, then minute-by-minute inside the changing hour."""
    found, moment, offset = [], start, start.astimezone(zone).utcoffset()
    while moment < end:
        nxt = moment + timedelta(hours=1)
        if nxt.astimezone(zone).utcoffset() != offset:
            minute = moment
            while minute.astimezone(zone).utcoffset() == offset:
                minute += timedelta(minutes=1)
            found.append(minute)
            offset = nxt.astimezone(zone).utcoffset()
        moment = nxt
    return found


def assert_agrees_hourly(tzid: str, start: datetime, end: datetime) -> None:
    zone = ZoneInfo(tzid)
    ics = build_vtimezone(tzid, start, end).to_ical()
    evaluator = VTimezoneEvaluator(ics, end)
    utc_start, utc_end = start.replace(tzinfo=zone).astimezone(UTC), end.replace(tzinfo=zone).astimezone(UTC)
    moment, mismatches = utc_start, []
    while moment <= utc_end:
        if evaluator.utcoffset(moment) != moment.astimezone(zone).utcoffset():
            mismatches.append(moment)
        moment += timedelta(hours=1)
    # Exactly at each real transition and one second before it (catches onsets an hour late/early).
    for instant in zoneinfo_transitions(zone, utc_start, utc_end):
        for probe in (instant - timedelta(seconds=1), instant):
            if evaluator.utcoffset(probe) != probe.astimezone(zone).utcoffset():
                mismatches.append(probe)
    assert not mismatches, f"{tzid}: VTIMEZONE disagrees with zoneinfo at {mismatches[:5]}\n{ics.decode()}"


def observances(tzid: str, start: datetime = SPAN[0], end: datetime = SPAN[1]) -> dict[str, Component]:
    tz = build_vtimezone(tzid, start, end)
    names = [c.name for c in tz.subcomponents]
    assert len(names) == len(set(names)), names
    return {c.name: c for c in tz.subcomponents}


@pytest.mark.parametrize("tzid", MAIN_ZONES + MORE_ZONES)
def test_agrees_with_zoneinfo_hour_by_hour(tzid: str) -> None:
    assert_agrees_hourly(tzid, *SPAN)


@pytest.mark.parametrize("tzid", ["America/New_York", "Australia/Sydney", "America/Santiago"])
def test_no_2038_cutoff(tzid: str) -> None:
    assert_agrees_hourly(tzid, datetime(2036, 6, 1), datetime(2041, 6, 1))
    tz_text = build_vtimezone(tzid, datetime(2036, 6, 1), datetime(2041, 6, 1)).to_ical()
    assert b"UNTIL" not in tz_text and b"RDATE" not in tz_text


@pytest.mark.parametrize("tzid", MAIN_ZONES + MORE_ZONES)
def test_form(tzid: str) -> None:
    tz = build_vtimezone(tzid, *SPAN)
    text = tz.to_ical().decode()
    assert "RDATE" not in text
    assert str(tz["TZID"]) == tzid
    obs = observances(tzid)
    for comp in obs.values():
        for prop in ("DTSTART", "TZOFFSETFROM", "TZOFFSETTO", "TZNAME"):
            assert prop in comp, (tzid, comp.name, prop)
    if tzid in NO_DST:
        assert list(obs) == ["STANDARD"]
        (std,) = obs.values()
        assert std["TZOFFSETFROM"].td == std["TZOFFSETTO"].td
        assert "RRULE" not in std
    else:
        assert set(obs) == {"STANDARD", "DAYLIGHT"}
        assert "RRULE" in obs["STANDARD"] and "RRULE" in obs["DAYLIGHT"]
        assert obs["DAYLIGHT"]["TZOFFSETTO"].td > obs["STANDARD"]["TZOFFSETTO"].td
        assert obs["DAYLIGHT"]["TZOFFSETFROM"].td == obs["STANDARD"]["TZOFFSETTO"].td
        for comp in obs.values():
            recur = comp["RRULE"].to_ical().decode()
            assert recur.startswith("FREQ=YEARLY;") and "UNTIL" not in recur and "COUNT" not in recur


@pytest.mark.parametrize(
    ("tzid", "kind", "onset", "rrule"),
    [
        ("Europe/Amsterdam", "DAYLIGHT", "19700329T020000", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"),
        ("Europe/Amsterdam", "STANDARD", "19701025T030000", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"),
        ("America/New_York", "DAYLIGHT", "19700308T020000", "FREQ=YEARLY;BYDAY=2SU;BYMONTH=3"),
        ("America/New_York", "STANDARD", "19701101T020000", "FREQ=YEARLY;BYDAY=1SU;BYMONTH=11"),
        ("Australia/Sydney", "DAYLIGHT", "19701004T020000", "FREQ=YEARLY;BYDAY=1SU;BYMONTH=10"),
        ("Australia/Sydney", "STANDARD", "19700405T030000", "FREQ=YEARLY;BYDAY=1SU;BYMONTH=4"),
        # Chile switches on the first Sunday on or after the 2nd (tzdata "Sun>=2"): in 2030 that is Sep 8,
        # not the first Sunday, so the exact rule needs BYMONTHDAY.
        (
            "America/Santiago",
            "DAYLIGHT",
            "19700906T000000",
            "FREQ=YEARLY;BYDAY=SU;BYMONTHDAY=2,3,4,5,6,7,8;BYMONTH=9",
        ),
        (
            "America/Santiago",
            "STANDARD",
            "19700405T000000",
            "FREQ=YEARLY;BYDAY=SU;BYMONTHDAY=2,3,4,5,6,7,8;BYMONTH=4",
        ),
    ],
)
def test_known_rules_and_onsets(tzid: str, kind: str, onset: str, rrule: str) -> None:
    comp = observances(tzid)[kind]
    assert comp["DTSTART"].to_ical().decode() == onset
    assert comp["RRULE"].to_ical().decode() == rrule


def test_dhaka_single_standard() -> None:
    text = build_vtimezone("Asia/Dhaka", *SPAN).to_ical().decode()
    assert text.count("BEGIN:STANDARD") == 1 and "DAYLIGHT" not in text
    assert "TZOFFSETFROM:+0600\r\n" in text and "TZOFFSETTO:+0600\r\n" in text and "RRULE" not in text


def test_short_summer_span_still_gets_both_observances() -> None:
    obs = observances("Europe/Amsterdam", datetime(2026, 6, 2, 19), datetime(2026, 6, 30, 20))
    assert set(obs) == {"STANDARD", "DAYLIGHT"}


def test_aware_span_bounds_accepted() -> None:
    zone = ZoneInfo("America/New_York")
    start, end = datetime(2026, 1, 1, tzinfo=zone), datetime(2028, 1, 1, tzinfo=UTC)
    assert set(observances("America/New_York", start, end)) == {"STANDARD", "DAYLIGHT"}


def test_rule_change_within_span_uses_latest_rule(caplog: pytest.LogCaptureFixture) -> None:
    # Mexico abolished DST on 2022-10-30: the latest part of the span has a fixed -06:00.
    with caplog.at_level(logging.WARNING, logger="scheduler.calendar.vtimezone"):
        obs = observances("America/Mexico_City", datetime(2021, 1, 1), datetime(2024, 12, 31))
    assert list(obs) == ["STANDARD"] and obs["STANDARD"]["TZOFFSETTO"].td == timedelta(hours=-6)
    assert "America/Mexico_City" in caplog.text
    assert_agrees_hourly("America/Mexico_City", datetime(2022, 11, 1), datetime(2024, 12, 31))

    # The US changed rules in 2007: a 2005-2009 span follows the 2007+ rule (2nd Sunday of March).
    obs = observances("America/New_York", datetime(2005, 1, 1), datetime(2009, 12, 31))
    assert obs["DAYLIGHT"]["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=2SU;BYMONTH=3"
    assert_agrees_hourly("America/New_York", datetime(2007, 1, 1), datetime(2009, 12, 31))


@pytest.mark.parametrize(
    ("tzid", "local", "expected"),
    [
        ("Europe/Amsterdam", datetime(2026, 3, 29, 2, 30), "nonexistent"),
        ("Europe/Amsterdam", datetime(2026, 10, 25, 2, 30), "ambiguous"),
        ("Europe/Amsterdam", datetime(2026, 10, 25, 19, 0), "ok"),
        ("America/Santiago", datetime(2026, 9, 6, 0, 30), "nonexistent"),
        ("Asia/Dhaka", datetime(2026, 3, 29, 2, 30), "ok"),
    ],
)
def test_classify_local_time(tzid: str, local: datetime, expected: str) -> None:
    assert classify_local_time(tzid, local) == expected
