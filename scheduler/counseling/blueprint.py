"""The routing table of the counseling blueprint, kept apart from the handlers."""

from __future__ import annotations

from flask import Blueprint

from scheduler.counseling import evaluation_views, participant_views, streaks, views
from scheduler.participants import views as participant_pages
from scheduler.participants.links import LinkError

counseling_bp = Blueprint("counseling", __name__)

_STAFF = [
    ("/counselor/", views.dashboard, ["GET"]),
    ("/counselor/sessions/<int:occurrence_id>", views.session, ["GET"]),
    ("/counselor/sessions/<int:occurrence_id>/attendance/<int:participant_id>", views.mark, ["POST"]),
    ("/counselor/sessions/<int:occurrence_id>/message", views.message, ["POST"]),
    ("/counselor/sessions/<int:occurrence_id>/host", views.host, ["POST"]),
    ("/counselor/sessions/<int:occurrence_id>/cover", views.cover, ["GET", "POST"]),
    ("/counselor/meetings/<int:series_id>/topics", views.topics, ["GET", "POST"]),
    ("/counselor/evaluation/groups/<int:group_id>", evaluation_views.group_page, ["GET"]),
    ("/counselor/evaluation/groups/<int:group_id>.csv", evaluation_views.group_csv, ["GET"]),
    ("/counselor/evaluation/meetings/<int:series_id>", evaluation_views.meeting_page, ["GET"]),
    ("/counselor/evaluation/meetings/<int:series_id>.csv", evaluation_views.meeting_csv, ["GET"]),
]
_PERSONAL = [
    ("/manage/<token>/streak", participant_views.streak, ["POST"]),
]

for rule, handler, methods in _STAFF + _PERSONAL:
    counseling_bp.add_url_rule(rule, view_func=handler, methods=methods)

counseling_bp.register_error_handler(LinkError, participant_pages.link_problem)
counseling_bp.after_request(participant_pages.private_headers)
counseling_bp.add_app_template_global(streaks.for_manage_page, "my_attendance")
