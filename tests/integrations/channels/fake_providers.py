"""Local servers that speak the three APIs, enough for our adapters: the Telegram Bot API (sendMessage,
getUpdates, setWebhook and its error objects), the WhatsApp Cloud API messages endpoint (templates, Graph errors)
and a Twilio-compatible Messages endpoint (form-encoded, basic auth, error codes). Served by pytest-httpserver
on 127.0.0.1 only."""

from __future__ import annotations

import base64
import json
from collections import Counter
from typing import Any

from werkzeug import Request, Response

TOKEN = "123456789:AAtest-bot-token_xyz"
BOT = "meeting_notices_bot"
PNID = "109876543210"
WA_TOKEN = "EAAtest-whatsapp-token"
SID = "AC0123456789abcdef0123456789abcdef"
AUTH = "twilio-auth-token-test"
TEMPLATES = {"meeting_notice", "verification_code"}


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json", headers=headers or {})


class FakeProviders:
    def __init__(self) -> None:
        self.telegram: list[dict[str, Any]] = []  # delivered messages
        self.telegram_payloads: list[dict[str, Any]] = []  # the whole sendMessage bodies
        self.whatsapp_replies: list[dict[str, Any]] = []  # free-form text answers (inside the 24-hour window)
        self.whatsapp: list[dict[str, Any]] = []
        self.sms: list[dict[str, str]] = []
        self.updates: list[dict[str, Any]] = []  # what getUpdates has to give
        self.acknowledged = 0  # the highest offset a getUpdates call confirmed
        self.webhook: dict[str, Any] | None = None
        self.down: set[str] = set()  # answer 503 / 500
        self.rate_limited: Counter[str] = Counter()  # how many next calls answer 429
        self.blocked_chats: set[str] = set()
        self.stopped_numbers: set[str] = set()
        self.calls: Counter[str] = Counter()

    def __call__(self, request: Request) -> Response:
        path = request.path
        if path.startswith(f"/bot{TOKEN}/"):
            return self._telegram(path.rsplit("/", 1)[1], request)
        if path.startswith("/bot"):
            return _json({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        if path == f"/v21.0/{PNID}/messages":
            return self._whatsapp(request)
        if path == f"/2010-04-01/Accounts/{SID}/Messages.json":
            return self._sms(request)
        return Response("not found", 404)

    # --- Telegram Bot API -------------------------------------------------------------------------------------
    def _telegram(self, method: str, request: Request) -> Response:
        self.calls["telegram"] += 1
        body = request.get_json(silent=True) or {}
        if "telegram" in self.down:
            return _json({"ok": False, "error_code": 502, "description": "Bad Gateway"}, 502)
        if self.rate_limited["telegram"] > 0:
            self.rate_limited["telegram"] -= 1
            return _json(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 7",
                    "parameters": {"retry_after": 7},
                },
                429,
            )
        if method == "sendMessage":
            chat_id, text = str(body.get("chat_id", "")), body.get("text", "")
            if chat_id in self.blocked_chats:
                return _json(
                    {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}, 403
                )
            if not text or len(text) > 4096:
                return _json({"ok": False, "error_code": 400, "description": "Bad Request: message is too long"}, 400)
            self.telegram.append({"chat_id": chat_id, "text": text})
            self.telegram_payloads.append(body)
            return _json(
                {"ok": True, "result": {"message_id": len(self.telegram), "chat": {"id": int(chat_id)}, "text": text}}
            )
        if method == "getUpdates":
            offset = int(body.get("offset") or 0)
            self.acknowledged = max(self.acknowledged, offset)
            return _json({"ok": True, "result": [u for u in self.updates if u["update_id"] >= offset]})
        if method == "setWebhook":
            self.webhook = body
            return _json({"ok": True, "result": True, "description": "Webhook was set"})
        return _json({"ok": False, "error_code": 404, "description": "Not Found: method not found"}, 404)

    # --- WhatsApp Cloud API -----------------------------------------------------------------------------------
    def _whatsapp(self, request: Request) -> Response:
        self.calls["whatsapp"] += 1
        if request.headers.get("Authorization") != f"Bearer {WA_TOKEN}":
            return _json(
                {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}}, 401
            )
        if "whatsapp" in self.down:
            return _json({"error": {"message": "Service temporarily unavailable", "code": 2}}, 503)
        if self.rate_limited["whatsapp"] > 0:
            self.rate_limited["whatsapp"] -= 1
            return _json({"error": {"message": "(#130429) Rate limit hit", "code": 130429}}, 400)
        body = request.get_json(silent=True) or {}
        template = body.get("template") or {}
        if body.get("messaging_product") == "whatsapp" and body.get("type") == "text":
            text = (body.get("text") or {}).get("body", "")
            if not text or len(text) > 4096:
                return _json({"error": {"message": "(#100) Invalid parameter", "code": 100}}, 400)
            self.whatsapp_replies.append(body)
            return _json(
                {"messaging_product": "whatsapp", "messages": [{"id": f"wamid.REPLY{len(self.whatsapp_replies)}"}]}
            )
        if body.get("messaging_product") != "whatsapp" or body.get("type") != "template":
            return _json({"error": {"message": "(#131047) Re-engagement message", "code": 131047}}, 400)
        if template.get("name") not in TEMPLATES:
            return _json(
                {"error": {"message": "(#132001) Template name does not exist in the translation", "code": 132001}}, 404
            )
        for component in template.get("components", []):
            for parameter in component.get("parameters", []):
                if "\n" in parameter.get("text", "") or len(parameter.get("text", "")) > 1024:
                    return _json({"error": {"message": "(#132018) Template parameter format", "code": 132018}}, 400)
        self.whatsapp.append(body)
        return _json(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                "messages": [{"id": f"wamid.TEST{len(self.whatsapp)}"}],
            }
        )

    # --- Twilio-compatible Messages ---------------------------------------------------------------------------
    def _sms(self, request: Request) -> Response:
        self.calls["sms"] += 1
        expected = "Basic " + base64.b64encode(f"{SID}:{AUTH}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return _json({"code": 20003, "message": "Authenticate", "status": 401}, 401)
        if "sms" in self.down:
            return _json({"code": 20500, "message": "Internal Server Error", "status": 500}, 500)
        if self.rate_limited["sms"] > 0:
            self.rate_limited["sms"] -= 1
            return _json({"code": 20429, "message": "Too Many Requests", "status": 429}, 429, {"Retry-After": "11"})
        form = request.form.to_dict()
        if not form.get("To", "").startswith("+") or not form.get("Body"):
            return _json({"code": 21211, "message": "Invalid 'To' Phone Number", "status": 400}, 400)
        if form["To"] in self.stopped_numbers:
            return _json({"code": 21610, "message": "Attempt to send to unsubscribed recipient", "status": 400}, 400)
        self.sms.append(form)
        return _json({"sid": f"SM{len(self.sms):032d}", "status": "queued", "to": form["To"]}, 201)
