"""VTIMEZONE components generated from ``zoneinfo`` in the RRULE form clients accept everywhere.

Shape (what Google and Exchange send): one STANDARD and one DAYLIGHT observance, each with a yearly RRULE
and no UNTIL; the onset DTSTART is the first matching date in 1970 at the wall time of the transition
expressed in TZOFFSETFROM (``19700329T020000`` for Amsterdam's spring-forward).  A zone without DST in the
span gets a single STANDARD with TZOFFSETFROM == TZOFFSETTO and no RRULE.  Never RDATE.

How the rule is derived:

* the span is widened to whole calendar years, so that a DST zone always shows both transitions;
* transitions are found by scanning ``utcoffset`` day by day and bisecting to the second;
* DAYLIGHT is the observance with the larger offset (this also handles zones such as Europe/Dublin whose
  tzdata marks winter as negative DST);
* the transition day becomes ``BYDAY=nSU`` / ``BYDAY=-1SU`` when all observed years agree, otherwise
  ``BYDAY=SU;BYMONTHDAY=d..d+6`` ("first Sunday on or after the d-th", e.g. Chile's ``Sun>=2``).

Exact over the whole span in every IANA zone (tests walk every zone hour by hour): every transition in the
span (and the one in force when it starts) belongs to exactly one observance.  Transitions that one yearly
rule describes in consecutive years share an observance with that RRULE, ending in ``UNTIL`` (UTC) when the
rule stops (the US in 2006, Mexico in 2022); a rule still in force at the end is open-ended.  A transition
that follows no yearly rule (Casablanca's Ramadan switches, one-off changes) is an observance of its own
with a DTSTART and no RRULE.  Zones that abolished DST before the span get a single STANDARD.
icalendar's own generator is not used: it puts DAYLIGHT onsets an hour late and writes RDATE lists
(``tests/calendar/test_vtimezone.py::test_icalendar_generator_is_not_exact``).
"""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

__all__ = ["build_vtimezone", "classify_local_time", "clock_changes", "vtimezone_bytes"]

_ONSET_YEAR = 1970
_PROBE_BEFORE_YEARS = 1  # to find the transition in force when the span starts
_PROBE_AFTER_YEARS = 8  # to pin each rule down (every weekday alignment) and see whether it runs on


@dataclass(frozen=True)
class _Transition:
    utc: datetime
    before: timedelta
    after: timedelta
    name: str

    @property
    def wall(self) -> datetime:
        """Naive wall time of the transition in the offset in force before it (TZOFFSETFROM)."""
        return (self.utc + self.before).replace(tzinfo=None)

    @property
    def key(self) -> tuple:
        w = self.wall
        return (w.month, w.weekday(), w.time(), self.before, self.after)


@dataclass(frozen=True)
class _YearlyRule:
    month: int
    weekday: int
    at: time
    nth: int | None  # 1..4 or -1 for "last"; None => first weekday on or after ``monthday``
    monthday: int = 1

    def day(self, year: int) -> date:
        if self.nth == -1:
            last = date(year, self.month, calendar.monthrange(year, self.month)[1])
            return last - timedelta(days=(last.weekday() - self.weekday) % 7)
        first = date(year, self.month, self.monthday if self.nth is None else 7 * (self.nth - 1) + 1)
        return first + timedelta(days=(self.weekday - first.weekday()) % 7)

    def recur(self) -> vRecur:
        byday = calendar.day_abbr[self.weekday][:2].upper()
        parts: dict = {"FREQ": "YEARLY", "BYMONTH": self.month}
        if self.nth is None:
            parts["BYDAY"] = byday
            parts["BYMONTHDAY"] = list(range(self.monthday, self.monthday + 7))
        else:
            parts["BYDAY"] = f"{self.nth}{byday}"
        return vRecur(parts)


def _aware_utc(value: datetime, zone: ZoneInfo) -> datetime:
    return (value if value.tzinfo else value.replace(tzinfo=zone)).astimezone(UTC)


def _find_transitions(zone: ZoneInfo, start: datetime, end: datetime) -> list[_Transition]:
    """All offset changes in [start, end) (UTC), each located to the second."""

    def offset(moment: datetime) -> timedelta:
        return moment.astimezone(zone).utcoffset() or timedelta(0)

    found: list[_Transition] = []
    prev, prev_off = start, offset(start)
    while prev < end:
        cur = min(prev + timedelta(days=1), end)
        cur_off = offset(cur)
        if cur_off != prev_off:
            # Invariant: offset(prev + lo seconds) == prev_off != offset(prev + hi seconds).
            lo, hi = 0, int((cur - prev).total_seconds())
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if offset(prev + timedelta(seconds=mid)) == prev_off:
                    lo = mid
                else:
                    hi = mid
            at = prev + timedelta(seconds=hi)
            found.append(_Transition(at, prev_off, cur_off, at.astimezone(zone).tzname() or ""))
        prev, prev_off = cur, cur_off
    return found


def _derive_rule(samples: list[_Transition]) -> _YearlyRule | None:
    """The yearly rule matching every sample, preferring ``nth``/``last`` weekday forms; None if none fits."""
    if len({s.key for s in samples}) != 1 or len({s.wall.year for s in samples}) != len(samples):
        return None
    first = samples[0].wall
    month, weekday, at = first.month, first.weekday(), first.time()
    days = [s.wall.day for s in samples]
    candidates = [_YearlyRule(month, weekday, at, n) for n in (1, 2, 3, 4, -1)]
    candidates.append(_YearlyRule(month, weekday, at, None, max(1, max(days) - 6)))
    for rule in candidates:
        if all(rule.day(s.wall.year) == s.wall.date() for s in samples):
            return rule
    return None


def _runs(trans: list[_Transition]) -> list[list[_Transition]]:
    """Transitions grouped into runs that one yearly rule describes exactly: one per year, consecutive years."""
    runs: list[list[_Transition]] = []
    for t in trans:
        fits = (run for run in reversed(runs) if run[-1].wall.year + 1 == t.wall.year and _derive_rule([*run, t]))
        run = next(fits, None)
        if run is None:
            runs.append([t])
        else:
            run.append(t)
    return runs


def _observance(
    cls: type[TimezoneStandard | TimezoneDaylight],
    name: str,
    before: timedelta,
    after: timedelta,
    onset: datetime,
    rule: _YearlyRule | None = None,
    until: datetime | None = None,
) -> TimezoneStandard | TimezoneDaylight:
    comp = cls()
    comp.add("dtstart", onset)
    if rule is not None:
        recur = rule.recur()
        if until is not None:
            recur["UNTIL"] = until
        comp.add("rrule", recur)
    comp.add("tzoffsetfrom", before)
    comp.add("tzoffsetto", after)
    comp.add("tzname", name)
    return comp


def build_vtimezone(tzid: str, start: datetime, end: datetime) -> Timezone:
    """VTIMEZONE for ``tzid``, exact at every instant of [start, end] (naive values are wall times in ``tzid``)."""
    zone = ZoneInfo(tzid)
    first_year = _aware_utc(start, zone).year
    return Timezone.from_ical(_vtimezone_ical(tzid, first_year, max(first_year, _aware_utc(end, zone).year)))


def vtimezone_bytes(tzid: str, start: datetime, end: datetime) -> bytes:
    """`build_vtimezone(...).to_ical()`, made once per zone and span of years."""
    zone = ZoneInfo(tzid)
    first_year = _aware_utc(start, zone).year
    return _vtimezone_bytes(tzid, first_year, max(first_year, _aware_utc(end, zone).year))


@functools.lru_cache(maxsize=512)
def _vtimezone_bytes(tzid: str, first_year: int, last_year: int) -> bytes:
    return Timezone.from_ical(_vtimezone_ical(tzid, first_year, last_year)).to_ical()


@functools.lru_cache(maxsize=512)
def _vtimezone_ical(tzid: str, first_year: int, last_year: int) -> bytes:
    """Computed once per zone and span of years (feeds and invites for everyone share it)."""
    zone = ZoneInfo(tzid)
    span_from = datetime(first_year, 1, 1, tzinfo=UTC)
    span_to = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    probe_to = span_to.replace(year=last_year + 1 + _PROBE_AFTER_YEARS)
    trans = _find_transitions(zone, datetime(first_year - _PROBE_BEFORE_YEARS, 1, 1, tzinfo=UTC), probe_to)
    in_span = [t for t in trans if span_from <= t.utc < span_to]

    tz = Timezone()
    tz.add("tzid", tzid)
    if not in_span:  # one offset over the whole span (no DST, or DST abolished before it)
        moment = span_to - timedelta(seconds=1)
        offset = moment.astimezone(zone).utcoffset() or timedelta(0)
        name = moment.astimezone(zone).tzname() or ""
        tz.add_component(_observance(TimezoneStandard, name, offset, offset, datetime(_ONSET_YEAR, 1, 1)))  # noqa: DTZ001
        return tz.to_ical()

    # What must be exact: every transition in the span and the last one before it (the offset at its start).
    before_span = [t for t in trans if t.utc < span_from]
    needed = set(in_span + before_span[-1:])
    earliest = min(t.utc for t in needed)
    observances: list[tuple[datetime, TimezoneStandard | TimezoneDaylight]] = []
    for run in _runs(trans):
        if not needed.intersection(run):
            continue
        head, tail = run[0], run[-1]
        cls = TimezoneDaylight if head.after > head.before else TimezoneStandard
        rule = _derive_rule(run) if len(run) > 1 else None
        if rule is None:  # a transition that follows no yearly rule: an observance of its own
            for t in run:
                if t in needed:
                    observances.append((t.utc, _observance(cls, t.name, t.before, t.after, t.wall)))
            continue
        # A rule already in force when the span starts may start in 1970 (the shape clients know); one that ends
        # before the probed future gets an UNTIL at its last transition.
        from_1970 = head.utc <= earliest and head.utc < span_from
        onset = datetime.combine(rule.day(_ONSET_YEAR), rule.at) if from_1970 else head.wall
        until = None if tail.utc >= probe_to - timedelta(days=400) else tail.utc
        observances.append((head.utc, _observance(cls, head.name, head.before, head.after, onset, rule, until)))
    for _, comp in sorted(observances, key=lambda pair: pair[0]):
        tz.add_component(comp)
    return tz.to_ical()


def classify_local_time(tzid: str, local: datetime) -> Literal["ok", "nonexistent", "ambiguous"]:
    """Whether a naive wall time in ``tzid`` falls in a spring gap or happens twice (autumn)."""
    zone = ZoneInfo(tzid)
    naive = local.replace(tzinfo=None)
    early, late = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if early.utcoffset() == late.utcoffset():
        return "ok"
    round_trip = early.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    return "ambiguous" if round_trip == naive else "nonexistent"


@functools.lru_cache(maxsize=1024)
def clock_changes(tzid: str, year: int) -> tuple[datetime, ...]:
    """The UTC instants in ``year`` at which ``tzid`` changes its offset (computed once per zone and year)."""
    span = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    return tuple(t.utc for t in _find_transitions(ZoneInfo(tzid), *span))
