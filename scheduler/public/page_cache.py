"""Public pages for anonymous visitors, answered from a per-process cache: a page's version (its ETag) is the
change counter (`public.versions`), the minute and whatever picks the language or the content; a visitor who has
this version gets 304, and a version is rendered once and kept (LRU). Personal pages (signed in, or messages to
show) are never cached."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from hashlib import sha256

from flask import Response, current_app, request, session
from flask_login import current_user
from werkzeug.http import is_resource_modified

from scheduler.i18n import viewer_timezone, viewer_timezone_known
from scheduler.public import versions

PAGE_CACHE_SIZE = 256  # rendered schedule pages kept per process, keyed by their ETag


def _page_cache() -> OrderedDict[str, str]:
    return current_app.extensions.setdefault("public_schedule_pages", OrderedDict())


def page_etag(now: datetime, *parts: str) -> tuple[str, datetime] | None:
    """A public page's version for anonymous visitors: the change counter, the minute (sessions end as time
    passes), the visitor's zone, the query and `parts` (what else picks the language or the content).
    None when the page is personal (signed in, or messages to show)."""
    if current_user.is_authenticated or session.get("_flashes"):
        return None
    version, changed_at = versions.current()
    minute = now.replace(second=0, microsecond=0)
    key = "|".join(
        (
            str(version),
            minute.isoformat(),
            viewer_timezone(),
            str(viewer_timezone_known()),
            request.query_string.decode("latin-1"),
            *parts,
        )
    )
    return sha256(key.encode()).hexdigest()[:32], max(minute, changed_at or minute)


def _conditional(body: str | None, etag: str, modified: datetime) -> Response:
    response = Response(body, status=200 if body is not None else 304, mimetype="text/html")
    response.set_etag(etag)
    response.last_modified = modified
    response.headers["Cache-Control"] = "no-cache"  # always ask again; a matching ETag is answered with 304
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def cached_page(tagged: tuple[str, datetime] | None, build: Callable[[], str]) -> Response | str:
    """304 when the visitor has this version, else the page rendered once per version and kept (LRU)."""
    if tagged is None:
        return build()
    etag, modified = tagged
    if not is_resource_modified(request.environ, etag=etag, last_modified=modified):
        return _conditional(None, etag, modified)
    cache = _page_cache()
    if etag in cache:
        cache.move_to_end(etag)
    else:
        cache[etag] = build()
        while len(cache) > PAGE_CACHE_SIZE:
            cache.popitem(last=False)
    return _conditional(cache[etag], etag, modified)
