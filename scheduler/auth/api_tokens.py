"""Personal API tokens of staff: created, listed with their last use, revoked. Services flush; callers commit.

A token is shown once, when it is made; only its SHA-256 is stored (the secret has 256 random bits, so a fast hash
is enough: there is nothing to guess). A token is scoped `read` (GET) or `write` (everything its owner may do) and
acts with exactly its owner's rights, checked by the same rules as the pages (`meetings/permissions.py`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from scheduler import clock
from scheduler.auth.models import User
from scheduler.db import UTCDateTime, one_of
from scheduler.extensions import db
from scheduler.rules import RuleError

PREFIX = "sch_"
NAME_MAX = 80
TOKENS_PER_USER = 20
LAST_USE_RESOLUTION = timedelta(minutes=1)  # the last use is written at most once a minute per token


class TokenScope(StrEnum):
    READ = "read"
    WRITE = "write"


class ApiToken(db.Model):
    __tablename__ = "api_tokens"
    __table_args__ = (one_of("scope", TokenScope),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(NAME_MAX))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    hint: so.Mapped[str] = so.mapped_column(sa.String(12))  # the first characters, to tell tokens apart
    scope: so.Mapped[str] = so.mapped_column(sa.String(8), default=TokenScope.READ)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=clock.now)
    last_used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    user: so.Mapped[User] = so.relationship()

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.WRITE

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.scope}>"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create(user: User, name: str, scope: str) -> tuple[ApiToken, str]:
    """A new token and its secret (shown once, never stored)."""
    errors: dict[str, list[str]] = {}
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        errors["name"] = [str(_l("Give the token a name of up to %(max)s characters.", max=NAME_MAX))]
    if scope not in set(TokenScope):
        errors["scope"] = [str(_l("Choose read or write."))]
    if active_tokens_count(user) >= TOKENS_PER_USER:
        errors["name"] = [str(_l("You have too many tokens. Revoke one first."))]
    if errors:
        raise RuleError(errors)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=digest(secret), hint=secret[:10], scope=scope)
    db.session.add(token)
    db.session.flush()
    return token, secret


def active_tokens_count(user: User) -> int:
    return int(
        db.session.scalar(sa.select(sa.func.count()).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)))
        or 0
    )


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, newest first, revoked ones included (bounded: a user has few)."""
    return list(
        db.session.scalars(
            sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc()).limit(100)
        )
    )


def revoke(user: User, token_id: int) -> ApiToken:
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))
    if token is None:
        raise RuleError({"token": [str(_l("There is no such token."))]})
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        db.session.flush()
    return token


def authenticate(secret: str) -> ApiToken | None:
    """The live token with this secret whose owner's account is active, or None. Records its use."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(
        sa.select(ApiToken)
        .where(ApiToken.token_hash == digest(secret), ApiToken.revoked_at.is_(None))
        .options(so.joinedload(ApiToken.user))
    )
    if token is None or not token.user.active:
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_RESOLUTION:
        token.last_used_at = now
    return token
