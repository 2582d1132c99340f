"""Redirects to a URL taken from a request go only to a path on this site.

Browsers forgive a lot in a Location header: they drop tabs and newlines anywhere, strip leading control
characters and spaces, read a backslash as a slash and a percent-encoded slash or backslash in some
positions. So a target is refused when it holds any of those, in its raw or its percent-decoded form,
rather than when it matches a list of known tricks.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from flask import url_for
from werkzeug.utils import redirect
from werkzeug.wrappers import Response

MAX_TARGET_LENGTH = 2000


def _starts_as_a_path(text: str) -> bool:
    return text.startswith("/") and not text.startswith(("//", "/\\"))


def _controls(text: str) -> bool:
    return any(unicodedata.category(ch).startswith("C") for ch in text)


def local_target(target: str | None) -> str | None:
    """`target` when it is a path on this site (with its query), otherwise None.

    The raw form may hold no white space, control or format character and no backslash; the percent-decoded
    form (what a lenient browser or proxy may see) must still start as a path and hold no control character.
    """
    if not target or len(target) > MAX_TARGET_LENGTH:
        return None
    if not _starts_as_a_path(target) or "\\" in target or _controls(target):
        return None
    if any(ch.isspace() for ch in target):
        return None
    decoded = unquote(target)
    if not _starts_as_a_path(decoded) or _controls(decoded):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def redirect_to_local(target: str | None, fallback_endpoint: str, code: int = 302) -> Response:
    """Redirect to `target` if it is safe, else to the fallback page."""
    return redirect(local_target(target) or url_for(fallback_endpoint), code=code)
