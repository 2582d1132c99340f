"""Staff sign-in: rate limits, CSRF, and the CLI that creates the first admin."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from scheduler import create_app
from scheduler.auth.models import User
from scheduler.extensions import db
from tests.conftest import base_config, dispose_engines
from tests.factories import PASSWORD, create_user


@pytest.fixture
def strict_app(app: Flask, database_url: str) -> Iterator[Flask]:
    """A second app over the same database with rate limits and CSRF switched on."""
    strict = create_app(base_config(database_url) | {"RATELIMIT_ENABLED": True, "WTF_CSRF_ENABLED": True})
    yield strict
    with strict.app_context():
        dispose_engines()


def test_login_is_rate_limited_per_address_and_per_account(strict_app):
    user = create_user("organizer")
    client = strict_app.test_client()
    strict_app.config["WTF_CSRF_ENABLED"] = False
    codes = [
        client.post(
            "/login", data={"email": user.email, "password": "wrong"}, environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}
        ).status_code
        for i in range(12)
    ]
    assert codes[:10] == [200] * 10
    assert codes[10] == 429  # the same account from many addresses
    page = client.post(
        "/login", data={"email": user.email, "password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.0.1.1"}
    )
    assert page.status_code == 429
    assert "Too many attempts" in page.get_data(as_text=True)


def test_forms_need_a_csrf_token(strict_app):
    user = create_user("organizer")
    client = strict_app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_inactive_accounts_cannot_sign_in(client):
    user = create_user("organizer")
    user.active = False
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200 and "do not match" in response.get_data(as_text=True)


def test_cli_creates_the_first_admin_and_refuses_bad_input(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Admin@Example.org",
            "--name",
            "Admin",
            "--role",
            "admin",
            "--password",
            "a-long-password",
        ]
    )
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(sa.select(User).where(User.email == "admin@example.org"))
    assert admin is not None and admin.is_admin and admin.check_password("a-long-password")
    again = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "admin@example.org",
            "--name",
            "A",
            "--role",
            "admin",
            "--password",
            "a-long-password",
        ]
    )
    assert again.exit_code != 0 and "already" in again.output
    short = runner.invoke(args=["users", "create", "--email", "b@example.org", "--name", "B", "--password", "short"])
    assert short.exit_code != 0 and "at least 10" in short.output


def test_passwords_are_stored_with_a_slow_salted_hash(app):
    user = create_user("organizer")
    assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash


def test_staff_choose_their_own_time_zone_and_language(client):
    user = create_user("counselor", timezone="UTC", language="en")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    bad = client.post("/settings", data={"name": "Dewi", "timezone": "Mars/Base", "language": "id"})
    assert bad.status_code == 400 and "time zone" in bad.get_data(as_text=True)
    response = client.post("/settings", data={"name": "Dewi", "timezone": "Asia/Jakarta", "language": "id"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.name, user.timezone, user.language) == ("Dewi", "Asia/Jakarta", "id")
    page = client.get("/settings").get_data(as_text=True)
    assert 'lang="id"' in page and 'value="Asia/Jakarta"' in page
