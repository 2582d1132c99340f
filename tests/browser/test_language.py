"""Switching language on the public schedule changes the page, and the choice sticks."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveSite

pytestmark = pytest.mark.browser


def test_switching_language_changes_the_page_and_sticks(live_site: LiveSite, new_context) -> None:
    context = new_context(timezone_id="Europe/Amsterdam", locale="en-US")
    page = context.new_page()
    page.goto(f"{live_site.url}/")
    expect(page.locator("h1")).to_have_text("Upcoming meetings")
    assert page.locator("html").get_attribute("lang") == "en"

    page.get_by_role("navigation", name="Language").get_by_role("link", name="Nederlands").click()
    expect(page.locator("h1")).to_have_text("Komende bijeenkomsten")
    assert page.locator("html").get_attribute("lang") == "nl"
    listed = page.locator(".meeting-list")
    expect(listed.get_by_text(re.compile(r"\b\d{2}:\d{2}\b")).first).to_be_visible()  # 24-hour clock in Dutch

    page.reload()
    expect(page.locator("h1")).to_have_text("Komende bijeenkomsten")
    page.get_by_role("link", name=live_site.public_title).first.click()
    assert page.locator("html").get_attribute("lang") == "nl"  # the choice follows the visitor to other pages

    page.get_by_role("navigation", name="Taal").get_by_role("link", name="বাংলা").click()
    assert page.locator("html").get_attribute("lang") == "bn"
    page.goto(f"{live_site.url}/")
    expect(page.locator("h1")).to_have_text("আসন্ন সভা")
