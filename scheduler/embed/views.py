"""The embeddable schedule: `/embed/groups/<slug>` (one group) and `/embed/groups` (every public group), light
pages meant for an <iframe>, in the visitor's language and zone, linking to our sign-up page in a new tab. Only
the origins a group's organizer lists may frame them (`frame-ancestors`); with none listed, nobody may. The same
lists as bare HTML fragments (`/embed/fragment/...`) for a server-side include, without any script."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, abort, g, render_template, request
from werkzeug.wrappers import Response

from scheduler import clock
from scheduler.api import reads
from scheduler.extensions import db
from scheduler.i18n import viewer_timezone
from scheduler.locales import LANGUAGE_NAMES, is_valid_zone
from scheduler.meetings import embed_origins
from scheduler.meetings.models import Group, Visibility
from scheduler.participants.links import absolute_url
from scheduler.security_headers import content_security_policy
from scheduler.web import speak

embed_bp = Blueprint("embed", __name__, url_prefix="/embed")

DAYS = 30
SESSIONS = 20


def _visitor() -> str:
    """The zone to show: `?tz=` (the embed's script adds the browser's), else the visitor's usual one.
    `?lang=` picks the language the same way; otherwise the browser's languages decide."""
    lang = request.args.get("lang", "")
    if lang in LANGUAGE_NAMES:
        speak(lang)
    zone = request.args.get("tz", "")
    return zone if is_valid_zone(zone) else viewer_timezone()


def _sessions(group: Group | None) -> list:
    now = clock.now()
    rows, _more = reads.sessions(group, now - timedelta(hours=2), now + timedelta(days=DAYS), None, SESSIONS)
    return [row for row in rows if row.end > now]


def _render(template: str, group: Group | None, *, fragment: bool) -> str:
    zone = _visitor()
    if group is not None:
        g.group_language = group.language
    return render_template(
        template,
        group=group,
        sessions=_sessions(group),
        zone=zone,
        zone_known=zone == request.args.get("tz", ""),
        fragment=fragment,
        absolute_url=absolute_url,
    )


def _framed(body: str, origins: list[str]) -> Response:
    response = Response(body, mimetype="text/html")
    response.headers["Content-Security-Policy"] = content_security_policy(
        frame_ancestors=embed_origins.frame_ancestors(origins)
    )
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Accept-Language")
    return response


def _group(slug: str) -> Group:
    group = reads.group(slug)
    if group is None:
        abort(404)
    return group


def all_origins() -> list[str]:
    """Any public group's organizer may show the whole schedule on the sites they list."""
    rows = db.session.scalars(
        sa.select(Group.embed_origins).where(Group.visibility == Visibility.PUBLIC, Group.embed_origins.is_not(None))
    )
    return [origin for text in rows for origin in embed_origins.stored(text)]


def group_page(slug: str) -> Response:
    group = _group(slug)
    return _framed(_render("embed/page.html", group, fragment=False), embed_origins.stored(group.embed_origins))


def all_page() -> Response:
    return _framed(_render("embed/page.html", None, fragment=False), all_origins())


def _fragment(body: str) -> Response:
    response = Response(body, mimetype="text/html")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.vary.add("Accept-Language")
    return response


def group_fragment(slug: str) -> Response:
    return _fragment(_render("embed/_list.html", _group(slug), fragment=True))


def all_fragment() -> Response:
    return _fragment(_render("embed/_list.html", None, fragment=True))


_ROUTES = [
    ("/groups/<slug>", group_page),
    ("/groups", all_page),
    ("/fragment/groups/<slug>", group_fragment),
    ("/fragment/groups", all_fragment),
]

for rule, handler in _ROUTES:
    embed_bp.add_url_rule(rule, view_func=handler, methods=["GET"])
