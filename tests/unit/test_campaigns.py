"""Campaign grouping, as pure functions."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from triage.service import campaigns
from triage.service.campaigns import Candidate, campaign_key, group, shingles, similarity

T0 = datetime(2026, 11, 1, 12)
HOUR = timedelta(hours=1)
#: The first two buckets of "win cash now at httpurl" (campaign_buckets stores them).
PINNED_BUCKETS = [99624848439872850, 33989039080460878]


def key(text: str) -> str:
    k = campaign_key(text, p_spam=0.0)
    assert k is not None, text
    return k


def test_skeletons_ignore_links_numbers_emoji_and_case() -> None:
    a = key("🔥 Earn $500 a day from home! DM me or visit http://bit.ly/abc 🔥")
    b = key("earn $1200 a day from home!!! dm me or visit https://tinyurl.com/x 💰💰")
    assert a == b


def test_small_edits_stay_similar_and_different_texts_do_not() -> None:
    a = shingles(key("Earn 500 a day from home, DM me or visit http://bit.ly/abc"))
    typo = shingles(key("Earn 500 a day frm home, DM me or vist http://bit.ly/abc"))
    other = shingles(key("My order from http://shop.com/o/1 never arrived, please help"))
    assert similarity(a, typo) >= 0.7 > 0.3 > similarity(a, other)


def test_only_candidates_get_a_key() -> None:
    assert campaign_key("thanks!", p_spam=0.99) is None  # too short to mean anything
    assert (
        campaign_key("I love the new collection so much", p_spam=0.1) is None
    )  # no link, not spammy
    assert campaign_key("I love the new collection so much", p_spam=0.9) is not None
    assert campaign_key("write to me at 0912 345 678 for the best prices", p_spam=0.0) is not None


def cand(
    i: int, author: str | None, text: str, at: datetime = T0, campaign: int | None = None
) -> Candidate:
    return Candidate(i, author, at, key(text), campaign)


SPAM = "Earn 500 a day from home, DM me or visit http://bit.ly/abc"


def test_three_authors_make_a_campaign_two_do_not() -> None:
    two = [cand(1, "a", SPAM), cand(2, "b", SPAM)]
    assert group(two, two, window=HOUR, min_authors=3) == []
    three = [*two, cand(3, "c", SPAM)]
    (a,) = group(three, three, window=HOUR, min_authors=3)
    assert a.campaign_id is None
    assert sorted(a.members) == [1, 2, 3]


def test_one_author_repeating_is_not_a_campaign() -> None:
    same = [cand(i, "a", SPAM) for i in range(5)]
    assert group(same, same, window=HOUR, min_authors=3) == []


def test_comments_outside_the_window_do_not_group() -> None:
    spread = [cand(i, f"u{i}", SPAM, T0 + i * 2 * HOUR) for i in range(4)]
    assert group(spread, spread, window=HOUR, min_authors=3) == []


def test_a_new_comment_joins_an_existing_campaign() -> None:
    pool = [cand(i, f"u{i}", SPAM, campaign=7) for i in range(3)]
    new = [cand(10, "late", SPAM.replace("home", "hom"), T0 + HOUR / 2)]
    assert [(a.campaign_id, a.members) for a in group(new, pool + new, window=HOUR)] == [(7, (10,))]


def test_two_different_bursts_are_two_campaigns() -> None:
    other = "Follow @cheap_followers for 10k followers in one day, link in bio httpurl"
    items = [cand(i, f"u{i}", SPAM) for i in range(3)] + [
        cand(10 + i, f"v{i}", other) for i in range(3)
    ]
    found = sorted(sorted(a.members) for a in group(items, items, window=HOUR, min_authors=3))
    assert found == [[0, 1, 2], [10, 11, 12]]


def test_grouping_is_linear_not_all_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A flood of long near-identical comments plus as many unrelated ones: each new comment is
    compared only with comments sharing a fingerprint bucket, at most MAX_CANDIDATES of them
    (all pairs would be 600 x 600 comparisons of 1,000-character skeletons)."""
    calls = [0]
    real = campaigns.similarity

    def counting(a: frozenset[str], b: frozenset[str]) -> float:
        calls[0] += 1
        return real(a, b)

    monkeypatch.setattr(campaigns, "similarity", counting)
    rng = random.Random(5)
    words = ["cash", "bonus", "today", "winner", "click", "free", "prize", "claim", "offer"]
    base = " ".join(rng.choice(words) for _ in range(300)) + " http://bit.ly/win"
    flood = []
    for i in range(300):  # one character dropped somewhere: near-identical, never identical
        pos = rng.randrange(len(base) - 20)
        flood.append(cand(i, f"bot{i}", base[:pos] + base[pos + 1 :]))
    letters = "abcdefghijklmnopqrstuvwxyz"

    def gibberish() -> str:
        return " ".join("".join(rng.choices(letters, k=rng.randint(3, 9))) for _ in range(40))

    unrelated = [cand(1000 + i, f"u{i}", gibberish() + " http://shop.example/") for i in range(300)]
    items = flood + unrelated
    found = group(items, items, window=HOUR, min_authors=3)
    assert [sorted(a.members) for a in found] == [list(range(300))]
    assert calls[0] <= len(items) * campaigns.MAX_CANDIDATES < len(items) ** 2 // 5


def test_fingerprint_buckets_find_near_duplicates_and_are_stable() -> None:
    a = key("Earn 500 a day from home, DM me or visit http://bit.ly/abc")
    typo = key("Earn 500 a day frm home, DM me or vist http://bit.ly/abc")
    other = key("My order from http://shop.com/o/1 never arrived, please help")
    assert set(campaigns.buckets(a)) & set(campaigns.buckets(typo))
    assert not set(campaigns.buckets(a)) & set(campaigns.buckets(other))
    # stored in the database: the same in every process and version (pinned values)
    assert campaigns.buckets("win cash now at httpurl")[:2] == PINNED_BUCKETS
