"""The counselor's attendance flow and the evaluation page in headless Chromium at a phone viewport (390×844).

The live server's clock is the real one, so the data are dated relative to now: a session that started ten minutes
ago, and a weekly meeting that has been running for twelve weeks. The groups are unlisted and have their own staff,
so the other browser tests do not see them. The evaluation page's screenshot goes to tests/browser/artifacts/.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from scheduler import clock
from scheduler.extensions import db
from scheduler.meetings.recurrence import RecurrenceRule
from tests.browser.conftest import LiveSite
from tests.browser.layout import assert_fits_the_screen
from tests.counseling.conftest import add_person, mark, sessions_of
from tests.factories import PASSWORD, create_group, create_series, create_user

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).parent / "artifacts"  # git-ignored; docs/evaluation.png is refreshed from here by hand
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.fixture(scope="module")
def counseling_site(live_site: LiveSite) -> dict[str, object]:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    with live_site.app.app_context():
        counselor = create_user("counselor", name="Dewi Counselor", timezone="Asia/Jakarta", language="en")
        organizer = create_user("organizer", name="Ayu Organizer", timezone="Asia/Jakarta", language="en")
        group = create_group(
            {counselor: "counselor", organizer: "organizer"}, slug="jakarta-cbt-live", name="Jakarta CBT group",
            timezone="Asia/Jakarta", language="en", topic="depression", visibility="unlisted",
        )  # fmt: skip
        start = (now - timedelta(minutes=10)).astimezone(JAKARTA)
        with clock.frozen_at(now - timedelta(days=1)):
            tonight = create_series(
                group, title="CBT week 3", kind="therapist_led", start_date=start.date(),
                start_time=start.time().replace(tzinfo=None), timezone="Asia/Jakarta", language="en",
                rule=RecurrenceRule("once"), host_id=counselor.id,
            )  # fmt: skip
        session = sessions_of(tonight)[0]
        for name in ("Sky", "Bintang", "Mawar"):
            add_person(tonight, [session], name)

        first = (now - timedelta(weeks=12)).astimezone(JAKARTA)
        with clock.frozen_at(now - timedelta(weeks=12, days=1)):
            weekly = create_series(
                group, title="Tuesday circle", start_date=first.date(), start_time=first.time().replace(tzinfo=None),
                timezone="Asia/Jakarta", language="en", host_id=counselor.id,
                rule=RecurrenceRule(freq="weekly", weekdays=(first.weekday(),)),
            )  # fmt: skip
        held = [o for o in sessions_of(weekly) if o.end < now][:12]
        regulars = [add_person(weekly, held, f"Regular {n}") for n in range(6)]
        newcomers = [add_person(weekly, held[6:], f"New {n}") for n in range(5)]
        for index, occurrence in enumerate(held):
            for n, person in enumerate(regulars):
                mark(occurrence, person, "present" if (index + n) % 4 else "absent")
            if index >= 6:
                for n, person in enumerate(newcomers):
                    mark(occurrence, person, "present" if index == 6 or (index + n) % 3 == 0 else "excused")
        data = {
            "counselor": counselor.email, "organizer": organizer.email, "group_id": group.id,
            "session_id": session.id, "series_title": tonight.title,
        }  # fmt: skip
        db.session.remove()
    return data


def sign_in(page: Page, site: LiveSite, email: str) -> None:
    page.goto(f"{site.url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{site.url}/organizer/")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_counselor_marks_attendance_on_a_phone(live_site, counseling_site, new_context, javascript):
    page = new_context(timezone_id="Asia/Jakarta", java_script_enabled=javascript, **PHONE).new_page()
    sign_in(page, live_site, counseling_site["counselor"])
    page.get_by_role("link", name="My sessions").click()
    card = page.locator("li", has_text=counseling_site["series_title"]).first
    expect(card).to_contain_text("Confirmed: 3")
    card.get_by_role("link", name="Attendance and messages").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(counseling_site["series_title"])
    assert_fits_the_screen(page)

    sky = page.get_by_role("group", name="Attendance of Sky")
    present = sky.get_by_role("button", name="Present")
    box = present.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 80  # one thumb, one tap
    present.tap()
    expect(sky.get_by_role("button", name="Present")).to_have_attribute("aria-pressed", "true")
    bintang = page.get_by_role("group", name="Attendance of Bintang")
    bintang.get_by_role("button", name="Absent").tap()
    expect(bintang.get_by_role("button", name="Absent")).to_have_attribute("aria-pressed", "true")
    bintang.get_by_role("button", name="Excused").tap()  # a correction
    expect(bintang.get_by_role("button", name="Excused")).to_have_attribute("aria-pressed", "true")
    expect(bintang.get_by_role("button", name="Absent")).to_have_attribute("aria-pressed", "false")

    page.reload()  # saved on the server, not only on the screen
    expect(page.get_by_role("group", name="Attendance of Sky").get_by_role("button", name="Present")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(
        page.get_by_role("group", name="Attendance of Bintang").get_by_role("button", name="Excused")
    ).to_have_attribute("aria-pressed", "true")
    page.screenshot(path=Path(__file__).parent / "artifacts" / f"attendance-phone-{'js' if javascript else 'nojs'}.png")


def test_evaluation_charts_on_a_phone(live_site, counseling_site, new_context):
    page = new_context(timezone_id="Asia/Jakarta", **PHONE).new_page()
    sign_in(page, live_site, counseling_site["organizer"])
    page.goto(f"{live_site.url}/counselor/")
    page.get_by_role("link", name="Evaluation").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluation of the group Jakarta CBT group")
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(3)
    for index in range(3):
        expect(charts.nth(index)).to_be_visible()
        box = charts.nth(index).bounding_box()
        assert box is not None and box["width"] <= 390 and box["height"] > 40
    expect(page.get_by_role("img", name="People present per week")).to_be_visible()
    summary = page.get_by_role("table").first

    def row(name: str):
        return summary.locator("tr").filter(has=page.get_by_role("rowheader", name=name, exact=True))

    expect(row("Sessions held")).to_contain_text("12")
    expect(row("New participants")).to_contain_text("11")  # everyone started within the last three months
    expect(row("Returning participants")).to_contain_text("fewer than 5")
    assert_fits_the_screen(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "evaluation.png", full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    assert download.value.suggested_filename.startswith(f"evaluation-group-{counseling_site['group_id']}-")

    page.get_by_label("First day of the period").fill("2020-01-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Choose a period of at most three years.")).to_be_visible()
