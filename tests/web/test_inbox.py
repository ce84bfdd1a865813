"""The moderator inbox in a real browser (headless Debian Chromium via Playwright) against a real
``triage serve`` on SQLite: sign in, ranked order, filters, claim, resolve, relabel, bulk hide
with undo, the review list (active learning), right-to-left text, channel isolation, live
refresh. Screenshots of the main views go to tests/web/artifacts/ (desktop and phone widths)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from sqlalchemy import update

from tests.api.helpers import spam_burst
from tests.web.conftest import DESKTOP, PHONE, PROMO, Site
from triage.service.api.serve import DEMO_KEY_PREFIX
from triage.service.auth import SESSION_COOKIE
from triage.service.store import Database
from triage.service.store.models import Channel, StoredComment
from triage.service.store.repo import get_comment

pytestmark = pytest.mark.slow

QUEUES = ["urgent", "questions", "spam", "praise", "other"]
ITEMS = "#items > li.item"


# --- helpers -------------------------------------------------------------------------------------


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    """``new_page(viewport=..., init=...)``: a page in a fresh browser context (no cookies)."""
    contexts: list[Any] = []
    errors: list[str] = []  # uncaught script errors of any page

    def make(viewport: dict[str, int] = DESKTOP, init: str | None = None) -> Any:
        context = browser.new_context(viewport=viewport, locale="en-GB", timezone_id="UTC")
        contexts.append(context)
        if init:
            context.add_init_script(init)
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert errors == []


def sign_in(page: Any, site: Site, who: str, hash_: str = "") -> None:
    page.goto(f"{site.url}/login")
    page.get_by_label("API key").fill(site.keys[who])
    page.get_by_role("button", name="Sign in").click()
    page.locator("body[data-ready='1']").wait_for()
    if hash_:
        go(page, hash_)


def wait_js(page: Any, expression: str, timeout: float = 15.0) -> None:
    """Wait until a JS expression is truthy (page.wait_for_function would need 'unsafe-eval',
    which the page's Content-Security-Policy rightly refuses)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout}s: {expression}"
        page.wait_for_timeout(100)


def go(page: Any, hash_: str) -> None:
    """Change the filters through the address (as a bookmark would) and wait for the list."""
    renders = int(page.locator("body").get_attribute("data-renders") or 0)
    page.evaluate("h => { location.hash = h; }", hash_)
    wait_js(page, f"Number(document.body.dataset.renders) > {renders}")


def dom_ids(page: Any) -> list[int]:
    return list(page.locator(ITEMS).evaluate_all("els => els.map(e => Number(e.dataset.id))"))


def wait_ids(page: Any, want: list[int], timeout: float = 15.0) -> list[int]:
    """The ids shown, once they equal ``want`` (or whatever they are after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while True:
        got = dom_ids(page)
        if got == want or time.monotonic() > deadline:
            return got
        page.wait_for_timeout(100)


def api_ids(site: Site, who: str, queue: str, **filters: str) -> list[int]:
    items = site.get(who, f"/v1/queues/{queue}", limit="50", **filters)["items"]
    return [i["id"] for i in items]


def stored(site: Site, comment_id: int) -> Any:
    db = Database(site.db_url)
    try:
        with db.read() as s:
            row = get_comment(s, comment_id)
    finally:
        db.dispose()
    assert row is not None
    return row[0]


def shot(page: Any, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=False)


# --- tests ---------------------------------------------------------------------------------------


def test_sign_in_and_ranked_queues_match_the_api(
    site: Site, new_page: Any, artifacts: Path
) -> None:
    page = new_page()
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    page.goto(f"{site.url}/")
    assert page.url == f"{site.url}/login"  # not signed in: the sign-in form
    shot(page, artifacts, "login-desktop")
    sign_in(page, site, "admin")
    # the key is in an HttpOnly, SameSite=Strict cookie, never in an address
    cookie = next(c for c in page.context.cookies() if c["name"] == SESSION_COOKIE)
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie") == ""
    assert not [u for u in urls if site.keys["admin"] in u]
    assert "admin" in page.locator("#whoami").inner_text()
    # counts per channel and queue, as the API has them
    counts = site.get("admin", "/v1/queues")["channels"]
    for c in counts:
        for q in QUEUES:
            cell = page.locator(
                f"#overview button.qcount[data-channel='{c['channel']}'][data-queue='{q}']"
            )
            assert cell.locator(".n").inner_text() == str(c["queues"][q]["open"])
    for q in QUEUES:
        total = sum(c["queues"][q]["open"] for c in counts)
        assert page.locator(f"#queues button[data-queue='{q}'] .n").inner_text() == str(total)
    # every queue in the API's order; the first one (urgent) is shown after signing in
    assert wait_ids(page, api_ids(site, "admin", "urgent")) == api_ids(site, "admin", "urgent")
    shot(page, artifacts, "inbox-desktop")
    for q in QUEUES:
        page.locator(f"#queues button[data-queue='{q}']").click()
        want = api_ids(site, "admin", q)
        assert want, q
        assert wait_ids(page, want) == want, q
    # each item shows its text, language, sentiment, tags with probabilities, priority, reasons, age
    first = site.get("admin", "/v1/queues/urgent", limit="1")["items"][0]
    page.locator("#queues button[data-queue='urgent']").click()
    item = page.locator(f"{ITEMS}[data-id='{first['id']}']")
    assert item.locator(".text").inner_text() == first["text"]
    assert item.locator(".text").get_attribute("dir") == "auto"
    assert item.locator(".lang").inner_text() == first["lang"]
    assert first["sentiment"] in item.locator(".sent").inner_text()
    assert item.locator(".prio").inner_text() == str(first["priority"])
    for tag in first["tags"]:
        assert f"{tag} {first['p_' + tag]:.2f}" in item.locator(".tags").inner_text()
    assert first["reasons"][0] in item.locator(".why").inner_text()
    assert item.locator("time.age").inner_text().endswith(("d", "h", "min", "now"))
    # filters: channel, tag, language, search; each the API's answer for the same filters
    page.get_by_label("Channel", exact=True).select_option("shop-a")
    assert wait_ids(page, api_ids(site, "admin", "urgent", channel="shop-a")) == api_ids(
        site, "admin", "urgent", channel="shop-a"
    )
    page.get_by_label("Tag", exact=True).select_option("complaint")
    want = api_ids(site, "admin", "urgent", channel="shop-a", tag="complaint")
    assert wait_ids(page, want) == want
    page.get_by_label("Tag", exact=True).select_option("")
    page.get_by_label("Language", exact=True).select_option("vi")
    want = api_ids(site, "admin", "urgent", channel="shop-a", lang="vi")
    assert want
    assert wait_ids(page, want) == want
    page.get_by_label("Language", exact=True).select_option("")
    page.locator("#queues button[data-queue='questions']").click()
    page.get_by_label("Search", exact=True).fill("size")
    want = api_ids(site, "admin", "questions", channel="shop-a", q="size")
    assert want
    assert wait_ids(page, want) == want
    assert all("size" in t.lower() for t in page.locator(f"{ITEMS} .text").all_inner_texts())
    # phone width: the same page, one column, nothing wider than the screen
    page.get_by_label("Search", exact=True).fill("")
    want = api_ids(site, "admin", "questions", channel="shop-a")
    assert wait_ids(page, want) == want
    page.set_viewport_size(PHONE)
    go(page, "#queue=urgent")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, artifacts, "inbox-phone")
    page.screenshot(path=str(artifacts / "inbox-phone-full.png"), full_page=True)


def test_every_control_has_an_accessible_name(site: Site, new_page: Any) -> None:
    page = new_page()
    sign_in(page, site, "admin", "#queue=spam")
    page.keyboard.press("l")  # the relabel form's controls too
    page.locator("form.relabel").wait_for()
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('button, input, select')].filter(el => {
            if (el.closest('[hidden]')) return false;
            const labelled = el.labels && el.labels.length > 0;
            const named = (el.getAttribute('aria-label') || '').trim() || el.textContent.trim();
            return !labelled && !named;
        }).map(el => el.outerHTML.slice(0, 80))"""
    )
    assert unnamed == []


def test_a_score_key_cannot_sign_in(site: Site, new_page: Any, artifacts: Path) -> None:
    page = new_page()
    page.goto(f"{site.url}/login")
    page.get_by_label("API key").fill(site.keys["score"])
    page.get_by_role("button", name="Sign in").click()
    error = page.locator("#login-error")
    error.wait_for(state="visible")
    assert "role score" in error.inner_text()
    assert "moderate or admin" in error.inner_text()
    shot(page, artifacts, "login-refused")
    assert page.url == f"{site.url}/login"
    assert [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE] == []
    page.get_by_label("API key").fill("trg_nothere_" + "x" * 43)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Unknown or revoked API key.").wait_for()
    page.goto(f"{site.url}/")
    assert page.url == f"{site.url}/login"


#: Complaints that the keyboard test pins to shop-a's ``urgent`` queue (so that the queue has three
#: items whatever the model makes of the demo comments there)
KEYBOARD_COMPLAINTS = [
    "Charged twice for order 88123 and nobody answers, I want my money back today",
    "Third day without internet and support keeps hanging up on me",
    "The parcel was never delivered but the app says delivered, where is it?",
]


def test_claim_and_resolve_with_the_keyboard(site: Site, new_page: Any) -> None:
    body = {"channel": "shop-a", "comments": [
        {"external_id": f"keyboard-{i}", "text": t} for i, t in enumerate(KEYBOARD_COMPLAINTS)]}
    r = site.post("admin", "/v1/comments", body)
    assert r.status_code == 200, r.text
    db = Database(site.db_url)
    try:
        with db.write() as s:
            s.execute(update(StoredComment).where(StoredComment.id.in_([i["id"] for i in r.json()["items"]]))
                      .values(queue="urgent", tag_complaint=True))
    finally:
        db.dispose()
    page = new_page()
    sign_in(page, site, "alice", "#queue=urgent&channel=shop-a")
    ids = api_ids(site, "alice", "urgent", channel="shop-a")
    assert len(ids) >= 3
    assert wait_ids(page, ids) == ids
    assert page.locator(f"{ITEMS}.current").get_attribute("data-id") == str(ids[0])
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    current = page.locator(f"{ITEMS}[aria-current='true']")
    assert current.get_attribute("data-id") == str(ids[1])
    page.keyboard.press("c")
    claim = page.locator(f"{ITEMS}[data-id='{ids[1]}'] .claim")
    claim.filter(has_text="Claimed by you until").wait_for()
    item = next(
        i
        for i in site.get("alice", "/v1/queues/urgent", channel="shop-a")["items"]
        if i["id"] == ids[1]
    )
    assert item["claimed_by"] == "alice"
    assert item["claim_expires_at"]
    until = item["claim_expires_at"][11:16]  # HH:MM, the page runs in UTC
    assert until in claim.inner_text()
    # bob sees who holds it and cannot resolve it meanwhile
    assert (
        site.post("bob", f"/v1/comments/{ids[1]}/resolve", {"action": "hidden"}).status_code == 409
    )
    bob = new_page()
    sign_in(bob, site, "bob", "#queue=urgent&channel=shop-a")
    held = bob.locator(f"{ITEMS}[data-id='{ids[1]}']")
    assert f"Claimed by alice until {until}" in held.locator(".claim").inner_text()
    assert held.locator("button.act-claim").is_disabled()
    # the button does the same as the key
    page.locator(f"{ITEMS}[data-id='{ids[2]}'] button.act-claim").click()
    page.locator(f"{ITEMS}[data-id='{ids[2]}'] .claim").filter(has_text="Claimed by you").wait_for()
    # resolve: r opens the choice of action, then a button (or 1-4)
    page.locator(f"{ITEMS}[data-id='{ids[1]}']").click()
    page.keyboard.press("r")
    page.get_by_role("button", name="Replied").click()
    assert wait_ids(page, [i for i in ids if i != ids[1]]) == [i for i in ids if i != ids[1]]
    row = stored(site, ids[1])
    assert (row.status, row.resolved_by, row.claimed_by) == ("replied", "alice", None)
    page.keyboard.press("r")
    page.keyboard.press("4")  # dismissed, on the item now current
    wait_js(page, f"!document.querySelector(\"{ITEMS}[data-id='{ids[2]}']\")")
    assert stored(site, ids[2]).status == "dismissed"


def test_relabel_in_place_stores_the_correction(site: Site, new_page: Any, artifacts: Path) -> None:
    page = new_page()
    sign_in(page, site, "alice", "#queue=praise&channel=shop-a")
    ids = api_ids(site, "alice", "praise", channel="shop-a")
    assert ids
    assert wait_ids(page, ids) == ids
    target = ids[0]
    page.keyboard.press("l")
    form = page.locator(f"{ITEMS}[data-id='{target}'] form.relabel")
    form.wait_for()
    shot(page, artifacts, "relabel-desktop")
    form.get_by_label("negative").check()
    for tag in ("question", "complaint", "spam", "praise"):
        form.get_by_label(tag).set_checked(tag in ("complaint", "question"))
    form.get_by_role("button", name="Save correction").click()
    item = page.locator(f"{ITEMS}[data-id='{target}']")
    item.locator(".corrected").filter(has_text="Corrected by you").wait_for()
    assert "negative" in item.locator(".sent").inner_text()
    assert item.locator(".tags li").all_inner_texts() == ["question ✓", "complaint ✓"]
    export = site.get("alice", "/v1/labels/export", channel="shop-a")
    rows = [json.loads(line) for line in export.splitlines() if line]
    comment = next(i for i in site.get("alice", "/v1/queues/praise")["items"] if i["id"] == target)
    row = next(r for r in rows if r["external_id"] == comment["external_id"])
    assert (row["sentiment"], row["tags"], row["labelled_by"]) == (
        "negative",
        ["question", "complaint"],
        "alice",
    )
    assert row["text"] == comment["text"]


def test_review_lists_the_least_certain_first_and_a_label_takes_it_off(
    site: Site, new_page: Any, artifacts: Path
) -> None:
    page = new_page()
    sign_in(page, site, "alice", "#queue=review&channel=shop-a")
    items = site.get("alice", "/v1/queues/review", channel="shop-a", limit="50")["items"]
    want = [i["id"] for i in items]
    assert len(want) >= 3
    assert wait_ids(page, want) == want
    assert [i["uncertainty"] for i in items] == sorted(
        (i["uncertainty"] for i in items), reverse=True
    )
    first = page.locator(f"{ITEMS}[data-id='{want[0]}']")
    unsure = first.locator(".unsure").inner_text()
    assert f"Unsure {items[0]['uncertainty']:.2f}" in unsure
    assert items[0]["uncertainty_reason"] in unsure
    assert "to label, least certain first" in page.locator("#status").inner_text()
    # a list for labelling: relabel only; the tag and search filters do not apply to it
    assert first.locator("button.act-claim, button.act-resolve").count() == 0
    assert page.get_by_label("Tag", exact=True).is_disabled()
    assert page.get_by_label("Search", exact=True).is_disabled()
    shot(page, artifacts, "review-desktop")
    # label the current (least certain) comment: it leaves the list, the next one is current
    page.keyboard.press("l")
    form = first.locator("form.relabel")
    form.wait_for()
    form.get_by_label("neutral").check()
    form.get_by_role("button", name="Save correction").click()
    wait_js(page, f"!document.querySelector(\"{ITEMS}[data-id='{want[0]}']\")")
    assert page.locator(f"{ITEMS}.current").get_attribute("data-id") == str(want[1])
    after = [
        i["id"]
        for i in site.get("alice", "/v1/queues/review", channel="shop-a", limit="50")["items"]
    ]
    assert want[0] not in after
    assert after[: len(want) - 1] == want[1:]
    export = site.get("alice", "/v1/labels/export", channel="shop-a")
    rows = [json.loads(line) for line in export.splitlines() if line]
    assert (items[0]["external_id"], "neutral", "alice") in {
        (r["external_id"], r["sentiment"], r["labelled_by"]) for r in rows
    }
    # back to a queue: claim and resolve are there again
    page.locator("#queues button[data-queue='urgent']").click()
    want = api_ids(site, "alice", "urgent", channel="shop-a")
    assert wait_ids(page, want) == want
    assert page.locator(f"{ITEMS} button.act-claim").count() == len(want)
    assert not page.get_by_label("Tag", exact=True).is_disabled()


def test_bulk_hide_spam_with_undo(site: Site, new_page: Any, artifacts: Path) -> None:
    page = new_page(init="window.TRIAGE_UNDO_MS = 3000;")
    sign_in(page, site, "admin", f"#queue=spam&channel={PROMO}")
    spam = api_ids(site, "admin", "spam", channel=PROMO)
    assert len(spam) >= 6
    assert wait_ids(page, spam) == spam
    (campaign,) = site.get("admin", "/v1/campaigns", channel=PROMO, status="open")["items"]
    members = {i for i in spam if stored(site, i).campaign_id == campaign["id"]}
    assert len(members) == campaign["size"] >= 3
    row = page.locator(f"#campaigns li[data-campaign='{campaign['id']}']")
    assert f"{campaign['size']} comments" in row.inner_text()
    # a detected campaign: hide it all, then undo within the window: nothing is sent
    row.get_by_role("button", name="Hide campaign").click()
    rest = [i for i in spam if i not in members]
    assert wait_ids(page, rest) == rest
    page.get_by_text("Hiding campaign").wait_for()
    assert row.count() == 0  # not offered again while it waits
    page.get_by_role("button", name="Undo").click()
    page.get_by_text("Undone: nothing was hidden.").wait_for()
    assert wait_ids(page, spam) == spam
    row.wait_for()
    page.wait_for_timeout(3500)  # past the window: still nothing sent
    assert api_ids(site, "admin", "spam", channel=PROMO) == spam
    assert site.get("admin", "/v1/campaigns", channel=PROMO, status="open")["items"]
    # select all, hide: the list empties at once, the request goes when the window has passed
    page.get_by_role("button", name="Select all").click()
    page.get_by_text(f"{len(spam)} selected").wait_for()
    shot(page, artifacts, "spam-selected-desktop")
    page.get_by_role("button", name="Hide selected").click()
    assert wait_ids(page, []) == []
    page.get_by_text(f"Hiding {len(spam)} comments in").wait_for()
    shot(page, artifacts, "spam-undo-desktop")
    page.get_by_text(f"Hid {len(spam)} comments.").wait_for(timeout=15_000)
    assert api_ids(site, "admin", "spam", channel=PROMO) == []
    rows = [stored(site, i) for i in spam]
    assert {r.status for r in rows} == {"hidden"}
    assert {r.resolved_by.startswith(DEMO_KEY_PREFIX) for r in rows} == {True}  # --demo's key
    assert page.locator("#queues button[data-queue='spam'] .n").inner_text() == "0"


def test_arabic_and_persian_render_right_to_left(
    site: Site, new_page: Any, artifacts: Path
) -> None:
    samples = {
        "ar": "كيف أحول خطي من مسبق الدفع إلى فاتورة",
        "fa": "بسته اینترنت شبانه رو چطوری فعال کنم",
        "en": "Any 5G coverage in Al Nahda yet",
    }
    page = new_page(viewport=PHONE)
    sign_in(page, site, "admin")
    for lang, text in samples.items():
        queue = next(q for q in QUEUES if api_ids(site, "admin", q, channel="telco-c", q=text[:12]))
        go(page, f"#queue={queue}&channel=telco-c")
        el = page.locator(f"{ITEMS} .text", has_text=text)
        el.wait_for()
        assert el.get_attribute("dir") == "auto"
        direction = el.evaluate("e => getComputedStyle(e).direction")
        assert direction == ("ltr" if lang == "en" else "rtl"), (lang, direction)
        if lang == "ar":
            el.scroll_into_view_if_needed()
            shot(page, artifacts, "rtl-phone")
    page.set_viewport_size(DESKTOP)
    shot(page, artifacts, "rtl-desktop")


def test_a_key_for_one_channel_sees_nothing_of_another(site: Site, new_page: Any) -> None:
    page = new_page()
    sign_in(page, site, "carol")  # moderate, cafe-b only
    assert page.locator("#overview section.chan").evaluate_all(
        "els => els.map(e => e.dataset.channel)"
    ) == ["", "cafe-b"]
    options = page.locator("#f-channel option").evaluate_all("els => els.map(e => e.value)")
    assert options == ["", "cafe-b"]
    for q in QUEUES:
        page.locator(f"#queues button[data-queue='{q}']").click()
        want = api_ids(site, "carol", q)
        assert wait_ids(page, want) == want
        channels = page.locator(ITEMS).evaluate_all("els => els.map(e => e.dataset.channel)")
        assert set(channels) <= {"cafe-b"}
    # asking for shop-a through the address: refused, nothing shown
    go(page, "#queue=urgent&channel=shop-a")
    assert "not allowed on channel 'shop-a'" in page.locator("#status").inner_text()
    assert dom_ids(page) == []
    # and through the cookie directly: 403 on a named channel, 404 on another channel's id
    shop_a = api_ids(site, "admin", "urgent", channel="shop-a")[0]
    status = page.evaluate(
        """async (id) => {
            const list = await fetch('/v1/queues/urgent?channel=shop-a');
            const claim = await fetch(`/v1/comments/${id}/claim`,
                {method: 'POST', headers: {'X-Triage-CSRF': '1'}});
            const csrf = await fetch(`/v1/comments/${id}/claim`, {method: 'POST'});
            return [list.status, claim.status, csrf.status];
        }""",
        shop_a,
    )
    assert status == [403, 404, 403]
    assert stored(site, shop_a).claimed_by is None


def test_new_comments_appear_without_a_reload(site: Site, new_page: Any) -> None:
    page = new_page(init="window.TRIAGE_POLL_MS = 700;")
    sign_in(page, site, "alice", "#queue=urgent&channel=shop-a")
    page.evaluate("window.__sameDocument = true")
    before = int(page.locator("#queues button[data-queue='urgent'] .n").inner_text())
    body = {
        "channel": "shop-a",
        "comments": [
            {
                "external_id": "live-1",
                "text": "Where is my refund?? Paid two weeks ago, nobody answers, terrible service",
                "author": "late.customer",
            }
        ],
    }
    r = site.post("alice", "/v1/comments", body)
    assert r.status_code == 200, r.text
    assert r.json()["items"][0]["queue"] == "urgent", r.text
    new_id = r.json()["items"][0]["id"]
    page.locator(f"{ITEMS}[data-id='{new_id}']").wait_for()
    wait_js(
        page,
        f"document.querySelector(\"#queues button[data-queue='urgent'] .n\").textContent"
        f" === '{before + 1}'",
    )
    assert page.evaluate("window.__sameDocument") is True
    want = api_ids(site, "alice", "urgent", channel="shop-a")
    assert wait_ids(page, want) == want


#: Where each word of an element's text is drawn (the left edge of its first occurrence).
WORD_X = """(el, words) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const x = {};
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        for (const w of words) {
            const i = n.data.indexOf(w);
            if (i < 0 || w in x) continue;
            const r = document.createRange();
            r.setStart(n, i);
            r.setEnd(n, i + w.length);
            x[w] = r.getBoundingClientRect().left;
        }
    }
    return words.map((w) => x[w]);
}"""


def test_a_name_with_bidi_controls_does_not_reorder_the_page(
    site: Site, new_page: Any, artifacts: Path
) -> None:
    """A channel name with U+202E (RIGHT-TO-LEFT OVERRIDE), stored before ingest stripped such
    characters, used to turn "4 comments from 4 authors" into "srohtua 4 morf stnemmoc 4"."""
    plain, evil = "bidi-e", "bidi\u202e-e"
    body = {"channel": plain, "comments": spam_burst(4, seed=7)}
    assert site.post("admin", "/v1/comments", body).status_code == 200
    db = Database(site.db_url)
    try:
        with db.write() as s:
            s.execute(update(Channel).where(Channel.name == plain).values(name=evil))
    finally:
        db.dispose()
    page = new_page()
    sign_in(page, site, "admin", f"#queue=spam&channel={quote(evil)}")
    title = page.locator("#campaigns .camp-title").first
    title.wait_for()
    assert "4 comments from 4 authors" in title.inner_text()
    xs = title.evaluate(WORD_X, ["Campaign", "comments", "from", "authors"])
    assert xs == sorted(xs), xs  # drawn left to right, as written
    status = page.locator("#status")
    xs = status.evaluate(WORD_X, ["open", "spam"])
    assert xs == sorted(xs), (status.inner_text(), xs)
    shot(page, artifacts, "bidi-desktop")


def test_api_docs_render_without_the_internet(site: Site, new_page: Any) -> None:
    page = new_page()
    elsewhere: list[str] = []

    def only_this_server(route: Any) -> None:
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:  # what an offline host would do
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_server)
    page.goto(f"{site.url}/docs")
    page.locator(".swagger-ui .info .title").filter(has_text="triage").wait_for()
    page.locator(".opblock-summary-path", has_text="/v1/analyze").first.wait_for()
    assert elsewhere == []
