"""A worker process that dies (the pool breaks) is reported as such, with the --resume hint; other
broken executors are not mistaken for it. The engine catches it without importing the process
pool's module itself (a one-worker run does not import it)."""

from __future__ import annotations

from concurrent.futures import BrokenExecutor, Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest

from tests.batch.helpers import records, write
from triage.batch import engine
from triage.batch.options import BatchOptions, checkpoint_path
from triage.errors import TriageError


class _Broken:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def submit(self, *_: Any) -> Future[Any]:
        fut: Future[Any] = Future()
        fut.set_exception(self.exc)
        return fut

    def shutdown(self, **_: Any) -> None:
        pass


@pytest.mark.parametrize("broken", [BrokenProcessPool("a child died"), BrokenExecutor("other")])
def test_broken_pool(broken: BaseException, tmp_path: Path, model_dir: Path,
                     monkeypatch: pytest.MonkeyPatch) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write(src, records(5))
    monkeypatch.setattr(engine, "_pool", lambda *_: _Broken(broken))
    options = BatchOptions(workers=2, progress="off", chunk_rows=2)
    with pytest.raises((TriageError, BrokenExecutor)) as caught:
        engine.score_file(str(src), str(out), model=model_dir, options=options, echo=lambda _: None)
    if isinstance(broken, BrokenProcessPool):
        assert isinstance(caught.value, TriageError)
        assert "a worker process died" in str(caught.value)
        assert "--resume" in caught.value.hint
        assert Path(checkpoint_path(str(out))).exists()  # kept for --resume
    else:
        assert caught.value is broken
    assert not out.exists()
