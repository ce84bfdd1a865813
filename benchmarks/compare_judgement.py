"""Side by side: two runs of ``bench_judgement.py`` (e.g. the model before and after a change) on
the same in-domain rows.

    python benchmarks/bench_judgement.py --model OLD --skip-public --out /tmp/before
    python benchmarks/bench_judgement.py --model NEW --skip-public --out /tmp/after
    python benchmarks/compare_judgement.py /tmp/before/judgement.json /tmp/after/judgement.json

Prints a markdown table per tier (overall figures, ``before -> after``) and the abuse F1 of the
core languages; refuses two runs on different splits or rows.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROWS = (
    ("urgent recall @20%", "urgent_recall_top20"),
    ("real comments in spam", "real_in_spam"),
    ("happy customers in urgent", "happy_in_urgent"),
    ("urgent queue share", "urgent_queue_share"),
    ("queue accuracy", "queue_accuracy"),
    ("sentiment macro-F1", "sentiment_macro_f1"),
)
PERCENT = {"real_in_spam", "happy_in_urgent", "urgent_queue_share"}
CORE = ("en", "vi", "ro", "ar", "fa")


def _fmt(key: str, x: float | None) -> str:
    if x is None:
        return "–"
    return f"{100 * x:.1f}%" if key in PERCENT else f"{x:.3f}"


def compare(before: dict[str, Any], after: dict[str, Any]) -> str:
    if before["split"] != after["split"]:
        raise SystemExit(f"the runs are on different splits: {before['split']} vs {after['split']}")
    out = [f"Before: `{before['model']}` ({before['date']}); after: `{after['model']}` ({after['date']}); "
           f"in-domain {after['split']} split.", ""]
    for tier in after["domain"]:
        if tier not in before["domain"]:
            continue
        b, a = before["domain"][tier], after["domain"][tier]
        if b["all"]["n"] != a["all"]["n"] or b["all"]["high"] != a["all"]["high"]:
            raise SystemExit(f"{tier}: the runs scored different rows ({b['all']['n']} vs {a['all']['n']})")
        out += [f"### {tier} tier ({a['all']['n']} rows, {a['all']['high']} high; recall ceiling "
                f"{a['all']['urgent_recall_ceiling']:.3f})", "", "| figure | before | after |", "|---|---|---|"]
        for label, key in ROWS:
            out.append(f"| {label} | {_fmt(key, b['all'][key])} | {_fmt(key, a['all'][key])} |")
        for tag in a["all"]["tags"]:
            out.append(f"| {tag} F1 | {_fmt('', b['all']['tags'].get(tag))} | {_fmt('', a['all']['tags'][tag])} |")
        for key, label in (("fair_complaints_tagged_abuse", "fair complaints tagged abuse"),
                           ("near_miss_praise_tagged_abuse", "praise with a swear word tagged abuse")):
            out.append(f"| {label} | {_fmt('happy_in_urgent', b['all'].get(key))} | {_fmt('happy_in_urgent', a['all'].get(key))} |")
        for key, label in (("queue_precision", "queue: share the labels put there (of n)"),
                           ("queue_recall", "comments: share that reach that queue (of n)")):
            for queue in ("urgent", "questions", "praise", "abuse", "spam", "other"):
                held = [run["all"].get(key, {}).get(queue) for run in (b, a)]
                if any(held):
                    out.append(f"| `{queue}` {label} | "
                               + " | ".join("–" if h is None else f"{100 * h[0]:.1f}% ({h[1]})" for h in held) + " |")
        for queue in ("questions", "praise", "abuse", "spam"):
            held = [run["all"].get("queue_without_tag", {}).get(queue, (0, 0)) for run in (b, a)]
            if all("queue_without_tag" in run["all"] for run in (b, a)):  # runs from before it: no row
                out.append(f"| `{queue}` queue: comments without the tag (of them, right there) | "
                           + " | ".join(f"{k} ({r})" for k, r in held) + " |")
        core = [lang for lang in CORE if lang in a]
        out.append("| abuse F1, " + " / ".join(core) + " | "
                   + " / ".join(_fmt("", b[lang]["tags"].get("abuse")) for lang in core) + " | "
                   + " / ".join(_fmt("", a[lang]["tags"].get("abuse")) for lang in core) + " |")
        out.append("")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path, help="judgement.json of the first run")
    parser.add_argument("after", type=Path, help="judgement.json of the second run")
    args = parser.parse_args()
    runs = [json.loads(p.read_text(encoding="utf-8")) for p in (args.before, args.after)]
    sys.stdout.write(compare(*runs) + "\n")


if __name__ == "__main__":
    main()
