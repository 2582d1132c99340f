"""Fixtures for the browser tests: the real app served over HTTP in a thread, and headless Chromium.

The server's clock cannot be frozen safely from another thread, so the seeded data is dated relative
to the real now. Everything is session-scoped except the browser contexts, which each test opens fresh.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, sync_playwright
from werkzeug.serving import make_server

from scheduler import create_app
from scheduler.extensions import db
from scheduler.meetings.recurrence import RecurrenceRule
from tests.conftest import base_config, in_ci
from tests.factories import create_group, create_series, create_user

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEFAULT_TIMEOUT_MS = 10_000
# A channel whose settings are present (so the pages offering phone reminders and the administrators' test page are
# drawn) but whose API is a closed local port: nothing can leave the machine.
FAKE_CHANNEL = {
    "TELEGRAM_BOT_TOKEN": "browser-test-token",
    "TELEGRAM_BOT_USERNAME": "support_meetings_test_bot",
    "TELEGRAM_API_BASE": "http://127.0.0.1:9",
}


@dataclass(frozen=True)
class LiveSite:
    url: str
    app: Flask
    organizer_email: str
    group_name: str
    public_title: str
    public_start: date


def _seed() -> dict[str, Any]:
    organizer = create_user("organizer", name="Rahima Organizer", timezone="Asia/Dhaka", language="en")
    group = create_group(
        {organizer: "organizer"},
        slug="dhaka-evening-recovery",
        name="Dhaka evening recovery",
        timezone="Asia/Dhaka",
        language="bn",
        topic="addiction",
    )
    depression = create_group(
        slug="dhaka-depression-circle",
        name="Dhaka depression circle",
        timezone="Asia/Dhaka",
        language="en",
        topic="depression",
    )
    public_start = datetime.now(UTC).date() + timedelta(days=3)
    series = create_series(
        depression,
        title="Evening depression circle",
        start_date=public_start,
        start_time=time(20, 0),
        timezone="Asia/Dhaka",
        language="en",
        rule=RecurrenceRule(freq="weekly", weekdays=(public_start.weekday(),)),
    )
    return {
        "organizer_email": organizer.email,
        "group_name": group.name,
        "public_title": series.title,
        "public_start": public_start,
    }


@pytest.fixture(scope="session")
def live_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSite]:
    """The real application (CSRF on) on a temporary SQLite file, served on a free local port."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'live.sqlite3'}"
    app = create_app(base_config(url) | {"WTF_CSRF_ENABLED": True} | FAKE_CHANNEL)
    with app.app_context():
        db.create_all()
        seeded = _seed()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveSite(url=f"http://127.0.0.1:{server.port}", app=app, **seeded)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if in_ci():
            pytest.fail(f"{reason}; browser tests must run in CI")
        pytest.skip(reason)
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Opens fresh browser contexts (own cookies, zone, viewport) and closes them after the test."""
    opened: list[BrowserContext] = []

    def open_context(**options: Any) -> BrowserContext:
        context = browser.new_context(**({"locale": "en-US"} | options))
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        opened.append(context)
        return context

    yield open_context
    for context in reversed(opened):
        context.close()
