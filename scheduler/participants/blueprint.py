"""The routing table of the participants blueprint, kept apart from the handlers.

Token paths start with /rsvp/confirm/, /manage/, /j/ or /feed/ so the log filter redacts them.
"""

from __future__ import annotations

from flask import Blueprint

from scheduler.participants import feed_views, queries, staff_views, views
from scheduler.participants.links import LinkError

participants_bp = Blueprint("participants", __name__)

_PERSONAL = [
    ("/meetings/<int:series_id>/rsvp", views.rsvp, ["GET", "POST"]),
    ("/meetings/<int:series_id>/rsvp/sent", views.rsvp_sent, ["GET"]),
    ("/rsvp/confirm/<token>", views.confirm, ["GET", "POST"]),
    ("/manage/<token>", views.manage, ["GET"]),
    ("/manage/<token>/profile", views.profile, ["POST"]),
    ("/manage/<token>/seats/<int:seat_id>", views.seat_action, ["POST"]),
    ("/manage/<token>/sessions/<int:occurrence_id>", views.add_session, ["POST"]),
    ("/manage/<token>/meetings/<int:rsvp_id>/all", views.join_all, ["POST"]),
    ("/manage/<token>/meetings/<int:rsvp_id>/leave", views.leave, ["GET", "POST"]),
    ("/manage/<token>/meetings/<int:rsvp_id>/join", views.manage_join, ["GET"]),
    ("/manage/<token>/calendar", views.calendar, ["POST"]),
    ("/manage/<token>/erase", views.erase, ["GET", "POST"]),
    ("/j/<token>", views.join, ["GET"]),
    ("/manage/<token>/feed", feed_views.create_feed, ["POST"]),
    ("/manage/<token>/feed/revoke", feed_views.revoke_feeds, ["POST"]),
    ("/feed/<token>.ics", feed_views.personal_feed, ["GET"]),
    ("/feed/<token>/join/<int:rsvp_id>", feed_views.feed_join, ["GET"]),
]
_STAFF = [
    ("/organizer/meetings/<int:series_id>/people", staff_views.series_people, ["GET"]),
    ("/organizer/occurrences/<int:occurrence_id>/people", staff_views.occurrence_people, ["GET"]),
    ("/organizer/rsvps/<int:rsvp_id>/<action>", staff_views.rsvp_action, ["POST"]),
]

for rule, handler, methods in _PERSONAL + _STAFF:
    participants_bp.add_url_rule(rule, view_func=handler, methods=methods)

participants_bp.register_error_handler(LinkError, views.link_problem)
participants_bp.after_request(views.private_headers)
participants_bp.add_app_template_global(queries.counts, "participant_counts")
