"""Features of the fast tier, computed once per batch and shared by every head.

* character n-grams (1-4, within word boundaries) and word uni/bi-grams, TF-IDF weighted, of the
  folded text: they carry each language's vocabulary, typos and missing diacritics;
* a few dense cues that mean the same in every language: question marks (``?`` and ``؟``), cue
  words of :mod:`triage.pipeline.lexicon`, links, phone numbers, mentions, emoji, shouting, length.

Saved as plain JSON (vocabularies) and ``.npz`` (IDF weights), so loading a model runs no code
from the model files.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer

from triage.pipeline.lexicon import CueMatcher
from triage.pipeline.text import fold, normalize

__all__ = ["CUE_FEATURES", "Featurizer", "cue_features"]

_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\U0001f1e6-\U0001f1ff]")
_ELONGATED = re.compile(r"(\w)\1{2,}")
_WORD_PATTERN = r"(?u)\b\w+\b|[?؟!]"

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


def cue_features(raw: Sequence[str], folded: Sequence[str], cues: CueMatcher) -> np.ndarray:
    """Dense cue matrix (n, len(CUE_FEATURES)), each column scaled to about [0, 1]."""
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
    return TfidfVectorizer(
        analyzer="char_wb", ngram_range=(1, 4), lowercase=False, sublinear_tf=True, dtype=np.float32,
        min_df=3, max_features=400_000, vocabulary=vocabulary,
    )


def _word_vectorizer(vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="word", ngram_range=(1, 2), lowercase=False, sublinear_tf=True, dtype=np.float32,
        min_df=2, max_features=200_000, token_pattern=_WORD_PATTERN, vocabulary=vocabulary,
    )


class Featurizer:
    """Sparse TF-IDF n-grams plus dense cues; ``fit`` once, then ``transform`` any batch."""

    def __init__(self) -> None:
        self.char = _char_vectorizer()
        self.word = _word_vectorizer()
        self.cues = CueMatcher()

    @property
    def n_features(self) -> int:
        return len(self.char.vocabulary_) + len(self.word.vocabulary_) + len(CUE_FEATURES)

    def fit(self, texts: Sequence[str]) -> Featurizer:
        """Learn vocabularies and IDF weights from raw texts."""
        folded = [fold(t) for t in texts]
        self.char.fit(folded)
        self.word.fit(folded)
        return self

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """``fit`` then ``transform`` the same texts, reading each text once (training's hot path)."""
        raw = [normalize(t) for t in texts]
        folded = [fold(t) for t in raw]
        X = self._stack(raw, folded, self.char.fit_transform(folded), self.word.fit_transform(folded))
        X.sort_indices()  # as transform() leaves them: same sums in the same order, same model
        return X

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Feature matrix (n, n_features) of raw texts, float32 CSR."""
        raw = [normalize(t) for t in texts]
        folded = [fold(t) for t in raw]
        # The inputs are our own lists of strings: scikit-learn's argument checks cost a fifth of
        # the time of scoring one comment (benchmarks/results/pipeline.md) and find nothing here.
        with sklearn.config_context(skip_parameter_validation=True, assume_finite=True):
            chars, words = self.char.transform(folded), self.word.transform(folded)
        return self._stack(raw, folded, chars, words)

    def _stack(self, raw: list[str], folded: list[str], chars: sp.spmatrix, words: sp.spmatrix) -> sp.csr_matrix:
        cues = sp.csr_matrix(cue_features(raw, folded, self.cues))
        return sp.hstack([chars, words, cues], format="csr", dtype=np.float32)

    def save(self, directory: Path) -> None:
        """Write ``vocab.json`` and ``idf.npz`` into ``directory``."""
        directory.mkdir(parents=True, exist_ok=True)
        vocab = {
            name: sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
            for name, vec in (("char", self.char), ("word", self.word))
        }
        (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
        np.savez_compressed(directory / "idf.npz", char=self.char.idf_, word=self.word.idf_)

    @classmethod
    def load(cls, directory: Path) -> Featurizer:
        """Rebuild a fitted featurizer from ``vocab.json`` and ``idf.npz``."""
        vocab = json.loads((directory / "vocab.json").read_text(encoding="utf-8"))
        self = cls()
        with np.load(directory / "idf.npz") as idf:
            self.char = _char_vectorizer({t: i for i, t in enumerate(vocab["char"])})
            self.word = _word_vectorizer({t: i for i, t in enumerate(vocab["word"])})
            self.char.idf_ = idf["char"]
            self.word.idf_ = idf["word"]
        return self
