"""The first visit to the schedule on a phone: one page load (no redirect to detect the zone), and the page with its
stylesheet and script under 100 KB, in the language with the longest text (Bengali) and a full page of sessions."""

from __future__ import annotations

import re

from scheduler.extensions import db
from tests.public.test_schedule_scale import add_daily_meetings

BENGALI = {"Accept-Language": "bn-BD,bn;q=0.9"}
BUDGET = 100_000


def test_the_first_visit_is_one_light_page(client, frozen_now):
    add_daily_meetings(40)
    db.session.expunge_all()
    response = client.get("/", headers=BENGALI)
    assert response.status_code == 200  # no redirect: the zone is guessed on the server
    page = response.get_data(as_text=True)
    assert '<option value="Asia/Dhaka" selected>' in page
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert len(assets) == 2  # one stylesheet, one script
    sizes = {"page": len(response.get_data())}
    for path in assets:
        asset = client.get(path)
        assert asset.status_code == 200
        sizes[path] = len(asset.get_data())
        asset.close()
    total = sum(sizes.values())
    print(f"first load: {total} bytes {sizes}")
    assert total < BUDGET, sizes
