"""Two models on the same rows, with paired bootstrap intervals: is a difference larger than what
resampling the rows alone would give?

    python benchmarks/bench_paired.py --after /tmp/m12c                     # against the shipped model
    python benchmarks/bench_paired.py --before A --after B --exclude FILE --boot 2000
    python benchmarks/bench_paired.py --after B --rows-at REV --skip-public   # dev rows that existed at REV
    python benchmarks/bench_paired.py --help

A model choice reads differences of a few tenths of a point on ~2,400 in-domain dev rows and on
public dev sets of 60-3,000 rows, where one row moves a figure by 0.05-1.5 points. This scores
the in-domain dev split (both tiers) and every public dev set (the fast tier, whole sets; with
``--accurate-public-cap N`` also the accurate tier on N rows of each) with both models, then
resamples the rows with replacement ``--boot`` times, the same rows for both models (a paired
bootstrap, Efron & Tibshirani 1993, ch. 16), and reports for each figure the
difference after - before, its 90% interval (5th to 95th percentile of the resampled
differences) and the share of resamples in which ``after`` is worse. The figures are
``bench_judgement.py``'s, as users see them: queue accuracy, happy customers in ``urgent``,
urgent recall in the top 20%, sentiment macro-F1 of the shown label, each tag's F1 at the
tier's threshold, the shares of harsh but fair complaints and of praise with a swear word that
carry the abuse tag (issue #15's near-misses); public sets: the shown label's accuracy (two-class
sets) or macro-F1 (UMSAB: the mean over its languages), a tag set's F1. Dev splits only (the test part is read once, at
the end). Each public set also shows how many of its rows changed their shown label (or tag)
between the models: a large difference on a small set can rest on a handful of rows. Writes
``--out``/paired.{md,json}.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_results  # noqa: E402
from _shown import LABELS, PER_LANGUAGE  # noqa: E402
from bench_judgement import corpus_texts_at  # noqa: E402

from triage.pipeline.core import load_pipeline  # noqa: E402
from triage.training.data import TASKS, data_root, dataset_names, read_examples, sample  # noqa: E402
from triage.training.domain import domain_examples, true_queue  # noqa: E402
from triage.types import Comment, Tag, Tier  # noqa: E402

POSITIVE = {"spam": "spam", "complaint": "complaint", "question": "question", "abuse": "abusive"}
#: a figure where a smaller number is better
LOWER_IS_BETTER = {"happy_in_urgent", "fair_complaints_tagged_abuse", "near_miss_praise_tagged_abuse"}


def macro_f1(y: np.ndarray, p: np.ndarray, k: int = 3) -> float:
    """``triage.training.evaluate.classification_metrics``' macro-F1 of integer labels 0..k-1:
    the mean F1 over the labels present in ``y``."""
    conf = np.bincount(y * k + p, minlength=k * k).reshape(k, k)
    tp = np.diag(conf).astype(float)
    fp, fn, support = conf.sum(axis=0) - tp, conf.sum(axis=1) - tp, conf.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(tp > 0, 2 * tp / (2 * tp + fp + fn), 0.0)
    present = support > 0
    return float(f1[present].mean()) if present.any() else 0.0


def f1(y: np.ndarray, p: np.ndarray) -> float:
    tp = int(np.sum(y & p))
    denom = int(np.sum(y)) + int(np.sum(p))
    return 2 * tp / denom if tp else 0.0


class Domain:
    """Per-row answers of one model on the in-domain rows, and the figures of any resample."""

    def __init__(self, rows: list[Any], results: list[Any]) -> None:
        self.queue = np.array([r.priority.queue.value for r in results])
        self.right = np.array([str(getattr(q, "value", q)) for q in (true_queue(e.tags, e.priority) for e in rows)])
        self.happy = np.array([e.sentiment == "positive" and "complaint" not in e.tags for e in rows])
        self.high = np.array([e.priority == "high" for e in rows])
        self.prio = np.array([r.priority.value for r in results], dtype=float)
        self.p_high = np.array([r.urgency.p_high for r in results])
        self.y_sent = np.array([LABELS.index(e.sentiment) for e in rows])
        self.p_sent = np.array([LABELS.index(r.sentiment.label.value) for r in results])
        self.tags = {t.value: (np.array([t.value in e.tags for e in rows]), np.array([t in r.tags.tags for r in results]))
                     for t in Tag}
        # abuse near-misses, as bench_judgement.py counts them: harsh but fair complaints, and
        # praise with a swear word (labelled near-miss), that carry the abuse tag
        self.fair = np.array(["complaint" in e.tags and "abuse" not in e.tags for e in rows])
        self.swear_praise = np.array(["praise" in e.tags and "abuse" not in e.tags and "near-miss" in e.notes for e in rows])

    def figures(self, idx: np.ndarray) -> dict[str, float]:
        out = {"queue_accuracy": float(np.mean(self.queue[idx] == self.right[idx]))}
        happy = idx[self.happy[idx]]
        out["happy_in_urgent"] = float(np.mean(self.queue[happy] == "urgent")) if len(happy) else math.nan
        order = idx[np.lexsort((-self.p_high[idx], -self.prio[idx]))]
        top = order[: math.ceil(0.2 * len(idx))]
        out["urgent_recall_top20"] = float(self.high[top].sum() / max(1, self.high[idx].sum()))
        out["sentiment_macro_f1"] = macro_f1(self.y_sent[idx], self.p_sent[idx])
        for tag, (y, p) in self.tags.items():
            out[f"{tag}_f1"] = f1(y[idx], p[idx])
        tagged = self.tags["abuse"][1]
        for name, mask in (("fair_complaints_tagged_abuse", self.fair), ("near_miss_praise_tagged_abuse", self.swear_praise)):
            chosen = idx[mask[idx]]
            out[name] = float(np.mean(tagged[chosen])) if len(chosen) else math.nan
        return out


def public_sets(pipe_b: Any, pipe_a: Any, root: Path, tier: Tier = Tier.FAST,
                cap: int | None = None) -> dict[str, tuple[Any, ...]]:
    """name -> (kind, y, before, after, langs, task) on ``tier``: whole dev sets, or
    ``bench_judgement``'s deterministic hash sample of ``cap`` rows each."""
    out: dict[str, tuple[Any, ...]] = {}
    for task in TASKS:
        for name in dataset_names(root, task, "dev"):
            rows = list(read_examples(root, task, name, "dev"))
            classes = len({e.label for e in rows})  # of the whole set, also when a sample is scored
            if cap:
                rows = sample(rows, cap)
            comments = [Comment(e.text) for e in rows]
            rb, ra = pipe_b.score_batch(comments, tier), pipe_a.score_batch(comments, tier)
            if task == "sentiment":
                y = np.array([LABELS.index(e.label) for e in rows])
                pb = np.array([LABELS.index(r.sentiment.label.value) for r in rb])
                pa = np.array([LABELS.index(r.sentiment.label.value) for r in ra])
                kind = "accuracy" if classes == 2 else "lang_mean" if name == PER_LANGUAGE else "macro_f1"
                out[name] = (kind, y, pb, pa, np.array([e.lang for e in rows]), task)
            else:
                tag = Tag(task)
                y = np.array([e.label == POSITIVE[task] for e in rows])
                out[name] = ("f1", y, np.array([tag in r.tags.tags for r in rb]),
                             np.array([tag in r.tags.tags for r in ra]), None, task)
    return out


def set_figure(kind: str, y: np.ndarray, p: np.ndarray, langs: np.ndarray | None) -> float:
    if kind == "accuracy":
        return float(np.mean(y == p))
    if kind == "macro_f1":
        return macro_f1(y, p)
    if kind == "lang_mean":
        assert langs is not None
        return float(np.mean([macro_f1(y[langs == g], p[langs == g]) for g in np.unique(langs)]))
    return f1(y, p)


def summary(name: str, before: float, after: float, deltas: np.ndarray, lower_better: bool) -> dict[str, Any]:
    deltas = deltas[~np.isnan(deltas)]
    worse = deltas > 0 if lower_better else deltas < 0
    return {"figure": name, "before": round(before, 4), "after": round(after, 4), "delta": round(after - before, 4),
            "low": round(float(np.percentile(deltas, 5)), 4), "high": round(float(np.percentile(deltas, 95)), 4),
            "p_worse": round(float(np.mean(worse)), 3)}


#: Sets left out of the per-task means: VISpamReviews' spam is fake reviews, not page spam (the
#: audit in docs/model.md), as in every model choice since the audit.
NOT_IN_TASK_MEANS = ("vispamreviews",)


def task_means(sets: list[tuple[str, float, float, np.ndarray]]) -> list[dict[str, Any]]:
    """Per task, the mean difference over its public sets and its interval: ``sets`` holds
    (task, before, after, bootstrap differences) per set, every set resampled the same number of
    times on its own rows, so the mean of the i-th differences is one resample of the mean.

    >>> r = task_means([("spam", 0.9, 0.8, np.array([-0.2, -0.1, 0.0])), ("spam", 0.5, 0.7, np.array([0.1, 0.2, 0.3]))])
    >>> r[0]["figure"], r[0]["delta"], r[0]["sets"]
    ('spam', 0.05, 2)
    """
    out = []
    for task in dict.fromkeys(t for t, *_ in sets):
        rows = [(b, a, d) for t, b, a, d in sets if t == task]
        mean_deltas = np.mean(np.stack([d for _, _, d in rows]), axis=0)
        rec = summary(task, float(np.mean([b for b, _, _ in rows])), float(np.mean([a for _, a, _ in rows])), mean_deltas, False)
        out.append({**rec, "sets": len(rows)})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", help="model directory (default: the shipped model)")
    parser.add_argument("--after", required=True, help="model directory")
    parser.add_argument("--exclude", type=Path, help="JSONL of in-domain texts to leave out (bench_judgement.py --exclude)")
    parser.add_argument("--rows-at", metavar="REV",
                        help="in-domain rows that were in the corpus at git revision REV only (bench_judgement.py --rows-at)")
    parser.add_argument("--boot", type=int, default=1000, help="bootstrap resamples (default: %(default)s)")
    parser.add_argument("--skip-public", action="store_true", help="in-domain rows only")
    parser.add_argument("--accurate-public-cap", type=int, default=0, metavar="N",
                        help="also the accurate tier on a hash sample of N rows per public dev set (default: off)")
    parser.add_argument("--data", help="shared datasets folder (default: $TRIAGE_DATA or ../shared/datasets)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results",
                        help="folder for paired.md/json (default: %(default)s)")
    args = parser.parse_args()
    pipe_b, pipe_a = load_pipeline(args.before), load_pipeline(args.after)
    left_out = set()
    if args.exclude:
        left_out = {json.loads(line)["text"] for line in args.exclude.read_text(encoding="utf-8").splitlines() if line.strip()}
    only = corpus_texts_at(args.rows_at) if args.rows_at else None
    rows = [e for e in domain_examples(parts=("dev",)) if e.text not in left_out and (only is None or e.text in only)]
    if not rows:
        raise SystemExit("no in-domain dev rows left to compare (--exclude / --rows-at leave none)")
    rng = np.random.default_rng(0)
    samples = [rng.integers(0, len(rows), len(rows)) for _ in range(args.boot)]
    res: dict[str, Any] = {"command": "python benchmarks/bench_paired.py " + " ".join(sys.argv[1:]),
                           "before": pipe_b.name, "after": pipe_a.name, "date": time.strftime("%Y-%m-%d %H:%M"),
                           "rows": len(rows), "boot": args.boot, "domain": {}, "public": []}
    every = np.arange(len(rows))
    for tier in (Tier.FAST, Tier.ACCURATE):
        if tier not in pipe_b.tiers or tier not in pipe_a.tiers:
            continue
        comments = [Comment(e.text) for e in rows]
        db, da = Domain(rows, pipe_b.score_batch(comments, tier)), Domain(rows, pipe_a.score_batch(comments, tier))
        fb, fa = db.figures(every), da.figures(every)
        boot = [(db.figures(s), da.figures(s)) for s in samples]
        res["domain"][tier.value] = [
            summary(k, fb[k], fa[k], np.array([a[k] - b[k] for b, a in boot]), k in LOWER_IS_BETTER) for k in fb]
        print(f"{tier.value}: in-domain done", file=sys.stderr)
    runs = [] if args.skip_public else [(Tier.FAST, None)]
    if not args.skip_public and args.accurate_public_cap and Tier.ACCURATE in pipe_b.tiers and Tier.ACCURATE in pipe_a.tiers:
        runs.append((Tier.ACCURATE, args.accurate_public_cap))
    for tier, cap in runs:
        per_task: list[tuple[str, float, float, np.ndarray]] = []
        for name, (kind, y, pb, pa, langs, task) in public_sets(pipe_b, pipe_a, data_root(args.data), tier, cap).items():
            n = len(y)
            deltas = []
            for _ in range(args.boot):
                s = rng.integers(0, n, n)
                sl = None if langs is None else langs[s]
                deltas.append(set_figure(kind, y[s], pa[s], sl) - set_figure(kind, y[s], pb[s], sl))
            rec = summary(name, set_figure(kind, y, pb, langs), set_figure(kind, y, pa, langs), np.array(deltas), False)
            # how many rows the difference rests on: rows whose shown label (or tag) differs
            res["public"].append({**rec, "n": n, "metric": kind, "tier": tier.value, "changed": int(np.sum(pb != pa))})
            if name not in NOT_IN_TASK_MEANS:
                per_task.append((task, rec["before"], rec["after"], np.array(deltas)))
        res.setdefault("public_task_means", []).extend({**r, "tier": tier.value} for r in task_means(per_task))
        print(f"{tier.value}: public dev sets done", file=sys.stderr)

    def row(r: dict[str, Any]) -> str:
        return (f"| {r['figure']} | {r['before']:.3f} | {r['after']:.3f} | {100 * r['delta']:+.1f} "
                f"| {100 * r['low']:+.1f} to {100 * r['high']:+.1f} | {100 * r['p_worse']:.0f}% |")

    lines = [f"# Paired bootstrap: `{res['before']}` → `{res['after']}`", "",
             f"`{res['command']}`; {res['date']}; {res['rows']} in-domain dev rows; {res['boot']} resamples "
             "(the same rows for both models). Differences in points; the 90% interval is the 5th to 95th "
             "percentile of the resampled differences; \"worse\": the share of resamples in which `after` is worse "
             "(for happy customers in `urgent` and the abuse near-misses, higher is worse).", ""]
    for tier, recs in res["domain"].items():
        lines += [f"## In-domain dev, {tier} tier", "", "| figure | before | after | difference | 90% interval | worse |",
                  "|---|---|---|---|---|---|", *map(row, recs), ""]
    for tier, title in (("fast", "fast tier (whole sets)"), ("accurate", "accurate tier (a hash sample per set)")):
        recs = [r for r in res["public"] if r["tier"] == tier]
        if not recs:
            continue
        lines += [f"## Public dev sets, {title}", "",
                  "| set | n | metric | before | after | difference | 90% interval | worse | rows changed |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for r in sorted(recs, key=lambda r: r["delta"]):
            lines.append(f"| {r['figure']} | {r['n']} | {r['metric']} | {r['before']:.3f} | {r['after']:.3f} | "
                         f"{100 * r['delta']:+.1f} | {100 * r['low']:+.1f} to {100 * r['high']:+.1f} | "
                         f"{100 * r['p_worse']:.0f}% | {r['changed']} |")
        lines.append("")
    means = res.get("public_task_means", [])
    if means:
        lines += ["## Public dev sets, the mean per task", "",
                  "Each task's mean over its public sets (VISpamReviews aside), resampled with the sets: "
                  "a change spread over many sets against one that a few rows of one set carry.", "",
                  "| tier | task | sets | before | after | difference | 90% interval | worse |", "|---|---|---|---|---|---|---|---|"]
        lines += [f"| {r['tier']} | {r['figure']} | {r['sets']} | {r['before']:.3f} | {r['after']:.3f} | {100 * r['delta']:+.1f} "
                  f"| {100 * r['low']:+.1f} to {100 * r['high']:+.1f} | {100 * r['p_worse']:.0f}% |" for r in means]
        lines.append("")
    write_results(args.out / "paired", res, lines)


if __name__ == "__main__":
    main()
