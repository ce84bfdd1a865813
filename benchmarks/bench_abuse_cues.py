"""What the abuse cues cost the fast tier: ``abuse_features`` against the whole ``score_batch``.

    python benchmarks/bench_abuse_cues.py              # 10,000 dev texts, 3 rounds
    python benchmarks/bench_abuse_cues.py --n 2000 --rounds 1

The texts are dev rows (in-domain dev and the public abuse dev sets, cycled to ``--n``), never
test rows. Three timings per round, best of the rounds (wall-clock, one process):

* the fast tier's ``score_batch`` with an abuse head as wide as the shared features (a model
  trained before the cues);
* the same with an abuse head that reads the cues (the extra columns weigh 0, so only the time
  differs);
* ``abuse_features`` alone on the batch's normalized texts and feature matrix, as ``score_batch``
  calls it (``fold``'s memory warm from the featurizer).

Results go to ``benchmarks/results/abuse_cues.{md,json}``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import time
from collections.abc import Callable
from itertools import cycle, islice
from pathlib import Path

import numpy as np

from triage.pipeline import load_pipeline
from triage.pipeline.abuse_cues import FEATURE_NAMES
from triage.pipeline.core import abuse_features
from triage.pipeline.heads import LinearHead
from triage.pipeline.text import normalize
from triage.training.data import data_root, dataset_names, read_examples
from triage.training.domain import domain_examples
from triage.types import Comment, Tier

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    pipe = load_pipeline()
    root = data_root()
    texts = [e.text for e in domain_examples(parts=("dev",))]
    for name in dataset_names(root, "abuse", "dev"):
        texts += [e.text for e in read_examples(root, "abuse", name, "dev")]
    texts = list(islice(cycle(texts), args.n))
    comments = [Comment(t) for t in texts]
    head = pipe.heads["fast.abuse"]
    width = pipe.featurizer.n_features
    narrow = LinearHead(head.classes, head.coef[:, :width], head.intercept)
    wide = LinearHead(head.classes, np.hstack([narrow.coef, np.zeros((1, len(FEATURE_NAMES)), np.float32)]), head.intercept)
    without = dataclasses.replace(pipe, heads={**pipe.heads, "fast.abuse": narrow})
    with_cues = dataclasses.replace(pipe, heads={**pipe.heads, "fast.abuse": wide})
    clean = [normalize(t[:5000]) for t in texts]
    times: dict[str, list[float]] = {"score_batch_without": [], "score_batch_with": [], "abuse_features": []}
    def timed(key: str, fn: Callable[[], object]) -> None:
        t = time.perf_counter()
        fn()
        times[key].append(time.perf_counter() - t)

    for _ in range(args.rounds):
        timed("score_batch_without", lambda: without.score_batch(comments, Tier.FAST))
        timed("score_batch_with", lambda: with_cues.score_batch(comments, Tier.FAST))
        X = pipe.featurizer.transform(clean)
        timed("abuse_features", lambda X=X: abuse_features(X, clean))
    best = {k: min(v) for k, v in times.items()}
    out = {
        "n": args.n, "rounds": args.rounds, "best_seconds": best, "all_seconds": times,
        "abuse_features_share_of_score_batch": best["abuse_features"] / best["score_batch_without"],
        "score_batch_with_over_without": best["score_batch_with"] / best["score_batch_without"],
        "load_average": os.getloadavg(), "cpus": os.cpu_count(),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "abuse_cues.json").write_text(json.dumps(out, indent=1), encoding="utf-8")
    md = [
        "# Abuse cues: cost on the fast tier", "",
        f"`python benchmarks/bench_abuse_cues.py --n {args.n} --rounds {args.rounds}`; load average "
        f"{out['load_average'][0]:.1f} on {out['cpus']} CPUs; best of {args.rounds} rounds, wall-clock.", "",
        "| timing | seconds | comments/s |", "|---|---|---|",
        *(f"| {k} | {v:.3f} | {args.n / v:,.0f} |" for k, v in best.items()), "",
        f"abuse_features / score_batch (without the cues): {out['abuse_features_share_of_score_batch']:.3f}; "
        f"score_batch with / without: {out['score_batch_with_over_without']:.3f}", "",
    ]
    (RESULTS / "abuse_cues.md").write_text("\n".join(md), encoding="utf-8")
    print("\n".join(md))  # noqa: T201


if __name__ == "__main__":
    main()
