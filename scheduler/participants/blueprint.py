"""The routing table of the participants blueprint, kept apart from the handlers: signing up, and the staff pages
about the people of a meeting. The pages behind a personal link are in `scheduler/personal/`."""

from __future__ import annotations

from flask import Blueprint

from scheduler.participants import staff_views, views

participants_bp = Blueprint("participants", __name__)

_ROUTES = [
    ("/meetings/<int:series_id>/rsvp", views.rsvp, ["GET", "POST"]),
    ("/meetings/<int:series_id>/rsvp/sent", views.rsvp_sent, ["GET"]),
    ("/organizer/meetings/<int:series_id>/people", staff_views.series_people, ["GET"]),
    ("/organizer/occurrences/<int:occurrence_id>/people", staff_views.occurrence_people, ["GET"]),
    ("/organizer/rsvps/<int:rsvp_id>/<action>", staff_views.rsvp_action, ["POST"]),
]

for rule, handler, methods in _ROUTES:
    participants_bp.add_url_rule(rule, view_func=handler, methods=methods)
