"""What every API answer does the same way: an ETag with 304 on reads, CORS for public reads only."""

from __future__ import annotations

from collections.abc import Callable

from flask import request
from werkzeug.wrappers import Response


def conditional(private: bool) -> Callable[[Response], Response]:
    """A read's ETag is the hash of its body, so it changes exactly when the answer does; `If-None-Match` with
    the same tag is answered 304 without a body. Staff answers are private to the token that asked."""

    def after(response: Response) -> Response:
        if request.method == "GET" and response.status_code == 200:
            response.add_etag()
            response.headers["Cache-Control"] = "private, no-cache" if private else "no-cache"
            response.make_conditional(request)
        if private:
            response.vary.add("Authorization")
        return response

    return after


def cors(response: Response) -> Response:
    """Public reads may be fetched from any site's JavaScript (no cookies, no credentials)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "ETag"
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
            response.headers["Access-Control-Max-Age"] = "86400"
    return response
