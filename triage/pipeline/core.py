"""The one scoring path: normalize -> language -> sentiment -> tags -> urgency -> priority -> queue.

API, CLI, batch and evaluation all call :meth:`Pipeline.score_batch`; a single comment is a
batch of one and gets exactly the answer it gets inside a larger batch (every stage is row-wise).
A batch of one (each one-comment ``POST /v1/analyze``) takes cheaper paths where numpy's per-call
cost was most of the work — language ID, cue columns, priority and queue, tag sets on Python
numbers; the features' CSR arrays multiplied without building a scipy matrix — that do the same
float operations in the same order (``tests/unit/test_one_comment.py`` compares the floats).

>>> from triage import Comment
>>> pipe = load_pipeline()                                    # doctest: +SKIP
>>> pipe.score_batch([Comment("Where is my refund??")])[0].priority.queue   # doctest: +SKIP
<Queue.URGENT: 'urgent'>
"""

from __future__ import annotations

import functools
import logging
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from triage.errors import ConfigError, ModelNotFoundError
from triage.paths import DEFAULT_MODEL_DIR
from triage.pipeline.abuse_cues import AbuseCues, cue_columns
from triage.pipeline.embed import Embedder, check_layers
from triage.pipeline.fastheads import FastHeads
from triage.pipeline.features import Featurizer, as_written
from triage.pipeline.heads import LinearHead, heads_from_arrays, read_head_arrays
from triage.pipeline.langid import LanguageDetector, dominant_script
from triage.pipeline.loadcache import LoadCache
from triage.pipeline.ranking import QUEUES, RoutingPolicy, prioritize_arrays, reasons_of
from triage.pipeline.scored import ScoredBatch
from triage.pipeline.sentiment import calibrate_neutral, head_sentiment
from triage.pipeline.tagging import calibrate
from triage.pipeline.text import _native as text_native
from triage.pipeline.text import fold, normalize
from triage.pipeline.urgency_cues import UrgencyCues, load_cues
from triage.types import UNDETERMINED, Comment, LanguageGuess, Queue, Tag, Tier, TriageResult

if TYPE_CHECKING:
    import scipy.sparse as sp

__all__ = [
    "DEFAULT_MODEL_DIR", "MAX_TEXT_CHARS", "Pipeline", "TierConfig", "load_pipeline", "read_model_config",
    "abuse_features", "fast_tag_probs", "urgency_features", "urgency_probs",
]


#: Longer texts are scored on their first this-many characters (the raw text is kept as is).
MAX_TEXT_CHARS = 5000

log = logging.getLogger(__name__)
_REQUIRED_FILES = ("pipeline.toml", "heads.npz", "heads.json", "fast/vocab.json", "fast/idf.npz")


@dataclass(frozen=True)
class TierConfig:
    """Per-tier settings saved with the model: tag thresholds, the embedding blend weight and the
    tags' calibration to brand-page comments (``(a, b)`` of :func:`triage.pipeline.tagging.calibrate`)."""

    thresholds: Mapping[Tag, float]
    embedding_weight: float = 0.0
    calibration: Mapping[Tag, tuple[float, float]] = field(default_factory=dict)
    #: blend weight per head (tag names, ``urgency``), tuned on the in-domain dev part; default ``embedding_weight``
    embedding_weights: Mapping[str, float] = field(default_factory=dict)

    def weight(self, head: str) -> float:
        return self.embedding_weights.get(head, self.embedding_weight)


@dataclass
class Pipeline:
    """A loaded model: language detector, featurizer, heads and settings."""

    name: str
    directory: Path
    detector: LanguageDetector
    featurizer: Featurizer
    heads: Mapping[str, LinearHead]
    tiers: Mapping[Tier, TierConfig]
    routing: RoutingPolicy
    embedder: Embedder = field(default_factory=Embedder)
    #: language -> weight of its specialist polarity head (``[sentiment.specialists]``)
    specialists: Mapping[str, float] = field(default_factory=dict)
    #: multiplies P(neutral) before the three are renormalised (``[sentiment] neutral_scale``)
    neutral_scale: float = 1.0
    #: at most this many words explain an urgent comment's priority
    max_drivers: int = 3
    #: encoder layers the accurate tier's heads read (``[embedding] layers``; None: the last)
    embedding_layers: tuple[int, ...] | None = None

    def score_batch(self, comments: Sequence[Comment], tier: Tier | str = Tier.FAST) -> list[TriageResult]:
        """Score comments with the chosen tier; returns one result per comment, in order."""
        return self.score_arrays(comments, tier).results()

    def score_arrays(self, comments: Sequence[Comment], tier: Tier | str = Tier.FAST) -> ScoredBatch:
        """:meth:`score_batch` as columns (:class:`~triage.pipeline.scored.ScoredBatch`): what the
        batch output writes without a record object per comment."""
        tier = Tier(tier)
        if tier not in self.tiers:
            raise ConfigError(
                f"model {self.name} has no {tier.value} tier", hint="use --tier fast, or a model trained with embeddings"
            )
        config = self.tiers[tier]
        label = f"{self.name}/{tier.value}"
        if not comments:
            empty = np.zeros((0, 3))
            return ScoredBatch([], [], empty, np.zeros((0, len(Tag))), config.thresholds, empty,
                               np.zeros(0, np.int64), np.zeros(0, np.int64), [], label)
        clean = [normalize(c.text[:MAX_TEXT_CHARS]) for c in comments]
        languages = self.detector.detect(clean)
        X = self.featurizer.transform_rows(clean)  # the CSR arrays: what the heads and _drivers read
        sent, tags, urg = self._probabilities(X, clean, tier, _head_languages(languages, clean))
        sent = calibrate_neutral(sent, self.neutral_scale)
        tag_table = np.column_stack([tags[tag] for tag in Tag])
        priority, queue = prioritize_arrays(sent[:, 0], {t.value: tags[t] for t in Tag}, urg, self.routing,
                                            _threshold_names(config))
        columns = [urg[:, 0], tags[Tag.SPAM], tags[Tag.COMPLAINT], tags[Tag.ABUSE], tags[Tag.QUESTION],
                   tags[Tag.PRAISE], sent[:, 0]]
        reason_min = self.routing.reason_min
        urgent = QUEUES.index(Queue.URGENT)
        if len(comments) == 1:  # one comment: the same floats without building a table
            named = [float(c[0]) for c in columns]
            reasons = [tuple(reasons_of(named, reason_min))]
            needs_words = [0] if named[0] >= 0.5 and int(queue[0]) == urgent else []
        else:
            reasons = [tuple(reasons_of(row, reason_min)) for row in np.column_stack(columns).tolist()]
            needs_words = np.flatnonzero((urg[:, 0] >= 0.5) & (queue == urgent)).tolist()
        for i in needs_words:
            drivers = self._drivers(X, i, clean[i])  # the words that pushed the urgency head towards high
            if drivers:
                reasons[i] += ("words: " + ", ".join(f'"{w}"' for w in drivers),)
        return ScoredBatch(comments, languages, sent, tag_table, config.thresholds, urg, priority, queue,
                           reasons, label)

    def _probabilities(
        self, X: Any, clean: list[str], tier: Tier, langs: Sequence[str]
    ) -> tuple[np.ndarray, dict[Tag, np.ndarray], np.ndarray]:
        """Sentiment (n, 3), tag columns (n,) and urgency (n, 3: high, normal, low)."""
        cues = functools.cache(lambda: _both_cues(clean))  # made once, if a head reads them
        sent, tags, urg = self.fast_heads().probabilities(  # every fast head in one X @ W
            X, langs, lambda: cues()[0], lambda: cues()[1])
        config = self.tiers[tier]
        if tier is Tier.ACCURATE and config.embedding_weight > 0:
            E = self.embedder.embed(clean, self.embedding_layers)
            w = config.embedding_weight
            sent = (1 - w) * sent + w * head_sentiment(self.heads, "emb", E)
            for tag in Tag:
                w = config.weight(tag.value)
                tags[tag] = (1 - w) * tags[tag] + w * self.heads[f"emb.{tag.value}"].proba_of(E, "1")
            w = config.weight("urgency")
            urg = (1 - w) * urg + w * urgency_probs(self.heads["emb.urgency"], E)
        if config.calibration:  # every calibrated tag at once: calibrate()'s operations, element-wise
            order, a, b = _calibration_arrays(config)
            calibrated = calibrate(np.column_stack([tags[tag] for tag in order]), a, b)
            for j, tag in enumerate(order):
                tags[tag] = calibrated[:, j]
        return sent, tags, urg

    def fast_heads(self) -> FastHeads:
        """The fast heads stacked for one product per batch (made once per heads mapping)."""
        fast = getattr(self.heads, "stack", None)  # heads made by share_fast_heads carry theirs
        if fast is not None and fast.made_for == (self.featurizer.n_features, tuple(self.specialists.items())):
            return fast
        cached = _FAST_HEADS.get(self._fast_key())
        if cached is None or cached[0] is not self.heads:
            return self._remember(FastHeads(self.heads, self.featurizer.n_features, self.specialists))
        return cached[1]

    def share_fast_heads(self, weights: np.ndarray | None = None) -> None:
        """Make the fast heads views into their stacked matrix, so the model's weights are in
        memory once (:meth:`load_pipeline` does it; the numbers do not change). The heads mapping
        then carries its stack (``heads.stack``). ``weights``: that matrix as the load cache holds it."""
        fast = self.fast_heads() if weights is None else self._remember(
            FastHeads(self.heads, self.featurizer.n_features, self.specialists, weights))
        self.heads = _StackedHeads(fast.shared(self.heads))
        self.heads.stack = fast

    def _fast_key(self) -> tuple[int, int, tuple[tuple[str, float], ...]]:
        return id(self.heads), id(self.featurizer), tuple(self.specialists.items())

    def _remember(self, fast: FastHeads) -> FastHeads:
        if len(_FAST_HEADS) >= 8:
            _FAST_HEADS.clear()
        _FAST_HEADS[self._fast_key()] = (self.heads, fast)
        return fast

    def _drivers(self, X: Any, i: int, text: str) -> tuple[str, ...]:
        """The word n-grams of row ``i`` that pushed the urgency head most towards ``high``, as
        its ``text`` spells them (the features read the folded text: "0 ngày" is "10 ngày")."""
        head = self.heads["fast.urgency"]
        start, terms = self.featurizer.word_block()
        lo, hi = X.indptr[i], X.indptr[i + 1]  # the row's non-zeros, read in place (no scipy row copy)
        idx, val = X.indices[lo:hi], X.data[lo:hi]
        words = (idx >= start) & (idx < start + len(terms))
        cols, vals = idx[words], val[words]
        if not len(cols):
            return ()
        push = vals * _high_lean(head, start, len(terms))[cols - start]
        found: list[str] = []
        pushes, columns = push.tolist(), cols.tolist()
        for j in np.argsort(-push).tolist():  # strongest first, until max_drivers are found
            if len(found) >= self.max_drivers or not pushes[j] > 0:
                break
            term = terms[columns[j] - start]
            if sum(map(str.isalpha, term)) >= 3:  # words a reader recognises: at least 3 letters
                found.append(term)
        return as_written(found, text)


class _StackedHeads(dict):  # type: ignore[type-arg]
    """A model's heads whose fast ones are views into ``stack`` (:meth:`Pipeline.share_fast_heads`)."""

    stack: FastHeads


def _head_languages(languages: Sequence[LanguageGuess], clean: Sequence[str]) -> list[str]:
    """The language each comment's polarity specialist is chosen by: the detected one, except that
    Arabic or Persian written in Latin letters (Arabizi, Finglish) gets none (``und``): the ar
    and fa specialists learnt Arabic-script reviews and know nothing of the Latin spellings."""
    langs = [g.lang for g in languages]
    for i, lang in enumerate(langs):
        if lang in _ARABIC_SCRIPT_SPECIALISTS and dominant_script(clean[i]) == "Latin":
            langs[i] = UNDETERMINED
    return langs


#: languages whose polarity specialists read Arabic script only (:func:`_head_languages`)
_ARABIC_SCRIPT_SPECIALISTS = frozenset({"ar", "fa"})


def _threshold_names(config: TierConfig) -> dict[str, float]:
    """The tier's tag thresholds by tag name: what the queues that follow tags read."""
    return {tag.value: threshold for tag, threshold in config.thresholds.items()}


def _calibration_arrays(config: TierConfig) -> tuple[tuple[Tag, ...], np.ndarray, np.ndarray]:
    """The tags ``config`` calibrates and their ``a`` and ``b`` as arrays (made once per config)."""
    cached = _CALIBRATION.get(id(config))
    if cached is None or cached[0] is not config:
        order = tuple(config.calibration)
        a = np.array([config.calibration[t][0] for t in order], dtype=np.float64)
        b = np.array([config.calibration[t][1] for t in order], dtype=np.float64)
        if len(_CALIBRATION) >= 16:
            _CALIBRATION.clear()
        cached = _CALIBRATION[id(config)] = (config, order, a, b)
    return cached[1], cached[2], cached[3]


def _high_lean(head: LinearHead, start: int, n: int) -> np.ndarray:
    """``coef[high] - coef.mean(axis=0)`` of the urgency head over the ``n`` word columns from
    ``start`` (float32, the very numbers :meth:`Pipeline._drivers` computed per comment), made
    once per head."""
    cached = _HIGH_LEAN.get(id(head.coef))
    if cached is None or cached[0] is not head.coef or cached[1] != (start, n):
        block = head.coef[:, start:start + n]
        lean = block[head.classes.index("high")] - block.mean(axis=0)
        if len(_HIGH_LEAN) >= 4:
            _HIGH_LEAN.clear()
        cached = _HIGH_LEAN[id(head.coef)] = (head.coef, (start, n), lean)
    return cached[2]


#: id(urgency head's coef) -> (the coef, (start, n), its lean towards high): :func:`_high_lean`
_HIGH_LEAN: dict[int, tuple[np.ndarray, tuple[int, int], np.ndarray]] = {}
#: id(TierConfig) -> (the config, its calibrated tags, a, b): :func:`_calibration_arrays`
_CALIBRATION: dict[int, tuple[TierConfig, tuple[Tag, ...], np.ndarray, np.ndarray]] = {}
_CUES: UrgencyCues | None = None
#: (heads, featurizer, specialists) -> the heads mapping and its FastHeads (Pipeline.fast_heads)
_FAST_HEADS: dict[tuple[Any, ...], tuple[Mapping[str, LinearHead], FastHeads]] = {}


def urgency_features(X: Any, clean: Sequence[str]) -> Any:
    """The fast urgency head's input: the shared features plus the multilingual urgency cues of
    :mod:`triage.pipeline.urgency_cues` (money, lost order, outage, safety, fraud, threats,
    waiting, anger), which carry the head to phrasings the corpus does not contain."""
    return append_columns(X, urgency_cue_columns(clean))


def urgency_cue_columns(clean: Sequence[str]) -> np.ndarray:
    """The dense urgency cue columns :func:`urgency_features` appends (n, 9), float32."""
    global _CUES
    if _CUES is None:
        _CUES = load_cues(UrgencyCues)
    return _CUES.features([fold(t) for t in clean])


def append_columns(X: Any, dense: np.ndarray) -> sp.csr_matrix:
    """``sp.hstack([X, sp.csr_matrix(dense)], format="csr", dtype=np.float32)`` (the same
    matrix: rows in order, zeros of ``dense`` not stored), built with a few numpy operations
    instead of scipy's generic stacking (34 instead of 112 µs per call for one comment, whose
    whole scoring takes ~800 µs)."""
    n, d = X.shape
    dense = np.asarray(dense, dtype=np.float32).reshape(n, -1)
    rows, cols = np.nonzero(dense)  # row-major: each row's new columns in order
    per_row = np.bincount(rows, minlength=n)
    before = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(per_row, out=before[1:])
    indptr = X.indptr.astype(np.int64) + before
    x_lengths = np.diff(X.indptr)
    x_pos = np.arange(X.nnz, dtype=np.int64) + np.repeat(before[:-1], x_lengths)
    d_pos = indptr[rows] + x_lengths[rows] + (np.arange(len(rows)) - before[rows])
    data = np.empty(indptr[-1], dtype=np.float32)
    indices = np.empty(indptr[-1], dtype=np.int32 if d + dense.shape[1] < 2**31 else np.int64)
    data[x_pos], indices[x_pos] = X.data, X.indices
    data[d_pos], indices[d_pos] = dense[rows, cols], d + cols
    import scipy.sparse as sp  # noqa: PLC0415 - scoring a batch needs no scipy matrix (0.13 s of import)

    return sp.csr_matrix((data, indices, indptr.astype(indices.dtype)), shape=(n, d + dense.shape[1]))


_ABUSE_CUES: AbuseCues | None = None


def _abuse_cues(clean: Sequence[str]) -> np.ndarray:
    global _ABUSE_CUES
    if _ABUSE_CUES is None:
        _ABUSE_CUES = load_cues(AbuseCues)
    return _ABUSE_CUES.features(_ABUSE_CUES.views(clean))


def _both_cues(clean: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`urgency_cue_columns` and :func:`_abuse_cues` of a batch (:func:`cue_columns`)."""
    global _CUES, _ABUSE_CUES
    if _CUES is None:
        _CUES = load_cues(UrgencyCues)
    if _ABUSE_CUES is None:
        _ABUSE_CUES = load_cues(AbuseCues)
    return cue_columns(clean, _CUES, _ABUSE_CUES)


def abuse_features(X: Any, clean: Sequence[str]) -> Any:
    """The fast abuse head's input: the shared features plus the multilingual abuse cues of
    :mod:`triage.pipeline.abuse_cues` (insult, slur, violence, sexual, profanity, profanity only),
    read after undoing the usual obfuscations (``f*ck``, ``sh1t``, ``f.u.c.k``)."""
    return append_columns(X, _abuse_cues(clean))


def fast_tag_probs(heads: Mapping[str, LinearHead], tag: Tag, X: Any, clean: Sequence[str]) -> np.ndarray:
    """P(tag) from the fast head; the abuse head gets the abuse cues when it was trained with them
    (its width says so: a model trained before them keeps working). The cue columns' share of
    the score is added to the shared features' share, so ``X`` is not copied."""
    head = heads[f"fast.{tag.value}"]
    width = X.shape[1]
    if tag is not Tag.ABUSE or head.coef.shape[1] == width or len(head.classes) != 2:
        return head.proba_of(X if head.coef.shape[1] == width else abuse_features(X, clean), "1")
    z = np.asarray(X @ head.coef[:, :width].T, dtype=np.float64)[:, 0]
    z += _abuse_cues(clean) @ head.coef[0, width:].astype(np.float64) + float(head.intercept[0])
    p = 1.0 / (1.0 + np.exp(-z))
    return p if head.classes.index("1") == 1 else 1.0 - p


def urgency_probs(head: LinearHead, X: Any) -> np.ndarray:
    """(n, 3) probabilities of high, normal, low from an urgency head."""
    return head.predict_proba(X)[:, [head.classes.index(c) for c in ("high", "normal", "low")]]


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
        cal = table.get("calibration", {})
        bad = [k for k, v in cal.items() if k not in Tag.__members__.values() or not (
            isinstance(v, list) and len(v) == 2 and all(isinstance(x, int | float) for x in v))]
        if bad:
            raise ConfigError(f"[tiers.{tier.value}.calibration] needs [a, b] per tag name, wrong: {bad}")
        tiers[tier] = TierConfig(
            {tag: float(thresholds[tag.value]) for tag in Tag}, float(table.get("embedding_weight", 0.0)),
            {Tag(k): (float(v[0]), float(v[1])) for k, v in cal.items()},
            {str(k): float(v) for k, v in table.get("embedding_weights", {}).items()},
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


def load_pipeline(directory: str | Path | None = None, *, cache_identity: str | None = None) -> Pipeline:
    """Load a model directory (default: the shipped ``models/triage-default``).

    The loader never consults the model registry: entry points that follow the registry's active
    model pass :func:`triage.training.registry.resolve_model_dir`'s answer. What loading builds
    from the files (the heads' float32 weights, their stacked matrix, the featurizer's lookup
    tables) is kept in the load cache (:mod:`triage.pipeline.loadcache`) and read from it next
    time; ``cache_identity`` names the model's content when its files were just written (a Dask
    worker's copy), else their paths, sizes and times do.
    """
    directory = Path(directory) if directory is not None else DEFAULT_MODEL_DIR
    name, config = read_model_config(directory)
    langid = dict(config.get("langid", {}))
    langid_path = directory / langid.pop("model", "langid/lid.176.ftz")
    if not langid_path.is_file():
        raise ModelNotFoundError(f"language-ID model not found: {langid_path}")
    cache, cached = _load_cache(directory, cache_identity)
    if cached is not None:
        heads, featurizer, stack = cached
    else:
        head_arrays, head_meta = read_head_arrays(directory)
        heads = heads_from_arrays(head_arrays, head_meta)
        featurizer, stack = Featurizer.load(directory / "fast"), None
    tiers = _tier_configs(config)
    needed = ["fast.urgency", *(f"fast.{t.value}" for t in Tag)]
    if Tier.ACCURATE in tiers:
        needed += ["emb.urgency", *(f"emb.{t.value}" for t in Tag)]
    missing = [h for h in needed if h not in heads]
    if missing:
        raise ModelNotFoundError(
            f"{directory} lacks the heads {missing} (made by an older triage)",
            hint="retrain it with `triage train` or training/build_default.py",
        )
    sentiment = config.get("sentiment", {})
    scale = sentiment.get("neutral_scale", 1.0)
    if not isinstance(scale, int | float) or isinstance(scale, bool) or scale <= 0:
        raise ConfigError(f"[sentiment] neutral_scale must be a number > 0, got {scale!r}")
    pipe = Pipeline(
        name=name,
        directory=directory,
        detector=LanguageDetector(langid_path, **langid),
        featurizer=featurizer,
        heads=heads,
        tiers=tiers,
        routing=RoutingPolicy.from_mapping(config.get("routing", {})),
        specialists=_specialists(config),
        neutral_scale=float(scale),
        embedding_layers=_embedding_layers(config),
        embedder=Embedder(tuned=_embedding_tuned(config, directory)),
    )
    pipe.share_fast_heads(stack)
    if cache is not None and cached is None:
        _store_cache(cache, head_arrays, head_meta, featurizer, pipe.fast_heads())
    return pipe


def _load_cache(
    directory: Path, identity: str | None
) -> tuple[LoadCache | None, tuple[dict[str, LinearHead], Featurizer, np.ndarray] | None]:
    """The model's load-cache entry, and the heads, featurizer and stacked fast weights it holds
    when it holds a usable copy."""
    if text_native is None:  # pragma: no cover - no compiler: nothing compiled to cache
        return None, None
    # the files read_model_config has just checked are the ones the cached state is built from
    cache = LoadCache("model", [directory / f for f in _REQUIRED_FILES], identity=identity)
    found = cache.read()
    if found is None:
        return cache, None
    arrays, meta = found
    try:
        stack = arrays["stack"]
        heads = {k.removeprefix("heads/"): a for k, a in arrays.items() if k.startswith("heads/")}
        for head, (start, stop) in meta["stacked"].items():  # weights stored once, in the stack
            heads[f"{head}.coef"] = stack[:, start:stop].T
        feats = {k.removeprefix("featurizer/"): a for k, a in arrays.items() if k.startswith("featurizer/")}
        featurizer = Featurizer.from_cache(feats, meta["featurizer"], directory / "fast")
        return cache, (heads_from_arrays(heads, meta["heads"]), featurizer, stack)
    except (KeyError, ValueError, TypeError) as exc:  # an entry of another layout: build it again
        log.warning("load cache entry %s does not fit (%s); rebuilding it", cache.path, exc)
        cache.discard()
        return cache, None


def _store_cache(cache: LoadCache, head_arrays: Mapping[str, np.ndarray], head_meta: Mapping[str, list[str]],
                 featurizer: Featurizer, fast: FastHeads) -> None:
    state = featurizer.cache_state()
    if state is None:  # pragma: no cover - no compiled featurizer
        return
    # a head exactly as wide as the features is a block of the stack's columns: stored once
    stacked = {name: [cols.start, cols.stop] for name, cols in fast.columns.items()
               if head_arrays[f"{name}.coef"].shape == (cols.stop - cols.start, fast.width)}
    arrays = {f"heads/{k}": a for k, a in head_arrays.items()
              if not (k.endswith(".coef") and k.removesuffix(".coef") in stacked)}
    arrays.update({f"featurizer/{k}": a for k, a in state[0].items()})
    arrays["stack"] = fast.weights
    cache.write(arrays, {"heads": dict(head_meta), "stacked": stacked, "featurizer": state[1]})


def _embedding_layers(config: Mapping[str, Any]) -> tuple[int, ...] | None:
    layers = config.get("embedding", {}).get("layers")
    if layers is not None and not isinstance(layers, list):
        raise ConfigError(f"[embedding] layers must be a list of layer numbers, got {layers!r}")
    return check_layers(layers)


def _embedding_tuned(config: Mapping[str, Any], directory: Path) -> Path | None:
    """``[embedding] tuned``: the model's fine-tuned encoder layers (a file in its folder)."""
    name = config.get("embedding", {}).get("tuned")
    if name is None:
        return None
    if not isinstance(name, str) or not name or Path(name).name != name:
        raise ConfigError(f"[embedding] tuned must be a file name in the model's folder, got {name!r}")
    path = directory / name
    if not path.is_file():
        raise ConfigError(f"the model's fine-tuned encoder layers {path} are missing ([embedding] tuned)")
    return path


def _specialists(config: Mapping[str, Any]) -> dict[str, float]:
    table = config.get("sentiment", {}).get("specialists", {})
    if not all(isinstance(w, int | float) and 0 <= w <= 1 for w in table.values()):
        raise ConfigError(f"[sentiment.specialists] weights must be numbers in [0, 1], got {table}")
    return {lang: float(w) for lang, w in table.items()}
