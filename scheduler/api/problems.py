"""Errors of the API as RFC 9457 problem details (`application/problem+json`), with a translated `detail` and,
for invalid input, the messages of each field under `errors`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import json, request
from flask_babel import gettext as _
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Response

PROBLEM_MIMETYPE = "application/problem+json"
API_PREFIX = "/api/"


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX) or request.path == API_PREFIX.rstrip("/")


def default_detail(status: int) -> str:
    details = {
        400: _("Something in the request was not right. Please check and try again."),
        401: _("Send a valid API token as 'Authorization: Bearer <token>'."),
        403: _("Your token may not do this."),
        404: _("There is nothing at this address."),
        405: _("This method is not allowed here."),
        422: _("Some fields are not valid."),
        429: _("Too many requests. Please wait a moment and try again."),
        503: _("The service is busy for a moment. Nothing was changed. Please try again in a few seconds."),
    }
    return str(details.get(status, _("Something went wrong. Please try again later.")))


def problem(
    status: int,
    detail: str | None = None,
    *,
    errors: Mapping[str, list[str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": detail or default_detail(status),
    }
    if errors:
        body["errors"] = {name: list(messages) for name, messages in errors.items()}
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MIMETYPE)
    for name, value in (headers or {}).items():
        if name.lower() != "content-type":
            response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    return response


def field_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Marshmallow's nested messages ({"json": {"email": ["…"]}}) as {"email": ["…"]}."""
    result: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix and key not in ("json", "query", "path") else str(key)
            if prefix == "" and key in ("json", "query", "path", "headers"):
                name = ""
            result.update(field_errors(value, name))
    elif isinstance(messages, list | tuple):
        if all(isinstance(item, str) for item in messages):
            result.setdefault(prefix or "request", []).extend(messages)
        else:
            for index, item in enumerate(messages):
                result.update(field_errors(item, f"{prefix}.{index}" if prefix else str(index)))
    elif messages is not None:
        result.setdefault(prefix or "request", []).append(str(messages))
    return result
