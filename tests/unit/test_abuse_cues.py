"""Abuse cues: the hand-written lexicon finds insults written past a filter, tells swearing from
abuse, and the fast abuse head uses the cues only when it was trained with them.

The sentences are written for these tests (whole comments, not the cue strings).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from triage import Comment
from triage.pipeline import load_pipeline
from triage.pipeline.abuse_cues import ABUSE_CUES, CATEGORIES, FEATURE_NAMES, AbuseCues
from triage.pipeline.core import abuse_features, fast_tag_probs
from triage.pipeline.heads import LinearHead
from triage.pipeline.text import normalize
from triage.types import Tag, Tier

LANGS = ("en", "vi", "ro", "ar", "fa", "es", "fr", "de", "it", "pt", "hi", "id", "ru", "tr")


@pytest.fixture(scope="module")
def cues() -> AbuseCues:
    return AbuseCues()


def kinds(cues: AbuseCues, text: str) -> set[str]:
    return {c for c, n in zip(CATEGORIES, cues.counts(cues.view(normalize(text))), strict=True) if n}


def test_every_kind_is_written_for_every_language() -> None:
    for kind in CATEGORIES:
        assert set(ABUSE_CUES[kind]) == set(LANGS), kind


@pytest.mark.parametrize("text", [
    "el repartidor es un subnormal",
    "Pelayan di sini pada tolol semua",
    "Bọn tổng đài não tôm",
    "garsonlarınız mal mı",
    "garsonlariniz mal mi",          # Turkish without its letters
    "cahil teyze",
    "Ur tech guy is an absolute donkey",
    "يا تيس",
    "adminesh khare",                # Finglish
    "bon tong dai nao tom",          # Vietnamese without diacritics
    "ce idioti sunteti la call center",
    "тупые курьеры опять",
])
def test_plain_insults_are_insults(cues: AbuseCues, text: str) -> None:
    assert "insult" in kinds(cues, text)


@pytest.mark.parametrize("text", [
    "f*ck you and your shop",
    "F.U.C.K you",
    "fuuuuuck you",
    "what an a$$hole",
    "your manager is a d0nkey",
    "Pr0stii de la call center",
    "tumhare delivery wale ch*tiye",
    "thằng c h ó",
    "b*tch please",
])
def test_obfuscated_insults_are_read(cues: AbuseCues, text: str) -> None:
    assert "insult" in kinds(cues, text)


@pytest.mark.parametrize(("text", "word"), [
    ("this is sh1t", "shit"),
    ("f.u.c.k this printer", "fuck"),
    ("what the f**k happened", "fuck"),
    ("đ.m mạng lag quá", "dm"),
])
def test_obfuscated_swearing_is_profanity(cues: AbuseCues, text: str, word: str) -> None:
    view = cues.view(normalize(text))
    assert word in view.replace(".", " ").split() or word in cues.hits(view)["profanity"]
    assert "profanity" in kinds(cues, text)


@pytest.mark.parametrize("text", [
    "esto está de puta madre",
    "لعنت به این گرونی",
    "ce naiba, a ajuns deja?",
    "the damn printer you sold me jams",
    "porca puttana che pizza buona",
    "pizza ngon vcl",
    "amk bu ne hız, teşekkürler",
    "охуенно быстро доставили, блин",
])
def test_swearing_alone_is_profanity_not_abuse(cues: AbuseCues, text: str) -> None:
    found = kinds(cues, text)
    assert "profanity" in found
    assert not found & {"insult", "slur", "violence", "sexual"}
    row = cues.features([cues.view(normalize(text))])[0]
    assert row[FEATURE_NAMES.index("abuse_profanity_only")] == 1.0


def test_threats_and_insults_are_not_profanity_only(cues: AbuseCues) -> None:
    assert "violence" in kinds(cues, "I'll break your head if the driver comes late again")
    assert "violence" in kinds(cues, "dükkanınızı yakarım")
    assert "violence" not in kinds(cues, "I could murder a pizza right now")
    row = cues.features([cues.view(normalize("your staff are fucking idiots"))])[0]
    assert row[FEATURE_NAMES.index("abuse_insult")] == 1.0
    assert row[FEATURE_NAMES.index("abuse_profanity_only")] == 0.0


def test_persian_with_and_without_zwnj(cues: AbuseCues) -> None:
    assert "insult" in kinds(cues, "این یارو بی\u200cشعور است")
    assert "insult" in kinds(cues, "این یارو بیشعور است")
    assert "insult" in kinds(cues, "این یارو بی شعور است")


def test_ordinary_comments_hit_no_abusive_cue(cues: AbuseCues) -> None:
    for text in ("The delivery was late and the soup was cold",
                 "Lý do cho việc giao hàng chậm là gì?",        # "cho" is not "chó"
                 "Mal servicio, el pedido llegó frío",           # Spanish "mal" is not Turkish "mal"
                 "Il m'a dit que la commande arrive demain",     # "dit" is not Vietnamese
                 "I bought an mp3 player and a 4g router at 10am"):
        assert not kinds(cues, text) & {"insult", "slur", "violence", "sexual"}, text


def test_features_shape_and_range(cues: AbuseCues) -> None:
    texts = ["", "hello", "you idiot", "damn", "I'll kill you, bitch"]
    F = cues.features([cues.view(normalize(t)) for t in texts])
    assert F.shape == (5, len(FEATURE_NAMES))
    assert F.dtype == np.float32
    assert F.min() >= 0.0
    assert set(np.unique(F)) <= {0.0, float(F.max())}  # each feature is off or on
    assert not F[0].any()
    assert not F[1].any()
    assert F[2].any()


def _widened(head: LinearHead, insult_weight: float) -> LinearHead:
    extra = np.zeros((head.coef.shape[0], len(FEATURE_NAMES)), dtype=np.float32)
    extra[:, FEATURE_NAMES.index("abuse_insult")] = insult_weight
    return LinearHead(head.classes, np.hstack([head.coef, extra]), head.intercept)


def test_older_model_without_the_cue_columns_still_loads_and_scores() -> None:
    pipe = load_pipeline()  # any model dir: its abuse head is as wide as the shared features, or wider
    base = pipe.heads["fast.abuse"]
    if base.coef.shape[1] != pipe.featurizer.n_features:  # a model trained with the cues: cut them off
        base = LinearHead(base.classes, base.coef[:, : pipe.featurizer.n_features], base.intercept)
    old = dataclasses.replace(pipe, heads={**pipe.heads, "fast.abuse": base})
    [r] = old.score_batch([Comment("your driver is a total idiot")], Tier.FAST)
    assert 0.0 <= r.tags.abuse <= 1.0


def test_a_head_trained_with_the_cues_reads_them() -> None:
    pipe = load_pipeline()
    base = pipe.heads["fast.abuse"]
    if base.coef.shape[1] != pipe.featurizer.n_features:
        base = LinearHead(base.classes, base.coef[:, : pipe.featurizer.n_features], base.intercept)
    texts = ["your driver is a total subnormal", "your driver was a bit late today"]
    clean = [normalize(t) for t in texts]
    X = pipe.featurizer.transform(clean)
    plain = fast_tag_probs({"fast.abuse": base}, Tag.ABUSE, X, clean)
    wide = fast_tag_probs({"fast.abuse": _widened(base, 6.0)}, Tag.ABUSE, X, clean)
    assert wide[0] > plain[0] + 0.2      # the insult cue pushes the first one up
    assert wide[1] == pytest.approx(plain[1], abs=1e-6)  # no cue, no change
    assert abuse_features(X, clean).shape[1] == X.shape[1] + len(FEATURE_NAMES)
    # the pipeline adds the cue columns' share without copying X: same answer as the wide matrix
    assert wide == pytest.approx(_widened(base, 6.0).proba_of(abuse_features(X, clean), "1"), abs=1e-5)
    scored = dataclasses.replace(pipe, heads={**pipe.heads, "fast.abuse": _widened(base, 6.0)})
    a, b = scored.score_batch([Comment(t) for t in texts], Tier.FAST)
    assert a.tags.abuse > b.tags.abuse
