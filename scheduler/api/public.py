"""Public, read-only endpoints: groups, published meetings and their sessions. No personal data, no join link."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from apiflask import APIBlueprint
from flask import abort
from flask_babel import gettext as _

from scheduler import clock
from scheduler.api import http, present, reads, schemas
from scheduler.api.auth import public_limit
from scheduler.api.errors import bad_request
from scheduler.extensions import limiter

public_api = APIBlueprint("api_public", __name__, url_prefix="/api/v1", tag="Public")
public_api.before_request(http.answer_unchanged_early)
public_api.after_request(http.conditional(private=False))
public_api.after_request(http.cors)
limiter.limit(public_limit)(public_api)

DEFAULT_RANGE = timedelta(days=14)
MAX_RANGE = timedelta(days=92)
READ_RESPONSES = [304, 400, 429]


def _after_id(query: dict[str, Any]) -> int | None:
    if not query["cursor"]:
        return None
    try:
        return present.decode_cursor(query["cursor"], (int,))[0]
    except present.BadCursor:
        bad_request(_("This cursor is not valid. Use next_cursor from the previous page."), field="cursor")
        raise  # unreachable: bad_request raises


@public_api.get("/groups")
@public_api.input(schemas.PageQuery, location="query", arg_name="query")
@public_api.output(schemas.GroupPage)
@public_api.doc(summary="Public groups", responses=READ_RESPONSES)
def groups(query: dict[str, Any]) -> dict[str, Any]:
    rows, more = reads.groups(_after_id(query), query["limit"])
    return {
        "items": [present.group(row) for row in rows],
        "next_cursor": present.encode_cursor(rows[-1].id) if more else None,
    }


@public_api.get("/groups/<slug>")
@public_api.output(schemas.GroupDetail)
@public_api.doc(summary="One group", responses=[*READ_RESPONSES, 404])
def group(slug: str) -> dict[str, Any]:
    row = reads.group(slug)
    if row is None:
        abort(404)
    return present.group(row)


@public_api.get("/groups/<slug>/meetings")
@public_api.input(schemas.PageQuery, location="query", arg_name="query")
@public_api.output(schemas.MeetingPage)
@public_api.doc(summary="Published meetings of one group", responses=[*READ_RESPONSES, 404])
def group_meetings(slug: str, query: dict[str, Any]) -> dict[str, Any]:
    row = reads.group(slug)
    if row is None:
        abort(404)
    return _meeting_page(row, query)


@public_api.get("/meetings")
@public_api.input(schemas.PageQuery, location="query", arg_name="query")
@public_api.output(schemas.MeetingPage)
@public_api.doc(summary="Published meetings of public groups", responses=READ_RESPONSES)
def meetings(query: dict[str, Any]) -> dict[str, Any]:
    return _meeting_page(None, query)


def _meeting_page(group_row: Any, query: dict[str, Any]) -> dict[str, Any]:
    rows, more = reads.meetings(group_row, _after_id(query), query["limit"])
    return {
        "items": [present.meeting(row) for row in rows],
        "next_cursor": present.encode_cursor(rows[-1].id) if more else None,
    }


@public_api.get("/meetings/<int:meeting_id>")
@public_api.output(schemas.MeetingDetail)
@public_api.doc(summary="One published meeting", responses=[*READ_RESPONSES, 404])
def meeting(meeting_id: int) -> dict[str, Any]:
    row = reads.meeting(meeting_id)
    if row is None:
        abort(404)
    return present.meeting(row)


@public_api.get("/sessions")
@public_api.input(schemas.SessionsQuery, location="query", arg_name="query")
@public_api.output(schemas.SessionPage)
@public_api.doc(
    summary="Sessions in a date range",
    description="Sessions of published meetings starting in [from, to) (at most 92 days), cancelled ones included, "
    "each with its IANA zone and both UTC and local times.",
    responses=[*READ_RESPONSES, 404],
)
def sessions(query: dict[str, Any]) -> dict[str, Any]:
    group_row = None
    if query["group"]:
        group_row = reads.group(query["group"])
        if group_row is None:
            abort(404)
    start, end = session_range(query)
    after = None
    if query["cursor"]:
        try:
            after = present.decode_cursor(query["cursor"], (datetime, int))
        except present.BadCursor:
            bad_request(_("This cursor is not valid. Use next_cursor from the previous page."), field="cursor")
    rows, more = reads.sessions(group_row, start, end, after, query["limit"])  # type: ignore[arg-type]
    return {
        "items": [present.session(row) for row in rows],
        "next_cursor": present.encode_cursor(rows[-1].start, rows[-1].id) if more else None,
    }


def session_range(query: dict[str, Any]) -> tuple[datetime, datetime]:
    start = query["from_"] or clock.now().replace(second=0, microsecond=0)
    end = query["to"] or start + DEFAULT_RANGE
    if end <= start:
        bad_request(_("'to' must be after 'from'."), field="to")
    if end - start > MAX_RANGE:
        bad_request(_("Ask for at most %(days)s days at a time.", days=MAX_RANGE.days), field="to")
    return start, end
