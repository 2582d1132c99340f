"""Signing up through the API: exactly the form's rules (`participants/signup.py`: double opt-in by email, the
per-address limit) and its per-IP limit (RSVP_RATE_LIMIT). The answer is the same whether or not the address is
known, already signed up, over its limit or removed: 202 "check your inbox"."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask import abort
from flask_babel import gettext as _

from scheduler.api import reads, schemas
from scheduler.api.errors import commit_or_problem
from scheduler.participants import signup
from scheduler.participants.inputs import RsvpInput
from scheduler.participants.views import rsvp_posts

rsvp_api = APIBlueprint("api_rsvps", __name__, url_prefix="/api/v1", tag="Participants")


@rsvp_api.post("/meetings/<int:meeting_id>/rsvps")
@rsvp_posts
@rsvp_api.input(schemas.RsvpIn, arg_name="body")
@rsvp_api.output(schemas.RsvpAccepted, status_code=202)
@rsvp_api.doc(
    summary="Sign up for a meeting",
    description="Sends a confirmation link to the address; nothing happens until it is followed. The answer is "
    "the same for every address. Limited per IP address like the sign-up form.",
    responses=[400, 404, 429],
)
def create_rsvp(meeting_id: int, body: dict[str, Any]) -> dict[str, Any]:
    series = reads.meeting(meeting_id)
    if series is None:
        abort(404)
    data = RsvpInput(
        email=body["email"],
        display_name=body["display_name"],
        timezone=body["timezone"].strip(),
        language=body["language"],
        scope=body["scope"],
        occurrence_id=body["session_id"],
        note=body["note"],
        question=body["question"],
    )
    commit_or_problem(lambda: signup.request_rsvp(series, data), {"occurrence_id": "session_id"})
    return {"status": "check_your_inbox", "detail": _("Check your inbox: we sent a link to confirm.")}
