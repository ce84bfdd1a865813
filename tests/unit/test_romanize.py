"""The training-only romanizer that makes Arabizi and Finglish for the language ID's second opinion."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triage.pipeline.langid import dominant_script, prepare
from triage.pipeline.text import normalize
from triage.training.romanize import romanize

#: the Arabic alphabet with its hamza forms, ة and ى, and Persian's own letters
ARABIC_LETTERS = "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي" + "پچژکگی"


@given(st.text(alphabet=ARABIC_LETTERS + " ", min_size=1, max_size=60), st.sampled_from(["ar", "fa"]),
       st.integers(0, 2**16))
def test_arabic_letters_come_out_in_latin_letters(text: str, lang: str, seed: int) -> None:
    out = romanize(text, lang, random.Random(seed))
    assert dominant_script(out) in (None, "Latin")  # None: nothing but digits and spaces left
    assert len(out.split()) <= len(text.split())  # word for word (a lone hamza may vanish)


def test_spellings_people_use() -> None:
    rng = random.Random(0)
    ar = {romanize("شكرا حبيبي", "ar", rng).lower() for _ in range(200)}
    assert all(s.startswith(("sh", "ch")) for s in ar)  # ش: sh or ch
    assert any("7" in s.split()[1] for s in ar)  # ح: 7 ...
    assert any("h" in s.split()[1] for s in ar)  # ... or h
    fa = {romanize("خیلی ممنون", "fa", rng).lower() for _ in range(200)}
    assert all(s.startswith("kh") or s.startswith("x") for s in fa)


def test_same_seed_same_text() -> None:
    assert romanize("الطلب وصل متأخر", "ar", random.Random(5)) == romanize("الطلب وصل متأخر", "ar", random.Random(5))


def test_digits_and_emoji_pass_and_prepare_reads_latin() -> None:
    out = romanize("وصل بعد ٣ أيام 😍", "ar", random.Random(2))
    assert "3" in out
    assert "😍" in out
    assert dominant_script(prepare(normalize(out))) == "Latin"


def test_other_languages_are_refused() -> None:
    with pytest.raises(ValueError, match="no spelling for language 'ur'"):
        romanize("شكرا", "ur", random.Random(0))
