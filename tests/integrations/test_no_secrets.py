"""No secret (client secret, webhook secret, app secret, private key, access token, start_url) ever appears in a
log record, a page, an outbox row or a stored room."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from scheduler import clock
from scheduler.extensions import db
from scheduler.integrations import provisioning
from scheduler.integrations.models import VideoRoom
from scheduler.integrations.provisioning_job import provision_due_rooms
from scheduler.notifications.models import OutboxMessage
from tests.factories import create_series
from tests.integrations.conftest import WEBHOOK_SECRET
from tests.integrations.fake_zoom import CLIENT_SECRET, FakeZoom
from tests.integrations.test_provisioning import MEETINGS, room_of, save_zoom_meeting, sessions
from tests.integrations.test_zoom_webhook_endpoint import URL, event, signed
from tests.meetings.test_organizer_views import login

JITSI_SECRET = "jitsi-app-secret-that-is-at-least-32-bytes-long"


def rows_text(model: type) -> str:
    rows = db.session.scalars(sa.select(model)).all()
    return json.dumps([{c.name: getattr(r, c.key, None) for c in model.__table__.columns} for r in rows], default=str)


def test_secrets_never_leak(client, organizer, group, zoom_config, fake_zoom: FakeZoom, app, caplog):
    caplog.set_level(logging.DEBUG)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    app.config.update(
        JITSI_BASE_URL="https://video.example.org",
        JITSI_APP_ID="scheduler",
        JITSI_APP_SECRET=JITSI_SECRET,
        JAAS_APP_ID="vpaas-magic-cookie-0123456789abcdef",
        JAAS_KEY_ID="key1",
        JAAS_PRIVATE_KEY=pem,
    )
    pages: list[str] = []
    login(client, organizer)

    # Zoom: an outage, token expiry, recovery, a start, a webhook alert.
    fake_zoom.fail("POST", MEETINGS, 503)
    zoom = save_zoom_meeting(client, group)
    provision_due_rooms()
    with clock.frozen_at(room_of(zoom).next_attempt_at):
        provision_due_rooms()
    fake_zoom.revoke_tokens()  # the next call meets code 124 and mints a new token
    start = client.post(f"/integrations/rooms/{zoom.id}/start")
    assert start.status_code == 303 and "zak=" in start.headers["Location"]
    fresh_start_url = start.headers["Location"]
    assert fake_zoom.token_calls == 2
    pages.append(client.get(f"/organizer/meetings/{zoom.id}").get_data(as_text=True))
    pages.append(client.get("/organizer/").get_data(as_text=True))
    body = event("meeting.updated", room_of(zoom).external_id)
    with clock.frozen_at(clock.now() + timedelta(minutes=10)):
        assert client.post(URL, data=body, headers=signed(body)).status_code == 200
    pages.append(client.get(f"/organizer/meetings/{zoom.id}").get_data(as_text=True))

    # Self-hosted Jitsi and JaaS: links minted, host start.
    for name in ("jitsi_jwt", "jaas"):
        series = create_series(group, video_provider=name)
        provisioning.join_url_for(series, sessions(series)[0], "Quiet River", "p-1")
        assert client.post(f"/integrations/rooms/{series.id}/start").status_code == 303
        pages.append(client.get(f"/organizer/meetings/{series.id}").get_data(as_text=True))
    # A misconfigured provider reports the missing setting, not the configured values.
    app.config["ZOOM_CLIENT_SECRET"] = "wrong-" + CLIENT_SECRET
    broken = create_series(group, video_provider="zoom")
    provision_due_rooms()
    pages.append(client.get(f"/organizer/meetings/{broken.id}").get_data(as_text=True))

    secrets = {
        "client secret": CLIENT_SECRET,
        "webhook secret": WEBHOOK_SECRET,
        "jitsi app secret": JITSI_SECRET,
        "private key": pem.splitlines()[5],
        "start_url": fresh_start_url,
        "zak": "zak=",
        **{f"access token {i}": token for i, token in enumerate(fake_zoom.issued_tokens)},
        **{f"start_url {i}": url for i, url in enumerate(fake_zoom.start_urls())},
    }
    assert len(fake_zoom.issued_tokens) >= 2
    places = {
        "logs": caplog.text + "\n".join(str(r.args) for r in caplog.records),
        "pages": "\n".join(pages),
        "outbox": rows_text(OutboxMessage),
        "video_rooms": rows_text(VideoRoom),
    }
    assert "meeting was changed in Zoom" in places["outbox"]  # the outbox really was written
    assert "zoom api" in places["logs"]  # and the adapters really logged
    leaks = [f"{what} in {where}" for what, value in secrets.items() for where, text in places.items() if value in text]
    assert leaks == []
