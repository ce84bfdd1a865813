"""A quantized supervised fastText model (``.ftz``) read into arrays for ``_native.FastText``.

Language ID asks two fastText models about every comment; through the ``fasttext`` package each
call costs a ``std::stringstream`` per text, a hash-map lookup per character n-gram (the pruned
n-gram table), a product-quantizer decode per n-gram and a Python ``str`` per label returned. Here
the file is read once with numpy (fastText's own binary layout, version 12), the input rows are
decoded once (``norm * centroid``, the float product fastText computes each time), the pruned
n-gram table becomes a flat array, and ``_native.FastText`` does the rest in one C pass per batch
with the same float operations in the same order, writing the probabilities straight into the
detector's matrix. Tests compare every probability with the ``fasttext`` package's, bit for bit.

Only what the shipped models use is read this way (quantized input, dense output, one-word
n-grams, softmax or hierarchical softmax); :func:`load` returns None for anything else and the
caller keeps the ``fasttext`` package.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import numpy as np

from triage.pipeline.loadcache import LoadCache
from triage.pipeline.text import _native

__all__ = ["NativeFastText", "load"]

_MAGIC, _VERSION = 793712314, 12
_HS, _SOFTMAX, _SUPERVISED = 1, 3, 3
_LABEL = "__label__"


class NativeFastText:
    """A loaded model: its labels, and predictions computed by ``_native.FastText``."""

    def __init__(self, model: Any, labels: list[str]) -> None:
        self._model = model
        self._labels = labels

    def get_labels(self) -> list[str]:
        """The labels (``__label__xx``), in the model's order."""
        return list(self._labels)

    def predict(
        self, texts: list[str], k: int = 1, threshold: float = 0.0
    ) -> tuple[list[list[str]], list[np.ndarray]]:
        """``fasttext``'s ``predict(texts, k, threshold)``: labels and float32 probabilities per
        text, best first."""
        if any("\n" in t for t in texts):
            raise ValueError("predict processes one line at a time (remove '\\n')")
        rows = self._model.predict(list(texts), k, threshold)
        labels = [[self._labels[i] for i, _ in row] for row in rows]
        probs = [np.array([p for _, p in row], dtype=np.float32) for row in rows]
        return labels, probs

    def predict_into(self, texts: list[str], k: int, threshold: float, columns: np.ndarray,
                     out: np.ndarray, top: np.ndarray) -> None:
        """Each text's k best probabilities into ``out[i, columns[label]]`` (float64, zeros
        elsewhere; labels whose column is -1 are skipped) and the best one into ``top[i]``."""
        self._model.predict_into(texts, k, threshold, columns, out, top)


def load(path: Path) -> NativeFastText | None:
    """The model at ``path`` for ``_native.FastText``, or None when it is not one it reads (or the
    compiled module is missing): the caller then loads it with the ``fasttext`` package."""
    if _native is None or not hasattr(_native, "FastText"):  # pragma: no cover - no compiler
        return None
    cache = LoadCache("ftz", [Path(path)])
    found = cache.read()  # the parsed arrays of an earlier load (triage.pipeline.loadcache)
    if found is not None:
        try:
            return _build(*found)
        except (KeyError, ValueError, TypeError):  # an entry that does not fit: parse the file
            cache.discard()
    data = Path(path).read_bytes()
    try:
        parsed = _parse(data)
    except (struct.error, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    model = _build(*parsed)
    cache.write(*parsed)
    return model


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        a = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += a.nbytes
        return a


def _parse(data: bytes) -> tuple[dict[str, np.ndarray], dict[str, Any]] | None:
    """The model's arrays and sizes for :func:`_build`; None when it is not a kind read here."""
    r = _Reader(data)
    magic, version = r.take("ii")
    if magic != _MAGIC or version != _VERSION:
        return None
    dim, _ws, _epoch, _min_count, _neg, word_ngrams, loss, model, bucket, minn, maxn, _ = r.take(
        "12i"
    )
    r.take("d")
    size, nwords, nlabels = r.take("3i")
    _ntokens, prune_size = r.take("2q")
    if (model != _SUPERVISED or loss not in (_HS, _SOFTMAX) or word_ngrams > 1
            or nwords + nlabels != size):
        return None
    entries: list[bytes] = []
    counts: list[int] = []
    types = bytearray()
    data_ = r.data
    for _ in range(size):
        end = data_.index(b"\0", r.pos)
        entries.append(data_[r.pos:end])
        r.pos = end + 1
        count, kind = r.take("qb")
        counts.append(count)
        types.append(kind)
    if any(types[:nwords]) or not all(types[nwords:]):  # words first, then labels
        return None
    prune = None
    if prune_size > 0:  # the n-grams kept: (bucket, index among them) pairs, sorted by bucket
        pairs = r.array("<i4", 2 * prune_size).reshape(-1, 2)
        prune = np.ascontiguousarray(pairs[np.argsort(pairs[:, 0], kind="stable")], dtype=np.int32)
    (quantized,) = r.take("?")
    if not quantized:
        return None
    rows = _dequantized(r, dim)
    (qout,) = r.take("?")
    if qout:
        return None
    m, n = r.take("2q")
    out = r.array("<f4", m * n).reshape(m, n)
    if n != dim or m != nlabels or r.pos != len(data_):
        return None
    left, right = _tree([counts[i] for i in range(nwords, size)]) if loss == _HS else (None, None)
    empty = np.zeros(0, np.int32)
    arrays = {
        "entries": np.frombuffer(b"\0".join(entries), np.uint8),  # each was read up to a "\0"
        "types": np.frombuffer(bytes(types), np.uint8),
        "prune": prune if prune is not None else empty,
        "rows": np.ascontiguousarray(rows, dtype=np.float32),
        "out": np.ascontiguousarray(out, dtype=np.float32),
        "left": left if left is not None else empty,
        "right": right if right is not None else empty,
    }
    meta = {"nwords": nwords, "dim": dim, "minn": minn, "maxn": maxn, "bucket": bucket, "loss": loss,
            "prune": -1 if prune_size < 0 else (0 if prune_size == 0 else 1)}
    return arrays, meta


def _build(arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> NativeFastText:
    """``_native.FastText`` from :func:`_parse`'s arrays (or the load cache's copy of them)."""
    entries = arrays["entries"].tobytes().split(b"\0")
    types = arrays["types"].tobytes()
    if len(entries) != len(types):
        raise ValueError("the entries and their types differ in number")
    nwords = int(meta["nwords"])
    native = _native.FastText(
        entries, types, nwords, int(meta["dim"]), int(meta["minn"]), int(meta["maxn"]), int(meta["bucket"]),
        int(meta["loss"]), int(meta["prune"]), arrays["prune"], arrays["rows"], arrays["out"],
        arrays["left"], arrays["right"],
    )
    labels = [e.decode("utf-8") for e in entries[nwords:]]
    return NativeFastText(native, labels)


def _dequantized(r: _Reader, dim: int) -> np.ndarray:
    """The quantized input matrix as float32 rows: ``norm * centroid`` per coordinate, rounded to
    float32 as fastText's decode rounds it before adding the row."""
    (qnorm,) = r.take("?")
    m, n = r.take("2q")
    (codesize,) = r.take("i")
    codes = r.array(np.uint8, codesize)
    pq_dim, nsubq, dsub, lastdsub = r.take("4i")
    centroids = r.array("<f4", pq_dim * 256)
    if n != dim or pq_dim != dim or codesize != m * nsubq or (nsubq - 1) * dsub + lastdsub != dim:
        raise ValueError("unexpected product quantizer")
    norms = np.ones(m, dtype=np.float32)
    if qnorm:
        norm_codes = r.array(np.uint8, m)
        npq_dim, _, _, _ = r.take("4i")
        norm_centroids = r.array("<f4", npq_dim * 256)
        norms = norm_centroids[norm_codes]
    codes = codes.reshape(m, nsubq)
    rows = np.empty((m, dim), dtype=np.float32)
    for q in range(nsubq):
        d = lastdsub if q == nsubq - 1 else dsub
        start = q * 256 * dsub  # fastText's get_centroids(q, code)
        table = centroids[start:start + 256 * d].reshape(256, d)
        rows[:, q * dsub:q * dsub + d] = norms[:, None] * table[codes[:, q]]
    return rows


def _tree(counts: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The hierarchical softmax's Huffman tree as fastText builds it from the label counts: the
    children of each node (-1 for a leaf, a label)."""
    osz = len(counts)
    count = counts + [10**15] * (osz - 1)
    left = [-1] * (2 * osz - 1)
    right = [-1] * (2 * osz - 1)
    leaf, node = osz - 1, osz
    for i in range(osz, 2 * osz - 1):
        mini = [0, 0]
        for j in range(2):
            if leaf >= 0 and count[leaf] < count[node]:
                mini[j] = leaf
                leaf -= 1
            else:
                mini[j] = node
                node += 1
        left[i], right[i] = mini
        count[i] = count[mini[0]] + count[mini[1]]
    return np.array(left, dtype=np.int32), np.array(right, dtype=np.int32)
