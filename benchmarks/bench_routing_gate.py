"""How the ``[routing] complaint_needs_negative`` gate trades happy customers in ``urgent`` against
urgent comments kept there (docs/model.md, "A complaint is negative").

Scores the in-domain dev split once per tier with the model's heads, then routes the same scores
with each gate value (0 = off) and reports, per value: happy customers (positive, no complaint) in
``urgent``, ``high`` comments in ``urgent``, queue accuracy and the mean cost of the chosen queue
under the model's ``[routing.costs]``. Dev split only: the test part is for the final note.

A second table tries gates the model does not have (docs/model.md, "Where the judgement stands"),
with the model's own ``complaint_needs_negative``: the complaint evidence scaled by
``(1 - P(praise))**k`` ("praise k"), or by ``min(1, (1 - P(low)) / t)`` with the urgency head's
P(low) ("not-low t"). A third table scales P(positive) before the label is chosen (a prior shift)
and counts positive comments shown as negative and the other way round. A fourth routes the same
scores with and without ``queues_follow_tags`` and a grid of two costs of a false ``urgent``
(``[routing.costs.urgent]`` praise and other), on each half of the dev split (a hash of the text)
and on the whole of it: how model 0.10.1's routing was chosen (docs/model.md).

    python benchmarks/bench_routing_gate.py            # writes benchmarks/results/routing_gate.md/json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from triage import Comment
from triage.pipeline import load_pipeline
from triage.pipeline.ranking import prioritize
from triage.training.domain import domain_examples, true_queue
from triage.types import Queue, Tier

RESULTS = Path(__file__).parent / "results"
GATES = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7)


@dataclass
class Scored:
    """The in-domain dev split scored once by one tier, with what every table needs."""

    rows: list[Any]
    results: list[Any]
    right: list[Queue]
    happy: list[int]
    high: list[int]

    @classmethod
    def of(cls, pipe: Any, tier: Tier) -> Scored:
        rows = domain_examples(parts=("dev",))
        return cls(rows, pipe.score_batch([Comment(e.text) for e in rows], tier),
                   [Queue(true_queue(e.tags, e.priority)) for e in rows],
                   [i for i, e in enumerate(rows) if e.sentiment == "positive" and "complaint" not in e.tags],
                   [i for i, e in enumerate(rows) if e.priority == "high"])

    def route(self, pipe: Any, gate: float, factor: Any = None) -> dict[str, float]:
        """Queues of the same scores with this gate (and P(complaint) scaled by ``factor(r)``)."""
        policy = replace(pipe.routing, complaint_needs_negative=gate)  # its queues_follow_tags too
        return self.route_policy(policy, factor)

    def route_policy(self, policy: Any, factor: Any = None, subset: set[int] | None = None) -> dict[str, float]:
        """The figures of the same scores routed by ``policy`` (on the rows of ``subset``, or all)."""
        chosen = []
        for r in self.results:
            tags = r.tags if factor is None else replace(r.tags, complaint=r.tags.complaint * factor(r))
            chosen.append(prioritize(r.sentiment, tags, r.urgency, policy).queue)
        keep = range(len(chosen)) if subset is None else sorted(subset)
        happy = [i for i in self.happy if subset is None or i in subset]
        high = [i for i in self.high if subset is None or i in subset]
        return {
            "happy_in_urgent": float(np.mean([chosen[i] is Queue.URGENT for i in happy])),
            "high_in_urgent": float(np.mean([chosen[i] is Queue.URGENT for i in high])),
            "high_in_urgent_n": sum(chosen[i] is Queue.URGENT for i in high),
            "queue_accuracy": float(np.mean([chosen[i] is self.right[i] for i in keep])),
            "mean_cost": float(np.mean([policy.costs[chosen[i]][self.right[i]] for i in keep])),
        }


def sweep(pipe: Any, scored: Scored) -> list[dict[str, float]]:
    return [{"complaint_needs_negative": gate, **scored.route(pipe, gate)} for gate in GATES]


#: (name, factor on P(complaint)) of the gates tried beside the shipped one
VARIANTS = (
    ("none", lambda r: 1.0),
    *((f"praise k={k:g}", lambda r, k=k: (1.0 - r.tags.praise) ** k) for k in (0.5, 1.0, 2.0)),
    *((f"not-low t={t:g}", lambda r, t=t: min(1.0, (1.0 - r.urgency.p_low) / t)) for t in (0.5, 0.7)),
)


def variants(pipe: Any, scored: Scored) -> list[dict[str, Any]]:
    """The other gates of the module docstring, on the same scores."""
    gate = pipe.routing.complaint_needs_negative
    out = []
    for name, factor in VARIANTS:
        out.append({"variant": name, **scored.route(pipe, gate, factor)})
    return out


#: [routing.costs.urgent] praise and other tried by :func:`cost_grid`
GRID_PRAISE = (10, 11, 12, 13, 14, 15, 16)
GRID_OTHER = (8, 9, 10, 11, 12)


def cost_grid(pipe: Any, scored: Scored) -> list[dict[str, Any]]:
    """The same scores routed as model 0.10.0 did (``queues_follow_tags`` off, 10 and 8) and with it on, with
    each pair of the grid, on both halves of the dev split and on all of it."""
    halves = [{i for i, e in enumerate(scored.rows)
               if int(hashlib.md5(e.text.encode("utf-8")).hexdigest(), 16) % 2 == h} for h in (0, 1)]

    def with_costs(follow: bool, praise: float, other: float) -> Any:
        costs = {q: dict(row) for q, row in pipe.routing.costs.items()}
        costs[Queue.URGENT] |= {Queue.PRAISE: float(praise), Queue.OTHER: float(other)}
        return replace(pipe.routing, queues_follow_tags=follow, costs=costs)

    settings = [(False, 10, 8)]  # model 0.10.0's routing
    settings += [(True, a, b) for a in GRID_PRAISE for b in GRID_OTHER]
    out = []
    for follow, a, b in settings:
        policy = with_costs(follow, a, b)
        out.append({"queues_follow_tags": follow, "urgent_praise": a, "urgent_other": b,
                    "all": scored.route_policy(policy),
                    "halves": [scored.route_policy(policy, subset=h) for h in halves]})
    return out


POSITIVE_SCALES = (1.0, 1.25, 1.5, 2.0)


def positive_scale(scored: Scored) -> dict[str, Any]:
    """The prior shift of the module docstring, on the same scores."""
    from sklearn.metrics import f1_score  # noqa: PLC0415 - benchmark-only import

    rows, results = scored.rows, scored.results
    labels = ("negative", "neutral", "positive")
    y = np.array([labels.index(e.sentiment) for e in rows])
    p = np.array([[r.sentiment.p_negative, r.sentiment.p_neutral, r.sentiment.p_positive] for r in results])
    shown = np.array([labels.index(r.sentiment.label.value) for r in results])
    wrong = (y == 2) & (shown == 0)
    out: dict[str, Any] = {
        "positive_shown_negative": int(wrong.sum()), "positives": int((y == 2).sum()),
        "median_p_positive_of_them": float(np.median(p[wrong, 2])) if wrong.any() else None,
        "median_p_negative_of_them": float(np.median(p[wrong, 0])) if wrong.any() else None, "scales": []}
    for scale in POSITIVE_SCALES:
        pred = (p * np.array([1.0, 1.0, scale])).argmax(axis=1)  # the argmax of the shown probabilities
        out["scales"].append({"scale": scale, "macro_f1": float(f1_score(y, pred, average="macro")),
                              "positive_shown_negative": int(((y == 2) & (pred == 0)).sum()),
                              "negative_shown_positive": int(((y == 0) & (pred == 2)).sum())})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    ap.add_argument("--tiers", default="fast,accurate")
    ap.add_argument("--out", default=str(RESULTS / "routing_gate"), help="results path without extension")
    args = ap.parse_args()
    pipe = load_pipeline(args.model) if args.model else load_pipeline()
    res = {"model": pipe.name, "model_gate": pipe.routing.complaint_needs_negative,
           "date": time.strftime("%Y-%m-%d %H:%M"), "load": list(os.getloadavg()),
           "tiers": {}, "variants": {}, "positive_scale": {}, "cost_grid": {}}
    for t in args.tiers.split(","):
        scored = Scored.of(pipe, Tier(t))
        res["tiers"][t] = sweep(pipe, scored)
        res["variants"][t] = variants(pipe, scored)
        res["positive_scale"][t] = positive_scale(scored)
        res["cost_grid"][t] = cost_grid(pipe, scored)
    lines = ["# Routing gate: complaint evidence needs a negative comment (in-domain dev split)", "",
             f"`python benchmarks/bench_routing_gate.py`; model `{res['model']}` (its gate: "
             f"{res['model_gate']}); {res['date']}.", "",
             "| tier | complaint_needs_negative | happy in urgent | high in urgent | queue accuracy | mean cost |",
             "|---|---|---|---|---|---|"]
    for tier, rows in res["tiers"].items():
        lines += [f"| {tier} | {r['complaint_needs_negative']:g} | {r['happy_in_urgent']:.1%} | {r['high_in_urgent']:.1%} "
                  f"| {r['queue_accuracy']:.3f} | {r['mean_cost']:.3f} |" for r in rows]
    lines += ["", "Other gates, not shipped (with the model's gate; module docstring):", "",
              "| tier | variant | happy in urgent | high in urgent | queue accuracy | mean cost |", "|---|---|---|---|---|---|"]
    for tier, rows in res["variants"].items():
        lines += [f"| {tier} | {r['variant']} | {r['happy_in_urgent']:.1%} | {r['high_in_urgent']:.1%} "
                  f"| {r['queue_accuracy']:.3f} | {r['mean_cost']:.3f} |" for r in rows]
    lines += ["", "P(positive) scaled before the label (argmax of the shown probabilities; the shown label at 1):", "",
              "| tier | scale | sentiment macro-F1 | positive shown negative | negative shown positive |",
              "|---|---|---|---|---|"]
    for tier, ps in res["positive_scale"].items():
        lines += [f"| {tier} | {r['scale']:g} | {r['macro_f1']:.3f} | {r['positive_shown_negative']} "
                  f"| {r['negative_shown_positive']} |" for r in ps["scales"]]
    lines += [""] + [f"{tier}: {ps['positive_shown_negative']} of {ps['positives']} positive comments shown negative; "
                     f"their median P(positive) {ps['median_p_positive_of_them']:.2f}, P(negative) "
                     f"{ps['median_p_negative_of_them']:.2f}." for tier, ps in res["positive_scale"].items()
                     if ps["median_p_positive_of_them"] is not None]
    lines += ["", "Queues that follow the tags and two costs of a false `urgent` (praise right, other right): "
              "happy in urgent / high in the urgent queue (n) / queue accuracy, whole dev split | half 0 | half 1. "
              "The first row of each tier is model 0.10.0's routing (tags not followed, 10 and 8).", "",
              "| tier | follow tags | praise | other | all | half 0 | half 1 |", "|---|---|---|---|---|---|---|"]

    def cell(m: dict[str, Any]) -> str:
        return f"{m['happy_in_urgent']:.1%} / {m['high_in_urgent']:.1%} ({m['high_in_urgent_n']}) / {m['queue_accuracy']:.3f}"

    for tier, grid in res["cost_grid"].items():
        lines += [f"| {tier} | {'on' if g['queues_follow_tags'] else 'off'} | {g['urgent_praise']:g} | {g['urgent_other']:g} "
                  f"| {cell(g['all'])} | {cell(g['halves'][0])} | {cell(g['halves'][1])} |" for g in grid]
    Path(args.out + ".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    Path(args.out + ".json").write_text(json.dumps(res, indent=1), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
