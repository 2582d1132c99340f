"""What a sign-up or a profile change must look like, and the error that says what is wrong."""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l

from scheduler.inputs import one_line
from scheduler.locales import is_valid_zone
from scheduler.participants.models import NAME_MAX, RsvpScope


@dataclass(frozen=True)
class RsvpInput:
    email: str
    display_name: str
    timezone: str
    language: str
    scope: str = RsvpScope.SERIES
    occurrence_id: int | None = None
    note: str = ""
    question: str = ""


def clean_name(name: str) -> str:
    return one_line(name)


def check_profile(display_name: str, timezone: str, language: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    name = clean_name(display_name)
    if not name:
        errors["display_name"] = [str(_l("Enter a name. A first name or a pseudonym is fine."))]
    elif len(name) > NAME_MAX:
        errors["display_name"] = [str(_l("Use at most %(max)s characters.", max=NAME_MAX))]
    if not is_valid_zone(timezone):
        errors["timezone"] = [str(_l("Choose a time zone from the list, for example Asia/Dhaka or Europe/Amsterdam."))]
    if language not in current_app.config["LANGUAGES"]:
        errors["language"] = [str(_l("Choose one of the languages in the list."))]
    return errors


def normalized_email(raw: str) -> str | None:
    """The address in lower case, or None when it is not a valid address."""
    try:
        email = validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None
    return email if len(email) <= 254 else None
