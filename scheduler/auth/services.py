"""Staff accounts: creation and authentication."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from scheduler.auth.models import StaffRole, User
from scheduler.extensions import db
from scheduler.locales import is_valid_zone
from scheduler.rules import RuleError

MIN_PASSWORD_LENGTH = 10


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


def create_user(
    email: str, name: str, password: str, role: str, *, timezone: str = "UTC", language: str = "en"
) -> User:
    errors: dict[str, list[str]] = {}
    if role not in set(StaffRole):
        errors["role"] = [str(_l("Choose admin, organizer or counselor."))]
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = [str(_l("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH))]
    if not name.strip():
        errors["name"] = [str(_l("Enter a name."))]
    if "@" not in email or len(email) > 254:
        errors["email"] = [str(_l("Enter a valid email address."))]
    elif find_by_email(email) is not None:
        errors["email"] = [str(_l("There is already an account with this email."))]
    if not is_valid_zone(timezone):
        errors["timezone"] = [str(_l("Choose a time zone from the list."))]
    if errors:
        raise RuleError(errors)
    user = User(email=normalize_email(email), name=name.strip(), role=role, timezone=timezone, language=language)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    user = find_by_email(email)
    if user is None:
        # Same work for unknown addresses, so timing does not tell who has an account.
        User(password_hash="").set_password(password)
        return None
    if not user.active or not user.check_password(password):
        return None
    return user


def update_settings(user: User, name: str, timezone: str, language: str) -> None:
    """A staff member's own name, time zone (times are shown in it) and language."""
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [str(_l("Enter a name."))]
    if not is_valid_zone(timezone):
        errors["timezone"] = [str(_l("Choose a time zone from the list."))]
    if language not in current_app.config["LANGUAGES"]:
        errors["language"] = [str(_l("Choose a language from the list."))]
    if errors:
        raise RuleError(errors)
    user.name, user.timezone, user.language = name.strip(), timezone, language
    db.session.flush()


def remember_language(_sender: object, *, user: User, code: str) -> None:
    """A staff member switched language: it becomes their saved preference (pages and their emails)."""
    if code in current_app.config["LANGUAGES"]:
        user.language = code
        db.session.flush()
