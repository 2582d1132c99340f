"""Signing up through the API: the form's rules, its per-IP limit (shared with the form) and the same answer
for every address."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from scheduler import create_app
from scheduler.extensions import db, limiter
from scheduler.participants import signup
from tests.conftest import _empty_all_tables, base_config, dispose_engines
from tests.factories import create_group
from tests.participants.conftest import ENGLISH, form, last_mail, mails, one_off


def body(email: str, **overrides: object) -> dict[str, object]:
    return {"email": email, "display_name": "Sky", "timezone": "Europe/Amsterdam", "language": "en"} | overrides


def rsvp(client, series_id: int, email: str, ip: str = "10.0.0.1", **overrides: object):
    return client.post(
        f"/api/v1/meetings/{series_id}/rsvps", json=body(email, **overrides), environ_base={"REMOTE_ADDR": ip}
    )


def test_a_sign_up_sends_the_confirmation_link_and_changes_nothing_else(client, app, frozen_now):
    series = one_off(create_group())
    answer = rsvp(client, series.id, "sky@example.org")
    assert answer.status_code == 202
    assert answer.get_json()["status"] == "check_your_inbox"
    confirm = last_mail("sky@example.org").link("rsvp/confirm")
    db.session.expire_all()
    rsvp_row = signup.pending_confirmation(confirm.rsplit("/", 1)[1])
    assert rsvp_row.status == "pending"  # nothing is booked until the link is followed


def test_the_answer_is_the_same_whether_or_not_the_address_is_known(client, app, frozen_now):
    series = one_off(create_group())
    first = rsvp(client, series.id, "known@example.org")
    confirm_path = last_mail("known@example.org").link("rsvp/confirm")
    assert client.post(confirm_path).status_code in (200, 302, 303)
    again = rsvp(client, series.id, "known@example.org")
    stranger = rsvp(client, series.id, "stranger@example.org")
    assert first.status_code == again.status_code == stranger.status_code == 202
    assert first.get_json() == again.get_json() == stranger.get_json()
    assert set(again.headers) - {"Content-Length"} == set(stranger.headers) - {"Content-Length"}


def test_the_forms_rules_answer_with_every_field_listed(client, app, frozen_now):
    series = one_off(create_group())
    answer = rsvp(client, series.id, "not-an-address", timezone="Mars/Olympus")
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    problem = answer.get_json()
    assert set(problem["errors"]) == {"email", "timezone"}
    assert "email" in problem["detail"] and "timezone" in problem["detail"]
    wrong_session = rsvp(client, series.id, "sky@example.org", scope="occurrence", session_id=999999)
    assert set(wrong_session.get_json()["errors"]) == {"session_id"}
    assert mails() == []


def test_an_unknown_meeting_is_a_404_problem(client, app, frozen_now):
    answer = rsvp(client, 999999, "sky@example.org")
    assert answer.status_code == 404 and answer.mimetype == "application/problem+json"


@pytest.fixture
def limited_app(database_url: str, frozen_now) -> Iterator[Flask]:
    was_enabled = limiter.enabled
    app = create_app(
        base_config(database_url)
        | {"RATELIMIT_ENABLED": True, "RSVP_RATE_LIMIT": "3 per minute", "RSVP_ADDRESS_RATE_LIMIT": "2 per hour"}
    )
    with app.app_context():
        db.create_all()
        limiter.reset()
        try:
            yield app
        finally:
            limiter.reset()
            limiter.enabled = was_enabled
            db.session.remove()
            _empty_all_tables()
            dispose_engines()


def test_posts_per_address_are_limited_together_with_the_form(limited_app):
    client = limited_app.test_client()
    series_id = one_off(create_group()).id
    assert rsvp(client, series_id, "a@example.org").status_code == 202
    assert rsvp(client, series_id, "b@example.org").status_code == 202
    through_form = client.post(
        f"/meetings/{series_id}/rsvp",
        data=form("c@example.org"),
        headers=ENGLISH,
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    assert through_form.status_code == 302
    refused = rsvp(client, series_id, "d@example.org")
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert refused.get_json()["detail"]
    assert rsvp(client, series_id, "d@example.org", ip="10.0.0.2").status_code == 202


def test_one_address_gets_a_limited_number_of_emails_and_the_same_answer(limited_app):
    client = limited_app.test_client()
    series_id = one_off(create_group()).id
    answers = [rsvp(client, series_id, "sky@example.org", ip=f"10.0.1.{n}") for n in range(4)]
    assert [a.status_code for a in answers] == [202] * 4
    assert len({a.get_data() for a in answers}) == 1
    assert len(mails("sky@example.org")) == 2
