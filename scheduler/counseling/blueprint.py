"""The routing table of the counseling blueprint, kept apart from the handlers."""

from __future__ import annotations

from flask import Blueprint

from scheduler.counseling import evaluation_views, views
from scheduler.web import private_headers

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
for rule, handler, methods in _STAFF:
    counseling_bp.add_url_rule(rule, view_func=handler, methods=methods)

counseling_bp.after_request(private_headers)  # counselors' pages name participants: not cached, no Referer
