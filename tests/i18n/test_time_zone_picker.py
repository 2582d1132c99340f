"""The time-zone picker: places by name in the page's language with their time now, a server-side guess from the
browser's languages (no JavaScript needed, no reload), the names built once per process and language."""

from __future__ import annotations

import re

import pytest

from scheduler import i18n
from scheduler.locales import language_zone, picker_zones
from tests.factories import PASSWORD, create_group, create_series, create_user


@pytest.mark.parametrize(
    ("accept", "zone"),
    [
        ("bn-BD,bn;q=0.9", "Asia/Dhaka"),
        ("bn", "Asia/Dhaka"),
        ("nl", "Europe/Amsterdam"),
        ("nl-BE", "Europe/Brussels"),
        ("id-ID", "Asia/Jakarta"),
        ("en-GB", "Europe/London"),
        ("en", "UTC"),  # spoken everywhere: no guess
        ("xx, en-US;q=0.5", "America/New_York"),
        ("", "UTC"),
    ],
)
def test_the_zone_is_guessed_from_the_browsers_languages(client, fresh_get, frozen_now, accept, zone):
    page = fresh_get("/", **{"Accept-Language": accept}).get_data(as_text=True)
    assert re.search(rf'<option value="{re.escape(zone)}" selected>', page)


def test_a_chosen_zone_beats_the_guess(client, fresh_get, frozen_now):
    client.set_cookie("tz", "Asia/Jakarta")
    page = fresh_get("/", **{"Accept-Language": "bn-BD"}).get_data(as_text=True)
    assert '<option value="Asia/Jakarta" selected>' in page


def test_the_sign_up_form_is_prefilled_without_javascript(client, fresh_get, frozen_now):
    group = create_group(timezone="Asia/Dhaka", language="bn", slug="dhaka-circle")
    series = create_series(group, timezone="Asia/Dhaka", language="bn")
    page = fresh_get(f"/meetings/{series.id}/rsvp", **{"Accept-Language": "bn-BD"}).get_data(as_text=True)
    chosen = re.search(r'<option value="Asia/Dhaka" selected>([^<]+)</option>', page)
    assert chosen, "the zone select is not pre-filled"
    place, clock = chosen.group(1).split(" — ")
    assert place == "ঢাকা (বাংলাদেশ)"
    assert re.search(r"[০-৯]{1,2}:[০-৯]{2}", clock) and not re.search(r"[0-9]", clock)  # Bengali digits
    assert 'value="">' not in page.split('id="timezone"', 1)[1].split("</select>", 1)[0]  # nothing to choose first


def test_every_zone_form_offers_all_places_in_the_pages_language(client, fresh_get, frozen_now):
    user = create_user("organizer", language="nl", timezone="Europe/Amsterdam")
    with client.application.app_context():
        client.post("/login", data={"email": user.email, "password": PASSWORD})
    page = fresh_get("/settings").get_data(as_text=True)
    select = page.split('id="timezone"', 1)[1].split("</select>", 1)[0]
    assert select.count("<option ") == len(picker_zones()) > 300
    amsterdam = r'<option value="Europe/Amsterdam" selected>Amsterdam \(Nederland\) — \d{2}:\d{2}</option>'
    assert re.search(amsterdam, select)
    assert "Asia/Calcutta" not in select and "Asia/Kolkata" in select  # old alias names are left out


def test_the_schedule_offers_a_short_list(client, fresh_get, frozen_now):
    page = fresh_get("/", **{"Accept-Language": "nl"}).get_data(as_text=True)
    select = page.split('id="your-timezone"', 1)[1].split("</select>", 1)[0]
    assert 30 < select.count("<option ") < 60


def test_zone_names_are_built_once_per_language(app, frozen_now):
    with app.test_request_context("/", headers={"Accept-Language": "id"}):
        i18n.zone_options("Asia/Jakarta")
        before = i18n._place_names.cache_info()
        for _ in range(3):
            options = i18n.zone_options("Asia/Jakarta")
        after = i18n._place_names.cache_info()
    assert after.misses == before.misses and after.hits == before.hits + 3
    assert ("Asia/Jakarta", "Jakarta (Indonesia) — 17.00") in options  # 10:00 UTC, frozen


def test_language_zone_is_pure():
    assert language_zone("bn-IN") == "Asia/Kolkata"
    assert language_zone("nonsense-tag-") is None
