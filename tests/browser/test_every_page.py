"""Every page a person can reach, on a 390×844 phone in English and in Bengali (long words, another script): none
scrolls sideways or cuts anything off, and axe-core finds nothing serious or critical. A few pages at desktop size.

The participant pages are reached the way a person reaches them: a sign-up with JavaScript off (the zone select
is pre-filled from the browser's languages), the link from the confirmation email, the manage page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from scheduler.auth import api_tokens
from scheduler.extensions import db
from scheduler.meetings import services
from scheduler.meetings.models import Occurrence, Series
from scheduler.meetings.recurrence import RecurrenceRule
from scheduler.participants import allocation, links
from scheduler.participants.models import Participant, Rsvp, RsvpStatus
from scheduler.participants.tokens import Purpose
from tests.browser.conftest import LiveSite
from tests.browser.layout import assert_fits_the_screen
from tests.factories import PASSWORD, create_group, create_series, create_user
from tests.participants.conftest import last_mail

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"  # git-ignored
AXE = Path(__file__).resolve().parents[1] / "js" / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
DHAKA = ZoneInfo("Asia/Dhaka")
LANGUAGES = ("en", "bn")
TITLE = "Evening support circle for families and friends of people in recovery"


@dataclass(frozen=True)
class Walk:
    admin: str
    counselor: str
    series_id: int
    group_id: int
    occurrence_id: int
    slug: str
    closed_id: int
    cancelled_id: int


@pytest.fixture(scope="module")
def walk(live_site: LiveSite) -> Walk:
    """An unlisted group (the other browser tests do not see it) with a long-titled weekly meeting, one session
    cancelled with a reason and one moved, so every state is drawn."""
    with live_site.app.app_context():
        admin = create_user("admin", name="Amina Rahman Chowdhury", timezone="Asia/Dhaka", language="en")
        counselor = create_user("counselor", name="Farhana Sultana Begum", timezone="Asia/Dhaka", language="en")
        group = create_group(
            {admin: "organizer", counselor: "counselor"}, slug="narayanganj-family-circle",
            name="Narayanganj family and friends support circle", timezone="Asia/Dhaka", language="bn",
            topic="family", visibility="unlisted",
            description="For the families and friends of people in recovery. Come as you are; listening is enough.",
        )  # fmt: skip
        first = datetime.now(DHAKA).date() + timedelta(days=2)
        series = create_series(
            group, title=TITLE, kind="family", start_date=first, start_time=time(20, 0), timezone="Asia/Dhaka",
            language="bn", capacity=12, host_id=counselor.id,
            rule=RecurrenceRule(freq="weekly", weekdays=(first.weekday(),)),
        )  # fmt: skip
        sessions = list(
            db.session.scalars(
                sa.select(Occurrence).where(Occurrence.series_id == series.id).order_by(Occurrence.start).limit(4)
            )
        )
        closed = create_series(
            group, title="Closed circle for partners: please tell the host a little about yourself",
            start_date=first, start_time=time(19, 0), timezone="Asia/Dhaka", language="bn", access="closed",
            host_id=counselor.id, rule=RecurrenceRule("once"),
        )  # fmt: skip
        people(series, closed)
        cancelled = create_series(
            group, title="Saturday morning walk and talk (cancelled a moment ago, can still be restored)",
            start_date=first, start_time=time(8, 0), timezone="Asia/Dhaka", language="bn",
            rule=RecurrenceRule(freq="weekly", weekdays=(first.weekday(),)),
        )  # fmt: skip
        services.cancel_series(cancelled, "The park is closed for repairs until the rains are over")
        api_tokens.create(admin, "Community website calendar sync (read only)", "read")
        services.cancel_occurrence(sessions[2], "Public holiday (Victory Day): the community hall is closed")
        moved_day = sessions[3].start.astimezone(DHAKA).date()
        services.move_occurrence(sessions[3], datetime.combine(moved_day, time(21, 30)))
        db.session.commit()
        found = Walk(
            admin.email, counselor.email, series.id, group.id, sessions[0].id, group.slug, closed.id, cancelled.id
        )
        db.session.remove()
    return found


def people(series: Series, closed: Series) -> None:
    """Someone signed up for the weekly meeting (to remove) and someone asking to join the closed one (to decline):
    the staff walk asks, confirms and undoes both, in each language."""
    for email, name, meeting, status in (
        ("nasreen-walk@example.org", "Nasreen Akter Shathi", series, RsvpStatus.ACTIVE),
        ("tanvir-walk@example.org", "Tanvir Hasan Chowdhury", closed, RsvpStatus.AWAITING_APPROVAL),
    ):
        person = Participant(email=email, display_name=name, timezone="Asia/Dhaka", language="bn")
        rsvp = Rsvp(participant=person, series_id=meeting.id, status=status)
        db.session.add_all([person, rsvp])
        db.session.flush()
        if status == RsvpStatus.ACTIVE:
            allocation.allocate(rsvp)


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed at {AXE} (make setup runs npm ci in tests/js)")
    return AXE.read_text()


def sign_up_without_javascript(site: LiveSite, context_factory, walk: Walk, lang: str) -> str:
    """Signs up with JavaScript off and a browser that speaks `lang`; returns the confirmation link."""
    accept = {"en": "en-GB,en;q=0.8", "bn": "bn-BD,bn;q=0.9"}[lang]
    context = context_factory(
        java_script_enabled=False, locale=accept.split(",")[0], extra_http_headers={"Accept-Language": accept}, **PHONE
    )
    page = context.new_page()
    page.goto(f"{site.url}/meetings/{walk.series_id}/rsvp")
    zone = page.locator("#timezone")
    expected = {"en": "Europe/London", "bn": "Asia/Dhaka"}[lang]
    expect(zone).to_have_value(expected)  # guessed from the browser's languages: nothing to type
    assert page.locator("#timezone option:checked").inner_text().split(" — ")[0] in {
        "London (United Kingdom)",
        "ঢাকা (বাংলাদেশ)",
    }
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"sign-up-phone-{lang}.png", full_page=True)
    email = f"walk-{lang}@example.org"
    page.locator("#email").fill(email)
    page.locator("#display_name").fill({"en": "Sky", "bn": "আকাশ"}[lang])
    page.locator("#language").select_option(lang)
    page.locator("main form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/rsvp/sent$"))
    with site.app.app_context():
        path = last_mail(email, "rsvp_confirm").link("rsvp/confirm")
        participant = db.session.scalars(sa.select(Participant).where(Participant.email == email)).one()
        assert participant.timezone == expected and participant.language == lang
        db.session.remove()
    return path


def personal_pages(site: LiveSite, page: Page, confirm_path: str, lang: str) -> Iterator[str]:
    """The confirmation page, then (after pressing its button) the manage page and the pages it links to."""
    yield confirm_path
    page.goto(site.url + confirm_path)
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/manage/"))
    manage = page.url.removeprefix(site.url)
    yield manage
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    for href in dict.fromkeys(hrefs):
        if re.search(r"/(leave|erase|join)$", href):
            yield href
    with site.app.app_context():
        rsvp = db.session.scalars(
            sa.select(Rsvp).join(Participant).where(Participant.email == f"walk-{lang}@example.org")
        ).one()
        secret = links.issue(Purpose.UNSUBSCRIBE, rsvp.participant, rsvp)
        db.session.commit()
        db.session.remove()
    yield f"/unsubscribe/{secret}"


def staff_pages(walk: Walk) -> list[str]:
    s, g, o = walk.series_id, walk.group_id, walk.occurrence_id
    return [
        "/organizer/", f"/organizer/groups/{g}", f"/organizer/groups/{g}/edit", "/organizer/groups/new",
        f"/organizer/groups/{g}/meetings/new", f"/organizer/meetings/{s}", f"/organizer/meetings/{s}/edit",
        f"/organizer/meetings/{s}/cancel", f"/organizer/meetings/{s}/people", f"/organizer/occurrences/{o}/move",
        f"/organizer/occurrences/{o}/cancel", f"/organizer/occurrences/{o}/change-following",
        f"/organizer/occurrences/{o}/people", "/settings", "/staff/", "/channels/test",
        f"/organizer/meetings/{walk.closed_id}/people", f"/organizer/meetings/{walk.cancelled_id}",
    ]  # fmt: skip


def counselor_pages(walk: Walk) -> list[str]:
    s, g, o = walk.series_id, walk.group_id, walk.occurrence_id
    return [
        "/counselor/", f"/counselor/sessions/{o}", f"/counselor/sessions/{o}/cover", f"/counselor/meetings/{s}/topics",
        f"/counselor/evaluation/groups/{g}", f"/counselor/evaluation/meetings/{s}",
        f"/organizer/occurrences/{o}/people", f"/organizer/meetings/{s}/people",
    ]  # fmt: skip


def public_pages(walk: Walk) -> list[str]:
    return [
        "/", f"/meetings/{walk.series_id}", f"/groups/{walk.slug}", f"/meetings/{walk.series_id}/rsvp",
        f"/meetings/{walk.series_id}/rsvp/sent", "/login", "/nowhere-404", "/events", "/events?q=evening",
        "/events?q=nothing-matches-this", "/now",
    ]  # fmt: skip


def embed_pages(lang: str) -> list[str]:
    """The embeddable schedule (of a public group, and of every group) in the language the host site asks for."""
    return [f"/embed/groups/dhaka-depression-circle?lang={lang}", f"/embed/groups?lang={lang}"]


def sign_in(page: Page, site: LiveSite, email: str) -> None:
    page.goto(f"{site.url}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/organizer/$"))


def axe_problems(page: Page, source: str) -> list[str]:
    page.evaluate(source)
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        f"{v['id']} ({v['impact']}): {json.dumps([n['target'] for n in v['nodes']][:3])}"
        for v in found
        if v["impact"] in {"serious", "critical"}
    ]


class Checker:
    """Visits pages and collects every problem, so one run reports them all."""

    def __init__(self, site: LiveSite, page: Page, axe: str, lang: str) -> None:
        self.site, self.page, self.axe, self.lang = site, page, axe, lang
        self.problems: list[str] = []
        self.seen = 0

    def check(self, path: str, *, accessible: bool = True) -> None:
        response = self.page.goto(self.site.url + path)
        assert response is not None and response.status < 500, f"{path}: {response and response.status}"
        self.check_shown(path, accessible=accessible)

    def check_shown(self, path: str, *, accessible: bool = True) -> None:
        """The page now shown (reached by pressing a button, e.g. a confirmation after a POST)."""
        shown = self.page.locator("html").get_attribute("lang")
        if shown != self.lang:
            self.problems.append(f"{path} [{self.lang}]: shown in {shown}")
        self.seen += 1
        try:
            assert_fits_the_screen(self.page)
        except AssertionError as error:
            self.problems.append(f"{path} [{self.lang}]: {error}")
        if accessible:
            self.problems += [f"{path} [{self.lang}] axe: {p}" for p in axe_problems(self.page, self.axe)]

    def small_targets(self, path: str) -> list[str]:
        """Buttons and form fields shorter than 44 px (links in running text are exempt)."""
        self.page.goto(self.site.url + path)
        return self.page.eval_on_selector_all(
            "main button, main .button, main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), "
            "main select, main textarea",
            """els => els.filter(e => { const b = e.getBoundingClientRect();
                 return b.width && b.height && b.height < 43.5; })
               .map(e => `${e.tagName.toLowerCase()}#${e.id || e.name || e.textContent.trim().slice(0, 20)}`)""",
        )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_public_and_personal_pages_fit_a_phone(live_site, walk, new_context, axe_source, lang):
    confirm = sign_up_without_javascript(live_site, new_context, walk, lang)
    context = new_context(timezone_id="Asia/Dhaka", bypass_csp=True, **PHONE)
    page = context.new_page()
    page.goto(f"{live_site.url}/language/{lang}")
    checker = Checker(live_site, page, axe_source, lang)
    for path in public_pages(walk) + embed_pages(lang):
        checker.check(path)
        if path == f"/meetings/{walk.series_id}":
            expect(page.locator("#add-calendar-share")).to_have_count(1)
        if path == "/events?q=evening":
            expect(page.get_by_text(live_site.public_title)).not_to_have_count(0)
    page.goto(f"{live_site.url}/")
    page.screenshot(path=ARTIFACTS / f"schedule-phone-{lang}.png", full_page=True)
    assert not checker.small_targets(f"/meetings/{walk.series_id}/rsvp")
    personal = new_context(timezone_id="Asia/Dhaka", bypass_csp=True, **PHONE).new_page()
    checker.page = personal
    visited = []
    for path in personal_pages(live_site, personal, confirm, lang):
        checker.check(path)
        visited.append(path)
        if len(visited) == 2:  # the manage page: its add-to-calendar and share block and the phone channels
            expect(personal.locator("section.add-calendar input[type=url]")).to_have_count(1)
            expect(personal.locator("#channels-heading")).to_have_count(1)
    assert not checker.small_targets(visited[1])  # the manage page: every button and field takes a thumb
    assert checker.seen >= 10
    assert not checker.problems, "\n".join(checker.problems)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("who", ["admin", "counselor"])
def test_staff_pages_fit_a_phone(live_site, walk, new_context, axe_source, lang, who):
    page = new_context(timezone_id="Asia/Dhaka", bypass_csp=True, **PHONE).new_page()
    sign_in(page, live_site, walk.admin if who == "admin" else walk.counselor)
    page.goto(f"{live_site.url}/language/{lang}?next=/organizer/")  # a signed-in switch: saved for them
    checker = Checker(live_site, page, axe_source, lang)
    for path in staff_pages(walk) if who == "admin" else counselor_pages(walk):
        checker.check(path)
    if who == "admin":
        ask_confirm_and_undo(checker, walk)
        page.goto(f"{live_site.url}/organizer/meetings/{walk.cancelled_id}")
        expect(page.locator("form[action$='/restore'] button")).to_have_count(1)  # the banner was walked
    thumb = f"/organizer/meetings/{walk.series_id}" if who == "admin" else f"/counselor/sessions/{walk.occurrence_id}"
    assert not checker.small_targets(thumb)
    page.goto(f"{live_site.url}/language/en")  # back, for the other tests that sign them in
    assert not checker.problems, "\n".join(checker.problems)


def ask_confirm_and_undo(checker: Checker, walk: Walk) -> None:
    """Decline a request and remove a person as an organizer does, with the buttons: the question asked once, then
    the people page with its "Undo" banner; undo puts everything back for the next walk."""
    page = checker.page
    for start, button in (
        (f"/organizer/meetings/{walk.closed_id}/people", "form[action$='/decline'] button"),
        (f"/organizer/occurrences/{walk.occurrence_id}/people", "form[action$='/remove'] button"),
    ):
        page.goto(checker.site.url + start)
        page.locator(button).first.click()
        expect(page.locator("input[name=confirm]")).to_have_count(1)
        checker.check_shown(f"{start} → confirm")
        page.locator("main form button[type=submit]").first.click()
        undo = page.locator("form[action$='/undo'] button, form[action$='/undo-remove'] button")
        expect(undo).to_have_count(1)
        checker.check_shown(f"{start} → undo banner")
        undo.click()
        expect(page.locator("form[action$='/undo'], form[action$='/undo-remove']")).to_have_count(0)


def test_a_few_pages_at_desktop_size(live_site, walk, new_context, axe_source):
    page = new_context(timezone_id="Europe/Amsterdam", bypass_csp=True, **DESKTOP).new_page()
    checker = Checker(live_site, page, axe_source, "en")
    for path in ("/", f"/meetings/{walk.series_id}", f"/meetings/{walk.series_id}/rsvp", "/events?q=evening"):
        checker.check(path)
    for path in embed_pages("en"):
        checker.check(path)
    page.screenshot(path=ARTIFACTS / "sign-up-desktop.png")
    sign_in(page, live_site, walk.admin)
    for path in (
        "/organizer/", f"/organizer/meetings/{walk.series_id}", f"/organizer/meetings/{walk.series_id}/edit",
        "/settings", "/channels/test",
    ):  # fmt: skip
        checker.check(path)
    assert not checker.problems, "\n".join(checker.problems)


def test_the_first_visit_to_the_schedule_loads_once(live_site, new_context):
    """No redirect to detect the zone: the server guesses it; the script stores the detected one in a cookie."""
    context = new_context(timezone_id="Asia/Dhaka", locale="bn-BD", extra_http_headers={"Accept-Language": "bn-BD"})
    page = context.new_page()
    documents: list[str] = []
    page.on("request", lambda r: documents.append(r.url) if r.resource_type == "document" else None)
    page.goto(f"{live_site.url}/")
    page.wait_for_load_state("networkidle")
    assert documents == [f"{live_site.url}/"]
    expect(page.locator("#your-timezone")).to_have_value("Asia/Dhaka")
    assert {c["name"]: c["value"] for c in context.cookies()}.get("tz") == "Asia/Dhaka"


def test_the_accessibility_check_finds_what_it_should(new_context, axe_source):
    """The harness itself: a nameless button and an image without text are reported (critical)."""
    page = new_context(bypass_csp=True).new_page()
    page.set_content('<html lang="en"><title>t</title><main><button></button><img src="data:,"></main></html>')
    found = " ".join(axe_problems(page, axe_source))
    assert "button-name (critical)" in found and "image-alt (critical)" in found
