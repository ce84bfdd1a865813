"""The inbox protects moderators (issue #15, item 4), in a real browser against a real
``triage serve``: abusive text is blurred until asked for (click, Enter or Space; not read out
by screen readers before), a setting turns that off, the ``abuse`` queue and tag filter, bulk
hide (no delete) with undo in the ``abuse`` queue, and a relabel with ``abuse`` and a priority
that reaches the training export.

The comments are ingested through the API; their model record (tags, ``p_abuse``, queue) is then
set in the database, so that these tests are about what the page does with an abusive comment,
not about the model of the day (``models/triage-default`` is rebuilt from time to time).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import update

from tests.web import test_inbox as inbox
from tests.web.conftest import DESKTOP, PHONE, Site
from triage.service.api.serve import DEMO_KEY_PREFIX
from triage.service.store import Database
from triage.service.store.models import StoredComment

pytestmark = pytest.mark.slow

ITEMS = inbox.ITEMS
new_page = inbox.new_page  # the fixture: a page in a fresh browser context
sign_in, wait_ids, api_ids, wait_js, stored = (
    inbox.sign_in,
    inbox.wait_ids,
    inbox.api_ids,
    inbox.wait_js,
    inbox.stored,
)

#: Insults at other commenters and staff: abuse that is nobody's complaint (queue ``abuse``).
INSULTS = [
    "@mike you are a pathetic loser, shut your stupid mouth",
    "nobody asked you, idiot. crawl back under your rock you moron",
    "ur a f*cking clown and everyone on this page hates you",
]
#: A customer's complaint that is also abusive: it stays in ``urgent``, tagged abuse.
ABUSIVE_COMPLAINT = "you useless idiots lost my parcel AGAIN, refund me now"
#: A fair complaint, in the same queue: never blurred.
FAIR_COMPLAINT = "My order arrived broken and nobody answers my emails, third time this month"
SHOW = "abusive - click to show"


def set_record(site: Site, ids: list[int], **values: Any) -> None:
    """Set the stored model record of comments (tags, probabilities, queue)."""
    db = Database(site.db_url)
    try:
        with db.write() as s:
            s.execute(update(StoredComment).where(StoredComment.id.in_(ids)).values(**values))
    finally:
        db.dispose()


def seed(site: Site, channel: str) -> dict[str, Any]:
    """A channel of its own: three insults in ``abuse``, an abusive and a fair complaint in
    ``urgent``. Returns their ids by kind."""
    texts = [*INSULTS, ABUSIVE_COMPLAINT, FAIR_COMPLAINT]
    body = {
        "channel": channel,
        "comments": [
            {
                "external_id": f"{channel}-{i}",
                "text": t,
                "author": f"user{i}",
                "created_at": f"2026-11-02T10:0{i}:00Z",
            }
            for i, t in enumerate(texts)
        ],
    }
    r = site.post("admin", "/v1/comments", body)
    assert r.status_code == 200, r.text
    ids = [i["id"] for i in r.json()["items"]]
    insults, complaint, fair = ids[:3], ids[3], ids[4]
    plain = {"tag_question": False, "tag_spam": False, "tag_praise": False}
    # the reasons quote words of the text, as the model's do
    reasons = ["abuse 0.97", "negative 0.95", 'words: "loser", "moron", "clown"']
    abusive = {**plain, "tag_abuse": True, "p_abuse": 0.97, "reasons": reasons}
    set_record(site, insults, **abusive, tag_complaint=False, queue="abuse")
    set_record(site, [complaint], **abusive, tag_complaint=True, queue="urgent")
    set_record(
        site, [fair], **plain, tag_abuse=False, p_abuse=0.02, tag_complaint=True, queue="urgent"
    )
    return {"insults": insults, "complaint": complaint, "fair": fair}


def item(page: Any, comment_id: int) -> Any:
    return page.locator(f"{ITEMS}[data-id='{comment_id}']")


def is_blurred(page: Any, comment_id: int) -> bool:
    """The text drawn blurred (a CSS filter), hidden from screen readers, with the button that
    shows it, and the item not named by the text."""
    el = item(page, comment_id)
    text = el.locator(".text")
    blurred = "blur(" in text.evaluate("e => getComputedStyle(e).filter")
    hidden = text.get_attribute("aria-hidden") == "true"
    button = el.get_by_role("button", name=SHOW)
    named_by_text = el.get_attribute("aria-labelledby") == text.get_attribute("id")
    state = (blurred, hidden, button.count() == 1, not named_by_text)
    assert state in ((True, True, True, True), (False, False, False, False)), state
    return blurred


def test_abusive_text_is_blurred_until_clicked_or_asked_for_by_key(
    site: Site, new_page: Any, artifacts: Any
) -> None:
    ids = seed(site, "abuse-e1")
    page = new_page()
    sign_in(page, site, "admin", "#queue=abuse&channel=abuse-e1")
    want = api_ids(site, "admin", "abuse", channel="abuse-e1")
    assert sorted(want) == sorted(ids["insults"])
    assert wait_ids(page, want) == want
    for cid in want:
        assert is_blurred(page, cid)
        assert item(page, cid).get_by_role("button", name=SHOW).is_visible()
        # nor are its words shown in the reasons
        why = item(page, cid).locator(".why").inner_text()
        assert why == "Why abuse 0.97, negative 0.95, words of the text hidden"
    # what a screen reader gets: the button, not one word of the hidden text
    tree = page.locator("#items").aria_snapshot()
    assert SHOW in tree
    for word in ("loser", "moron", "clown", "@mike"):
        assert word not in tree
    inbox.shot(page, artifacts, "abuse-blurred-desktop")
    page.set_viewport_size(PHONE)  # phone width: the button fits, nothing wider than the screen
    assert item(page, want[0]).get_by_role("button", name=SHOW).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    item(page, want[0]).scroll_into_view_if_needed()
    inbox.shot(page, artifacts, "abuse-blurred-phone")
    page.set_viewport_size(DESKTOP)
    # a click on the button shows the text; the focus stays on the comment
    first = item(page, want[0])
    first.get_by_role("button", name=SHOW).click()
    wait_js(page, f"!document.querySelector(\"{ITEMS}[data-id='{want[0]}'] .text.masked\")")
    assert not is_blurred(page, want[0])
    assert first.locator(".text").inner_text() in INSULTS
    assert first.locator(".text").inner_text() in page.locator("#items").aria_snapshot()
    assert page.evaluate("document.activeElement.dataset.id") == str(want[0])
    assert 'words: "loser", "moron", "clown"' in first.locator(".why").inner_text()
    assert is_blurred(page, want[1])  # only the one asked for
    assert is_blurred(page, want[2])
    # keyboard: j focuses the next comment, Enter shows it; then Space on the one after
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.dataset.id") == str(want[1])
    page.keyboard.press("Enter")
    wait_js(page, f"!document.querySelector(\"{ITEMS}[data-id='{want[1]}'] .text.masked\")")
    assert not is_blurred(page, want[1])
    assert is_blurred(page, want[2])
    page.keyboard.press("j")
    page.keyboard.press(" ")
    wait_js(page, f"!document.querySelector(\"{ITEMS}[data-id='{want[2]}'] .text.masked\")")
    assert not is_blurred(page, want[2])
    # shown stays shown when the list refreshes
    inbox.go(page, "#queue=urgent&channel=abuse-e1")
    inbox.go(page, "#queue=abuse&channel=abuse-e1")
    assert wait_ids(page, want) == want
    assert not any(is_blurred(page, cid) for cid in want)
    # in urgent, the abusive complaint is blurred too (tagged abuse), the fair one is not
    inbox.go(page, "#queue=urgent&channel=abuse-e1")
    urgent = api_ids(site, "admin", "urgent", channel="abuse-e1")
    assert sorted(urgent) == sorted([ids["complaint"], ids["fair"]])
    assert wait_ids(page, urgent) == urgent
    assert is_blurred(page, ids["complaint"])
    assert not is_blurred(page, ids["fair"])
    assert item(page, ids["fair"]).locator(".text").inner_text() == FAIR_COMPLAINT
    assert "abuse" in item(page, ids["complaint"]).locator(".tags").inner_text()


def test_the_blur_setting_turns_it_off_and_is_remembered(site: Site, new_page: Any) -> None:
    ids = seed(site, "abuse-e2")
    page = new_page()
    sign_in(page, site, "admin", "#queue=abuse&channel=abuse-e2")
    want = api_ids(site, "admin", "abuse", channel="abuse-e2")
    assert wait_ids(page, want) == want
    setting = page.get_by_label("Blur abusive text")
    assert setting.is_checked()  # on by default
    assert all(is_blurred(page, cid) for cid in want)
    setting.uncheck()
    wait_js(page, "!document.querySelector('#items .text.masked')")
    assert not any(is_blurred(page, cid) for cid in want)
    assert sorted(page.locator(f"{ITEMS} .text").all_inner_texts()) == sorted(INSULTS)
    # kept in this browser: still off after a reload
    page.reload()
    page.locator("body[data-ready='1']").wait_for()
    assert wait_ids(page, want) == want
    assert not page.get_by_label("Blur abusive text").is_checked()
    assert not any(is_blurred(page, cid) for cid in want)
    inbox.go(page, "#queue=urgent&channel=abuse-e2")
    assert not is_blurred(page, ids["complaint"])
    # on again: blurred again
    page.get_by_label("Blur abusive text").check()
    item(page, ids["complaint"]).locator(".text.masked").wait_for()
    assert is_blurred(page, ids["complaint"])
    page.reload()
    page.locator("body[data-ready='1']").wait_for()
    item(page, ids["complaint"]).locator(".text.masked").wait_for()
    assert page.get_by_label("Blur abusive text").is_checked()


def test_the_abuse_queue_and_the_abuse_tag_filter(site: Site, new_page: Any) -> None:
    ids = seed(site, "abuse-e3")
    page = new_page()
    sign_in(page, site, "admin", "#queue=urgent&channel=abuse-e3")
    counts = next(
        c for c in site.get("admin", "/v1/queues")["channels"] if c["channel"] == "abuse-e3"
    )["queues"]
    assert counts["abuse"]["open"] == 3
    # the queue row and the channel's overview both have abuse, with the API's count
    button = page.locator("#queues button[data-queue='abuse']")
    assert button.locator(".n").inner_text() == "3"
    assert button.get_attribute("aria-label") == "Queue abuse: 3 open, 0 claimed"
    cell = page.locator("#overview button.qcount[data-channel='abuse-e3'][data-queue='abuse']")
    assert cell.locator(".n").inner_text() == "3"
    cell.click()
    want = api_ids(site, "admin", "abuse", channel="abuse-e3")
    assert sorted(want) == sorted(ids["insults"])
    assert wait_ids(page, want) == want
    assert "queue=abuse" in page.url
    assert "3 open in abuse" in page.locator("#status").inner_text()
    # the tag filter: abuse in urgent is the abusive complaint only, as the API has it
    page.locator("#queues button[data-queue='urgent']").click()
    page.get_by_label("Tag", exact=True).select_option("abuse")
    want = api_ids(site, "admin", "urgent", channel="abuse-e3", tag="abuse")
    assert want == [ids["complaint"]]
    assert wait_ids(page, want) == want
    assert "tag=abuse" in page.url
    # and every queue, all channels, with tag=abuse: the API's answer
    for q in inbox.QUEUES + ["abuse"]:
        inbox.go(page, f"#queue={q}&tag=abuse")
        want = api_ids(site, "admin", q, tag="abuse")
        assert wait_ids(page, want) == want, q


def test_bulk_hide_in_the_abuse_queue_with_undo_and_no_delete(
    site: Site, new_page: Any, artifacts: Any
) -> None:
    ids = seed(site, "abuse-e4")
    page = new_page(init="window.TRIAGE_UNDO_MS = 3000;")
    sign_in(page, site, "admin", "#queue=abuse&channel=abuse-e4")
    want = api_ids(site, "admin", "abuse", channel="abuse-e4")
    assert sorted(want) == sorted(ids["insults"])
    assert wait_ids(page, want) == want
    bulk = page.get_by_role("region", name="Bulk actions on abuse")
    assert bulk.is_visible()
    assert bulk.get_by_role("button", name="Hide selected").is_visible()
    assert bulk.get_by_role("button", name="Delete selected").count() == 0  # hide only
    assert page.locator("#campaigns li").count() == 0
    # x selects the current comment; Select all selects the queue
    page.keyboard.press("x")
    page.get_by_text("1 selected").wait_for()
    assert item(page, want[0]).get_by_label(f"Select comment {want[0]}").is_checked()
    page.get_by_role("button", name="Select all").click()
    page.get_by_text("3 selected").wait_for()
    inbox.shot(page, artifacts, "abuse-selected-desktop")
    # hide, then undo within the window: nothing is sent
    page.get_by_role("button", name="Hide selected").click()
    assert wait_ids(page, []) == []
    page.get_by_text("Hiding 3 comments in").wait_for()
    page.get_by_role("button", name="Undo").click()
    page.get_by_text("Undone: nothing was hidden.").wait_for()
    assert wait_ids(page, want) == want
    page.wait_for_timeout(3500)  # past the window: still nothing sent
    assert api_ids(site, "admin", "abuse", channel="abuse-e4") == want
    assert {stored(site, i).status for i in want} == {"open"}
    # hide for real: sent when the window has passed
    page.get_by_role("button", name="Select all").click()
    page.get_by_text("3 selected").wait_for()
    page.get_by_role("button", name="Hide selected").click()
    assert wait_ids(page, []) == []
    page.get_by_text("Hid 3 comments.").wait_for(timeout=15_000)
    assert api_ids(site, "admin", "abuse", channel="abuse-e4") == []
    assert {stored(site, i).status for i in want} == {"hidden"}
    wait_js(
        page,
        "document.querySelector(\"#queues button[data-queue='abuse'] .n\").textContent === '0'",
    )
    # urgent (the abusive complaint) has no bulk actions: it is a customer's to answer
    page.locator("#queues button[data-queue='urgent']").click()
    wait_js(page, "document.getElementById('bulk').hidden")
    assert stored(site, ids["complaint"]).status == "open"
    # and the spam queue keeps its delete
    page.locator("#queues button[data-queue='spam']").click()
    page.get_by_role("button", name="Delete selected").wait_for()


def test_relabel_with_abuse_and_a_priority_reaches_the_export(
    site: Site, new_page: Any, artifacts: Any
) -> None:
    ids = seed(site, "abuse-e5")
    page = new_page()
    sign_in(page, site, "admin", "#queue=urgent&channel=abuse-e5")
    want = api_ids(site, "admin", "urgent", channel="abuse-e5")
    assert wait_ids(page, want) == want
    target = ids["fair"]
    item(page, target).get_by_role("button", name=f"Relabel comment {target}").click()
    form = item(page, target).locator("form.relabel")
    form.wait_for()
    assert form.get_by_label("abuse", exact=True).is_visible()
    priority = form.get_by_role("group", name="Priority")
    levels = ("high", "normal", "low")
    # nothing chosen for the moderator (the model's record has no level to offer)
    assert not any(priority.get_by_label(p, exact=True).is_checked() for p in levels)
    inbox.shot(page, artifacts, "relabel-abuse-desktop")
    form.get_by_label("abuse", exact=True).check()
    priority.get_by_label("high", exact=True).check()
    form.get_by_role("button", name="Save correction").click()
    shown = item(page, target)
    shown.locator(".corrected").filter(has_text="priority high").wait_for()
    assert "abuse ✓" in shown.locator(".tags li").all_inner_texts()
    # the moderator was reading it: it stays shown
    assert not is_blurred(page, target)
    # stored with who, and exported for retraining with its tags and priority
    export = site.get("admin", "/v1/labels/export", channel="abuse-e5")
    rows = [json.loads(line) for line in export.splitlines() if line]
    (row,) = [r for r in rows if r["external_id"] == "abuse-e5-4"]
    assert row["text"] == FAIR_COMPLAINT
    assert set(row["tags"]) == {"complaint", "abuse"}
    assert row["priority"] == "high"
    assert row["labelled_by"].startswith(DEMO_KEY_PREFIX)
    # the form again: the stored priority is chosen; change it to low
    shown.get_by_role("button", name=f"Relabel comment {target}").click()
    form = item(page, target).locator("form.relabel")
    form.wait_for()
    priority = form.get_by_role("group", name="Priority")
    assert priority.get_by_label("high", exact=True).is_checked()
    priority.get_by_label("low", exact=True).check()
    form.get_by_role("button", name="Save correction").click()
    item(page, target).locator(".corrected").filter(has_text="priority low").wait_for()
    export = site.get("admin", "/v1/labels/export", channel="abuse-e5")
    rows = [json.loads(line) for line in export.splitlines() if line]
    (row,) = [r for r in rows if r["external_id"] == "abuse-e5-4"]
    assert (row["priority"], set(row["tags"])) == ("low", {"complaint", "abuse"})
