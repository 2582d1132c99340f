"""The participant's whole journey in headless Chromium against the real server (CSRF on, real clock):
sign up → confirmation email (read from the outbox table) → confirm → manage → personal join link.

The live server and Chromium settings come from tests/browser/conftest.py. Playwright's sync API allows one
instance per thread and the browser tests keep theirs open for the whole session, so this flow drives its own
Chromium from a thread of its own.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect, sync_playwright

from scheduler.extensions import db
from scheduler.meetings.recurrence import RecurrenceRule
from scheduler.notifications import outbox
from scheduler.notifications.models import OutboxMessage
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DEFAULT_TIMEOUT_MS, LiveSite, live_site  # noqa: F401
from tests.conftest import in_ci
from tests.factories import create_group, create_series
from tests.participants.conftest import LINK

pytestmark = pytest.mark.browser
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def starting_soon(site: LiveSite) -> tuple[int, str]:
    """A one-off meeting with its own video link, starting in five minutes (so the join link is open)."""
    room = f"{site.url}/?room=e2e-{datetime.now(UTC):%H%M%S%f}"
    start = (datetime.now(AMSTERDAM) + timedelta(minutes=5)).replace(second=0, microsecond=0)
    with site.app.app_context():
        group = create_group(slug=f"e2e-{start:%H%M%S%f}", timezone="Europe/Amsterdam", language="en")
        series = create_series(
            group,
            title="Late night check-in",
            start_date=start.date(),
            start_time=start.time(),
            rule=RecurrenceRule("once"),
            language="en",
            capacity=12,
            video_provider="custom",
            video_custom_url=room,
        )
        series_id = series.id
        db.session.remove()
    return series_id, room


def latest_link(site: LiveSite, email: str, kind: str, purpose: str) -> str:
    with site.app.app_context():
        row = db.session.scalar(
            sa.select(OutboxMessage)
            .where(OutboxMessage.recipient_email == email, OutboxMessage.kind == kind)
            .order_by(OutboxMessage.id.desc())
        )
        if row is not None and row.render_args is not None:  # what the email job does before sending
            outbox.render_pending([row])
            db.session.commit()
        body = row.body_text if row is not None else None
        db.session.remove()
    assert body, f"no {kind} email"
    match = next(m for m in LINK.finditer(body) if m.group(1) == purpose)
    return f"{site.url}/{purpose}/{match.group(2)}"


def in_own_chromium(flow: Callable[[Page], None]) -> None:
    if not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if in_ci():
            pytest.fail(f"{reason}; browser tests must run in CI")
        pytest.skip(reason)
    failures: list[BaseException] = []

    def run() -> None:
        try:
            with sync_playwright() as playwright:
                chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
                try:
                    context = chromium.new_context(
                        locale="en-US", timezone_id="Europe/Amsterdam", viewport={"width": 390, "height": 844}
                    )
                    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
                    flow(context.new_page())
                    context.close()
                finally:
                    chromium.close()
        except BaseException as error:  # handed to the test's own thread below
            failures.append(error)

    thread = threading.Thread(target=run, name="participant-flow")
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive(), "the browser flow did not finish in time"
    if failures:
        raise failures[0]


def test_sign_up_confirm_manage_and_join(live_site: LiveSite) -> None:  # noqa: F811
    series_id, room = starting_soon(live_site)
    email = f"sky-{datetime.now(UTC):%H%M%S%f}@example.org"

    def flow(page: Page) -> None:
        page.goto(f"{live_site.url}/meetings/{series_id}")
        page.get_by_role("link", name="Sign up").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign up for Late night check-in")
        expect(page.get_by_label("Your time zone")).to_have_value("Europe/Amsterdam")  # detected by the browser
        page.get_by_label("Email", exact=True).fill(email)
        page.get_by_label("Your name as others will see it").fill("Sky")
        page.get_by_role("button", name="Send me the confirmation link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")

        page.goto(latest_link(live_site, email, "rsvp_confirm", "rsvp/confirm"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your place")
        page.get_by_role("button", name="Yes, confirm").click()
        expect(page).to_have_url(re.compile(r"/manage/[A-Za-z0-9_-]{43}$"))
        expect(page.locator(".flash-success")).to_contain_text("You are in")
        expect(page.get_by_role("heading", level=1)).to_have_text("Hello Sky")
        expect(page.get_by_text("You have a seat.")).to_be_visible()

        page.get_by_role("link", name="Join the meeting").click()  # the manage page's join button
        expect(page).to_have_url(room)

        page.goto(latest_link(live_site, email, "rsvp_welcome", "j"))  # the personal link from the email
        expect(page).to_have_url(room)

    in_own_chromium(flow)
