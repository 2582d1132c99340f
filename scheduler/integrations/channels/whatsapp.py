"""WhatsApp Business Cloud API adapter: business-initiated messages are pre-approved templates with parameters.

POST {api_base}/{phone-number-id}/messages with type=template. Notices use one template whose body has a single
parameter (the message text: a template parameter may not contain line breaks, so lines are joined); codes use
an authentication template (the code in the body and in its copy-code button). Errors come as
{"error": {"code": …}}: 130429/131048/131056 are rate limits, 131026 (undeliverable) and 131047/132xxx
(template problems) are not retried.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from scheduler import clock
from scheduler.integrations.channels import http
from scheduler.integrations.channels.base import ChannelError, ChannelUnavailable, Notice, RateLimited
from scheduler.integrations.channels.text import fit

MAX_PARAMETER = 1024
RATE_LIMIT_CODES = {4, 80007, 130429, 131048, 131056}
UNREACHABLE_CODES = {131026, 133010}  # not a WhatsApp number / not registered
RETRY_CODES = {1, 2, 131000, 133004}


SEPARATOR = " · "


class WhatsAppChannel:
    name = "whatsapp"
    max_length = MAX_PARAMETER

    def __init__(
        self,
        token: str,
        phone_number_id: str,
        *,
        notice_template: str,
        code_template: str,
        api_base: str = "https://graph.facebook.com/v21.0",
        timeout: float = 10.0,
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self._token = token
        self._phone_number_id = phone_number_id
        self._notice_template = notice_template
        self._code_template = code_template
        self._api_base = api_base.rstrip("/")
        self._timeout = timeout
        self._now = now
        http.install_redaction()

    def _template(self, notice: Notice) -> dict[str, Any]:
        if notice.code is not None:
            components: list[dict[str, Any]] = [
                {"type": "body", "parameters": [{"type": "text", "text": notice.code}]},
                {
                    "type": "button",
                    "sub_type": "url",
                    "index": "0",
                    "parameters": [{"type": "text", "text": notice.code}],
                },
            ]
            name = self._code_template
        else:
            text = fit(notice.text, self.max_length, sep=SEPARATOR)
            components = [{"type": "body", "parameters": [{"type": "text", "text": text}]}]
            name = self._notice_template
        return {"name": name, "language": {"code": notice.language}, "components": components}

    def send(self, address: str, notice: Notice) -> str:
        return self._post(address, {"type": "template", "template": self._template(notice)})

    def reply(self, address: str, text: str) -> str:
        """A plain text answer to a message the person just sent (allowed without a template inside the 24-hour
        customer service window that their message opened)."""
        body = fit(text, 4096)
        return self._post(address, {"type": "text", "text": {"preview_url": False, "body": body}})

    def _post(self, address: str, message: dict[str, Any]) -> str:
        payload = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": address.lstrip("+")}
        payload.update(message)
        resp = http.request(
            "POST",
            f"{self._api_base}/{self._phone_number_id}/messages",
            json=payload,
            headers={"Authorization": f"Bearer {self._token}"},
            timeout=self._timeout,
        )
        data = http.json_of(resp)
        if 200 <= resp.status_code < 300:
            messages = data.get("messages")
            if isinstance(messages, list) and messages and isinstance(messages[0], dict):
                return str(messages[0].get("id", ""))
            return ""
        error = data.get("error") if isinstance(data.get("error"), dict) else {}
        code = error.get("code") if isinstance(error.get("code"), int) else None
        if resp.status_code == 429 or code in RATE_LIMIT_CODES:
            when = http.retry_at(None, resp.headers.get("Retry-After"), self._now, default=60)
            raise RateLimited("rate limited", retry_at=when, status=resp.status_code, code=code)
        if resp.status_code >= 500 or code in RETRY_CODES:
            raise ChannelUnavailable("unavailable", status=resp.status_code, code=code)
        if resp.status_code == 401 or code == 190:
            raise ChannelUnavailable("token refused", status=resp.status_code, code=code)
        if code in UNREACHABLE_CODES:
            raise ChannelError("undeliverable", permanent=True, unreachable=True, status=resp.status_code, code=code)
        raise ChannelError("refused", permanent=True, status=resp.status_code, code=code)
