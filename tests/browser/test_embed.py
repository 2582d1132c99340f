"""The embeddable schedule in a real browser: a page on an origin the organizer listed shows it in its frame (in
the visitor's zone, found by the embed's script); a page on any other origin gets a frame the browser refused."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from scheduler.extensions import db
from scheduler.meetings.models import Group
from tests.browser.conftest import LiveSite

pytestmark = pytest.mark.browser
SLUG = "dhaka-depression-circle"


def _host_page(site_url: str):  # type: ignore[no-untyped-def]
    """A stranger's website: one page with our schedule in an iframe."""

    @Request.application
    def app(request: Request) -> Response:
        return Response(
            f"<!doctype html><title>Our site</title><h1>Our site</h1>"
            f'<iframe id="schedule" src="{site_url}/embed/groups/{SLUG}?lang=en" width="600" height="400"></iframe>',
            mimetype="text/html",
        )

    return app


def _serve(app) -> tuple[str, object, threading.Thread]:  # type: ignore[no-untyped-def]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.port}", server, thread


@pytest.fixture
def two_sites(live_site: LiveSite) -> Iterator[tuple[str, str]]:
    """Two host sites on other origins; only the first is listed by the group's organizer."""
    allowed_url, allowed, allowed_thread = _serve(_host_page(live_site.url))
    other_url, other, other_thread = _serve(_host_page(live_site.url))
    with live_site.app.app_context():
        group = db.session.scalar(sa.select(Group).where(Group.slug == SLUG))
        group.embed_origins = allowed_url
        db.session.commit()
        db.session.remove()
    try:
        yield allowed_url, other_url
    finally:
        for server, thread in ((allowed, allowed_thread), (other, other_thread)):
            server.shutdown()  # type: ignore[attr-defined]
            thread.join(timeout=10)
            server.server_close()  # type: ignore[attr-defined]
        with live_site.app.app_context():
            group = db.session.scalar(sa.select(Group).where(Group.slug == SLUG))
            group.embed_origins = None
            db.session.commit()
            db.session.remove()


def test_a_listed_site_shows_the_schedule_and_another_site_cannot(live_site: LiveSite, two_sites, new_context):
    allowed_url, other_url = two_sites
    context = new_context(timezone_id="Asia/Dhaka")
    page = context.new_page()
    page.goto(allowed_url)
    frame = page.frame_locator("#schedule")
    expect(frame.get_by_role("link", name=live_site.public_title).first).to_be_visible()
    expect(frame.get_by_text("Times in Asia/Dhaka")).to_be_visible()  # the visitor's zone, from the browser
    link = frame.get_by_role("link", name=live_site.public_title).first
    assert link.get_attribute("target") == "_blank"

    refused: list[str] = []
    stranger = context.new_page()
    stranger.on("console", lambda message: refused.append(message.text))
    stranger.goto(other_url)
    expect(stranger.locator("h1")).to_have_text("Our site")
    stranger.wait_for_timeout(1500)
    child = next(f for f in stranger.frames if f != stranger.main_frame)
    assert live_site.public_title not in child.content()
    assert any("frame-ancestors" in text for text in refused), refused
