"""Suggested replies in the inbox (#14, part 1), in a real browser against a real ``triage serve``:
the current comment shows its channel's closest saved replies with `{author}` filled in, Copy
puts the text on the clipboard, and resolving the comment as Replied records the reply used.

The comments' queue is set in the database after ingest, so that the test is about the page,
not about where the model of the day puts them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from tests.web import test_inbox as inbox
from tests.web.conftest import Site
from triage.service.store import Database
from triage.service.store.models import ReplyUse, StoredComment

pytestmark = pytest.mark.slow

new_page = inbox.new_page  # the fixture: a page in a fresh browser context
CHANNEL = "replies-g"
ITEMS = inbox.ITEMS


def seed(site: Site) -> tuple[dict[str, int], dict[str, int]]:
    """Two saved replies and three questions in the urgent queue of their own channel."""
    replies = {}
    for name, title, text in (
        ("shipping", "Shipping times", "Hi {author}! Orders usually arrive in 3-5 business days."),
        ("hours", "Opening hours", "Our store is open every day from 9:00 to 21:00."),
    ):
        r = site.post("admin", "/v1/replies", {"channel": CHANNEL, "title": title, "text": text})
        assert r.status_code == 201, r.text
        replies[name] = r.json()["id"]
    texts = {
        "vi": ("Giao hàng mất mấy ngày vậy shop?", "Lan"),
        "ar": ("المحل مفتوح يوم الجمعة؟", "Omar"),
        "praise": ("Love this dress, the colour is perfect!", "Ana"),
    }
    body = {
        "channel": CHANNEL,
        "comments": [
            {"external_id": k, "text": t, "author": a, "created_at": f"2026-11-0{i + 1}T10:00:00Z"}
            for i, (k, (t, a)) in enumerate(texts.items())
        ],
    }
    r = site.post("admin", "/v1/comments", body)
    assert r.status_code == 200, r.text
    comments = {i["external_id"]: i["id"] for i in r.json()["items"]}
    db = Database(site.db_url)
    try:
        with db.write() as s:
            s.execute(
                update(StoredComment)
                .where(StoredComment.id.in_(list(comments.values())))
                .values(queue="urgent", priority=50, campaign_id=None)
            )
    finally:
        db.dispose()
    return replies, comments


def uses(site: Site) -> list[tuple[int, int, str]]:
    db = Database(site.db_url)
    try:
        with db.read() as s:
            return [(u.reply_id, u.comment_id, u.used_by) for u in s.scalars(select(ReplyUse))]
    finally:
        db.dispose()


def test_suggested_replies_copy_and_record_the_reply_used(
    site: Site, new_page: Any, artifacts: Path
) -> None:
    replies, comments = seed(site)
    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
    inbox.sign_in(page, site, "admin", f"#queue=urgent&channel={CHANNEL}")
    order = [comments["vi"], comments["ar"], comments["praise"]]  # oldest first at equal priority
    assert inbox.wait_ids(page, order) == order

    # The current comment (the Vietnamese question) shows the English shipping reply, filled in.
    vi = page.locator(f"{ITEMS}[data-id='{comments['vi']}']")
    first = vi.locator(".suggest li.reply").first
    first.wait_for()
    assert first.get_attribute("data-reply-id") == str(replies["shipping"])
    assert first.locator(".reply-title").inner_text() == "Shipping times"
    assert (
        first.locator(".reply-text").inner_text()
        == "Hi Lan! Orders usually arrive in 3-5 business days."
    )
    inbox.shot(page, artifacts, "replies-desktop")

    # Only the current comment shows suggestions; moving on shows the next one's.
    page.keyboard.press("j")
    ar = page.locator(f"{ITEMS}[data-id='{comments['ar']}']")
    ar.locator(".suggest li.reply").first.wait_for()
    assert ar.locator(".suggest li.reply").first.get_attribute("data-reply-id") == str(
        replies["hours"]
    )
    inbox.wait_js(
        page, f"!document.querySelector(\"{ITEMS}[data-id='{comments['vi']}'] .suggest li\")"
    )
    # Nothing is close to praise: no suggestion box at all.
    page.keyboard.press("j")
    praise = page.locator(f"{ITEMS}[data-id='{comments['praise']}']")
    inbox.wait_js(
        page,
        f"(() => {{ const b = document.querySelector(\"{ITEMS}[data-id='{comments['praise']}'] "
        '.suggest"); return b && b.childElementCount === 0 && !b.offsetParent; })()',
    )
    assert praise.locator(".suggest li").count() == 0

    # Back to the Vietnamese question: one click copies the filled-in reply.
    page.keyboard.press("k")
    page.keyboard.press("k")
    vi.locator(".suggest button.copy-reply").first.click()
    vi.locator(".suggest li.used button.copy-reply").filter(has_text="Copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == (
        "Hi Lan! Orders usually arrive in 3-5 business days."
    )
    # Resolving it as Replied records the reply that was copied.
    page.keyboard.press("r")
    page.get_by_role("button", name="Replied").click()
    inbox.wait_js(page, f"!document.querySelector(\"{ITEMS}[data-id='{comments['vi']}']\")")
    assert inbox.stored(site, comments["vi"]).status == "replied"
    who = inbox.stored(site, comments["vi"]).resolved_by
    assert uses(site) == [(replies["shipping"], comments["vi"], who)]
    listed = {i["id"]: i for i in site.get("admin", "/v1/replies", channel=CHANNEL)["items"]}
    assert listed[replies["shipping"]]["uses"] == 1

    # Resolving as Replied without copying a reply records none.
    page.locator(f"{ITEMS}[data-id='{comments['ar']}']").click()
    page.keyboard.press("r")
    page.get_by_role("button", name="Replied").click()
    inbox.wait_js(page, f"!document.querySelector(\"{ITEMS}[data-id='{comments['ar']}']\")")
    assert inbox.stored(site, comments["ar"]).status == "replied"
    assert len(uses(site)) == 1
