"""Training end to end on a tiny labelled folder: the model it writes loads, scores and
describes itself (metrics per dataset x language x label, a model card with licences)."""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from tests.training.helpers import TINY_SHARED_SETS as ROWS
from tests.training.helpers import write_shared_sets
from triage.pipeline.core import DEFAULT_MODEL_DIR, load_pipeline
from triage.pipeline.embed import EmbeddingCache
from triage.training.data import seed_examples
from triage.errors import ConfigError
from triage.training.fit import Anchor, TrainConfig, build_model, fit_model, read_training_data
from triage.types import Comment, Tier

pytestmark = pytest.mark.slow



def test_build_model_writes_a_working_self_describing_model(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_shared_sets(data, ROWS)
    out = tmp_path / "model"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        metrics = build_model(data, out, TrainConfig(max_iter=50), log=lambda _: None, embed=False)
    for name in ("pipeline.toml", "heads.npz", "metrics.json", "MODEL_CARD.md", "fast/vocab.json", "langid/lid.176.ftz"):
        assert (out / name).is_file(), name
    sent = metrics["tiers"]["fast"]["sentiment"]
    assert sent["tiny-3class"]["per_lang"]["ro"]["per_label"]["positive"]["support"] == 1
    assert sent["tiny-2class"]["classes"] == 2
    assert set(metrics["tiers"]["fast"]["tags"]["spam"]) >= {"tiny-spam", "domain-dev", "threshold"}
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "NON-COMMERCIAL" in card and "research-only" in card
    pipe = load_pipeline(out)
    assert Tier.ACCURATE not in pipe.tiers  # trained without embeddings: says so, never fakes it
    [result] = pipe.score_batch([Comment("great, I love it")])
    assert result.model == "triage-default-0.18.0/fast"  # the version the next build carries (fit.py)


def test_training_embeds_what_the_cache_lacks_and_reuses_it(tmp_path: Path) -> None:
    """A cold embedding cache is filled during training (accurate tier included); a second run
    embeds nothing and writes the same heads."""
    data = tmp_path / "data"
    write_shared_sets(data, ROWS)
    seeds = [s for s in seed_examples() if s.lang == "en"][::4]  # ~75 English seeds, every tag present
    assert all(any(tag in s.tags for s in seeds) for tag in ("question", "complaint", "spam", "praise"))
    cfg = TrainConfig(max_iter=50, cache_dir=str(tmp_path / "e5"))
    runs = []
    for name in ("first", "second"):
        log: list[str] = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            fit_model(read_training_data(data, seeds), tmp_path / name, cfg, log=log.append, embed=True)
        runs.append(next(line for line in log if line.startswith("embeddings:")))
    planned = sum(len(rows) for rows in ROWS.values()) * 2 + len(seeds)  # train + dev rows, seeds
    assert "not cached yet" in runs[0] and ", 0 not cached yet" not in runs[0]
    assert runs[1].endswith(", 0 not cached yet"), runs[1]
    # the shipped model's fine-tuned encoder layers: the cache of their vectors, and the model's copy
    tuned = Path(cfg.encoder_tuned)
    assert tuned == DEFAULT_MODEL_DIR / "encoder-tuned.npz"
    assert 0 < len(EmbeddingCache(tmp_path / "e5", layers=(6, 12), tuned=tuned)) <= planned
    assert len(EmbeddingCache(tmp_path / "e5")) == 0  # the plain layer 12 was never asked for
    assert (tmp_path / "first" / "encoder-tuned.npz").read_bytes() == tuned.read_bytes()
    with np.load(tmp_path / "first" / "heads.npz") as a, np.load(tmp_path / "second" / "heads.npz") as b:
        assert sorted(a.files) == sorted(b.files) and any(k.startswith("emb.") for k in a.files)
        for key in a.files:
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    pipe = load_pipeline(tmp_path / "first")
    assert pipe.embedding_layers == (6, 12)  # [embedding] layers, written by the training run
    assert pipe.embedder.tuned == tmp_path / "first" / "encoder-tuned.npz"  # [embedding] tuned
    assert pipe.heads["emb.urgency"].coef.shape[1] == 768
    [result] = pipe.score_batch([Comment("great, I love it")], Tier.ACCURATE)
    assert result.model.endswith("/accurate") and result.sentiment.p_positive > result.sentiment.p_negative


def test_specialist_heads_are_kept_exactly_where_their_weight_is_tuned_above_zero(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_shared_sets(data, ROWS)
    out = tmp_path / "model"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        metrics = build_model(data, out, TrainConfig(max_iter=50, specialist_min_rows=2, specialist_min_gain=0.0), log=lambda _: None, embed=False)
    trials = metrics["specialists"]["trials"]
    # every language with >= 2 polar rows was tried: the tiny sets' and the brand-page corpus's
    assert {"en", "ro", "vi", "ar", "fa"} <= set(trials)
    kept = metrics["specialists"]["weights"]
    with np.load(out / "heads.npz") as heads:
        stored = {k.split("@")[1].split(".")[0] for k in heads.files if "@" in k}
    assert stored == set(kept)
    pipe = load_pipeline(out)
    assert dict(pipe.specialists) == kept
    [result] = pipe.score_batch([Comment("foarte prost, nu recomand")])
    assert abs(result.sentiment.p_negative + result.sentiment.p_neutral + result.sentiment.p_positive - 1) < 1e-6


def test_a_build_keeps_its_anchor_models_choices_where_its_dev_scores_tie(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_shared_sets(data, ROWS)
    anchor = tmp_path / "anchor"
    anchor.mkdir()
    (anchor / "pipeline.toml").write_text(
        "[model]\nname = \"older\"\nversion = \"0.1.0\"\n[tiers.accurate]\nembedding_weight = 0.6\n[tiers.accurate.embedding_weights]\nspam = 0.7\n"
        "[sentiment]\nneutral_scale = 0.6\n[sentiment.specialists]\nro = 0.25\n", encoding="utf-8")
    # margins so wide that every trial ties: the anchor's values win each tie
    cfg = TrainConfig(max_iter=50, specialist_min_rows=2, specialist_min_gain=1.0, neutral_min_gain=1.0,
                      anchor=str(anchor))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        tied = build_model(data, tmp_path / "tied", cfg, log=lambda _: None, embed=False)
        free = build_model(data, tmp_path / "free", replace(cfg, anchor=None), log=lambda _: None, embed=False)
    assert tied["specialists"]["weights"] == {"ro": 0.25}  # ro kept at the anchor's weight, no other added
    assert tied["neutral_scale"] == 0.6
    assert free["specialists"]["weights"] == {} and free["neutral_scale"] == 1.0  # without: no specialist, scale 1
    assert load_pipeline(tmp_path / "tied").specialists == {"ro": 0.25}
    assert tied["config"]["anchor"] == "older-0.1.0"  # metrics.json names the anchor, not a local path
    assert free["config"]["anchor"] is None


def test_an_anchor_without_a_pipeline_toml_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="anchor model"):
        Anchor.read(tmp_path)
    shipped = Anchor.read(DEFAULT_MODEL_DIR)  # the default anchor: the shipped model's choices
    assert shipped.specialists and 0 < (shipped.sentiment_weight or 0) < 1 and "urgency" in shipped.head_weights
    assert (shipped.model or "").startswith("triage-default-")
    assert set(shipped.thresholds) == {"fast", "accurate"} and 0 < shipped.thresholds["fast"]["abuse"] < 1
