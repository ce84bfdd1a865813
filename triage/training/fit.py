"""Build a model directory from the labelled datasets and measure it on their dev splits.

Used by ``training/build_default.py`` (the shipped model). Steps, all deterministic:

1. read every train split of ``$TRIAGE_DATA`` (sentiment, spam, complaint, question) and the
   project's seed sets (``datasets/seed``; every third seed is held out as seed-dev);
2. fit the shared featurizer, then the fast-tier heads (scikit-learn logistic regression, two
   heads at a time: the solver releases the GIL), while a background thread embeds the texts
   the accurate tier needs and the cache lacks;
3. fit the accurate-tier heads on multilingual-e5 embeddings of a capped subset (cached);
4. tune each tag's threshold and the embedding blend weight on the dev splits;
5. write the model (features, heads, ``pipeline.toml``) and ``metrics.json`` per dataset x
   language x label for both tiers.
"""

from __future__ import annotations

import json
import resource
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from triage.errors import ConfigError
from triage.pipeline.embed import Embedder, EmbeddingCache
from triage.pipeline.features import Featurizer
from triage.pipeline.heads import LinearHead, save_heads
from triage.pipeline.ranking import RankingWeights
from triage.pipeline.sentiment import head_sentiment, specialize
from triage.training.card import write_model_card
from triage.training.data import (
    DEFAULT_MODEL_DIR,
    TASKS,
    Example,
    SeedExample,
    dataset_names,
    read_examples,
    sample,
    seed_examples,
)
from triage.training.evaluate import (
    best_threshold,
    binary_metrics,
    by_language,
    classification_metrics,
)
from triage.types import Tag

__all__ = ["TrainConfig", "TrainingData", "build_model", "embedding_texts", "fit_model", "read_training_data"]

SENTIMENT_LABELS = ("negative", "neutral", "positive")
#: Public data for each tag: task folder and the label that means "has the tag".
TAG_TASKS = {Tag.SPAM: ("spam", "spam"), Tag.COMPLAINT: ("complaint", "complaint"), Tag.QUESTION: ("question", "question")}
#: Review datasets whose positive reviews are (weak) examples of praise, negatives of non-praise.
REVIEW_DATASETS = (
    "aivivn-2019-sentiment", "laroseda", "ro_sent", "snappfood-sentiment", "uit-visfd",
    "vlsp2016-sentiment", "sentipers-deepsentipers", "indonlu-smsa", "parsinlu-sentiment",
)
#: Dev sets left out of model selection: most tweeteval dev tweets are in umsab_xlm-t train.
NOT_FOR_SELECTION = ("tweeteval",)


@dataclass
class TrainConfig:
    """Training settings; saved into ``metrics.json`` with the results."""

    sentiment_c: float = 4.0
    tag_c: float = 4.0
    embedding_c: float = 2.0
    seed_weight: float = 3.0
    weak_praise_weight: float = 0.3
    weak_praise_cap: int = 1500
    embedding_train_cap: dict[str, int | None] = field(
        default_factory=lambda: {"sentiment": 500, "spam": 800, "complaint": 1000, "question": 2000, "umsab_xlm-t": 2400}
    )
    #: Dev rows per set embedded for the accurate tier's tuning and metrics ...
    embedding_dev_cap: int = 250
    #: ... except these dev sets (the targets of the shipped model), the seeds' and a user's: all rows.
    embedding_dev_full: tuple[str, ...] = (
        "umsab_xlm-t", "uit-vsfc", "laroseda", "snappfood-sentiment", "astd", "youtube-spam-collection",
        "complaints-twitter-preotiuc2019", "tweet-act-tac",
    )
    #: Threads fitting the fast tier's heads side by side.
    n_jobs: int = 2
    #: A language with at least this many polar sentiment rows gets a specialist polarity head ...
    specialist_min_rows: int = 3000
    #: ... blended with these candidate weights; the best on its dev rows is kept (0 drops it).
    specialist_weights: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)
    #: ... if it beats no specialist by at least this much (smaller gains are tuning noise).
    specialist_min_gain: float = 0.002
    embedding_weights: tuple[float, ...] = (0.3, 0.4, 0.5, 0.6, 0.7)
    max_iter: int = 300
    #: Sample weight of a user's own labelled rows (``triage train``), like the seeds'.
    user_weight: float = 3.0
    cache_dir: str = str(Path.home() / ".cache" / "triage" / "e5")


@dataclass
class _TagData:
    texts: list[str]
    y: np.ndarray
    weight: np.ndarray
    keys: list[str]  # dataset name (or "seed") per row, for the embedding cap
    ids: list[str]  # example ids (the embedding cache was filled by hash of these)


def pipeline_toml(
    name: str, version: str, tiers: dict[str, dict[str, Any]], specialists: dict[str, float] | None = None
) -> str:
    """The ``pipeline.toml`` of a trained model (components, thresholds, ranking weights)."""
    lines = [
        "# Written by triage.training.fit; edit [ranking] to change the priority formula (see triage/ranking.py).",
        "[model]", f'name = "{name}"', f'version = "{version}"', "",
        "[langid]", 'model = "langid/lid.176.ftz"', "",
    ]
    for tier, settings in tiers.items():
        lines += [f"[tiers.{tier}]", f"embedding_weight = {settings['embedding_weight']}"]
        lines += [f"[tiers.{tier}.thresholds]"] + [f"{k} = {v}" for k, v in settings["thresholds"].items()] + [""]
    if specialists:
        lines += ["[sentiment.specialists]"] + [f"{k} = {v}" for k, v in sorted(specialists.items())] + [""]
    lines += ["[ranking]"] + [f"{k} = {v}" for k, v in asdict(RankingWeights()).items()]
    return "\n".join(lines) + "\n"


def _lr(c: float, max_iter: int) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=max_iter)


def _tag_train(
    root: Path | None, tag: Tag, seeds: Sequence[SeedExample], cfg: TrainConfig,
    user: Sequence[SeedExample] = (),
) -> _TagData:
    texts: list[str] = []
    ys: list[int] = []
    weights: list[float] = []
    keys: list[str] = []
    ids: list[str] = []
    if root is None:
        pass  # user data (and seeds) only
    elif tag in TAG_TASKS:
        task, positive = TAG_TASKS[tag]
        for name in dataset_names(root, task, "train"):
            for e in read_examples(root, task, name, "train"):
                texts.append(e.text)
                ys.append(int(e.label == positive))
                weights.append(1.0)
                keys.append(name)
                ids.append(e.id)
    else:  # praise: no public data; positive reviews are weak praise, others weak non-praise
        for name in (n for n in REVIEW_DATASETS if n in dataset_names(root, "sentiment", "train")):
            rows = sample(list(read_examples(root, "sentiment", name, "train")), cfg.weak_praise_cap)
            for e in rows:
                texts.append(e.text)
                ys.append(int(e.label == "positive"))
                weights.append(cfg.weak_praise_weight)
                keys.append(name)
                ids.append(e.id)
    for s in seeds:
        texts.append(s.text)
        ys.append(int(tag.value in s.tags))
        weights.append(cfg.seed_weight)
        keys.append("seed")
        ids.append(s.id)
    for u in user:  # a user's multi-label rows: every tag annotated, like the seeds
        texts.append(u.text)
        ys.append(int(tag.value in u.tags))
        weights.append(cfg.user_weight)
        keys.append("user")
        ids.append(u.id)
    return _TagData(texts, np.array(ys), np.array(weights), keys, ids)


def _binary_head(X: Any, y: np.ndarray, w: np.ndarray, c: float, max_iter: int) -> LinearHead:
    labels = np.where(y == 1, "1", "0")
    return LinearHead.from_estimator(_lr(c, max_iter).fit(X, labels, sample_weight=w))


#: Training rows that always reach the accurate tier: the seed sets and a user's own rows.
_UNCAPPED = ("seed", "user")


def _dev_embedding_rows(name: str, rows: Sequence[Any], cfg: TrainConfig) -> list[Any]:
    """Dev rows of one set that the accurate tier is tuned and measured on."""
    if name in cfg.embedding_dev_full or name.startswith(_UNCAPPED):
        return list(rows)
    return sample(list(rows), cfg.embedding_dev_cap)


@dataclass
class _EmbeddingPlan:
    """Which rows the accurate tier is trained, tuned and measured on."""

    sent_keep: np.ndarray
    tag_keep: dict[Tag, np.ndarray]
    dev_rows: dict[str, dict[str, set[int]]]  # task -> dev set -> ids of the embedded row objects
    texts: list[str]  # every distinct text to embed

    @classmethod
    def of(cls, sent_train: Sequence[Example], tag_train: dict[Tag, _TagData],
           dev: dict[str, dict[str, list[Example]]], multi_dev: dict[str, list[SeedExample]],
           cfg: TrainConfig) -> _EmbeddingPlan:
        sent_keep = _embedding_mask([e.source for e in sent_train], cfg, "sentiment", [e.id for e in sent_train])
        tag_keep = {
            tag: _embedding_mask(d.keys, cfg, TAG_TASKS[tag][0] if tag in TAG_TASKS else "sentiment", d.ids)
            for tag, d in tag_train.items()
        }
        dev_rows = {task: {n: {id(e) for e in _dev_embedding_rows(n, rows, cfg)} for n, rows in sets.items()}
                    for task, sets in dev.items()}
        texts = [s.text for rows in multi_dev.values() for s in rows]
        texts += [e.text for task, sets in dev.items() for n, rows in sets.items() for e in rows if id(e) in dev_rows[task][n]]
        texts += [e.text for e, k in zip(sent_train, sent_keep, strict=True) if k]
        texts += [x for tag, d in tag_train.items() for x, k in zip(d.texts, tag_keep[tag], strict=True) if k]
        return cls(sent_keep, tag_keep, dev_rows, list(dict.fromkeys(texts)))


def embedding_texts(data: TrainingData, cfg: TrainConfig | None = None) -> list[str]:
    """Every text a training run on ``data`` embeds for the accurate tier (to fill the cache ahead)."""
    cfg = cfg or TrainConfig()
    tag_train = {tag: _tag_train(data.root, tag, data.seed_train, cfg, data.user_tag_train) for tag in Tag}
    multi_dev = {"seed-dev": data.seed_dev} | ({"user-dev": data.user_tag_dev} if data.user_tag_dev else {})
    return _EmbeddingPlan.of(data.sent_train, tag_train, data.dev, multi_dev, cfg).texts


class _EmbeddingFill(threading.Thread):
    """Embeds texts missing from the cache in the background (the engine releases the GIL)."""

    def __init__(self, cache: EmbeddingCache, embedder: Embedder, texts: Sequence[str],
                 log: Callable[[str], None]) -> None:
        super().__init__(name="embedding-fill", daemon=True)
        self.cache, self.embedder, self.log = cache, embedder, log
        self.todo = cache.missing(texts)
        self.error: BaseException | None = None
        self.done = 0
        self._t0 = self._logged = time.time()

    def _progress(self, done: int, total: int) -> None:
        self.done = done
        if time.time() - self._logged >= 60.0:
            self._logged = time.time()
            self.log(f"embeddings: {done}/{total} ({done / (self._logged - self._t0):.0f} texts/s)")

    def run(self) -> None:
        self._t0 = self._logged = time.time()
        try:
            self.cache.fill(self.todo, self.embedder, progress=self._progress)
        except BaseException as exc:  # re-raised in the training thread by wait()
            self.error = exc

    def wait(self) -> None:
        self.join()
        if self.error is not None:
            raise self.error


def _embedding_mask(keys: Sequence[str], cfg: TrainConfig, task: str, ids: Sequence[str]) -> np.ndarray:
    """Rows the accurate tier trains on: a deterministic capped subset per dataset."""
    cap_default = cfg.embedding_train_cap.get(task)
    keep = np.zeros(len(keys), dtype=bool)
    groups: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        groups.setdefault(k, []).append(i)
    for k, rows in groups.items():
        cap = cfg.embedding_train_cap.get(k, cap_default) if k not in _UNCAPPED else None
        fake = [Example(ids[i], "", "", "", k, task) for i in rows]
        chosen = {e.id for e in sample(fake, cap)}
        for i in rows:
            keep[i] = ids[i] in chosen
    return keep


def _sentiment_eval(probs: np.ndarray, dev: Sequence[Example]) -> dict[str, Any]:
    y = [e.label for e in dev]
    langs = [e.lang for e in dev]
    labels = sorted(set(y))
    if len(labels) == 2:  # two-class dataset: positive vs negative, neutral ignored
        pred = np.where(probs[:, 2] >= probs[:, 0], "positive", "negative")
        metric = lambda yt, yp: classification_metrics(yt, yp, ["negative", "positive"])  # noqa: E731
    else:
        pred = np.array(SENTIMENT_LABELS)[probs.argmax(axis=1)]
        metric = lambda yt, yp: classification_metrics(yt, yp, SENTIMENT_LABELS)  # noqa: E731
    out = metric(y, pred)
    out["classes"] = len(labels)
    out["per_lang"] = by_language(langs, metric, y, pred)
    return out


@dataclass
class TrainingData:
    """Everything one training run learns from and tunes on, in memory.

    ``sent_train``/``dev`` use the shared datasets' layout (``dev[task][name]``); multi-label rows
    (the seeds, a user's own rows) carry all four tags. ``user_*`` rows come from ``triage train``.
    """

    root: Path | None
    seeds: list[SeedExample]
    sent_train: list[Example]
    dev: dict[str, dict[str, list[Example]]]
    user_tag_train: list[SeedExample] = field(default_factory=list)
    user_tag_dev: list[SeedExample] = field(default_factory=list)

    @property
    def seed_train(self) -> list[SeedExample]:
        return [s for s in self.seeds if not s.is_dev]

    @property
    def seed_dev(self) -> list[SeedExample]:
        return [s for s in self.seeds if s.is_dev]


def read_training_data(root: Path | None, seeds: list[SeedExample] | None = None) -> TrainingData:
    """The train and dev splits of the shared-datasets folder ``root`` (``None``: none) and the seeds."""
    seeds = seed_examples() if seeds is None else seeds
    if root is None:
        return TrainingData(None, seeds, [], {task: {} for task in TASKS})
    sent_train = [e for n in dataset_names(root, "sentiment", "train") for e in read_examples(root, "sentiment", n, "train")]
    dev = {
        task: {n: list(read_examples(root, task, n, "dev")) for n in dataset_names(root, task, "dev")} for task in TASKS
    }
    return TrainingData(root, seeds, sent_train, dev)


def build_model(
    root: Path,
    out_dir: Path,
    cfg: TrainConfig | None = None,
    log: Callable[[str], None] = print,
    embed: bool = True,
    model_name: str = "triage-default",
    model_version: str = "0.1.0",
) -> dict[str, Any]:
    """Train every head, tune thresholds on dev, write the model to ``out_dir``; returns metrics."""
    started = time.time()
    data = read_training_data(root)
    return fit_model(data, out_dir, cfg, log, embed, model_name, model_version, started=started)


def fit_model(
    data: TrainingData,
    out_dir: Path,
    cfg: TrainConfig | None = None,
    log: Callable[[str], None] = print,
    embed: bool = True,
    model_name: str = "triage-default",
    model_version: str = "0.1.0",
    *,
    started: float | None = None,
) -> dict[str, Any]:
    """Fit every head on in-memory data, tune thresholds on its dev sets, write the model."""
    cfg = cfg or TrainConfig()
    started = time.time() if started is None else started
    root = data.root
    seeds = data.seeds
    seed_train = data.seed_train
    seed_dev = data.seed_dev
    sent_train = data.sent_train
    dev = data.dev
    if not any(e.label == "neutral" for e in sent_train) or len({e.label for e in sent_train} - {"neutral"}) < 2:
        raise ConfigError(
            "sentiment training data needs negative, neutral and positive examples",
            hint="add labelled sentiment rows, or train on top of the shipped datasets (--base default)",
        )
    three_class = {e.source for e in sent_train if e.label == "neutral"}
    tag_train = {tag: _tag_train(root, tag, seed_train, cfg, data.user_tag_train) for tag in Tag}
    #: multi-label dev sets: name -> rows with all four tags annotated
    multi_dev = {"seed-dev": seed_dev} | ({"user-dev": data.user_tag_dev} if data.user_tag_dev else {})
    log(f"data: {len(sent_train)} sentiment, " + ", ".join(f"{t.value} {len(d.texts)}" for t, d in tag_train.items())
        + f", {len(seed_train)} seeds (+{len(seed_dev)} held out)"
        + (f", {len(data.user_tag_train)} user multi-label rows (+{len(data.user_tag_dev)} dev)" if data.user_tag_train else ""))

    # 0. the accurate tier's texts: embed what the cache lacks while the fast tier trains
    cache = EmbeddingCache(Path(cfg.cache_dir)) if embed else None
    embedder = Embedder(num_threads=2)
    plan = _EmbeddingPlan.of(sent_train, tag_train, dev, multi_dev, cfg)
    fill = None
    if cache is not None:
        fill = _EmbeddingFill(cache, embedder, plan.texts, log)
        log(f"embeddings: {len(plan.texts)} texts for the accurate tier, {len(fill.todo)} not cached yet"
            + (" (embedding them alongside the fast tier)" if fill.todo else ""))
        fill.start()
    sent_keep, tag_keep, dev_embedded = plan.sent_keep, plan.tag_keep, plan.dev_rows

    # 1. shared features: one pass over every distinct training text
    t = time.time()
    corpus = list(dict.fromkeys([e.text for e in sent_train] + [x for d in tag_train.values() for x in d.texts]))
    featurizer = Featurizer()
    X_corpus = featurizer.fit_transform(corpus)
    row_of = {text: i for i, text in enumerate(corpus)}
    X_sent = X_corpus[[row_of[e.text] for e in sent_train]]
    X_tag = {tag: X_corpus[[row_of[x] for x in d.texts]] for tag, d in tag_train.items()}
    del X_corpus, row_of
    log(f"features: {featurizer.n_features} columns in {time.time() - t:.0f}s")

    # 2. fast heads, side by side
    y_sent = np.array([e.label for e in sent_train])
    is3 = np.array([e.source in three_class for e in sent_train])
    polar = y_sent != "neutral"
    t = time.time()

    def fit_sentiment(mask: np.ndarray) -> LinearHead:
        return LinearHead.from_estimator(_lr(cfg.sentiment_c, cfg.max_iter).fit(X_sent[mask], y_sent[mask]))

    def fit_tag(tag: Tag) -> LinearHead:
        d = tag_train[tag]
        return _binary_head(X_tag[tag], d.y, d.weight, cfg.tag_c, cfg.max_iter)

    with ThreadPoolExecutor(max_workers=max(1, cfg.n_jobs)) as pool:
        jobs = {"fast.sentiment3": pool.submit(fit_sentiment, is3), "fast.polarity": pool.submit(fit_sentiment, polar)}
        jobs |= {f"fast.{tag.value}": pool.submit(fit_tag, tag) for tag in Tag}
        heads: dict[str, LinearHead] = {name: job.result() for name, job in jobs.items()}
    log(f"fast heads (sentiment {len(sent_train)} rows, "
        + ", ".join(f"{tag.value} {len(d.texts)}" for tag, d in tag_train.items()) + f") in {time.time() - t:.0f}s")

    # 2b. specialist polarity heads for languages with plenty of their own data
    polar_langs = Counter(e.lang for e, is_polar in zip(sent_train, polar, strict=True) if is_polar)
    candidates = sorted(lang for lang, n in polar_langs.items() if n >= cfg.specialist_min_rows and lang != "und")
    if candidates:
        t = time.time()
        sent_langs = np.array([e.lang for e in sent_train])
        with ThreadPoolExecutor(max_workers=max(1, cfg.n_jobs)) as pool:
            jobs = {lang: pool.submit(fit_sentiment, polar & (sent_langs == lang)) for lang in candidates}
            for lang, job in jobs.items():
                heads[f"fast.polarity@{lang}"] = job.result()
        log(f"specialist polarity heads ({', '.join(f'{k} {polar_langs[k]}' for k in candidates)}) in {time.time() - t:.0f}s")

    # 3. accurate heads (embeddings of a capped subset)
    if cache is not None and fill is not None:
        if fill.is_alive():
            log(f"embeddings: waiting for the last {len(fill.todo) - fill.done} texts to be embedded")
        fill.wait()
        t = time.time()
        E = cache.get([e.text for e, k in zip(sent_train, sent_keep, strict=True) if k])
        ys = y_sent[sent_keep]
        e3 = is3[sent_keep]
        heads["emb.sentiment3"] = LinearHead.from_estimator(_lr(cfg.embedding_c, 1000).fit(E[e3], ys[e3]))
        heads["emb.polarity"] = LinearHead.from_estimator(_lr(cfg.embedding_c, 1000).fit(E[ys != "neutral"], ys[ys != "neutral"]))
        log(f"accurate sentiment heads on {len(ys)} embedded rows in {time.time() - t:.0f}s")
        for tag, d in tag_train.items():
            keep = tag_keep[tag]
            E = cache.get([x for x, k in zip(d.texts, keep, strict=True) if k])
            heads[f"emb.{tag.value}"] = _binary_head(E, d.y[keep], d.weight[keep], cfg.embedding_c, 1000)
            log(f"accurate {tag.value} head on {int(keep.sum())} embedded rows")

    # 4. dev evaluation, threshold and blend tuning
    metrics: dict[str, Any] = {"config": asdict(cfg), "tiers": {}}
    dev_X = {task: {n: featurizer.transform([e.text for e in rows]) for n, rows in sets.items()} for task, sets in dev.items()}
    multi_X = {name: featurizer.transform([s.text for s in rows]) for name, rows in multi_dev.items()}

    def dev_embeddings(rows: Sequence[Any], planned: set[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
        assert cache is not None
        mask = np.array([planned is None or id(r) in planned for r in rows], dtype=bool)
        return mask, cache.get([r.text for r, m in zip(rows, mask, strict=True) if m])

    def tier_probs(
        tier: str, w: float
    ) -> tuple[dict[str, dict[str, tuple[np.ndarray, np.ndarray]]], dict[str, tuple[dict[Tag, np.ndarray], np.ndarray]]]:
        """Per task/dataset: (row mask, probs); plus per multi-label dev set: (tag probs, mask)."""
        out: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]] = {}
        for task, sets in dev.items():
            out[task] = {}
            for name, rows in sets.items():
                X = dev_X[task][name]
                mask = np.ones(len(rows), dtype=bool)
                if task == "sentiment":
                    p = specialize(head_sentiment(heads, "fast", X), heads, X, [e.lang for e in rows], specialists)
                else:
                    tag = next(t for t, (tk, _) in TAG_TASKS.items() if tk == task)
                    p = heads[f"fast.{tag.value}"].proba_of(X, "1")
                if tier == "accurate":
                    mask, E = dev_embeddings(rows, dev_embedded[task][name])
                    if task == "sentiment":
                        pe = head_sentiment(heads, "emb", E)
                    else:
                        pe = heads[f"emb.{tag.value}"].proba_of(E, "1")
                    p = (1 - w) * p[mask] + w * pe
                out[task][name] = (mask, p)
        multi: dict[str, tuple[dict[Tag, np.ndarray], np.ndarray]] = {}
        for mname, mrows in multi_dev.items():
            smask = np.ones(len(mrows), dtype=bool)
            sp_tags = {tag: heads[f"fast.{tag.value}"].proba_of(multi_X[mname], "1") for tag in Tag}
            if tier == "accurate":
                smask, SE = dev_embeddings(mrows)
                sp_tags = {
                    tag: (1 - w) * sp_tags[tag][smask] + w * heads[f"emb.{tag.value}"].proba_of(SE, "1") for tag in Tag
                }
            multi[mname] = (sp_tags, smask)
        return out, multi

    def selection_score(probs: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]]) -> float:
        scores = []
        for name, (mask, p) in probs["sentiment"].items():
            if name in NOT_FOR_SELECTION:
                continue
            rows = [e for e, m in zip(dev["sentiment"][name], mask, strict=True) if m]
            r = _sentiment_eval(p, rows)
            scores.append(r["macro_f1"])
        return float(np.mean(scores))

    # the specialists' weights: per language, the best mean dev score over the sets it touches
    specialists: dict[str, float] = {}
    pooled = {n: head_sentiment(heads, "fast", dev_X["sentiment"][n]) for n in dev["sentiment"]}
    dev_langs = {n: [e.lang for e in rows] for n, rows in dev["sentiment"].items()}
    specialist_trials: dict[str, dict[float, float]] = {}
    for lang in candidates:
        touched = [n for n in dev["sentiment"] if n not in NOT_FOR_SELECTION and lang in dev_langs[n]]
        trials = {}
        for w in dict.fromkeys((0.0, *cfg.specialist_weights)):  # 0.0: the baseline
            scored = [_sentiment_eval(specialize(pooled[n], heads, dev_X["sentiment"][n], dev_langs[n], {lang: w}),
                                      dev["sentiment"][n]) for n in touched]
            trials[w] = float(np.mean([r["accuracy"] if r["classes"] == 2 else r["macro_f1"] for r in scored])) if scored else 0.0
        specialist_trials[lang] = trials
        best = max(trials, key=lambda w: (trials[w], -w))  # ties: the smaller weight
        if best > 0 and trials[best] - trials[0.0] >= cfg.specialist_min_gain:
            specialists[lang] = best
        else:
            del heads[f"fast.polarity@{lang}"]
    if candidates:
        log("specialists (weight: mean dev score): " + "; ".join(
            f"{lang} " + ", ".join(f"{w:g}: {v:.4f}" for w, v in trials.items()) for lang, trials in specialist_trials.items()
        ) + f" -> kept {specialists or 'none'}")

    tiers = ["fast"] + (["accurate"] if cache is not None else [])
    tier_settings: dict[str, dict[str, Any]] = {}
    for tier in tiers:
        w = 0.0
        if tier == "accurate":
            trials = {wt: selection_score(tier_probs("accurate", wt)[0]) for wt in cfg.embedding_weights}
            w = max(trials, key=trials.__getitem__)
            log("blend weight trials (mean dev sentiment macro-F1): " + ", ".join(f"{k}: {v:.4f}" for k, v in trials.items()))
        probs, multi_probs = tier_probs(tier, w)
        thresholds: dict[str, float] = {}
        tier_metrics: dict[str, Any] = {"embedding_weight": w, "sentiment": {}, "tags": {}}
        for name, (mask, p) in probs["sentiment"].items():
            rows = [e for e, m in zip(dev["sentiment"][name], mask, strict=True) if m]
            tier_metrics["sentiment"][name] = _sentiment_eval(p, rows)
        for tag in Tag:
            groups = []
            sets: dict[str, tuple[list[bool], np.ndarray, list[str]]] = {}
            if tag in TAG_TASKS:
                task, positive = TAG_TASKS[tag]
                for name, (mask, p) in probs[task].items():
                    rows = [e for e, m in zip(dev[task][name], mask, strict=True) if m]
                    sets[name] = ([e.label == positive for e in rows], p, [e.lang for e in rows])
            for mname, (mprobs, smask) in multi_probs.items():
                sdev = [s for s, m in zip(multi_dev[mname], smask, strict=True) if m]
                sets[mname] = ([tag.value in s.tags for s in sdev], mprobs[tag], [s.lang for s in sdev])
            groups = [(yt, p) for yt, p, _ in sets.values()]
            thr = best_threshold(groups)
            thresholds[tag.value] = thr
            tier_metrics["tags"][tag.value] = {
                name: {
                    **binary_metrics(yt, p, thr),
                    "per_lang": by_language(langs, lambda a, b: binary_metrics(a, b, thr), yt, p),
                }
                for name, (yt, p, langs) in sets.items()
            }
            tier_metrics["tags"][tag.value]["threshold"] = thr
        if "umsab_xlm-t" in tier_metrics["sentiment"]:  # the multilingual benchmark: mean over its languages
            umsab = tier_metrics["sentiment"]["umsab_xlm-t"]["per_lang"]
            tier_metrics["umsab_lang_mean_macro_f1"] = float(np.mean([v["macro_f1"] for v in umsab.values()]))
        metrics["tiers"][tier] = tier_metrics
        tier_settings[tier] = {"embedding_weight": w, "thresholds": thresholds}
        log(f"{tier}: thresholds {thresholds}")

    # 5. write the model
    out_dir.mkdir(parents=True, exist_ok=True)
    featurizer.save(out_dir / "fast")
    save_heads(heads, out_dir)
    (out_dir / "pipeline.toml").write_text(pipeline_toml(model_name, model_version, tier_settings, specialists), encoding="utf-8")
    if out_dir.resolve() != DEFAULT_MODEL_DIR.resolve():
        shutil.copytree(DEFAULT_MODEL_DIR / "langid", out_dir / "langid", dirs_exist_ok=True)
    metrics["training_seconds"] = round(time.time() - started, 1)
    metrics["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    metrics["tier_settings"] = tier_settings
    metrics["specialists"] = {"weights": specialists, "trials": {k: {str(w): v for w, v in t.items()} for k, t in specialist_trials.items()}}
    metrics["seeds_per_language"] = dict(sorted(Counter(s.lang for s in seeds).items()))
    write_model_card(out_dir, f"{model_name}-{model_version}", metrics, metrics["seeds_per_language"])
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=1, ensure_ascii=False), encoding="utf-8")
    log(f"done in {metrics['training_seconds']}s, peak RSS {metrics['peak_rss_mb']} MB")
    return metrics

