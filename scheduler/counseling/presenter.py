"""Turns an evaluation into labelled, localised lines and chart geometry for the page. No database."""

from __future__ import annotations

from dataclasses import dataclass

from babel.dates import format_skeleton
from flask_babel import format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from scheduler.counseling import charts
from scheduler.counseling.metrics import Cell, Evaluation, Rate

LABELS = {
    "sessions_held": _l("Sessions held"),
    "sessions_cancelled": _l("Sessions cancelled"),
    "rsvps": _l("Seats taken (RSVPs) in sessions held"),
    "attendance_marked": _l("Attendance marks"),
    "attended": _l("Present"),
    "absent": _l("Absent (no-shows)"),
    "excused": _l("Excused"),
    "waitlisted": _l("Places asked for on waiting lists"),
    "participants_new": _l("New participants"),
    "participants_returning": _l("Returning participants"),
    "newcomers_followed": _l("Newcomers followed for 4 weeks"),
    "newcomers_returned": _l("Newcomers who came back within 4 weeks"),
    "attendance_rate": _l("Attendance rate"),
    "no_show_rate": _l("No-show rate"),
    "retention_rate": _l("Retention (newcomers who came back within 4 weeks)"),
}


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    text: str
    suppressed: bool


def show(item: Cell | Rate, threshold: int) -> str:
    if item.suppressed:
        return _("fewer than %(num)s", num=threshold)
    if isinstance(item, Rate):
        return "–" if item.value is None else format_percent(item.value)
    return format_decimal(item.value)


def lines(result: Evaluation) -> list[Line]:
    items: list[tuple[str, Cell | Rate]] = [*result.counts(), *result.rates()]
    return [Line(key, str(LABELS[key]), show(item, result.threshold), item.suppressed) for key, item in items]


def _datum(label: str, item: Cell | Rate, threshold: int) -> charts.Datum:
    value = None if item.suppressed else item.value
    return charts.Datum(label, value, show(item, threshold), item.suppressed)


def week_label(result: Evaluation, index: int) -> str:
    return format_skeleton("MMMd", result.weeks[index].start, locale=str(get_locale()))


def weekly_chart(result: Evaluation) -> charts.Chart:
    data = [_datum(week_label(result, i), week.attended, result.threshold) for i, week in enumerate(result.weeks)]
    return charts.columns(data)


def rates_chart(result: Evaluation) -> charts.Chart:
    return charts.rows([_datum(str(LABELS[key]), rate, result.threshold) for key, rate in result.rates()], percent=True)


def people_chart(result: Evaluation) -> charts.Chart:
    return charts.rows(
        [
            _datum(str(LABELS["participants_new"]), result.participants_new, result.threshold),
            _datum(str(LABELS["participants_returning"]), result.participants_returning, result.threshold),
        ]
    )


@dataclass(frozen=True)
class WeekLine:
    label: str
    sessions: int
    attended: str
    rate: str


def weeks(result: Evaluation) -> list[WeekLine]:
    return [
        WeekLine(
            week_label(result, i),
            week.sessions_held.value,
            show(week.attended, result.threshold),
            show(week.attendance_rate, result.threshold),
        )
        for i, week in enumerate(result.weeks)
    ]


def page(result: Evaluation | None) -> dict[str, object]:
    """Everything the evaluation template needs besides the form."""
    if result is None:
        return {"result": None}
    return {
        "result": result,
        "summary": lines(result),
        "weeks": weeks(result),
        "charts": {"weekly": weekly_chart(result), "rates": rates_chart(result), "people": people_chart(result)},
    }
