"""Recurrence rules for meeting series: validation, RRULE text and DST-safe expansion.

A series is stored as an RFC 5545 RRULE (without DTSTART; ``None`` for a one-off), the naive
local wall-clock start of the first session and an IANA zone name. Expansion runs over naive
local datetimes and attaches the zone afterwards, so 19:00 Amsterdam stays 19:00 Amsterdam.
Pure module: no Flask, no database.
"""

from __future__ import annotations

import calendar
import dataclasses
import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule as RRule
from dateutil.rrule import rrulestr

from scheduler.locales import is_valid_zone

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # index 0 = Monday, like date.weekday()
INTERVAL_LIMITS = {"daily": 365, "weekly": 52, "monthly": 12}
MAX_COUNT = 500
_FREQS = {"once": None, "daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY"}


@dataclass(frozen=True)
class RecurrenceRule:
    freq: Literal["once", "daily", "weekly", "monthly"]
    interval: int = 1
    weekdays: tuple[int, ...] = ()  # weekly: 0=Mon..6=Sun; empty => the start date's weekday
    monthly_mode: Literal["weekday", "monthday"] | None = None  # None => "monthday"
    monthly_nth: int | None = None  # 1..4 or -1 (last), for monthly_mode="weekday"
    monthly_weekday: int | None = None  # 0..6, for monthly_mode="weekday"
    monthly_day: int | None = None  # 1..31, for monthly_mode="monthday"
    count: int | None = None  # end after N sessions
    until: date | None = None  # end on this LOCAL date (inclusive)


class RecurrenceError(ValueError):
    """Invalid rule; ``code`` and ``params`` let the UI show a translated message."""

    def __init__(self, code: str, params: dict | None = None) -> None:
        self.code = code
        self.params = dict(params or {})
        super().__init__(f"{code}: {self.params}" if self.params else code)


@dataclass(frozen=True)
class Instance:
    local_start: datetime  # naive, wall clock in the meeting zone
    start_utc: datetime  # aware UTC


@dataclass(frozen=True)
class DstProblem:
    local_start: datetime
    kind: Literal["nonexistent", "ambiguous"]


# --- zones -----------------------------------------------------------------------------------


def _zone(tz: str) -> ZoneInfo:
    if not is_valid_zone(tz):
        raise RecurrenceError("unknown_zone", {"zone": tz})
    return ZoneInfo(tz)


def local_to_utc(local: datetime, tz: str) -> datetime:
    """Naive wall time in ``tz`` -> aware UTC (a time in a DST gap uses fold=0, so it shifts)."""
    if local.tzinfo is not None:
        raise ValueError("local datetime must be naive")
    return local.replace(tzinfo=_zone(tz)).astimezone(UTC)


def utc_to_local(utc: datetime, tz: str) -> datetime:
    """Aware datetime -> naive wall time in ``tz``."""
    if utc.tzinfo is None:
        raise ValueError("utc datetime must be aware")
    return utc.astimezone(_zone(tz)).replace(tzinfo=None)


# --- rule objects ----------------------------------------------------------------------------


def _normalized(rule: RecurrenceRule, local_start: datetime) -> RecurrenceRule:
    """Fill the defaults that come from the start date."""
    if rule.freq == "weekly":
        return dataclasses.replace(rule, weekdays=tuple(sorted(set(rule.weekdays or (local_start.weekday(),)))))
    if rule.freq != "monthly":
        return rule
    if rule.monthly_mode == "weekday":
        nth = (local_start.day - 1) // 7 + 1
        return dataclasses.replace(
            rule,
            monthly_nth=rule.monthly_nth if rule.monthly_nth is not None else (nth if nth <= 4 else -1),
            monthly_weekday=(rule.monthly_weekday if rule.monthly_weekday is not None else local_start.weekday()),
        )
    return dataclasses.replace(
        rule,
        monthly_mode="monthday",
        monthly_day=local_start.day if rule.monthly_day is None else rule.monthly_day,
    )


def validate(rule: RecurrenceRule, local_start: datetime, tz: str | None = None) -> None:
    """Raise RecurrenceError if the rule (and optionally the zone) is unusable."""
    if tz is not None:
        _zone(tz)
    if rule.freq not in _FREQS:
        raise RecurrenceError("freq_unknown", {"value": rule.freq})
    if rule.freq == "once":
        return
    top = INTERVAL_LIMITS[rule.freq]
    if not 1 <= rule.interval <= top:
        raise RecurrenceError("interval_range", {"value": rule.interval, "min": 1, "max": top})
    if rule.count is not None and rule.until is not None:
        raise RecurrenceError("count_and_until")
    if rule.count is not None and not 1 <= rule.count <= MAX_COUNT:
        raise RecurrenceError("count_range", {"value": rule.count, "min": 1, "max": MAX_COUNT})
    if rule.monthly_mode not in (None, "weekday", "monthday"):
        raise RecurrenceError("monthly_mode", {"value": rule.monthly_mode})
    rule = _normalized(rule, local_start)
    if rule.freq == "weekly" and any(not 0 <= d <= 6 for d in rule.weekdays):
        raise RecurrenceError("weekday_range", {"value": list(rule.weekdays)})
    if rule.monthly_mode == "weekday":
        if rule.monthly_nth not in (1, 2, 3, 4, -1):
            raise RecurrenceError("nth_range", {"value": rule.monthly_nth})
        if not 0 <= rule.monthly_weekday <= 6:  # type: ignore[operator]
            raise RecurrenceError("weekday_range", {"value": rule.monthly_weekday})
    elif rule.freq == "monthly" and not 1 <= rule.monthly_day <= 31:  # type: ignore[operator]
        raise RecurrenceError("monthday_range", {"value": rule.monthly_day})
    first = align_start(rule, local_start).date()
    if rule.until is not None and rule.until < first:
        raise RecurrenceError("until_before_start", {"until": rule.until.isoformat(), "start": first.isoformat()})


def _month_candidate(rule: RecurrenceRule, year: int, month: int) -> date | None:
    last = calendar.monthrange(year, month)[1]
    if rule.monthly_mode == "monthday":
        return date(year, month, rule.monthly_day) if rule.monthly_day <= last else None  # type: ignore[operator]
    wd, nth = rule.monthly_weekday, rule.monthly_nth
    if nth == -1:
        end = date(year, month, last)
        return end - timedelta(days=(end.weekday() - wd) % 7)  # type: ignore[operator]
    first = date(year, month, 1)
    return first + timedelta(days=(wd - first.weekday()) % 7 + 7 * (nth - 1))  # type: ignore[operator]


def align_start(rule: RecurrenceRule, local_start: datetime) -> datetime:
    """Move the start forward to the first date the rule matches (same wall time)."""
    rule = _normalized(rule, local_start)
    day = local_start.date()
    if rule.freq == "weekly":
        day += timedelta(days=min((d - day.weekday()) % 7 for d in rule.weekdays))
    elif rule.freq == "monthly":
        year, month = day.year, day.month
        for _ in range(24):
            found = _month_candidate(rule, year, month)
            if found is not None and found >= day:
                day = found
                break
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return datetime.combine(day, local_start.time())


# --- RRULE text ------------------------------------------------------------------------------


def _parts(text: str) -> dict[str, str]:
    text = text.strip().removeprefix("RRULE:")
    pairs = [p.split("=", 1) for p in text.split(";") if p]
    if any(len(p) != 2 for p in pairs):
        raise RecurrenceError("invalid_rrule", {"rrule": text})
    return {k.upper(): v.upper() for k, v in pairs}


def _fmt_utc(value: datetime) -> str:
    return f"{value.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def to_rrule(rule: RecurrenceRule, local_start: datetime, tz: str) -> str | None:
    """RRULE text (no DTSTART) for ``rule``; None for a one-off. UNTIL is UTC and inclusive."""
    validate(rule, local_start, tz)
    if rule.freq == "once":
        return None
    rule = _normalized(rule, local_start)
    out = [f"FREQ={_FREQS[rule.freq]}"]
    if rule.interval != 1:
        out.append(f"INTERVAL={rule.interval}")
    if rule.freq == "weekly":
        out.append("BYDAY=" + ",".join(WEEKDAYS[d] for d in rule.weekdays))
    elif rule.monthly_mode == "weekday":
        out.append(f"BYDAY={rule.monthly_nth}{WEEKDAYS[rule.monthly_weekday]}")  # type: ignore[index]
    elif rule.freq == "monthly":
        out.append(f"BYMONTHDAY={rule.monthly_day}")
    if rule.count is not None:
        out.append(f"COUNT={rule.count}")
    if rule.until is not None:
        out.append("UNTIL=" + _fmt_utc(local_to_utc(datetime.combine(rule.until, local_start.time()), tz)))
    return ";".join(out)


def _until_utc(value: str, local_start: datetime, tz: str) -> datetime:
    if "T" in value:
        parsed = datetime.fromisoformat(value)
    else:  # a DATE: that local day at the start's wall time
        parsed = datetime.combine(date.fromisoformat(value), local_start.time())
    return parsed.astimezone(UTC) if parsed.tzinfo else local_to_utc(parsed, tz)


def from_rrule(text: str | None, local_start: datetime, tz: str) -> RecurrenceRule:
    """Inverse of to_rrule, for edit forms; raises RecurrenceError("unsupported_rule") otherwise."""
    if not text:
        return RecurrenceRule("once")
    p = _parts(text)
    unsupported = RecurrenceError("unsupported_rule", {"rrule": text})
    freq = {v: k for k, v in _FREQS.items() if v}.get(p.pop("FREQ", ""))
    if freq is None or set(p) - {"INTERVAL", "BYDAY", "BYMONTHDAY", "COUNT", "UNTIL", "WKST"}:
        raise unsupported
    if p.pop("WKST", "MO") != "MO":
        raise unsupported
    try:
        kw: dict = {"interval": int(p.pop("INTERVAL", "1"))}
        if "COUNT" in p:
            kw["count"] = int(p.pop("COUNT"))
        if "UNTIL" in p:  # last local date whose session starts at or before UNTIL
            until = _until_utc(p.pop("UNTIL"), local_start, tz)
            day = utc_to_local(until, tz).date()
            if local_to_utc(datetime.combine(day, local_start.time()), tz) > until:
                day -= timedelta(days=1)
            kw["until"] = day
        byday = [d for d in p.pop("BYDAY", "").split(",") if d]
        if freq == "weekly" and not p:
            kw["weekdays"] = tuple(sorted({WEEKDAYS.index(d) for d in byday}))
        elif freq == "monthly" and len(byday) == 1 and not p:
            kw.update(monthly_mode="weekday", monthly_nth=int(byday[0][:-2]))
            kw["monthly_weekday"] = WEEKDAYS.index(byday[0][-2:])
        elif freq == "monthly" and not byday:
            kw.update(monthly_mode="monthday", monthly_day=int(p.pop("BYMONTHDAY", local_start.day)))
        elif freq != "daily" or byday or p:
            raise unsupported
    except ValueError as exc:
        raise unsupported from exc
    return RecurrenceRule(freq, **kw)  # type: ignore[arg-type]


def with_until(rrule: str, until_utc: datetime) -> str:
    """Replace COUNT/UNTIL with UNTIL=<until_utc> (to end a series just before a split)."""
    if until_utc.tzinfo is None:
        raise ValueError("until_utc must be aware")
    kept = [
        p for p in rrule.removeprefix("RRULE:").split(";") if p and p.split("=")[0].upper() not in ("COUNT", "UNTIL")
    ]
    return ";".join([*kept, f"UNTIL={_fmt_utc(until_utc)}"])


# --- expansion -------------------------------------------------------------------------------


def _build(
    text: str, local_start: datetime, tz: str, from_local: datetime | None = None
) -> tuple[RRule, datetime | None, bool]:
    """dateutil rule over naive local times, the UTC UNTIL (applied by us) and whether it ends.

    With ``from_local``, the rule may start at a later, period-aligned DTSTART that gives exactly the same
    instances from ``from_local`` on (see `_fast_forward`), so a walk does not begin at the first session.
    """
    p = _parts(text)
    until = _until_utc(p.pop("UNTIL"), local_start, tz) if "UNTIL" in p else None
    p.setdefault("WKST", "MO")  # don't depend on calendar.firstweekday()
    dtstart = local_start
    if from_local is not None:
        p, dtstart = _fast_forward(p, local_start, from_local)
    try:
        rule = _rule(";".join(f"{k}={v}" for k, v in p.items()), dtstart)
    except (ValueError, TypeError) as exc:
        raise RecurrenceError("invalid_rrule", {"rrule": text}) from exc
    return rule, until, until is not None or "COUNT" in p


@functools.lru_cache(maxsize=4096)
def _rule(text: str, dtstart: datetime) -> RRule:
    """Parsed once per rule and start (a dateutil rule is not changed by iterating it)."""
    return rrulestr(text, dtstart=dtstart)


_FAST_FORWARD_PARTS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "WKST"}


def _fast_forward(parts: dict[str, str], local_start: datetime, target: datetime) -> tuple[dict[str, str], datetime]:
    """A DTSTART no later than the first instance at or after ``target`` (naive local) from which the rule gives
    exactly the instances the original gives from there on: the start of the rule's period (day, ISO week,
    month) a whole number of INTERVALs after the first session's, with the BY-parts that DTSTART implied made
    explicit. Only for the rules the app writes without COUNT (COUNT counts from the first session)."""
    if target <= local_start or "COUNT" in parts or set(parts) - _FAST_FORWARD_PARTS or parts["WKST"] != "MO":
        return parts, local_start
    interval, freq, at = int(parts.get("INTERVAL", "1")), parts.get("FREQ"), local_start.time()
    new = dict(parts)
    if freq == "DAILY" and "BYDAY" not in parts and "BYMONTHDAY" not in parts:
        days = (target.date() - local_start.date()).days // interval * interval
        return (parts, local_start) if days <= 0 else (parts, local_start + timedelta(days=days))
    if freq == "WEEKLY" and "BYMONTHDAY" not in parts:
        if any(not day.isalpha() for day in parts.get("BYDAY", "").split(",") if day):
            return parts, local_start  # ordinals in a weekly rule: leave it to the full walk
        new.setdefault("BYDAY", WEEKDAYS[local_start.weekday()])
        monday = local_start.date() - timedelta(days=local_start.weekday())
        weeks = (target.date() - monday).days // 7 // interval * interval
        return (parts, local_start) if weeks <= 0 else (new, datetime.combine(monday + timedelta(weeks=weeks), at))
    if freq == "MONTHLY":
        if "BYDAY" not in parts and "BYMONTHDAY" not in parts:
            new["BYMONTHDAY"] = str(local_start.day)
        months = ((target.year - local_start.year) * 12 + target.month - local_start.month) // interval * interval
        if months <= 0:
            return parts, local_start
        year, month = divmod(local_start.month - 1 + months, 12)
        return new, datetime.combine(date(local_start.year + year, month + 1, 1), at)
    return parts, local_start


def expand(
    rrule: str | None,
    local_start: datetime,
    tz: str,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int | None = None,
) -> list[Instance]:
    """Instances with start_utc in [start, end), in order, at most ``limit``."""
    if local_start.tzinfo is not None:
        raise ValueError("local_start must be naive")
    if any(b is not None and b.tzinfo is None for b in (start, end)):
        raise ValueError("window bounds must be aware")
    if rrule is None:
        first = Instance(local_start, local_to_utc(local_start, tz))
        inside = (start is None or first.start_utc >= start) and (end is None or first.start_utc < end)
        return [first] if inside and limit != 0 else []
    # One day of slack covers any offset change between the window start and the instance.
    from_local = utc_to_local(start, tz) - timedelta(days=1) if start else None
    rule, until, finite = _build(rrule, local_start, tz, from_local)
    if not finite and end is None and limit is None:
        raise ValueError("never-ending rule needs `end` or `limit`")
    it = rule.xafter(from_local, inc=True) if from_local is not None else iter(rule)
    out: list[Instance] = []
    while limit is None or len(out) < limit:
        local = next(it, None)
        if local is None:
            break
        utc = local_to_utc(local, tz)
        if (until is not None and utc > until) or (end is not None and utc >= end):
            break
        if start is None or utc >= start:
            out.append(Instance(local, utc))
    return out


def count_before(rrule: str | None, local_start: datetime, tz: str, before_utc: datetime) -> int:
    """Number of instances starting strictly before ``before_utc``."""
    return len(expand(rrule, local_start, tz, end=before_utc))


def dst_problems(
    rrule: str | None, local_start: datetime, tz: str, *, horizon_years: int = 5, limit: int = 400
) -> list[DstProblem]:
    """Instances whose wall time does not exist (DST gap) or happens twice (DST overlap)."""
    zone = _zone(tz)
    end = local_to_utc(local_start, tz) + timedelta(days=round(365.25 * horizon_years))
    problems = []
    for inst in expand(rrule, local_start, tz, end=end, limit=limit):
        local = inst.local_start
        if utc_to_local(inst.start_utc, tz) != local:
            problems.append(DstProblem(local, "nonexistent"))
        elif local.replace(tzinfo=zone, fold=0).utcoffset() != local.replace(tzinfo=zone, fold=1).utcoffset():
            problems.append(DstProblem(local, "ambiguous"))
    return problems
