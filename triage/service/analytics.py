"""Complaint themes: cluster comment vectors and name each cluster (pure; no I/O).

:func:`find_themes` takes one vector per comment (e5 embeddings with their language removed, as
:mod:`triage.service.stats` gives them, or TF-IDF rows when the embedder cannot load) and the
texts, and returns the themes, largest first:

* **clusters**: k-means on the L2-normalised vectors (``random_state=0``, so the same input
  gives the same themes) for every k from 2 to :data:`MAX_THEMES`, keeping the k with the best
  cosine silhouette; fewer than 4 comments, or no k reaching :data:`MIN_SILHOUETTE`, make one
  theme. On complaints in five languages (tests/unit/test_analytics.py) this found the themes
  better than agglomerative clustering cut at any one cosine distance, which split a theme by
  language or merged two. Clusters smaller than ``min_size`` are not themes (their comments
  are "unthemed").
* **names**: the ``examples`` comments closest to the theme's centroid (its most typical
  ones; a repeated text once), and its top words by class-based TF-IDF: a word's share of the
  theme's words times ``log(1 + A / f)``, where ``A`` is the mean number of words per class
  and ``f`` the word's count over all classes (the unthemed comments form one more class), so
  words every theme uses rank low. Words are lower-cased ``\\w+`` runs of 3 or more characters,
  not numbers and not in :data:`STOP_WORDS`.
* **the change**: each vector of the previous window goes to the theme whose centroid is most
  similar, when it is at least as similar as the theme's own least typical comment;
  ``previous`` counts them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "MAX_THEMES",
    "MIN_SILHOUETTE",
    "STOP_WORDS",
    "Theme",
    "cluster",
    "find_themes",
    "tfidf_vectors",
    "top_words",
    "words",
]

#: Most themes one window is split into.
MAX_THEMES = 8
#: Below this best silhouette the comments are taken for one theme (no split is convincing).
MIN_SILHOUETTE = 0.05

#: Function words of the languages the model knows best, left out of a theme's top words.
STOP_WORDS = frozenset(
    """
    the and for are but not you your yours with this that these those was were been have has had
    will would can could should from they them their there here what when where which who why how
    all any some our ours out about into just still than then too very also only more most such
    its it's i'm don't didn't doesn't isn't can't won't ive i've got get one two even really
    please hello thanks thank
    các của cho với này không được là và có đã một những người tôi bạn mình thì mà nhưng rồi
    vẫn nữa lại cũng như khi đến từ trong vào ra làm nào gì sao hay đó đây chưa rất quá ạ nhé
    shop
    și este sunt care pentru din sau dar nici mai cum când unde cine ceea acest această acum
    foarte doar încă deja după până fără prin lui lor mea meu mele mei voi noi vreau am fost
    que los las del por con para una uno unos pero como más muy esta este esto ese esa hay
    les des est une pour pas avec sur dans qui mais plus très vous nous
    der die das und ist nicht mit für auf den dem ein eine ich sie wir
    من در به از که این را با است برای آن یک تا هم شما ما او بود شد هست نیست ولی اما چرا کی
    خیلی هنوز
    في من على إلى عن أن هذا هذه ذلك التي الذي كان لم لا ما هل قد كل مع أو ثم بعد عند أنا
    انا نحن أنتم لقد حتى الآن
    yang dan di ke dari ini itu untuk dengan tidak ada saya kami kita sudah belum
    """.split()
)
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Theme:
    """One theme: its comments (indices into the texts given), the most typical of them, its
    top words, and how many comments of the previous window were nearest to it."""

    members: tuple[int, ...]
    examples: tuple[int, ...]
    words: tuple[str, ...]
    previous: int
    centroid: np.ndarray

    @property
    def count(self) -> int:
        """How many comments of the window are in the theme."""
        return len(self.members)


def _unit(v: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(v, axis=-1, keepdims=True)
    return np.asarray(v / np.where(norm > 0, norm, 1.0), dtype=np.float64)


def words(text: str) -> list[str]:
    """The words of a text that may name a theme.

    >>> words("The parcel is STILL late, 10 days! Coletul încă întârzie")
    ['parcel', 'late', 'days', 'coletul', 'întârzie']
    """
    return [
        w
        for w in _WORD.findall(text.lower())
        if len(w) >= 3 and not w.isdigit() and "_" not in w and w not in STOP_WORDS
    ]


def cluster(vectors: np.ndarray, max_k: int = MAX_THEMES) -> np.ndarray:
    """Cluster labels (0..k-1, numbered by first appearance): k-means with the k of the best
    cosine silhouette (see the module docstring)."""
    n = len(vectors)
    unit = _unit(np.asarray(vectors, dtype=np.float64))
    best, labels = MIN_SILHOUETTE, np.zeros(n, dtype=int)
    if n >= 4:
        from sklearn.cluster import KMeans
        from sklearn.metrics import silhouette_score

        distinct = len(np.unique(unit.round(6), axis=0))
        for k in range(2, min(max_k, distinct - 1, n - 1) + 1):
            found = KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(unit)
            score = float(silhouette_score(unit, found, metric="cosine"))
            if score > best + 1e-9:
                best, labels = score, found
    renumber: dict[int, int] = {}
    return np.array([renumber.setdefault(int(x), len(renumber)) for x in labels], dtype=int)


def top_words(classes: Sequence[Sequence[str]], k: int) -> list[list[str]]:
    """The ``k`` words of each class (a list of texts) with the highest class-based TF-IDF,
    best first (ties in alphabetical order). Words found in only one text of a class come
    after those found in several."""
    counts = [Counter(w for text in texts for w in words(text)) for texts in classes]
    docs = [Counter(w for text in texts for w in set(words(text))) for texts in classes]
    overall: Counter[str] = Counter()
    for c in counts:
        overall.update(c)
    mean = sum(overall.values()) / max(1, len(classes))
    out = []
    for c, d in zip(counts, docs, strict=True):
        total = sum(c.values()) or 1
        score = {w: n / total * math.log(1 + mean / overall[w]) for w, n in c.items()}
        ranked = sorted(score, key=lambda w: (d[w] < 2, -score[w], w))
        out.append(ranked[:k])
    return out


def find_themes(
    vectors: np.ndarray,
    texts: Sequence[str],
    *,
    previous: np.ndarray | None = None,
    max_themes: int = MAX_THEMES,
    min_size: int = 2,
    examples: int = 3,
    n_words: int = 6,
) -> list[Theme]:
    """The themes of ``texts`` (one row of ``vectors`` each), largest first (ties: the theme
    whose first comment comes first). See the module docstring."""
    if len(vectors) != len(texts):
        raise ValueError(f"{len(vectors)} vectors for {len(texts)} texts")
    if len(texts) < min_size:
        return []
    unit = _unit(np.asarray(vectors, dtype=np.float64))
    labels = cluster(unit, max_themes)
    groups = [np.flatnonzero(labels == k) for k in range(int(labels.max()) + 1)]
    kept = sorted((g for g in groups if len(g) >= min_size), key=lambda g: (-len(g), g[0]))
    rest = [int(i) for g in groups if len(g) < min_size for i in g]
    names = top_words([[texts[i] for i in g] for g in kept] + [[texts[i] for i in rest]], n_words)
    centroids = _unit(np.stack([unit[g].mean(axis=0) for g in kept])) if kept else None
    prev_counts = np.zeros(len(kept), dtype=int)
    if centroids is not None and previous is not None and len(previous):
        sims = _unit(np.asarray(previous, dtype=np.float64)) @ centroids.T
        best = sims.argmax(axis=1)
        radius = [float((unit[g] @ centroids[k]).min()) for k, g in enumerate(kept)]
        for row, k in enumerate(best):
            if sims[row, k] >= radius[k] - 1e-9:
                prev_counts[k] += 1
    themes = []
    for k, g in enumerate(kept):
        assert centroids is not None
        closeness = unit[g] @ centroids[k]
        order = sorted(range(len(g)), key=lambda j: (-closeness[j], g[j]))
        seen: set[str] = set()
        picked: list[int] = []
        for j in order:
            key = " ".join(texts[g[j]].lower().split())
            if key not in seen:
                seen.add(key)
                picked.append(int(g[j]))
            if len(picked) == examples:
                break
        themes.append(
            Theme(
                members=tuple(int(i) for i in g),
                examples=tuple(picked),
                words=tuple(names[k]),
                previous=int(prev_counts[k]),
                centroid=centroids[k],
            )
        )
    return themes


def tfidf_vectors(texts: Sequence[str], previous: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The fallback vectors: TF-IDF of character 3-5-grams within word bounds, fitted on
    ``texts`` (dense, L2-normalised rows), and the ``previous`` texts in the same space."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=True
    )
    current = vectorizer.fit_transform(list(texts)).toarray()
    before = (
        vectorizer.transform(list(previous)).toarray()
        if previous
        else np.zeros((0, current.shape[1]))
    )
    return current, before
