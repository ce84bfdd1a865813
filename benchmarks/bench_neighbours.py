"""How much of an in-domain figure is the team's own phrasing: dev rows by their nearest train row,
and a nearest-neighbour vote over the corpus tried as an accurate-tier head.

    python benchmarks/bench_neighbours.py             # the shipped model; about 6 minutes
    python benchmarks/bench_neighbours.py --help

The corpus is split by a hash of each normalised text, so exact duplicates land together, but a
writer's paraphrase of the same comment ("Pazar günleri kaçta açılıyorsunuz" / "Pazar günü kaçta
açılıyorsunuz") can land in train and dev. The product is judged on comments other people write,
so two things are measured here:

1. **Dev rows by their nearest train row.** Each dev row's highest cosine to a train row over
   character 3-5-gram TF-IDF (model-free; ``fold``-ed text), in bands; the shipped model's shown
   sentiment macro-F1 and each tag's F1 (the tags users see) per band and tier.
   The same split by ``triage.training.leakage`` (``training/leak_check.py``'s measures): dev
   rows with a train row they retell, by character cosine ≥ 0.5 in the same language or e5
   ratio margin ≥ 1.02 in any language, against those without one: the figures on the second
   group are the in-domain figures least lifted by the team's own phrasing.
2. **A k-nearest-neighbour vote** over the train rows' accurate-tier vectors (layers 6 and 12 of
   the shipped encoder, each half L2-normalised; k = 25, weights softmax(cosine / 0.02)) blended
   into the accurate tier's probabilities at weight ``a``: in-domain dev (sentiment macro-F1 of
   the argmax; each tag's F1 at the tier's threshold; urgent recall in the top 20% by P(high))
   and the public dev sets (a hash sample of ``--public-cap`` rows each: the shown label as
   ``bench_judgement.py`` scores it, tags at the tier's thresholds). A head that only knows the
   team's phrasing gains in-domain and loses on text written by others.

Writes ``benchmarks/results/neighbours.{md,json}``.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_results  # noqa: E402
from _shown import shown_label_score  # noqa: E402

from triage.pipeline.core import MAX_TEXT_CHARS, load_pipeline  # noqa: E402
from triage.pipeline.text import fold, normalize  # noqa: E402
from triage.training.data import TASKS, data_root, dataset_names, read_examples, sample  # noqa: E402
from triage.training.domain import domain_examples  # noqa: E402
from triage.training.evaluate import binary_metrics, classification_metrics  # noqa: E402
from triage.training.leakage import is_leak, nearest  # noqa: E402
from triage.types import Comment, Tag, Tier  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
LABELS = ("negative", "neutral", "positive")
TAGS = tuple(t.value for t in Tag)
POSITIVE = {"spam": "spam", "complaint": "complaint", "question": "question", "abuse": "abusive"}
BANDS = ((0.0, 0.5), (0.5, 0.7), (0.7, 1.01))
WEIGHTS = (0.0, 0.2, 0.35)
K, TEMPERATURE = 25, 0.02


def nearest_train_similarity(train: list[str], dev: list[str]) -> np.ndarray:
    """Each dev text's highest cosine to a train text, character 3-5-grams (TF-IDF, folded)."""
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, preprocessor=fold)
    X_train = vec.fit_transform(train)
    X_dev = vec.transform(dev)
    return np.asarray((X_dev @ X_train.T).max(axis=1).todense()).ravel()


def unit_halves(E: np.ndarray) -> np.ndarray:
    """Each layer's half L2-normalised, the pair scaled to unit length."""
    h = E.shape[1] // 2
    a = E[:, :h] / np.linalg.norm(E[:, :h], axis=1, keepdims=True)
    b = E[:, h:] / np.linalg.norm(E[:, h:], axis=1, keepdims=True)
    return np.hstack([a, b]) / math.sqrt(2)


def knn_vote(E: np.ndarray, E_train: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Softmax-weighted vote of each row's K nearest train rows over the columns of ``Y``."""
    S = E @ E_train.T
    idx = np.argpartition(-S, K, axis=1)[:, :K]
    sims = np.take_along_axis(S, idx, 1)
    w = np.exp((sims - sims.max(axis=1, keepdims=True)) / TEMPERATURE)
    w /= w.sum(axis=1, keepdims=True)
    return np.einsum("nk,nkc->nc", w, Y[idx])


def label_matrix(rows: list[Any]) -> np.ndarray:
    """One-hot sentiment (3), the five tags, and high priority: the columns the vote averages."""
    out = np.zeros((len(rows), 3 + len(TAGS) + 1))
    for i, e in enumerate(rows):
        out[i, LABELS.index(e.sentiment)] = 1
        for j, tag in enumerate(TAGS):
            out[i, 3 + j] = tag in e.tags
        out[i, -1] = e.priority == "high"
    return out


def recall_at_20(high: np.ndarray, score: np.ndarray) -> float:
    top = np.argsort(-score, kind="stable")[: math.ceil(0.2 * len(score))]
    return float(high[top].sum() / max(1, high.sum()))


def domain_figures(rows: list[Any], sent: np.ndarray, tags: np.ndarray, thresholds: np.ndarray,
                   mask: np.ndarray | None = None) -> dict[str, float]:
    idx = np.arange(len(rows)) if mask is None else np.flatnonzero(mask)
    y = [rows[i].sentiment for i in idx]
    out = {"n": len(idx), "sentiment": classification_metrics(y, [LABELS[k] for k in sent[idx].argmax(1)],
                                                              list(LABELS))["macro_f1"]}
    for j, tag in enumerate(TAGS):
        out[tag] = binary_metrics([tag in rows[i].tags for i in idx],
                                  (tags[idx, j] >= thresholds[j]).astype(float).tolist(), 0.5)["f1"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="model directory (default: the shipped model)")
    parser.add_argument("--data", help="shared datasets folder (default: $TRIAGE_DATA or ../shared/datasets)")
    parser.add_argument("--public-cap", type=int, default=300, help="rows per public dev set (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=RESULTS / "neighbours", help="results stem (default: %(default)s)")
    args = parser.parse_args()
    t0 = time.time()
    pipe = load_pipeline(args.model)
    train, dev = domain_examples(parts=("train",)), domain_examples(parts=("dev",))
    res: dict[str, Any] = {"command": "python benchmarks/bench_neighbours.py " + " ".join(sys.argv[1:]),
                           "model": pipe.name, "date": time.strftime("%Y-%m-%d %H:%M"),
                           "train_rows": len(train), "dev_rows": len(dev)}

    # 1. dev rows by their nearest train row
    near = nearest_train_similarity([e.text for e in train], [e.text for e in dev])
    res["bands"] = {}
    scored = {}
    for tier in (Tier.FAST, Tier.ACCURATE):
        sb = pipe.score_arrays([Comment(e.text) for e in dev], tier)
        thresholds = np.array([sb.thresholds[t] for t in Tag])
        scored[tier] = (sb, thresholds)
        res["bands"][tier.value] = {
            f"{lo:g}-{min(hi, 1):g}": domain_figures(dev, sb.sentiment, sb.tags, thresholds, (near >= lo) & (near < hi))
            for lo, hi in BANDS} | {"all": domain_figures(dev, sb.sentiment, sb.tags, thresholds)}
    found = nearest([(e.text, e.lang) for e in dev], [(e.text, e.lang) for e in train])
    retold = np.array([is_leak(f) for f in found])
    res["retold"] = {"rows": int(retold.sum()), "by_char": int(sum(f.char >= 0.5 for f in found)),
                     "by_e5_only": int(sum(is_leak(f) and f.char < 0.5 for f in found))}
    for tier, (sb, thresholds) in scored.items():
        res["retold"][tier.value] = {
            "with a train retelling": domain_figures(dev, sb.sentiment, sb.tags, thresholds, retold),
            "without one": domain_figures(dev, sb.sentiment, sb.tags, thresholds, ~retold)}
    print(f"bands in {time.time() - t0:.0f}s", file=sys.stderr)

    # 2. a nearest-neighbour vote as an accurate-tier head
    def embed(texts: list[str]) -> np.ndarray:
        clean = [normalize(t[:MAX_TEXT_CHARS]) for t in texts]
        return unit_halves(np.asarray(pipe.embedder.embed(clean, pipe.embedding_layers), dtype=np.float32))

    E_train, Y_train = embed([e.text for e in train]), label_matrix(train)
    sb, thresholds = scored[Tier.ACCURATE]
    vote = knn_vote(embed([e.text for e in dev]), E_train, Y_train)
    high = np.array([e.priority == "high" for e in dev], dtype=float)
    res["knn_domain"] = {}
    for a in WEIGHTS:
        sent = (1 - a) * sb.sentiment + a * vote[:, :3]
        tags = (1 - a) * sb.tags + a * vote[:, 3:-1]
        fig = domain_figures(dev, sent, tags, thresholds)
        fig["urgent_recall_20"] = recall_at_20(high, (1 - a) * sb.urgency[:, 0] + a * vote[:, -1])
        res["knn_domain"][f"{a:g}"] = fig
    print(f"in-domain vote in {time.time() - t0:.0f}s", file=sys.stderr)
    root = data_root(args.data)
    res["knn_public"] = {}
    for task in TASKS:
        for name in dataset_names(root, task, "dev"):
            rows = list(read_examples(root, task, name, "dev"))
            classes = sorted({e.label for e in rows})
            rows = sample(rows, args.public_cap)
            pb = pipe.score_arrays([Comment(e.text) for e in rows], Tier.ACCURATE)
            v = knn_vote(embed([e.text for e in rows]), E_train, Y_train)
            y = [e.label for e in rows]
            rec = {"task": task, "n": len(rows)}
            for a in WEIGHTS:
                if task == "sentiment":
                    shown = [LABELS[k] for k in ((1 - a) * pb.sentiment + a * v[:, :3]).argmax(1)]
                    rec[f"{a:g}"] = shown_label_score(name, len(classes), y, shown, [e.lang for e in rows])
                else:
                    j = TAGS.index(task)
                    p = (1 - a) * pb.tags[:, j] + a * v[:, 3 + j]
                    rec[f"{a:g}"] = binary_metrics([lab == POSITIVE[task] for lab in y],
                                                   (p >= pb.thresholds[Tag(task)]).astype(float).tolist(), 0.5)["f1"]
            res["knn_public"][name] = rec
    print(f"public vote in {time.time() - t0:.0f}s", file=sys.stderr)
    write_results(args.out, res, markdown(res))


def markdown(res: dict[str, Any]) -> list[str]:
    lines = ["# How much of an in-domain figure is the team's own phrasing", "",
             f"`{res['command']}`; model `{res['model']}`; {res['date']}; corpus train {res['train_rows']} rows, "
             f"dev {res['dev_rows']} rows. Method: the script's docstring.", "",
             "## Dev rows by their nearest train row (character 3-5-gram cosine)", ""]
    for tier, bands in res["bands"].items():
        lines += [f"{tier} tier:", "", "| nearest train row | n | sentiment | " + " | ".join(TAGS) + " |",
                  "|---|---|---|" + "---|" * len(TAGS)]
        for band, fig in bands.items():
            lines.append(f"| {band} | {fig['n']} | {fig['sentiment']:.3f} | "
                         + " | ".join(f"{fig[t]:.3f}" for t in TAGS) + " |")
        lines.append("")
    r = res["retold"]
    lines += ["## Dev rows that retell a train row, in any language (`triage.training.leakage`)", "",
              f"{r['rows']} of {res['dev_rows']} dev rows have a train row they retell: {r['by_char']} by character "
              f"3-5-gram cosine ≥ 0.5, {r['by_e5_only']} more by the e5 ratio margin ≥ 1.02 alone (most of "
              "them in another language or other words).", ""]
    for tier in ("fast", "accurate"):
        lines += [f"{tier} tier:", "", "| dev rows | n | sentiment | " + " | ".join(TAGS) + " |",
                  "|---|---|---|" + "---|" * len(TAGS)]
        for group, fig in r[tier].items():
            lines.append(f"| {group} | {fig['n']} | {fig['sentiment']:.3f} | "
                         + " | ".join(f"{fig[t]:.3f}" for t in TAGS) + " |")
        lines.append("")
    lines += ["## A nearest-neighbour vote over the corpus blended into the accurate tier (weight a)", "",
              "In-domain dev:", "", "| a | sentiment | " + " | ".join(TAGS) + " | urgent recall @20% |",
              "|---|---|" + "---|" * len(TAGS) + "---|"]
    for a, fig in res["knn_domain"].items():
        lines.append(f"| {a} | {fig['sentiment']:.3f} | " + " | ".join(f"{fig[t]:.3f}" for t in TAGS)
                     + f" | {fig['urgent_recall_20']:.3f} |")
    lines += ["", "Public dev sets (shown label: accuracy on two-class sets, macro-F1 otherwise, UMSAB the "
              "mean of its languages; tags: F1):", "",
              "| set | task | n | " + " | ".join(f"a={a:g}" for a in WEIGHTS) + " |", "|---|---|---|" + "---|" * len(WEIGHTS)]
    deltas = {a: [] for a in WEIGHTS[1:]}
    for name, rec in res["knn_public"].items():
        lines.append(f"| {name} | {rec['task']} | {rec['n']} | " + " | ".join(f"{rec[f'{a:g}']:.3f}" for a in WEIGHTS) + " |")
        for a in WEIGHTS[1:]:
            deltas[a].append(rec[f"{a:g}"] - rec["0"])
    lines += ["", "Mean change over the public sets: " + "; ".join(
        f"a={a:g}: {100 * np.mean(d):+.1f} points ({sum(x < -0.01 for x in d)} of {len(d)} sets more than a point lower)"
        for a, d in deltas.items()), ""]
    return lines


if __name__ == "__main__":
    main()
