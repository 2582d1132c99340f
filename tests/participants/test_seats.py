"""Seats and the waitlist: capacity holds under concurrency on SQLite and PostgreSQL; promotion in order."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from scheduler import clock, create_app
from scheduler.extensions import db
from scheduler.meetings.models import Series
from scheduler.meetings.occurrences import extend_all_horizons
from scheduler.meetings.recurrence import RecurrenceRule
from scheduler.participants import allocation
from scheduler.participants.models import Seat, SeatCounter
from tests.conftest import base_config, dispose_engines
from tests.factories import create_group, create_series
from tests.participants.conftest import (
    ENGLISH,
    join_up,
    last_mail,
    mails,
    occurrences,
    one_off,
    rsvp_of,
    seat_states,
    sign_up,
)
from tests.statements import count_queries


def taken(occurrence_id: int) -> int:
    db.session.expire_all()
    return db.session.get(SeatCounter, occurrence_id).taken


def seat_of(email: str, occurrence_id: int) -> Seat:
    db.session.expire_all()
    rsvp = rsvp_of(email)
    return db.session.scalars(sa.select(Seat).where(Seat.rsvp_id == rsvp.id, Seat.occurrence_id == occurrence_id)).one()


def act(client, manage: str, seat: Seat, action: str):
    return client.post(f"{manage}/seats/{seat.id}", data={"action": action}, headers=ENGLISH)


# --- 50 people confirming at once for 10 seats -------------------------------------------------------------------


def crowd_confirms_at_once(app: Flask, people: int = 50, capacity: int = 10, *, weekly: bool = False) -> Counter[str]:
    client = app.test_client()
    if weekly:  # every session of a weekly meeting: the seats of all of them are claimed in one go
        series = create_series(create_group(), title="Weekly", capacity=capacity, language="en")
    else:
        series = one_off(create_group(), capacity=capacity)
    paths = []
    for n in range(people):
        assert sign_up(client, series, f"person{n}@example.org", f"Person {n}").status_code == 302
        paths.append(last_mail(f"person{n}@example.org").link("rsvp/confirm"))
    occurrence_id = occurrences(series)[0].id
    db.session.remove()  # release this thread's connection before the crowd arrives

    start, statuses, errors = threading.Barrier(people), [], []

    def confirm(path: str) -> None:
        try:
            own_client = app.test_client()  # each request pushes its own app context and session
            start.wait(timeout=30)
            statuses.append(own_client.post(path).status_code)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=confirm, args=(path,)) for path in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors and statuses == [303] * people, (errors, Counter(statuses))
    assert taken(occurrence_id) == capacity
    if weekly:  # every session: exactly `capacity` seats held, the counter agrees, everyone else waits
        for session in occurrences(series):
            states = Counter(db.session.scalars(sa.select(Seat.status).where(Seat.occurrence_id == session.id)))
            assert states == {"confirmed": capacity, "waitlisted": people - capacity}, (session.start, states)
            assert taken(session.id) == capacity
    return Counter(db.session.scalars(sa.select(Seat.status).where(Seat.occurrence_id == occurrence_id)))


def test_fifty_confirmations_for_ten_seats_on_sqlite(tmp_path, frozen_now):
    app = create_app(base_config(f"sqlite:///{tmp_path / 'crowd.sqlite3'}"))
    with app.app_context():
        db.create_all()
        try:
            assert crowd_confirms_at_once(app) == {"confirmed": 10, "waitlisted": 40}
        finally:
            db.session.remove()
            dispose_engines()


@pytest.fixture
def postgres_app(postgres_url: str) -> Iterator[Flask]:
    app = create_app(base_config(postgres_url))
    with app.app_context():
        db.create_all()
        try:
            yield app
        finally:
            db.session.remove()
            with db.engine.begin() as conn:
                for table in reversed(db.metadata.sorted_tables):
                    conn.execute(table.delete())
            dispose_engines()


@pytest.mark.postgres
def test_fifty_confirmations_for_ten_seats_on_postgresql(postgres_app, frozen_now):
    assert db.engine.dialect.name == "postgresql"
    assert crowd_confirms_at_once(postgres_app) == {"confirmed": 10, "waitlisted": 40}


def test_thirty_confirmations_for_every_session_of_a_weekly_meeting_on_sqlite(tmp_path, frozen_now):
    app = create_app(base_config(f"sqlite:///{tmp_path / 'crowd.sqlite3'}"))
    with app.app_context():
        db.create_all()
        try:
            assert crowd_confirms_at_once(app, people=30, weekly=True) == {"confirmed": 10, "waitlisted": 20}
        finally:
            db.session.remove()
            dispose_engines()


@pytest.mark.postgres
def test_fifty_confirmations_for_every_session_of_a_weekly_meeting_on_postgresql(postgres_app, frozen_now):
    assert crowd_confirms_at_once(postgres_app, weekly=True) == {"confirmed": 10, "waitlisted": 40}


def test_confirming_a_meeting_of_a_hundred_sessions_runs_a_bounded_number_of_statements(app, group, frozen_now):
    """Seats are claimed set-wise: the statement count does not grow with the number of sessions."""
    counts = {}
    meetings = {
        sessions: create_series(
            group, title=f"Daily {sessions}", capacity=5, language="en", rule=RecurrenceRule("daily", count=sessions)
        ).id
        for sessions in (2, 120)
    }
    for n, (sessions, series_id) in enumerate(meetings.items()):
        series = db.session.get(Series, series_id)
        client = app.test_client()
        email = f"count{n}@example.org"
        assert sign_up(client, series, email).status_code == 302
        path = last_mail(email, "rsvp_confirm").link("rsvp/confirm")
        db.session.expunge_all()
        with count_queries() as statements:
            assert client.post(path, headers=ENGLISH).status_code == 303
        counts[sessions] = len(statements)
        assert Counter(s.status for s in rsvp_of(email).seats) == {"confirmed": sessions}
    assert counts[120] == counts[2], counts
    assert counts[120] <= 25, "\n".join(s[:150].replace("\n", " ") for s in statements)


# --- the waitlist ------------------------------------------------------------------------------------------------


def test_waitlist_promotion_in_order_with_offers_that_expire(app, client, group, frozen_now):
    series = one_off(group, capacity=2)
    occurrence_id = occurrences(series)[0].id
    manage = {name: join_up(app.test_client(), series, f"{name.lower()}@example.org", name) for name in "ABCDE"}
    states = seat_states(occurrences(series)[0])
    assert [states[f"{n}@example.org"] for n in "abcde"] == ["confirmed"] * 2 + ["waitlisted"] * 3
    welcome = last_mail("c@example.org", "rsvp_welcome").text
    assert "you are on the waiting list" in welcome

    # A skips: the seat is offered to C, the first in line, for 24 hours.
    assert act(client, manage["A"], seat_of("a@example.org", occurrence_id), "skip").status_code == 303
    offer = seat_of("c@example.org", occurrence_id)
    assert offer.status == "offered" and offer.offer_expires_at == frozen_now + timedelta(hours=24)
    assert seat_of("d@example.org", occurrence_id).status == "waitlisted"
    assert "A place has become free for you" in last_mail("c@example.org", "waitlist_offer").text
    assert taken(occurrence_id) == 2

    # C does nothing: after 24 hours the offer passes to D.
    with clock.frozen_at(frozen_now + timedelta(hours=24, minutes=1)):
        assert allocation.process_waitlists() >= 2
        db.session.commit()
    assert seat_of("c@example.org", occurrence_id).status == "released"
    assert mails("c@example.org", "waitlist_lapsed")
    assert seat_of("d@example.org", occurrence_id).status == "offered"
    assert seat_of("e@example.org", occurrence_id).status == "waitlisted"

    # D accepts from the manage page; C can no longer accept the lapsed offer.
    with clock.frozen_at(frozen_now + timedelta(hours=25)):
        assert act(client, manage["D"], seat_of("d@example.org", occurrence_id), "accept").status_code == 303
        refused = act(client, manage["C"], seat_of("c@example.org", occurrence_id), "accept")
        assert refused.status_code == 400 and "not possible" in refused.get_data(as_text=True)
        # B leaves: E is offered the seat and declines it; nobody is left waiting.
        rsvp_b = rsvp_of("b@example.org").id
        assert client.post(f"{manage['B']}/meetings/{rsvp_b}/leave").status_code == 303
        assert seat_of("e@example.org", occurrence_id).status == "offered"
        assert act(client, manage["E"], seat_of("e@example.org", occurrence_id), "decline").status_code == 303
    states = seat_states(occurrences(series)[0])
    assert Counter(states.values()) == {"confirmed": 1, "skipped": 1, "released": 3}
    assert taken(occurrence_id) == 1


def test_an_offer_never_outlives_the_session(client, group, frozen_now):
    series = one_off(group, capacity=1)  # starts 1 December 18:00 UTC
    occurrence_id = occurrences(series)[0].id
    first = join_up(client, series, "a@example.org", "A")
    join_up(client, series, "b@example.org", "B")
    with clock.frozen_at(frozen_now + timedelta(days=9, hours=2)):  # 6 hours before the start
        act(client, first, seat_of("a@example.org", occurrence_id), "skip")
        assert seat_of("b@example.org", occurrence_id).offer_expires_at == occurrences(series)[0].start


def test_all_sessions_take_a_seat_in_each_or_the_waitlist_where_full(app, group, frozen_now):
    from tests.factories import create_series

    series = create_series(group, title="Weekly", capacity=1, language="en")
    sessions = [o.id for o in occurrences(series)]
    first = join_up(app.test_client(), series, "a@example.org", "A")
    join_up(app.test_client(), series, "b@example.org", "B")
    assert {seat_of("a@example.org", o).status for o in sessions} == {"confirmed"}
    assert {seat_of("b@example.org", o).status for o in sessions} == {"waitlisted"}
    client = app.test_client()
    act(client, first, seat_of("a@example.org", sessions[2]), "skip")
    assert seat_of("b@example.org", sessions[2]).status == "offered"
    assert seat_of("b@example.org", sessions[3]).status == "waitlisted"
    # A changes their mind: the seat is no longer free, so A waits behind B.
    act(client, first, seat_of("a@example.org", sessions[2]), "unskip")
    assert seat_of("a@example.org", sessions[2]).status == "waitlisted"


def test_one_session_people_can_add_sessions_or_take_them_all(client, weekly):
    sessions = [o.id for o in occurrences(weekly)]
    manage = join_up(client, weekly, "sky@example.org", scope="occurrence", occurrence_id=str(sessions[0]))
    page = client.get(manage, headers=ENGLISH).get_data(as_text=True)
    assert "Join this session too" in page and "Sign me up for all upcoming sessions" in page
    assert client.post(f"{manage}/sessions/{sessions[1]}").status_code == 303
    assert seat_of("sky@example.org", sessions[1]).status == "confirmed"
    act(client, manage, seat_of("sky@example.org", sessions[1]), "skip")
    rsvp_id = rsvp_of("sky@example.org").id
    assert client.post(f"{manage}/meetings/{rsvp_id}/all").status_code == 303
    assert seat_of("sky@example.org", sessions[1]).status == "skipped"  # a skip stays a skip
    assert seat_of("sky@example.org", sessions[5]).status == "confirmed"
    bad = client.post(f"{manage}/sessions/999999", headers=ENGLISH)
    assert bad.status_code == 400 and "could not find" in bad.get_data(as_text=True)
    seat = seat_of("sky@example.org", sessions[5])
    assert client.post(f"{manage}/seats/{seat.id}", data={"action": "x"}).status_code == 400


def test_new_sessions_get_seats_for_everyone_signed_up_for_all(client, weekly, frozen_now):
    join_up(client, weekly, "sky@example.org")
    before = len(occurrences(weekly))
    with clock.frozen_at(frozen_now + timedelta(days=60)):
        extend_all_horizons()
        assert allocation.allocate_new_sessions() > 0
        db.session.commit()
        assert allocation.allocate_new_sessions() == 0
    db.session.expire_all()
    rsvp = rsvp_of("sky@example.org")
    seats = db.session.scalar(sa.select(sa.func.count()).select_from(Seat).where(Seat.rsvp_id == rsvp.id))
    assert len(occurrences(weekly)) > before and seats == len(occurrences(weekly))


def test_someone_elses_seat_cannot_be_touched(app, weekly):
    mine = join_up(app.test_client(), weekly, "sky@example.org")
    join_up(app.test_client(), weekly, "other@example.org", "Other")
    theirs = seat_of("other@example.org", occurrences(weekly)[0].id)
    response = app.test_client().post(f"{mine}/seats/{theirs.id}", data={"action": "skip"}, headers=ENGLISH)
    assert response.status_code == 400 and "Other" not in response.get_data(as_text=True)
    assert seat_of("other@example.org", occurrences(weekly)[0].id).status == "confirmed"
    assert app.test_client().post(f"{mine}/meetings/{rsvp_of('other@example.org').id}/leave").status_code == 400
    assert rsvp_of("other@example.org").status == "active"


def test_raising_the_capacity_offers_the_new_seats_in_order(app, group, frozen_now):
    series = one_off(group, capacity=1)
    for name in ("ana", "budi", "citra"):
        join_up(app.test_client(), series, f"{name}@example.org", name.title())
    series.capacity = 2
    db.session.commit()
    assert allocation.process_waitlists() == 1
    db.session.commit()
    assert allocation.process_waitlists() == 0
    assert seat_states(occurrences(series)[0]) == {
        "ana@example.org": "confirmed",
        "budi@example.org": "offered",
        "citra@example.org": "waitlisted",
    }
