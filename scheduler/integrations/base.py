"""Value objects, errors and the protocol shared by every video provider adapter.

Adapters are pure: value objects in, value objects out. They never import Flask or the database, and they
never log secrets, tokens, Zoom start URLs or email addresses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol, runtime_checkable

Kind = Literal["meeting", "webinar"]
Freq = Literal["daily", "weekly", "monthly"]


@dataclass(frozen=True)
class Recurrence:
    """A repeat rule. weekdays/monthly_weekday use 0=Monday .. 6=Sunday (Python's convention)."""

    freq: Freq
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    monthly_day: int | None = None
    monthly_nth: int | None = None  # -1 (last) or 1..4, together with monthly_weekday
    monthly_weekday: int | None = None
    count: int | None = None
    until_utc: datetime | None = None  # aware UTC; count and until_utc are exclusive, neither = never ends


@dataclass(frozen=True)
class RoomRequest:
    meeting_ref: str  # our own id, never sent to a provider as a name
    kind: Kind
    topic: str  # a neutral title chosen by the caller (no group name such as "recovery")
    agenda: str
    tz: str  # IANA zone name
    local_start: datetime  # naive, wall-clock time in tz
    duration_minutes: int
    recurrence: Recurrence | None = None
    host_email: str | None = None
    alternative_hosts: tuple[str, ...] = ()
    panelists: tuple[tuple[str, str], ...] = ()  # (name, email)
    join_url: str | None = None  # only for the "custom" provider: the link the organizer pasted
    # Opaque, per room: sent with a Zoom create (in the agenda) so a create whose answer was lost can be found.
    creation_ref: str | None = None


@dataclass(frozen=True)
class Room:
    provider: str
    external_id: str | None
    join_url: str
    host_url_hint: str | None = None  # never a Zoom start_url
    passcode: str | None = None
    occurrences: tuple[tuple[str, datetime], ...] = ()  # (occurrence_id, start_utc), Zoom recurring only
    extra: dict[str, Any] = field(default_factory=dict)  # JSON-safe
    note: str | None = None  # English message key, translated by the caller


@dataclass(frozen=True)
class JoinRequest:
    room: Room
    display_name: str
    user_id: str  # opaque
    email: str | None = None
    is_host: bool = False
    not_before: datetime | None = None  # aware UTC
    expires: datetime | None = None  # aware UTC


class ProviderError(Exception):
    """Base error. user_message_key is an English message (with %(name)s params) the UI translates."""

    default_key = "The video service could not be reached. Please try again later."
    default_retryable = False

    def __init__(
        self,
        user_message_key: str | None = None,
        *,
        retryable: bool | None = None,
        retry_at: datetime | None = None,
        params: Mapping[str, str] | None = None,
        status: int | None = None,
        code: int | None = None,
    ) -> None:
        self.user_message_key = user_message_key or self.default_key
        self.retryable = self.default_retryable if retryable is None else retryable
        self.retry_at = retry_at
        self.params = dict(params or {})
        self.status = status  # HTTP status from the provider, for diagnostics
        self.code = code  # provider error code (Zoom "code"), for diagnostics
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return self.user_message_key % self.params if self.params else self.user_message_key


class ConfigurationError(ProviderError):
    default_key = "The video service is not configured correctly. Please contact the administrator."


class RateLimited(ProviderError):
    default_key = "The video service is busy. The change will be retried automatically."
    default_retryable = True


class TransientError(ProviderError):
    default_key = "The video service is temporarily unavailable. The change will be retried automatically."
    default_retryable = True


class RoomGone(ProviderError):
    default_key = "This video meeting no longer exists at the video service."


@runtime_checkable
class VideoProvider(Protocol):
    name: str
    # What the provider can do, read by provisioning and the organizer's room panel (never a list of names):
    networked: bool  # rooms are created, changed and deleted over the network, by the worker
    random_room: bool  # creating a room is picking an unguessable name (Jitsi)
    personal_tokens: bool  # every join link carries a token minted for the person and the session
    shared_link: bool  # everyone joins through the same link, which the organizer may see

    def create(self, req: RoomRequest) -> Room: ...

    def update(self, room: Room, req: RoomRequest, occurrence_id: str | None = None) -> Room: ...

    def delete(self, room: Room) -> None: ...

    def refresh(self, room: Room) -> Room: ...

    def join_url(self, join: JoinRequest) -> str: ...

    def host_start_url(self, room: Room) -> str: ...
