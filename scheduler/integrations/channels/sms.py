"""SMS through a Twilio-compatible Messages API (Twilio, and the many regional gateways that copy it).

POST {api_base}/2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded (To, From or MessagingServiceSid,
Body, StatusCallback), HTTP basic auth with the account SID and auth token. 429 (code 20429) waits for
Retry-After; 21610 (the person texted STOP) and 21211/21614 (not a mobile number) end the person's SMS contact.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from scheduler import clock
from scheduler.integrations.channels import http
from scheduler.integrations.channels.base import ChannelError, ChannelUnavailable, Notice, RateLimited
from scheduler.integrations.channels.text import fit_sms

UNREACHABLE_CODES = {21610, 21211, 21614, 21612, 21408}
MAX_SEGMENTS = 4


class SmsChannel:
    name = "sms"
    max_length = 153 * MAX_SEGMENTS

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        sender: str,
        *,
        api_base: str = "https://api.twilio.com",
        status_callback: str | None = None,
        max_segments: int = MAX_SEGMENTS,
        timeout: float = 10.0,
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self._sid = account_sid
        self._token = auth_token
        self._sender = sender
        self._api_base = api_base.rstrip("/")
        self._status_callback = status_callback
        self._max_segments = max_segments
        self._timeout = timeout
        self._now = now
        http.install_redaction()

    def reply(self, address: str, text: str) -> str:
        return self.send(address, Notice(text=text))

    def send(self, address: str, notice: Notice) -> str:
        form = {"To": address, "Body": fit_sms(notice.text, self._max_segments)}
        if self._sender.startswith("MG"):
            form["MessagingServiceSid"] = self._sender
        else:
            form["From"] = self._sender
        if self._status_callback:
            form["StatusCallback"] = self._status_callback
        resp = http.request(
            "POST",
            f"{self._api_base}/2010-04-01/Accounts/{self._sid}/Messages.json",
            data=form,
            auth=(self._sid, self._token),
            timeout=self._timeout,
        )
        data = http.json_of(resp)
        if 200 <= resp.status_code < 300:
            return str(data.get("sid", ""))
        code = data.get("code") if isinstance(data.get("code"), int) else None
        if resp.status_code == 429 or code == 20429:
            when = http.retry_at(None, resp.headers.get("Retry-After"), self._now, default=30)
            raise RateLimited("rate limited", retry_at=when, status=resp.status_code, code=code)
        if resp.status_code >= 500:
            raise ChannelUnavailable("unavailable", status=resp.status_code, code=code)
        if resp.status_code == 401:
            raise ChannelUnavailable("credentials refused", status=401, code=code)
        if code in UNREACHABLE_CODES:
            raise ChannelError("unreachable", permanent=True, unreachable=True, status=resp.status_code, code=code)
        raise ChannelError("refused", permanent=True, status=resp.status_code, code=code)
