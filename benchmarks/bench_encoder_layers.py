"""Which encoder layers carry the brand-page labels: a linear probe per layer choice (issue #13).

    python benchmarks/bench_encoder_layers.py          # ~3-5 minutes on 2 cores

The shipped ``emb.*`` heads were trained on the last layer of all 12, so fewer layers (or pooled
states of more than the last layer) need new heads; this measures what they would be worth
before anyone retrains. One pass of the int8 ONNX encoder built with ``all_layers=True`` gives
every layer's mean-pooled states for the team's corpus (``datasets/domain``): logistic-regression
probes are fitted on its train part and scored on its dev part (``split_of(text) == "dev"``;
never the test part):

* sentiment (3 classes): macro-F1; urgency (high / normal / low): macro-F1;
* each tag: average precision (threshold-free, so no threshold is tuned on dev).

Feature sets: the last layer of the first k layers (what a k-layer encoder gives), the
concatenation of two layers, the mean of the top four. Encoder speed for 6 and 12 layers is in
``benchmarks/results/encoder.md``. Results: ``benchmarks/results/encoder_layers.{md,json}``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"
TAGS = ("question", "complaint", "spam", "praise", "abuse")


def features(L: np.ndarray) -> dict[str, np.ndarray]:
    """Feature sets from every layer's pooled states L [n, 12, 384] (each row L2-normalised)."""
    out = {f"last of {k} layers": L[:, k - 1] for k in (4, 6, 8, 10, 12)}
    out["layers 6 + 12 (concat)"] = np.concatenate([L[:, 5], L[:, 11]], axis=1)
    out["layers 8 + 12 (concat)"] = np.concatenate([L[:, 7], L[:, 11]], axis=1)
    out["layers 4 + 6 (concat, 6-layer encoder)"] = np.concatenate([L[:, 3], L[:, 5]], axis=1)
    top = L[:, 8:12].mean(axis=1)
    out["mean of layers 9-12"] = top / np.linalg.norm(top, axis=1, keepdims=True)
    return out


def probe(Xtr: np.ndarray, Xdv: np.ndarray, train: list[Any], dev: list[Any]) -> dict[str, float]:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import average_precision_score, f1_score

    def fit(y: list[str]) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return LogisticRegression(C=4.0, max_iter=300, class_weight="balanced").fit(Xtr, y)

    res: dict[str, float] = {}
    sent = fit([e.sentiment for e in train])
    res["sentiment macro-F1"] = f1_score([e.sentiment for e in dev], sent.predict(Xdv), average="macro")
    keep_tr = [i for i, e in enumerate(train) if e.priority]
    keep_dv = [i for i, e in enumerate(dev) if e.priority]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        urg = LogisticRegression(C=4.0, max_iter=300, class_weight="balanced").fit(
            Xtr[keep_tr], [train[i].priority for i in keep_tr])
    res["urgency macro-F1"] = f1_score([dev[i].priority for i in keep_dv], urg.predict(Xdv[keep_dv]),
                                       average="macro")
    for tag in TAGS:
        y_tr = [tag in e.tags for e in train]
        y_dv = [tag in e.tags for e in dev]
        head = fit([str(v) for v in y_tr])
        p = head.predict_proba(Xdv)[:, list(head.classes_).index("True")]
        res[f"{tag} AP"] = average_precision_score(y_dv, p)
    return res


def main() -> None:
    from triage.pipeline.encoder import OnnxEncoder
    from triage.pipeline.encoder_build import build_encoder
    from triage.pipeline.text import embedding_text
    from triage.training.domain import domain_examples, split_of

    before = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    train = domain_examples(parts=("train",))
    dev = domain_examples(parts=("dev",))
    assert all(split_of(e.text) == "dev" for e in dev)
    with tempfile.TemporaryDirectory() as tmp:
        encoder = OnnxEncoder(path=build_encoder(Path(tmp) / "all.onnx", all_layers=True))
        start = time.perf_counter()
        L = encoder.embed_layers([embedding_text(e.text) or "." for e in train + dev])
        embed_s = time.perf_counter() - start
    print(f"embedded {len(L)} texts in {embed_s:.0f} s", file=sys.stderr)
    Ltr, Ldv = L[: len(train)], L[len(train) :]
    ftr, fdv = features(Ltr), features(Ldv)
    rows = {}
    for name in ftr:
        rows[name] = probe(ftr[name], fdv[name], train, dev)
        print(name, {k: round(v, 3) for k, v in rows[name].items()}, file=sys.stderr, flush=True)
    res = {"command": "python benchmarks/bench_encoder_layers.py", "date": time.strftime("%Y-%m-%d %H:%M"),
           "uptime_before": before, "n_train": len(train), "n_dev": len(dev), "embed_s": embed_s,
           "probes": rows}
    res["uptime_after"] = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "encoder_layers.json").write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    metrics = list(next(iter(rows.values())))
    lines = [
        "# Encoder layers: linear probes on the team's corpus",
        "",
        f"`{res['command']}` — {res['date']}. Load before: `{before}`; after: `{res['uptime_after']}`.",
        f"Probes (logistic regression, C=4, balanced) fitted on the {len(train)} train comments of",
        f"`datasets/domain`, scored on its {len(dev)} dev comments; embeddings of the int8 ONNX encoder",
        "(every layer's mean-pooled states from one pass). Not the shipped heads: a guide to what",
        "retraining on fewer layers or on more than the last layer would be worth.",
        "",
        "| features | dims | " + " | ".join(metrics) + " | mean |",
        "|---|---|" + "---|" * (len(metrics) + 1),
    ]
    for name, r in rows.items():
        vals = [r[m] for m in metrics]
        lines.append(f"| {name} | {ftr[name].shape[1]} | " + " | ".join(f"{v:.3f}" for v in vals)
                     + f" | {np.mean(vals):.3f} |")
    lines += ["", "Speed of a 6- and a 12-layer encoder: `benchmarks/results/encoder.md`.", ""]
    (RESULTS / "encoder_layers.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
