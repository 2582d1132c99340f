"""Rate limits on the sign-up form: per IP address (a 429) and per email address (silent)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from scheduler import create_app
from scheduler.extensions import db, limiter
from tests.conftest import _empty_all_tables, base_config, dispose_engines
from tests.factories import create_group
from tests.participants.conftest import ENGLISH, form, mails, one_off


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
            limiter.enabled = was_enabled  # the extension object is shared by every app in this process
            db.session.remove()
            _empty_all_tables()
            dispose_engines()


def post(app: Flask, series_id: int, email: str, ip: str):
    return app.test_client().post(
        f"/meetings/{series_id}/rsvp", data=form(email), headers=ENGLISH, environ_base={"REMOTE_ADDR": ip}
    )


def test_too_many_posts_from_one_address_get_a_friendly_429(limited_app):
    series_id = one_off(create_group()).id
    for n in range(3):
        assert post(limited_app, series_id, f"person{n}@example.org", "10.0.0.1").status_code == 302
    refused = post(limited_app, series_id, "person9@example.org", "10.0.0.1")
    assert refused.status_code == 429 and "Please wait a moment" in refused.get_data(as_text=True)
    assert post(limited_app, series_id, "person9@example.org", "10.0.0.2").status_code == 302
    assert app_get_is_free(limited_app, series_id)


def app_get_is_free(app: Flask, series_id: int) -> bool:
    client = app.test_client()
    return all(client.get(f"/meetings/{series_id}/rsvp").status_code == 200 for _ in range(5))


def test_one_email_address_gets_a_limited_number_of_emails_silently(limited_app):
    series_id = one_off(create_group()).id
    responses = [post(limited_app, series_id, "sky@example.org", f"10.0.1.{n}") for n in range(4)]
    assert [r.status_code for r in responses] == [302] * 4
    assert len({r.headers["Location"] for r in responses}) == 1  # the same answer every time
    assert len(mails("sky@example.org")) == 2
