"""Does labelling the least certain comments first help more than labelling at random?

    python benchmarks/bench_active_learning.py          # default run, writes benchmarks/results/
    python benchmarks/bench_active_learning.py --datasets sentiment/uit-vsfc --seeds 2
    python benchmarks/bench_active_learning.py --class-weight balanced \
        --out benchmarks/results/active_learning_balanced     # check: both strategies rebalanced
    python benchmarks/bench_active_learning.py --help

A pool-based active-learning simulation on the labelled public datasets of $TRIAGE_DATA
(default ../shared/datasets; read in place, nothing is copied into the repository):

* pool = the dataset's train split, at most --pool rows (``triage.training.data.sample``: a fixed
  hash-of-id subset, the same for every seed and strategy); evaluation = its dev split (there is
  no test split; nothing here is tuned on dev);
* model = the fast tier's recipe: ``triage.pipeline.features.Featurizer`` (char 1-4 and word 1-2 n-gram
  TF-IDF plus cue features) fitted once on the pool's texts (unlabelled text is fair game in
  pool-based active learning), then ``LogisticRegression(C=4, max_iter=300)`` refitted from
  scratch on the labelled rows after every round;
* start = --start rows drawn at random from the pool (not stratified: a real start is random),
  the same start for both strategies of a seed (a paired comparison), then --rounds rounds of
  --step more labels each, picked by
    - ``uncertainty``: the --step pool rows with the highest ``triage.pipeline.uncertainty.uncertainty_arrays``
      score (ties broken at random), i.e. what the service ranks its review queue by;
    - ``random``: --step pool rows at random;
* sentiment: ``uncertainty_arrays`` gets the model's (n, 3) negative/neutral/positive
  probabilities (two-class sets: a zero neutral column; a class not yet among the labelled rows
  also gets a zero column) and all-zero tags, so the score is the margin term ``1 - (p1 - p2)``.
  Tags (complaint, spam, question): a sure sentiment row (1, 0, 0) and the tag's probability at
  threshold 0.5, so the score equals ``tag_uncertainty(p, 0.5)`` (checked on every call): 0.5
  because that is where this simulated model decides (the service uses each tag's tuned
  threshold);
* metric after each round, on dev: macro-F1 over the classes present in dev (sentiment; accuracy
  too), F1 of the positive class at 0.5 (tags; average precision too, which does not depend on
  the cut-off).

Results: every curve point in --out.json, tables and a summary in --out.md, learning curves in
--out.svg (drawn by hand: matplotlib is not a dependency). Progress lines go to stderr. One
process, one BLAS/OpenMP thread; the machine is shared, so the load average is recorded. The
defaults (12 datasets, 10 seeds, 11 points per curve) take about 7 minutes on it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import zlib
from pathlib import Path
from typing import Any

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import average_precision_score  # noqa: E402

from triage.pipeline.features import Featurizer  # noqa: E402
from triage.pipeline.uncertainty import tag_uncertainty, uncertainty_arrays  # noqa: E402
from triage.training.data import data_root, read_examples, sample  # noqa: E402
from triage.training.evaluate import binary_metrics, classification_metrics  # noqa: E402
from triage.types import Tag  # noqa: E402

LABELS = ("negative", "neutral", "positive")
STRATEGIES = ("random", "uncertainty")
DEFAULT_DATASETS = (
    "sentiment/uit-vsfc",
    "sentiment/laroseda",
    "sentiment/snappfood-sentiment",
    "sentiment/astd",
    "sentiment/umsab_xlm-t",
    "complaint/complaints-twitter-preotiuc2019",
    "complaint/uit-viocd",
    "spam/youtube-spam-collection",
    "spam/sms-spam-collection-uci",
    "spam/vispamreviews",
    "spam/arabic-spam-ham-tweets",
    "question/tweet-act-tac",
)
THRESHOLDS = dict.fromkeys(Tag, 0.5)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)  # noqa: T201


# ------------------------------------------------------------------------------- one dataset
class Task:
    """One dataset: featurised pool and dev set, their labels, the model and its scores."""

    def __init__(self, root: Path, spec: str, pool_cap: int, class_weight: str | None) -> None:
        t = time.perf_counter()
        self.class_weight = class_weight
        self.spec = spec
        self.task, self.name = spec.split("/", 1)
        train = list(read_examples(root, self.task, self.name, "train"))
        pool = sample(train, pool_cap)
        dev = list(read_examples(root, self.task, self.name, "dev"))
        feats = Featurizer().fit([e.text for e in pool])
        self.X_pool = feats.transform([e.text for e in pool])
        self.X_dev = feats.transform([e.text for e in dev])
        self.n_features = feats.n_features
        self.n_train = len(train)
        self.langs = sorted({e.lang for e in pool})
        if self.task == "sentiment":
            self.names: tuple[str, ...] = LABELS
            self.metric = "macro-F1"
            self.tag = None
            self.y_pool = np.array([LABELS.index(e.label) for e in pool])
            self.y_dev = np.array([LABELS.index(e.label) for e in dev])
        else:
            self.names = ("no", self.task)
            self.metric = f"F1 ({self.task})"
            self.tag = Tag(self.task)
            self.y_pool = np.array([int(e.label == self.task) for e in pool])
            self.y_dev = np.array([int(e.label == self.task) for e in dev])
        self.prep_seconds = time.perf_counter() - t

    def describe(self) -> dict[str, Any]:
        def dist(y: np.ndarray) -> dict[str, float]:
            return {
                self.names[k]: round(float(np.mean(y == k)), 3) for k in sorted(set(y.tolist()))
            }

        return {
            "dataset": self.spec,
            "task": self.task,
            "metric": self.metric,
            "langs": self.langs,
            "train_rows": self.n_train,
            "pool": len(self.y_pool),
            "dev": len(self.y_dev),
            "pool_classes": dist(self.y_pool),
            "dev_classes": dist(self.y_dev),
            "n_features": self.n_features,
            "prep_seconds": round(self.prep_seconds, 1),
        }

    def fit(self, idx: np.ndarray) -> LogisticRegression | int:
        """The model on the labelled rows, or the only class seen so far."""
        y = self.y_pool[idx]
        if len(set(y.tolist())) < 2:
            return int(y[0])
        model = LogisticRegression(C=4, max_iter=300, class_weight=self.class_weight)
        return model.fit(self.X_pool[idx], y)

    def probabilities(self, model: LogisticRegression | int, X: Any) -> np.ndarray:
        """(n, 3) negative/neutral/positive probabilities, or (n,) probability of the tag."""
        n = X.shape[0]
        if self.task == "sentiment":
            out = np.zeros((n, 3))
            if isinstance(model, int):
                out[:, model] = 1.0
            else:
                out[:, model.classes_] = model.predict_proba(X)
            return out
        if isinstance(model, int):
            return np.full(n, float(model))
        return model.predict_proba(X)[:, list(model.classes_).index(1)]

    def uncertainty(self, probs: np.ndarray) -> np.ndarray:
        """The service's score (``triage.pipeline.uncertainty.uncertainty_arrays``) of each row."""
        n = len(probs)
        if self.tag is None:
            scores, _ = uncertainty_arrays(probs, {tag: np.zeros(n) for tag in Tag}, THRESHOLDS)
            return scores
        sure = np.tile([1.0, 0.0, 0.0], (n, 1))
        tags = {tag: probs if tag is self.tag else np.zeros(n) for tag in Tag}
        scores, _ = uncertainty_arrays(sure, tags, THRESHOLDS)
        if not np.allclose(scores, tag_uncertainty(probs, 0.5)):
            raise AssertionError("uncertainty_arrays and tag_uncertainty disagree")
        return scores

    def evaluate(self, probs: np.ndarray) -> dict[str, float]:
        if self.tag is None:
            y = [LABELS[k] for k in self.y_dev]
            m = classification_metrics(y, [LABELS[k] for k in probs.argmax(axis=1)], LABELS)
            return {"score": m["macro_f1"], "accuracy": m["accuracy"]}
        m = binary_metrics(self.y_dev.astype(bool), probs, 0.5)
        constant = np.ptp(probs) == 0
        ap = float(self.y_dev.mean()) if constant else average_precision_score(self.y_dev, probs)
        return {
            "score": m["f1"],
            "accuracy": m["accuracy"],
            "precision": m["precision"],
            "recall": m["recall"],
            "average_precision": float(ap),
        }


def run_curve(task: Task, strategy: str, seed: int, start: int, step: int, rounds: int) -> list:
    """One learning curve: a point after the start and after each round."""
    base = [seed, zlib.crc32(task.spec.encode())]
    n = len(task.y_pool)
    labelled = np.random.default_rng(base).choice(n, size=min(start, n), replace=False)
    rng = np.random.default_rng([*base, STRATEGIES.index(strategy) + 1])
    points = []
    for r in range(rounds + 1):
        t = time.perf_counter()
        model = task.fit(labelled)
        metrics = task.evaluate(task.probabilities(model, task.X_dev))
        counts = np.bincount(task.y_pool[labelled], minlength=len(task.names))
        point: dict[str, Any] = {
            "dataset": task.spec,
            "strategy": strategy,
            "seed": seed,
            "round": r,
            "labels": len(labelled),
            **{k: round(v, 4) for k, v in metrics.items()},
            "labelled_classes": {task.names[k]: int(c) for k, c in enumerate(counts)},
        }
        rest = np.setdiff1d(np.arange(n), labelled)
        k = min(step, len(rest))
        if r < rounds and k > 0:
            if strategy == "random":
                new = rng.choice(rest, size=k, replace=False)
            else:
                scores = task.uncertainty(task.probabilities(model, task.X_pool[rest]))
                order = rng.permutation(len(rest))  # random tie-break, most uncertain first
                top = order[np.argsort(-scores[order], kind="stable")[:k]]
                new = rest[top]
                point["picked_mean_uncertainty"] = round(float(scores[top].mean()), 4)
            labelled = np.concatenate([labelled, new])
        point["seconds"] = round(time.perf_counter() - t, 2)
        points.append(point)
        if r < rounds and k == 0:
            break
    return points


# ------------------------------------------------------------------------------- summaries
def curves(points: list, spec: str, strategy: str, key: str = "score") -> dict[int, list[float]]:
    """{labels: [value per seed]} of one strategy on one dataset."""
    out: dict[int, list[float]] = {}
    for p in points:
        if p["dataset"] == spec and p["strategy"] == strategy:
            out.setdefault(p["labels"], []).append(p[key])
    return dict(sorted(out.items()))


def mid_point(start: int, step: int, rounds: int) -> int:
    """The intermediate budget of the summary: 500 labels if on the grid, else the middle."""
    grid = [start + step * r for r in range(rounds + 1)]
    return 500 if 500 in grid else grid[len(grid) // 2]


def mean_sd(values: list[float]) -> tuple[float, float]:
    return statistics.fmean(values), (statistics.stdev(values) if len(values) > 1 else 0.0)


def summarise(points: list, datasets: list[dict[str, Any]], mid: int) -> list[dict[str, Any]]:
    rows = []
    for d in datasets:
        spec = d["dataset"]
        rnd, unc = curves(points, spec, "random"), curves(points, spec, "uncertainty")
        last = max(set(rnd) & set(unc))
        target = statistics.fmean(rnd[last])
        gains = [u - r for u, r in zip(unc[last], rnd[last], strict=True)]
        after_start = [n for n in rnd if n != min(rnd)]
        row: dict[str, Any] = {
            "dataset": spec,
            "metric": d["metric"],
            "mid": mid if mid in rnd and mid in unc else None,
            "last": last,
            "random_last": target,
            "uncertainty_last": statistics.fmean(unc[last]),
            "gain_last_per_seed": [round(g, 4) for g in gains],
            "gain_last_mean": mean_sd(gains)[0],
            "gain_last_sd": mean_sd(gains)[1],
            "seeds_uncertainty_ahead_last": sum(g > 0 for g in gains),
            # mean of the curve after the start: area under the learning curve / its width
            "random_curve_mean": statistics.fmean(statistics.fmean(rnd[n]) for n in after_start),
            "uncertainty_curve_mean": statistics.fmean(
                statistics.fmean(unc[n]) for n in after_start
            ),
            # first curve point whose mean reaches random's mean at the last point
            "labels_to_match_random_last": next(
                (n for n, v in unc.items() if statistics.fmean(v) >= target), None
            ),
        }
        if row["mid"] is not None:
            row["random_mid"] = statistics.fmean(rnd[mid])
            row["uncertainty_mid"] = statistics.fmean(unc[mid])
        if d["task"] != "sentiment":
            for strategy in STRATEGIES:
                aps = curves(points, spec, strategy, "average_precision")[last]
                row[f"{strategy}_ap_last"] = statistics.fmean(aps)
        rows.append(row)
    return rows


def _pair(a: float, b: float) -> str:
    """'a | b' with the higher one in bold."""

    def cell(x: float, other: float) -> str:
        return f"**{x:.3f}**" if x > other else f"{x:.3f}"

    return f"{cell(a, b)} | {cell(b, a)}"


def _rarest(d: dict[str, Any]) -> str:
    return min(d["pool_classes"], key=d["pool_classes"].get)


def markdown(out: dict[str, Any], balanced: dict[str, Any] | None = None) -> str:
    """The report; ``balanced``: the same run with ``--class-weight balanced``, if there is one."""
    cfg, summary = out["config"], out["summary"]
    mid = mid_point(cfg["start"], cfg["step"], cfg["rounds"])
    last = summary[0]["last"] if summary else 0
    load = (
        f"load average at start {out['load_average_at_start']}, at end {out['load_average_at_end']}"
    )
    lines = [
        "# Active learning: uncertainty sampling vs random",
        "",
        (
            f"`{out['command']}` — {out['date']}, {out['machine']}; "
            f"{out['runtime_seconds'] / 60:.1f} min ({load}; the machine is shared)."
        ),
        "",
        (
            f"Pool = train split (at most {cfg['pool']:,} rows, a fixed subset), evaluation = dev "
            "split. "
            "Fast-tier features fitted once on the pool; LogisticRegression(C=4, max_iter=300"
            f"{', class_weight=' + repr(cfg['class_weight']) if cfg['class_weight'] else ''}) "
            f"refitted after each round. Start: {cfg['start']} random labels, then {cfg['rounds']} "
            f"rounds of +{cfg['step']}; {cfg['seeds']} seeds, random and uncertainty sharing each "
            "seed's start. Uncertainty = `triage.pipeline.uncertainty.uncertainty_arrays` (sentiment: margin; "
            "tags: `tag_uncertainty(p, 0.5)`). Metric: macro-F1 (sentiment), F1 of the positive "
            "class at 0.5 (tags); means over seeds."
        ),
        "",
        "## Summary",
        "",
        (
            f"| dataset | metric | random @{mid:,} | uncertainty @{mid:,} | random @{last:,} "
            f"| uncertainty @{last:,} | paired gain @{last:,}: mean ± sd (seeds ahead) "
            "| curve mean random / uncertainty | labels uncertainty needs to match random @"
            f"{last:,} |"
        ),
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in summary:
        match = s["labels_to_match_random_last"]
        match_txt = f"{match:,}" if match is not None else f"not reached (> {s['last']:,})"
        n_seeds = len(s["gain_last_per_seed"])
        mids = _pair(s["random_mid"], s["uncertainty_mid"]) if s["mid"] else "– | –"
        lines.append(
            f"| {s['dataset']} | {s['metric']} | {mids} "
            f"| {_pair(s['random_last'], s['uncertainty_last'])} "
            f"| {s['gain_last_mean']:+.3f} ± {s['gain_last_sd']:.3f} "
            f"({s['seeds_uncertainty_ahead_last']}/{n_seeds}) "
            f"| {s['random_curve_mean']:.3f} / {s['uncertainty_curve_mean']:.3f} | {match_txt} |"
        )
    lines += [
        "",
        (
            "Bold: the higher mean. *Paired gain*: uncertainty minus random on the same seed (same "
            "start set); *seeds ahead*: seeds where uncertainty is higher. *Curve mean*: the mean "
            "score over all rounds after the start (area under the learning curve). *Labels to "
            "match*: the first curve point (steps of "
            f"{cfg['step']}) at which uncertainty's mean reaches random's mean at {last:,} labels."
        ),
    ]
    tags = [s for s in summary if "random_ap_last" in s]
    if tags:
        lines += [
            "",
            (
                f"Threshold-free check for the tags, dev average precision at {last:,} labels "
                "(uncertainty sampling also changes the class balance of the labelled rows, which "
                "moves where a 0.5 cut-off falls; average precision does not depend on a cut-off):"
            ),
            "",
            "| dataset | random AP | uncertainty AP |",
            "|---|---:|---:|",
        ]
        for s in tags:
            lines.append(
                f"| {s['dataset']} | {_pair(s['random_ap_last'], s['uncertainty_ap_last'])} |"
            )
    if balanced and balanced.get("summary"):
        lines += ["", *balanced_check(balanced)]
    lines += [
        "",
        "## Datasets",
        "",
        "| dataset | langs | train rows | pool | dev | pool classes | dev classes | features |",
        "|---|---|---:|---:|---:|---|---|---:|",
    ]
    for d in out["datasets"]:
        pool_c, dev_c = json.dumps(d["pool_classes"]), json.dumps(d["dev_classes"])
        lines.append(
            f"| {d['dataset']} | {', '.join(d['langs'])} | {d['train_rows']:,} | {d['pool']:,} "
            f"| {d['dev']:,} | {pool_c} | {dev_c} | {d['n_features']:,} |"
        )
    for d in out["datasets"]:
        lines += ["", *dataset_table(out["points"], d)]
    lines += [
        "",
        (
            f"Learning curves: `{out['stem']}.svg`. Every point (per seed, with the labelled "
            "class counts and the mean uncertainty of each picked batch): "
            f"`{out['stem']}.json`."
        ),
        "",
    ]
    return "\n".join(lines)


def balanced_check(balanced: dict[str, Any]) -> list[str]:
    """Summary of the ``--class-weight balanced`` run, next to this one."""
    last = balanced["summary"][0]["last"]
    lines = [
        "## Check: both strategies with class_weight='balanced'",
        "",
        (
            "Uncertainty sampling picks more of the rare classes than random sampling does (last "
            "column of the tables below), and an unweighted logistic regression trained on rare "
            "positives decides too rarely for them, so part of the gain above can be a class "
            "rebalancing that weighting would give random sampling too. The same simulation with "
            "`LogisticRegression(class_weight='balanced')` for both strategies "
            f"(`{balanced['command']}`, {balanced['date']}, `{balanced['stem']}.md`):"
        ),
        "",
        (
            f"| dataset | random @{last:,} | uncertainty @{last:,} | paired gain (seeds ahead) "
            f"| labels uncertainty needs to match random @{last:,} |"
        ),
        "|---|---:|---:|---:|---:|",
    ]
    for s in balanced["summary"]:
        match = s["labels_to_match_random_last"]
        match_txt = f"{match:,}" if match is not None else f"not reached (> {s['last']:,})"
        n_seeds = len(s["gain_last_per_seed"])
        lines.append(
            f"| {s['dataset']} | {_pair(s['random_last'], s['uncertainty_last'])} "
            f"| {s['gain_last_mean']:+.3f} ± {s['gain_last_sd']:.3f} "
            f"({s['seeds_uncertainty_ahead_last']}/{n_seeds}) | {match_txt} |"
        )
    return lines


def dataset_table(points: list, d: dict[str, Any]) -> list[str]:
    spec, rare = d["dataset"], _rarest(d)
    c = {s: curves(points, spec, s) for s in STRATEGIES}
    extra = None
    if d["task"] != "sentiment":
        extra = "average_precision"
    elif len(d["pool_classes"]) == 2:
        extra = "accuracy"
    e = {s: curves(points, spec, s, extra) for s in STRATEGIES} if extra else {}
    share = {}
    for s in STRATEGIES:
        acc: dict[int, list[float]] = {}
        for p in points:
            if p["dataset"] == spec and p["strategy"] == s:
                acc.setdefault(p["labels"], []).append(p["labelled_classes"][rare] / p["labels"])
        share[s] = {n: statistics.fmean(v) for n, v in acc.items()}
    head = f" {extra.replace('_', ' ')} random / uncertainty |" if extra else ""
    lines = [
        f"## {spec} ({d['metric']} on {d['dev']:,} dev rows)",
        "",
        (
            f"| labels | random mean ± sd | uncertainty mean ± sd |{head} "
            f"share of '{rare}' (rarest class) among labels random / uncertainty |"
        ),
        "|---:|---:|---:|" + ("---:|" if extra else "") + "---:|",
    ]
    for n in c["random"]:
        (rm, rs), (um, us) = mean_sd(c["random"][n]), mean_sd(c["uncertainty"][n])
        cell = ""
        if extra:
            cell = (
                f" {statistics.fmean(e['random'][n]):.3f} / "
                f"{statistics.fmean(e['uncertainty'][n]):.3f} |"
            )
        lines.append(
            f"| {n:,} | {rm:.3f} ± {rs:.3f} | {um:.3f} ± {us:.3f} |{cell} "
            f"{share['random'][n]:.2f} / {share['uncertainty'][n]:.2f} |"
        )
    return lines


def to_json(out: dict[str, Any]) -> str:
    """Indented JSON, except one line per curve point (thousands of them)."""
    head = json.dumps({k: v for k, v in out.items() if k != "points"}, indent=1, ensure_ascii=False)
    points = ",\n".join("  " + json.dumps(p, ensure_ascii=False) for p in out["points"])
    return head[:-2] + ',\n "points": [\n' + points + "\n ]\n}\n"


# ------------------------------------------------------------------------------- plot
def svg(out: dict[str, Any]) -> str:
    """Small multiples: mean learning curves and ±sd bands, random blue, uncertainty orange."""
    datasets = out["datasets"]
    cols = 3
    n_rows = (len(datasets) + cols - 1) // cols
    pw, ph, ml, mr, mt, mb = 340, 210, 44, 20, 26, 32
    width, height = cols * pw, n_rows * ph + 36
    colour = {"random": "#4a6fa5", "uncertainty": "#e07b00"}
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">'
        ),
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    iw, ih = pw - ml - mr, ph - mt - mb
    for i, d in enumerate(datasets):
        x0, y0 = (i % cols) * pw + ml, (i // cols) * ph + mt
        c = {s: curves(out["points"], d["dataset"], s) for s in STRATEGIES}
        stats = {s: [(n, *mean_sd(v)) for n, v in c[s].items()] for s in STRATEGIES}
        xs = [n for n, _, _ in stats["random"]]
        ends = [
            f(m, sd)
            for s in STRATEGIES
            for _, m, sd in stats[s]
            for f in (float.__add__, float.__sub__)
        ]
        lo, hi = min(ends), max(ends)
        pad = max((hi - lo) * 0.05, 0.01)
        lo, hi = max(0.0, lo - pad), min(1.0, hi + pad)

        def px(n: float, x0: float = x0, xs: list = xs) -> float:
            return x0 + (n - xs[0]) / max(xs[-1] - xs[0], 1) * iw

        def py(v: float, y0: float = y0, lo: float = lo, hi: float = hi) -> float:
            return y0 + (1 - (min(max(v, lo), hi) - lo) / (hi - lo)) * ih

        name = d["dataset"].split("/", 1)[1]
        parts += [
            f'<text x="{x0}" y="{y0 - 9}" font-weight="bold">{name}</text>',
            f'<text x="{x0 + iw}" y="{y0 - 9}" text-anchor="end" fill="#555">{d["metric"]}</text>',
            f'<rect x="{x0}" y="{y0}" width="{iw}" height="{ih}" fill="none" stroke="#999"/>',
        ]
        for k in range(5):
            v = lo + (hi - lo) * k / 4
            parts.append(
                f'<line x1="{x0}" x2="{x0 + iw}" y1="{py(v):.1f}" y2="{py(v):.1f}" stroke="#eee"/>'
                f'<text x="{x0 - 4}" y="{py(v) + 4:.1f}" text-anchor="end">{v:.2f}</text>'
            )
        every = max(1, (len(xs) - 1) // 5)
        for n in xs[::every]:
            parts.append(
                f'<text x="{px(n):.1f}" y="{y0 + ih + 14}" text-anchor="middle">{n}</text>'
            )
        for s in STRATEGIES:
            band = [(px(n), py(m + sd)) for n, m, sd in stats[s]]
            band += [(px(n), py(m - sd)) for n, m, sd in reversed(stats[s])]
            line = " ".join(f"{px(n):.1f},{py(m):.1f}" for n, m, _ in stats[s])
            parts += [
                f'<polygon fill="{colour[s]}" fill-opacity="0.18" stroke="none" points="'
                + " ".join(f"{a:.1f},{b:.1f}" for a, b in band)
                + '"/>',
                f'<polyline fill="none" stroke="{colour[s]}" stroke-width="2" points="{line}"/>',
            ]
    ly = n_rows * ph + 18
    for k, s in enumerate(STRATEGIES):
        lx = 20 + k * 250
        parts += [
            (
                f'<line x1="{lx}" x2="{lx + 24}" y1="{ly}" y2="{ly}" stroke="{colour[s]}" '
                'stroke-width="3"/>'
            ),
            f'<text x="{lx + 30}" y="{ly + 4}">{s} (mean ± sd over seeds)</text>',
        ]
    note = "x: labelled comments, y: dev score"
    parts.append(f'<text x="{20 + 2 * 250}" y="{ly + 4}" fill="#555">{note}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


# ------------------------------------------------------------------------------- main
def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", help="labelled datasets (default: $TRIAGE_DATA or ../shared/datasets)"
    )
    parser.add_argument(
        "--datasets", nargs="+", default=list(DEFAULT_DATASETS), metavar="TASK/NAME",
        help="datasets to simulate (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument(
        "--start", type=int, default=100, help="random labels to start with (default: 100)"
    )
    parser.add_argument("--rounds", type=int, default=10, help="labelling rounds (default: 10)")
    parser.add_argument(
        "--step", type=int, default=100, help="labels added per round (default: 100)"
    )
    parser.add_argument(
        "--seeds", type=int, default=10, help="seeds 0..N-1 per strategy (default: 10)"
    )
    parser.add_argument(
        "--pool", type=int, default=5000, help="max pool rows from train (default: 5000)"
    )
    parser.add_argument(
        "--class-weight", choices=["balanced"], default=None,
        help="LogisticRegression class_weight for both strategies (default: none, the fast tier's "
        "recipe); 'balanced' is a check of how much of the gain on imbalanced sets is rebalancing",
    )  # fmt: skip
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "results" / "active_learning",
        help="output path without suffix; writes .json, .md and .svg (default: %(default)s)",
    )  # fmt: skip
    args = parser.parse_args()
    root = data_root(args.data)
    t0 = time.perf_counter()
    argv = " ".join(sys.argv[1:])
    out: dict[str, Any] = {
        "command": "python benchmarks/bench_active_learning.py" + (f" {argv}" if argv else ""),
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared), Python "
        f"{platform.python_version()}, scikit-learn {sklearn.__version__}, numpy "
        f"{np.__version__}, one process, one BLAS thread",
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "stem": args.out.name,
        "config": {
            k: getattr(args, k)
            for k in ("start", "rounds", "step", "seeds", "pool", "class_weight")
        },
        "datasets": [],
        "points": [],
    }
    for spec in args.datasets:
        task = Task(root, spec, args.pool, args.class_weight)
        out["datasets"].append(task.describe())
        log(
            f"[{time.perf_counter() - t0:5.0f}s] {spec}: pool {len(task.y_pool)}, dev "
            f"{len(task.y_dev)}, {task.n_features} features ({task.prep_seconds:.1f}s)"
        )
        for seed in range(args.seeds):
            for strategy in STRATEGIES:
                t = time.perf_counter()
                points = run_curve(task, strategy, seed, args.start, args.step, args.rounds)
                out["points"].extend(points)
                curve = " ".join(f"{p['score']:.3f}" for p in points)
                log(
                    f"[{time.perf_counter() - t0:5.0f}s] {spec} seed {seed} {strategy:11s} {curve} "
                    f"({time.perf_counter() - t:.1f}s)"
                )
    mid = mid_point(args.start, args.step, args.rounds)
    out["summary"] = summarise(out["points"], out["datasets"], mid)
    out["runtime_seconds"] = round(time.perf_counter() - t0, 1)
    out["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(to_json(out), encoding="utf-8")
    companion = args.out.with_name(args.out.name + "_balanced").with_suffix(".json")
    balanced = None
    if args.class_weight is None and companion.exists():
        balanced = json.loads(companion.read_text(encoding="utf-8"))
    md = markdown(out, balanced)
    args.out.with_suffix(".md").write_text(md, encoding="utf-8")
    args.out.with_suffix(".svg").write_text(svg(out), encoding="utf-8")
    print(md.split("## Datasets")[0])  # noqa: T201
    log(f"{out['runtime_seconds'] / 60:.1f} min; wrote {args.out}.json, .md and .svg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
