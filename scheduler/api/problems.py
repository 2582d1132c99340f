"""Errors of the API as RFC 9457 problem details (`application/problem+json`), with a translated `detail` and,
for invalid input, the messages of each field under `errors`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app, json, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Response

PROBLEM_MIMETYPE = "application/problem+json"
API_PREFIX = "/api/"


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX) or request.path == API_PREFIX.rstrip("/")


def from_http_error(error: HTTPException) -> Response:
    """An HTTP error under /api as a problem. Werkzeug answers 405 for an id past a route's range even when no
    route takes that path with any method; that is a 404."""
    headers = {k: v for k, v in error.get_headers() if k.lower() in ("allow", "retry-after")}
    return problem(*real_status(error.code or 500, headers))


def real_status(status: int, headers: Mapping[str, str]) -> tuple[int, Mapping[str, str]]:
    """(status, headers), with werkzeug's 405 for a path no route takes turned into the 404 it is."""
    allowed = next((v for k, v in headers.items() if k.lower() == "allow"), "")
    if status == 405 and not _path_exists([m.strip() for m in allowed.split(",") if m.strip()]):
        return 404, {}
    return status, headers


def _path_exists(methods: list[str]) -> bool:
    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in methods:
        try:
            adapter.match(method=method)
        except HTTPException:
            continue
        return True
    return False


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
    headers: Mapping[str, str] | None = None,
    detail: str | None = None,
    *,
    errors: Mapping[str, list[str]] | None = None,
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
