"""The one scoring path: normalize -> language -> sentiment -> tags -> priority -> queue.

API, CLI, batch and evaluation all call :meth:`Pipeline.score_batch`; a single comment is a
batch of one and gets exactly the answer it gets inside a larger batch (every stage is row-wise).

>>> from triage import Comment
>>> pipe = load_pipeline()                                    # doctest: +SKIP
>>> pipe.score_batch([Comment("Where is my refund??")])[0].priority.queue   # doctest: +SKIP
<Queue.URGENT: 'urgent'>
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from triage.errors import ConfigError, ModelNotFoundError
from triage.paths import DEFAULT_MODEL_DIR
from triage.pipeline.embed import Embedder
from triage.pipeline.features import Featurizer
from triage.pipeline.heads import LinearHead, load_heads
from triage.pipeline.langid import LanguageDetector
from triage.pipeline.ranking import RankingWeights, prioritize
from triage.pipeline.sentiment import head_sentiment, specialize, to_scores
from triage.pipeline.tagging import to_tag_scores
from triage.pipeline.text import normalize
from triage.types import Comment, Tag, Tier, TriageResult

__all__ = ["DEFAULT_MODEL_DIR", "MAX_TEXT_CHARS", "Pipeline", "TierConfig", "load_pipeline", "read_model_config"]


#: Longer texts are scored on their first this-many characters (the raw text is kept as is).
MAX_TEXT_CHARS = 5000

_REQUIRED_FILES = ("pipeline.toml", "heads.npz", "heads.json", "fast/vocab.json", "fast/idf.npz")


@dataclass(frozen=True)
class TierConfig:
    """Per-tier settings saved with the model: tag thresholds and the embedding blend weight."""

    thresholds: Mapping[Tag, float]
    embedding_weight: float = 0.0


@dataclass
class Pipeline:
    """A loaded model: language detector, featurizer, heads and settings."""

    name: str
    directory: Path
    detector: LanguageDetector
    featurizer: Featurizer
    heads: Mapping[str, LinearHead]
    tiers: Mapping[Tier, TierConfig]
    ranking: RankingWeights
    embedder: Embedder = field(default_factory=Embedder)
    #: language -> weight of its specialist polarity head (``[sentiment.specialists]``)
    specialists: Mapping[str, float] = field(default_factory=dict)

    def score_batch(self, comments: Sequence[Comment], tier: Tier | str = Tier.FAST) -> list[TriageResult]:
        """Score comments with the chosen tier; returns one result per comment, in order."""
        tier = Tier(tier)
        if tier not in self.tiers:
            raise ConfigError(
                f"model {self.name} has no {tier.value} tier", hint="use --tier fast, or a model trained with embeddings"
            )
        if not comments:
            return []
        clean = [normalize(c.text[:MAX_TEXT_CHARS]) for c in comments]
        languages = self.detector.detect(clean)
        sent, tags = self._probabilities(clean, tier, [g.lang for g in languages])
        config = self.tiers[tier]
        sentiments = to_scores(sent)
        tag_scores = to_tag_scores(tags, config.thresholds)
        label = f"{self.name}/{tier.value}"
        return [
            TriageResult(c, lang, s, t, prioritize(s, t, self.ranking), label)
            for c, lang, s, t in zip(comments, languages, sentiments, tag_scores, strict=True)
        ]

    def _probabilities(
        self, clean: list[str], tier: Tier, langs: Sequence[str]
    ) -> tuple[np.ndarray, dict[Tag, np.ndarray]]:
        X = self.featurizer.transform(clean)
        sent = specialize(head_sentiment(self.heads, "fast", X), self.heads, X, langs, self.specialists)
        tags = {tag: self.heads[f"fast.{tag.value}"].proba_of(X, "1") for tag in Tag}
        w = self.tiers[tier].embedding_weight
        if tier is Tier.ACCURATE and w > 0:
            E = self.embedder.embed(clean)
            sent = (1 - w) * sent + w * head_sentiment(self.heads, "emb", E)
            for tag in Tag:
                tags[tag] = (1 - w) * tags[tag] + w * self.heads[f"emb.{tag.value}"].proba_of(E, "1")
        return sent, tags


def _tier_configs(config: Mapping[str, Any]) -> dict[Tier, TierConfig]:
    tiers: dict[Tier, TierConfig] = {}
    for tier in Tier:
        table = config.get("tiers", {}).get(tier.value)
        if table is None:
            if tier is Tier.FAST:
                raise ConfigError("pipeline.toml has no [tiers.fast] table")
            continue
        thresholds = table.get("thresholds", {})
        missing = [t.value for t in Tag if t.value not in thresholds]
        if missing:
            raise ConfigError(f"[tiers.{tier.value}.thresholds] lacks {missing}")
        tiers[tier] = TierConfig(
            {tag: float(thresholds[tag.value]) for tag in Tag}, float(table.get("embedding_weight", 0.0))
        )
    return tiers


def read_model_config(directory: Path) -> tuple[str, dict[str, Any]]:
    """Check a model directory's files and read its ``pipeline.toml``: (``name-version``, config)."""
    missing = [f for f in _REQUIRED_FILES if not (directory / f).is_file()]
    if missing:
        raise ModelNotFoundError(
            f"{directory} is not a triage model directory (missing {', '.join(missing)})",
            hint="pass --model with a directory made by training/build_default.py or `triage train`",
        )
    try:
        config = tomllib.loads((directory / "pipeline.toml").read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{directory / 'pipeline.toml'}: {exc}") from exc
    model = config.get("model", {})
    return f"{model.get('name', directory.name)}-{model.get('version', '0')}", config


def load_pipeline(directory: str | Path | None = None) -> Pipeline:
    """Load a model directory (default: the shipped ``models/triage-default``).

    The loader never consults the model registry: entry points that follow the registry's active
    model pass :func:`triage.training.registry.resolve_model_dir`'s answer.
    """
    directory = Path(directory) if directory is not None else DEFAULT_MODEL_DIR
    name, config = read_model_config(directory)
    langid = dict(config.get("langid", {}))
    langid_path = directory / langid.pop("model", "langid/lid.176.ftz")
    if not langid_path.is_file():
        raise ModelNotFoundError(f"language-ID model not found: {langid_path}")
    return Pipeline(
        name=name,
        directory=directory,
        detector=LanguageDetector(langid_path, **langid),
        featurizer=Featurizer.load(directory / "fast"),
        heads=load_heads(directory),
        tiers=_tier_configs(config),
        ranking=RankingWeights.from_mapping(config.get("ranking", {})),
        specialists=_specialists(config),
    )


def _specialists(config: Mapping[str, Any]) -> dict[str, float]:
    table = config.get("sentiment", {}).get("specialists", {})
    if not all(isinstance(w, int | float) and 0 <= w <= 1 for w in table.values()):
        raise ConfigError(f"[sentiment.specialists] weights must be numbers in [0, 1], got {table}")
    return {lang: float(w) for lang, w in table.items()}
