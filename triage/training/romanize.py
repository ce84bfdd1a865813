"""Arabic and Persian comments written in Latin letters, made from Arabic-script ones (training only).

Many Arabic speakers write their dialect in Latin letters with digits for the sounds Latin lacks
("Arabizi": ``3`` for ع, ``7`` for ح, ``9`` for ق or ص), and many Persian speakers write
"Finglish" ("kheili mamnoon, sefaresh zood resid"). The language ID's second opinion
(``training/build_langid.py``) needs such text labelled ``ar`` and ``fa``, and public sets hold
almost none, so it learns them from two sources: the corpus's own Arabizi and Finglish train rows
(written by the team) and :func:`romanize` of public Arabic-script train rows.

The transliteration is deliberately loose, as people write: each letter has the spellings users
pick between (ش → ``sh`` or ``ch``, خ → ``kh``, ``5`` or ``7'``), a short vowel that Arabic script
does not write is put between two consonants most of the time, and the article ``ال`` is ``el``,
``al`` or ``l``. Digits stay in the output; :func:`triage.pipeline.langid.prepare` turns them into
word breaks before either model reads the text, as it does for real Arabizi.

>>> import random
>>> romanize("مرحبا شكرا", "ar", random.Random(1)).isascii()
True
>>> romanize("خیلی ممنون", "fa", random.Random(1)).isascii()
True
"""

from __future__ import annotations

import random
import unicodedata

__all__ = ["ROMANIZED_LANGS", "romanize"]

ROMANIZED_LANGS = ("ar", "fa")

# letter -> (spelling, weight) choices; "" drops the letter
_COMMON: dict[str, tuple[tuple[str, float], ...]] = {
    "\u0627": (("a", 1.0),),  # ا
    "\u0622": (("a", 1.0),),  # آ
    "\u0628": (("b", 1.0),),  # ب
    "\u062a": (("t", 1.0),),  # ت
    "\u062f": (("d", 1.0),),  # د
    "\u0631": (("r", 1.0),),  # ر
    "\u0632": (("z", 1.0),),  # ز
    "\u0633": (("s", 1.0),),  # س
    "\u0641": (("f", 1.0),),  # ف
    "\u0644": (("l", 1.0),),  # ل
    "\u0645": (("m", 1.0),),  # م
    "\u0646": (("n", 1.0),),  # ن
    "\u0647": (("h", 0.7), ("a", 0.3)),  # ه
    "\u0643": (("k", 1.0),),  # ك
    "\u06a9": (("k", 1.0),),  # ک
}

_ARABIC: dict[str, tuple[tuple[str, float], ...]] = {
    **_COMMON,
    "\u0623": (("a", 0.7), ("2", 0.15), ("e", 0.15)),  # أ
    "\u0625": (("e", 0.5), ("i", 0.5)),  # إ
    "\u062b": (("th", 0.5), ("s", 0.3), ("t", 0.2)),  # ث
    "\u062c": (("j", 0.6), ("g", 0.3), ("dj", 0.1)),  # ج
    "\u062d": (("7", 0.6), ("h", 0.4)),  # ح
    "\u062e": (("5", 0.35), ("kh", 0.5), ("7'", 0.15)),  # خ
    "\u0630": (("th", 0.4), ("z", 0.3), ("d", 0.3)),  # ذ
    "\u0634": (("sh", 0.7), ("ch", 0.3)),  # ش
    "\u0635": (("s", 0.6), ("9", 0.4)),  # ص
    "\u0636": (("d", 0.6), ("9'", 0.2), ("dh", 0.2)),  # ض
    "\u0637": (("t", 0.7), ("6", 0.3)),  # ط
    "\u0638": (("z", 0.5), ("dh", 0.3), ("6'", 0.2)),  # ظ
    "\u0639": (("3", 0.8), ("a", 0.2)),  # ع
    "\u063a": (("gh", 0.6), ("3'", 0.3), ("8", 0.1)),  # غ
    "\u0642": (("q", 0.3), ("9", 0.25), ("2", 0.25), ("g", 0.2)),  # ق
    "\u0629": (("a", 0.6), ("e", 0.2), ("ah", 0.2)),  # ة
    "\u0648": (("w", 0.5), ("o", 0.25), ("ou", 0.15), ("u", 0.1)),  # و
    "\u064a": (("y", 0.4), ("i", 0.4), ("ee", 0.2)),  # ي
    "\u0649": (("a", 0.6), ("i", 0.4)),  # ى
    "\u0621": (("2", 0.5), ("", 0.5)),  # ء
    "\u0626": (("2", 0.4), ("e", 0.3), ("y", 0.3)),  # ئ
    "\u0624": (("2", 0.4), ("o", 0.3), ("w", 0.3)),  # ؤ
    # letters some Arabic dialects borrow (Iraqi and Gulf چ and گ) and Persian keyboards give
    "\u067e": (("p", 0.6), ("b", 0.4)),  # پ
    "\u0686": (("ch", 1.0),),  # چ
    "\u0698": (("j", 0.5), ("zh", 0.5)),  # ژ
    "\u06af": (("g", 1.0),),  # گ
    "\u06cc": (("y", 0.4), ("i", 0.4), ("ee", 0.2)),  # ی
}

_PERSIAN: dict[str, tuple[tuple[str, float], ...]] = {
    **_COMMON,
    "\u0623": (("a", 1.0),),
    "\u067e": (("p", 1.0),),  # پ
    "\u062b": (("s", 1.0),),  # ث
    "\u062c": (("j", 1.0),),  # ج
    "\u0686": (("ch", 1.0),),  # چ
    "\u062d": (("h", 1.0),),  # ح
    "\u062e": (("kh", 0.9), ("x", 0.1)),  # خ
    "\u0630": (("z", 1.0),),  # ذ
    "\u0698": (("zh", 1.0),),  # ژ
    "\u0634": (("sh", 1.0),),  # ش
    "\u0635": (("s", 1.0),),  # ص
    "\u0636": (("z", 1.0),),  # ض
    "\u0637": (("t", 1.0),),  # ط
    "\u0638": (("z", 1.0),),  # ظ
    "\u0639": (("a", 0.6), ("'", 0.2), ("", 0.2)),  # ع
    "\u063a": (("gh", 1.0),),  # غ
    "\u0642": (("gh", 0.8), ("q", 0.2)),  # ق
    "\u06af": (("g", 1.0),),  # گ
    "\u0648": (("v", 0.35), ("o", 0.35), ("oo", 0.2), ("u", 0.1)),  # و
    "\u06cc": (("i", 0.5), ("y", 0.35), ("ee", 0.15)),  # ی
    "\u064a": (("i", 0.5), ("y", 0.35), ("ee", 0.15)),  # ي (an Arabic keyboard's yeh)
    "\u0629": (("e", 1.0),),  # ة
    "\u0625": (("e", 1.0),),  # إ
    "\u0649": (("a", 0.5), ("i", 0.5)),  # ى
    "\u0621": (("", 1.0),),  # ء
    "\u0626": (("e", 0.5), ("y", 0.5)),  # ئ
    "\u0624": (("o", 1.0),),  # ؤ
}

_VOWELS = {"ar": (("a", 0.5), ("e", 0.25), ("i", 0.15), ("o", 0.05), ("u", 0.05)),
           "fa": (("a", 0.45), ("e", 0.35), ("o", 0.15), ("i", 0.05))}
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_PUNCT = str.maketrans({"\u060c": ",", "\u061f": "?", "\u061b": ";", "\u066a": "%", "\u200c": None,
                        "\u0640": None})


def _pick(choices: tuple[tuple[str, float], ...], rng: random.Random) -> str:
    if len(choices) == 1:
        return choices[0][0]
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def _word(word: str, table: dict[str, tuple[tuple[str, float], ...]], vowels: tuple[tuple[str, float], ...],
          lang: str, rng: random.Random) -> str:
    if lang == "ar" and word.startswith("\u0627\u0644") and len(word) > 3:  # ال: the article
        return rng.choice(("el", "al", "l", "el-")) + _word(word[2:], table, vowels, lang, rng)
    out: list[str] = []
    prev_consonant = False
    for ch in word:
        spelled = table.get(ch)
        if spelled is None:
            out.append(ch)
            prev_consonant = False
            continue
        s = _pick(spelled, rng)
        consonant = bool(s) and s[-1] not in "aeiou" and ch not in "\u0627\u0622\u0648\u064a\u06cc\u0649\u0629"
        if prev_consonant and consonant and rng.random() < 0.6:
            out.append(_pick(vowels, rng))  # the short vowel Arabic script does not write
        out.append(s)
        prev_consonant = consonant
    if lang == "fa" and word.endswith("\u0647") and out and out[-1] == "h" and rng.random() < 0.8:
        out[-1] = "e"  # final silent he: "khoone", not "khoonh"
    return "".join(out)


def romanize(text: str, lang: str, rng: random.Random) -> str:
    """``text`` (Arabic script, ``lang`` ar or fa) in Latin letters as a user might type it.

    Letters of other scripts, digits (Eastern Arabic ones as ASCII), emoji and punctuation pass
    through; Arabic short-vowel marks are dropped. Raises ValueError for another ``lang``.
    """
    if lang not in ROMANIZED_LANGS:
        raise ValueError(f"romanize: no spelling for language {lang!r}; expected one of {ROMANIZED_LANGS}")
    table = _ARABIC if lang == "ar" else _PERSIAN
    vowels = _VOWELS[lang]
    text = "".join(ch for ch in unicodedata.normalize("NFC", text) if not ("\u064b" <= ch <= "\u0652"
                                                                           or ch == "\u0670"))
    text = text.translate(_DIGITS).translate(_PUNCT)
    words = [_word(w, table, vowels, lang, rng) for w in text.split()]
    out = " ".join(words)
    return out if rng.random() < 0.7 else out.capitalize()
