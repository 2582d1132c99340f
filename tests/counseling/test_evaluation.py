"""The evaluation on the database: the same hand-computed numbers through the real queries, a constant number of
statements, the CSV's columns, and who may see it."""

from __future__ import annotations

import csv
import io
from datetime import date, time

import pytest
import sqlalchemy as sa

from scheduler import clock
from scheduler.counseling import evaluation
from scheduler.counseling.evaluation import CSV_COLUMNS, Scope
from scheduler.extensions import db
from scheduler.meetings import services
from scheduler.meetings.recurrence import RecurrenceRule
from tests.counseling.conftest import BEFORE, add_person, login, mark, sessions_of
from tests.factories import create_series

PERIOD = (date(2026, 9, 8), date(2026, 9, 30))


@pytest.fixture
def history(past_weekly):
    """Tuesdays: 1 Sep (before the period), 8, 15 (cancelled), 22, 29 Sep, 6 Oct (after it).

    P1–P3 came on 1 September (returning); P4–P8 came first on 8 September (new); two people wait on 29 September.
    """
    sep1, sep8, sep15, sep22, sep29, oct6 = sessions_of(past_weekly)[:6]
    with clock.frozen_at(BEFORE):
        services.cancel_occurrence(sep15, "Holiday")
        db.session.commit()
    people = {}
    for n in range(1, 9):
        chosen = [o for o, upto in ((sep1, 3), (sep8, 8), (sep15, 8), (sep22, 6), (sep29, 4)) if n <= upto]
        people[n] = add_person(past_weekly, chosen + ([oct6] if n == 6 else []), f"P{n}")
    for n in (1, 2):
        add_person(past_weekly, [sep29], f"Waiting {n}", status="waitlisted")
    for n in range(1, 4):
        mark(sep1, people[n], "present")
    for n in range(1, 9):
        mark(sep8, people[n], "present")
    for n in range(1, 6):
        mark(sep22, people[n], "present")
    mark(sep22, people[6], "absent")
    for n in range(1, 5):
        mark(sep29, people[n], "present")
    mark(oct6, people[6], "present")  # exactly 28 days after their first session: counts as coming back
    return people


def count_statements(fn):
    statements = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        result = fn()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    return result, statements


def test_meeting_metrics_against_hand_computed_numbers(app, past_weekly, history):
    scope = Scope.of_series(past_weekly)
    result, statements = count_statements(lambda: evaluation.evaluate(scope, *PERIOD))
    assert len(statements) == 4
    assert (result.sessions_held.value, result.sessions_cancelled.value) == (3, 1)
    assert (result.rsvps.value, result.rsvps.people) == (18, 8)
    assert (result.attendance_marked.value, result.attended.value) == (18, 17)
    assert result.absent.suppressed and result.excused.suppressed and result.waitlisted.suppressed
    assert result.attendance_rate.value == pytest.approx(17 / 18)
    assert result.no_show_rate.suppressed
    assert (result.participants_new.value, result.participants_returning.suppressed) == (5, True)
    assert (result.newcomers_followed.value, result.newcomers_returned.value) == (5, 3)
    assert result.retention_rate.suppressed  # three comebacks: too few to show
    assert [(w.start, w.attended.value, w.attended.suppressed) for w in result.weeks] == [
        (date(2026, 9, 7), 8, False), (date(2026, 9, 14), 0, False), (date(2026, 9, 21), 5, False),
        (date(2026, 9, 28), 4, True),
    ]  # fmt: skip


def test_group_scope_adds_the_groups_other_meetings_and_stays_constant(app, cbt_group, past_weekly, history, staff):
    with clock.frozen_at(BEFORE):
        thursday = create_series(
            cbt_group, title="Thursday circle", start_date=date(2026, 9, 10), start_time=time(19, 0),
            timezone="Asia/Jakarta", language="id", rule=RecurrenceRule("once"),
        )  # fmt: skip
    only = sessions_of(thursday)[0]
    for n in range(6):
        mark(only, add_person(thursday, [only], f"T{n}"), "present")
    scope = Scope.of_group(cbt_group)
    group, statements = count_statements(lambda: evaluation.evaluate(scope, *PERIOD))
    assert len(statements) == 4
    meeting = evaluation.evaluate(Scope.of_series(past_weekly), *PERIOD)
    assert group.sessions_held.value == meeting.sessions_held.value + 1
    assert group.attended.value == meeting.attended.value + 6
    assert group.participants_new.value == 11


def test_csv_columns_and_suppression_flags(client, staff, past_weekly, history):
    login(client, staff["organizer"])
    response = client.get(f"/counselor/evaluation/meetings/{past_weekly.id}.csv?start=2026-09-08&end=2026-09-30")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert tuple(rows[0]) == CSV_COLUMNS == (
        "scope", "scope_id", "period_start", "period_end", "week_start", "metric", "value", "suppressed",
    )  # fmt: skip
    by_metric = {r[5]: r for r in rows[1:] if r[4] == ""}
    assert list(by_metric) == [
        "sessions_held", "sessions_cancelled", "rsvps", "attendance_marked", "attended", "absent", "excused",
        "waitlisted", "participants_new", "participants_returning", "newcomers_followed", "newcomers_returned",
        "attendance_rate", "no_show_rate", "retention_rate",
    ]  # fmt: skip
    expected = ["meeting", str(past_weekly.id), "2026-09-08", "2026-09-30", "", "attended", "17", "0"]
    assert by_metric["attended"] == expected
    assert by_metric["attendance_rate"][6:] == ["0.9444", "0"]
    assert by_metric["absent"][6:] == ["", "1"] and by_metric["retention_rate"][6:] == ["", "1"]
    weekly = [r for r in rows[1:] if r[4]]
    assert [r[4] for r in weekly if r[5] == "attended"] == ["2026-09-07", "2026-09-14", "2026-09-21", "2026-09-28"]
    assert [r[6:] for r in weekly if r[5] == "attended"] == [["8", "0"], ["0", "0"], ["5", "0"], ["", "1"]]
    text = response.get_data(as_text=True)
    assert "P1" not in text and "example.net" not in text


def test_page_shows_charts_tables_and_suppression(client, staff, past_weekly, history):
    login(client, staff["organizer"])
    page = client.get(f"/counselor/evaluation/meetings/{past_weekly.id}?start=2026-09-08&end=2026-09-30")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count("<svg") == 3 and 'role="img"' in html and "<table>" in html
    assert "fewer than 5" in html and "94%" in html
    assert "P1" not in html and "example.net" not in html
    assert "cdn" not in html.lower()


def test_default_period_is_the_last_three_months(client, staff, cbt_group):
    login(client, staff["organizer"])
    html = client.get(f"/counselor/evaluation/groups/{cbt_group.id}").get_data(as_text=True)
    assert 'value="2026-08-23"' in html and 'value="2026-11-22"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-10-01&end=2026-09-01", "The first day must not be after the last day."),
        ("start=2020-01-01&end=2026-09-01", "Choose a period of at most three years."),
        ("start=yesterday&end=2026-09-01", "Not a valid date value."),
        ("start=2026-09-01", "Enter the last day."),
    ],
)
def test_bad_periods_are_a_400_with_a_message(client, staff, cbt_group, query, message):
    login(client, staff["organizer"])
    for suffix in ("", ".csv"):
        response = client.get(f"/counselor/evaluation/groups/{cbt_group.id}{suffix}?{query}")
        assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_only_the_groups_staff_see_its_evaluation(client, staff, cbt_group, past_weekly):
    login(client, staff["stranger"])
    assert client.get(f"/counselor/evaluation/groups/{cbt_group.id}").status_code == 403
    assert client.get(f"/counselor/evaluation/meetings/{past_weekly.id}.csv").status_code == 403
    assert client.get("/counselor/evaluation/groups/999999").status_code == 404
