"""The view toolkit: what every page does the same way, in one place.

- `authorized(Model, id, right)`: load a row by id or answer 404 (`db.get_or_404`), then check a right
  (`right(current_user, row)`) or answer 403. The rights live in `meetings/permissions.py` and
  `counseling/access.py`. `found(row)` is the 404 for rows found by other queries.
- `transact(action, form)`: run one service call as the request's one transaction: commit and return its result,
  or roll back and show the broken rule's messages next to the form's fields (others as flash messages) and
  return `FAILED`.
- `speak(language)`: a page about a person is in that person's language.
- `private_headers`: pages behind a personal link are not cached, not indexed and send no Referer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, TypeVar

from flask import Flask, abort, flash, g
from flask_babel import refresh
from flask_login import current_user
from werkzeug.wrappers import Response

from scheduler.extensions import db
from scheduler.rules import RuleError

T = TypeVar("T")


class _Failed:
    def __repr__(self) -> str:
        return "FAILED"


FAILED: Final = _Failed()


def authorized(model: type[T], ident: int, right: Callable[[Any, T], bool], *, user: Any = None) -> T:
    """`user` is the signed-in staff member unless given (the API passes its token's owner)."""
    row = db.get_or_404(model, ident)
    if not right(current_user if user is None else user, row):
        abort(403)
    return row


def found(row: T | None) -> T:
    """A row from a query of one's own (not a primary key), or 404."""
    if row is None:
        abort(404)
    return row


def show_errors(form: object | None, error: RuleError, *, field: str | None = None) -> None:
    """Each message next to its form field; `field` puts them all on one field; the rest become flash messages."""
    for name, messages in error.errors.items():
        target = getattr(form, field or name, None) if form is not None else None
        if target is not None and hasattr(target, "errors"):
            target.errors = list(target.errors) + messages
        else:
            for message in messages:
                flash(message, "error")


def transact(
    action: Callable[[], T], form: object | None = None, *, done: object | None = None, field: str | None = None
) -> T | _Failed:
    """`done` is best a lazy string: it is put into words after the change, in the language the page is now in
    (a person who just chose another language reads the confirmation in it)."""
    try:
        result = action()
    except RuleError as error:
        db.session.rollback()
        show_errors(form, error, field=field)
        return FAILED
    db.session.commit()
    if done:
        refresh()  # the change may have been the person's language
        flash(str(done), "success")
    return result


def speak(language: str) -> None:
    """Pages about a person are in that person's language, whatever was worked out earlier in the request."""
    g.preferred_language = language
    refresh()


def private_headers(response: Response) -> Response:
    """Personal pages: not cached, not indexed, and no Referer that could carry a token to another site."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def init_app(app: Flask) -> None:
    """Templates compare statuses with the enums, never with loose strings."""
    from scheduler.counseling.models import AttendanceStatus
    from scheduler.meetings.models import OccurrenceStatus, SeriesStatus
    from scheduler.participants.models import RsvpScope, RsvpStatus, SeatStatus

    app.jinja_env.globals.update(
        AttendanceStatus=AttendanceStatus,
        OccurrenceStatus=OccurrenceStatus,
        RsvpScope=RsvpScope,
        RsvpStatus=RsvpStatus,
        SeatStatus=SeatStatus,
        SeriesStatus=SeriesStatus,
    )
