"""Language identification: an ISO 639-1 code and a confidence per comment, ``und`` when unsure.

Two fastText models vote, restricted to the configured languages:

* **lid.176** (Facebook, 176 languages, CC BY-SA 3.0) is the primary: good on anything of three
  words or more that is spelled the way Wikipedia spells it.
* **a second opinion** (``second_opinion.ftz``, built by ``training/build_langid.py``) is a small
  char-n-gram fastText classifier trained on the labelled comments of the shared datasets, plus
  copies of the Vietnamese and Romanian ones with the diacritics stripped, plus Arabic and
  Persian in Latin letters (romanized public rows and the corpus's own Arabizi and Finglish). It
  knows what users really type: Vietnamese and Romanian without diacritics, romanized Hindi,
  Arabizi and Finglish, Indonesian slang, Persian typed on an Arabic keyboard, short shop comments.

The votes are combined log-linearly over the configured languages, ``log(p_lid + lid_floor) +
second_opinion_weight * log(p_second + second_opinion_floor)``, and renormalized; the script of
the text limits the candidates (Cyrillic -> ru, Devanagari -> hi, Arabic script -> ar/fa, Latin ->
the Latin-script languages, romanized Hindi, Arabizi and Finglish: lid.176 knows no romanized
Arabic or Persian, so there the second opinion decides). A configured language the second
opinion was not trained on gets the constant ``unknown_language_prior`` from it instead of a
probability.

``und`` (:data:`triage.types.UNDETERMINED`) is returned when there is nothing to tell a language
by: no letters (emoji, ``??``, a bare URL, a number, an @mention, empty), only letters of a script
none of the configured languages uses, only words many languages share (``ok``, ``merci``,
``super``, ``lol``, ``hello``; :data:`SHARED_WORDS`), or a best confidence below
``min_confidence``. The score of a ``und`` is 1.0 when a rule decided it and ``1 - best`` when the
confidence was too low.

All defaults were tuned on dev data only (``benchmarks/bench_langid.py``, ``benchmarks/data``).
Everything is deterministic, and a batch gives exactly the results of its texts one by one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from triage.errors import ConfigError, ModelNotFoundError, UnsupportedLanguageError
from triage.pipeline import ftz
from triage.pipeline.text import _native, has_letters
from triage.types import UNDETERMINED, LanguageGuess

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "LID_MODEL_FILE",
    "SECOND_OPINION_FILE",
    "SHARED_WORDS",
    "SUPPORTED_LANGUAGES",
    "LanguageDetector",
    "dominant_script",
    "dominant_script_reference",
    "only_shared_words",
    "only_shared_words_reference",
    "prepare",
    "prepare_reference",
    "strip_diacritics",
]

SUPPORTED_LANGUAGES: tuple[str, ...] = (
    "en", "vi", "ro", "ar", "fa", "es", "fr", "de", "it", "pt", "hi", "id", "ru", "tr",
)  # fmt: skip

#: File names inside a model's ``langid/`` folder.
LID_MODEL_FILE = "lid.176.ftz"
SECOND_OPINION_FILE = "second_opinion.ftz"

_LABEL = "__label__"

# --------------------------------------------------------------------------------------------
# Text view shared by both models (training uses the very same function).

_URL = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|ly|co|io|me|ro|vn|ir|info|biz|xyz)"
    r"(?:/\S*)?\b",
    re.IGNORECASE,
)
_URL_HINT = re.compile(
    r"www\.|\.(?:com|net|org|ly|co|io|me|ro|vn|ir|info|biz|xyz)\b", re.IGNORECASE
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_MENTION = re.compile(r"(?<!\w)@\w+")
_HASHTAG = re.compile(r"(?<!\w)#\w+")
_RETWEET = re.compile(r"\bRT\b")
# Everything that is not a letter, a combining mark of the scripts we read, ZWNJ or an in-word
# apostrophe/hyphen becomes a space (digits, punctuation, symbols, emoji).
_NOT_TEXT = re.compile(
    "(?:[^\\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0900-\u097f\u200c'’-]|[\\d_])+"
)
#: Only the start of a long text is read: its language shows well before this many characters
#: (:meth:`LanguageDetector.detect` reads the first ``MAX_INPUT_CHARS`` of the raw text, of which
#: :func:`prepare` keeps ``MAX_CHARS`` once URLs, mentions and punctuation are gone).
MAX_INPUT_CHARS = 1000
MAX_CHARS = 300
_STRAY = re.compile(r"(?<!\w)['’-]+|['’-]+(?!\w)")
_ELONGATION = re.compile(r"(.)\1{2,}")
_SPACE = re.compile(r"\s+")


def prepare(text: str) -> str:
    """The view of a (normalized) text that both language models see.

    URLs, e-mail addresses, @mentions, "RT" and hashtags (unless nothing else is left) are
    dropped, digits, punctuation, symbols and emoji become spaces, letters are lower-cased (the
    lid.176 model misreads ALL CAPS), elongations shortened and the text cut to about
    :data:`MAX_CHARS` characters.

    >>> prepare("RT @bob: SUPER TAREEEE!!! 👍 http://x.co #promo")
    'super taree'
    >>> prepare("#MasterChefBR")
    'masterchefbr'
    """
    # The cheap membership tests skip regexes that cannot match (most comments have no URL).
    if "/" in text or ("." in text and _url_hint(text)):
        text = _URL.sub(" ", text) if _native is None else _native.url_sub(text, " ")
    text = _strip_social(text)
    text = text.replace("İ", "i").lower()
    if _native is None:  # pragma: no cover
        return _prepare_tail(text[:MAX_CHARS])
    return _native.lid_tail(text[:MAX_CHARS])  # exactly _prepare_tail, in one compiled pass


def prepare_reference(text: str) -> str:
    """:func:`prepare` with its last steps spelled out as regular expressions (tests compare)."""
    if "/" in text or ("." in text and _URL_HINT.search(text)):
        text = _URL.sub(" ", text)
    text = _strip_social(text)
    return _prepare_tail(text.replace("İ", "i").lower()[:MAX_CHARS])


def _strip_social(text: str) -> str:
    """E-mails, mentions and retweet marks out; hashtags too unless they are all the text's letters."""
    if "@" in text:
        text = _MENTION.sub(" ", _EMAIL.sub(" ", text))
    if "RT" in text:
        text = _RETWEET.sub(" ", text)
    if "#" in text:
        without_tags = _HASHTAG.sub(" ", text)
        if any(ch.isalpha() for ch in without_tags):
            text = without_tags
    return text


def _prepare_tail(text: str) -> str:
    text = _NOT_TEXT.sub(" ", text)
    if "'" in text or "-" in text or "’" in text:
        text = _SPACE.sub(" ", _STRAY.sub(" ", text))
    return _ELONGATION.sub(r"\1\1", text).strip()


def strip_diacritics(text: str) -> str:
    """Latin text as typed on a keyboard without diacritics (Vietnamese, Romanian, Turkish).

    >>> strip_diacritics("Mulțumesc, đẹp quá, şi ĂÂÎ")
    'Multumesc, dep qua, si AAI'
    """
    text = text.replace("đ", "d").replace("Đ", "D").replace("ı", "i")
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", kept)


# --------------------------------------------------------------------------------------------
# Scripts.

_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Latin", re.compile("[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")),
    ("Arabic", re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")),
    ("Cyrillic", re.compile("[\u0400-\u052f]")),
    ("Devanagari", re.compile("[\u0900-\u097f]")),
)
_SCRIPT_NAMES = tuple(name for name, _ in _SCRIPTS) + ("Other",)

#: Scripts a language is written in by the people who comment. Languages not listed are allowed
#: in any script. Hindi is often typed in Latin letters ("bahut badhiya").
LANGUAGE_SCRIPTS: Mapping[str, frozenset[str]] = {
    **{
        lang: frozenset({"Latin"})
        for lang in ("en", "vi", "ro", "es", "fr", "de", "it", "pt", "id", "tr")
    },
    "ar": frozenset({"Arabic", "Latin"}),  # Latin: Arabizi
    "fa": frozenset({"Arabic", "Latin"}),  # Latin: Finglish
    "ru": frozenset({"Cyrillic"}),
    "hi": frozenset({"Devanagari", "Latin"}),
}


def dominant_script(text: str) -> str | None:
    """The script at least half the letters of ``text`` are in, else ``Other``; None: no letters.

    >>> [dominant_script(t) for t in ("привет, ok", "شكرا ok", "谢谢", "??")]
    ['Cyrillic', 'Arabic', 'Other', None]
    """
    if _native is None:  # pragma: no cover
        return dominant_script_reference(text)
    return _SCRIPT_OF_INDEX[_native.lid_script(text)]


def dominant_script_reference(text: str) -> str | None:
    """:func:`dominant_script` with regular expressions (tests compare the two)."""
    if text.isascii():
        return "Latin" if any(ch.isalpha() for ch in text) else None
    letters = sum(map(str.isalpha, text))
    if not letters:
        return None
    for name, pattern in _SCRIPTS:
        if 2 * len(pattern.findall(text)) >= letters:  # a majority (most texts: the first try)
            return name
    return "Other"


#: lid_script()'s answer -> script name (index -1: no letters)
_SCRIPT_OF_INDEX: dict[int, str | None] = {**dict(enumerate(_SCRIPT_NAMES)), -1: None}


# --------------------------------------------------------------------------------------------
# Words many languages share.

#: Words used alike in many languages; a comment made only of them gets ``und``.
SHARED_WORDS: frozenset[str] = frozenset(
    """ok okay okey okk k kk lol lool lmao omg wow woow xd xdd xoxo super top bravo merci taxi
    hello helo hi hey bye cool like vip bingo ciao salut salam سلام oh eh uh hm hmm oops""".split()
)
_LAUGH = re.compile(r"(?:ha|he|hi|ah)+h?")


def only_shared_words(prepared: str) -> bool:
    """True if a :func:`prepare`-d text is only words many languages share (or one letter).

    >>> [only_shared_words(t) for t in ("ok ok", "hahaha super", "aa", "ok shop")]
    [True, True, True, False]
    """
    letters = prepared.replace(" ", "")
    if not letters.strip(letters[:1]):  # fewer than two distinct characters (no set built)
        return True
    words = prepared.split()
    return all(w in SHARED_WORDS or _LAUGH.fullmatch(w) for w in words)


def only_shared_words_reference(prepared: str) -> bool:
    """:func:`only_shared_words` as first written (tests compare the two)."""
    if len(set(prepared.replace(" ", ""))) < 2:
        return True
    words = prepared.split()
    return all(w in SHARED_WORDS or _LAUGH.fullmatch(w) for w in words)


# --------------------------------------------------------------------------------------------
# The detector.


def _load_fasttext(path: Path) -> Any:
    """Load a fastText model file (the fastText format holds no code to execute): read by
    :mod:`triage.pipeline.ftz` for the compiled predictions when it is a model of the kind the
    shipped ones are (the same numbers, bit for bit), else by the ``fasttext`` package."""
    native = ftz.load(path)
    if native is not None:
        return native
    import fasttext  # noqa: PLC0415 - imported on first load only, keeps `import triage` light

    return fasttext.load_model(str(path))


class LanguageDetector:
    """Detects the language of comments among a configured set (see the module docstring).

    The models are loaded here, once; :meth:`detect` does not change the detector's state.

    Args:
        model_path: ``lid.176.ftz``, or the folder that holds it (``models/<name>/langid``).
        languages: ISO 639-1 codes to choose from (all must be lid.176 labels).
        min_confidence: below this combined confidence the answer is ``und``.
        second_opinion_path: the second-opinion model; by default ``second_opinion.ftz`` next to
            lid.176 when that file exists.
        use_second_opinion: False runs lid.176 alone (restricted, with the same ``und`` rules).
        second_opinion_weight: weight of the second opinion's log-probability.
        lid_floor: added to lid.176's restricted probabilities before the log (softens it);
            by default 0.1 with a second opinion and 1e-6 (plain renormalization) without.
        second_opinion_floor: the same for the second opinion.
        unknown_language_prior: what the second opinion "says" for a configured language it was
            not trained on.
        top_k: how many lid.176 labels are read per text before filtering; by default 5 with a
            second opinion (more changed nothing on the dev data) and 30 without.
        lid_threshold: lid.176 labels below this probability are not read (speed).
    """

    def __init__(
        self,
        model_path: Path,
        languages: Sequence[str] = SUPPORTED_LANGUAGES,
        min_confidence: float = 0.4,
        *,
        second_opinion_path: Path | None = None,
        use_second_opinion: bool = True,
        second_opinion_weight: float = 1.5,
        lid_floor: float | None = None,
        second_opinion_floor: float = 0.01,
        unknown_language_prior: float = 0.2,
        top_k: int | None = None,
        lid_threshold: float = 1e-3,
    ) -> None:
        model_path = Path(model_path)
        lid_path = model_path / LID_MODEL_FILE if model_path.is_dir() else model_path
        if not lid_path.is_file():
            raise ModelNotFoundError(
                f"language-ID model not found: {lid_path}",
                hint="expected models/<name>/langid/lid.176.ftz (see its NOTICE.md)",
            )
        if not languages:
            raise UnsupportedLanguageError("no languages configured for language ID")
        if not 0.0 <= min_confidence <= 1.0:
            raise ConfigError(f"min_confidence must be in [0, 1], got {min_confidence}")
        if (lid_floor is not None and lid_floor <= 0) or second_opinion_floor <= 0:
            raise ConfigError("lid_floor and second_opinion_floor must be > 0")
        self.languages: tuple[str, ...] = tuple(dict.fromkeys(languages))
        self.min_confidence = float(min_confidence)
        self.second_opinion_weight = float(second_opinion_weight)
        self.lid_floor = float(lid_floor) if lid_floor is not None else 0.0
        self.second_opinion_floor = float(second_opinion_floor)
        self.unknown_language_prior = float(unknown_language_prior)
        self.top_k = int(top_k) if top_k is not None else 0
        self.lid_threshold = float(lid_threshold)

        self._columns_by_model: dict[int, NDArray[np.int32]] = {}
        self._lid = _load_fasttext(lid_path)
        lid_labels = {label.removeprefix(_LABEL) for label in self._lid.get_labels()}
        unknown = [lang for lang in self.languages if lang not in lid_labels]
        if unknown:
            raise UnsupportedLanguageError(
                f"lid.176 does not know the language code(s) {', '.join(unknown)}",
                hint="use ISO 639-1 codes such as en, vi, ro, ar, fa",
            )
        # Label -> column of the configured language, -1 for every other label of either model.
        self._column: dict[str, int] = dict.fromkeys(self._lid.get_labels(), -1)
        self._column.update({_LABEL + lang: i for i, lang in enumerate(self.languages)})
        self._lid_prior_top = float(self._lid.predict([""], k=1)[1][0][0])

        self._second: Any = None
        if use_second_opinion:
            path = second_opinion_path or lid_path.parent / SECOND_OPINION_FILE
            if second_opinion_path is not None and not path.is_file():
                raise ModelNotFoundError(f"second-opinion language model not found: {path}")
            if path.is_file():
                self._second = _load_fasttext(path)
                known = set(self._second.get_labels())
                for label in known:
                    self._column.setdefault(label, -1)
                self._second_unknown = np.array(
                    [_LABEL + lang not in known for lang in self.languages]
                )

        if lid_floor is None:
            self.lid_floor = 0.1 if self._second is not None else 1e-6
        if top_k is None:
            self.top_k = 5 if self._second is not None else 30

        # Which configured languages each script allows (None: none of them, the answer is und).
        self._script_mask: dict[str, NDArray[np.bool_] | None] = {}
        for script in _SCRIPT_NAMES:
            allowed = np.array(
                [
                    script in LANGUAGE_SCRIPTS.get(lang, frozenset(_SCRIPT_NAMES))
                    for lang in self.languages
                ]
            )
            self._script_mask[script] = allowed if allowed.any() else None
        # the same, indexed by script number (dominant_script's order), for whole batches
        self._mask_table = np.array([self._script_mask[s] if self._script_mask[s] is not None
                                     else np.zeros(len(self.languages), bool) for s in _SCRIPT_NAMES])
        self._script_allowed = np.array([self._script_mask[s] is not None for s in _SCRIPT_NAMES])
        # A script that allows exactly one configured language (Devanagari -> hi, Cyrillic -> ru)
        # has a fixed answer once there is a second opinion: both votes are finite (the floors),
        # every other language scores exp(-1e9) = 0, so _combine gives it confidence exactly 1.0
        # whatever the models say, and they are not asked (tests compare with _combine).
        self._fixed_guess: list[LanguageGuess | None] = [
            LanguageGuess(self.languages[int(np.flatnonzero(row)[0])], 1.0)
            if self._second is not None and int(row.sum()) == 1 else None
            for row in self._mask_table
        ]

    def _native_columns(self, model: ftz.NativeFastText) -> NDArray[np.int32]:
        """The configured language's column of each of the model's labels (-1: none)."""
        columns = self._columns_by_model.get(id(model))
        if columns is None:
            columns = np.array([self._column.get(label, -1) for label in model.get_labels()], dtype=np.int32)
            self._columns_by_model[id(model)] = columns
        return columns

    @property
    def has_second_opinion(self) -> bool:
        """Whether a second-opinion model was loaded."""
        return self._second is not None

    def _probabilities(
        self, model: Any, texts: list[str], k: int, threshold: float = 0.0
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Probabilities of the configured languages (a row per text) and each top-1 probability."""
        if isinstance(model, ftz.NativeFastText):
            out = np.zeros((len(texts), len(self.languages)))
            top = np.empty(len(texts))
            model.predict_into(texts, k, threshold, self._native_columns(model), out, top)
            return out, top
        labels, probs = model.predict(texts, k=k, threshold=threshold)
        counts = [len(text_labels) for text_labels in labels]
        cols = np.fromiter(
            map(self._column.__getitem__, chain.from_iterable(labels)),
            dtype=np.intp,
            count=sum(counts),
        )
        rows = np.repeat(np.arange(len(texts)), counts)
        values = np.concatenate(probs) if probs else np.zeros(0)
        keep = cols >= 0
        out = np.zeros((len(texts), len(self.languages)))
        out[rows[keep], cols[keep]] = values[keep]
        # fastText returns at least the top label (k >= 1, threshold < 1/labels), best first.
        top = values[np.cumsum(counts) - counts]
        return out, top

    def detect(self, texts: Sequence[str]) -> list[LanguageGuess]:
        """Language and confidence of each text (already passed through ``triage.pipeline.text.normalize``).

        Returns one :class:`~triage.types.LanguageGuess` per text, in order: a configured code or
        ``und``, and a score in [0, 1].

        The whole batch goes through the ``und`` rules at once (:func:`_views`: one compiled pass,
        URLs, mentions, "RT" and hashtags included; Python only for a text with an ``@`` right after
        a word character, ``.``, ``+`` or ``-``, where an e-mail may be), then both models.
        """
        views, codes = _views(texts)
        if len(texts) == 1:  # one comment (an API request): the same numbers with less glue
            code = int(codes[0])
            if code < 0 or not self._script_allowed[code]:
                return [_RULE_UND]
            fixed = self._fixed_guess[code]
            if fixed is not None:
                return [fixed]
            return [self._combine_one(views[0], self._mask_table[code])]  # type: ignore[arg-type]
        results: list[LanguageGuess] = [_RULE_UND] * len(texts)
        known = codes >= 0
        known[known] = self._script_allowed[codes[known]]
        fixed_guess = self._fixed_guess
        if any(g is not None for g in fixed_guess):
            fixed = known.copy()
            fixed[fixed] = [fixed_guess[c] is not None for c in codes[fixed].tolist()]
            for i in np.flatnonzero(fixed).tolist():
                results[i] = fixed_guess[codes[i]]  # type: ignore[call-overload]
            known &= ~fixed
        rows = np.flatnonzero(known)
        if len(rows):
            prepared = [views[i] for i in rows.tolist()]
            masks = self._mask_table[codes[rows]]
            for i, guess in zip(rows.tolist(), self._combine(prepared, masks), strict=True):
                results[i] = guess
        return results

    def detect_reference(self, texts: Sequence[str]) -> list[LanguageGuess]:
        """:meth:`detect` one text at a time, as first written (tests compare the two)."""
        results: list[LanguageGuess] = [_RULE_UND] * len(texts)
        rows: list[int] = []
        prepared: list[str] = []
        masks: list[NDArray[np.bool_]] = []
        script_mask = self._script_mask
        for i, text in enumerate(texts):
            text = text[:MAX_INPUT_CHARS]
            if not _has_letters(text):
                continue
            clean = prepare_reference(text)
            script = dominant_script_reference(clean[:_SCRIPT_CHARS])
            if script is None or only_shared_words_reference(clean):
                continue
            mask = script_mask[script]
            if mask is not None:
                rows.append(i)
                prepared.append(clean)
                masks.append(mask)
        if rows:
            for i, guess in zip(rows, self._combine(prepared, np.array(masks)), strict=True):
                results[i] = guess
        return results

    def _combine(self, prepared: list[str], masks: NDArray[np.bool_]) -> list[LanguageGuess]:
        """Combine both models' votes for texts that passed the ``und`` rules."""
        # Each distinct view is read by the models once (a campaign's copies, "thanks!" x 100):
        # fastText answers a line alone, so the rows are the same as one by one.
        index: dict[str, int] = {}
        inverse = np.fromiter((index.setdefault(v, len(index)) for v in prepared), np.intp, len(prepared))
        distinct = list(index) if len(index) < len(prepared) else prepared
        lid, lid_top = self._probabilities(self._lid, distinct, self.top_k, self.lid_threshold)
        if distinct is not prepared:
            lid, lid_top = lid[inverse], lid_top[inverse]
        # lid.176 answers its prior (the output bias) when it knows no feature of the text.
        known = np.abs(lid_top - self._lid_prior_top) > 1e-7
        lid /= np.maximum(lid.sum(axis=1, keepdims=True), 1e-12)
        scores = np.log(lid + self.lid_floor)
        if self._second is not None:
            second, _ = self._probabilities(self._second, distinct, -1)
            if distinct is not prepared:
                second = second[inverse]
            second[:, self._second_unknown] = self.unknown_language_prior
            scores += self.second_opinion_weight * np.log(second + self.second_opinion_floor)
        else:
            masks = masks & known[:, None]
        scores = np.where(masks, scores, _EXCLUDED)
        best = scores.argmax(axis=1)
        rows = np.arange(len(prepared))
        scores -= scores[rows, best][:, None]
        confidence = np.where(masks[rows, best], 1.0 / np.exp(scores).sum(axis=1), 0.0)
        confidence = np.clip(confidence, 0.0, 1.0)
        threshold = max(self.min_confidence, np.finfo(np.float64).tiny)
        languages = self.languages
        return [
            LanguageGuess(languages[b], conf)
            if conf >= threshold
            else LanguageGuess(UNDETERMINED, 1.0 - conf)
            for b, conf in zip(best.tolist(), confidence.tolist(), strict=True)
        ]

    def _combine_one(self, view: str, mask: NDArray[np.bool_]) -> LanguageGuess:
        """:meth:`_combine` of one text: the same float operations on one row, without the
        batch's index arrays (its per-call numpy overhead is most of one comment's language ID)."""
        lid, lid_top = self._row(self._lid, view, self.top_k, self.lid_threshold)
        if self._second is None:
            # lid.176 answers its prior (the output bias) when it knows no feature of the text.
            known = np.abs(np.array([lid_top], dtype=np.float32) - self._lid_prior_top) > 1e-7
            mask = mask & known[0]
        lid /= max(lid.sum(), 1e-12)
        scores = np.log(lid + self.lid_floor)
        if self._second is not None:
            second, _ = self._row(self._second, view, -1)
            second[self._second_unknown] = self.unknown_language_prior
            scores += self.second_opinion_weight * np.log(second + self.second_opinion_floor)
        scores = np.where(mask, scores, _EXCLUDED)
        best = int(scores.argmax())
        scores -= scores[best]
        confidence = 1.0 / float(np.exp(scores).sum()) if mask[best] else 0.0
        confidence = min(max(confidence, 0.0), 1.0)
        if confidence >= max(self.min_confidence, _TINY):
            return LanguageGuess(self.languages[best], confidence)
        return LanguageGuess(UNDETERMINED, 1.0 - confidence)

    def _row(self, model: Any, text: str, k: int, threshold: float = 0.0) -> tuple[NDArray[np.float64], float]:
        """:meth:`_probabilities` of one text: its row, and its top-1 probability (float32's value)."""
        if isinstance(model, ftz.NativeFastText):
            out, top = self._probabilities(model, [text], k, threshold)
            return out[0], float(top[0])
        labels, probs = model.predict([text], k=k, threshold=threshold)
        out = np.zeros(len(self.languages))
        column = self._column
        values = probs[0].tolist()  # float32 -> the same doubles as the batch's float64 row
        for label, p in zip(labels[0], values, strict=True):
            j = column[label]
            if j >= 0:
                out[j] = p
        return out, values[0]


_RULE_UND = LanguageGuess(UNDETERMINED, 1.0)
_TINY = float(np.finfo(np.float64).tiny)
_LID_PYTHON, _LID_UND = -2, -1  # _native.lid_views() codes besides a script number


def _views(texts: Sequence[str]) -> tuple[list[str | None], NDArray[np.int8]]:
    """Each text's :func:`prepare` view and script number (``_SCRIPT_NAMES`` index), or -1 when a
    rule says ``und`` (no letters, nothing but shared words): what :meth:`LanguageDetector.detect`
    needs before the models, for a whole batch in one compiled pass."""
    if _native is None:  # pragma: no cover
        views: list[str | None] = [None] * len(texts)
        codes = np.full(len(texts), _LID_PYTHON, dtype=np.int8)
    else:
        views, raw_codes = _native.lid_views(list(texts), SHARED_WORDS, MAX_INPUT_CHARS, MAX_CHARS, _SCRIPT_CHARS)
        codes = np.frombuffer(raw_codes, dtype=np.int8).copy()
    for i in np.flatnonzero(codes == _LID_PYTHON).tolist():  # an "@" that may be an e-mail's
        codes[i], views[i] = _view(texts[i])
    return views, codes


def _view(text: str) -> tuple[int, str | None]:
    """One text's view and script number, or (-1, None): ``und`` by rule."""
    text = text[:MAX_INPUT_CHARS]
    # detect_reference's first rule, checked on its own: prepare() does not drop every mention
    # that has_letters() does ("@user@user" keeps "user"), so the view's script cannot stand in.
    if not _has_letters(text):
        return _LID_UND, None
    clean = prepare(text)
    script = dominant_script(clean[:_SCRIPT_CHARS])
    if script is None or only_shared_words(clean):
        return _LID_UND, None
    return _SCRIPT_NAMES.index(script), clean
_SCRIPT_CHARS = 120  # the script is judged on the start of a text
_EXCLUDED = -1e9  # log-score of a language the script rules out (exp() of it is exactly 0)


def _url_hint(text: str) -> bool:
    """``_URL_HINT.search(text)``, compiled (a URL may be in there)."""
    if _native is None:  # pragma: no cover
        return _URL_HINT.search(text) is not None
    return _native.url_hint(text)


def _has_letters(text: str) -> bool:
    """:func:`triage.pipeline.text.has_letters`, with a shortcut for texts that hold no URL or mention."""
    if "/" in text or "@" in text or ("." in text and _url_hint(text)):
        return has_letters(text)
    return any(map(str.isalpha, text))
