"""How consistently docs/labelling.md can be applied: the corpus's labels against a blind re-labelling.

    python training/label_agreement.py                      # every file in datasets/domain/agreement
    python training/label_agreement.py --write              # and benchmarks/results/label_agreement.md
    python training/label_agreement.py --show-disagreements
    python training/label_agreement.py --help

A reviewer labels a sample of corpus rows from the rule book alone, without seeing the writers'
labels (``datasets/domain/agreement/*.jsonl``: one row per comment with ``id``, ``sentiment``,
``tags``, ``priority`` and ``unsure``). This script joins them to the corpus by id and reports, per
field, the share of rows where writer and reviewer agree and Cohen's kappa (agreement beyond what
the two label distributions give by chance): sentiment, each tag, priority, the queue the labels
call for (``triage.training.domain.true_queue``) and all fields at once. Rows the reviewer marked
``unsure`` are counted, and reported apart.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from sklearn.metrics import cohen_kappa_score

from triage.errors import InputFormatError
from triage.training.domain import DOMAIN_DIR, read_rows, true_queue

ROOT = Path(__file__).resolve().parent.parent

AGREEMENT_DIR = DOMAIN_DIR / "agreement"
RESULTS = ROOT / "benchmarks" / "results" / "label_agreement.md"
TAGS = ("question", "complaint", "spam", "praise", "abuse")


def read_reviews(directory: Path) -> list[dict[str, Any]]:
    """Every reviewed row of every ``*.jsonl`` in ``directory`` (file and line on a bad row)."""
    out = []
    for path in sorted(directory.glob("*.jsonl")):
        for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputFormatError(f"not JSON: {exc.msg}", path=str(path), line=line_no) from exc
            missing = {"id", "sentiment", "tags", "priority"} - set(row)
            if missing:
                raise InputFormatError(f"missing field(s) {sorted(missing)}", path=str(path), line=line_no)
            out.append({**row, "_file": path.name})
    return out


def fields(row: dict[str, Any]) -> dict[str, str]:
    """The compared fields of one labelled row, as strings."""
    tags = set(row["tags"])
    out = {"sentiment": row["sentiment"], "priority": row["priority"]}
    out.update({tag: str(tag in tags) for tag in TAGS})
    out["queue"] = str(true_queue(frozenset(tags), row["priority"]))
    out["all fields"] = json.dumps([row["sentiment"], sorted(tags), row["priority"]])
    return out


def agreement(pairs: list[tuple[dict[str, str], dict[str, str]]]) -> dict[str, tuple[float, float]]:
    """Per field: (share agreeing, Cohen's kappa)."""
    out = {}
    for name in pairs[0][0]:
        a = [w[name] for w, _ in pairs]
        b = [r[name] for _, r in pairs]
        share = sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
        kappa = cohen_kappa_score(a, b) if len(set(a) | set(b)) > 1 else 1.0
        out[name] = (share, float(kappa))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=AGREEMENT_DIR, help="reviewed rows (default: %(default)s)")
    parser.add_argument("--write", action="store_true", help=f"also write {RESULTS.relative_to(ROOT)}")
    parser.add_argument("--show-disagreements", action="store_true", help="print each row where the labels differ")
    args = parser.parse_args()
    corpus = {r["id"]: r for _, _, r in read_rows()}
    reviews = read_reviews(args.dir)
    if not reviews:
        raise SystemExit(f"no reviewed rows in {args.dir}")
    unknown = [r["id"] for r in reviews if r["id"] not in corpus]
    if unknown:
        raise SystemExit(f"reviewed ids not in the corpus: {unknown[:5]}")
    pairs = [(fields(corpus[r["id"]]), fields(r)) for r in reviews]
    sure = [p for p, r in zip(pairs, reviews, strict=True) if not r.get("unsure")]
    langs = sorted({corpus[r["id"]]["lang"] for r in reviews})
    lines = ["# Label agreement: the corpus against a blind re-labelling", "",
             f"`python training/label_agreement.py`; {len(reviews)} rows reviewed "
             f"({', '.join(sorted({r['_file'] for r in reviews}))}), languages {', '.join(langs)}; "
             f"the reviewer marked {len(reviews) - len(sure)} unsure. Method: the script's docstring.", "",
             "| field | agree (all rows) | kappa | agree (reviewer sure) | kappa |", "|---|---|---|---|---|"]
    every, certain = agreement(pairs), agreement(sure) if sure else {}
    for name, (share, kappa) in every.items():
        s2, k2 = certain.get(name, (float("nan"), float("nan")))
        lines.append(f"| {name} | {share:.1%} | {kappa:.2f} | {s2:.1%} | {k2:.2f} |")
    print("\n".join(lines))
    if args.show_disagreements:
        for (w, r), rev in zip(pairs, reviews, strict=True):
            if w["all fields"] != r["all fields"]:
                row = corpus[rev["id"]]
                print(f"\n{rev['id']} ({row['lang']}){' unsure' if rev.get('unsure') else ''}: {row['text']}\n"
                      f"  writer   {w['all fields']}\n  reviewer {r['all fields']}")
    if args.write:
        RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
