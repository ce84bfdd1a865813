"""The inbox shows SLA timers (#14, part 2), in a real browser against a real ``triage serve``:
time left to the first action on items whose queue has a target, "late" in red once it has
passed (as the API's ``overdue`` says), no timer without a target or after the first action.

The queue of each comment is set in the database after ingest, so that the test is about the
page and the default targets (urgent 30 min, questions 4 h), not about the model of the day.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from tests.web import test_inbox as inbox
from tests.web.conftest import Site
from triage.service.store import Database
from triage.service.store.models import StoredComment

pytestmark = pytest.mark.slow

new_page = inbox.new_page  # the fixture: a page in a fresh browser context
CHANNEL = "sla-f"


def seed(site: Site) -> dict[str, int]:
    """Four comments of their own channel: late and fresh in urgent, a question, praise."""
    now = datetime.now(UTC)
    kinds = {
        "late": ("urgent", now - timedelta(hours=2)),
        "fresh": ("urgent", now - timedelta(minutes=5)),
        "question": ("questions", now - timedelta(hours=1)),
        "praise": ("praise", now - timedelta(hours=9)),
    }
    body = {
        "channel": CHANNEL,
        "comments": [
            {"external_id": k, "text": f"comment {k}", "created_at": t.isoformat()}
            for k, (_, t) in kinds.items()
        ],
    }
    r = site.post("admin", "/v1/comments", body)
    assert r.status_code == 200, r.text
    ids = {i["external_id"]: i["id"] for i in r.json()["items"]}
    db = Database(site.db_url)
    try:
        with db.write() as s:
            for k, (queue, _) in kinds.items():
                s.execute(
                    update(StoredComment)
                    .where(StoredComment.id == ids[k])
                    .values(queue=queue, campaign_id=None)
                )
    finally:
        db.dispose()
    return ids


def timer(page: Any, comment_id: int) -> Any:
    return page.locator(f"{inbox.ITEMS}[data-id='{comment_id}'] .sla")


def test_the_inbox_shows_a_timer_and_colours_what_is_late(site: Site, new_page: Any) -> None:
    ids = seed(site)
    items = site.get("admin", "/v1/queues/urgent", channel=CHANNEL)["items"]
    api = {i["id"]: i for i in items}
    order = [i["id"] for i in items]
    assert api[ids["late"]]["overdue"] is True
    assert api[ids["fresh"]]["overdue"] is False
    page = new_page()
    inbox.sign_in(page, site, "admin", f"#queue=urgent&channel={CHANNEL}")
    assert inbox.wait_ids(page, order) == order
    late, fresh = timer(page, ids["late"]), timer(page, ids["fresh"])
    assert "late" in (late.get_attribute("class") or "").split()
    assert late.inner_text().endswith(" late")
    assert late.inner_text().startswith("1 h ")  # due 90 minutes ago
    red = late.evaluate("e => getComputedStyle(e).backgroundColor")
    assert red == "rgb(179, 38, 30)"  # --high
    assert "late" not in (fresh.get_attribute("class") or "").split()
    assert fresh.inner_text().endswith(" min left")
    assert fresh.evaluate("e => getComputedStyle(e).backgroundColor") != red
    # Questions have 4 h; praise has no target at all.
    inbox.go(page, f"#queue=questions&channel={CHANNEL}")
    inbox.wait_ids(page, [ids["question"]])
    assert timer(page, ids["question"]).inner_text().startswith("2 h ")
    assert timer(page, ids["question"]).inner_text().endswith(" left")
    inbox.go(page, f"#queue=praise&channel={CHANNEL}")
    assert inbox.wait_ids(page, [ids["praise"]]) == [ids["praise"]]
    assert timer(page, ids["praise"]).count() == 0
    # Claimed (the first action): the clock stops, the timer goes.
    assert site.post("admin", f"/v1/comments/{ids['late']}/claim", {}).status_code == 200
    page.reload()
    page.locator("body[data-ready='1']").wait_for()
    inbox.go(page, f"#queue=urgent&channel={CHANNEL}")
    assert inbox.wait_ids(page, order) == order
    assert timer(page, ids["late"]).count() == 0
    assert timer(page, ids["fresh"]).count() == 1
