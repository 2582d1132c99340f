"""Which language a page is shown in: saved choice (cookie) > Accept-Language > the group's language > English."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import create_group, create_series


def page_language(get, url: str = "/", **headers: str) -> str:
    response = get(url, **headers)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def test_english_without_any_hint(client, fresh_get, frozen_now):
    assert page_language(fresh_get) == "en"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("nl", "nl"), ("nl-NL,nl;q=0.9,en;q=0.8", "nl"), ("bn-BD", "bn"), ("id,en;q=0.5", "id"), ("de, fr", "en")],
)
def test_accept_language(client, fresh_get, frozen_now, accept, expected):
    assert page_language(fresh_get, **{"Accept-Language": accept}) == expected


def test_cookie_beats_accept_language(client, fresh_get, frozen_now):
    client.set_cookie("lang", "bn")
    assert page_language(fresh_get, **{"Accept-Language": "nl"}) == "bn"


def test_switching_language_is_remembered(client, fresh_get, frozen_now):
    response = fresh_get("/language/id?next=/")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get_cookie("lang").value == "id"
    assert page_language(fresh_get, **{"Accept-Language": "nl"}) == "id"
    fresh_get("/language/nl")
    assert page_language(fresh_get) == "nl"


@pytest.mark.parametrize("code", ["xx", "de", "EN", "nl-NL", "bn_BD", "..", "%3Cscript%3E"])
def test_unknown_language_codes_are_ignored(client, fresh_get, frozen_now, code):
    response = fresh_get(f"/language/{code}?next=/")
    assert response.status_code == 302
    assert "Set-Cookie" not in response.headers
    assert client.get_cookie("lang") is None
    assert page_language(fresh_get, **{"Accept-Language": "nl"}) == "nl"


def test_unknown_code_keeps_an_earlier_choice(client, fresh_get, frozen_now):
    fresh_get("/language/bn")
    fresh_get("/language/xx")
    assert client.get_cookie("lang").value == "bn"


def test_group_language_is_the_fallback_on_its_pages(client, fresh_get, frozen_now):
    group = create_group(timezone="Asia/Jakarta", language="id", slug="jakarta")
    series = create_series(group, timezone="Asia/Jakarta", language="id", start_date=date(2026, 11, 24))

    assert page_language(fresh_get, f"/meetings/{series.id}") == "id"
    assert page_language(fresh_get, "/groups/jakarta") == "id"
    assert page_language(fresh_get, f"/meetings/{series.id}", **{"Accept-Language": "en"}) == "en"
    client.set_cookie("lang", "nl")
    assert page_language(fresh_get, f"/meetings/{series.id}") == "nl"
