"""Process workers that load the model once each and score chunks in input order."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from triage.batch.chunks import (
    ChunkOut,
    EncodeSpec,
    score_chunk,
)

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

# --------------------------------------------------------------------------- workers

_PIPELINE: Any = None


def _watch_parent(pid: int) -> None:
    while True:
        time.sleep(1.0)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # pragma: no cover - someone else's process now has the pid
            os._exit(1)


def _init_worker(model_dir: str, parent_pid: int) -> None:
    """Process-pool initializer: one BLAS thread, the model loaded once, exit with the parent.

    Ctrl-C is the parent's to handle (it keeps the checkpoint); workers ignore it.
    """
    global _PIPELINE
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(Exception):
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    from triage.pipeline.core import load_pipeline

    _PIPELINE = load_pipeline(model_dir)
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()


def _score_in_worker(path: str, good: list[tuple[int, dict[str, Any]]], spec: EncodeSpec) -> ChunkOut:
    return score_chunk(_PIPELINE, path, good, spec)


class _Inline:
    """A stand-in for the process pool when ``workers == 1``: score in this process."""

    def __init__(self, pipeline: Any) -> None:
        self.pipeline = pipeline

    def submit(self, fn: Any, path: str, good: Any, spec: EncodeSpec) -> Future[ChunkOut]:
        fut: Future[ChunkOut] = Future()
        try:
            fut.set_result(score_chunk(self.pipeline, path, good, spec))
        except BaseException as exc:  # noqa: BLE001 - delivered through the future
            fut.set_exception(exc)
        return fut

    def shutdown(self, **_: Any) -> None:
        pass


def _pool(workers: int, model_dir: str) -> ProcessPoolExecutor:
    # imported here: a one-worker run needs neither (~0.02 s of import)
    import multiprocessing  # noqa: PLC0415
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_init_worker,
        initargs=(model_dir, os.getpid()),
    )
