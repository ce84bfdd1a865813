"""Which new corpus rows paraphrase a row of the corpus's dev or test part (before they are added).

    python training/leak_check.py NEW.jsonl [NEW2.jsonl ...]            # report
    python training/leak_check.py NEW.jsonl ... --drop-train-leaks      # also rewrite the files
    python training/leak_check.py --help

The corpus is split by a hash of each text (``triage.training.domain.split_of``), so a new row
that retells a dev or test comment in other words, or in another language, lands in train and
lifts the in-domain figures without making the model any better on comments other people write
(``benchmarks/bench_neighbours.py``: dev rows with a close train paraphrase score 7-10 points
higher). A writer who reads the corpus for its format, or a brief whose examples were taken from
what the model got wrong on dev, produces such rows. This check compares every new row that
would land in **train** with every existing dev and test row by two measures:

character 3-5-gram cosine (same language) and the multilingual e5 ratio margin (any language),
both in ``triage.training.leakage``, whose docstring explains them.

A train row over either line (``--char-line``, ``--e5-line``) is a leak, and so is one whose e5
margin to a row of ``--quoted FILE`` (JSONL with ``text``: the dev rows a brief quoted or retold
as examples) reaches ``--quoted-line``, a lower line: a writer works from the brief's example; with
``--drop-train-leaks`` it is removed from its file (new rows that land in dev or test are kept:
they add evaluation rows, not training signal). The report lists each leak with its nearest
dev/test row. Read-only on the corpus.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from triage.training.domain import domain_examples, split_of
from triage.training.leakage import CHAR_LINE, E5_LINE, QUOTED_LINE, is_leak, nearest


def _read(path: Path) -> list[dict]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise SystemExit(f"{path}:{number}: not JSON: {exc}") from exc
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path, help="JSONL files of new corpus rows")
    parser.add_argument("--char-line", type=float, default=CHAR_LINE,
                        help="character 3-5-gram cosine from which a train row is a leak (default %(default)s)")
    parser.add_argument("--e5-line", type=float, default=E5_LINE,
                        help="e5 margin from which a train row is a leak (default %(default)s)")
    parser.add_argument("--quoted", type=Path, help="JSONL of the dev/test texts the writers' brief quoted or retold")
    parser.add_argument("--quoted-line", type=float, default=QUOTED_LINE,
                        help="e5 margin to a --quoted text from which a train row is a leak (default %(default)s)")
    parser.add_argument("--drop-train-leaks", action="store_true", help="remove the leaks from their files")
    args = parser.parse_args(argv)

    held = [(e.text, e.lang) for e in domain_examples(parts=("dev", "test"))]
    new: list[tuple[Path, int, dict]] = []
    for path in args.files:
        new += [(path, i, row) for i, row in enumerate(_read(path))]
    train = [(p, i, r) for p, i, r in new if split_of(r["text"]) == "train"]
    print(f"{len(new)} new rows, {len(train)} would land in train; {len(held)} dev/test rows", file=sys.stderr)
    if not train:
        return 0
    quoted = [r["text"] for r in _read(args.quoted)] if args.quoted else []
    found = nearest([(r["text"], r["lang"]) for _, _, r in train], held, quoted)

    leaks = set()
    for k, ((path, _, row), near) in enumerate(zip(train, found, strict=True)):
        if is_leak(near, args.char_line, args.e5_line, args.quoted_line):
            leaks.add(k)
            text = (near.char_text if near.char >= args.char_line
                    else near.e5_text if near.e5 >= args.e5_line else near.quoted_text)
            print(f"{path.name} {row['id']}: char {near.char:.2f}, e5 margin {near.e5:.3f}, "
                  f"quoted margin {near.quoted:.3f}\n    new:  {row['text'][:140]}\n"
                  f"    near: [{split_of(text)}] {text[:140]}")
    margins = np.array([near.e5 for near in found])
    print(f"{len(leaks)} of {len(train)} train rows over the lines (char >= {args.char_line}, "
          f"e5 >= {args.e5_line}, quoted >= {args.quoted_line if quoted else '-'}); e5 margin to the nearest: "
          f"median {np.median(margins):.3f}, 95th pct {np.percentile(margins, 95):.3f}")
    if args.drop_train_leaks and leaks:
        drop = {(train[k][0], train[k][1]) for k in leaks}
        for path in args.files:
            rows = _read(path)
            kept = [r for i, r in enumerate(rows) if (path, i) not in drop]
            path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept), encoding="utf-8")
            print(f"{path}: {len(rows) - len(kept)} dropped, {len(kept)} kept", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
