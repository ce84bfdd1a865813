"""The label shares of each corpus batch since the tenth, against the rows before it.

A batch whose shares lean far from the corpus's moves a head's prior, not only its boundary (the
seventeenth batch, 63% complaints, cost a build 1.2 points of complaint F1; docs/model.md). This
prints, per batch, the share of rows with each tag, with no tag, and with priority ``high``, so a
balancing batch can be planned. Counts only: it prints no text, so it is safe to run without
looking at the dev or test part.

    python training/batch_shares.py
    python training/batch_shares.py --help

A batch is the rows whose text entered ``datasets/domain`` between two git revisions (the ones
``benchmarks/bench_judgement.py --new-since`` reports each batch's test rows by); the labels are
today's (corrections included).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from triage.training.domain import DOMAIN_DIR, read_rows

ROOT = Path(__file__).resolve().parent.parent
TAGS = ("complaint", "question", "praise", "spam", "abuse")

#: (batch, the revision before it, the revision with it); "HEAD": the working tree's corpus
BATCHES = (
    ("10", "51196d1", "810bd61"), ("11", "810bd61", "91ebd8e"), ("12", "91ebd8e", "1b8d70b"),
    ("13", "1b8d70b", "c69479f"), ("14", "c69479f", "5f29d38"), ("15", "5f29d38", "316ed14"),
    ("16", "316ed14", "303a92b"), ("17", "303a92b", "d5885e0"), ("18", "d5885e0", "eec2dfa"), ("19", "eec2dfa", "HEAD"),
)


def texts_at(rev: str) -> frozenset[str]:
    """Every text of ``datasets/domain/*.jsonl`` at git revision ``rev``."""
    try:
        names = subprocess.run(["git", "ls-tree", "--name-only", f"{rev}:datasets/domain"], cwd=ROOT,
                               check=True, capture_output=True, text=True).stdout.split()
    except (OSError, subprocess.CalledProcessError) as exc:
        raise SystemExit(f"{rev}: cannot read datasets/domain at that revision (a git clone is needed): {exc}") from exc
    out: set[str] = set()
    for name in names:
        if name.endswith(".jsonl"):
            blob = subprocess.run(["git", "show", f"{rev}:datasets/domain/{name}"], cwd=ROOT, check=True,
                                  capture_output=True, text=True).stdout
            out.update(json.loads(line)["text"] for line in blob.splitlines() if line.strip())
    return frozenset(out)


def shares(rows: list[dict]) -> dict[str, float]:
    """Share of ``rows`` with each tag, with none, and with priority ``high``.

    >>> shares([{"tags": ["complaint"], "priority": "high"}, {"tags": [], "priority": "low"}])
    {'complaint': 0.5, 'question': 0.0, 'praise': 0.0, 'spam': 0.0, 'abuse': 0.0, 'no tag': 0.5, 'high': 0.5}
    """
    n = len(rows)
    c = Counter(t for r in rows for t in r["tags"])
    out = {t: c[t] / n for t in TAGS}
    out["no tag"] = sum(not r["tags"] for r in rows) / n
    out["high"] = sum(r["priority"] == "high" for r in rows) / n
    return out


def table(groups: list[tuple[str, list[dict]]]) -> str:
    cols = (*TAGS, "no tag", "high")
    lines = ["| batch | rows | " + " | ".join(cols) + " |", "|---|---|" + "---|" * len(cols)]
    for name, rows in groups:
        if rows:
            s = shares(rows)
            lines.append(f"| {name} | {len(rows):,} | " + " | ".join(f"{100 * s[c]:.0f}%" for c in cols) + " |")
    return "\n".join(lines)


def main() -> int:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    rows = [r for _, _, r in read_rows(DOMAIN_DIR)]
    first = texts_at(BATCHES[0][1])
    groups = [(f"before {BATCHES[0][0]}", [r for r in rows if r["text"] in first])]
    later: list[dict] = []
    for name, before, with_it in BATCHES:
        old = texts_at(before)
        new = {r["text"] for r in rows} if with_it == "HEAD" else texts_at(with_it)
        batch = [r for r in rows if r["text"] in new and r["text"] not in old]
        groups.append((name, batch))
        later += batch
    groups.append((f"{BATCHES[0][0]}-{BATCHES[-1][0]} together", later))
    groups.append(("all", rows))
    print(table(groups))
    return 0


if __name__ == "__main__":
    sys.exit(main())
