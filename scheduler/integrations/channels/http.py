"""What the adapters share about HTTP: one timeout, network errors as ChannelUnavailable, Retry-After, and a log
filter that keeps the Telegram bot token (it is part of the URL) and phone numbers out of urllib3's debug lines."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from scheduler.integrations.channels.base import ChannelUnavailable

_SECRETS = re.compile(r"/bot[^/\s]+/|\+?\d{7,15}")


class _Redact(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _SECRETS.sub("<redacted>", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def install_redaction() -> None:
    pool_log = logging.getLogger("urllib3.connectionpool")
    if not any(isinstance(f, _Redact) for f in pool_log.filters):
        pool_log.addFilter(_Redact())


def request(method: str, url: str, *, timeout: float, **kwargs: Any) -> requests.Response:
    """One HTTP call; a connection error or timeout is a ChannelUnavailable (retried later)."""
    try:
        return requests.request(method, url, timeout=timeout, **kwargs)
    except requests.RequestException as error:
        raise ChannelUnavailable(type(error).__name__) from None


def retry_at(seconds: object, header: str | None, now: Callable[[], datetime], default: float = 30.0) -> datetime:
    """When to try again: the provider's own number of seconds, else a Retry-After header (seconds or a date)."""
    if isinstance(seconds, (int, float)) and seconds >= 0:
        return now() + timedelta(seconds=float(seconds))
    if header:
        text = header.strip()
        if text.isdigit():
            return now() + timedelta(seconds=int(text))
        try:
            return parsedate_to_datetime(text)
        except (TypeError, ValueError):
            pass
    return now() + timedelta(seconds=default)


def json_of(resp: requests.Response) -> dict[str, Any]:
    try:
        data = resp.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
