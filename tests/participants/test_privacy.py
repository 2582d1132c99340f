"""Privacy: erase removes every row naming the person, retention, nobody sees anybody else, nothing in logs."""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa

from scheduler import clock
from scheduler.extensions import db
from scheduler.notifications.models import OutboxMessage
from scheduler.participants import privacy
from scheduler.participants.models import Participant, SeatCounter
from tests.factories import create_series
from tests.participants.conftest import ENGLISH, join_up, last_mail, mails, occurrences, one_off, seat_states, sign_up
from tests.participants.test_seats import seat_of

SKY = ("skylark-7@example.org", "Skylark Seven")
OTHER = ("river-9@example.org", "River Nine")


def rows_naming(*needles: str) -> list[str]:
    """Every row of every table with a cell containing one of the needles."""
    db.session.expire_all()
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)):
            cells = " ".join(str(value) for value in row)
            if any(needle.lower() in cells.lower() for needle in needles):
                found.append(f"{table.name}: {cells[:120]}")
    return found


def test_erase_removes_every_row_that_names_the_person(app, group, frozen_now):
    weekly = create_series(group, title="Weekly", capacity=1, language="en")
    closed = one_off(group, title="Closed circle", access="closed")
    webinar = one_off(group, title="Webinar", kind="webinar")
    first, second = (o.id for o in occurrences(weekly)[:2])
    sky, other = app.test_client(), app.test_client()
    manage = join_up(sky, weekly, *SKY)
    join_up(sky, closed, *SKY, note="I am Skylark, please let me in")
    join_up(sky, webinar, *SKY, question="Skylark asks: how do I start?")
    join_up(other, weekly, *OTHER)  # waits behind Sky in every session
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == 1).values(status="sent"))
    db.session.commit()
    assert rows_naming(*SKY) and rows_naming(*OTHER)

    with clock.frozen_at(frozen_now + timedelta(days=9, hours=10)):  # the first session is over
        page = sky.get(f"{manage}/erase", headers=ENGLISH)
        assert page.status_code == 200 and "cannot be undone" in page.get_data(as_text=True)
        assert rows_naming(*SKY)  # GET erased nothing
        done = sky.post(f"{manage}/erase", headers=ENGLISH)
        assert done.status_code == 200 and "Everything that named you is gone" in done.get_data(as_text=True)

    assert rows_naming(*SKY, "Skylark") == []
    assert sky.get(manage).status_code == 404
    assert db.session.get(SeatCounter, first).taken == 1  # the past session keeps its anonymous count
    assert seat_states(occurrences(weekly)[1]) == {OTHER[0]: "offered"}  # Sky's upcoming seat went on
    assert db.session.get(SeatCounter, second).taken == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) == 1


def test_retention_purges_people_with_nothing_upcoming(app, group, frozen_now):
    single = one_off(group)  # 1 December
    weekly = create_series(group, title="Weekly", language="en")
    join_up(app.test_client(), single, "once@example.org", "Once")
    join_up(app.test_client(), weekly, "always@example.org", "Always")
    sign_up(app.test_client(), single, "never@example.org", "Never")
    with clock.frozen_at(frozen_now + timedelta(days=8)):
        assert privacy.purge_inactive() == 1  # the address nobody confirmed
        db.session.commit()
    with clock.frozen_at(frozen_now + timedelta(days=9 + 89)):
        assert privacy.purge_inactive() == 0  # 89 days after the session: kept
    with clock.frozen_at(frozen_now + timedelta(days=9 + 91)):
        assert privacy.purge_inactive() == 1
        db.session.commit()
    emails = set(db.session.scalars(sa.select(Participant.email)))
    assert emails == {"always@example.org"}
    assert rows_naming("once@example.org", "never@example.org") == []


def test_nobody_sees_anybody_else(app, group):
    series = one_off(group, capacity=1)
    sky, other = app.test_client(), app.test_client()
    sky_manage = join_up(sky, series, *SKY)
    other_manage = join_up(other, series, *OTHER)
    seat = seat_of(SKY[0], occurrences(series)[0].id)
    sky.post(f"{sky_manage}/seats/{seat.id}", data={"action": "skip"})  # the seat is offered to River
    for client, manage, me, them in ((sky, sky_manage, SKY, OTHER), (other, other_manage, OTHER, SKY)):
        page = client.get(manage, headers=ENGLISH).get_data(as_text=True)
        assert me[1] in page
        assert them[0] not in page and them[1] not in page
        for mail in mails(me[0]):
            assert them[0] not in mail.text + mail.html + mail.subject
            assert them[1] not in mail.text + mail.html + mail.subject
        calendar = client.post(f"{manage}/calendar").get_data(as_text=True)
        assert them[0] not in calendar and them[1] not in calendar and "ATTENDEE" not in calendar
    assert "River" in last_mail(OTHER[0], "waitlist_offer").text


def test_no_addresses_or_tokens_in_the_logs(app, client, weekly, caplog):
    caplog.set_level(logging.DEBUG)
    manage = join_up(client, weekly, *SKY)
    client.get(manage)
    secrets = [manage.rsplit("/", 1)[1], last_mail(SKY[0], "rsvp_welcome").link("j").rsplit("/", 1)[1]]
    for needle in (SKY[0], *secrets):
        assert needle not in caplog.text
    logging.getLogger("werkzeug").info('"GET %s HTTP/1.1" 200 - for %s', manage, SKY[0])
    assert SKY[0] not in caplog.text and secrets[0] not in caplog.text  # the foundation's filter redacts
