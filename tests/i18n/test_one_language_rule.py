"""One language rule for everything a person sees in a request: the page, its flash messages and the emails follow
the person's chosen language, not the browser's; a signed-in staff member's switch works and is saved."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _

from scheduler.auth.models import User
from scheduler.extensions import db
from tests.factories import PASSWORD, create_group, create_series, create_user
from tests.participants.conftest import join_up, last_mail, person

DUTCH_BROWSER = {"Accept-Language": "nl"}
SEAT_FORM = re.compile(
    r'action="(/manage/[^"]+/seats/\d+)"[^>]*>\s*<input[^>]+>\s*<input type="hidden" name="action" value="skip"'
)


@pytest.fixture
def weekly(app, frozen_now):
    group = create_group(timezone="Europe/Amsterdam", language="nl", slug="amsterdam-evening")
    return create_series(group, title="Tuesday evening", language="en")


def in_bengali(message: str) -> str:
    with force_locale("bn"):
        return _(message)


def page_language(page: str) -> str:
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def test_flash_messages_on_a_personal_page_speak_the_persons_language(app, client, weekly):
    manage = join_up(client, weekly, "sky@example.org", "Sky", language="bn")
    rsvp_id = person("sky@example.org").rsvps[0].id
    with app.app_context():
        page = client.get(manage, headers=DUTCH_BROWSER).get_data(as_text=True)
    skip_path = SEAT_FORM.search(page).group(1)

    with app.app_context():
        response = client.post(skip_path, data={"action": "skip"}, headers=DUTCH_BROWSER, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert page_language(page) == "bn"
    skipped = in_bengali("You will skip this session. You can change your mind until it starts.")
    assert skipped != "You will skip this session. You can change your mind until it starts."
    assert skipped in page

    with app.app_context():
        response = client.post(f"{manage}/meetings/{rsvp_id}/leave", headers=DUTCH_BROWSER, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert in_bengali("You have left this meeting. You are welcome back.") in page
    assert "U bent" not in page and "You have left" not in page


def test_a_new_language_on_the_manage_page_confirms_in_that_language(app, client, weekly):
    manage = join_up(client, weekly, "river@example.org", "River", language="en")
    with app.app_context():
        response = client.post(
            f"{manage}/profile",
            data={"display_name": "River", "timezone": "Asia/Dhaka", "language": "bn"},
            headers=DUTCH_BROWSER,
            follow_redirects=True,
        )
    page = response.get_data(as_text=True)
    assert page_language(page) == "bn"
    assert in_bengali("Saved.") in page


def test_a_signed_in_staff_member_can_switch_language_and_it_is_saved(app, client, frozen_now):
    user = create_user("organizer", language="en", timezone="Asia/Dhaka")
    with app.app_context():
        client.post("/login", data={"email": user.email, "password": PASSWORD})
    with app.app_context():
        response = client.get("/language/bn?next=/organizer/", headers=DUTCH_BROWSER)
    assert response.status_code == 302 and response.headers["Location"] == "/organizer/"
    with app.app_context():
        page = client.get("/organizer/", headers=DUTCH_BROWSER).get_data(as_text=True)
    assert page_language(page) == "bn"
    db.session.expire_all()
    assert db.session.get(User, user.id).language == "bn"  # emails to them follow too

    with app.app_context():
        client.get("/language/nl?next=/organizer/")
        page = client.get("/organizer/").get_data(as_text=True)
    assert page_language(page) == "nl"


def test_staff_settings_confirm_in_the_newly_chosen_language(app, client, frozen_now):
    user = create_user("organizer", language="en", timezone="Asia/Dhaka", name="Rahima")
    with app.app_context():
        client.post("/login", data={"email": user.email, "password": PASSWORD})
    with app.app_context():
        response = client.post(
            "/settings",
            data={"name": "Rahima", "timezone": "Asia/Dhaka", "language": "bn"},
            follow_redirects=True,
        )
    page = response.get_data(as_text=True)
    assert page_language(page) == "bn"
    assert in_bengali("Your settings are saved.") in page


def test_emails_follow_the_persons_language_and_its_digits(app, client, weekly):
    with app.app_context():
        join_up(client, weekly, "nodi@example.org", "Nodi", language="bn", timezone="Asia/Dhaka")
    mail = last_mail("nodi@example.org", "rsvp_welcome")
    assert mail.language == "bn"
    assert re.search(r"[০-৯]{1,2}:[০-৯]{2}", mail.text)  # the sessions' times in Bengali digits
    assert not re.search(r"\b[0-9]{1,2}[:.][0-9]{2}\b", mail.text.split("http")[0])
