"""The one interface every message channel adapter offers, its value objects and errors. Pure: no Flask, no
database; adapters never log an address, a chat id, a token or a provider's error text (it can quote a number)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class Notice:
    """One message for one person: the full text, and what a template-only channel (WhatsApp) needs."""

    text: str  # plain text in the person's language, already within the channel's length
    language: str = "en"
    code: str | None = None  # set: a verification code (its own template on WhatsApp)


class ChannelError(Exception):
    """A send that did not go through. `permanent`: do not retry this message; `unreachable`: the person can no
    longer be reached on this channel (blocked the bot, texted STOP) and their contact ends."""

    def __init__(
        self,
        summary: str,
        *,
        permanent: bool = False,
        unreachable: bool = False,
        retry_at: datetime | None = None,
        status: int | None = None,
        code: int | str | None = None,
    ) -> None:
        self.permanent = permanent
        self.unreachable = unreachable
        self.retry_at = retry_at
        self.status = status
        self.code = code
        super().__init__(summary)

    @property
    def summary(self) -> str:
        """Safe for logs and the organizer's list: a class name, an HTTP status and a provider code only."""
        parts = [type(self).__name__]
        if self.status:
            parts.append(str(self.status))
        if self.code not in (None, ""):
            parts.append(f"code {self.code}")
        return " ".join(parts)


class RateLimited(ChannelError):
    """The provider asks us to slow down (HTTP 429 and its kin): every message of the channel waits until retry_at."""


class ChannelUnavailable(ChannelError):
    """The provider could not be reached or answered 5xx: retried with backoff."""


@runtime_checkable
class Channel(Protocol):
    name: str  # "telegram" | "whatsapp" | "sms"
    max_length: int  # characters one message may carry

    def send(self, address: str, notice: Notice) -> str:
        """Deliver the notice; returns the provider's message id. Raises ChannelError."""
        ...

    def reply(self, address: str, text: str) -> str:
        """Answer a message the person just sent (plain text, no template). Raises ChannelError."""
        ...
