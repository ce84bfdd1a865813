"""The load cache (``triage/pipeline/loadcache.py``): a model read from it scores exactly as the
model read from its files, a changed model is never read from a stale entry, and a damaged,
missing or unwritable cache costs nothing but the speed."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from triage.errors import EncoderUnavailableError
from triage.pipeline import _native, ftz
from triage.pipeline.core import load_pipeline
from triage.pipeline.heads import load_heads, save_heads
from triage.pipeline.loadcache import KEEP, LoadCache, cache_root
from triage.types import Comment, Tier

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden_sample.jsonl"
TEXTS = [json.loads(line)["text"] for line in GOLDEN.read_text(encoding="utf-8").splitlines()] + [
    "They charged my card twice and nobody answers, I want my money back NOW",  # urgent: "words:" reasons
    "NO INTERNET SINCE YESTERDAY outage again, call me 0722 555 012",
    "Ur tech guy is an absolute d0nkey, f*ck this",
    "Produsul a venit stricat, vreau banii inapoi!!!",
    "", "a" * 6000,
]


def _records(pipe, texts=TEXTS, tier=Tier.FAST) -> list[dict]:
    results = pipe.score_arrays([Comment(t) for t in texts], tier)
    return [{**r.to_record(ndigits=12), "reasons": list(r.priority.reasons)} for r in results.results()]


def _entries(root: Path, kind: str = "model") -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith(f"{kind}-"))


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "load-cache"
    monkeypatch.setenv("TRIAGE_LOAD_CACHE", str(root))
    return root


@pytest.fixture(scope="module")
def uncached(model_dir: Path):
    mp = pytest.MonkeyPatch()
    mp.setenv("TRIAGE_LOAD_CACHE", "off")
    try:
        return load_pipeline(model_dir)
    finally:
        mp.undo()


def test_a_model_read_from_the_cache_scores_exactly_as_from_its_files(cache_dir, model_dir, uncached):
    first = load_pipeline(model_dir)  # builds, then writes the entry
    assert len(_entries(cache_dir)) == 1
    second = load_pipeline(model_dir)  # reads it
    assert second.featurizer._loaded._terms_at is not None, "the second load did not come from the cache"
    expected = _records(uncached)
    assert any(any(r.startswith("words:") for r in rec["reasons"]) for rec in expected)
    assert _records(first) == expected
    assert _records(second) == expected
    # the terms that explain a decision, and the ones only scikit-learn's path reads
    assert second.featurizer.word_block() == uncached.featurizer.word_block()
    assert second.featurizer._fitted().char_terms == uncached.featurizer._fitted().char_terms
    # the stacked weights are the cache's file, shared (read-only), not a copy
    assert not second.fast_heads().weights.flags.writeable


def test_the_accurate_tier_reads_the_same_heads_from_the_cache(cache_dir, model_dir, uncached):
    if Tier.ACCURATE not in uncached.tiers:
        pytest.skip("the model under test has no accurate tier")
    load_pipeline(model_dir)
    cached = load_pipeline(model_dir)
    texts = TEXTS[-6:-2]
    try:
        expected = _records(uncached, texts, Tier.ACCURATE)
    except EncoderUnavailableError as exc:  # no ONNX encoder on this machine (the heads compare below)
        for name, head in uncached.heads.items():
            assert np.array_equal(cached.heads[name].coef, head.coef), name
        pytest.skip(f"the accurate tier cannot run here: {exc}")
    assert _records(cached, texts, Tier.ACCURATE) == expected
    for name, head in uncached.heads.items():
        assert np.array_equal(cached.heads[name].coef, head.coef), name


def test_a_changed_model_is_never_read_from_a_stale_entry(cache_dir, model_dir, tmp_path):
    copy = tmp_path / "model"
    shutil.copytree(model_dir, copy)
    before = _records(load_pipeline(copy), TEXTS[-6:])
    heads = load_heads(copy)
    heads["fast.complaint"] = type(heads["fast.complaint"])(
        heads["fast.complaint"].classes, -heads["fast.complaint"].coef, heads["fast.complaint"].intercept)
    save_heads(heads, copy)  # retrained in place: same paths, new content
    after = load_pipeline(copy)
    assert len(_entries(cache_dir)) == 2
    assert [r["p_complaint"] for r in _records(after, TEXTS[-6:])] != [r["p_complaint"] for r in before]
    assert _records(after, TEXTS[-6:]) == _records(load_pipeline(copy), TEXTS[-6:])  # its own entry, read


def test_a_damaged_entry_is_rebuilt_and_the_answers_do_not_change(cache_dir, model_dir, uncached):
    load_pipeline(model_dir)
    (entry,) = _entries(cache_dir)
    biggest = max(entry.glob("*.npy"), key=lambda p: p.stat().st_size)
    biggest.write_bytes(biggest.read_bytes()[:1000])  # a truncated file
    assert _records(load_pipeline(model_dir), TEXTS[-6:]) == _records(uncached, TEXTS[-6:])
    assert (entry / "manifest.json").is_file() and biggest.stat().st_size > 1000  # written again


def test_an_entry_whose_tables_do_not_fit_is_refused_not_read_out_of_bounds(cache_dir, model_dir, uncached):
    load_pipeline(model_dir)
    (entry,) = _entries(cache_dir)
    manifest = json.loads((entry / "manifest.json").read_text())
    manifest["meta"]["featurizer"]["word"]["n_terms"] -= 1  # columns past the end
    (entry / "manifest.json").write_text(json.dumps(manifest))
    pipe = load_pipeline(model_dir)
    assert pipe.featurizer._loaded._terms_at is None  # built from the files
    assert _records(pipe, TEXTS[-6:]) == _records(uncached, TEXTS[-6:])
    # ... and one that names a head whose weights it lacks (the entry just written again)
    (entry,) = _entries(cache_dir)
    manifest = json.loads((entry / "manifest.json").read_text())
    manifest["meta"]["heads"]["fast.missing"] = ["0", "1"]
    (entry / "manifest.json").write_text(json.dumps(manifest))
    assert _records(load_pipeline(model_dir), TEXTS[-6:]) == _records(uncached, TEXTS[-6:])
    repaired = load_pipeline(model_dir)  # the entry was replaced by a good one: read from it
    assert repaired.featurizer._loaded._terms_at is not None
    assert _records(repaired, TEXTS[-6:]) == _records(uncached, TEXTS[-6:])


def test_off_and_unwritable_caches_only_cost_speed(model_dir, tmp_path, monkeypatch, uncached):
    monkeypatch.setenv("TRIAGE_LOAD_CACHE", "off")
    assert cache_root() is None
    assert _records(load_pipeline(model_dir), TEXTS[-6:]) == _records(uncached, TEXTS[-6:])
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TRIAGE_LOAD_CACHE", str(blocker / "cache"))
    assert _records(load_pipeline(model_dir), TEXTS[-6:]) == _records(uncached, TEXTS[-6:])


def test_the_cache_keeps_the_newest_entries(cache_dir, tmp_path):
    source = tmp_path / "source.bin"
    for i in range(KEEP + 3):
        source.write_bytes(b"x" * (i + 1))  # a new size: a new entry
        assert LoadCache("test", [source]).write({"a": np.arange(3)}, {"i": i})
    assert len(_entries(cache_dir, "test")) == KEEP
    arrays, meta = LoadCache("test", [source]).read()
    assert meta == {"i": KEEP + 2} and arrays["a"].tolist() == [0, 1, 2]
    assert LoadCache("test", [source], identity="content-hash").read() is None  # another name


def test_a_featurizer_from_the_cache_pickles_with_its_terms(cache_dir, model_dir, uncached, tmp_path):
    load_pipeline(model_dir)
    cached = load_pipeline(model_dir).featurizer
    copy = pickle.loads(pickle.dumps(cached))
    texts = [t for t in TEXTS if t]
    assert (copy.transform(texts) != uncached.featurizer.transform(texts)).nnz == 0
    assert copy.word_block() == uncached.featurizer.word_block()


def test_vocab_from_state_checks_every_slot():
    vocab = _native.Vocab(["ab", "b c", "xyz"], np.ones(3, np.float32), packed=False)
    packed, n, pm, sm, chars, idf = vocab.state()
    assert _native.Vocab.from_state(packed, n, pm, sm, chars, idf).state() == vocab.state()
    with pytest.raises(ValueError, match="do not match"):
        _native.Vocab.from_state(packed, n - 1, pm, sm, chars, idf[:-4])  # a column past the end
    with pytest.raises(ValueError, match="do not match"):
        _native.Vocab.from_state(packed, n, pm, sm, chars[:-4], idf)  # a text past the chars
    with pytest.raises(ValueError, match="slots"):
        _native.Vocab.from_state(packed, n, pm, sm[:-16], chars, idf)
    with pytest.raises(ValueError, match="IDF"):
        _native.Vocab.from_state(packed, n, pm, sm, chars, idf + idf)


def test_language_id_read_from_the_cache_gives_the_same_probabilities(cache_dir, model_dir):
    path = model_dir / "langid" / "lid.176.ftz"
    first = ftz.load(path)  # parses the file, writes the entry
    assert len(_entries(cache_dir, "ftz")) == 1
    second = ftz.load(path)  # reads it
    texts = [" ".join(t.split()) for t in TEXTS if t.strip()]
    labels1, probs1 = first.predict(texts, k=3)
    labels2, probs2 = second.predict(texts, k=3)
    assert labels1 == labels2 and all(np.array_equal(a, b) for a, b in zip(probs1, probs2, strict=True))
    assert second.get_labels() == first.get_labels()


def test_processes_that_load_at_once_share_one_good_entry(cache_dir, model_dir, uncached):
    # four fresh processes start on an empty cache together: each builds and tries to store the
    # same entry; one folder results, and a fifth process reads it
    code = ("import sys; from triage.pipeline.core import load_pipeline; "
            "p = load_pipeline(sys.argv[1]); print(p.featurizer._loaded._terms_at is not None)")
    env = {**os.environ, "TRIAGE_LOAD_CACHE": str(cache_dir)}
    procs = [subprocess.Popen([sys.executable, "-c", code, str(model_dir)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    (entry,) = _entries(cache_dir)
    assert not [p for p in cache_dir.iterdir() if p.name.startswith(".")]  # no half-written folder left
    fifth = subprocess.run([sys.executable, "-c", code, str(model_dir)], env=env, capture_output=True, text=True,
                           timeout=120, check=True)
    assert fifth.stdout.strip() == "True"  # read from the entry
    assert _records(load_pipeline(model_dir), TEXTS[-6:]) == _records(uncached, TEXTS[-6:])
