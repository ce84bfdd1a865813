"""The README's in-domain judgement table, from the last ``bench_judgement.py`` runs.

    python benchmarks/bench_judgement.py --accurate-public-cap 150               # dev
    python benchmarks/bench_judgement.py --split test --accurate-public-cap 150  # test, at the end
    python benchmarks/readme_judgement_table.py                                  # prints the table

Reads ``benchmarks/results/judgement.json`` (dev) and ``judgement_test.json`` (test) and prints
the markdown table of the README's "What a moderator sees" (both tiers, both splits).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
TAGS = ("question", "complaint", "spam", "praise", "abuse")


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def tag_f1(tag: str) -> Callable[[dict[str, Any]], str]:
    return lambda a: f"{a['tags'][tag]:.3f}"


ROWS: list[tuple[str, str, Callable[[dict[str, Any]], str]]] = [
    ("urgent (`high`) recall in the top 20% of the ranking (best possible)", "≥ 0.90",
     lambda a: f"{a['urgent_recall_top20']:.3f} ({a['urgent_recall_ceiling']:.3f})"),
    ("real comments (not spam) in the spam queue (of them complaints)", "≤ 0.5%, none",
     lambda a: f"{pct(a['real_in_spam'])} ({a['complaints_in_spam']})"),
    ("happy customers in `urgent`", "≤ 3%", lambda a: pct(a["happy_in_urgent"])),
    ("share of comments in `urgent` (labels: ~37%)", "", lambda a: pct(a["urgent_queue_share"])),
    ("queue accuracy (the queue the labels call for)", "", lambda a: f"{a['queue_accuracy']:.3f}"),
    ("the `questions` queue: share of it the labels put there", "",
     lambda a: pct(a["queue_precision"]["questions"][0])),
    ("sentiment macro-F1 (shown label)", "≥ 0.80", lambda a: f"{a['sentiment_macro_f1']:.3f}"),
    *[(f"{tag} F1", "≥ 0.85", tag_f1(tag)) for tag in TAGS],
    ("fair complaints tagged abuse (#15)", "≤ 2%", lambda a: pct(a["fair_complaints_tagged_abuse"])),
    ("praise with a swear word tagged abuse (#15)", "≤ 5%", lambda a: pct(a["near_miss_praise_tagged_abuse"])),
]


def table(dev: dict[str, Any], test: dict[str, Any]) -> list[str]:
    cols = [dev["fast"]["all"], dev["accurate"]["all"], test["fast"]["all"], test["accurate"]["all"]]
    lines = ["| in-domain (team's corpus) | target | fast, dev | accurate, dev | fast, test | accurate, test |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {name} | {target} | " + " | ".join(cell(c) for c in cols) + " |" for name, target, cell in ROWS]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", type=Path, default=RESULTS, help="results folder (default: %(default)s)")
    args = parser.parse_args()
    runs = {}
    for name in ("judgement.json", "judgement_test.json"):
        path = args.results / name
        try:
            runs[name] = json.loads(path.read_text(encoding="utf-8"))["domain"]
        except (OSError, ValueError, KeyError) as exc:
            print(f"error: {path}: {exc} (run benchmarks/bench_judgement.py first)", file=sys.stderr)  # noqa: T201
            return 1
    print("\n".join(table(runs["judgement.json"], runs["judgement_test.json"])))  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
