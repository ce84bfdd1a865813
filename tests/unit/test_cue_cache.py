"""load_cues: the cue tables read back from the disk cache are the ones a build makes."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from triage.pipeline import urgency_cues
from triage.pipeline.abuse_cues import AbuseCues
from triage.pipeline.text import fold
from triage.pipeline.urgency_cues import UrgencyCues, load_cues

TEXTS = ["Charged TWICE and still no refund!!!", "پولم کسر شد ولی سفارش نیومد",
         "ur a f*cking idiot", "paisa kat gaya lekin order nahi aaya", "tudo certo, obrigado", "",
         "app down again, cannot log in"]


def _state(obj: UrgencyCues) -> dict:
    return obj.__getstate__()


@pytest.mark.parametrize("cls", [UrgencyCues, AbuseCues])
def test_cached_tables_equal_built_ones(cls: type[UrgencyCues], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIAGE_CUE_CACHE", str(tmp_path))
    built = load_cues(cls)  # builds and writes
    assert len(list(tmp_path.glob(f"{cls.kind}-*.pickle"))) == 1
    monkeypatch.setattr(urgency_cues, "_variants", lambda *_: pytest.fail("built again"))
    read = load_cues(cls)  # reads the file
    assert type(read) is cls
    assert _state(read) == _state(built)
    assert read.native_args() == built.native_args()
    folded = [fold(t) for t in TEXTS]
    assert np.array_equal(read.counts_batch(folded), built.counts_batch(folded))
    assert read.hits(folded[0]) == built.hits(folded[0])


def test_damaged_or_foreign_cache_file_is_rebuilt(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIAGE_CUE_CACHE", str(tmp_path))
    expected = _state(load_cues(UrgencyCues))
    (path,) = tmp_path.glob("urgency-*.pickle")
    path.write_bytes(b"\x80\x05garbage")
    assert _state(load_cues(UrgencyCues)) == expected
    # a file that would run code when unpickled is refused, not executed
    path.write_bytes(pickle.dumps((Path("x"), None)))
    assert _state(load_cues(UrgencyCues)) == expected
    assert pickle.loads(path.read_bytes())[0] == expected  # rewritten by the rebuild


def test_key_follows_the_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIAGE_CUE_CACHE", str(tmp_path))
    key = urgency_cues._cache_key(UrgencyCues)
    assert key != urgency_cues._cache_key(AbuseCues)
    monkeypatch.setattr(urgency_cues, "_CACHE_FORMAT", urgency_cues._CACHE_FORMAT + 1)
    assert urgency_cues._cache_key(UrgencyCues) != key


def test_cache_off_or_unwritable_still_builds(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _state(UrgencyCues())
    monkeypatch.setenv("TRIAGE_CUE_CACHE", "off")
    assert _state(load_cues(UrgencyCues)) == expected
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("TRIAGE_CUE_CACHE", str(blocker / "cues"))
    assert _state(load_cues(UrgencyCues)) == expected
