"""Analytics for the pages: the use cases behind ``GET /v1/stats`` and ``GET /v1/stats/themes``.

**The series.** Comments are counted per time bucket (``hour``, ``day`` or ``week``; UTC, weeks
start on Monday) by their ``created_at``: the time the platform gave at ingest, else the time
they arrived. Every bucket from the one holding ``since`` to the one holding the last instant
before ``until`` is listed, empty ones too, so a plot has one point per bucket. Per bucket:
comments, and their split by queue, sentiment, tag and language, all counted in SQL; and how
long the comments created in it waited for their **first action** (``first_action_at``, the
SLA's definition: the first claim or resolve by a moderator; relabelling is not an action),
as a nearest-rank median and 90th percentile over the comments that had one. ``response`` sums
the window up per queue, against each comment's channel's SLA target.

**Themes.** See :func:`themes` and :mod:`triage.service.analytics`.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import numpy as np

from triage.errors import InvalidRequestError
from triage.pipeline.core import Pipeline
from triage.pipeline.embed import DIM
from triage.service import analytics
from triage.service.auth import Principal
from triage.service.replies import EMBEDDING_MODEL, embed_texts, without_language
from triage.service.settings import Settings
from triage.service.store import repo
from triage.service.store import stats as store
from triage.service.store.db import Database, utcnow
from triage.types import Queue, SentimentLabel, Tag

__all__ = [
    "BUCKETS",
    "DEFAULT_RANGE",
    "MAX_BUCKETS",
    "Bucket",
    "Series",
    "ThemeReport",
    "series",
    "series_csv",
    "themes",
]

log = logging.getLogger("triage.stats")

BucketName = Literal["hour", "day", "week"]
#: Seconds per bucket.
BUCKETS: dict[str, int] = {"hour": 3600, "day": 86400, "week": 7 * 86400}
#: The range a request without ``since`` covers, per bucket (ending at ``until``, default now).
DEFAULT_RANGE: dict[str, timedelta] = {
    "hour": timedelta(hours=48),
    "day": timedelta(days=30),
    "week": timedelta(weeks=12),
}
#: Most buckets one request may ask for.
MAX_BUCKETS = 1000
#: 1970-01-05, a Monday: weeks are counted from there.
_MONDAY = 4 * 86400
#: The default window of the themes, and the one before it that the change is measured against.
THEMES_WINDOW = timedelta(days=7)


def _epoch(t: datetime) -> int:
    return int(t.replace(tzinfo=UTC).timestamp()) if t.tzinfo is None else int(t.timestamp())


def _at(epoch: int) -> datetime:
    return datetime(1970, 1, 1) + timedelta(seconds=epoch)


def bucket_start(t: datetime, bucket: str) -> int:
    """Epoch seconds of the start of the bucket holding ``t`` (naive UTC).

    >>> _at(bucket_start(datetime(2026, 12, 3, 17, 45), "week"))  # a Thursday
    datetime.datetime(2026, 11, 30, 0, 0)
    """
    width = BUCKETS[bucket]
    offset = _MONDAY if bucket == "week" else 0
    return (_epoch(t) - offset) // width * width + offset


@dataclass(frozen=True, slots=True)
class Bucket:
    """One point of the series."""

    start: datetime
    counts: store.BucketCounts
    first_action: store.Percentiles


@dataclass(frozen=True, slots=True)
class Series:
    """The answer of ``GET /v1/stats``."""

    channel: str | None
    bucket: str
    since: datetime
    until: datetime
    items: list[Bucket]
    response: dict[str, tuple[int | None, store.QueueResponse]]


def window(
    since: datetime | None, until: datetime | None, default: timedelta, now: datetime
) -> tuple[datetime, datetime]:
    """``[since, until)`` with the defaults filled in (``until`` now, ``since`` ``default``
    before it); 422 naming ``since`` when it is not before ``until``."""
    until = until or now
    try:
        since = since or until - default
    except OverflowError:  # an until in the first days of year 1
        raise InvalidRequestError(
            f"until ({until.isoformat()}Z) leaves no room for the default range; give since",
            field="until",
        ) from None
    if since >= until:
        raise InvalidRequestError(
            f"since ({since.isoformat()}Z) must be before until ({until.isoformat()}Z)",
            field="since",
        )
    return since, until


def _scope(s: Any, principal: Principal, channel: str | None) -> dict[int, str] | None:
    """``{id: name}`` of the channels to count (``None``: every channel, for an admin)."""
    names = principal.visible(channel)  # 403 for a channel the key may not see
    return None if names is None else repo.channel_ids(s, names)


def series(
    db: Database,
    settings: Settings,
    principal: Principal,
    *,
    channel: str | None,
    since: datetime | None,
    until: datetime | None,
    bucket: str,
) -> Series:
    """Counts and first-action times per bucket of the channel (default: all of the key's)."""
    if bucket not in BUCKETS:
        raise InvalidRequestError(
            f"unknown bucket {bucket!r}; use one of {', '.join(BUCKETS)}", field="bucket"
        )
    now = utcnow()
    since, until = window(since, until, DEFAULT_RANGE[bucket], now)
    width = BUCKETS[bucket]
    origin = bucket_start(since, bucket)
    n = -(-(_epoch(until) - origin) // width)
    if n > MAX_BUCKETS:
        raise InvalidRequestError(
            f"since..until spans {n} {bucket} buckets; at most {MAX_BUCKETS} per request: "
            "narrow the range or use a larger bucket",
            field="since",
        )
    with db.read() as s:
        scope = _scope(s, principal, channel)
        names = repo.channel_ids(s, None) if scope is None else scope
        # Every channel by id even for an admin: the (channel_id, created_at) index then serves
        # the time range, where "any channel" would read the whole table.
        ids = list(names)
        counts = store.bucket_counts(s, ids, since, until, origin, width)
        pct = store.first_action_percentiles(s, ids, since, until, origin, width)
        targets = {
            (cid, q.value): t
            for cid, name in names.items()
            for q in Queue
            if (t := settings.sla_target(name, q.value)) is not None
        }
        per_queue = store.queue_response(s, ids, since, until, targets, now)
    none = store.Percentiles(0, None, None)
    items = [
        Bucket(_at(origin + i * width), counts.get(i, store.BucketCounts()), pct.get(i, none))
        for i in range(n)
    ]
    target_channel = channel or "*"
    response = {
        q.value: (
            settings.sla_target(target_channel, q.value),
            per_queue.get(q.value, store.QueueResponse(0, none, 0, 0)),
        )
        for q in Queue
    }
    return Series(channel, bucket, since, until, items, response)


def item_record(b: Bucket) -> dict[str, Any]:
    """One bucket as the API returns it (every queue, sentiment and tag, zeros included)."""
    c = b.counts
    return {
        "start": b.start.replace(tzinfo=UTC),
        "comments": c.comments,
        "by_queue": {q.value: c.by_queue.get(q.value, 0) for q in Queue},
        "by_sentiment": {v.value: c.by_sentiment.get(v.value, 0) for v in SentimentLabel},
        "by_tag": {t.value: c.by_tag.get(t.value, 0) for t in Tag},
        "by_lang": dict(sorted(c.by_lang.items(), key=lambda kv: (-kv[1], kv[0]))),
        "first_actions": b.first_action.count,
        "median_first_action_s": b.first_action.median_s,
        "p90_first_action_s": b.first_action.p90_s,
    }


def series_csv(result: Series) -> Iterator[str]:
    """The series as CSV lines: one row per bucket, a column per queue, sentiment, tag and
    language seen in the range (``lang_xx``), then the first-action figures."""
    langs = sorted({lang for b in result.items for lang in b.counts.by_lang})
    header = [
        "start",
        "comments",
        *[f"queue_{q.value}" for q in Queue],
        *[f"sentiment_{v.value}" for v in SentimentLabel],
        *[f"tag_{t.value}" for t in Tag],
        *[f"lang_{lang}" for lang in langs],
        "first_actions",
        "median_first_action_s",
        "p90_first_action_s",
    ]
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")

    def line(row: list[Any]) -> str:
        buf.seek(0)
        buf.truncate()
        out.writerow(row)
        return buf.getvalue()

    yield line(header)
    for b in result.items:
        r = item_record(b)
        yield line(
            [
                b.start.isoformat() + "Z",
                r["comments"],
                *r["by_queue"].values(),
                *r["by_sentiment"].values(),
                *r["by_tag"].values(),
                *[b.counts.by_lang.get(lang, 0) for lang in langs],
                r["first_actions"],
                "" if r["median_first_action_s"] is None else r["median_first_action_s"],
                "" if r["p90_first_action_s"] is None else r["p90_first_action_s"],
            ]
        )


# --- complaint themes -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ThemeReport:
    """The answer of ``GET /v1/stats/themes``."""

    channel: str | None
    since: datetime
    until: datetime
    previous_since: datetime
    method: str
    note: str | None
    complaints: int
    embedded: int
    themes: list[analytics.Theme]
    unthemed: int
    examples: dict[int, tuple[int, str, str, str, datetime]]


def _vectors(
    db: Database,
    pipeline: Pipeline,
    rows: list[tuple[int, str, str, str, datetime]],
) -> np.ndarray:
    """e5 vectors of the comments: the stored ones, the rest embedded now and stored."""
    ids = [r[0] for r in rows]
    with db.read() as s:
        known = store.embeddings(s, ids, EMBEDDING_MODEL)
    todo = [r for r in rows if len(known.get(r[0], b"")) != DIM * 4]
    if todo:
        fresh = embed_texts(pipeline.embedder, [r[2] for r in todo])
        new = {r[0]: v.astype(np.float32).tobytes() for r, v in zip(todo, fresh, strict=True)}
        with db.write() as s:
            store.add_embeddings(s, new, EMBEDDING_MODEL, utcnow())
        known |= new
    return np.frombuffer(b"".join(known[i] for i in ids), dtype=np.float32).reshape(-1, DIM)


def themes(
    db: Database,
    pipeline: Pipeline,
    settings: Settings,
    principal: Principal,
    *,
    channel: str | None,
    since: datetime | None,
    until: datetime | None,
) -> ThemeReport:
    """What the complaints of ``[since, until)`` (default: the last 7 days) are about, grouped
    across languages, with the change from the window of equal length before.

    At most ``settings.themes_max_comments`` complaints of each window are read (the most
    recent ones). Each is embedded with the multilingual e5 model once (the vector is stored);
    its language's mean vector is removed (:func:`~triage.service.replies.without_language`),
    so that two languages saying the same thing meet. When the embedder cannot load, the
    themes come from TF-IDF of the text instead, and ``note`` says so.
    """
    now = utcnow()
    since, until = window(since, until, THEMES_WINDOW, now)
    try:
        previous_since = since - (until - since)
    except OverflowError:
        previous_since = datetime.min
    limit = settings.themes_max_comments
    with db.read() as s:
        scope = _scope(s, principal, channel)
        ids = list(repo.channel_ids(s, None) if scope is None else scope)  # see series()
        current = store.complaints(s, ids, since, until, limit)
        previous = store.complaints(s, ids, previous_since, since, limit)
        total = store.count_complaints(s, ids, since, until)
    method, note = "e5", None
    texts = [r[2] for r in current]
    prev_texts = [r[2] for r in previous]
    vectors = prev_vectors = None
    if current:
        try:
            vectors = without_language(_vectors(db, pipeline, current), [r[3] for r in current])
            prev_vectors = (
                without_language(_vectors(db, pipeline, previous), [r[3] for r in previous])
                if previous
                else np.zeros((0, DIM), np.float32)
            )
        except Exception as exc:  # the e5 model missing or broken: keep answering
            log.warning("themes: the e5 embedder failed (%s); using TF-IDF", exc)
            method = "tfidf"
            note = (
                f"the multilingual e5 embedder could not load ({type(exc).__name__}); themes "
                "come from TF-IDF of the text, which groups comments of one language only"
            )
    if current and vectors is None:
        vectors, prev_vectors = analytics.tfidf_vectors(texts, prev_texts)
    found = analytics.find_themes(
        vectors if vectors is not None else np.zeros((0, DIM), np.float32),
        texts,
        previous=prev_vectors,
    )
    themed = sum(t.count for t in found)
    return ThemeReport(
        channel=channel,
        since=since,
        until=until,
        previous_since=previous_since,
        method=method,
        note=note,
        complaints=total,
        embedded=len(current),
        themes=found,
        unthemed=len(current) - themed,
        examples={i: current[i] for t in found for i in t.examples},
    )
