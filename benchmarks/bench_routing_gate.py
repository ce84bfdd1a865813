"""How the ``[routing] complaint_needs_negative`` gate trades happy customers in ``urgent`` against
urgent comments kept there (docs/model.md, "A complaint is negative").

Scores the in-domain dev split once per tier with the model's heads, then routes the same scores
with each gate value (0 = off) and reports, per value: happy customers (positive, no complaint) in
``urgent``, ``high`` comments in ``urgent``, queue accuracy and the mean cost of the chosen queue
under the model's ``[routing.costs]``. Dev split only: the test part is for the final note.

    python benchmarks/bench_routing_gate.py            # writes benchmarks/results/routing_gate.md/json
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

from triage import Comment
from triage.pipeline import load_pipeline
from triage.pipeline.ranking import expected_costs, queue_probabilities
from triage.training.domain import domain_examples, true_queue
from triage.types import Queue, Tier

RESULTS = Path(__file__).parent / "results"
GATES = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7)


def sweep(pipe, tier: Tier) -> list[dict[str, float]]:
    rows = domain_examples(parts=("dev",))
    results = pipe.score_batch([Comment(e.text) for e in rows], tier)
    right = [Queue(true_queue(e.tags, e.priority)) for e in rows]
    happy = [i for i, e in enumerate(rows) if e.sentiment == "positive" and "complaint" not in e.tags]
    high = [i for i, e in enumerate(rows) if e.priority == "high"]
    costs = pipe.routing.costs
    out = []
    for gate in GATES:
        chosen = []
        for r in results:
            ec = expected_costs(queue_probabilities(r.tags, r.urgency, r.sentiment.p_negative, gate), costs)
            chosen.append(min(ec, key=lambda q, ec=ec: (ec[q], list(Queue).index(q))))
        out.append({
            "complaint_needs_negative": gate,
            "happy_in_urgent": float(np.mean([chosen[i] is Queue.URGENT for i in happy])),
            "high_in_urgent": float(np.mean([chosen[i] is Queue.URGENT for i in high])),
            "queue_accuracy": float(np.mean([c is t for c, t in zip(chosen, right, strict=True)])),
            "mean_cost": float(np.mean([costs[c][t] for c, t in zip(chosen, right, strict=True)])),
        })
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
           "tiers": {t: sweep(pipe, Tier(t)) for t in args.tiers.split(",")}}
    lines = ["# Routing gate: complaint evidence needs a negative comment (in-domain dev split)", "",
             f"`python benchmarks/bench_routing_gate.py`; model `{res['model']}` (its gate: "
             f"{res['model_gate']}); {res['date']}.", "",
             "| tier | complaint_needs_negative | happy in urgent | high in urgent | queue accuracy | mean cost |",
             "|---|---|---|---|---|---|"]
    for tier, rows in res["tiers"].items():
        lines += [f"| {tier} | {r['complaint_needs_negative']:g} | {r['happy_in_urgent']:.1%} | {r['high_in_urgent']:.1%} "
                  f"| {r['queue_accuracy']:.3f} | {r['mean_cost']:.3f} |" for r in rows]
    Path(args.out + ".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    Path(args.out + ".json").write_text(json.dumps(res, indent=1), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
