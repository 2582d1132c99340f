"""The staff API: a personal token acts with its owner's rights, checked by the same rules as the pages
(`web.authorized` with `meetings/permissions.py` and `counseling/access.py`); writes need a `write` token and call
the same services as the organizer pages, one transaction each."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from apiflask import APIBlueprint
from flask_babel import gettext as _

from scheduler import clock
from scheduler.api import http, meeting_inputs, present, schemas
from scheduler.api.auth import current_staff, public_limit, token_auth, token_limit, token_rate_key
from scheduler.api.errors import bad_request, commit_or_problem, invalid
from scheduler.counseling import access
from scheduler.counseling.sessions import attendance_lists
from scheduler.extensions import db, limiter
from scheduler.meetings import permissions, services
from scheduler.meetings.models import Group, Occurrence, Series, SeriesStatus
from scheduler.participants import queries as participant_queries
from scheduler.rules import RuleError
from scheduler.web import authorized

staff_api = APIBlueprint("api_staff", __name__, url_prefix="/api/v1/staff", tag="Staff")
staff_api.after_request(http.conditional(private=True))
limiter.limit(token_limit, key_func=token_rate_key)(staff_api)
limiter.limit(public_limit)(staff_api)  # per address too: rotating made-up tokens buys no fresh budget
READ = {"responses": [304, 400, 401, 403, 404, 429]}
WRITE = {"responses": [400, 401, 403, 404, 422, 429]}


def _meeting(series: Series) -> dict[str, Any]:
    return present.meeting(series)


@staff_api.get("/groups")
@staff_api.auth_required(token_auth, roles=["read"])
@staff_api.input(schemas.PageQuery, location="query", arg_name="query")
@staff_api.output(schemas.StaffGroupList)
@staff_api.doc(summary="Groups you belong to (all, for admins)", **READ)
def groups(query: dict[str, Any]) -> dict[str, Any]:
    user = current_staff()
    statement = permissions.visible_groups_query(user).order_by(None).order_by(Group.id).limit(query["limit"] + 1)
    if query["cursor"]:
        try:
            statement = statement.where(Group.id > present.decode_cursor(query["cursor"], (int,))[0])
        except present.BadCursor:
            bad_request(_("This cursor is not valid. Use next_cursor from the previous page."), field="cursor")
    rows = db.session.scalars(statement).all()
    more, rows = len(rows) > query["limit"], rows[: query["limit"]]
    return {
        "items": [{**present.group(g), "id": g.id, "role": permissions.membership_role(user, g)} for g in rows],
        "next_cursor": present.encode_cursor(rows[-1].id) if more else None,
    }


@staff_api.post("/groups/<int:group_id>/meetings")
@staff_api.auth_required(token_auth, roles=["write"])
@staff_api.input(schemas.MeetingIn, arg_name="body")
@staff_api.output(schemas.MeetingDetail, status_code=201)
@staff_api.doc(summary="Create a meeting", **WRITE)
def create_meeting(group_id: int, body: dict[str, Any]) -> dict[str, Any]:
    group = authorized(Group, group_id, permissions.can_edit_meetings, user=current_staff())
    data = meeting_inputs.new_meeting(body)
    return _meeting(commit_or_problem(lambda: services.create_series(group, data)))


@staff_api.get("/meetings/<int:meeting_id>")
@staff_api.auth_required(token_auth, roles=["read"])
@staff_api.output(schemas.MeetingDetail)
@staff_api.doc(summary="One meeting of your groups (drafts too)", **READ)
def meeting(meeting_id: int) -> dict[str, Any]:
    return _meeting(authorized(Series, meeting_id, permissions.can_view_series, user=current_staff()))


@staff_api.patch("/meetings/<int:meeting_id>")
@staff_api.auth_required(token_auth, roles=["write"])
@staff_api.input(schemas.MeetingPatch, arg_name="body")
@staff_api.output(schemas.MeetingDetail)
@staff_api.doc(summary="Change a meeting (only the fields sent)", **WRITE)
def update_meeting(meeting_id: int, body: dict[str, Any]) -> dict[str, Any]:
    series = authorized(Series, meeting_id, permissions.can_edit_series, user=current_staff())
    if series.status == SeriesStatus.CANCELLED:
        invalid({"status": [_("This meeting was cancelled and can no longer be changed.")]})
    try:
        data = meeting_inputs.changed_meeting(series, body)
    except RuleError as error:
        invalid(error.errors)
    return _meeting(commit_or_problem(lambda: services.update_series(series, data)))


@staff_api.post("/meetings/<int:meeting_id>/cancel")
@staff_api.auth_required(token_auth, roles=["write"])
@staff_api.input(schemas.ReasonIn, arg_name="body")
@staff_api.output(schemas.MeetingDetail)
@staff_api.doc(summary="Cancel a meeting (all its coming sessions)", **WRITE)
def cancel_meeting(meeting_id: int, body: dict[str, Any]) -> dict[str, Any]:
    series = authorized(Series, meeting_id, permissions.can_edit_series, user=current_staff())
    commit_or_problem(lambda: services.cancel_series(series, body["reason"]))
    return _meeting(series)


@staff_api.get("/meetings/<int:meeting_id>/sessions")
@staff_api.auth_required(token_auth, roles=["read"])
@staff_api.input(schemas.PageQuery, location="query", arg_name="query")
@staff_api.output(schemas.SessionPage)
@staff_api.doc(summary="A meeting's sessions that have not ended", **READ)
def meeting_sessions(meeting_id: int, query: dict[str, Any]) -> dict[str, Any]:
    series = authorized(Series, meeting_id, permissions.can_view_series, user=current_staff())
    statement = (
        sa.select(Occurrence)
        .where(Occurrence.series_id == series.id, Occurrence.end > clock.now() - timedelta(days=1))
        .order_by(Occurrence.start, Occurrence.id)
        .limit(query["limit"] + 1)
    )
    if query["cursor"]:
        try:
            after = present.decode_cursor(query["cursor"], (datetime, int))
        except present.BadCursor:
            bad_request(_("This cursor is not valid. Use next_cursor from the previous page."), field="cursor")
        statement = statement.where(
            sa.or_(Occurrence.start > after[0], sa.and_(Occurrence.start == after[0], Occurrence.id > after[1]))
        )
    rows = db.session.scalars(statement).all()
    more, rows = len(rows) > query["limit"], rows[: query["limit"]]
    return {
        "items": [present.session(row, staff=True) for row in rows],
        "next_cursor": present.encode_cursor(rows[-1].start, rows[-1].id) if more else None,
    }


@staff_api.post("/sessions/<int:session_id>/cancel")
@staff_api.auth_required(token_auth, roles=["write"])
@staff_api.input(schemas.ReasonIn, arg_name="body")
@staff_api.output(schemas.StaffSessionDetail)
@staff_api.doc(summary="Cancel one session", **WRITE)
def cancel_session(session_id: int, body: dict[str, Any]) -> dict[str, Any]:
    occurrence = authorized(Occurrence, session_id, permissions.can_edit_occurrence, user=current_staff())
    commit_or_problem(lambda: services.cancel_occurrence(occurrence, body["reason"]))
    return present.session(occurrence, staff=True)


@staff_api.post("/sessions/<int:session_id>/move")
@staff_api.auth_required(token_auth, roles=["write"])
@staff_api.input(schemas.MoveIn, arg_name="body")
@staff_api.output(schemas.StaffSessionDetail)
@staff_api.doc(summary="Move one session to another local time in the meeting's zone", **WRITE)
def move_session(session_id: int, body: dict[str, Any]) -> dict[str, Any]:
    occurrence = authorized(Occurrence, session_id, permissions.can_edit_occurrence, user=current_staff())
    start = body["start"].replace(second=0, microsecond=0)
    if start.tzinfo is not None:  # an instant: the wall-clock time it is in the meeting's zone
        start = start.astimezone(ZoneInfo(occurrence.series.timezone)).replace(tzinfo=None)
    commit_or_problem(lambda: services.move_occurrence(occurrence, start, body["duration_minutes"]))
    return present.session(occurrence, staff=True)


@staff_api.get("/sessions/<int:session_id>/roster")
@staff_api.auth_required(token_auth, roles=["read"])
@staff_api.output(schemas.RosterOut)
@staff_api.doc(summary="Who is coming to a session (names; addresses for organizers and counselors)", **READ)
def roster(session_id: int) -> dict[str, Any]:
    user = current_staff()
    occurrence = authorized(Occurrence, session_id, permissions.can_view_occurrence, user=user)
    level = participant_queries.roster_level(user, occurrence.series.group)
    lines = participant_queries.roster(occurrence, level)
    return {
        "session": present.session(occurrence, staff=True),
        "people": [
            {"display_name": line.display_name, "email": line.email, "seat": line.status, "attendance": None}
            for line in lines
        ],
    }


@staff_api.get("/sessions/<int:session_id>/attendance")
@staff_api.auth_required(token_auth, roles=["read"])
@staff_api.output(schemas.RosterOut)
@staff_api.doc(summary="A session's attendance list with each person's mark", **READ)
def attendance(session_id: int) -> dict[str, Any]:
    occurrence = authorized(Occurrence, session_id, access.can_run_session, user=current_staff())
    lines = attendance_lists([occurrence])[occurrence.id]
    return {
        "session": present.session(occurrence, staff=True),
        "people": [
            {"display_name": line.display_name, "email": None, "seat": line.seat_status, "attendance": line.attendance}
            for line in lines
        ],
    }
