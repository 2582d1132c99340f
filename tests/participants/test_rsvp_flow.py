"""Signing up: double opt-in, answers that do not reveal who attends, idempotency, emails, bad input."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from scheduler import clock
from scheduler.extensions import db
from scheduler.notifications.models import OutboxMessage
from scheduler.participants.models import LinkToken, Participant, Rsvp, Seat
from tests.participants.conftest import (
    ENGLISH,
    confirm,
    form,
    join_up,
    last_mail,
    mails,
    occurrences,
    one_off,
    person,
    rsvp_of,
    sign_up,
)


def counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Participant, Rsvp, Seat, LinkToken, OutboxMessage)
    )


def test_the_meeting_page_links_to_the_form_and_the_form_explains_privacy(client, weekly):
    html = client.get(f"/meetings/{weekly.id}", headers=ENGLISH).get_data(as_text=True)
    assert f'href="/meetings/{weekly.id}/rsvp"' in html
    page = client.get(f"/meetings/{weekly.id}/rsvp", headers=ENGLISH)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "pseudonym is fine" in text and "Privacy:" in text and "erase" in text
    assert 'name="website"' in text and "data-detect-timezone" in text
    assert "All upcoming sessions" in text and "Only one session" in text


def test_double_opt_in(client, weekly):
    response = sign_up(client, weekly, "sky@example.org")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/meetings/{weekly.id}/rsvp/sent")
    rsvp = rsvp_of("sky@example.org")
    assert rsvp.status == "pending" and person("sky@example.org").confirmed_at is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Seat)) == 0

    mail = last_mail("sky@example.org", "rsvp_confirm")
    page = client.get(mail.link("rsvp/confirm"), headers=ENGLISH)
    assert page.status_code == 200 and "Yes, confirm" in page.get_data(as_text=True)
    assert rsvp_of("sky@example.org").status == "pending"  # GET changed nothing

    manage = confirm(client, "sky@example.org")
    assert manage.startswith("/manage/")
    rsvp = rsvp_of("sky@example.org")
    assert rsvp.status == "active" and person("sky@example.org").confirmed_at is not None
    seats = db.session.scalars(sa.select(Seat).where(Seat.rsvp_id == rsvp.id)).all()
    assert len(seats) == len(occurrences(weekly)) > 50 and {s.status for s in seats} == {"confirmed"}
    page = client.get(manage, headers=ENGLISH).get_data(as_text=True)
    assert "You are in" in page and "Tue, Dec 1, 7:00\u202fPM in Amsterdam" in page and "Download my calendar" in page


def test_the_answer_is_the_same_whether_or_not_the_address_is_known(app, client, weekly):
    join_up(app.test_client(), weekly, "known@example.org", "Known")
    known = sign_up(client, weekly, "known@example.org", "Someone else")
    unknown = sign_up(client, weekly, "new@example.org", "Newcomer")
    assert (known.status_code, known.headers["Location"]) == (unknown.status_code, unknown.headers["Location"])
    page_known = client.get(known.headers["Location"], headers=ENGLISH).get_data(as_text=True)
    page_unknown = client.get(unknown.headers["Location"], headers=ENGLISH).get_data(as_text=True)
    assert page_known == page_unknown and "Check your inbox" in page_known
    # The known person gets their links again; nothing about them changed.
    assert last_mail("known@example.org").kind == "rsvp_already"
    assert person("known@example.org").display_name == "Known"


def test_signing_up_again_is_idempotent(client, weekly):
    sign_up(client, weekly, "sky@example.org")
    sign_up(client, weekly, "SKY@example.org ")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Rsvp)) == 1
    assert len(mails("sky@example.org", "rsvp_confirm")) == 2  # each request mails a fresh link
    confirm(client, "sky@example.org")
    seats_before = db.session.scalar(sa.select(sa.func.count()).select_from(Seat))
    sign_up(client, weekly, "sky@example.org")
    assert rsvp_of("sky@example.org").status == "active"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Seat)) == seats_before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Rsvp)) == 1


def test_an_older_confirmation_link_stops_working_once_confirmed(client, weekly):
    sign_up(client, weekly, "sky@example.org")
    first = last_mail("sky@example.org", "rsvp_confirm").link("rsvp/confirm")
    sign_up(client, weekly, "sky@example.org")
    confirm(client, "sky@example.org")
    replay = client.post(first, headers=ENGLISH)
    assert replay.status_code == 410 and "no longer works" in replay.get_data(as_text=True)


def test_one_session_only(client, weekly):
    second = occurrences(weekly)[1].id
    join_up(client, weekly, "sky@example.org", scope="occurrence", occurrence_id=str(second))
    seats = db.session.scalars(sa.select(Seat)).all()
    assert [(s.occurrence_id, s.status) for s in seats] == [(second, "confirmed")]
    mail = last_mail("sky@example.org", "rsvp_confirm")
    assert "Only this session: Tuesday, December 8, 2026, 7:00\u202fPM" in mail.text


def test_confirmation_email_is_discreet_localised_and_personal(client, weekly):
    sign_up(client, weekly, "sky@example.org", language="nl", timezone="Asia/Dhaka",
            scope="occurrence", occurrence_id=str(occurrences(weekly)[0].id))  # fmt: skip
    mail = last_mail("sky@example.org", "rsvp_confirm")
    assert mail.language == "nl"
    lock_screen = f"{mail.subject} {mail.sender} {mail.text[:120]}".lower()
    for word in ("cocaine", "recovery", "addiction", "drug", "amsterdam"):
        assert word not in lock_screen
    assert "Call the Amsterdam helpline: 0800-1234" in mail.text and mail.html
    # 18:00 UTC is 00:00 the next day in Dhaka: the person's time first, the meeting's city time beside it.
    assert "00:00" in mail.text and "19:00 in Amsterdam" in mail.text
    assert "/rsvp/confirm/" in mail.text and "/manage/" in mail.text
    assert "https://" not in mail.text.replace("http://127.0.0.1:5000", "")  # no video URL, no other sites


def test_a_named_group_uses_the_meeting_title_in_the_subject(client, group):
    group.discreet = False
    db.session.commit()
    series = one_off(group, title="Family evening")
    sign_up(client, series, "mum@example.org", "Mum")
    mail = last_mail("mum@example.org")
    assert mail.subject == "Please confirm: Family evening" and mail.sender == group.name


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"email": "not-an-address"}, "Enter a valid email address"),
        ({"email": ""}, "Enter your email address"),
        ({"display_name": "x" * 81}, "at most 80 characters"),
        ({"display_name": "   "}, "Enter a name"),
        ({"timezone": "Mars/Olympus"}, "Choose a time zone from the list"),
        ({"language": "fr"}, "Not a valid choice"),
        ({"scope": "everything"}, "Not a valid choice"),
        ({"scope": "occurrence", "occurrence_id": "999999"}, "Choose one of the upcoming sessions"),
        ({"scope": "occurrence", "occurrence_id": "abc"}, "Choose one of the upcoming sessions"),
        ({"scope": "occurrence", "occurrence_id": ""}, "Choose one of the upcoming sessions"),
    ],
)
def test_bad_input_gets_a_clear_message_and_a_400(client, weekly, changes, field_message):
    before = counts()
    response = client.post(f"/meetings/{weekly.id}/rsvp", data=form("sky@example.org") | changes, headers=ENGLISH)
    assert response.status_code == 400
    assert field_message in response.get_data(as_text=True)
    assert counts() == before


def test_missing_fields_and_unknown_meetings(client, weekly):
    assert client.post(f"/meetings/{weekly.id}/rsvp", data={}, headers=ENGLISH).status_code == 400
    assert client.get("/meetings/99999/rsvp", headers=ENGLISH).status_code == 404
    assert client.post("/meetings/99999/rsvp", data=form("a@example.org"), headers=ENGLISH).status_code == 404


def test_a_cancelled_meeting_takes_no_sign_ups(client, weekly):
    from scheduler.meetings import services as meetings

    meetings.cancel_series(weekly, "Merged with Thursday")
    db.session.commit()
    page = client.get(f"/meetings/{weekly.id}/rsvp", headers=ENGLISH).get_data(as_text=True)
    assert "not taking sign-ups" in page
    assert sign_up(client, weekly, "sky@example.org").status_code == 400


def test_a_meeting_that_is_over_takes_no_sign_ups(client, group, frozen_now):
    series = one_off(group)
    with clock.frozen_at(frozen_now + timedelta(days=10)):
        assert "not taking sign-ups" in client.get(f"/meetings/{series.id}/rsvp", headers=ENGLISH).get_data(True)
        assert sign_up(client, series, "late@example.org").status_code == 400
    assert mails("late@example.org") == []


def test_honeypot_pretends_success_and_stores_nothing(client, weekly):
    before = counts()
    response = sign_up(client, weekly, "bot@example.org", website="http://spam.example")
    assert response.status_code == 302 and response.headers["Location"].endswith("/rsvp/sent")
    assert counts() == before


def test_failed_input_never_loses_what_was_saved(client, weekly):
    join_up(client, weekly, "sky@example.org")
    before = counts()
    client.post(f"/meetings/{weekly.id}/rsvp", data=form("sky@example.org", "y" * 200), headers=ENGLISH)
    assert counts() == before and rsvp_of("sky@example.org").status == "active"


def test_the_confirmation_page_is_in_the_persons_language(client, weekly):
    sign_up(client, weekly, "sky@example.org", language="nl")
    path = last_mail("sky@example.org").link("rsvp/confirm")
    page = client.get(path, headers=ENGLISH)
    assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["Cache-Control"] == "no-store"
    assert re.search(r'<html lang="nl"', page.get_data(as_text=True))
