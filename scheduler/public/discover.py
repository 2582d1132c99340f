"""Finding what is coming: the upcoming events at any distance (webinars, one-off sessions), what starts now
or soon, and a search over meeting titles and groups. Routes on the public blueprint; GET parameters only, so
every view is a bookmarkable link and works without JavaScript."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flask import Response, render_template, request, url_for

from scheduler import clock
from scheduler.meetings.models import SeriesKind, Topic
from scheduler.public import page_cache, queries
from scheduler.public import views as public
from scheduler.public.views import public_bp


def _filters(args: Mapping[str, str]) -> tuple[queries.EventFilters, list[str]]:
    """The schedule's own parsing of topic, language and kind (unknown values become "any", with a note),
    plus the search text."""
    schedule_filters, _weekday, notes = public._parse_filters(args)
    text = queries.normalize_search(args.get("q") or "") or None
    filters = queries.EventFilters(
        text=text, topic=schedule_filters.topic, language=schedule_filters.language, kind=schedule_filters.kind
    )
    return filters, notes


def _context(endpoint: str, found: queries.SchedulePage, page: int, filters: queries.EventFilters) -> dict:
    args = {key: value for key, value in request.args.items() if key != "page"}
    more = found.has_more and page < public.MAX_PAGE
    return {
        "occurrences": found.occurrences,
        "filters": filters,
        "query": (request.args.get("q") or "").strip()[: queries.SEARCH_MAX],
        "page": page,
        "later_url": url_for(endpoint, **args, page=page + 1) if more else None,
        "earlier_url": url_for(endpoint, **args, page=page - 1) if page > 1 else None,
        "topics": list(Topic),
        "kinds": list(SeriesKind),
        "endpoint": endpoint,
        **public._helpers(),
    }


@public_bp.get("/events")
def events() -> Response | str:
    now = clock.now()
    return page_cache.cached_page(page_cache.page_etag(now, "events", public._locale()), lambda: _render_events(now))


def _render_events(now: datetime) -> str:
    filters, notes = _filters(request.args)
    page = public._parse_page(request.args, notes)
    found = queries.upcoming_events(filters, page=page, now=now)
    return render_template("public/events.html", notes=notes, **_context("public.events", found, page, filters))


@public_bp.get("/now")
def starting_soon() -> Response | str:
    now = clock.now()
    return page_cache.cached_page(page_cache.page_etag(now, "now", public._locale()), lambda: _render_soon(now))


def _render_soon(now: datetime) -> str:
    filters, notes = _filters(request.args)
    found = queries.starting_soon(filters, now=now)
    context = _context("public.starting_soon", found, 1, filters)
    return render_template("public/now.html", notes=notes, now=now, **context)
