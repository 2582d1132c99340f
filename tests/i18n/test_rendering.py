"""The public schedule and a meeting page in English, Bengali, Indonesian and Dutch, with local times."""

from __future__ import annotations

import html as htmllib
import re
from datetime import UTC, date, datetime, time

import pytest

from scheduler import clock, timefmt
from scheduler.meetings.recurrence import RecurrenceRule
from tests.factories import create_group, create_series
from tests.i18n.conftest import load_catalog

WINTER_NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)  # the frozen_now fixture
SUMMER_NOW = datetime(2027, 6, 20, 10, 0, tzinfo=UTC)  # a Sunday; Amsterdam is on UTC+2
# A Dhaka meeting at 20:00 (UTC+6, no daylight saving) is 14:00 UTC: 15:00 in Amsterdam in winter, 16:00 in summer.
CLOCKS = {
    "en": {"dhaka": "8:00 PM", "winter": "3:00 PM", "summer": "4:00 PM"},
    "bn": {"dhaka": "৮:০০ PM", "winter": "৩:০০ PM", "summer": "৪:০০ PM"},  # CLDR: Bengali digits
    "id": {"dhaka": "20.00", "winter": "15.00", "summer": "16.00"},
    "nl": {"dhaka": "20:00", "winter": "15:00", "summer": "16:00"},
}
LANGUAGES = tuple(CLOCKS)
CRISIS_LINE = "You are not alone. If you are in crisis, call your local emergency number or a helpline now."
BOTH_ZONES = "%(when)s (your time) · %(there)s in %(city)s"
DAY_TIME = "%(day)s, %(time)s"


def translated(lang: str, msgid: str) -> str:
    if lang == "en":
        return msgid
    text = load_catalog(lang)[msgid].string
    assert text and text != msgid, f"{lang}: {msgid!r} is not translated"
    return text


def text_of(response) -> str:
    """The page as a reader sees it: entities decoded and Babel's narrow/no-break spaces as plain spaces."""
    assert response.status_code == 200, response.status_code
    page = htmllib.unescape(response.get_data(as_text=True))
    return re.sub(r"[\u202f\u00a0]", " ", page)


def dhaka_meeting(start: date):
    group = create_group(name="Dhaka Recovery Network", slug="dhaka", timezone="Asia/Dhaka", language="bn")
    return create_series(
        group,
        title="Tuesday evening group",
        timezone="Asia/Dhaka",
        language="bn",
        start_date=start,
        start_time=time(20, 0),
        rule=RecurrenceRule(freq="weekly", weekdays=(1,)),
    )


def visit(client, get, url: str, lang: str) -> str:
    client.set_cookie("lang", lang)
    client.set_cookie("tz", "Europe/Amsterdam")
    return text_of(get(url))


def translated_as_is(lang: str, msgid: str) -> str:
    """For messages whose translation may be the same text (a pattern of placeholders only)."""
    return msgid if lang == "en" else load_catalog(lang)[msgid].string


def expected_both_zones(lang: str, season: str, instant: datetime, *, full: bool = False) -> str:
    """'Tue, Nov 24, 3:00 PM (your time) · 8:00 PM in Dhaka' in the language, its digits and its city name."""
    day = (timefmt.format_day if full else timefmt.format_short_day)(instant, "Europe/Amsterdam", lang)
    when = translated_as_is(lang, DAY_TIME) % {"day": day, "time": CLOCKS[lang][season]}
    return translated(lang, BOTH_ZONES) % {
        "when": when,
        "there": CLOCKS[lang]["dhaka"],
        "city": timefmt.zone_city("Asia/Dhaka", lang),
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_schedule_in_winter(client, fresh_get, frozen_now, lang):
    dhaka_meeting(date(2026, 11, 24))

    page = visit(client, fresh_get, "/", lang)

    assert f'<html lang="{lang}">' in page
    assert translated(lang, "Upcoming meetings") in page
    assert translated(lang, CRISIS_LINE) in page
    assert expected_both_zones(lang, "winter", datetime(2026, 11, 24, 14, 0, tzinfo=UTC)) in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_schedule_in_summer(client, fresh_get, lang):
    with clock.frozen_at(SUMMER_NOW):
        dhaka_meeting(date(2027, 6, 22))

        page = visit(client, fresh_get, "/", lang)

    assert f'<html lang="{lang}">' in page
    assert expected_both_zones(lang, "summer", datetime(2027, 6, 22, 14, 0, tzinfo=UTC)) in page


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("season", ["winter", "summer"])
def test_meeting_page(client, fresh_get, lang, season):
    now, start = (WINTER_NOW, date(2026, 11, 24)) if season == "winter" else (SUMMER_NOW, date(2027, 6, 22))
    with clock.frozen_at(now):
        series = dhaka_meeting(start)

        page = visit(client, fresh_get, f"/meetings/{series.id}", lang)

    assert f'<html lang="{lang}">' in page
    assert translated(lang, "Next sessions") in page
    assert translated(lang, "Peer support") in page
    first = datetime.combine(start, time(14, 0), tzinfo=UTC)
    assert re.sub(r"[\u202f\u00a0]", " ", expected_both_zones(lang, season, first, full=True)) in page
    assert timefmt.format_day(first, "Asia/Dhaka", lang) in page  # weekday and month names in the language


def test_bengali_pages_write_times_and_numbers_in_bengali_digits(client, fresh_get, frozen_now):
    dhaka_meeting(date(2026, 11, 24))
    page = visit(client, fresh_get, "/", "bn")
    assert "২০২৬" in page and "৮:০০" in page  # the year and the clock
    assert not re.search(r"[0-9]{1,2}:[0-9]{2}", page)  # no Latin-digit clock anywhere, the zone picker included
    assert not re.search(r"\b20[0-9]{2}\b", page.split("<main", 1)[1])  # nor a Latin-digit year


def test_timefmt_writes_each_locales_default_digits():
    instant = datetime(2026, 12, 15, 14, 5, tzinfo=UTC)
    assert timefmt.format_clock(instant, "Asia/Dhaka", "bn").startswith("৮:০৫")
    assert "১৫" in timefmt.format_day(instant, "Asia/Dhaka", "bn")
    assert timefmt.format_number(1234, "bn") == "১,২৩৪"
    for lang in ("en", "id", "nl"):
        assert re.search(r"[0-9]", timefmt.format_clock(instant, "Asia/Dhaka", lang))
    assert timefmt.digits("20:15", "nl") == "20:15"


def test_numbers_in_translated_sentences_use_the_locales_digits(app):
    from flask import render_template_string
    from flask_babel import force_locale, lazy_gettext, ngettext

    with app.test_request_context("/"), force_locale("bn"):
        in_python = ngettext("%(num)s session in total.", "%(num)s sessions in total.", 12)
        with_d = ngettext("%(num)d seat", "%(num)d seats", 3)  # '%d' placeholders take the digits as text
        lazy = str(lazy_gettext("%(num)d minute", num=45))
        in_template = render_template_string('{{ ngettext("%(num)d seat", "%(num)d seats", 12) }}')
    assert "১২" in in_python and "৩" in with_d and "৪৫" in lazy and "১২" in in_template
    assert not re.search(r"[0-9]", in_python + with_d + lazy + in_template)
    with app.test_request_context("/"), force_locale("nl"):
        assert ngettext("%(num)d seat", "%(num)d seats", 12) == load_catalog("nl")["%(num)d seat"].string[1].replace(
            "%(num)d", "12"
        )
