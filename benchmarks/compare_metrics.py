"""Two builds' public dev figures side by side: the ``metrics.json`` that ``training/build_default.py``
writes into each model folder (whole public dev sets for sentiment, 250-row samples for the tags).

    git show b5864b6:models/triage-default/metrics.json > /tmp/old_metrics.json   # e.g. 0.9.1
    python benchmarks/compare_metrics.py /tmp/old_metrics.json models/triage-default/metrics.json

Prints, per tier, the change in points of every sentiment set (the label users see: accuracy on
two-class sets, macro-F1 on three-class sets) and of every tag set's F1, with the mean per task.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def set_score(r: dict[str, Any]) -> float | None:
    """The figure a sentiment set is judged by: accuracy on two-class sets, else macro-F1."""
    return r.get("accuracy") if r.get("classes") == 2 else r.get("macro_f1")


def deltas(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[tuple[str, float]]]:
    """Points gained per set (in-domain rows left out: ``bench_judgement.py`` reports them),
    grouped by task (``sentiment`` and each tag), sorted from the largest loss."""
    out: dict[str, list[tuple[str, float]]] = {"sentiment": []}
    for name, r in old["sentiment"].items():
        n = new["sentiment"].get(name)
        if isinstance(r, dict) and isinstance(n, dict) and "domain" not in name:
            a, b = set_score(r), set_score(n)
            if a is not None and b is not None:
                out["sentiment"].append((name, 100 * (b - a)))
    for tag, sets in old["tags"].items():
        for name, r in sets.items():
            n = new["tags"].get(tag, {}).get(name)
            if isinstance(r, dict) and isinstance(n, dict) and "f1" in r and "f1" in n and "domain" not in name:
                out.setdefault(tag, []).append((name, 100 * (n["f1"] - r["f1"])))
    return {task: sorted(rows, key=lambda x: x[1]) for task, rows in out.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old", type=Path, help="metrics.json of the build before")
    parser.add_argument("new", type=Path, help="metrics.json of the build after")
    args = parser.parse_args()
    try:
        old, new = (json.loads(p.read_text(encoding="utf-8"))["tiers"] for p in (args.old, args.new))
    except (OSError, ValueError, KeyError) as exc:
        print(f"error: {exc} (expected two metrics.json files of training/build_default.py)", file=sys.stderr)  # noqa: T201
        return 1
    for tier in ("fast", "accurate"):
        if tier not in old or tier not in new:
            continue
        print(f"### {tier} tier\n\n| task | sets | mean change (points) | per set |\n|---|---|---|---|")  # noqa: T201
        for task, rows in deltas(old[tier], new[tier]).items():
            if rows:
                mean = sum(d for _, d in rows) / len(rows)
                cells = ", ".join(f"{name} {d:+.1f}" for name, d in rows)
                print(f"| {task} | {len(rows)} | {mean:+.1f} | {cells} |")  # noqa: T201
        print()  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
