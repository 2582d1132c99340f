"""The staff API: personal tokens (missing, wrong, revoked, read-only, another group's), the same rights as the
pages, the same services, and a rate limit per token."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from scheduler import create_app
from scheduler.auth import api_tokens
from scheduler.extensions import db, limiter
from scheduler.meetings.models import Occurrence, Series
from tests.api.conftest import bearer, token_for
from tests.conftest import _empty_all_tables, base_config, dispose_engines
from tests.factories import create_user
from tests.participants.conftest import confirm, sign_up

NEW_MEETING = {
    "title": "Thursday check-in",
    "kind": "peer_support",
    "start_date": "2026-12-03",
    "start_time": "18:30",
    "timezone": "Europe/Amsterdam",
    "duration_minutes": 60,
    "recurrence": {"freq": "weekly", "weekdays": [3], "count": 4},
    "language": "en",
    "status": "published",
}


def first_session(series: Series) -> Occurrence:
    return db.session.scalars(
        sa.select(Occurrence).where(Occurrence.series_id == series.id).order_by(Occurrence.start)
    ).first()


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer sch_wrong"}, {"Authorization": "Basic b3JnOnB3"}, {"Authorization": "Bearer"}],
)
def test_without_a_valid_token_the_answer_is_401_problem(client, network, headers):
    answer = client.get("/api/v1/staff/groups", headers=headers)
    assert answer.status_code == 401 and answer.mimetype == "application/problem+json"
    assert "Bearer" in answer.get_json()["detail"]
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_sign_in_cookie_does_not_open_the_api(client, network):
    client.post("/login", data={"email": "org@example.org", "password": "correct horse battery staple"})
    assert client.get("/organizer/").status_code == 200
    assert client.get("/api/v1/staff/groups").status_code == 401


def test_a_revoked_token_stops_working_and_its_use_is_recorded(client, network):
    assert client.get("/api/v1/staff/groups", headers=bearer(network.read_token)).status_code == 200
    db.session.remove()  # what another connection sees: the last use is committed
    token = db.session.scalar(sa.select(api_tokens.ApiToken).where(api_tokens.ApiToken.scope == "read"))
    assert token.last_used_at is not None
    network.organizer = db.session.merge(network.organizer)
    api_tokens.revoke(network.organizer, token.id)
    db.session.commit()
    assert client.get("/api/v1/staff/groups", headers=bearer(network.read_token)).status_code == 401


def test_tokens_are_stored_hashed(app, network):
    stored = db.session.scalars(sa.select(api_tokens.ApiToken.token_hash)).all()
    assert network.write_token not in stored
    assert api_tokens.digest(network.write_token) in stored


def test_an_inactive_account_s_token_stops_working(client, network):
    network.organizer.active = False
    db.session.commit()
    assert client.get("/api/v1/staff/groups", headers=bearer(network.write_token)).status_code == 401


def test_a_read_token_reads_but_may_not_write(client, network):
    assert (
        client.get(f"/api/v1/staff/meetings/{network.draft.id}", headers=bearer(network.read_token)).status_code == 200
    )
    answer = client.post(
        f"/api/v1/staff/meetings/{network.meeting.id}/cancel", json={"reason": "x"}, headers=bearer(network.read_token)
    )
    assert answer.status_code == 403 and answer.mimetype == "application/problem+json"
    assert "write" in answer.get_json()["detail"]
    db.session.expire_all()
    assert network.meeting.status == "published"


def test_another_group_s_meeting_is_forbidden_like_on_the_pages(client, network):
    other = network.other_meeting
    for method, path, kwargs in [
        ("get", f"/api/v1/staff/meetings/{other.id}", {}),
        ("patch", f"/api/v1/staff/meetings/{other.id}", {"json": {"title": "Mine now"}}),
        ("post", f"/api/v1/staff/meetings/{other.id}/cancel", {"json": {"reason": "no"}}),
        ("post", f"/api/v1/staff/sessions/{first_session(other).id}/cancel", {"json": {"reason": "no"}}),
        ("get", f"/api/v1/staff/sessions/{first_session(other).id}/roster", {}),
        ("get", f"/api/v1/staff/sessions/{first_session(other).id}/attendance", {}),
        ("post", f"/api/v1/staff/groups/{network.other_group.id}/meetings", {"json": NEW_MEETING}),
    ]:
        answer = getattr(client, method)(path, headers=bearer(network.write_token), **kwargs)
        assert answer.status_code == 403, path
        assert answer.mimetype == "application/problem+json"
    page = client.get("/api/v1/staff/groups", headers=bearer(network.write_token)).get_json()
    assert [g["slug"] for g in page["items"]] == ["amsterdam"]
    db.session.expire_all()
    assert other.title == "Dhaka evening" and other.status == "published"


def test_create_update_and_cancel_a_meeting(client, network):
    made = client.post(
        f"/api/v1/staff/groups/{network.group.id}/meetings", json=NEW_MEETING, headers=bearer(network.write_token)
    )
    assert made.status_code == 201, made.get_json()
    meeting = made.get_json()
    assert meeting["rrule"] == "FREQ=WEEKLY;BYDAY=TH;COUNT=4" and meeting["local_start"] == "2026-12-03T18:30"
    changed = client.patch(
        f"/api/v1/staff/meetings/{meeting['id']}",
        json={"title": "Thursday circle"},
        headers=bearer(network.write_token),
    )
    assert changed.status_code == 200 and changed.get_json()["title"] == "Thursday circle"
    assert changed.get_json()["rrule"] == meeting["rrule"]  # what was not sent stays
    cancelled = client.post(
        f"/api/v1/staff/meetings/{meeting['id']}/cancel",
        json={"reason": "Room lost"},
        headers=bearer(network.write_token),
    )
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    again = client.patch(
        f"/api/v1/staff/meetings/{meeting['id']}", json={"title": "Back"}, headers=bearer(network.write_token)
    )
    assert again.status_code == 422 and "status" in again.get_json()["errors"]


def test_the_services_rules_come_back_as_field_errors(client, network):
    answer = client.post(
        f"/api/v1/staff/groups/{network.group.id}/meetings",
        json=NEW_MEETING | {"timezone": "Atlantis/Capital", "recurrence": {"freq": "weekly", "interval": 0}},
        headers=bearer(network.write_token),
    )
    assert answer.status_code == 422
    assert set(answer.get_json()["errors"]) == {"recurrence.interval"}
    rule = client.post(
        f"/api/v1/staff/groups/{network.group.id}/meetings",
        json=NEW_MEETING | {"timezone": "Atlantis/Capital"},
        headers=bearer(network.write_token),
    )
    assert rule.status_code == 422 and set(rule.get_json()["errors"]) == {"timezone"}


def test_cancel_and_move_a_session(client, network):
    session = first_session(network.meeting)
    moved = client.post(
        f"/api/v1/staff/sessions/{session.id}/move",
        json={"start": "2026-12-02T20:00", "duration_minutes": 45},
        headers=bearer(network.write_token),
    )
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["start_local"] == "2026-12-02T20:00+01:00"
    assert moved.get_json()["end_utc"] == "2026-12-02T19:45:00+00:00"
    as_instant = client.post(
        f"/api/v1/staff/sessions/{session.id}/move",
        json={"start": "2026-12-02T18:30:00Z"},
        headers=bearer(network.write_token),
    )
    assert as_instant.get_json()["start_local"] == "2026-12-02T19:30+01:00"
    cancelled = client.post(
        f"/api/v1/staff/sessions/{session.id}/cancel", json={"reason": "Holiday"}, headers=bearer(network.write_token)
    )
    assert cancelled.get_json()["status"] == "cancelled" and cancelled.get_json()["cancel_reason"] == "Holiday"
    twice = client.post(
        f"/api/v1/staff/sessions/{session.id}/cancel", json={"reason": "Holiday"}, headers=bearer(network.write_token)
    )
    assert twice.status_code == 422 and "reason" in twice.get_json()["errors"]


def test_rosters_show_names_and_addresses_to_the_group_s_organizer(client, network):
    sign_up(client, network.meeting, "pat@example.org", "Pat")
    confirm(client, "pat@example.org")
    session = first_session(network.meeting)
    roster = client.get(f"/api/v1/staff/sessions/{session.id}/roster", headers=bearer(network.read_token))
    assert roster.status_code == 200
    assert roster.get_json()["people"] == [
        {"display_name": "Pat", "email": "pat@example.org", "seat": "confirmed", "attendance": None}
    ]
    attendance = client.get(f"/api/v1/staff/sessions/{session.id}/attendance", headers=bearer(network.read_token))
    assert [p["display_name"] for p in attendance.get_json()["people"]] == ["Pat"]
    assert "no-cache" in roster.headers["Cache-Control"] and "private" in roster.headers["Cache-Control"]


def test_admins_see_every_group(client, network):
    admin = create_user("admin")
    token = token_for(admin, "read")
    slugs = [g["slug"] for g in client.get("/api/v1/staff/groups", headers=bearer(token)).get_json()["items"]]
    assert slugs == ["amsterdam", "dhaka"]


def test_create_token_on_the_command_line(app, network):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create-token", "--email", "org@example.org", "--name", "sync", "--scope", "write"]
    )
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert secret.startswith("sch_")
    assert app.test_client().get("/api/v1/staff/groups", headers=bearer(secret)).status_code == 200
    nobody = runner.invoke(args=["users", "create-token", "--email", "nobody@example.org", "--name", "x"])
    assert nobody.exit_code != 0


def test_tokens_are_made_listed_and_revoked_on_the_settings_page(client, network):
    client.post("/login", data={"email": "org@example.org", "password": "correct horse battery staple"})
    made = client.post("/settings/api-tokens", data={"name": "Website sync", "scope": "write"})
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    page = made.get_data(as_text=True)
    secret = page.split('<code id="new-token">')[1].split("<")[0]
    assert client.get("/api/v1/staff/groups", headers=bearer(secret)).status_code == 200
    listing = client.get("/settings").get_data(as_text=True)
    assert "Website sync" in listing and secret not in listing
    token = db.session.scalar(sa.select(api_tokens.ApiToken).where(api_tokens.ApiToken.name == "Website sync"))
    assert client.post(f"/settings/api-tokens/{token.id}/revoke").status_code == 303
    assert client.get("/api/v1/staff/groups", headers=bearer(secret)).status_code == 401
    bad = client.post("/settings/api-tokens", data={"name": "", "scope": "admin"})
    assert bad.status_code == 400


@pytest.fixture
def limited_app(database_url: str, frozen_now) -> Iterator[Flask]:
    was_enabled = limiter.enabled
    app = create_app(base_config(database_url) | {"RATELIMIT_ENABLED": True, "API_TOKEN_RATE_LIMIT": "3 per minute"})
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


def test_each_token_has_its_own_rate_limit(limited_app):
    user = create_user()
    first, second = token_for(user, "read"), token_for(user, "read")
    client = limited_app.test_client()
    assert [client.get("/api/v1/staff/groups", headers=bearer(first)).status_code for _ in range(3)] == [200] * 3
    refused = client.get("/api/v1/staff/groups", headers=bearer(first))
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert client.get("/api/v1/staff/groups", headers=bearer(second)).status_code == 200


def test_made_up_tokens_from_one_address_run_into_the_address_limit(database_url, frozen_now):
    was_enabled = limiter.enabled
    app = create_app(base_config(database_url) | {"RATELIMIT_ENABLED": True, "API_PUBLIC_RATE_LIMIT": "3 per minute"})
    with app.app_context():
        db.create_all()
        limiter.reset()
        try:
            client = app.test_client()
            codes = [client.get("/api/v1/staff/groups", headers=bearer(f"sch_guess{n}")).status_code for n in range(4)]
            assert codes == [401, 401, 401, 429]
        finally:
            limiter.reset()
            limiter.enabled = was_enabled
            db.session.remove()
            _empty_all_tables()
            dispose_engines()
