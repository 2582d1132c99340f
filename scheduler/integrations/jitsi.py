"""Jitsi adapters: public meet.jit.si, self-hosted Jitsi with JWT (HS256) and 8x8 JaaS (RS256).

Room names are 32 lowercase hex characters from `secrets` (128 bits); nothing in them comes from the topic,
the group or a person. Tokens are minted only at join time, bound to one room and a short window.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from scheduler import clock
from scheduler.integrations.base import ConfigurationError, JoinRequest, Room, RoomRequest

log = logging.getLogger(__name__)

MODERATOR_LOGIN_NOTE = (
    "On meet.jit.si a moderator must log in with Google, GitHub or Facebook to open this room; "
    "until then everyone else waits for a moderator."
)
_BASE_FRAGMENT = "config.prejoinConfig.enabled=true&config.startWithVideoMuted=true"
_ROOM_RE = re.compile(r"[a-z0-9-]{1,128}")
_JAAS_APP_RE = re.compile(r"vpaas-magic-cookie-[0-9a-f]+")
DEFAULT_TOKEN_LIFETIME = timedelta(hours=3)
NOT_BEFORE_LEEWAY = timedelta(minutes=1)
MAX_NAME_LEN = 64
MIN_SECRET_BYTES = 32  # HS256; PyJWT warns below this on every token
MIN_RSA_BITS = 2048

Clock = Callable[[], datetime]


def new_room_name() -> str:
    """128 random bits as 32 lowercase hex characters (safe under Jitsi's lower-casing)."""
    return secrets.token_hex(16)


def _clean_name(name: str) -> str:
    # Drop control characters and line breaks only: ZWJ/ZWNJ (format chars) are part of many Indic names.
    cleaned = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Zl", "Zp")).strip()
    return cleaned[:MAX_NAME_LEN]


def display_name_fragment(name: str) -> str:
    """`userInfo.displayName=<url-encoded JSON string>` as Jitsi's fragment parser expects."""
    return "userInfo.displayName=" + quote(json.dumps(_clean_name(name), ensure_ascii=False), safe="")


def _room_of(room: Room) -> str:
    name = str(room.extra.get("room") or room.external_id or "")
    if not _ROOM_RE.fullmatch(name):
        raise ValueError("not a generated Jitsi room name")
    return name


def _window(join: JoinRequest, clock: Clock) -> tuple[int, int]:
    now = clock()
    not_before = join.not_before or now - NOT_BEFORE_LEEWAY
    expires = join.expires or now + DEFAULT_TOKEN_LIFETIME
    for value in (not_before, expires):
        if value.tzinfo is None:
            raise ValueError("not_before and expires must be aware datetimes")
    if expires <= not_before:
        raise ValueError("expires must be after not_before")
    return int(not_before.timestamp()), int(expires.timestamp())


class _JitsiBase:
    name = "jitsi"
    networked = False
    random_room = True
    personal_tokens = False
    shared_link = True
    note: str | None = None

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    def room_url(self, room_name: str) -> str:
        return f"{self.base_url}/{room_name}"

    def create(self, req: RoomRequest) -> Room:
        room_name = new_room_name()
        log.info("jitsi room created provider=%s ref=%s", self.name, req.meeting_ref)
        return Room(
            provider=self.name,
            external_id=room_name,
            join_url=f"{self.room_url(room_name)}#{_BASE_FRAGMENT}",
            host_url_hint=self.room_url(room_name),
            extra={"room": room_name},
            note=self.note,
        )

    def update(self, room: Room, req: RoomRequest, occurrence_id: str | None = None) -> Room:
        # The room name stays: people already hold the link. Times live in our own database.
        return replace(room, note=self.note)

    def delete(self, room: Room) -> None:
        return None  # Jitsi rooms exist only while people are in them

    def refresh(self, room: Room) -> Room:
        return room

    def host_start_url(self, room: Room) -> str:
        """The moderator's entry. For JWT providers prefer join_url(JoinRequest(is_host=True)), which
        carries a moderator token; this is the tokenless room URL."""
        return f"{self.room_url(_room_of(room))}#{_BASE_FRAGMENT}"


class JitsiPublicProvider(_JitsiBase):
    name = "jitsi"
    note = MODERATOR_LOGIN_NOTE

    def __init__(self, base_url: str = "https://meet.jit.si") -> None:
        super().__init__(base_url)

    def join_url(self, join: JoinRequest) -> str:
        room_name = _room_of(join.room)
        return f"{self.room_url(room_name)}#{_BASE_FRAGMENT}&{display_name_fragment(join.display_name)}"


class JitsiJwtProvider(_JitsiBase):
    """Self-hosted Jitsi with Prosody token auth (HS256)."""

    name = "jitsi_jwt"
    personal_tokens = True
    shared_link = False

    def __init__(
        self,
        base_url: str,
        app_id: str,
        app_secret: str,
        audience: str | None = None,
        subject: str = "*",
        moderator_style: str = "affiliation",
        *,
        clock: Clock = clock.now,
    ) -> None:
        super().__init__(base_url)
        if not app_id or not app_secret:
            raise ConfigurationError("The self-hosted Jitsi app id and secret must be set.")
        if len(app_secret.encode("utf-8")) < MIN_SECRET_BYTES:
            raise ConfigurationError("The self-hosted Jitsi app secret must be at least 32 bytes long.")
        if moderator_style not in ("affiliation", "moderator"):
            raise ConfigurationError("Unknown Jitsi moderator style %(style)s.", params={"style": moderator_style})
        self.app_id = app_id
        self._secret = app_secret
        self.audience = audience or app_id
        self.subject = subject
        self.moderator_style = moderator_style
        self._clock = clock

    def token(self, join: JoinRequest) -> str:
        nbf, exp = _window(join, self._clock)
        user: dict[str, str] = {"id": str(join.user_id), "name": _clean_name(join.display_name)}
        if join.email:
            user["email"] = str(join.email)
        if self.moderator_style == "affiliation":
            user["affiliation"] = "owner" if join.is_host else "member"
        else:
            user["moderator"] = "true" if join.is_host else "false"
        claims: dict[str, Any] = {
            "iss": self.app_id,
            "aud": self.audience,
            "sub": self.subject,
            "room": _room_of(join.room),
            "iat": int(self._clock().timestamp()),
            "nbf": nbf,
            "exp": exp,
            "context": {"user": user},
        }
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def join_url(self, join: JoinRequest) -> str:
        room_name = _room_of(join.room)
        return f"{self.room_url(room_name)}?jwt={self.token(join)}#{_BASE_FRAGMENT}"


class JaasProvider(_JitsiBase):
    """8x8 Jitsi as a Service (RS256, kid = "<AppID>/<key id>")."""

    name = "jaas"
    personal_tokens = True
    shared_link = False

    def __init__(
        self,
        app_id: str,
        key_id: str,
        private_key_pem: str | bytes,
        *,
        base_url: str = "https://8x8.vc",
        clock: Clock = clock.now,
    ) -> None:
        if not _JAAS_APP_RE.fullmatch(app_id or ""):
            raise ConfigurationError("The JaaS app id must look like vpaas-magic-cookie-<hex>.")
        if not key_id:
            raise ConfigurationError("The JaaS key id must be set.")
        pem = private_key_pem.encode() if isinstance(private_key_pem, str) else private_key_pem
        try:
            key = load_pem_private_key(pem, password=None)
        except (ValueError, TypeError):
            raise ConfigurationError("The JaaS private key could not be read.") from None
        if not isinstance(key, RSAPrivateKey) or key.key_size < MIN_RSA_BITS:
            raise ConfigurationError("The JaaS private key must be an RSA key of at least 2048 bits.")
        super().__init__(f"{base_url.rstrip('/')}/{app_id}")
        self.app_id = app_id
        self.kid = f"{app_id}/{key_id}"
        self._key = key
        self._clock = clock

    def token(self, join: JoinRequest) -> str:
        nbf, exp = _window(join, self._clock)
        claims: dict[str, Any] = {
            "aud": "jitsi",
            "iss": "chat",
            "sub": self.app_id,
            "room": _room_of(join.room),
            "iat": int(self._clock().timestamp()),
            "nbf": nbf,
            "exp": exp,
            "context": {
                "user": {
                    "id": str(join.user_id),
                    "name": _clean_name(join.display_name),
                    "email": str(join.email or ""),
                    "moderator": "true" if join.is_host else "false",
                },
                "features": {
                    "recording": "false",
                    "livestreaming": "false",
                    "transcription": "false",
                    "outbound-call": "false",
                    "sip-outbound-call": "false",
                },
            },
        }
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})

    def join_url(self, join: JoinRequest) -> str:
        room_name = _room_of(join.room)
        return f"{self.room_url(room_name)}?jwt={self.token(join)}#{_BASE_FRAGMENT}"
