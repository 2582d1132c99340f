"""The embeddable schedule: framed only by the origins a group's organizer lists, in the visitor's language and
zone, linking to the sign-up page in a new tab; the JS-free fragment; the origins field on the group form."""

from __future__ import annotations

import pytest

from scheduler.extensions import db
from scheduler.meetings import embed_origins
from tests.factories import create_group, create_series, create_user


def test_origins_are_scheme_host_and_port_only():
    assert embed_origins.parse("https://Example.org/ http://localhost:8080, https://a.b.example") == [
        "https://example.org",
        "http://localhost:8080",
        "https://a.b.example",
    ]
    for bad in (
        "example.org",
        "https://example.org/path",
        "javascript:alert(1)",
        "https://*.example.org",
        "https://example.org:99999",
        "ftp://example.org",
        "https://exa mple.org'",
    ):
        with pytest.raises(embed_origins.OriginsError):
            embed_origins.parse(bad)
    assert embed_origins.frame_ancestors([]) == "'none'"


@pytest.fixture
def embedded(app, frozen_now):
    group = create_group(slug="amsterdam", name="Amsterdam recovery", embed_origins="https://friends.example")
    create_series(group, title="Tuesday evening group")
    return group


def test_only_listed_origins_may_frame_the_group_page(client, embedded):
    answer = client.get("/embed/groups/amsterdam?tz=Asia/Dhaka")
    assert answer.status_code == 200
    policy = answer.headers["Content-Security-Policy"]
    assert "frame-ancestors https://friends.example" in policy
    assert "X-Frame-Options" not in answer.headers
    quiet = create_group(slug="quiet")
    create_series(quiet)
    refused = client.get("/embed/groups/quiet")
    assert "frame-ancestors 'none'" in refused.headers["Content-Security-Policy"]
    assert refused.headers["X-Frame-Options"] == "DENY"
    assert client.get("/embed/groups/nobody").status_code == 404


def test_the_list_is_in_the_visitor_s_zone_and_language_and_opens_sign_up_in_a_new_tab(client, embedded):
    page = client.get("/embed/groups/amsterdam?tz=Asia/Dhaka", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "Asia/Dhaka" in page
    assert 'target="_blank" rel="noopener"' in page
    assert "/meetings/" in page and "/rsvp?session=" in page
    assert "00:00" in page or "0:00" in page  # 19:00 in Amsterdam is midnight in Dhaka
    assert 'lang="nl"' in page
    english = client.get("/embed/groups/amsterdam?lang=en&tz=UTC").get_data(as_text=True)
    assert "Upcoming meetings of Amsterdam recovery" in english


def test_the_all_groups_page_accepts_the_origins_of_public_groups(client, embedded):
    create_group(slug="other", embed_origins="https://other.example")
    policy = client.get("/embed/groups").headers["Content-Security-Policy"]
    assert "https://friends.example" in policy and "https://other.example" in policy


def test_the_fragment_has_no_script_and_no_page_around_it(client, embedded):
    answer = client.get("/embed/fragment/groups/amsterdam?tz=UTC&lang=en")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<script" not in text and "<html" not in text
    assert "Tuesday evening group" in text
    assert client.get("/embed/fragment/groups?lang=en").status_code == 200


def test_no_personal_data_in_the_embed(client, embedded):
    organizer = create_user(name="Olga Private", email="olga@example.org")
    series = embedded.series[0]
    series.host_id = organizer.id
    series.video_provider = "custom"
    series.video_custom_url = "https://zoom.example/j/secret"
    db.session.commit()
    page = client.get("/embed/groups/amsterdam?tz=UTC").get_data(as_text=True)
    assert "Olga" not in page and "zoom.example" not in page and "olga@example.org" not in page


def test_the_organizer_sets_origins_and_gets_the_snippet(client, app, frozen_now):
    organizer = create_user(email="org@example.org")
    group = create_group({organizer: "organizer"}, slug="amsterdam")
    client.post("/login", data={"email": "org@example.org", "password": "correct horse battery staple"})
    form = {
        "name": group.name,
        "slug": group.slug,
        "description": "",
        "topic": "addiction",
        "timezone": "Europe/Amsterdam",
        "language": "nl",
        "visibility": "public",
        "discreet": "y",
        "helpline": "",
    }
    bad = client.post(f"/organizer/groups/{group.id}/edit", data=form | {"embed_origins": "https://ok.example/path"})
    assert bad.status_code == 400 and "https://ok.example/path" in bad.get_data(as_text=True)
    good = client.post(
        f"/organizer/groups/{group.id}/edit", data=form | {"embed_origins": "https://ok.example\nhttp://localhost:8000"}
    )
    assert good.status_code == 302
    db.session.expire_all()
    assert group.embed_origins == "https://ok.example http://localhost:8000"
    detail = client.get(f"/organizer/groups/{group.id}").get_data(as_text=True)
    assert "&lt;iframe src=&#34;http://127.0.0.1:5000/embed/groups/amsterdam&#34;" in detail or (
        "&lt;iframe src=" in detail and "/embed/groups/amsterdam" in detail
    )
    assert "/embed/fragment/groups/amsterdam" in detail
