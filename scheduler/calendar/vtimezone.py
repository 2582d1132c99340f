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

If the zone's rules changed within the span, the rule in force for the LATEST part of the span is used
(a zone that abolished DST gets a single STANDARD with its final offset) and a warning is logged: the
VTIMEZONE is then exact only from the last rule change on.  Transitions that follow no yearly rule at all
(Africa/Casablanca's Ramadan switches) cannot be expressed in this form and are approximated the same way.
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

__all__ = ["build_vtimezone", "classify_local_time"]

log = logging.getLogger(__name__)

_ONSET_YEAR = 1970
_EXTEND_YEARS = 14  # years probed beyond the span to pin the rule down (all weekday alignments)


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


def _rule_around(trans: list[_Transition], anchor: _Transition) -> tuple[_YearlyRule, list[_Transition]]:
    """Rule of the anchor's direction, fitted to the longest run of years around it (later years first)."""
    same_dir = [t for t in trans if (t.after > t.before) == (anchor.after > anchor.before)]
    idx = same_dir.index(anchor)
    samples = [anchor]
    wall = anchor.wall  # a single sample always fits the "weekday on or after day d" form:
    rule = _derive_rule(samples) or _YearlyRule(wall.month, wall.weekday(), wall.time(), None, wall.day)
    for step in (1, -1):
        i = idx + step
        while 0 <= i < len(same_dir):
            trial = sorted([*samples, same_dir[i]], key=lambda t: t.utc)
            fitted = _derive_rule(trial)
            if fitted is None:
                break
            samples, rule, i = trial, fitted, i + step
    return rule, samples


def _observance(
    cls: type[TimezoneStandard | TimezoneDaylight],
    name: str,
    before: timedelta,
    after: timedelta,
    rule: _YearlyRule | None,
) -> TimezoneStandard | TimezoneDaylight:
    comp = cls()
    if rule is None:
        comp.add("dtstart", datetime(_ONSET_YEAR, 1, 1))  # noqa: DTZ001 - floating onset by definition
    else:
        comp.add("dtstart", datetime.combine(rule.day(_ONSET_YEAR), rule.at))
        comp.add("rrule", rule.recur())
    comp.add("tzoffsetfrom", before)
    comp.add("tzoffsetto", after)
    comp.add("tzname", name)
    return comp


def build_vtimezone(tzid: str, start: datetime, end: datetime) -> Timezone:
    """VTIMEZONE for ``tzid`` valid over [start, end] (naive values are wall times in ``tzid``)."""
    zone = ZoneInfo(tzid)
    first_year = _aware_utc(start, zone).year
    last_year = max(first_year, _aware_utc(end, zone).year)
    span_from = datetime(first_year, 1, 1, tzinfo=UTC)
    span_to = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    trans = _find_transitions(
        zone,
        datetime(first_year - _EXTEND_YEARS, 1, 1, tzinfo=UTC),
        span_to.replace(year=last_year + 1 + _EXTEND_YEARS),
    )
    in_span = [t for t in trans if span_from <= t.utc < span_to]

    tz = Timezone()
    tz.add("tzid", tzid)
    later = [t for t in trans if t.utc >= span_to]
    # The rule in force at the end of the span: the last transition of each direction before it ends
    # (or just after it, for a span ending before the zone's first transition of the other direction).
    recent = [t for t in trans if t.utc < span_to] + later[:1]
    up = next((t for t in reversed(recent) if t.after > t.before), None)
    down = next((t for t in reversed(recent) if t.after < t.before), None)
    fixed_after_last = bool(in_span) and (not later or later[0].utc - in_span[-1].utc > timedelta(days=400))
    if not in_span or fixed_after_last or up is None or down is None:
        moment = span_to - timedelta(seconds=1)
        offset = moment.astimezone(zone).utcoffset() or timedelta(0)
        if in_span:
            log.warning("%s: DST ends within the span; VTIMEZONE is exact only after %s", tzid, in_span[-1].utc)
        tz.add_component(_observance(TimezoneStandard, moment.astimezone(zone).tzname() or "", offset, offset, None))
        return tz

    up_rule, up_samples = _rule_around(trans, up)
    down_rule, down_samples = _rule_around(trans, down)

    covered = {t.utc for t in up_samples + down_samples}
    if any(t.utc not in covered for t in in_span) or up.after != down.before or down.after != up.before:
        log.warning("%s: rules change within the span; VTIMEZONE follows the latest rule only", tzid)
    tz.add_component(_observance(TimezoneStandard, down.name, down.before, down.after, down_rule))
    tz.add_component(_observance(TimezoneDaylight, up.name, up.before, up.after, up_rule))
    return tz


def classify_local_time(tzid: str, local: datetime) -> Literal["ok", "nonexistent", "ambiguous"]:
    """Whether a naive wall time in ``tzid`` falls in a spring gap or happens twice (autumn)."""
    zone = ZoneInfo(tzid)
    naive = local.replace(tzinfo=None)
    early, late = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if early.utcoffset() == late.utcoffset():
        return "ok"
    round_trip = early.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    return "ambiguous" if round_trip == naive else "nonexistent"
