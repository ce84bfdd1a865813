"""Spam campaigns: near-identical comments from several authors within a time window.

Pure functions; :mod:`triage.service.moderation` feeds them rows and stores the result.

1. :func:`campaign_key` reduces a comment to a *skeleton*: :func:`triage.pipeline.text.fold` (lower case,
   URLs, mentions, phone numbers and numbers masked, elongations shortened), then everything that
   is not a letter or a space dropped (emoji, punctuation, digits). "🔥 WIN $500 at http://x.co/a"
   and "win $800!! at https://y.io/b 🎁" have the same skeleton. Only candidates get one: texts
   with a link, phone number, e-mail address or mention, or with P(spam) over a threshold, and
   long enough to mean something (so "thanks!" from ten people is not a campaign).
2. :func:`similarity` is the Jaccard overlap of the skeletons' character 3-grams, so a few
   edited characters still match.
3. :func:`group` puts each new candidate with the similar ones posted within the window: it
   joins their campaign if they have one, or starts one when the group has at least
   ``min_authors`` distinct authors (a comment without an author counts as its own author).

>>> campaign_key("🔥 WIN $500 today at http://x.co/a 🔥", p_spam=0.1)
'at httpurl today win'
>>> campaign_key("thanks!", p_spam=0.9) is None
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from triage.pipeline.text import fold

__all__ = ["Assignment", "Candidate", "campaign_key", "group", "shingles", "similarity"]

_CONTACT = re.compile(r"\b(?:httpurl|phonenum|emailaddr)\b|@user")
_NOT_LETTER = re.compile(r"[^\w\s]|[\d_]")
_SPACE = re.compile(r"\s+")

#: Skeletons shorter than this carry too little to call two comments the same campaign.
MIN_KEY_CHARS = 12


def campaign_key(text: str, p_spam: float, min_p_spam: float = 0.5) -> str | None:
    """The skeleton of a campaign candidate, or ``None`` if the comment is not one.

    The words of short skeletons (8 words or fewer) are sorted, since short spam is often
    reshuffled; longer ones keep their order. See the module docstring for what is dropped.
    """
    folded = fold(text)
    if p_spam < min_p_spam and not _CONTACT.search(folded):
        return None
    skeleton = _SPACE.sub(" ", _NOT_LETTER.sub(" ", folded)).strip()
    if len(skeleton) < MIN_KEY_CHARS:
        return None
    words = skeleton.split(" ")
    return " ".join(sorted(words)) if len(words) <= 8 else skeleton


def shingles(key: str, k: int = 3) -> frozenset[str]:
    """Character ``k``-grams of a skeleton (padded so short words count too)."""
    padded = f" {key} "
    return frozenset(padded[i : i + k] for i in range(max(1, len(padded) - k + 1)))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard overlap of two shingle sets, in [0, 1]."""
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored or new campaign candidate."""

    id: int
    author: str | None
    created_at: datetime
    key: str
    campaign_id: int | None = None


@dataclass(frozen=True, slots=True)
class Assignment:
    """Put ``members`` into campaign ``campaign_id``, or into a new campaign when it is ``None``."""

    campaign_id: int | None
    members: tuple[int, ...]


def _authors(items: Sequence[Candidate]) -> int:
    return len({c.author if c.author is not None else f"#{c.id}" for c in items})


def group(
    new: Sequence[Candidate],
    pool: Sequence[Candidate],
    *,
    window: timedelta,
    threshold: float = 0.7,
    min_authors: int = 3,
) -> list[Assignment]:
    """Campaign assignments for ``new`` candidates, given the ``pool`` of recent ones.

    ``pool`` may contain the new candidates too. Items already in a campaign stay there.
    """
    items = {c.id: c for c in pool} | {c.id: c for c in new}
    sets = {i: shingles(c.key) for i, c in items.items()}
    ref: dict[int, int | str] = {
        i: c.campaign_id for i, c in items.items() if c.campaign_id is not None
    }
    added: dict[int | str, list[int]] = {}
    for n in sorted(new, key=lambda c: (c.created_at, c.id)):
        if n.id in ref:
            continue
        similar = [
            c
            for c in items.values()
            if c.id != n.id
            and abs(c.created_at - n.created_at) <= window
            and _close_lengths(c.key, n.key, threshold)
            and similarity(sets[c.id], sets[n.id]) >= threshold
        ]
        joined = sorted(
            {ref[c.id] for c in similar if c.id in ref}, key=lambda r: (isinstance(r, str), str(r))
        )
        free = [n, *(c for c in similar if c.id not in ref)]
        if joined:
            target: int | str = joined[0]
        elif _authors(free) >= min_authors:
            target = f"new{len(added)}"
        else:
            continue
        for c in free:
            ref[c.id] = target
            added.setdefault(target, []).append(c.id)
    return [Assignment(t if isinstance(t, int) else None, tuple(ids)) for t, ids in added.items()]


def _close_lengths(a: str, b: str, threshold: float) -> bool:
    # Jaccard reaches `threshold` only if the shorter text is at least that fraction of the longer.
    short, long_ = sorted((len(a), len(b)))
    return short >= threshold * long_ - 3
