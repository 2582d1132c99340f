"""End-to-end flows in headless Chromium against the real server: organizer, visitor, bad input, phone layout."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from scheduler.extensions import db
from scheduler.meetings.models import Series
from tests.browser.conftest import LiveSite
from tests.browser.layout import assert_fits_the_screen
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DHAKA, AMSTERDAM = ZoneInfo("Asia/Dhaka"), ZoneInfo("Europe/Amsterdam")
TUESDAY = 1


def clock_text(moment: datetime) -> str:
    """'8:00 PM', as Babel writes en-US short times (the page may use a narrow no-break space)."""
    return f"{moment.hour % 12 or 12}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def clock_pattern(text: str, suffix: str = "") -> re.Pattern[str]:
    return re.compile(re.escape(text).replace(r"\ ", r"\s") + suffix)


def long_date(day: date) -> str:
    """'Tuesday, December 1, 2026': the en full date pattern."""
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


def next_tuesday(min_days_ahead: int = 2) -> date:
    day = datetime.now(DHAKA).date() + timedelta(days=min_days_ahead)
    return day + timedelta(days=(TUESDAY - day.weekday()) % 7)


def sign_in(page: Page, site: LiveSite) -> None:
    page.goto(f"{site.url}/login")
    page.get_by_label("Email").fill(site.organizer_email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{site.url}/organizer/")


def open_new_meeting_form(page: Page, site: LiveSite) -> None:
    page.get_by_role("link", name=site.group_name, exact=True).click()
    page.get_by_role("link", name="New meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New meeting")


def choose_zone(page: Page, zone: str) -> None:
    """Picks a zone in the select; a name not offered is added first, as a tampered form would send it."""
    page.locator("#timezone").evaluate(
        "(select, zone) => { if (![...select.options].some(o => o.value === zone)) select.add(new Option(zone, zone)); "
        "select.value = zone; }",
        zone,
    )


def fill_weekly_meeting(page: Page, title: str, first: date, *, zone: str = "Asia/Dhaka", interval: str = "1") -> None:
    page.locator("#title").fill(title)
    choose_zone(page, zone)
    page.locator("#start_date").fill(first.isoformat())
    page.locator("#start_time").fill("20:00")
    page.locator("#duration_minutes").fill("90")
    page.locator("#freq").select_option("weekly")
    page.locator("#interval").fill(interval)
    page.get_by_role("checkbox", name="Tuesday").check()
    page.get_by_role("radio", name="Never").check()
    page.get_by_role("radio", name="Published", exact=True).check()


def series_count(site: LiveSite, title: str) -> int:
    with site.app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Series).where(Series.title == title))
        db.session.remove()
    return int(count or 0)


def test_organizer_creates_a_weekly_meeting_on_a_phone(live_site: LiveSite, new_context) -> None:
    page = new_context(timezone_id="Asia/Dhaka", **PHONE).new_page()
    sign_in(page, live_site)
    open_new_meeting_form(page, live_site)
    first = next_tuesday()
    fill_weekly_meeting(page, "Tuesday evening group", first)

    preview = page.locator("section#preview ol > li")
    expect(preview).to_have_count(5)
    for n in range(5):
        expect(preview.nth(n)).to_contain_text(long_date(first + timedelta(weeks=n)))
        expect(preview.nth(n)).to_contain_text(clock_pattern("8:00 PM"))
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("section#preview").screenshot(path=ARTIFACTS / "meeting-form-preview-phone.png")

    page.get_by_role("button", name="Save meeting").click()
    expect(page).to_have_url(re.compile(r"/organizer/meetings/\d+$"))
    expect(page.locator(".flash-success")).to_have_text("The meeting is saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tuesday evening group")
    sessions = page.locator("table tbody tr")
    expect(sessions.first).to_contain_text(long_date(first))
    for n in range(5):
        expect(sessions.nth(n)).to_contain_text(clock_pattern("8:00 PM"))

    page.goto(f"{live_site.url}/")
    listed = page.locator(".meeting-list li", has=page.get_by_role("link", name="Tuesday evening group")).first
    expect(listed).to_contain_text(clock_pattern("8:00 PM"))
    expect(listed).to_contain_text(live_site.group_name)


def test_visitor_sees_times_in_the_guessed_then_detected_then_chosen_zone(live_site: LiveSite, new_context) -> None:
    context = new_context(timezone_id="Europe/Amsterdam", locale="en-US")
    page = context.new_page()
    page.goto(f"{live_site.url}/")
    # One load: the server guesses from the browser's language (en-US), app.js stores the detected zone in a cookie.
    expect(page.locator("#your-timezone")).to_have_value("America/New_York")
    assert {c["name"]: c["value"] for c in context.cookies()}.get("tz") == "Europe/Amsterdam"
    page.reload()
    expect(page.locator("#your-timezone")).to_have_value("Europe/Amsterdam")

    title = live_site.public_title
    day_section = page.locator("section", has=page.get_by_role("link", name=title)).first
    shown = datetime.strptime(f"{day_section.locator('h2').inner_text()} +0000", "%A, %B %d, %Y %z").date()
    amsterdam = datetime.combine(live_site.public_start, time(20, 0), tzinfo=DHAKA).astimezone(AMSTERDAM)
    assert shown == amsterdam.date()
    listed = day_section.locator("li", has=page.get_by_role("link", name=title))
    expect(listed).to_contain_text(clock_pattern(clock_text(amsterdam), r" \(your time\) · 8:00\sPM in Dhaka"))

    page.locator("#your-timezone").select_option("Asia/Jakarta")
    page.get_by_role("button", name="Use this time zone").click()
    expect(page.locator("#your-timezone")).to_have_value("Asia/Jakarta")
    listed = page.locator(".meeting-list li", has=page.get_by_role("link", name=title)).first
    expect(listed).to_contain_text(clock_pattern("9:00 PM", r" \(your time\) · 8:00\sPM in Dhaka"))

    page.reload()
    expect(page.locator("#your-timezone")).to_have_value("Asia/Jakarta")
    expect(listed).to_contain_text(clock_pattern("9:00 PM", r" \(your time\)"))
    expect(page.get_by_text("Times are shown in your time zone: Jakarta (Indonesia).")).to_be_visible()


@pytest.mark.parametrize(
    ("field", "bad", "message"),
    [
        ("interval", {"interval": "0"}, "The repeat interval must be between 1 and 365."),
        ("timezone", {"zone": "Mars/Olympus_Mons"}, "Choose a time zone from the list"),
    ],
)
def test_bad_meeting_input_is_shown_next_to_the_field(
    live_site: LiveSite, new_context, field: str, bad: dict[str, str], message: str
) -> None:
    page = new_context(timezone_id="Asia/Dhaka").new_page()
    sign_in(page, live_site)
    open_new_meeting_form(page, live_site)
    title = f"Broken meeting ({field})"
    fill_weekly_meeting(page, title, next_tuesday(), **bad)

    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/meetings/new")) as posted:
        page.get_by_role("button", name="Save meeting").click()
    assert posted.value.status == 400
    expect(page.locator("#form-errors")).to_be_visible()
    box = page.locator(".field.has-error", has=page.locator(f"#{field}"))
    expect(box.locator(f"#{field}-errors")).to_be_visible()
    expect(box.locator(f"#{field}-errors")).to_contain_text(message)
    expect(page.locator(f"#{field}")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#{field}")).to_have_attribute("aria-describedby", re.compile(rf"\b{field}-errors\b"))
    expect(page.locator("#title")).to_have_value(title)
    assert series_count(live_site, title) == 0


def test_public_schedule_fits_a_phone(live_site: LiveSite, new_context) -> None:
    page = new_context(timezone_id="Asia/Jakarta", **PHONE).new_page()
    page.goto(f"{live_site.url}/")
    page.reload()  # the zone the script detected on the first visit
    expect(page.locator("#your-timezone")).to_have_value("Asia/Jakarta")
    expect(page.get_by_role("link", name=live_site.public_title).first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "schedule-phone.png", full_page=True)
    page.screenshot(path=ARTIFACTS / "schedule-phone-top.png")
    assert_fits_the_screen(page)
