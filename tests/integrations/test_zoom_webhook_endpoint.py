"""POST /integrations/zoom/webhook: signatures over the raw body, URL validation, and changes made in Zoom."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from scheduler import clock
from scheduler.extensions import db
from scheduler.integrations import provisioning
from scheduler.integrations.models import RoomStatus
from scheduler.integrations.provisioning_job import provision_due_rooms
from scheduler.notifications.models import OutboxMessage
from tests.factories import create_series, create_user
from tests.integrations.conftest import WEBHOOK_SECRET
from tests.integrations.test_provisioning import room_of, sessions
from tests.meetings.test_organizer_views import login

URL = "/integrations/zoom/webhook"


def signed(body: bytes, *, age: int = 0, secret: str = WEBHOOK_SECRET) -> dict[str, str]:
    ts = str(int(clock.now().timestamp()) - age)
    digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"x-zm-request-timestamp": ts, "x-zm-signature": f"v0={digest}", "Content-Type": "application/json"}


def event(name: str, meeting_id: str, occurrence_id: str | None = None) -> bytes:
    obj: dict[str, object] = {"id": int(meeting_id), "uuid": "u==", "host_id": "h", "topic": "Changed in Zoom"}
    if occurrence_id:
        obj["occurrences"] = [{"occurrence_id": occurrence_id, "start_time": "2026-12-08T14:00:00Z"}]
    body = {"event": name, "event_ts": 1795000000000, "payload": {"account_id": "acct", "object": obj}}
    return json.dumps(body, separators=(",", ":")).encode()


@pytest.fixture
def zoom_series(group, zoom_config, fake_zoom):
    series = create_series(group, video_provider="zoom", timezone="Asia/Dhaka")
    assert provision_due_rooms() == 1
    return series


def test_url_validation_answers_the_challenge(client, zoom_config):
    body = json.dumps(
        {"event": "endpoint.url_validation", "payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"}}
    ).encode()
    response = client.post(URL, data=body, headers=signed(body))
    assert response.status_code == 200
    expected = hmac.new(WEBHOOK_SECRET.encode(), b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest()
    assert response.get_json() == {"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": expected}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"x-zm-request-timestamp": "1", "x-zm-signature": "v0=00"},
        "wrong-secret",
        "stale",
        "tampered",
    ],
)
def test_bad_or_stale_signatures_get_401(client, zoom_config, headers):
    body = json.dumps({"event": "endpoint.url_validation", "payload": {"plainToken": "abc"}}).encode()
    sent = body
    if headers == "wrong-secret":
        headers = signed(body, secret="another-secret")
    elif headers == "stale":
        headers = signed(body, age=301)
    elif headers == "tampered":
        headers = signed(body)
        sent = body.replace(b"abc", b"abd")
    response = client.post(URL, data=sent, headers=headers)
    assert response.status_code == 401
    assert "encryptedToken" not in response.get_data(as_text=True)


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'{"event": 5}', b"\xff\xfe\x00", b""])
def test_malformed_bodies_get_400_never_500(client, zoom_config, body):
    assert client.post(URL, data=body, headers=signed(body)).status_code == 400


def test_signature_is_checked_over_the_raw_body(client, zoom_config):
    # Same JSON, different bytes (spacing): a signature over re-serialised JSON would not match.
    raw = b'{ "event" : "endpoint.url_validation", "payload": {"plainToken": "x1"} }'
    assert client.post(URL, data=raw, headers=signed(raw)).status_code == 200


def test_disabled_without_a_secret(client, app):
    body = b"{}"
    assert client.post(URL, data=body, headers=signed(body)).status_code == 404


def test_meeting_deleted_in_zoom_marks_the_room_and_alerts_the_organizers(client, organizer, group, zoom_series):
    counselor = create_user("counselor")
    from scheduler.meetings import services

    services.add_member(group, counselor, "counselor")
    db.session.commit()
    room = room_of(zoom_series)
    body = event("meeting.deleted", room.external_id)
    with clock.frozen_at(clock.now() + timedelta(minutes=10)):  # well after our own last call
        response = client.post(URL, data=body, headers=signed(body))
        assert response.status_code == 200 and response.get_json() == {"status": "deleted"}
        again = client.post(URL, data=body, headers=signed(body))  # Zoom retries: no second email
        assert again.status_code == 200
    room = room_of(zoom_series)
    assert room.status == RoomStatus.FAILED and room.external_id is None and room.join_url is None
    assert provisioning.join_url_for(zoom_series, sessions(zoom_series)[0], "Sam", "p-1") is None
    alerts = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "video_room_alert")).all()
    assert [a.recipient_email for a in alerts] == [organizer.email]  # organizers, not counselors
    assert "deleted in Zoom" in alerts[0].body_text and zoom_series.title in alerts[0].body_text
    assert f"/organizer/meetings/{zoom_series.id}" in alerts[0].body_text
    login(client, organizer)
    page = client.get(f"/organizer/meetings/{zoom_series.id}").get_data(as_text=True)
    assert "deleted in Zoom" in page and "Retry" in page
    client.post(f"/integrations/rooms/{zoom_series.id}/retry")
    assert provision_due_rooms() == 1
    assert room_of(zoom_series).status == RoomStatus.READY


def test_meeting_updated_in_zoom_is_flagged_and_can_be_sent_again(client, organizer, zoom_series, fake_zoom):
    room = room_of(zoom_series)
    body = event("meeting.updated", room.external_id)
    with clock.frozen_at(clock.now() + timedelta(minutes=10)):
        assert client.post(URL, data=body, headers=signed(body)).get_json() == {"status": "changed"}
        room = room_of(zoom_series)
        assert room.status == RoomStatus.READY and room.last_error_kind == "changed"
        assert provisioning.join_url_for(zoom_series, sessions(zoom_series)[0], "Sam", "p-1") == room.join_url
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1
        login(client, organizer)
        assert "Send to Zoom again" in client.get(f"/organizer/meetings/{zoom_series.id}").get_data(as_text=True)
        fake_zoom.calls.clear()
        client.post(f"/integrations/rooms/{zoom_series.id}/retry")
        assert provision_due_rooms() == 1
        assert [c[0] for c in fake_zoom.calls] == ["PATCH", "GET"]  # our schedule is pushed back
        assert room_of(zoom_series).last_error is None


def test_echoes_of_our_own_changes_are_ignored(client, zoom_series):
    room = room_of(zoom_series)
    for name in ("meeting.updated", "meeting.deleted"):
        body = event(name, room.external_id, occurrence_id="1796212800000")
        assert client.post(URL, data=body, headers=signed(body)).get_json() == {"status": "echo"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0
    body = event("meeting.deleted", "99999999999")
    assert client.post(URL, data=body, headers=signed(body)).get_json() == {"status": "unknown"}
    body = json.dumps({"event": "meeting.started", "payload": {"object": {"id": 1}}}).encode()
    assert client.post(URL, data=body, headers=signed(body)).get_json() == {"status": "ignored"}


def test_webhook_is_rate_limited(app, client, zoom_config):
    from scheduler import create_app
    from tests.conftest import base_config

    limited = create_app(
        base_config(app.config["SQLALCHEMY_DATABASE_URI"])
        | zoom_config
        | {"RATELIMIT_ENABLED": True, "ZOOM_WEBHOOK_RATE_LIMIT": "3 per minute"}
    )
    with limited.test_client() as other:
        body = b"{}"
        codes = [other.post(URL, data=body, headers=signed(body)).status_code for _ in range(5)]
    assert codes == [400, 400, 400, 429, 429]
