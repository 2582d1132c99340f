from __future__ import annotations

from dataclasses import replace

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from scheduler.integrations.base import (
    ConfigurationError,
    JoinRequest,
    ProviderError,
    VideoProvider,
)
from scheduler.integrations.jitsi import JaasProvider, JitsiJwtProvider, JitsiPublicProvider
from scheduler.integrations.registry import PROVIDERS, build_provider
from scheduler.integrations.zoom import ZoomProvider
from tests.integrations.test_jitsi import REQ

ZOOM_CONFIG = {
    "ZOOM_ACCOUNT_ID": "acct-1",
    "ZOOM_CLIENT_ID": "cid-1",
    "ZOOM_CLIENT_SECRET": "zoom-secret-value",
}


def test_every_provider_builds_and_satisfies_the_protocol() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    config = {
        **ZOOM_CONFIG,
        "JITSI_BASE_URL": "https://video.example.org",
        "JITSI_APP_ID": "my-app",
        "JITSI_APP_SECRET": "x" * 40,
        "JAAS_APP_ID": "vpaas-magic-cookie-abc123",
        "JAAS_KEY_ID": "k1",
        "JAAS_PRIVATE_KEY": pem.replace("\n", "\\n"),  # as it often arrives from an env var
    }
    built = {name: build_provider(name, config) for name in PROVIDERS}
    assert all(isinstance(p, VideoProvider) for p in built.values())
    assert isinstance(built["jitsi"], JitsiPublicProvider) and built["jitsi"].base_url == "https://video.example.org"
    assert isinstance(built["jitsi_jwt"], JitsiJwtProvider)
    assert isinstance(built["jaas"], JaasProvider)
    assert isinstance(built["zoom"], ZoomProvider)


def test_default_comes_from_video_provider_key() -> None:
    assert isinstance(build_provider(None, {}), JitsiPublicProvider)
    assert build_provider(None, {}).base_url == "https://meet.jit.si"
    assert isinstance(build_provider(None, {"VIDEO_PROVIDER": "zoom", **ZOOM_CONFIG}), ZoomProvider)


@pytest.mark.parametrize("missing", sorted(ZOOM_CONFIG))
def test_missing_key_is_named_but_no_value(missing: str) -> None:
    config = {**ZOOM_CONFIG, missing: "  "}
    with pytest.raises(ConfigurationError) as info:
        build_provider("zoom", config)
    assert missing in str(info.value) and info.value.params["key"] == missing
    for value in ZOOM_CONFIG.values():
        assert value not in str(info.value)
    assert "%(key)s" in info.value.user_message_key and not info.value.retryable


def test_jaas_missing_private_key() -> None:
    with pytest.raises(ConfigurationError, match="JAAS_PRIVATE_KEY"):
        build_provider("jaas", {"JAAS_APP_ID": "vpaas-magic-cookie-abc", "JAAS_KEY_ID": "k"})


def test_unknown_provider() -> None:
    with pytest.raises(ConfigurationError, match="teams"):
        build_provider("teams", {})


def test_custom_link_provider() -> None:
    provider = build_provider("custom", {})
    room = provider.create(replace(REQ, join_url=" https://meet.google.com/abc-defg-hij "))
    assert room.join_url == "https://meet.google.com/abc-defg-hij" and room.external_id is None
    moved = provider.update(room, replace(REQ, join_url="https://whereby.com/x"))
    assert moved.join_url == "https://whereby.com/x"
    assert provider.join_url(JoinRequest(room=moved, display_name="Sky", user_id="p")) == "https://whereby.com/x"
    assert provider.host_start_url(moved) == "https://whereby.com/x"
    assert provider.delete(moved) is None and provider.refresh(moved) == moved
    for bad in ("javascript:alert(1)", "http://plain.example", "", None):
        with pytest.raises(ProviderError):
            provider.create(replace(REQ, join_url=bad))


def test_none_provider() -> None:
    provider = build_provider("none", {})
    room = provider.create(REQ)
    assert room.join_url == "" and room.provider == "none"
    with pytest.raises(ProviderError):
        provider.join_url(JoinRequest(room=room, display_name="Sky", user_id="p"))
