"""Every response carries the security headers a browser needs to protect the people using it."""

from __future__ import annotations

import re

import pytest

from scheduler import create_app
from scheduler.extensions import db
from tests.conftest import base_config, dispose_engines
from tests.factories import create_group

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=|javascript:", re.IGNORECASE)


def csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in policy.split("; ")}


@pytest.mark.parametrize("path", ["/", "/login", "/no-such-page", "/static/css/app.css"])
def test_public_pages_and_errors_carry_a_strict_policy(client, path):
    response = client.get(path)
    response.close()  # a static file is streamed from disk
    policy = csp(response)
    assert policy["script-src"] == "'self'" and "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'" and response.headers["X-Frame-Options"] == "DENY"
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # only in production, behind TLS


def test_personal_pages_send_no_referrer(client, app):
    response = client.get("/manage/not-a-real-token")
    assert response.status_code in (404, 410)
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_templates_hold_no_inline_script_or_handler(project_root):
    offenders = []
    for path in (project_root / "templates").rglob("*.html"):
        if "email" in path.parts:
            continue  # emails are not served as pages
        text = path.read_text()
        offenders += [f"{path.name}: inline <script>" for attrs in SCRIPT_TAG.findall(text) if "src=" not in attrs]
        offenders += [f"{path.name}: {match}" for match in INLINE_HANDLER.findall(text)]
    assert not offenders


def test_production_adds_hsts(database_url):
    config = base_config(database_url) | {"ENV_NAME": "production"}
    app = create_app(config)
    with app.app_context():
        db.create_all()
        response = app.test_client().get("/login")
        assert response.headers["Strict-Transport-Security"].startswith("max-age=63072000")
        db.session.remove()
        dispose_engines()


def test_the_group_page_can_be_framed_by_no_one(client, app):
    group = create_group(slug="framing-check")
    response = client.get(f"/groups/{group.slug}")
    assert response.status_code == 200
    assert csp(response)["frame-ancestors"] == "'none'"
