"""Spam campaigns: near-identical comments from several authors within a time window.

Pure functions; :mod:`triage.service.moderation` feeds them rows and stores the result.

1. :func:`campaign_key` reduces a comment to a *skeleton*: :func:`triage.pipeline.text.fold` (lower case,
   URLs, mentions, phone numbers and numbers masked, elongations shortened), then everything that
   is not a letter or a space dropped (emoji, punctuation, digits). "🔥 WIN $500 at http://x.co/a"
   and "win $800!! at https://y.io/b 🎁" have the same skeleton. Only candidates get one: texts
   with a link, phone number, e-mail address or mention, or with P(spam) over a threshold, and
   long enough to mean something (so "thanks!" from ten people is not a campaign).
2. :func:`similarity` is the Jaccard overlap of the skeletons' character 3-grams, so a few
   edited characters still match. Skeletons are cut to :data:`KEY_CHARS` characters first, which
   bounds what one comparison costs (a 5,000-character text compares like its first 1,000).
3. Comparing every new comment with every recent one costs ``new x pool`` comparisons (a flood of
   400 long comments took 45 s). Instead each candidate gets a MinHash fingerprint
   (:func:`fingerprint`: :data:`BANDS` x :data:`ROWS` minimum hashes of its 3-grams), cut into
   bands; each band is one *bucket* (:func:`buckets`), stored with the comment
   (``campaign_buckets``). Only comments that share a bucket are compared, and at most
   :data:`MAX_CANDIDATES` of them per new comment (the closest in time): the work grows with the
   number of new comments, not with the pool. Two skeletons with a 3-gram Jaccard of 0.7 share a
   bucket with probability 0.987, at 0.8 with 0.9998 (``1 - (1 - s**ROWS)**BANDS``). Among
   the candidates, comments already in a campaign come first, so a new burst joins it.
4. :func:`group` puts each new candidate with the similar ones posted within the window: it
   joins their campaign if they have one, or starts one when the group has at least
   ``min_authors`` distinct authors (a comment without an author counts as its own author).

>>> campaign_key("🔥 WIN $500 today at http://x.co/a 🔥", p_spam=0.1)
'at httpurl today win'
>>> campaign_key("thanks!", p_spam=0.9) is None
True
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from triage.pipeline.text import fold

__all__ = [
    "BANDS",
    "KEY_CHARS",
    "MAX_CANDIDATES",
    "ROWS",
    "Assignment",
    "Candidate",
    "buckets",
    "campaign_key",
    "fingerprint",
    "group",
    "shingles",
    "similarity",
]

_CONTACT = re.compile(r"\b(?:httpurl|phonenum|emailaddr)\b|@user")
_NOT_LETTER = re.compile(r"[^\w\s]|[\d_]")
_SPACE = re.compile(r"\s+")

#: Skeletons shorter than this carry too little to call two comments the same campaign.
MIN_KEY_CHARS = 12
#: Skeletons are cut to this length: it bounds the cost of fingerprinting and comparing one.
KEY_CHARS = 1000
#: LSH bands, and minimum hashes per band, of a fingerprint (64 hashes in all).
BANDS = 16
ROWS = 4
#: A new comment is compared with at most this many bucket-sharing comments (closest in time).
MAX_CANDIDATES = 50


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
    key = " ".join(sorted(words)) if len(words) <= 8 else skeleton
    return key[:KEY_CHARS].rstrip()


def shingles(key: str, k: int = 3) -> frozenset[str]:
    """Character ``k``-grams of a skeleton (padded so short words count too)."""
    padded = f" {key} "
    return frozenset(padded[i : i + k] for i in range(max(1, len(padded) - k + 1)))


# Fixed seeds: buckets are stored, so every process and every version must hash alike (a change
# here needs a migration that recomputes campaign_buckets).
def _constants(label: str) -> np.ndarray:
    return np.array(
        [
            int.from_bytes(
                hashlib.blake2b(f"{label}{i}".encode(), digest_size=8).digest(), "little"
            )
            for i in range(BANDS * ROWS)
        ],
        dtype=np.uint64,
    )


_MULT = _constants("triage-minhash-mult-") | np.uint64(1)
_ADD = _constants("triage-minhash-add-")


def _splitmix(x: np.ndarray) -> np.ndarray:
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def fingerprint(key: str) -> np.ndarray:
    """MinHash of a skeleton's 3-grams (as :func:`shingles`): ``BANDS * ROWS`` uint32 values.

    Two skeletons agree in each value with probability equal to their 3-gram Jaccard.
    """
    padded = f" {key[:KEY_CHARS]} "
    if len(padded) < 3:
        padded = padded.ljust(3)
    codes = np.frombuffer(padded.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    grams = (codes[:-2] << np.uint64(42)) ^ (codes[1:-1] << np.uint64(21)) ^ codes[2:]
    mixed = _splitmix(np.unique(grams))
    hashed = (mixed[:, None] * _MULT[None, :] + _ADD[None, :]) >> np.uint64(32)
    return hashed.min(axis=0).astype("<u4")


def buckets(key: str) -> list[int]:
    """The LSH buckets of a skeleton: one signed 64-bit number per band of its fingerprint.

    >>> buckets("win cash now at httpurl") == buckets("win cash now at httpurl")
    True
    >>> len(buckets("win cash now at httpurl"))
    16
    """
    sig = fingerprint(key).reshape(BANDS, ROWS)
    return [
        int.from_bytes(
            hashlib.blake2b(bytes([band]) + sig[band].tobytes(), digest_size=8).digest(),
            "little",
            signed=True,
        )
        for band in range(BANDS)
    ]


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
    #: Its LSH buckets (all of them, or those a lookup matched); ``None``: computed from ``key``.
    buckets: tuple[int, ...] | None = None


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
    max_candidates: int = MAX_CANDIDATES,
) -> list[Assignment]:
    """Campaign assignments for ``new`` candidates, given the ``pool`` of recent ones.

    ``pool`` may contain the new candidates too. Items already in a campaign stay there. A new
    candidate is compared only with items that share an LSH bucket with it, at most
    ``max_candidates`` of them (campaign members first, then the closest in time): the cost is
    linear in ``len(new)``.
    """
    items = {c.id: c for c in pool} | {c.id: c for c in new}
    index: dict[int, list[int]] = {}
    for c in items.values():
        for b in c.buckets if c.buckets is not None else buckets(c.key):
            index.setdefault(b, []).append(c.id)
    sets: dict[str, frozenset[str]] = {}  # by key: identical skeletons are shingled once

    def shingled(c: Candidate) -> frozenset[str]:
        found = sets.get(c.key)
        if found is None:
            found = sets[c.key] = shingles(c.key)
        return found

    ref: dict[int, int | str] = {
        i: c.campaign_id for i, c in items.items() if c.campaign_id is not None
    }
    added: dict[int | str, list[int]] = {}
    for n in sorted(new, key=lambda c: (c.created_at, c.id)):
        if n.id in ref:
            continue
        near = {
            i
            for b in (n.buckets if n.buckets is not None else buckets(n.key))
            for i in index.get(b, ())
            if i != n.id
        }
        close = sorted(
            (
                c
                for c in (items[i] for i in near)
                if abs(c.created_at - n.created_at) <= window
                and _close_lengths(c.key, n.key, threshold)
            ),
            # Members of a campaign first (joining one is what matters), then the closest in time.
            key=lambda c: (c.id not in ref, abs(c.created_at - n.created_at), c.id),
        )[:max_candidates]
        similar = [
            c for c in close if c.key == n.key or similarity(shingled(c), shingled(n)) >= threshold
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
