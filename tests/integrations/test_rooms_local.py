"""Rooms made without the network, at save time: public Jitsi, self-hosted Jitsi (JWT), JaaS, custom links."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import unquote

import jwt
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from scheduler import clock
from scheduler.extensions import db
from scheduler.integrations import provisioning
from scheduler.integrations.models import RoomStatus
from scheduler.integrations.provisioning_job import provision_due_rooms
from scheduler.meetings import services
from scheduler.meetings.models import Series
from tests.factories import create_series
from tests.integrations.test_provisioning import room_of, services_input, sessions
from tests.jwt_support import decode_at
from tests.meetings.test_organizer_views import login, meeting_form

JITSI_SECRET = "jitsi-app-secret-that-is-at-least-32-bytes-long"
JAAS_APP = "vpaas-magic-cookie-0123456789abcdef"


@pytest.fixture(scope="module")
def rsa_pem() -> tuple[str, rsa.RSAPublicKey]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return pem, key.public_key()


def decode(token: str, key: object, algorithm: str, audience: str) -> dict:
    """Checks signature and audience, and the time window against the app's (frozen) clock."""
    return decode_at(token, key, algorithm=algorithm, audience=audience)


def save(client, group, **overrides: str) -> Series:
    response = client.post(f"/organizer/groups/{group.id}/meetings/new", data=meeting_form(**overrides))
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalars(sa.select(Series).order_by(Series.id.desc())).first()


def test_public_jitsi_room_is_ready_at_once_with_a_random_name(client, organizer, group):
    login(client, organizer)
    series = save(client, group, title="Narcotics recovery Tuesday")
    room = room_of(series)
    assert room.status == RoomStatus.READY and room.next_attempt_at is None
    name = room.external_id
    assert re.fullmatch(r"[0-9a-f]{32}", name)  # 128 random bits, nothing from the title or the group
    url = provisioning.join_url_for(series, sessions(series)[0], "Quiet River", "p-1")
    assert url.startswith(f"https://meet.jit.si/{name}#config.prejoinConfig.enabled=true")
    assert unquote(url).endswith('userInfo.displayName="Quiet River"')
    page = client.get(f"/organizer/meetings/{series.id}").get_data(as_text=True)
    assert "a moderator must log in" in page and f"https://meet.jit.si/{name}" in page
    assert provision_due_rooms() == 0
    services.move_occurrence(sessions(series)[1], sessions(series)[1].start.replace(tzinfo=None) + timedelta(days=1))
    db.session.commit()
    assert room_of(series).external_id == name  # moving a session keeps the room people hold a link to
    other = save(client, group)
    assert room_of(other).external_id != name


def test_self_hosted_jitsi_mints_a_room_bound_token_at_join_time(app, group):
    app.config.update(
        JITSI_BASE_URL="https://video.example.org", JITSI_APP_ID="scheduler", JITSI_APP_SECRET=JITSI_SECRET
    )
    series = create_series(group, video_provider="jitsi_jwt", timezone="Asia/Dhaka")
    room = room_of(series)
    assert room.status == RoomStatus.READY
    first = sessions(series)[0]
    url = provisioning.join_url_for(series, first, "Quiet River", "p-17")
    token = re.search(r"\?jwt=([^#]+)#", url).group(1)
    claims = decode(token, JITSI_SECRET, "HS256", "scheduler")
    assert claims["room"] == room.external_id and claims["iss"] == "scheduler" and claims["sub"] == "*"
    assert claims["context"]["user"] == {"id": "p-17", "name": "Quiet River", "affiliation": "member"}
    assert claims["exp"] == int((first.end + timedelta(minutes=30)).timestamp())
    assert claims["nbf"] <= int(clock.now().timestamp())
    host = provisioning.join_url_for(series, first, "Host", "staff-1", is_host=True)
    host_claims = decode(re.search(r"\?jwt=([^#]+)#", host).group(1), JITSI_SECRET, "HS256", "scheduler")
    assert host_claims["context"]["user"]["affiliation"] == "owner"
    assert room.join_url not in (url, host) and "jwt=" not in (room.join_url or "")  # never stored


def test_jaas_token_has_kid_and_moderator_flag(app, group, rsa_pem):
    pem, public = rsa_pem
    app.config.update(JAAS_APP_ID=JAAS_APP, JAAS_KEY_ID="key1", JAAS_PRIVATE_KEY=pem)
    series = create_series(group, video_provider="jaas")
    url = provisioning.join_url_for(series, sessions(series)[0], "Host", "staff-3", is_host=True)
    assert url.startswith(f"https://8x8.vc/{JAAS_APP}/{room_of(series).external_id}?jwt=")
    token = re.search(r"\?jwt=([^#]+)#", url).group(1)
    assert jwt.get_unverified_header(token)["kid"] == f"{JAAS_APP}/key1"
    claims = decode(token, public, "RS256", "jitsi")
    assert claims["sub"] == JAAS_APP and claims["context"]["user"]["moderator"] == "true"


def test_self_hosted_jitsi_without_settings_fails_with_a_clear_reason(client, organizer, group):
    login(client, organizer)
    series = save(client, group, video_provider="jitsi_jwt")
    room = room_of(series)
    assert room.status == RoomStatus.FAILED and room.last_error_kind == "configuration"
    assert provisioning.join_url_for(series, sessions(series)[0], "Sam", "p-1") is None
    page = client.get(f"/organizer/meetings/{series.id}").get_data(as_text=True)
    assert "Configuration problem:" in page and "JITSI_APP_ID is required" in page


def test_custom_link_and_no_video(client, organizer, group):
    login(client, organizer)
    series = save(
        client,
        group,
        video_provider="custom",
        video_custom_url="https://meet.google.com/abc-defg-hij",
        video_custom_notes="Dial-in +31 20 123 4567, PIN 1234",
    )
    first = sessions(series)[0]
    assert room_of(series).status == RoomStatus.READY
    assert provisioning.join_url_for(series, first, "Sam", "p-1") == "https://meet.google.com/abc-defg-hij"
    page = client.get(f"/organizer/meetings/{series.id}").get_data(as_text=True)
    assert "https://meet.google.com/abc-defg-hij" in page and "PIN 1234" in page
    services.cancel_occurrence(first, "Holiday")
    db.session.commit()
    assert provisioning.join_url_for(series, first, "Sam", "p-1") is None
    services.update_series(series, services_input(series, video_provider="none"))
    db.session.commit()
    assert provisioning.join_url_for(series, sessions(series)[1], "Sam", "p-1") is None
    assert "This meeting has no video link." in client.get(f"/organizer/meetings/{series.id}").get_data(as_text=True)


def test_host_start_for_jitsi_opens_the_room_as_moderator(client, organizer, group, app):
    app.config.update(
        JITSI_BASE_URL="https://video.example.org", JITSI_APP_ID="scheduler", JITSI_APP_SECRET=JITSI_SECRET
    )
    series = create_series(group, video_provider="jitsi_jwt")
    login(client, organizer)
    response = client.post(f"/integrations/rooms/{series.id}/start")
    assert response.status_code == 303 and response.headers["Cache-Control"] == "no-store"
    token = re.search(r"\?jwt=([^#]+)#", response.headers["Location"]).group(1)
    claims = decode(token, JITSI_SECRET, "HS256", "scheduler")
    assert claims["context"]["user"]["affiliation"] == "owner" and claims["context"]["user"]["name"] == organizer.name


def test_only_the_groups_staff_may_start_or_retry(client, group, app):
    from tests.factories import create_user

    series = create_series(group)
    outsider = create_user("organizer")
    login(client, outsider)
    assert client.post(f"/integrations/rooms/{series.id}/start").status_code == 403
    assert client.post(f"/integrations/rooms/{series.id}/retry").status_code == 403
    client.post("/logout")
    assert client.post(f"/integrations/rooms/{series.id}/start").status_code in (302, 401)
