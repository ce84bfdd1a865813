"""Text normalization: pure functions, no state, every one idempotent.

Two levels, because language ID and the classifiers want different things:

* :func:`normalize` is the canonical clean text: Unicode NFKC, invisible and bidi control
  characters removed (ZWNJ, which Persian spelling needs, and ZWJ, which emoji sequences need,
  are kept), whitespace collapsed. Letter variants are kept, since they tell Arabic from Persian.
* :func:`fold` is what the classifiers see: the clean text lower-cased, URLs, @mentions, e-mail
  addresses, phone numbers and numbers replaced by placeholder tokens, elongations ("sooooo")
  shortened, Arabic-script letter variants (ي/ی, ك/ک, أ/إ/آ/ا) unified and diacritics dropped.
* :func:`embedding_text` is what the sentence-embedding model sees: clean text with URLs and
  mentions masked the way the training tweets are, cut to a bounded length.

The character-wise steps run in compiled code (:mod:`triage.pipeline._native`); the
``*_reference`` functions spell the same steps out with regular expressions, and the tests check
that both give the same strings. :func:`fold` remembers its latest answers (a pure function's
memo: the same text always folds the same way).

>>> normalize("  Ｈｅｌｌｏ\u200b  world ")
'Hello world'
>>> fold("Sooooo GOOD!!! see https://x.co/a @bob")
'soo good!! see httpurl @user'
"""

from __future__ import annotations

import re
import unicodedata
import warnings

try:
    from triage.pipeline import _native
except ImportError:  # pragma: no cover - only when the package was not installed (scripts/setup)
    _native = None
    warnings.warn(
        "triage's compiled text and feature code (triage/pipeline/_native.c) is not built: scoring "
        "falls back to the pure-Python reference, about ten times slower. Run scripts/setup "
        "(pip install -e .) to build it.",
        RuntimeWarning,
        stacklevel=2,
    )
_F_AT, _F_SLASH, _F_DOT, _F_DIGIT, _F_DIGITS8 = (1, 2, 4, 8, 16)  # _native.fold_flags() bits

__all__ = [
    "MAX_EMBEDDING_CHARS",
    "embedding_text",
    "fold",
    "fold_reference",
    "forget_folds",
    "has_letters",
    "normalize",
    "normalize_reference",
]

# Invisible characters that carry no meaning for us: zero-width space, word joiner, BOM, soft
# hyphen, directional marks and embeddings/isolates. ZWNJ (U+200C) and ZWJ (U+200D) are kept.
_INVISIBLE = re.compile("[\u00ad\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_SPACE = re.compile(r"\s+")

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|ly|co|io|me|ro|vn|ir|info|biz|xyz)(?:/\S*)?\b", re.IGNORECASE)
# Every match of _URL's second branch (no "://", no "www.") contains a match of this: a cheap test
# that skips _URL on the many texts with a full stop and no link.
_URL_HINT = re.compile(r"www\.|\.(?:com|net|org|ly|co|io|me|ro|vn|ir|info|biz|xyz)\b", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_MENTION = re.compile(r"(?<!\w)@\w+(?:@\w+)*")  # "@a@b" is one mention (fold stays idempotent)
# Phone numbers: 8+ digits, optionally grouped by spaces, dots or dashes, optional leading +.
_PHONE = re.compile(r"(?<![\w])\+?\d(?:[\s.\-]?\d){7,}(?!\w)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Three or more repeats of the same character become two ("sooooo" -> "soo", "!!!!" -> "!!").
_ELONGATION = re.compile(r"(.)\1{2,}")

# Arabic-script folding: Arabic/Persian letter variants to one form, tatweel and harakat dropped.
_ARABIC_FOLD = str.maketrans(
    {
        "\u064a": "\u06cc",  # ARABIC YEH -> FARSI YEH
        "\u0649": "\u06cc",  # ALEF MAKSURA -> FARSI YEH
        "\u0643": "\u06a9",  # ARABIC KAF -> KEHEH
        "\u0623": "\u0627",  # ALEF WITH HAMZA ABOVE -> ALEF
        "\u0625": "\u0627",  # ALEF WITH HAMZA BELOW -> ALEF
        "\u0622": "\u0627",  # ALEF WITH MADDA -> ALEF
        "\u0629": "\u0647",  # TEH MARBUTA -> HEH
        "\u0640": None,  # TATWEEL
    }
)
_ARABIC_DIACRITICS = re.compile("[\u064b-\u0652\u0670]")

#: Texts longer than this are cut before embedding (the cost grows with length; the gist is early).
MAX_EMBEDDING_CHARS = 512


def normalize(text: str) -> str:
    """Canonical clean text: NFKC, invisible characters removed, whitespace collapsed."""
    if _native is None:  # pragma: no cover
        return normalize_reference(text)
    return _native.clean(unicodedata.normalize("NFKC", text))


def fold(text: str) -> str:
    """Classifier view of a text: clean, lower-cased, entities masked, variants unified.

    Exactly :func:`fold_reference`, faster: a substitution runs only when the characters it
    needs are there (``@`` for e-mail addresses and mentions, ``/`` or a dot before a known
    top-level domain for URLs, decimal digits for numbers, eight of them for phone numbers),
    and the character-wise steps after ``lower()`` are one compiled pass. The answers for the
    last million or so characters of input are kept: a batch is folded by the featurizer, then
    again by the urgency cues and campaign grouping, and the second time is a dict lookup.
    """
    global _fold_cached_chars
    folded = _FOLD_CACHE.get(text)
    if folded is not None:
        return folded
    folded = _fold(text)
    _fold_cached_chars += len(text)
    if _fold_cached_chars > _FOLD_CACHE_CHARS:
        _FOLD_CACHE.clear()
        _fold_cached_chars = len(text)
    _FOLD_CACHE[text] = folded
    return folded


#: fold()'s memory: input text -> its fold, emptied once it holds this many input characters
#: (a few MB; far more than one batch of the pipeline).
_FOLD_CACHE_CHARS = 1_000_000
_FOLD_CACHE: dict[str, str] = {}
_fold_cached_chars = 0


def forget_folds() -> None:
    """Empty :func:`fold`'s memory (benchmarks time the folding itself)."""
    global _fold_cached_chars
    _FOLD_CACHE.clear()
    _fold_cached_chars = 0


def _fold(text: str) -> str:
    if _native is None:  # pragma: no cover
        return fold_reference(text)
    text = normalize(text)
    flags = _native.fold_flags(text)
    if flags & _F_AT:
        text = _EMAIL.sub(" emailaddr ", text)
    if flags & _F_SLASH or (flags & _F_DOT and _native.url_hint(text)):
        text = _native.url_sub(text, " httpurl ")  # _URL.sub(" httpurl ", text)
    if flags & _F_AT and "@" in text:
        text = _MENTION.sub(" @user ", text)
    if flags & _F_DIGIT:
        if flags & _F_DIGITS8:
            text = _PHONE.sub(" phonenum ", text)
        text = _native.fold_numbers(text)  # _NUMBER.sub("0", text)
    return _native.fold_tail(text.lower())


def normalize_reference(text: str) -> str:
    """:func:`normalize` spelled out with regular expressions (tests compare the two)."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    return _SPACE.sub(" ", text).strip()


def fold_reference(text: str) -> str:
    """:func:`fold` spelled out with regular expressions (tests compare the two)."""
    text = normalize_reference(text)
    text = _EMAIL.sub(" emailaddr ", text)
    text = _URL.sub(" httpurl ", text)
    text = _MENTION.sub(" @user ", text)
    text = _PHONE.sub(" phonenum ", text)
    text = _NUMBER.sub("0", text)
    text = text.lower().translate(_ARABIC_FOLD)
    text = _ARABIC_DIACRITICS.sub("", text)
    text = _ELONGATION.sub(r"\1\1", text)
    return _SPACE.sub(" ", text).strip()


def embedding_text(text: str) -> str:
    """Sentence-embedding view: clean text, URLs and mentions masked, length bounded."""
    text = normalize(text)
    text = _URL.sub("http", text)
    text = _MENTION.sub("@user", text)
    return text[:MAX_EMBEDDING_CHARS]


def has_letters(text: str) -> bool:
    """True if the text has at least one letter (any script) outside URLs and mentions."""
    stripped = _URL.sub(" ", text) if _native is None else _native.url_sub(text, " ")
    stripped = _MENTION.sub(" ", stripped)
    return any(ch.isalpha() for ch in stripped)
