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


def test_romanized_copies_of_public_rows_for_the_heads() -> None:
    """``TrainConfig.romanized_public``: a fixed share of the Arabic-script ar/fa rows comes back
    in Latin letters with its label, under its own set name and with no language (no specialist)."""
    from triage.training.data import Example
    from triage.training.fit import LATIN_COPY, TrainConfig, public_weight, romanized_copies

    rows = [Example(f"astd-{i}", "الخدمة ممتازة والتوصيل سريع", "ar", "positive", "astd", "sentiment")
            for i in range(2000)]
    rows += [Example("en-1", "great service", "en", "positive", "tweeteval", "sentiment"),
             Example("ar-latin", "el khedma momtaza", "ar", "positive", "astd", "sentiment")]
    copies = romanized_copies(rows, 0.25)
    assert 400 < len(copies) < 600  # about a quarter, picked by a hash of the id
    assert romanized_copies(rows, 0.25) == copies  # the same copies in every build
    assert {c.source for c in copies} == {"astd" + LATIN_COPY}
    assert {c.lang for c in copies} == {"und"}
    assert all(c.label == "positive" and dominant_script(c.text) == "Latin" for c in copies)
    assert not {c.id for c in copies} & {"en-1" + LATIN_COPY, "ar-latin" + LATIN_COPY}  # Arabic script only
    assert romanized_copies(rows, 0.0) == []
    cfg = TrainConfig(public_weights={"astd:positive": 0.4})
    assert public_weight(cfg, copies[0]) == public_weight(cfg, rows[0]) == 0.4  # a copy weighs what its row weighs
