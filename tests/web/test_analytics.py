"""The inbox's Analytics view (#14, part 3) in a real browser against a real ``triage serve``:
one bar and one point per sentiment for every bucket the API lists, with the API's counts; the
queue mix and the SLA table; complaint themes with an example comment; the CSV download equal to
the API's; a key of one channel seeing only that channel.

The model record of the seeded comments (queue, sentiment, complaint tag) is set in the database
after ingest, so that the test is about the page, not about the model of the day.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from tests.web import test_inbox as inbox
from tests.web.conftest import Site
from triage.service.store import Database
from triage.service.store.models import StoredComment

pytestmark = pytest.mark.slow

new_page = inbox.new_page  # the fixture: a page in a fresh browser context
CHANNEL = "stats-g"
LATE = [
    "My order still hasn't arrived after two weeks, where is my parcel?",
    "Delivery is so late, I ordered ten days ago and nothing has come",
    "Đặt hàng hai tuần rồi mà vẫn chưa nhận được hàng",
    "Giao hàng chậm quá, đơn của tôi 10 ngày vẫn chưa tới",
    "Livrarea întârzie foarte mult, coletul încă nu a sosit",
]
REFUND = [
    "أريد استرداد أموالي، المنتج وصل مكسورا",
    "أعيدوا لي فلوسي، هذا المنتج سيء ولا أريده",
    "پولم را پس بدهید، محصول خراب بود",
    "لطفا هزینه سفارش را به حسابم برگردانید",
]


@pytest.fixture(scope="module")
def seeded(site: Site) -> dict[str, Any]:
    """Complaints of the last days in their own channel (negative, urgent), and two praises
    ten days ago (positive); one urgent comment claimed (its first action)."""
    now = datetime.now(UTC)
    rows = [(t, now - timedelta(hours=3 + i), "urgent", "negative", True) for i, t in enumerate(LATE + REFUND)]
    rows += [
        (f"Lovely shop, thank you #{i}", now - timedelta(days=10, hours=i), "praise", "positive", False)
        for i in range(2)
    ]
    body = {
        "channel": CHANNEL,
        "comments": [
            {"external_id": f"g{i}", "text": t, "created_at": at.isoformat()}
            for i, (t, at, *_) in enumerate(rows)
        ],
    }
    r = site.post("admin", "/v1/comments", body)
    assert r.status_code == 200, r.text
    ids = [i["id"] for i in r.json()["items"]]
    db = Database(site.db_url)
    try:
        with db.write() as s:
            for cid, (_, _, queue, sentiment, complaint) in zip(ids, rows, strict=True):
                s.execute(
                    update(StoredComment)
                    .where(StoredComment.id == cid)
                    .values(queue=queue, sentiment=sentiment, tag_complaint=complaint, campaign_id=None)
                )
    finally:
        db.dispose()
    assert site.post("admin", f"/v1/comments/{ids[0]}/claim", {}).status_code == 200
    return {"ids": ids}


def open_view(page: Any, site: Site, who: str, channel: str = CHANNEL) -> None:
    hash_ = f"#view=analytics&channel={channel}" if channel else "#view=analytics"
    inbox.sign_in(page, site, who)
    page.evaluate("h => { location.hash = h; }", hash_)
    page.locator("body[data-stats]").wait_for()
    inbox.wait_js(page, "!document.getElementById('stats-status').textContent.startsWith('Loading')")


def test_the_view_plots_every_bucket_with_the_apis_counts(
    site: Site, seeded: dict[str, Any], new_page: Any, artifacts: Path
) -> None:
    series = site.get("admin", "/v1/stats", channel=CHANNEL)
    items = series["items"]
    page = new_page()
    open_view(page, site, "admin")
    assert page.locator("#analytics").is_visible()
    assert not page.locator("#main").is_visible()
    assert page.locator("#view-analytics").get_attribute("aria-pressed") == "true"
    bars = page.locator("#volume rect.bar")
    assert bars.count() == len(items)
    shown = bars.evaluate_all("els => els.map(e => [e.dataset.start, Number(e.dataset.count)])")
    assert shown == [[i["start"], i["comments"]] for i in items]
    assert sum(n for _, n in shown) == len(LATE + REFUND) + 2
    for sentiment in ("negative", "neutral", "positive"):
        points = page.locator(f"#sentiment g[data-sentiment='{sentiment}'] circle")
        assert points.count() == len(items)
        counts = points.evaluate_all("els => els.map(e => Number(e.dataset.count))")
        assert counts == [i["by_sentiment"][sentiment] for i in items]
    # Queue mix and the SLA table agree with the API.
    urgent = page.locator("#mix li[data-queue='urgent'] .mix-n").inner_text()
    assert urgent.startswith(f"{len(LATE + REFUND)} (")
    row = page.locator("#response tr[data-queue='urgent'] td")
    assert row.nth(0).inner_text() == "30 min"
    assert row.nth(3).inner_text() == f"1 of {len(LATE + REFUND)}"
    # Per hour: 48 (or 49) bars, as the API says.
    page.select_option("#a-bucket", "hour")
    hours = site.get("admin", "/v1/stats", channel=CHANNEL, bucket="hour")["items"]
    inbox.wait_js(page, f"document.querySelectorAll('#volume rect.bar').length === {len(hours)}")
    inbox.shot(page, artifacts, "analytics-desktop")


def test_the_themes_show_example_comments(
    site: Site, seeded: dict[str, Any], new_page: Any
) -> None:
    page = new_page()
    open_view(page, site, "admin")
    page.locator("body[data-themes]").wait_for(timeout=60_000)
    themes = page.locator("#themes li.theme")
    assert themes.count() >= 1
    examples = page.locator("#themes .examples li").all_inner_texts()
    assert examples
    assert set(examples) <= set(LATE + REFUND)
    first = themes.first.locator(".theme-head").inner_text()
    assert "complaints" in first and "vs the week before" in first


def test_csv_export_downloads_the_series(site: Site, seeded: dict[str, Any], new_page: Any) -> None:
    page = new_page()
    open_view(page, site, "admin")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    download = info.value
    assert download.suggested_filename.startswith("triage-stats-day-")
    got = Path(download.path()).read_text(encoding="utf-8")
    want = httpx.get(
        f"{site.url}/v1/stats",
        params={"channel": CHANNEL, "bucket": "day", "format": "csv"},
        headers=site.headers("admin"),
        timeout=30,
    ).text
    assert got.splitlines()[0] == want.splitlines()[0]
    assert len(got.splitlines()) == len(want.splitlines())
    comments = [int(line.split(",")[1]) for line in got.splitlines()[1:]]
    assert sum(comments) == len(LATE + REFUND) + 2


def test_a_channel_key_sees_only_its_channel(site: Site, seeded: dict[str, Any], new_page: Any) -> None:
    page = new_page()
    open_view(page, site, "carol", channel="")  # carol: cafe-b only
    options = page.locator("#a-channel option").evaluate_all("els => els.map(e => e.value)")
    assert CHANNEL not in options
    assert set(options) <= {"", "cafe-b"}
    mine = site.get("carol", "/v1/stats")["items"]
    shown = page.locator("#volume rect.bar").evaluate_all("els => els.map(e => Number(e.dataset.count))")
    assert shown == [i["comments"] for i in mine]
    page.locator("body[data-themes]").wait_for(timeout=60_000)
    examples = set(page.locator("#themes .examples li").all_inner_texts())
    assert not examples & set(LATE + REFUND)
    # The CSV link asks for carol's channels only; another channel's CSV is refused.
    href = page.get_by_role("link", name="Download CSV").get_attribute("href")
    assert CHANNEL not in href
    r = page.request.get(f"{site.url}/v1/stats?channel={CHANNEL}&format=csv")
    assert r.status == 403
