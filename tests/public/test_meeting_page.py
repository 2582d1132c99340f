"""A meeting's public page and a group's page."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from scheduler.extensions import db
from scheduler.meetings import services
from scheduler.meetings.recurrence import RecurrenceRule
from tests.factories import create_group, create_series, create_user

ENGLISH = {"Accept-Language": "en"}


def page(client, url: str, status: int = 200) -> str:
    db.session.expunge_all()
    response = client.get(url, headers=ENGLISH)
    assert response.status_code == status
    return response.get_data(as_text=True)


def webinar(group):
    speakers = (
        services.SpeakerInput(
            "Farhana Rahman", "moderator", "Programme coordinator", "Recovery Network", email="farhana@example.org"
        ),
        services.SpeakerInput("Dr. Tanvir Hossain", "speaker", "Psychiatrist", "Mind Health Centre"),
        services.SpeakerInput("Prof. Shirin Akter", "speaker", "Professor of Clinical Psychology", "Riverbank"),
    )
    return create_series(
        group,
        title="Recovery Day webinar",
        kind="webinar",
        timezone="Asia/Dhaka",
        start_date=date(2026, 11, 29),
        start_time=time(16, 0),
        rule=RecurrenceRule("once"),
        language="en",
        speakers=speakers,
    )


def test_weekly_meeting_page(client, frozen_now):
    host = create_user("organizer", name="Karim Uddin")
    group = create_group(
        {host: "organizer"}, name="Dhaka Recovery Network", slug="dhaka", timezone="Asia/Dhaka", language="bn"
    )
    series = create_series(
        group,
        title="Tuesday evening group",
        timezone="Asia/Dhaka",
        language="bn",
        start_date=date(2026, 11, 24),
        start_time=time(20, 0),
        host_id=host.id,
        description="Welcome, newcomers.\nYou can just listen.",
    )
    client.set_cookie("tz", "Europe/Amsterdam")

    html = page(client, f"/meetings/{series.id}")

    assert "<h1>Tuesday evening group</h1>" in html
    assert "Dhaka Recovery Network" in html and 'href="/groups/dhaka"' in html
    assert "Peer support" in html and "বাংলা" in html
    assert "Every Tuesday at 8:00\u202fPM (Asia/Dhaka)" in html
    assert "Each session lasts 90 minutes." in html
    assert "Host: Karim" in html and "Uddin" not in html
    assert "Welcome, newcomers.<br>You can just listen." in html
    assert "3:00\u202fPM (your time) · 8:00\u202fPM in Dhaka" in html
    sessions = html.split('id="sessions-heading"')[1].split('id="rsvp"')[0]
    assert sessions.count("<li>") == 8
    assert "Tuesday, January 12, 2027" in sessions and "Tuesday, January 19, 2027" not in sessions
    rsvp = re.search(r'<section id="rsvp".*?</section>', html, re.S).group(0)
    assert "Join this meeting" in rsvp and "No seat limit" in rsvp
    assert "<form" not in rsvp


def test_schedule_in_words_for_other_rules(client, frozen_now):
    group = create_group(timezone="Europe/London", language="en")
    monthly = create_series(
        group,
        title="Family circle",
        timezone="Europe/London",
        start_time=time(15, 0),
        rule=RecurrenceRule("monthly", monthly_mode="weekday", monthly_nth=1, monthly_weekday=6),
    )
    cbt = create_series(
        group,
        title="CBT",
        timezone="Asia/Jakarta",
        start_time=time(19, 30),
        capacity=12,
        rule=RecurrenceRule("weekly", interval=2, weekdays=(0, 3), count=8),
    )
    monthly_id, cbt_id, once_id = monthly.id, cbt.id, webinar(group).id

    assert "On the first Sunday of every month at 3:00\u202fPM (Europe/London)" in page(
        client, f"/meetings/{monthly_id}"
    )
    html = page(client, f"/meetings/{cbt_id}")
    assert "Every 2 weeks on Monday and Thursday at 7:30\u202fPM (Asia/Jakarta)" in html
    assert "8 sessions in total." in html
    assert "12 seats" in html
    assert "Once, on Sunday, November 29, 2026 at 4:00\u202fPM (Asia/Dhaka)" in page(client, f"/meetings/{once_id}")


def test_webinar_lists_moderator_and_speakers_with_roles(client, frozen_now):
    series = webinar(create_group())
    html = page(client, f"/meetings/{series.id}")
    people = html.split('id="speakers-heading"')[1]
    assert re.search(r"Farhana Rahman</strong> <span class=\"badge\">Moderator</span>", people)
    assert re.search(r"Dr. Tanvir Hossain</strong> <span class=\"badge\">Speaker</span>", people)
    assert "Professor of Clinical Psychology" in people and "Riverbank" in people
    assert people.index("Farhana") < people.index("Tanvir") < people.index("Shirin")
    assert "farhana@example.org" not in html


def test_cancelled_and_moved_sessions(client, frozen_now):
    series = create_series(create_group(), title="Evening group")
    first, second = series.occurrences[0], series.occurrences[1]
    services.cancel_occurrence(first, "Public holiday")
    services.move_occurrence(second, datetime(2026, 12, 8, 21, 0))
    db.session.commit()

    html = page(client, f"/meetings/{series.id}")

    assert "Reason: Public holiday" in html and "Cancelled: " not in html  # one status word
    assert '<span class="badge">moved</span>' in html
    assert "Moved from Tuesday, December 8, 2026, 6:00\u202fPM (your time) · 7:00\u202fPM in Amsterdam" in html


def test_cancelled_meeting_says_so(client, frozen_now):
    series = create_series(create_group(), title="Ended group")
    services.cancel_series(series, "The group has merged with another one")
    db.session.commit()
    html = page(client, f"/meetings/{series.id}")
    assert "This meeting was cancelled" in html
    assert "Reason: The group has merged with another one" in html


def test_draft_and_missing_meetings_are_404(client, frozen_now):
    draft = create_series(create_group(), title="Not yet", status="draft")
    assert "Not yet" not in page(client, f"/meetings/{draft.id}", 404)
    page(client, "/meetings/999999", 404)
    page(client, "/groups/no-such-group", 404)


def test_unlisted_meeting_is_reachable_by_direct_link_only(client, frozen_now):
    group = create_group(name="Quiet group", slug="quiet", visibility="unlisted")
    series = create_series(group, title="Quiet meeting")
    assert "Quiet meeting" in page(client, f"/meetings/{series.id}")
    assert "Quiet meeting" in page(client, "/groups/quiet")
    assert "Quiet meeting" not in page(client, "/")


def test_description_and_title_are_escaped(client, frozen_now):
    series = create_series(create_group(), title="<b>Bold</b>", description="Hi <script>x()</script>\n\nBye")
    html = page(client, f"/meetings/{series.id}")
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html
    assert "Hi &lt;script&gt;x()&lt;/script&gt;</p>" in html and "<p>Bye</p>" in html
    assert "<script>x()" not in html


def test_no_video_link_on_meeting_and_group_pages(client, frozen_now):
    group = create_group(slug="video-test")
    series_id = create_series(
        group,
        video_provider="custom",
        video_custom_url="https://video.example/secret-room",
        video_custom_notes="PIN 4321",
    ).id
    for url in (f"/meetings/{series_id}", "/groups/video-test"):
        html = page(client, url)
        assert "secret-room" not in html and "4321" not in html and "video.example" not in html


def test_group_page_lists_published_meetings(client, frozen_now):
    group = create_group(name="Amsterdam peers", slug="amsterdam", helpline="+00 0000 0000 (demo number)")
    create_series(group, title="Thursday meeting", rule=RecurrenceRule("weekly", weekdays=(3,)))
    create_series(group, title="Draft meeting", status="draft")
    client.set_cookie("tz", "Asia/Dhaka")

    html = page(client, "/groups/amsterdam")

    assert "<h1>Amsterdam peers</h1>" in html
    assert "Thursday meeting" in html and "Draft meeting" not in html
    assert "Every Thursday at 7:00\u202fPM (Europe/Amsterdam)" in html
    assert "Next session: Friday, December 4, 2026, 12:00\u202fAM (your time) · " in html
    assert "Thursday, December 3, 2026, 7:00\u202fPM in Amsterdam" in html
    assert "(your time) · " in html and "in Amsterdam" in html
    assert "+00 0000 0000 (demo number)" in html
