"""The fast tier's featurizer: training's one-pass ``fit_transform`` gives exactly the matrix
``fit`` then ``transform`` gives (a different nonzero order would change the trained model)."""

from __future__ import annotations

import numpy as np

from triage.pipeline.features import CUE_FEATURES, Featurizer

TEXTS = [
    "Where is my refund?? 3 weeks already",
    "Sản phẩm rất tốt, cảm ơn shop!",
    "Livrare rapidă, recomand cu drag",
    "متى سيصل الطلب؟",
    "سفارش دیر رسید و سرد بود",
    "WIN A FREE iPhone now http://spam.example",
    "great video, love it",
    "the shop opens at nine",
] * 3


def test_fit_transform_equals_fit_then_transform_exactly() -> None:
    one_pass = Featurizer()
    A = one_pass.fit_transform(TEXTS)
    B = Featurizer().fit(TEXTS).transform(TEXTS)
    assert A.shape == B.shape == (len(TEXTS), one_pass.n_features)
    assert A.has_sorted_indices and B.has_sorted_indices
    for name in ("indptr", "indices", "data"):
        np.testing.assert_array_equal(getattr(A, name), getattr(B, name), err_msg=name)


def test_punctuation_only_text_carries_question_and_no_letter_cues() -> None:
    f = Featurizer()
    f.fit_transform(TEXTS)
    [row] = f.transform(["???"]).toarray()
    cues = row[-len(CUE_FEATURES):]
    assert cues[CUE_FEATURES.index("question_mark")] > 0
    assert cues[CUE_FEATURES.index("ends_with_question_mark")] == 1.0
    assert cues[CUE_FEATURES.index("no_letters")] == 1.0


def test_vocabulary_file_is_read_as_the_json_module_reads_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    import pytest

    from triage.paths import DEFAULT_MODEL_DIR
    from triage.pipeline.features import _read_vocab

    shipped = DEFAULT_MODEL_DIR / "fast" / "vocab.json"
    assert _read_vocab(shipped) == json.loads(shipped.read_text(encoding="utf-8"))
    odd = tmp_path / "vocab.json"
    odd.write_text('{"char": ["a", "\\ud800"], "word": ["é"]}', encoding="utf-8")  # orjson refuses
    assert _read_vocab(odd) == json.loads(odd.read_text(encoding="utf-8"))
    odd.write_text('{"char": [', encoding="utf-8")
    with pytest.raises(json.JSONDecodeError):
        _read_vocab(odd)


def test_words_shown_as_written_are_stretches_of_the_comment_even_across_hyphens_and_punctuation() -> None:
    # every folded word bigram of the comment is shown as a stretch of the comment itself, with
    # whatever joins its words there ("Mi-ați", "refund!!! Nobody"), never re-joined by a space
    from triage.pipeline.features import _WORD_TOKEN, as_written
    from triage.pipeline.text import fold

    texts = [
        "Mi-ați luat banii de două ori pe card",
        "Where is my REFUND!!! Nobody answers...",
        "ĐẶT hàng 10 ngày—chưa thấy giao",
        "وين الخدمة؟؟ صار لي ٣ أيام",
        "e-mail: 2x charged / card-ul blocat",
    ]
    for text in texts:
        words = _WORD_TOKEN.findall(fold(text))
        terms = [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)] + words
        shown = as_written(terms, text)
        assert all(s in text for s in shown), (text, [s for s in shown if s not in text])
    assert as_written(["mi ați"], "Mi-ați luat banii") == ("Mi-ați",)
