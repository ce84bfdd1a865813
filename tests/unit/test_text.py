"""Text normalization: what the classifiers and the language detector see."""

import pytest

from triage.pipeline.text import fold, has_letters, normalize


def test_normalize_removes_invisible_characters_but_keeps_zwnj() -> None:
    assert normalize("a\u200bb\ufeff c\u200fd") == "ab cd"
    # Persian needs ZWNJ: "می‌خواهم" must keep it.
    assert normalize("می\u200cخواهم") == "می\u200cخواهم"


def test_normalize_keeps_arabic_persian_letter_variants() -> None:
    # ي vs ی tells Arabic from Persian, so the clean text keeps both.
    assert normalize("يی كک") == "يی كک"


def test_fold_unifies_arabic_script_variants_and_drops_diacritics() -> None:
    assert fold("كَيفَ") == fold("کیف")


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Sooooo GOOD!!!", "soo good!!"),
        ("see https://shop.example.com/x?y=1 now", "see httpurl now"),
        ("ping @best_shop pls", "ping @user pls"),
        ("call +40 721 234 567 today", "call phonenum today"),
        ("mail me at a.b@example.org", "mail me at emailaddr"),
        ("only 199.000đ", "only 0đ"),
    ],
)
def test_fold_masks_entities(raw: str, folded: str) -> None:
    assert fold(raw) == folded


@pytest.mark.parametrize(("text", "expected"), [("👍👍", False), ("??", False), ("http://x.co", False),
                                                ("@bob", False), ("123", False), ("ok", True), ("خوب", True)])
def test_has_letters(text: str, expected: bool) -> None:
    assert has_letters(text) is expected
