"""Print (or write into datasets/domain/README.md) the per-file table of the team's corpus.

Counts only (rows, split sizes, labels): it reads every row's labels but prints no text, so it is
safe to run after writing new rows without looking at the dev or test part.

    python training/corpus_table.py            # print the table
    python training/corpus_table.py --write    # replace the table in datasets/domain/README.md
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from triage.training.domain import DOMAIN_DIR, PRIORITIES, SENTIMENTS, TAG_NAMES, split_of

HEADER = ("| file | rows | (re-labelled seed) | train / dev / test | high / normal / low "
          "| negative / neutral / positive | question | complaint | spam | praise | abuse | no tag |")
TAG_ORDER = ("question", "complaint", "spam", "praise", "abuse")


def _counts(rows: list[dict]) -> Counter:
    c: Counter = Counter()
    for r in rows:
        c["rows"] += 1
        c["seed"] += r["source"] == "triage-seed"
        c[split_of(r["text"])] += 1
        c[r["priority"]] += 1
        c[r["sentiment"]] += 1
        for t in r["tags"]:
            c[t] += 1
        c["none"] += not r["tags"]
    return c


def _line(name: str, c: Counter, bold: bool = False) -> str:
    b = "**" if bold else ""
    return (f"| {b}{name}{b} | {b}{c['rows']}{b} | {c['seed']} | {c['train']} / {c['dev']} / {c['test']} "
            f"| {' / '.join(str(c[p]) for p in PRIORITIES)} | {' / '.join(str(c[s]) for s in SENTIMENTS)} | "
            + " | ".join(str(c[t]) for t in TAG_ORDER) + f" | {c['none']} |")


def table(directory: Path = DOMAIN_DIR) -> str:
    assert set(TAG_ORDER) == set(TAG_NAMES)
    lines = [HEADER, "|---" * 12 + "|"]
    total: Counter = Counter()
    for path in sorted(directory.glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        c = _counts(rows)
        total.update(c)
        lines.append(_line(path.name, c))
    lines.append(_line("all", total, bold=True))
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--write", action="store_true", help="replace the table in datasets/domain/README.md")
    args = ap.parse_args()
    text = table()
    if not args.write:
        print(text)
        return 0
    readme = DOMAIN_DIR / "README.md"
    old = readme.read_text(encoding="utf-8").splitlines()
    start = next((i for i, line in enumerate(old) if line.startswith("| file | rows |")), None)
    if start is None:
        print(f"error: {readme}: no table starting with '| file | rows |'", file=sys.stderr)
        return 1
    end = start
    while end < len(old) and old[end].startswith("|"):
        end += 1
    readme.write_text("\n".join(old[:start] + text.splitlines() + old[end:]) + "\n", encoding="utf-8")
    print(f"wrote the table of {readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
