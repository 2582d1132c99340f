"""Telegram Bot API adapter: sendMessage, getUpdates (polling when there is no public URL) and setWebhook.

The bot token is part of every URL (https://api.telegram.org/bot<token>/<method>); it is never logged. Errors
come as {"ok": false, "error_code": …, "parameters": {"retry_after": …}}: 429 waits, 403 (blocked by the user)
ends the person's Telegram contact.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from scheduler import clock
from scheduler.integrations.channels import http
from scheduler.integrations.channels.base import ChannelError, ChannelUnavailable, Notice, RateLimited
from scheduler.integrations.channels.text import fit

MAX_LENGTH = 4096


class TelegramChannel:
    name = "telegram"
    max_length = MAX_LENGTH

    def __init__(
        self,
        token: str,
        username: str,
        *,
        api_base: str = "https://api.telegram.org",
        timeout: float = 10.0,
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self._token = token
        self.username = username.lstrip("@")
        self._api_base = api_base.rstrip("/")
        self._timeout = timeout
        self._now = now
        http.install_redaction()

    def start_link(self, start_token: str) -> str:
        """The deep link that opens the bot with `/start <token>`."""
        return f"https://t.me/{self.username}?start={start_token}"

    def _call(self, method: str, payload: dict[str, Any], *, timeout: float | None = None) -> Any:
        resp = http.request(
            "POST", f"{self._api_base}/bot{self._token}/{method}", json=payload, timeout=timeout or self._timeout
        )
        data = http.json_of(resp)
        if resp.status_code == 200 and data.get("ok") is True:
            return data.get("result")
        code = data.get("error_code") if isinstance(data.get("error_code"), int) else resp.status_code
        parameters = data.get("parameters") if isinstance(data.get("parameters"), dict) else {}
        if code == 429 or resp.status_code == 429:
            when = http.retry_at(parameters.get("retry_after"), resp.headers.get("Retry-After"), self._now)
            raise RateLimited("rate limited", retry_at=when, status=429)
        if resp.status_code >= 500 or code >= 500 or not data:  # an HTML error page from a proxy counts as down
            raise ChannelUnavailable("unavailable", status=resp.status_code)
        if code == 403:
            raise ChannelError("blocked", permanent=True, unreachable=True, status=403)
        if code == 400 and "chat not found" in str(data.get("description", "")).lower():
            raise ChannelError("chat not found", permanent=True, unreachable=True, status=400)
        if code == 401:
            raise ChannelUnavailable("token refused", status=401)  # a configuration fault: retried, visible
        raise ChannelError("refused", permanent=True, status=resp.status_code, code=code)

    def send(self, address: str, notice: Notice) -> str:
        text = fit(notice.text, self.max_length)
        result = self._call(
            "sendMessage", {"chat_id": address, "text": text, "link_preview_options": {"is_disabled": True}}
        )
        return str(result.get("message_id", "")) if isinstance(result, dict) else ""

    def reply(self, address: str, text: str) -> str:
        """An answer to what the person just sent the bot (plain text: no parse_mode, so nothing is interpreted)."""
        return self.send(address, Notice(text=text))

    def get_updates(self, offset: int | None, *, wait: int = 0) -> list[dict[str, Any]]:
        """Updates after `offset` (acknowledging the earlier ones); `wait` seconds of long polling."""
        payload: dict[str, Any] = {"timeout": wait, "allowed_updates": ["message"]}
        if offset is not None:
            payload["offset"] = offset
        result = self._call("getUpdates", payload, timeout=self._timeout + wait)
        return [u for u in result if isinstance(u, dict)] if isinstance(result, list) else []

    def set_webhook(self, url: str, secret: str) -> None:
        self._call("setWebhook", {"url": url, "secret_token": secret, "allowed_updates": ["message"]})


def language_of(update: dict[str, Any]) -> str | None:
    """The language the person's Telegram app is set to (an IETF tag such as "nl" or "pt-br"), if given."""
    message = update.get("message")
    sender = message.get("from") if isinstance(message, dict) else None
    code = sender.get("language_code") if isinstance(sender, dict) else None
    return code.split("-")[0].lower() if isinstance(code, str) and code else None


def parse_update(update: dict[str, Any]) -> tuple[int, str, str] | None:
    """(update_id, chat id, text) of a private text message, else None."""
    message = update.get("message")
    if not isinstance(update.get("update_id"), int) or not isinstance(message, dict):
        return None
    chat = message.get("chat")
    text = message.get("text")
    if not isinstance(chat, dict) or chat.get("type") != "private" or not isinstance(text, str):
        return None
    chat_id = chat.get("id")
    if not isinstance(chat_id, int):
        return None
    return update["update_id"], str(chat_id), text.strip()
