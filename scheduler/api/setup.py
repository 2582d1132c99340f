"""Wires the API into the app: its three blueprints, problem+json errors, CSRF exemption (the API takes no
cookies) and the browsable docs' page policy. Each blueprint sets up its own limits, ETags and CORS."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from apiflask import APIFlask
from flask import make_response
from werkzeug.wrappers import Response

from scheduler.api import OPENAPI_VERSION, errors
from scheduler.api.public import public_api
from scheduler.api.rsvps import rsvp_api
from scheduler.api.staff import staff_api
from scheduler.extensions import csrf
from scheduler.security_headers import content_security_policy

CDN = "https://cdn.jsdelivr.net"
DESCRIPTION = (
    "Public, read-only data (groups, published meetings, sessions) without personal data or join links; "
    "sign-ups with the same double opt-in as the form; and a staff API with personal tokens "
    "(`Authorization: Bearer …`, scope read or write). Errors are `application/problem+json`; lists are "
    "cursor-paginated (`next_cursor`); reads carry an `ETag` and answer `If-None-Match` with 304."
)


def _docs_policy(view: Callable[..., Any]) -> Callable[..., Any]:
    """The Swagger UI page loads its script and styles from a CDN and starts with an inline script."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Response:
        response = make_response(view(*args, **kwargs))
        response.headers["Content-Security-Policy"] = content_security_policy(
            script_src=f"'self' 'unsafe-inline' {CDN}", style_src=f"'self' {CDN}", img_src="'self' data:"
        )
        return response

    return wrapped


def init_app(app: APIFlask) -> None:
    app.config["OPENAPI_VERSION"] = OPENAPI_VERSION  # JSON Schema 2020-12 throughout
    app.config["DESCRIPTION"] = DESCRIPTION
    app.config["DOCS_DECORATORS"] = [_docs_policy]
    app.config["DOCS_FAVICON"] = "data:,"
    app.config["AUTO_OPERATION_ID"] = True
    errors.init_app(app)
    for blueprint in (public_api, rsvp_api, staff_api):
        csrf.exempt(blueprint)
        app.register_blueprint(blueprint)


def leave_pages_out(app: APIFlask) -> None:
    """The pages' plain blueprints are not part of the API document (APIFlask asks each blueprint)."""
    for blueprint in app.blueprints.values():
        if not hasattr(blueprint, "enable_openapi"):
            blueprint.enable_openapi = False  # type: ignore[attr-defined]
