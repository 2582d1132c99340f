from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from scheduler import clock
from scheduler.integrations.base import ConfigurationError, JoinRequest, Room, RoomRequest, VideoProvider
from scheduler.integrations.jitsi import (
    MODERATOR_LOGIN_NOTE,
    JaasProvider,
    JitsiJwtProvider,
    JitsiPublicProvider,
)
from tests.jwt_support import decode_at

SECRET = "a-very-long-self-hosted-jitsi-app-secret-0123456789"
APP_ID = "vpaas-magic-cookie-0123456789abcdef0123456789abcdef"
BENGALI = "অনিতা রায়"
REQ = RoomRequest(
    meeting_ref="m-7",
    kind="meeting",
    topic="Addiction recovery circle Sunday",
    agenda="",
    tz="Asia/Kolkata",
    local_start=datetime(2024, 5, 5, 19, 0),
    duration_minutes=60,
)


pytestmark = pytest.mark.usefixtures("frozen_now")


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def window() -> tuple[datetime, datetime]:
    now = clock.now().replace(microsecond=0)
    return now - timedelta(minutes=10), now + timedelta(hours=2)


def join(room: Room, *, is_host: bool = False, email: str | None = None, name: str = "Sky") -> JoinRequest:
    nbf, exp = window()
    return JoinRequest(
        room=room,
        display_name=name,
        user_id="p-123",
        email=email,
        is_host=is_host,
        not_before=nbf,
        expires=exp,
    )


def fragment_params(url: str) -> dict[str, str]:
    fragment = urlsplit(url).fragment
    return dict(part.split("=", 1) for part in fragment.split("&"))


# --- public meet.jit.si ------------------------------------------------------------------------------------
def test_public_room_names_are_random_lowercase_and_neutral() -> None:
    provider = JitsiPublicProvider()
    assert isinstance(provider, VideoProvider)
    rooms = [provider.create(REQ) for _ in range(300)]
    names = [r.external_id for r in rooms]
    assert len(set(names)) == len(names)
    for room in rooms:
        assert re.fullmatch(r"[0-9a-f]{32}", room.external_id)  # 32 hex = 128 bits, lowercase only
        assert room.join_url.startswith(f"https://meet.jit.si/{room.external_id}#")
        lowered = room.join_url.lower()
        assert not any(word in lowered for word in ("addiction", "recovery", "circle", "sunday"))
        assert room.note == MODERATOR_LOGIN_NOTE and "moderator must log in" in room.note
    # a cheap sanity check that the whole hex alphabet is used
    assert set("".join(names)) == set("0123456789abcdef")


@pytest.mark.parametrize("name", ["Sky", BENGALI, "র\u200d্যাব", 'Dee "the" O\'Neil & co #1'])
def test_public_join_url_carries_url_encoded_json_display_name(name: str) -> None:
    provider = JitsiPublicProvider("https://meet.example.net/")
    room = provider.create(REQ)
    url = provider.join_url(join(room, name=name))
    assert url.startswith(f"https://meet.example.net/{room.external_id}#")
    assert url.isascii() and " " not in url and '"' not in url
    params = fragment_params(url)
    assert params["config.prejoinConfig.enabled"] == "true"
    assert params["config.startWithVideoMuted"] == "true"
    assert json.loads(unquote(params["userInfo.displayName"])) == name
    if name == "Sky":
        assert params["userInfo.displayName"] == "%22Sky%22"


def test_public_update_keeps_the_room_and_host_url() -> None:
    provider = JitsiPublicProvider()
    room = provider.create(REQ)
    assert provider.update(room, REQ).join_url == room.join_url
    assert provider.refresh(room) == room
    assert provider.delete(room) is None
    assert provider.host_start_url(room).startswith(f"https://meet.jit.si/{room.external_id}#")


def test_tampered_room_name_is_refused() -> None:
    provider = JitsiPublicProvider()
    room = Room(provider="jitsi", external_id="Recovery Group", join_url="x", extra={"room": "Recovery Group"})
    with pytest.raises(ValueError, match="room name"):
        provider.join_url(join(room))


# --- self-hosted JWT ---------------------------------------------------------------------------------------
def decode_hs(token: str, audience: str = "my-app") -> dict:
    return decode_at(token, SECRET, algorithm="HS256", audience=audience, issuer="my-app")


def jwt_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["jwt"][0]


def test_self_hosted_tokens_for_host_and_participant() -> None:
    provider = JitsiJwtProvider("https://video.example.org", "my-app", SECRET)
    room = provider.create(REQ)
    assert room.note is None and room.provider == "jitsi_jwt"
    host_req = join(room, is_host=True, email="host@example.org")
    url = provider.join_url(host_req)
    assert url.startswith(f"https://video.example.org/{room.external_id}?jwt=")
    assert jwt.get_unverified_header(jwt_of(url))["alg"] == "HS256"
    claims = decode_hs(jwt_of(url))
    assert claims["iss"] == "my-app" and claims["aud"] == "my-app" and claims["sub"] == "*"
    assert claims["room"] == room.external_id
    assert claims["nbf"] == int(host_req.not_before.timestamp())
    assert claims["exp"] == int(host_req.expires.timestamp())
    assert claims["context"]["user"] == {
        "id": "p-123",
        "name": "Sky",
        "email": "host@example.org",
        "affiliation": "owner",
    }
    guest = decode_hs(jwt_of(provider.join_url(join(room, name=BENGALI))))
    assert guest["context"]["user"] == {"id": "p-123", "name": BENGALI, "affiliation": "member"}
    assert all(isinstance(v, str) for v in guest["context"]["user"].values())


def test_self_hosted_moderator_style_audience_subject() -> None:
    provider = JitsiJwtProvider(
        "https://v.example.org",
        "my-app",
        SECRET,
        audience="jitsi",
        subject="meet.example",
        moderator_style="moderator",
    )
    room = provider.create(REQ)
    host = decode_hs(jwt_of(provider.join_url(join(room, is_host=True))), audience="jitsi")
    guest = decode_hs(jwt_of(provider.join_url(join(room))), audience="jitsi")
    assert host["sub"] == "meet.example"
    assert host["context"]["user"]["moderator"] == "true"
    assert guest["context"]["user"]["moderator"] == "false" and "affiliation" not in guest["context"]["user"]


def test_self_hosted_token_is_bound_to_room_and_secret() -> None:
    provider = JitsiJwtProvider("https://v.example.org", "my-app", SECRET)
    room_a, room_b = provider.create(REQ), provider.create(REQ)
    token_a = jwt_of(provider.join_url(join(room_a)))
    assert decode_hs(token_a)["room"] == room_a.external_id != room_b.external_id
    with pytest.raises(jwt.InvalidSignatureError):
        decode_at(token_a, SECRET + "x", algorithm="HS256", audience="my-app")


def test_token_window_is_enforced() -> None:
    provider = JitsiJwtProvider("https://v.example.org", "my-app", SECRET)
    room = provider.create(REQ)
    now = clock.now()
    late = JoinRequest(
        room=room,
        display_name="Sky",
        user_id="p",
        not_before=now - timedelta(hours=3),
        expires=now - timedelta(hours=1),
    )
    with pytest.raises(jwt.ExpiredSignatureError):
        decode_hs(jwt_of(provider.join_url(late)))
    early = JoinRequest(
        room=room,
        display_name="Sky",
        user_id="p",
        not_before=now + timedelta(hours=1),
        expires=now + timedelta(hours=3),
    )
    with pytest.raises(jwt.ImmatureSignatureError):
        decode_hs(jwt_of(provider.join_url(early)))
    with pytest.raises(ValueError, match="after"):
        provider.join_url(JoinRequest(room=room, display_name="S", user_id="p", not_before=now, expires=now))
    with pytest.raises(ValueError, match="aware"):
        provider.join_url(JoinRequest(room=room, display_name="S", user_id="p", expires=datetime(2030, 1, 1)))


def test_default_window_uses_clock() -> None:
    now = clock.now().replace(microsecond=0)
    provider = JitsiJwtProvider("https://v.example.org", "my-app", SECRET)
    room = provider.create(REQ)
    claims = decode_hs(jwt_of(provider.join_url(JoinRequest(room=room, display_name="Sky", user_id="p"))))
    assert claims["iat"] == int(now.timestamp())
    assert claims["nbf"] < int(now.timestamp()) < claims["exp"] <= int(now.timestamp()) + 3 * 3600


def test_an_injected_clock_decides_the_window() -> None:
    later = clock.now().replace(microsecond=0) + timedelta(days=800)
    provider = JitsiJwtProvider("https://v.example.org", "my-app", SECRET, clock=lambda: later)
    token = jwt_of(provider.join_url(JoinRequest(room=provider.create(REQ), display_name="Sky", user_id="p")))
    assert decode_at(token, SECRET, algorithm="HS256", audience="my-app", at=later)["iat"] == int(later.timestamp())
    with pytest.raises(jwt.ImmatureSignatureError):
        decode_hs(token)


def test_short_secret_is_refused() -> None:
    with pytest.raises(ConfigurationError) as info:
        JitsiJwtProvider("https://v.example.org", "my-app", "short-secret")
    assert "short-secret" not in str(info.value)


# --- 8x8 JaaS ----------------------------------------------------------------------------------------------
def test_jaas_token(rsa_key) -> None:
    provider = JaasProvider(APP_ID, "4f4910", pem(rsa_key))
    room = provider.create(REQ)
    request = join(room, is_host=True, email="host@example.org", name=BENGALI)
    url = provider.join_url(request)
    assert url.startswith(f"https://8x8.vc/{APP_ID}/{room.external_id}?jwt=")
    token = jwt_of(url)
    header = jwt.get_unverified_header(token)
    assert header["kid"] == f"{APP_ID}/4f4910" and header["alg"] == "RS256"
    claims = decode_at(token, rsa_key.public_key(), algorithm="RS256", audience="jitsi", issuer="chat")
    assert claims["sub"] == APP_ID and claims["room"] == room.external_id
    assert claims["nbf"] == int(request.not_before.timestamp())
    assert claims["exp"] == int(request.expires.timestamp())
    assert claims["context"]["user"] == {
        "id": "p-123",
        "name": BENGALI,
        "email": "host@example.org",
        "moderator": "true",
    }
    assert claims["context"]["features"]["recording"] == "false"
    assert claims["context"]["features"]["livestreaming"] == "false"
    guest = decode_at(jwt_of(provider.join_url(join(room))), rsa_key.public_key(), algorithm="RS256", audience="jitsi")
    assert guest["context"]["user"]["moderator"] == "false" and guest["context"]["user"]["email"] == ""


def test_jaas_token_fails_with_other_key(rsa_key) -> None:
    provider = JaasProvider(APP_ID, "k1", pem(rsa_key))
    token = jwt_of(provider.join_url(join(provider.create(REQ))))
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(jwt.InvalidSignatureError):
        decode_at(token, other.public_key(), algorithm="RS256", audience="jitsi")


def test_jaas_configuration_errors(rsa_key) -> None:
    with pytest.raises(ConfigurationError):
        JaasProvider("my-app", "k1", pem(rsa_key))
    with pytest.raises(ConfigurationError) as info:
        JaasProvider(APP_ID, "k1", "-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----\n")
    assert "not-a-key" not in str(info.value)
    with pytest.raises(ConfigurationError):
        JaasProvider(APP_ID, "k1", pem(ec.generate_private_key(ec.SECP256R1())))
