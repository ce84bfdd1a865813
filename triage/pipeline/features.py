"""Features of the fast tier, computed once per batch and shared by every head.

* character n-grams (1-4, within word boundaries) and word uni/bi-grams, TF-IDF weighted, of the
  folded text: they carry each language's vocabulary, typos and missing diacritics;
* a few dense cues that mean the same in every language: question marks (``?`` and ``؟``), cue
  words of :mod:`triage.pipeline.lexicon`, links, phone numbers, mentions, emoji, shouting, length.

Saved as plain JSON (vocabularies) and ``.npz`` (IDF weights), so loading a model runs no code
from the model files.

``fit`` is scikit-learn's. ``transform`` runs the compiled featurizer of
:mod:`triage.pipeline._native` (``_native.c``): the very n-grams, counts, sublinear TF, IDF and L2
norms scikit-learn's ``TfidfVectorizer.transform`` computes, with the same float32 roundings, in
one pass per text instead of a Python object per n-gram (``tests/unit/test_native.py`` compares
the two on awkward multilingual text). :meth:`Featurizer.transform_reference` is the
scikit-learn path, kept as the tests' reference and as the fallback when the module is not built.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from triage.pipeline.lexicon import CueMatcher
from triage.pipeline.text import _fold, _native, fold, normalize

if TYPE_CHECKING:  # scikit-learn is imported when fitting or by the reference path only; scipy
    # when a scipy matrix is asked for (scoring multiplies the CSR arrays in _native)
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["CUE_FEATURES", "Featurizer", "SparseRows", "cue_features", "cue_features_reference"]

_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\U0001f1e6-\U0001f1ff]")
_ELONGATED = re.compile(r"(\w)\1{2,}")
_WORD_PATTERN = r"(?u)\b\w+\b|[?؟!]"

_WORD_TOKEN = re.compile(_WORD_PATTERN)


def as_written(terms: Sequence[str], text: str) -> tuple[str, ...]:
    """Word n-grams of the folded text (what the featurizer's vocabulary holds) as the writer
    spelled them in ``text``: each one's first run of words that folds to it, else the term; no
    repeats. A moderator reads "10 ngày" and "وين", not the fold's "0 ngày" and "وین".

    >>> as_written(["0 ngày", "giao"], "Đặt hàng 10 ngày rồi mà chưa thấy giao")
    ('10 ngày', 'giao')
    >>> as_written(["my refund", "refund"], "Where is My Refund??")
    ('My Refund', 'Refund')
    >>> as_written(["user"], "@anna thanks")  # a masked entity: no word of the text folds to it
    ('user',)
    >>> as_written(["mi ați"], "Mi-ați luat banii")  # the stretch, with what joins its words
    ('Mi-ați',)
    """
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    folded: list[str] | None = None
    for term in terms:
        if term in text and not any(c.isdigit() for c in term):
            out.append(term)  # written so (the common case): the fold changed nothing in it
            continue
        if folded is None:  # tokenized and folded once, only for a text that needs it
            found = list(_WORD_TOKEN.finditer(text))
            spans = [m.span() for m in found]
            folded = [_fold(m.group()) for m in found]  # uncached: single words would crowd fold()'s cache
        want = term.split(" ")
        n = len(want)
        out.append(next((text[spans[i][0]:spans[i + n - 1][1]] for i in range(len(spans) - n + 1)
                         if folded[i:i + n] == want), term))
    return tuple(dict.fromkeys(out))


CUE_FEATURES = (
    "question_mark",
    "ends_with_question_mark",
    "question_cue",
    "complaint_cue",
    "praise_cue",
    "spam_cue",
    "url",
    "phone",
    "email",
    "mention",
    "exclamation",
    "emoji",
    "uppercase_ratio",
    "elongation",
    "log_length",
    "no_letters",
)


#: the tags of the four cue-word columns, in CUE_FEATURES order
_CUE_TAGS = ("question", "complaint", "praise", "spam")


def cue_features(raw: Sequence[str], folded: Sequence[str], cues: CueMatcher) -> np.ndarray:
    """Dense cue matrix (n, len(CUE_FEATURES)), each column scaled to about [0, 1].

    ``raw``: the normalized texts, ``folded``: their :func:`~triage.pipeline.text.fold`. Exactly
    :func:`cue_features_reference`, computed by the compiled module.
    """
    if _native is None:  # pragma: no cover
        return cue_features_reference(raw, folded, cues)
    data = _native.cue_matrix(cues.native(_CUE_TAGS), list(raw), list(folded))
    return np.frombuffer(data, dtype=np.float32).reshape(len(raw), len(CUE_FEATURES))


def cue_features_reference(raw: Sequence[str], folded: Sequence[str], cues: CueMatcher) -> np.ndarray:
    """:func:`cue_features` in Python (tests compare the two)."""
    out = np.zeros((len(raw), len(CUE_FEATURES)), dtype=np.float32)
    for i, (text, low) in enumerate(zip(raw, folded, strict=True)):
        qm = low.count("?") + low.count("؟")
        tokens = cues.tokens(low)
        letters = sum(map(str.isalpha, text))
        upper = sum(map(str.isupper, text))
        out[i] = (
            min(qm, 3) / 3,
            float(low.rstrip(" !.)").endswith(("?", "؟"))),
            min(cues.count("question", tokens, low), 3) / 3,
            min(cues.count("complaint", tokens, low), 3) / 3,
            min(cues.count("praise", tokens, low), 3) / 3,
            min(cues.count("spam", tokens, low), 3) / 3,
            min(low.count("httpurl"), 2) / 2,
            float("phonenum" in low),
            float("emailaddr" in low),
            min(low.count("@user"), 3) / 3,
            min(low.count("!"), 3) / 3,
            min(len(_EMOJI.findall(text)), 5) / 5,
            upper / letters if letters >= 4 else 0.0,
            float(bool(_ELONGATED.search(text))),
            min(math.log1p(len(text)) / 7, 1.0),
            float(letters == 0),
        )
    return out


def _char_vectorizer(vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415 - 0.6 s, fit only

    return TfidfVectorizer(
        analyzer="char_wb", ngram_range=(1, 4), lowercase=False, sublinear_tf=True, dtype=np.float32,
        min_df=3, max_features=400_000, vocabulary=vocabulary,
    )


def _word_vectorizer(vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415 - 0.6 s, fit only

    return TfidfVectorizer(
        analyzer="word", ngram_range=(1, 2), lowercase=False, sublinear_tf=True, dtype=np.float32,
        min_df=2, max_features=200_000, token_pattern=_WORD_PATTERN, vocabulary=vocabulary,
    )


@dataclass
class _Fitted:
    """What ``transform`` needs: the terms of each block (term -> column, or the terms in column
    order, as ``vocab.json`` holds them: the other form is made when asked for) and the IDF weights."""

    char_idf: np.ndarray
    word_idf: np.ndarray
    _char_vocab: dict[str, int] | None = None
    _word_vocab: dict[str, int] | None = None
    _char_terms: list[str] | None = None
    _word_terms: list[str] | None = None
    #: loaded from the load cache: where the terms are (read when asked for), and the word terms
    #: "\0"-joined in UTF-8 when the cache held them
    _terms_at: Path | None = None
    _word_terms_blob: np.ndarray | None = None

    def _read_terms(self) -> None:
        """The terms of both blocks, read when a loaded-from-cache featurizer is asked for them."""
        assert self._terms_at is not None
        vocab = _read_vocab(self._terms_at)
        if [len(vocab["char"]), len(vocab["word"])] != [len(self.char_idf), len(self.word_idf)]:
            raise ValueError(f"{self._terms_at} changed since the model was loaded")
        self._char_terms, self._word_terms = vocab["char"], vocab["word"]

    @property
    def char_vocab(self) -> dict[str, int]:
        if self._char_vocab is None:
            self._char_vocab = {t: i for i, t in enumerate(self.char_terms)}
        return self._char_vocab

    @property
    def word_vocab(self) -> dict[str, int]:
        if self._word_vocab is None:
            self._word_vocab = {t: i for i, t in enumerate(self.word_terms)}
        return self._word_vocab

    @property
    def char_terms(self) -> list[str]:
        if self._char_terms is None:
            if self._char_vocab is None:
                self._read_terms()
                assert self._char_terms is not None
                return self._char_terms
            self._char_terms = sorted(self._char_vocab, key=self._char_vocab.__getitem__)
        return self._char_terms

    @property
    def word_terms(self) -> list[str]:
        if self._word_terms is None:
            if self._word_terms_blob is not None:
                self._word_terms = self._word_terms_blob.tobytes().decode("utf-8").split("\0")
            elif self._word_vocab is None:
                self._read_terms()
            else:
                self._word_terms = sorted(self._word_vocab, key=self._word_vocab.__getitem__)
            assert self._word_terms is not None
        return self._word_terms

    def sizes(self) -> tuple[int, int]:
        """Number of char and word columns."""
        return len(self.char_idf), len(self.word_idf)


class Featurizer:
    """Sparse TF-IDF n-grams plus dense cues; ``fit`` once, then ``transform`` any batch.

    A loaded featurizer keeps its vocabularies and weights as plain dicts and arrays and does not
    import scikit-learn (0.6 s, a fifth of a batch worker's start) until :attr:`char` or
    :attr:`word` is asked for: ``fit`` and the reference path.
    """

    def __init__(self) -> None:
        self.cues = CueMatcher()
        self._vectorizers: tuple[TfidfVectorizer, TfidfVectorizer] | None = None
        self._loaded: _Fitted | None = None  # what load() read, while no vectorizer holds it
        self._word_terms: list[str] | None = None

    @property
    def char(self) -> TfidfVectorizer:
        """scikit-learn's character n-gram vectorizer (fitted or loaded)."""
        return self._sklearn()[0]

    @property
    def word(self) -> TfidfVectorizer:
        """scikit-learn's word n-gram vectorizer (fitted or loaded)."""
        return self._sklearn()[1]

    def _sklearn(self) -> tuple[TfidfVectorizer, TfidfVectorizer]:
        if self._vectorizers is None:
            loaded = self._loaded
            char = _char_vectorizer(None if loaded is None else loaded.char_vocab)
            word = _word_vectorizer(None if loaded is None else loaded.word_vocab)
            if loaded is not None:
                char.idf_, word.idf_ = loaded.char_idf, loaded.word_idf
            self._vectorizers = (char, word)
        return self._vectorizers

    def _fitted(self) -> _Fitted:
        """The vocabularies and weights (AttributeError or NotFittedError before ``fit``)."""
        if self._loaded is not None:
            return self._loaded
        char, word = self._sklearn()
        return _Fitted(char.idf_, word.idf_, _char_vocab=char.vocabulary_, _word_vocab=word.vocabulary_)

    @property
    def n_features(self) -> int:
        return sum(self._fitted().sizes()) + len(CUE_FEATURES)

    def word_block(self) -> tuple[int, list[str]]:
        """Where the word n-gram columns start, and the n-gram of each (to explain a decision)."""
        fitted = self._fitted()
        terms = self._word_terms
        if terms is None:
            terms = fitted.word_terms
            self._word_terms = terms
        return fitted.sizes()[0], terms

    def fit(self, texts: Sequence[str]) -> Featurizer:
        """Learn vocabularies and IDF weights from raw texts."""
        folded = [fold(t) for t in texts]
        char, word = self._sklearn()
        char.fit(folded)
        word.fit(folded)
        self._loaded, self._word_terms = None, None
        return self

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """``fit`` then ``transform`` the same texts, reading each text once (training's hot path)."""
        raw = [normalize(t) for t in texts]
        folded = [fold(t) for t in raw]
        char, word = self._sklearn()
        X = self._stack(raw, folded, char.fit_transform(folded), word.fit_transform(folded))
        self._loaded, self._word_terms = None, None
        X.sort_indices()  # as transform() leaves them: same sums in the same order, same model
        return X

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Feature matrix (n, n_features) of raw texts, float32 CSR."""
        X = self.transform_rows(texts)
        return X.tocsr() if isinstance(X, SparseRows) else X

    def transform_rows(self, texts: Sequence[str]) -> SparseRows | sp.csr_matrix:
        """:meth:`transform`'s matrix as its three CSR arrays (:class:`SparseRows`), without
        building the scipy matrix (a fixed ~20 µs per call: a tenth of scoring one comment); a
        scipy CSR matrix when the compiled featurizer is not there."""
        raw = [normalize(t) for t in texts]
        folded = [fold(t) for t in raw]
        compiled = self._compiled()
        if compiled is None:
            return self.transform_reference(raw, folded)
        return compiled.rows(raw, folded)

    def transform_reference(self, raw: list[str], folded: list[str]) -> sp.csr_matrix:
        """:meth:`transform` of normalized and folded texts by scikit-learn (the tests' reference)."""
        import scipy.sparse as sp  # noqa: PLC0415
        import sklearn  # noqa: PLC0415

        # The inputs are our own lists of strings: scikit-learn's argument checks cost a fifth of
        # the time of scoring one comment (benchmarks/results/pipeline.md) and find nothing here.
        with sklearn.config_context(skip_parameter_validation=True, assume_finite=True):
            chars, words = self.char.transform(folded), self.word.transform(folded)
        cues = sp.csr_matrix(cue_features_reference(raw, folded, self.cues))
        return sp.hstack([chars, words, cues], format="csr", dtype=np.float32)

    def _stack(
        self, raw: list[str], folded: list[str], chars: sp.spmatrix, words: sp.spmatrix
    ) -> sp.csr_matrix:
        import scipy.sparse as sp  # noqa: PLC0415

        cues = sp.csr_matrix(cue_features(raw, folded, self.cues))
        return sp.hstack([chars, words, cues], format="csr", dtype=np.float32)

    def _compiled(self) -> _Compiled | None:
        """The compiled featurizer of the current vocabularies (made on first use, after ``fit``)."""
        if _native is None:  # pragma: no cover
            return None
        try:
            fitted = self._fitted()
        except AttributeError:  # not fitted (NotFittedError is one): scikit-learn says so
            return None
        compiled = self.__dict__.get("_compiled_cache")
        if compiled is None or not compiled.made_of(fitted):
            compiled = _Compiled(fitted, self.cues) if _Compiled.supports(fitted) else None
            self.__dict__["_compiled_cache"] = compiled
        return compiled

    def __getstate__(self) -> dict[str, object]:
        state = {k: v for k, v in self.__dict__.items() if k != "_compiled_cache"}
        loaded = self._loaded
        if loaded is not None and loaded._terms_at is not None:  # from the load cache: the terms travel
            state["_loaded"] = _Fitted(np.array(loaded.char_idf), np.array(loaded.word_idf),
                                       _char_terms=loaded.char_terms, _word_terms=loaded.word_terms)
        return state

    def save(self, directory: Path) -> None:
        """Write ``vocab.json`` and ``idf.npz`` into ``directory``."""
        directory.mkdir(parents=True, exist_ok=True)
        fitted = self._fitted()
        vocab = {"char": fitted.char_terms, "word": fitted.word_terms}
        (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        np.savez_compressed(directory / "idf.npz", char=fitted.char_idf, word=fitted.word_idf)

    @classmethod
    def load(cls, directory: Path) -> Featurizer:
        """Rebuild a fitted featurizer from ``vocab.json`` and ``idf.npz``."""
        vocab = _read_vocab(directory / "vocab.json")
        self = cls()
        with np.load(directory / "idf.npz") as idf:
            char_idf, word_idf = idf["char"], idf["word"]
        for name, weights in (("char", char_idf), ("word", word_idf)):
            if len(vocab[name]) != len(weights):
                raise ValueError(f"{directory}: {len(vocab[name])} {name} terms but {len(weights)} IDF weights")
        self._loaded = _Fitted(char_idf, word_idf, _char_terms=vocab["char"], _word_terms=vocab["word"])
        self._compiled()  # build the lookup tables now, not on the first comment (a repeated term raises)
        return self

    def cache_state(self) -> tuple[dict[str, np.ndarray], dict[str, Any]] | None:
        """The compiled lookup tables and the word terms as arrays, for the load cache
        (:mod:`triage.pipeline.loadcache`); None when there are none to store."""
        compiled = self._compiled()
        if compiled is None:
            return None
        arrays: dict[str, np.ndarray] = {}
        meta: dict[str, Any] = {}
        for name, vocab in (("char", compiled.char), ("word", compiled.word)):
            packed, n_terms, pm, sm, chars, idf = vocab.state()
            meta[name] = {"packed": bool(packed), "n_terms": n_terms}
            for part, blob in (("pm", pm), ("sm", sm), ("chars", chars)):
                arrays[f"{name}.{part}"] = np.frombuffer(blob, np.uint8)
            arrays[f"{name}.idf"] = np.frombuffer(idf, np.float32)
        terms = self.word_block()[1]
        if not any("\0" in t for t in terms):  # else the terms are read from vocab.json when asked for
            arrays["word.terms"] = np.frombuffer("\0".join(terms).encode("utf-8"), np.uint8)
        return arrays, meta

    @classmethod
    def from_cache(cls, arrays: Mapping[str, np.ndarray], meta: Mapping[str, Any], directory: Path) -> Featurizer:
        """A loaded featurizer from :meth:`cache_state`'s arrays (ValueError if they do not fit
        together); the terms not stored are read from ``directory``'s ``vocab.json`` when asked for."""
        self = cls()
        vocabs = {}
        for name in ("char", "word"):
            m = meta[name]
            vocabs[name] = _native.Vocab.from_state(
                bool(m["packed"]), int(m["n_terms"]), arrays[f"{name}.pm"], arrays[f"{name}.sm"],
                arrays[f"{name}.chars"], arrays[f"{name}.idf"],
            )
        blob = arrays.get("word.terms")
        self._loaded = _Fitted(arrays["char.idf"], arrays["word.idf"], _terms_at=directory / "vocab.json",
                               _word_terms_blob=None if blob is None else blob)
        self.__dict__["_compiled_cache"] = _Compiled(self._loaded, self.cues, vocabs["char"], vocabs["word"])
        return self


def _read_vocab(path: Path) -> dict[str, list[str]]:
    """``vocab.json`` (two lists of terms: strings only, which orjson reads as json does, in
    two thirds of the time on the shipped 6 MB file); what orjson refuses is read by json, which
    raises its own error."""
    data = path.read_bytes()
    try:
        import orjson  # noqa: PLC0415 - a dependency; json reads it otherwise

        return orjson.loads(data)  # type: ignore[no-any-return]
    except (ImportError, ValueError):
        return json.loads(data.decode("utf-8"))  # type: ignore[no-any-return]


class _Compiled:
    """A fitted :class:`Featurizer`'s vocabularies and IDF weights as compiled lookup tables."""

    def __init__(self, fitted: _Fitted, cues: CueMatcher, char: Any = None, word: Any = None) -> None:
        """``char`` and ``word``: the tables, when the load cache had them built already."""
        self._of = (fitted, fitted._char_vocab, fitted._word_vocab, fitted.char_idf, fitted.word_idf)
        if char is None or word is None:
            # the dicts when scikit-learn made them, else the term lists as read (no dict built)
            char_terms = fitted._char_vocab if fitted._char_vocab is not None else fitted.char_terms
            word_terms = fitted._word_vocab if fitted._word_vocab is not None else fitted.word_terms
            char = _native.Vocab(char_terms, np.ascontiguousarray(fitted.char_idf), packed=True)
            word = _native.Vocab(word_terms, np.ascontiguousarray(fitted.word_idf), packed=False)
        self.char, self.word = char, word
        self.cues = cues.native(_CUE_TAGS)
        self.n_features = sum(fitted.sizes()) + len(CUE_FEATURES)
        self.log_tf = _log_tf(1024)

    @staticmethod
    def supports(fitted: _Fitted) -> bool:
        """Whether the compiled path reproduces scikit-learn's: float32 IDF, as ``fit`` makes."""
        return fitted.char_idf.dtype == fitted.word_idf.dtype == np.float32

    def made_of(self, fitted: _Fitted) -> bool:
        """True while the featurizer still holds the vocabularies and weights of these tables."""
        if self._of[0] is fitted:  # the loaded state: it never changes
            return True
        _, char, word, char_idf, word_idf = self._of
        return (
            char is fitted._char_vocab and word is fitted._word_vocab
            and char_idf is fitted.char_idf and word_idf is fitted.word_idf
        )

    def transform(self, raw: list[str], folded: list[str]) -> sp.csr_matrix:
        return self.rows(raw, folded).tocsr()

    def rows(self, raw: list[str], folded: list[str]) -> SparseRows:
        # A term cannot occur more often in a text than the text has characters (plus its padding).
        longest = max(map(len, folded), default=0) + 2
        if longest >= len(self.log_tf):
            self.log_tf = _log_tf(2 * longest)
        indptr, indices, data = _native.featurize(
            self.char, self.word, self.cues, raw, folded, self.log_tf
        )
        return SparseRows(np.frombuffer(indptr, np.int32), np.frombuffer(indices, np.int32),
                          np.frombuffer(data, np.float32), (len(raw), self.n_features))


@dataclass(frozen=True, slots=True)
class SparseRows:
    """A float32 CSR matrix as its arrays (what the compiled featurizer makes: sorted column
    indices, no explicit zeros): what scoring reads of the features, with :meth:`dot` for the
    heads' product and :meth:`tocsr` for everything else."""

    indptr: np.ndarray  # (n + 1,) int32
    indices: np.ndarray  # (nnz,) int32
    data: np.ndarray  # (nnz,) float32
    shape: tuple[int, int]

    @property
    def nnz(self) -> int:
        return len(self.data)

    def tocsr(self) -> sp.csr_matrix:
        """The scipy matrix (the arrays are shared, not copied)."""
        import scipy.sparse as sp  # noqa: PLC0415

        return sp.csr_matrix((self.data, self.indices, self.indptr), shape=self.shape)

    def dot(self, weights: np.ndarray) -> np.ndarray:
        """``self.tocsr() @ weights`` for a C-contiguous float32 ``weights`` (width, k): the same
        floats, from the loop scipy itself runs for that product (each output summed over the
        row's non-zeros in order; ``_native.csr_matvecs``, else scipy's own kernel), without
        building the matrix."""
        matvecs = _matvecs()
        if matvecs is None or weights.dtype != np.float32 or not weights.flags.c_contiguous:
            return np.asarray(self.tocsr() @ weights)
        n, width = self.shape
        if weights.ndim != 2 or weights.shape[0] != width:
            raise ValueError(f"shapes {self.shape} and {weights.shape} do not multiply")
        out = np.zeros((n, weights.shape[1]), dtype=np.float32)
        matvecs(n, width, weights.shape[1], self.indptr, self.indices, self.data, weights.ravel(), out.ravel())
        return out


def _matvecs() -> Any:
    """CSR @ dense as scipy computes it: the compiled copy of its loop (no scipy import on the
    scoring path), else scipy's own kernel (``scipy.sparse._compressed._matmul_multivector``),
    else None (the matrix product)."""
    if _native is not None and hasattr(_native, "csr_matvecs"):
        return _native.csr_matvecs
    try:  # pragma: no cover - without the compiled module
        from scipy.sparse._sparsetools import csr_matvecs  # noqa: PLC0415
    except ImportError:  # pragma: no cover - a scipy without it
        return None
    return csr_matvecs


def _log_tf(n: int) -> np.ndarray:
    """Sublinear TF of the counts 0..n-1 as scikit-learn computes it: float32 log, then + 1."""
    table = np.zeros(n, dtype=np.float32)
    tf = np.arange(1, n, dtype=np.float32)
    np.log(tf, tf)
    tf += 1.0
    table[1:] = tf
    return table
