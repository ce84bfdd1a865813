"""Micro-batching of ``POST /v1/analyze``: concurrent small requests, one pipeline call.

Scoring one comment costs about as much fixed work (language ID call, sparse matrices, nine
heads) as scoring dozens, so under load a worker scoring each request on its own spends most of
its time on that fixed part, and every request also hops to a thread of the pool and waits
there for the GIL. :class:`AnalyzeBatcher` instead queues the requests of the event loop and
scores them as one ``Pipeline.score_batch`` call:

* when no batch is being scored, the first request waits ``window_s`` for others to join it
  (0: it starts at once);
* while one is, arriving requests gather and form the next batch as soon as it is done, so the
  batch size follows the load by itself;
* a small fast-tier batch (at most ``inline_chars`` characters, :data:`INLINE_MAX_CHARS`; about
  a millisecond of work) is scored in the event loop itself: handing it to a thread and back
  costs ~15% more CPU per request and a wait for the GIL on each side. A larger one, or one of
  the accurate tier (whose encoder releases the GIL), goes to **one** scoring thread, so the
  event loop keeps serving other requests meanwhile;
* a batch holds at most ``max_comments`` comments (whole requests); a request with more is not
  batched (the route scores it on its own, as without batching).

Each request gets exactly the results it would get alone: the pipeline scores each row on its
own, and the results are handed back in request order (``tests/api/test_analyze_batching.py``
checks it against unbatched scoring). If a batch fails, each of its requests is scored again
alone, so a request that fails fails by itself and the others get their results.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool

from triage.errors import UnavailableError
from triage.pipeline.core import Pipeline
from triage.service import moderation
from triage.service.settings import Settings
from triage.types import Comment, Tier, TriageResult

__all__ = ["INLINE_MAX_CHARS", "AnalyzeBatcher", "analyze", "score_checked"]

#: A fast-tier batch of at most this many characters is scored in the event loop itself
#: (about a millisecond: the thread hop would cost a sixth of it), a larger or accurate-tier
#: batch in the scoring thread.
INLINE_MAX_CHARS = 4000


@dataclass
class _Request:
    texts: Sequence[str]
    tier: Tier
    future: asyncio.Future[list[TriageResult]] = field(repr=False)


class AnalyzeBatcher:
    """Gathers concurrent analyze requests of one event loop into batches (module docstring).

    ``pipeline`` is asked for the model at each batch, so a model switch applies to the next
    batch. Call :meth:`close` when the app stops."""

    def __init__(
        self,
        pipeline: Callable[[], Pipeline],
        *,
        window_s: float,
        max_comments: int,
        inline_chars: int = INLINE_MAX_CHARS,
    ) -> None:
        self._pipeline = pipeline
        self.window_s = window_s
        self.max_comments = max_comments
        self._pending: deque[_Request] = deque()
        self._pending_comments = 0
        self._busy = False
        self._timer: asyncio.Handle | None = None  # a _start() is scheduled
        self.inline_chars = inline_chars
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="triage-analyze")

    def accepts(self, n_comments: int) -> bool:
        """True if a request of ``n_comments`` comments is batched."""
        return n_comments <= self.max_comments

    async def score(self, texts: Sequence[str], tier: Tier) -> list[TriageResult]:
        """The results of ``texts`` (in order), scored in a batch with concurrent requests."""
        loop = asyncio.get_running_loop()
        request = _Request(texts, tier, loop.create_future())
        self._pending.append(request)
        self._pending_comments += len(texts)
        if not self._busy:
            if self._pending_comments >= self.max_comments or self.window_s <= 0:
                # at the next turn of the loop: requests that arrived with this one join it
                if self._timer is None or isinstance(self._timer, asyncio.TimerHandle):
                    if self._timer is not None:
                        self._timer.cancel()
                    self._timer = loop.call_soon(self._start, loop)
            elif self._timer is None:
                self._timer = loop.call_later(self.window_s, self._start, loop)
        return await request.future

    def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Score the pending requests (up to ``max_comments`` comments) as one batch."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._busy or not self._pending:
            return
        batch, n = [], 0
        while self._pending and (not batch or n + len(self._pending[0].texts) <= self.max_comments):
            request = self._pending.popleft()
            self._pending_comments -= len(request.texts)
            if not request.future.done():  # else its client went away meanwhile
                batch.append(request)
                n += len(request.texts)
        if not batch:
            return
        self._busy = True
        if self._inline(batch):
            done: asyncio.Future[list[list[TriageResult] | BaseException]] = loop.create_future()
            try:
                done.set_result(_score(self._pipeline(), batch))
            except Exception as exc:  # noqa: BLE001 - _score hands errors back; this is a bug
                done.set_exception(exc)
            self._finish(loop, batch, done)
            return
        done = loop.run_in_executor(self._thread, _score, self._pipeline(), batch)
        done.add_done_callback(lambda f: self._finish(loop, batch, f))

    def _inline(self, batch: list[_Request]) -> bool:
        """True if ``batch`` is scored in the event loop: fast tier, at most ``inline_chars``
        characters in all."""
        budget = self.inline_chars
        for request in batch:
            if request.tier is not Tier.FAST:
                return False
            for text in request.texts:
                budget -= len(text)
        return budget >= 0

    def _finish(
        self,
        loop: asyncio.AbstractEventLoop,
        batch: list[_Request],
        done: asyncio.Future[list[list[TriageResult] | BaseException]],
    ) -> None:
        self._busy = False
        outcomes: list[list[TriageResult] | BaseException]
        if done.cancelled():  # the app is stopping
            outcomes = [UnavailableError("the service is stopping", retry_after=1)] * len(batch)
        elif (exc := done.exception()) is not None:
            outcomes = [exc] * len(batch)
        else:
            outcomes = done.result()
        for request, outcome in zip(batch, outcomes, strict=True):
            if request.future.done():  # the client went away and the route was cancelled
                continue
            if isinstance(outcome, BaseException):
                request.future.set_exception(outcome)
            else:
                request.future.set_result(outcome)
        if self._pending and self._timer is None:  # they waited for this batch: go on at once
            self._timer = loop.call_soon(self._start, loop)

    def close(self) -> None:
        """Stop the scoring thread (after the batch it is scoring, if any)."""
        self._thread.shutdown(wait=False, cancel_futures=True)


def _score(pipeline: Pipeline, batch: list[_Request]) -> list[list[TriageResult] | BaseException]:
    """Score a batch (in the event loop or the scoring thread): per tier one ``score_batch``
    call over all its requests' comments; a call that raises is redone request by request."""
    out: list[list[TriageResult] | BaseException | None] = [None] * len(batch)
    for tier in dict.fromkeys(r.tier for r in batch):
        members = [i for i, r in enumerate(batch) if r.tier is tier]
        comments = [Comment(text=t) for i in members for t in batch[i].texts]
        try:
            results = pipeline.score_batch(comments, tier)
        except Exception:  # noqa: BLE001 - redone one by one below, each its own error
            for i in members:
                try:
                    out[i] = pipeline.score_batch([Comment(text=t) for t in batch[i].texts], tier)
                except Exception as exc:  # noqa: BLE001 - handed to that request's route
                    out[i] = exc
            continue
        start = 0
        for i in members:
            out[i] = results[start : start + len(batch[i].texts)]
            start += len(batch[i].texts)
    return [o if o is not None else RuntimeError("not scored") for o in out]


async def analyze(
    batcher: AnalyzeBatcher | None,
    pipeline: Pipeline,
    settings: Settings,
    texts: Sequence[str],
    tier: Tier | None,
) -> list[TriageResult]:
    """:func:`triage.service.moderation.analyze` for the event loop: checked here, scored in a
    batch when ``batcher`` takes the request, else alone in a thread of the pool."""
    chosen = moderation.check_analyze(pipeline, settings, texts, tier)
    return await score_checked(batcher, pipeline, settings, texts, chosen)


async def score_checked(
    batcher: AnalyzeBatcher | None,
    pipeline: Pipeline,
    settings: Settings,
    texts: Sequence[str],
    tier: Tier,
) -> list[TriageResult]:
    """:func:`analyze` after its checks (``tier`` is the one they chose)."""
    if batcher is not None and batcher.accepts(len(texts)):
        return await batcher.score(texts, tier)
    return await run_in_threadpool(moderation.analyze, pipeline, settings, texts, tier)
