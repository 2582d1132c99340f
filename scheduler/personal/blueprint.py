"""The routing table of the personal pages, kept apart from the handlers.

Token paths start with /rsvp/confirm/, /manage/, /j/ or /feed/ so the log filter redacts them. A bad, expired or
used link is answered by the one LinkError handler (`scheduler.errors`).
"""

from __future__ import annotations

from flask import Blueprint

from scheduler.personal import calendar_links, channels, feeds, settings, views
from scheduler.web import private_headers

personal_bp = Blueprint("personal", __name__)

_ROUTES = [
    ("/rsvp/confirm/<token>", views.confirm, ["GET", "POST"]),
    ("/manage/<token>", views.manage, ["GET"]),
    ("/manage/<token>/profile", views.profile, ["POST"]),
    ("/manage/<token>/seats/<int:seat_id>", views.seat_action, ["POST"]),
    ("/manage/<token>/sessions/<int:occurrence_id>", views.add_session, ["POST"]),
    ("/manage/<token>/meetings/<int:rsvp_id>/all", views.join_all, ["POST"]),
    ("/manage/<token>/meetings/<int:rsvp_id>/leave", views.leave, ["GET", "POST"]),
    ("/manage/<token>/meetings/<int:rsvp_id>/join", views.manage_join, ["GET"]),
    ("/manage/<token>/meetings/<int:rsvp_id>/reminders", settings.reminders, ["POST"]),
    ("/manage/<token>/streak", settings.streak, ["POST"]),
    ("/manage/<token>/calendar", views.calendar, ["POST"]),
    ("/manage/<token>/erase", views.erase, ["GET", "POST"]),
    ("/manage/<token>/feed", feeds.create_feed, ["POST"]),
    ("/manage/<token>/channels/<channel>/start", channels.start, ["POST"]),
    ("/manage/<token>/channels/<channel>/verify", channels.verify, ["POST"]),
    ("/manage/<token>/channels/<channel>/only", channels.only, ["POST"]),
    ("/manage/<token>/channels/<channel>/stop", channels.stop, ["POST"]),
    ("/manage/<token>/feed/revoke", feeds.revoke_feeds, ["POST"]),
    ("/j/<token>", views.join, ["GET"]),
    ("/feed/<token>.ics", feeds.personal_feed, ["GET"]),
    ("/feed/<token>/join/<int:rsvp_id>", feeds.feed_join, ["GET"]),
]

for rule, handler, methods in _ROUTES:
    personal_bp.add_url_rule(rule, view_func=handler, methods=methods)

personal_bp.after_request(private_headers)
personal_bp.add_app_template_global(calendar_links.signed_up_calendar_links)
