"""Property: after any edits, what the app lists, a recurring_ical_events expansion and ical.js agree.

Hypothesis generates rules (daily, weekly, monthly; times in DST gaps and overlaps), zones with and without
daylight saving, and edits (move, cancel, restore one session; change the whole meeting's time, keeping or
resetting single-session changes). After each edit the REQUEST a participant would get is expanded by
recurring_ical_events (reading our VTIMEZONE) and by ical.js, and both must give exactly the app's sessions.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from scheduler import clock
from scheduler.calendar import ics
from scheduler.extensions import db
from scheduler.meetings import occurrences, services
from scheduler.meetings.models import Occurrence, Series
from scheduler.meetings.recurrence import RecurrenceRule
from scheduler.notifications import invites
from scheduler.rules import RuleError
from tests.calendar.test_ics import expand_with_ical_js, expand_with_recurring_ical_events, ical_js_missing
from tests.factories import create_group, create_user, series_input

ZONES = ["Europe/Amsterdam", "America/New_York", "America/Santiago", "Australia/Sydney", "Asia/Dhaka"]
# Wall times that fall in a spring gap or an autumn overlap in some of the zones above, and ordinary ones.
TIMES = [time(0, 30), time(1, 30), time(2, 0), time(2, 30), time(19, 0)]
# Sundays near the 2027 transitions of those zones, so that series cross them.
STARTS = [date(2027, 3, 7), date(2027, 3, 14), date(2027, 3, 28), date(2027, 4, 4), date(2027, 9, 5)]
STARTS += [date(2027, 10, 3), date(2027, 10, 24), date(2027, 10, 31)]

rules = st.one_of(
    st.builds(lambda n: RecurrenceRule("weekly", count=n), st.integers(3, 8)),
    st.builds(lambda n: RecurrenceRule("daily", count=n), st.integers(3, 10)),
    st.builds(lambda n: RecurrenceRule("monthly", monthly_mode="weekday", count=n), st.integers(2, 4)),
)
edits = st.lists(
    st.one_of(
        st.tuples(st.just("move"), st.integers(0, 20), st.integers(-30, 30)),  # session, hours
        st.tuples(st.just("cancel"), st.integers(0, 20), st.just(0)),
        st.tuples(st.just("restore"), st.integers(0, 20), st.just(0)),
        st.tuples(st.just("retime"), st.sampled_from(range(len(TIMES))), st.integers(0, 1)),  # time, keep?
    ),
    max_size=4,
)


def sessions(series: Series) -> list[Occurrence]:
    return list(
        db.session.scalars(
            sa.select(Occurrence).where(Occurrence.series_id == series.id).order_by(Occurrence.original_start)
        )
    )


def apply(series: Series, edit: tuple[str, int, int], start: date, rule: RecurrenceRule, zone: str) -> None:
    kind, a, b = edit
    rows = sessions(series)
    try:
        if kind == "retime":
            data = series_input(start_date=start, start_time=TIMES[a], timezone=zone, rule=rule, accept_dst_shift=True)
            services.update_series(series, data.__class__(**{**data.__dict__, "keep_session_changes": bool(b)}))
        elif kind == "move":
            row = rows[a % len(rows)]
            target = row.start + timedelta(hours=b or 1)
            services.move_occurrence(row, target.astimezone(series_zone(zone)).replace(tzinfo=None))
        elif kind == "cancel":
            services.cancel_occurrence(rows[a % len(rows)], "Holiday")
        else:
            services.restore_occurrence(rows[a % len(rows)])
        db.session.commit()
    except RuleError:
        db.session.rollback()


def series_zone(zone: str):
    from zoneinfo import ZoneInfo

    return ZoneInfo(zone)


def app_listing(series: Series) -> list[tuple[datetime, datetime]]:
    return sorted((r.start, r.end) for r in sessions(series) if not r.is_cancelled)


def materialised(listing: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """The app lists sessions up to its rolling horizon; the invite's rule goes on past it (that is intended), so
    the three are compared up to the horizon."""
    horizon = occurrences.horizon_end()
    return [(start, end) for start, end in listing if start < horizon]


def request_for(series: Series) -> bytes:
    with force_locale("en"):
        event = invites.series_event(series, text="", join_url=None)
    person = ics.Person("sky@example.org", "Sky")
    return ics.request_invite(event, person, person, clock.now())


@pytest.mark.skipif(ical_js_missing() is not None, reason=str(ical_js_missing()))
@settings(
    max_examples=10,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure is printed as generated, not shrunk
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    zone=st.sampled_from(ZONES),
    start=st.sampled_from(STARTS),
    at=st.sampled_from(TIMES),
    rule=rules,
    changes=edits,
)
def test_listing_rfc_reader_and_ical_js_agree_after_every_edit(app, frozen_now, zone, start, at, rule, changes):
    group = create_group({create_user("organizer"): "organizer"}, timezone=zone)
    series = services.create_series(
        group, series_input(start_date=start, start_time=at, timezone=zone, rule=rule, accept_dst_shift=True)
    )
    db.session.commit()
    for edit in [None, *changes]:
        if edit is not None:
            apply(series, edit, start, rule, zone)
        db.session.expire_all()
        expected = materialised(app_listing(series))
        invite = request_for(series)
        assert materialised(expand_with_recurring_ical_events(invite)) == expected, (edit, invite.decode())
        assert materialised(expand_with_ical_js(invite)[1]) == expected, (edit, invite.decode())
