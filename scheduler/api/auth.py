"""Bearer tokens for the staff API (`Authorization: Bearer sch_…`): the token's owner acts with exactly their own
rights (checked by `meetings/permissions.py` through `web.authorized`), a `read` token only with GET. Never the
sign-in cookie: a page session cannot drive the API, so the API needs no CSRF token."""

from __future__ import annotations

import hashlib

from apiflask import HTTPError, HTTPTokenAuth
from flask import current_app, request
from flask_babel import gettext as _

from scheduler.auth import api_tokens
from scheduler.auth.models import User
from scheduler.extensions import db

token_auth = HTTPTokenAuth(
    scheme="Bearer",
    description="A personal API token from My settings or `flask users create-token` (scope read or write).",
)


@token_auth.verify_token
def _verify(secret: str) -> api_tokens.ApiToken | None:
    token = api_tokens.authenticate(secret) if secret else None
    if token is not None and token in db.session.dirty:
        db.session.commit()  # the token's last use (at most once a minute), kept even when the request fails
    return token


@token_auth.get_user_roles
def _roles(token: api_tokens.ApiToken) -> list[str]:
    return ["read", "write"] if token.can_write else ["read"]


@token_auth.error_handler
def _refused(status: int) -> None:
    if status == 403:
        raise HTTPError(
            403, detail=_("This token may only read. Create a token with the write scope to change things.")
        )
    raise HTTPError(
        401,
        detail=_("Send a valid API token as 'Authorization: Bearer <token>'."),
        headers={"WWW-Authenticate": 'Bearer realm="scheduler"'},
    )


def current_token() -> api_tokens.ApiToken:
    token = token_auth.current_user
    if token is None:  # the decorator let nobody through without one
        raise HTTPError(401)
    return token


def current_staff() -> User:
    return current_token().user


def token_rate_key() -> str:
    """Rate limits count per presented token (a hash of it), or per address without one."""
    header = request.headers.get("Authorization", "")
    if header:
        return "api-token:" + hashlib.sha256(header.encode()).hexdigest()[:32]
    return "api-ip:" + (request.remote_addr or "")


def token_limit() -> str:
    return str(current_app.config["API_TOKEN_RATE_LIMIT"])


def public_limit() -> str:
    return str(current_app.config["API_PUBLIC_RATE_LIMIT"])
