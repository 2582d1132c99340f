"""What every API answer does the same way: an ETag with 304 on reads, CORS for public reads only."""

from __future__ import annotations

from collections.abc import Callable
from hashlib import sha256

from flask import current_app, g, request
from werkzeug.wrappers import Response

from scheduler import clock
from scheduler.public import versions

TIME_DEPENDENT = {"api_public.sessions"}  # without `from`, "now" picks the sessions


def public_etag() -> str:
    """A public read's version without building it: the schedule's change counter (bumped by every change of a
    group, meeting or session), the URL with its query, and the minute where "now" decides what is shown."""
    version, _changed = versions.current()
    parts = [str(version), request.full_path, current_app.config["PUBLIC_BASE_URL"]]
    if request.endpoint in TIME_DEPENDENT and not request.args.get("from"):
        parts.append(clock.now().replace(second=0, microsecond=0).isoformat())
    return sha256("|".join(parts).encode()).hexdigest()[:32]


def answer_unchanged_early() -> Response | None:
    """before_request of the public API: a matching If-None-Match is answered 304 in one primary-key lookup."""
    if request.method != "GET" or request.endpoint is None:
        return None
    g.api_etag = public_etag()
    if g.api_etag in request.if_none_match:
        response = Response(status=304)
        response.set_etag(g.api_etag)
        response.headers["Cache-Control"] = "no-cache"
        return response
    return None


def conditional(private: bool) -> Callable[[Response], Response]:
    """A read's ETag is the hash of its body, so it changes exactly when the answer does; `If-None-Match` with
    the same tag is answered 304 without a body. Staff answers are private to the token that asked."""

    def after(response: Response) -> Response:
        if request.method == "GET" and response.status_code == 200:
            tag = g.get("api_etag")
            if tag:
                response.set_etag(tag)
            else:
                response.add_etag()  # staff answers: the hash of the body
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
