"""Security headers on every response.

A strict Content-Security-Policy (scripts and styles only from our own files, no inline script), no framing by
other sites (clickjacking of "Erase my data" or organizer buttons), no MIME sniffing, a Referrer-Policy that
never carries a personal link's token to another site, HSTS in production and a Permissions-Policy that turns
off what the app never uses. A view that needs something else (a page meant to be embedded, the development
mailbox showing emails with inline styles) sets its own header; this never overwrites one.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.wrappers import Response

CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
}
# Sign-up and host forms redirect to Jitsi/Zoom after a POST, so there is no form-action directive.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
HSTS = "max-age=63072000; includeSubDomains"
PERSONAL_REFERRER_POLICY = "no-referrer"
DEFAULT_REFERRER_POLICY = "strict-origin-when-cross-origin"


def content_security_policy(**overrides: str) -> str:
    """The policy with some directives replaced, e.g. `content_security_policy(frame_ancestors="https://a.org")`."""
    directives = dict(CSP_DIRECTIVES)
    directives.update({name.replace("_", "-"): value for name, value in overrides.items()})
    return "; ".join(f"{name} {value}" for name, value in directives.items())


DEFAULT_CSP = content_security_policy()


def _personal() -> bool:
    """A URL that carries a personal secret: every such route names it `token`."""
    return bool(request.view_args and "token" in request.view_args)


def init_app(app: Flask) -> None:
    production = app.config["ENV_NAME"] == "production"

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", DEFAULT_CSP)
        if "frame-ancestors 'none'" in headers["Content-Security-Policy"]:
            headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if _personal():
            headers["Referrer-Policy"] = PERSONAL_REFERRER_POLICY
        else:
            headers.setdefault("Referrer-Policy", DEFAULT_REFERRER_POLICY)
        if production:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response
