"""The measured effect of the public-data audit's spam decisions on the in-domain dev part.

    python benchmarks/bench_audit.py            # a few minutes; writes benchmarks/results/audit.{md,json}

The spam head is refitted (fast features of the shipped model, the training recipe's own rows and
weights) with each variant of ``TrainConfig.public_weights``, and measured on the dev part of the
team's brand-page corpus: spam F1 at the best threshold, and the share of real (not spam)
comments given P(spam) >= 0.9, the ones cost-aware routing could come close to bulk-deleting.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from sklearn.linear_model import LogisticRegression

from triage.paths import DEFAULT_MODEL_DIR
from triage.pipeline.features import Featurizer
from triage.training.data import data_root, seed_examples
from triage.training.evaluate import best_threshold, binary_metrics
from triage.training.fit import TrainConfig, _tag_train
from triage.types import Tag

RESULTS = Path(__file__).resolve().parent / "results"
VARIANTS = [
    ("every public spam row, weight 1", {}),
    ("ViSpamReviews spam rows dropped", {"vispamreviews:spam": 0.0}),
    ("... and SMS spam at 0.5 (shipped)", {"vispamreviews:spam": 0.0, "sms-spam-collection-uci": 0.5}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="shared datasets folder (default: $TRIAGE_DATA or ../shared/datasets)")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR, help="model whose features are used")
    args = parser.parse_args()
    fz = Featurizer.load(args.model / "fast")
    corpus = seed_examples()
    train, dev = [s for s in corpus if not s.is_dev], [s for s in corpus if s.is_dev]
    X_dev = fz.transform([s.text for s in dev])
    y_dev = ["spam" in s.tags for s in dev]
    out = {"load": [round(x, 2) for x in os.getloadavg()], "date": time.strftime("%Y-%m-%d %H:%M"), "variants": {}}
    for name, weights in VARIANTS:
        d = _tag_train(data_root(args.data), Tag.SPAM, train, TrainConfig(public_weights=weights))
        est = LogisticRegression(C=4.0, max_iter=300).fit(fz.transform(d.texts), d.y, sample_weight=d.weight)
        p = est.predict_proba(X_dev)[:, 1]
        m = binary_metrics(y_dev, p, best_threshold([(y_dev, p)]))
        real = [q for y, q in zip(y_dev, p, strict=True) if not y]
        out["variants"][name] = {"f1": round(m["f1"], 3), "precision": round(m["precision"], 3),
                                 "recall": round(m["recall"], 3),
                                 "real_p_spam_ge_0.9": round(sum(q >= 0.9 for q in real) / len(real), 4)}
        print(name, out["variants"][name], flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "audit.json").write_text(json.dumps(out, indent=1), encoding="utf-8")
    lines = ["# Public-data audit: spam decisions, in-domain dev", "",
             f"`python benchmarks/bench_audit.py`; {out['date']}; load average {out['load']}.", "",
             "| variant | spam F1 | precision | recall | real comments with P(spam) >= 0.9 |", "|---|---|---|---|---|"]
    lines += [f"| {k} | {v['f1']:.3f} | {v['precision']:.3f} | {v['recall']:.3f} | {100 * v['real_p_spam_ge_0.9']:.2f}% |"
              for k, v in out["variants"].items()]
    (RESULTS / "audit.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
