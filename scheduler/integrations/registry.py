"""Chooses and builds the video provider from a plain configuration mapping."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from scheduler.integrations.base import (
    ConfigurationError,
    JoinRequest,
    ProviderError,
    Room,
    RoomRequest,
    VideoProvider,
)
from scheduler.integrations.jitsi import JaasProvider, JitsiJwtProvider, JitsiPublicProvider
from scheduler.integrations.zoom import ZoomProvider


class CustomLinkProvider:
    """The organizer pasted a link (any service): we only keep and hand out that link."""

    name = "custom"
    networked = False
    random_room = False
    personal_tokens = False
    shared_link = True

    @staticmethod
    def _checked(url: str | None) -> str:
        url = (url or "").strip()
        if not url.lower().startswith("https://") or any(ch.isspace() for ch in url):
            raise ProviderError("The meeting link must be a web address starting with https://.")
        return url

    def create(self, req: RoomRequest) -> Room:
        return Room(provider=self.name, external_id=None, join_url=self._checked(req.join_url))

    def update(self, room: Room, req: RoomRequest, occurrence_id: str | None = None) -> Room:
        return replace(room, join_url=self._checked(req.join_url or room.join_url))

    def delete(self, room: Room) -> None:
        return None

    def refresh(self, room: Room) -> Room:
        return room

    def join_url(self, join: JoinRequest) -> str:
        return join.room.join_url

    def host_start_url(self, room: Room) -> str:
        return room.join_url


class NoVideoProvider:
    """Meetings without a video link (in person or by phone)."""

    name = "none"
    networked = False
    random_room = False
    personal_tokens = False
    shared_link = False

    def create(self, req: RoomRequest) -> Room:
        return Room(provider=self.name, external_id=None, join_url="")

    def update(self, room: Room, req: RoomRequest, occurrence_id: str | None = None) -> Room:
        return room

    def delete(self, room: Room) -> None:
        return None

    def refresh(self, room: Room) -> Room:
        return room

    def join_url(self, join: JoinRequest) -> str:
        raise ProviderError("This meeting has no video link.")

    def host_start_url(self, room: Room) -> str:
        raise ProviderError("This meeting has no video link.")


def _require(config: Mapping[str, Any], provider: str, *keys: str) -> list[str]:
    values = []
    for key in keys:
        value = config.get(key)
        if value is None or not str(value).strip():
            raise ConfigurationError(
                "The setting %(key)s is required for the %(provider)s video provider.",
                params={"key": key, "provider": provider},
            )
        values.append(str(value).strip() if key != "JAAS_PRIVATE_KEY" else str(value))
    return values


def _jitsi(config: Mapping[str, Any]) -> VideoProvider:
    return JitsiPublicProvider(base_url=config.get("JITSI_BASE_URL") or "https://meet.jit.si")


def _jitsi_jwt(config: Mapping[str, Any]) -> VideoProvider:
    base_url, app_id, secret = _require(config, "jitsi_jwt", "JITSI_BASE_URL", "JITSI_APP_ID", "JITSI_APP_SECRET")
    return JitsiJwtProvider(
        base_url,
        app_id,
        secret,
        audience=config.get("JITSI_AUDIENCE") or None,
        subject=config.get("JITSI_SUBJECT") or "*",
        moderator_style=config.get("JITSI_MODERATOR_STYLE") or "affiliation",
    )


def _jaas(config: Mapping[str, Any]) -> VideoProvider:
    app_id, key_id, pem = _require(config, "jaas", "JAAS_APP_ID", "JAAS_KEY_ID", "JAAS_PRIVATE_KEY")
    return JaasProvider(app_id, key_id, pem.replace("\\n", "\n"))


def _zoom(config: Mapping[str, Any]) -> VideoProvider:
    account, client, secret = _require(config, "zoom", "ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET")
    return ZoomProvider(
        account,
        client,
        secret,
        api_base=config.get("ZOOM_API_BASE") or "https://api.zoom.us/v2",
        oauth_url=config.get("ZOOM_OAUTH_URL") or "https://zoom.us/oauth/token",
        timeout=float(config.get("ZOOM_TIMEOUT") or 10),
    )


PROVIDERS: dict[str, Callable[[Mapping[str, Any]], VideoProvider]] = {
    "jitsi": _jitsi,
    "jitsi_jwt": _jitsi_jwt,
    "jaas": _jaas,
    "zoom": _zoom,
    "custom": lambda _config: CustomLinkProvider(),
    "none": lambda _config: NoVideoProvider(),
}


ADAPTERS: dict[str, type] = {
    adapter.name: adapter
    for adapter in (
        JitsiPublicProvider,
        JitsiJwtProvider,
        JaasProvider,
        ZoomProvider,
        CustomLinkProvider,
        NoVideoProvider,
    )
}


def providers_that(capability: str) -> frozenset[str]:
    """The names of the providers with this capability (an adapter attribute), for queries and quick checks."""
    return frozenset(name for name, adapter in ADAPTERS.items() if getattr(adapter, capability))


def build_provider(name: str | None, config: Mapping[str, Any]) -> VideoProvider:
    """Builds provider `name` (default: config["VIDEO_PROVIDER"], else "jitsi"). Errors name the missing
    key, never a configured value."""
    chosen = (name or config.get("VIDEO_PROVIDER") or "jitsi").strip().lower()
    factory = PROVIDERS.get(chosen)
    if factory is None:
        raise ConfigurationError(
            "Unknown video provider %(provider)s (choose one of %(choices)s).",
            params={"provider": chosen[:40], "choices": ", ".join(sorted(PROVIDERS))},
        )
    return factory(config)
