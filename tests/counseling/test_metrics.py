"""Each evaluation metric against a hand-computed fixture, including small-cell suppression. Pure: no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from scheduler.counseling import charts
from scheduler.counseling.metrics import Cell, MarkRow, Period, Rate, SeatRow, SessionRow, compute

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
SEPTEMBER = Period(date(2026, 9, 1), date(2026, 9, 30), "Asia/Jakarta")


def session(number: int, day: date, status: str = "scheduled") -> SessionRow:
    start = datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)  # 19:00 in Jakarta
    return SessionRow(number, start, start + timedelta(minutes=90), status)


S0 = session(0, date(2026, 8, 25))  # before the period
S1 = session(1, date(2026, 9, 1))
S2 = session(2, date(2026, 9, 8))
S3 = session(3, date(2026, 9, 15), "cancelled")
S4 = session(4, date(2026, 9, 22))
S5 = session(5, date(2026, 9, 29))
S6 = session(6, date(2026, 10, 6))  # after the period, 35 days after S1
SESSIONS = [S0, S1, S2, S3, S4, S5, S6]
START = {s.id: s.start for s in SESSIONS}


def seats(occurrence: SessionRow, people: range | list[int], status: str = "confirmed") -> list[SeatRow]:
    return [SeatRow(occurrence.id, p, status) for p in people]


def marks(occurrence: SessionRow, people: range | list[int], status: str) -> list[MarkRow]:
    return [MarkRow(occurrence.id, p, occurrence.start, status) for p in people]


def september():
    """p1–p3 came before September (returning); p4–p8 came first on 1 September (new)."""
    seat_rows = (
        seats(S1, range(1, 9)) + seats(S2, range(1, 9)) + seats(S3, range(1, 9)) + seats(S4, range(1, 7))
        + seats(S5, range(1, 5)) + seats(S5, [9, 10], "waitlisted") + seats(S2, [11], "skipped")
    )  # fmt: skip
    mark_rows = (
        marks(S0, range(1, 4), "present")
        + marks(S1, range(1, 9), "present")
        + marks(S2, range(1, 6), "present") + marks(S2, [6, 7], "absent") + marks(S2, [8], "excused")
        + marks(S4, range(1, 4), "present") + marks(S4, [4, 5, 6], "absent")
        + marks(S5, range(1, 5), "present")
        + marks(S6, [6], "present")
    )  # fmt: skip
    first = {p: S0.start for p in range(1, 4)} | {p: S1.start for p in range(4, 9)}
    in_period = [s for s in SESSIONS if SEPTEMBER.start <= s.start < SEPTEMBER.end]
    window_end = SEPTEMBER.end + timedelta(days=28)
    return compute(
        SEPTEMBER,
        in_period,
        seat_rows,
        [m for m in mark_rows if SEPTEMBER.start <= m.start < window_end],
        first,
        now=NOW,
    )


def test_sessions_held_and_cancelled():
    result = september()
    assert result.sessions_held == Cell(4) and not result.sessions_held.suppressed
    assert result.sessions_cancelled.value == 1


def test_rsvps_and_attendance_counts():
    result = september()
    assert (result.rsvps.value, result.rsvps.people, result.rsvps.suppressed) == (26, 8, False)
    assert (result.attendance_marked.value, result.attendance_marked.people) == (26, 8)
    assert (result.attended.value, result.attended.people, result.attended.suppressed) == (20, 8, False)
    # Five no-shows, but from four people only: suppressed. One excused: suppressed.
    assert (result.absent.value, result.absent.people, result.absent.suppressed) == (5, 4, True)
    assert (result.excused.value, result.excused.suppressed) == (1, True)


def test_rates_and_their_suppression():
    result = september()
    assert result.attendance_rate.value == pytest.approx(20 / 26)
    assert result.no_show_rate.suppressed and result.no_show_rate.value is None  # its numerator is too small


def test_waitlist_demand_is_suppressed_below_five_people():
    result = september()
    assert (result.waitlisted.value, result.waitlisted.people, result.waitlisted.suppressed) == (2, 2, True)


def test_new_and_returning():
    result = september()
    assert (result.participants_new.value, result.participants_new.suppressed) == (5, False)
    assert (result.participants_returning.value, result.participants_returning.suppressed) == (3, True)


def test_retention_counts_only_comebacks_within_four_weeks():
    result = september()
    # p4 and p5 came back on 8 September; p6 only after 35 days; p7 was absent; p8 excused.
    assert result.newcomers_followed.value == 5
    assert (result.newcomers_returned.value, result.newcomers_returned.suppressed) == (2, True)
    assert result.retention_rate.suppressed


def test_weekly_rows():
    weeks = september().weeks
    assert [w.start for w in weeks] == [date(2026, 8, 31) + timedelta(weeks=i) for i in range(5)]
    assert [w.sessions_held.value for w in weeks] == [1, 1, 0, 1, 1]
    assert [(w.attended.value, w.attended.suppressed) for w in weeks] == [
        (8, False), (5, False), (0, False), (3, True), (4, True),
    ]  # fmt: skip
    assert weeks[1].attendance_rate.value == pytest.approx(5 / 8)
    assert weeks[3].attendance_rate.suppressed and not weeks[3].attendance_marked.suppressed


def test_retention_shown_when_enough_newcomers():
    newcomers = range(1, 7)
    first = {p: S1.start for p in newcomers}
    mark_rows = marks(S1, newcomers, "present") + marks(S2, range(1, 6), "present") + marks(S4, [6], "absent")
    result = compute(SEPTEMBER, [S1, S2, S4], seats(S1, newcomers), mark_rows, first, now=NOW)
    assert (result.newcomers_followed.value, result.newcomers_returned.value) == (6, 5)
    assert result.retention_rate.value == pytest.approx(5 / 6)


def test_newcomers_still_inside_their_window_are_not_followed_yet():
    first = {p: S1.start for p in range(1, 7)}
    mark_rows = marks(S1, range(1, 7), "present")
    result = compute(SEPTEMBER, [S1], [], mark_rows, first, now=S1.end + timedelta(days=10))
    assert result.participants_new.value == 6
    assert result.newcomers_followed.value == 0 and result.retention_rate.suppressed


def test_upcoming_sessions_are_not_held():
    result = compute(SEPTEMBER, [S4, S5], seats(S5, range(1, 9)), [], {}, now=S4.end)
    assert result.sessions_held.value == 1 and result.rsvps.value == 0


def test_period_bounds_are_local_days():
    assert SEPTEMBER.start == datetime(2026, 8, 31, 17, 0, tzinfo=UTC)  # midnight in Jakarta (UTC+7)
    assert SEPTEMBER.end == datetime(2026, 9, 30, 17, 0, tzinfo=UTC)
    late = SessionRow(1, datetime(2026, 9, 30, 16, 30, tzinfo=UTC), datetime(2026, 9, 30, 17, 30, tzinfo=UTC), "x")
    after = SessionRow(2, SEPTEMBER.end, SEPTEMBER.end + timedelta(hours=1), "x")
    assert compute(SEPTEMBER, [late, after], [], [], {}, now=NOW).sessions_held.value == 1


def test_threshold_is_a_parameter():
    assert Cell(3, 3, threshold=3).suppressed is False
    assert Cell(4, 4).suppressed and not Cell(5, 5).suppressed and not Cell(0).suppressed
    assert Rate(Cell(5, 5), Cell(0, 5)).value is None and not Rate(Cell(5, 5), Cell(0, 5)).suppressed


def test_chart_geometry():
    chart = charts.columns([charts.Datum("a", 10, "10"), charts.Datum("b", None, "<5", True)], width=200, height=100)
    assert chart.ticks[-1].value == 10 and chart.bars[0].height == pytest.approx(chart.plot_bottom - chart.plot_top)
    assert chart.bars[1].suppressed and chart.bars[1].height > 0
    rates = charts.rows([charts.Datum("r", 0.5, "50%")], percent=True, width=200)
    assert rates.bars[0].width == pytest.approx((rates.plot_right - rates.plot_left) / 2)
    assert [charts.nice_max(v) for v in (0, 1, 3, 7, 12, 30, 101)] == [1, 1, 5, 10, 20, 50, 200]
