"""Saved replies: the use cases behind ``/v1/replies`` and ``GET /v1/comments/{id}/suggestions``.

A saved reply belongs to one channel. When it is saved or edited, its title and its text are
embedded once with the multilingual e5 model the accurate tier uses, as shipped in the wheel
(:meth:`~triage.pipeline.embed.Embedder.plain`: without a model's fine-tuned layers, which serve
its labels, not similarity; loaded on first use, never at start-up); the stored
vector is their normalised sum, and the reply's language (given, else detected) is stored too.

A suggestion embeds the comment and ranks the channel's replies by cosine similarity after
**removing each text's language**: e5 vectors of two texts in the same language are close
whatever they say (a Vietnamese question is nearer any Vietnamese reply than the English one
that answers it), so the mean vector of the language (:data:`CENTROIDS`, one per supported
language, from the brand-page corpus) is subtracted from the comment's vector and from each
reply's before comparing. That took top-1 accuracy on benchmarks/data/replies.jsonl from 0.55
to 0.78 (benchmarks/results/replies.md). Replies below ``TRIAGE_REPLY_MIN_SCORE`` are not
suggested; when none is close, the list is empty.

Embedding runs outside any database transaction; the write that stores a reply re-reads it and
embeds again if a concurrent edit changed its text meanwhile, so a stored vector always belongs
to the stored text.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from triage.errors import InvalidRequestError, NotFoundError
from triage.pipeline.core import Pipeline
from triage.pipeline.embed import DIM, Embedder
from triage.pipeline.text import normalize
from triage.service.auth import Principal, Role
from triage.service.moderation import strip_bidi
from triage.service.settings import Settings
from triage.service.store import replies as store
from triage.service.store import repo
from triage.service.store.db import Database, utcnow
from triage.service.store.models import SavedReply

__all__ = [
    "EMBEDDING_MODEL",
    "PLACEHOLDERS",
    "ReplyInfo",
    "Suggestion",
    "create_reply",
    "delete_reply",
    "detect_lang",
    "embed_texts",
    "fill",
    "list_replies",
    "rank",
    "reply_vector",
    "reply_view",
    "suggest",
    "without_language",
    "update_reply",
]

#: What the stored vectors were computed with (kept with each reply).
EMBEDDING_MODEL = "multilingual-e5-small"
#: Placeholders filled in a suggested reply's text, and what fills them.
PLACEHOLDERS = {
    "author": "the comment's author (removed, with the space before it, when unknown)",
    "channel": "the comment's channel",
}
#: Mean e5 vector of each language (arrays ``langs``, ``centroids``; see
#: ``benchmarks/bench_replies.py --build-centroids``).
CENTROIDS = Path(__file__).resolve().parent / "reply_centroids.npz"
_PLACEHOLDER = re.compile(r"( ?)\{(" + "|".join(PLACEHOLDERS) + r")\}")
#: One embedding at a time: the first call loads the model, and the engine is not shared.
_EMBED_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class ReplyInfo:
    """A saved reply as listed: the row, its channel, and how often it was used (and when last)."""

    reply: SavedReply
    channel: str
    uses: int
    last_used_at: datetime | None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A saved reply suggested for a comment: its text with the placeholders filled in."""

    reply_id: int
    title: str
    text: str
    lang: str | None
    score: float


def fill(text: str, values: Mapping[str, str | None]) -> str:
    """A reply's text with ``{author}`` and ``{channel}`` filled in; other braces stay.

    >>> fill("Hi {author}, thanks for writing to {channel}!", {"author": "Lan", "channel": "shop"})
    'Hi Lan, thanks for writing to shop!'
    >>> fill("Hi {author}, see {order}.", {"author": None})
    'Hi, see {order}.'
    """

    def sub(m: re.Match[str]) -> str:
        value = values.get(m.group(2))
        return m.group(1) + value if value else ""

    return _PLACEHOLDER.sub(sub, text)


def reply_view(title: str, text: str) -> list[str]:
    """What is embedded for a reply: its title, and its text without placeholders (the stored
    vector is the normalised sum of the two).

    >>> reply_view("Shipping times", "Hi {author}, orders arrive in 3-5 days.")
    ['Shipping times', 'Hi, orders arrive in 3-5 days.']
    """
    return [title.strip(), fill(text, {}).strip()]


def _embed(embedder: Embedder, texts: list[str]) -> np.ndarray:
    """e5 sentence vectors for similarity: the encoder as shipped, never a model's fine-tuned
    layers (:meth:`Embedder.plain`), so stored vectors and the shipped centroids stay comparable."""
    with _EMBED_LOCK:
        return embedder.plain().embed(texts)


def embed_texts(embedder: Embedder, texts: list[str]) -> np.ndarray:
    """e5 vectors of texts, one embedding at a time in the process (the complaint themes of
    :mod:`triage.service.stats` share the model and its lock with the suggestions)."""
    return _embed(embedder, texts)


def _unit(v: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(v, axis=-1, keepdims=True)
    return np.asarray(v / np.where(norm > 0, norm, 1.0), dtype=np.float32)


def reply_vector(embedder: Embedder, title: str, text: str) -> np.ndarray:
    """The stored e5 vector of a reply (L2-normalised, before the language is removed)."""
    return _unit(_embed(embedder, reply_view(title, text)).sum(axis=0))


@lru_cache(maxsize=1)
def _centroids() -> tuple[dict[str, np.ndarray], np.ndarray]:
    with np.load(CENTROIDS) as data:
        means = {
            str(lang): np.asarray(c, np.float32)
            for lang, c in zip(data["langs"], data["centroids"], strict=True)
        }
    return means, np.mean(list(means.values()), axis=0).astype(np.float32)


def without_language(vectors: np.ndarray, langs: list[str | None]) -> np.ndarray:
    """e5 vectors with their language's mean vector removed, re-normalised (a language
    without a centroid, ``und`` or ``None``, has the mean of all languages removed)."""
    means, overall = _centroids()
    return _unit(vectors - np.stack([means.get(lang or "", overall) for lang in langs]))


def detect_lang(pipeline: Pipeline, text: str) -> str:
    """The language the model's detector finds in ``text`` (``und`` when unsure)."""
    return pipeline.detector.detect([normalize(fill(text, {}))])[0].lang


def _visible_reply(
    s: Any, principal: Principal, reply_id: int, *, for_update: bool
) -> store.ReplyRow:
    principal.require(Role.MODERATE)
    row = store.get_reply(s, reply_id, for_update=for_update)
    if row is None or not principal.may_see(row[1]):
        raise NotFoundError(f"no saved reply with id {reply_id}")  # the same either way
    return row


def _info(s: Any, rows: list[store.ReplyRow]) -> list[ReplyInfo]:
    uses = store.use_counts(s, [r.id for r, _ in rows])
    return [ReplyInfo(r, name, *uses.get(r.id, (0, None))) for r, name in rows]


def create_reply(
    db: Database,
    pipeline: Pipeline,
    principal: Principal,
    channel: str,
    title: str,
    text: str,
    lang: str | None,
) -> ReplyInfo:
    """Save a reply for ``channel`` (moderate keys of that channel, or admin), embedded once;
    ``lang`` defaults to the language detected in the text."""
    channel = strip_bidi(channel)
    if not channel:
        raise InvalidRequestError(
            "must not be only bidirectional control characters", field="channel"
        )
    principal.require_channel(channel)
    vector = reply_vector(pipeline.embedder, title, text).tobytes()
    lang = lang or detect_lang(pipeline, text)
    now = utcnow()
    with db.write() as s:
        channel_id = repo.get_or_create_channel(s, channel, now)
        reply = store.add_reply(
            s,
            channel_id=channel_id,
            title=title,
            text=text,
            lang=lang,
            embedding=vector,
            embedding_model=EMBEDDING_MODEL,
            by=principal.name,
            now=now,
        )
    return ReplyInfo(reply, channel, 0, None)


def list_replies(db: Database, principal: Principal, channel: str | None) -> list[ReplyInfo]:
    """The saved replies of ``channel`` (default: every channel the key may see)."""
    names = principal.visible(channel)
    with db.read() as s:
        ids = None if names is None else list(repo.channel_ids(s, names))
        return _info(s, store.list_replies(s, ids))


def update_reply(
    db: Database,
    pipeline: Pipeline,
    principal: Principal,
    reply_id: int,
    changes: Mapping[str, Any],
) -> ReplyInfo:
    """Change a reply's title, text and/or language. A new title or text is embedded again;
    a new text without a ``lang`` (or ``lang: null``) has its language detected again."""
    if not changes:
        raise InvalidRequestError("give at least one of title, text, lang", field="body")
    with db.read() as s:
        reply, _ = _visible_reply(s, principal, reply_id, for_update=False)
        seen = (reply.title, reply.text)
    for _ in range(3):
        title, text = changes.get("title", seen[0]), changes.get("text", seen[1])
        vector = reply_vector(pipeline.embedder, title, text) if (title, text) != seen else None
        lang = changes.get("lang")
        if lang is None and (changes.get("text", seen[1]) != seen[1] or "lang" in changes):
            lang = detect_lang(pipeline, text)
        with db.write() as s:
            reply, channel = _visible_reply(s, principal, reply_id, for_update=True)
            if (reply.title, reply.text) != seen:  # edited meanwhile: embed what is stored now
                seen = (reply.title, reply.text)
                continue
            reply.title, reply.text = title, text
            if lang is not None:
                reply.lang = lang
            if vector is not None:
                reply.embedding, reply.embedding_model = vector.tobytes(), EMBEDDING_MODEL
            reply.updated_by, reply.updated_at = principal.name, utcnow()
            return _info(s, [(reply, channel)])[0]
    raise InvalidRequestError(
        "the reply kept changing while it was being saved; send the edit again", field="body"
    )


def delete_reply(db: Database, principal: Principal, reply_id: int) -> None:
    """Delete a saved reply: it is no longer listed or suggested (its recorded uses stay)."""
    with db.write() as s:
        reply, _ = _visible_reply(s, principal, reply_id, for_update=True)
        reply.deleted_at = utcnow()


def rank(
    comment: np.ndarray,
    comment_lang: str | None,
    replies: np.ndarray,
    reply_langs: list[str | None],
) -> np.ndarray:
    """Scores of replies for a comment: cosine similarity with the languages removed."""
    q = without_language(comment[None, :], [comment_lang])[0]
    return without_language(replies, reply_langs) @ q


def suggest(
    db: Database,
    pipeline: Pipeline,
    settings: Settings,
    principal: Principal,
    comment_id: int,
    limit: int = 3,
) -> list[Suggestion]:
    """The channel's saved replies closest to the comment, best first (ties by id), at most
    ``limit``; none scoring below ``settings.reply_min_score``."""
    principal.require(Role.MODERATE)
    with db.read() as s:
        row = repo.get_comment(s, comment_id)
        if row is None or not principal.may_see(row[1]):
            raise NotFoundError(f"no comment with id {comment_id}")
        comment, channel = row
        replies = [r for r in store.channel_replies(s, comment.channel_id) if len(r[4]) == DIM * 4]
    if not replies:
        return []
    matrix = np.frombuffer(b"".join(r[4] for r in replies), dtype=np.float32).reshape(-1, DIM)
    vector = _embed(pipeline.embedder, [comment.text])[0]
    scores = rank(vector, comment.lang, matrix, [r[3] for r in replies])
    order = sorted(range(len(replies)), key=lambda i: (-float(scores[i]), replies[i][0]))
    values = {"author": comment.author, "channel": channel}
    return [
        Suggestion(
            reply_id=replies[i][0],
            title=replies[i][1],
            text=fill(replies[i][2], values),
            lang=replies[i][3],
            score=round(float(scores[i]), 4),
        )
        for i in order[:limit]
        if scores[i] >= settings.reply_min_score
    ]
