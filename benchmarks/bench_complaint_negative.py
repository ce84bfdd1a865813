"""Shown labels decoded under the rule "a complaint is negative": measured, not shipped.

    python benchmarks/bench_complaint_negative.py        # the shipped model; about 3 minutes
    python benchmarks/bench_complaint_negative.py --help

By docs/labelling.md every complaint is negative, but the sentiment label and the complaint tag
are decided apart (the argmax of the sentiment head; the complaint probability against its
threshold), so a comment can be shown `positive` with the tag `complaint`. Joint decoding keeps
the pair consistent: where the complaint tag is shown beside a non-negative label, the output is
either (negative, complaint) or (the label, no complaint), whichever scores higher, with score =
log P(sentiment) + (logit P(complaint) - logit threshold) for the tag. Nothing is tuned.

Measured on in-domain dev (sentiment macro-F1 and complaint F1, both tiers) and on the public dev
sets of sentiment and complaints (the shown label as ``bench_judgement.py`` scores it; the fast tier
on whole sets, the accurate tier on a hash sample of ``--accurate-cap`` rows each). Writes
``benchmarks/results/complaint_negative.{md,json}``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_results  # noqa: E402
from _shown import shown_label_score  # noqa: E402

from triage.pipeline.core import load_pipeline  # noqa: E402
from triage.training.data import data_root, dataset_names, read_examples, sample  # noqa: E402
from triage.training.domain import domain_examples  # noqa: E402
from triage.training.evaluate import binary_metrics, classification_metrics  # noqa: E402
from triage.types import Comment, Tag, Tier  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
LABELS = ("negative", "neutral", "positive")
COMPLAINT = list(Tag).index(Tag.COMPLAINT)


def _logit(p: np.ndarray | float) -> np.ndarray:
    q = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(q / (1 - q))


def decode(sentiment: np.ndarray, p_complaint: np.ndarray, threshold: float
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(label, complaint shown) as shipped, then decoded jointly (module docstring)."""
    label = sentiment.argmax(axis=1)
    shown = p_complaint >= threshold
    clash = shown & (label != 0)
    both = np.log(sentiment[:, 0] + 1e-9) + _logit(p_complaint) - _logit(threshold)
    alone = np.log(sentiment[np.arange(len(label)), label] + 1e-9)
    label2, shown2 = label.copy(), shown.copy()
    label2[clash & (both >= alone)] = 0
    shown2[clash & (both < alone)] = False
    return label, shown, label2, shown2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="model directory (default: the shipped model)")
    parser.add_argument("--data", help="shared datasets folder (default: $TRIAGE_DATA or ../shared/datasets)")
    parser.add_argument("--accurate-cap", type=int, default=300, help="public rows per set, accurate tier (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=RESULTS / "complaint_negative", help="results stem (default: %(default)s)")
    args = parser.parse_args()
    t0 = time.time()
    pipe = load_pipeline(args.model)
    root = data_root(args.data)
    dev = domain_examples(parts=("dev",))
    y_sent = [e.sentiment for e in dev]
    y_comp = [("complaint" in e.tags) for e in dev]
    res: dict[str, Any] = {"command": "python benchmarks/bench_complaint_negative.py " + " ".join(sys.argv[1:]),
                           "model": pipe.name, "date": time.strftime("%Y-%m-%d %H:%M"), "domain": {}, "public": {}}
    for tier in (Tier.FAST, Tier.ACCURATE):
        sb = pipe.score_arrays([Comment(e.text) for e in dev], tier)
        label, shown, label2, shown2 = decode(sb.sentiment, sb.tags[:, COMPLAINT], sb.thresholds[Tag.COMPLAINT])
        res["domain"][tier.value] = {
            "n": len(dev), "changed": int((label != label2).sum() + (shown != shown2).sum()),
            "sentiment": [classification_metrics(y_sent, [LABELS[k] for k in lab], list(LABELS))["macro_f1"]
                          for lab in (label, label2)],
            "complaint": [binary_metrics(y_comp, s.astype(float).tolist(), 0.5)["f1"] for s in (shown, shown2)]}
        public: dict[str, Any] = {}
        for task in ("sentiment", "complaint"):
            for name in dataset_names(root, task, "dev"):
                rows = list(read_examples(root, task, name, "dev"))
                classes = len({e.label for e in rows})
                if tier is Tier.ACCURATE:
                    rows = sample(rows, args.accurate_cap)
                pb = pipe.score_arrays([Comment(e.text) for e in rows], tier)
                label, shown, label2, shown2 = decode(pb.sentiment, pb.tags[:, COMPLAINT], pb.thresholds[Tag.COMPLAINT])
                if task == "sentiment":
                    y, langs = [e.label for e in rows], [e.lang for e in rows]
                    before, after = (shown_label_score(name, classes, y, [LABELS[k] for k in lab], langs)
                                     for lab in (label, label2))
                else:
                    y = [e.label == "complaint" for e in rows]
                    before, after = (binary_metrics(y, s.astype(float).tolist(), 0.5)["f1"] for s in (shown, shown2))
                public[name] = {"task": task, "n": len(rows), "before": before, "after": after}
        res["public"][tier.value] = public
        print(f"{tier.value} in {time.time() - t0:.0f}s", file=sys.stderr)
    write_results(args.out, res, markdown(res))


def markdown(res: dict[str, Any]) -> list[str]:
    lines = ["# Shown labels decoded under \"a complaint is negative\" (measured, not shipped)", "",
             f"`{res['command']}`; model `{res['model']}`; {res['date']}. Method: the script's docstring.", "",
             "| in-domain dev | n | labels or tags changed | sentiment macro-F1 | complaint F1 |", "|---|---|---|---|---|"]
    for tier, d in res["domain"].items():
        lines.append(f"| {tier} | {d['n']} | {d['changed']} | {d['sentiment'][0]:.3f} → {d['sentiment'][1]:.3f} "
                     f"| {d['complaint'][0]:.3f} → {d['complaint'][1]:.3f} |")
    for tier, public in res["public"].items():
        lines += ["", f"Public dev sets, {tier} tier (shown label; complaint F1):", "",
                  "| set | task | n | as shipped | decoded jointly | change (points) |", "|---|---|---|---|---|---|"]
        for name, r in public.items():
            lines.append(f"| {name} | {r['task']} | {r['n']} | {r['before']:.3f} | {r['after']:.3f} "
                         f"| {100 * (r['after'] - r['before']):+.1f} |")
        mean = 100 * np.mean([r["after"] - r["before"] for r in public.values()])
        lines += ["", f"Mean change over {len(public)} sets: {mean:+.1f} points."]
    return lines + [""]


if __name__ == "__main__":
    main()
