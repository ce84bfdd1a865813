"""Complaint themes (triage.service.analytics) on real complaints in five languages, embedded
with the shipped multilingual e5 model and their language removed as the service does: a
delivery-late theme written in en/vi/ro and a refund theme in ar/fa come out as two themes,
named by their own comments and words; and the pure parts on small hand-made vectors."""

from __future__ import annotations

import numpy as np
import pytest

from triage.pipeline.embed import Embedder
from triage.service import analytics
from triage.service.replies import without_language

LATE = [
    ("en", "My order still hasn't arrived after two weeks, where is my parcel?"),
    ("en", "Delivery is so late, I ordered ten days ago and nothing has come"),
    ("en", "The package was supposed to arrive on Monday and it's still not here"),
    ("vi", "Đặt hàng hai tuần rồi mà vẫn chưa nhận được hàng"),
    ("vi", "Giao hàng chậm quá, đơn của tôi 10 ngày vẫn chưa tới"),
    ("vi", "Sao đơn hàng của mình mãi chưa giao vậy shop?"),
    ("ro", "Comanda mea nu a ajuns nici după două săptămâni"),
    ("ro", "Livrarea întârzie foarte mult, coletul încă nu a sosit"),
]
REFUND = [
    ("ar", "أريد استرداد أموالي، المنتج وصل مكسورا"),
    ("ar", "أطالب باسترجاع المبلغ كاملا، المنتج لا يعمل"),
    ("ar", "أعيدوا لي فلوسي، هذا المنتج سيء ولا أريده"),
    ("fa", "پولم را پس بدهید، محصول خراب بود"),
    ("fa", "می‌خواهم وجه پرداختی را به من برگردانید، کالا معیوب است"),
    ("fa", "لطفا هزینه سفارش را به حسابم برگردانید"),
]
SERVICE = [
    ("en", "Nobody answers the phone, your customer service is useless"),
    ("en", "I have messaged you five times and no one replies"),
    ("es", "Nadie contesta los mensajes, pésima atención al cliente"),
    ("es", "Llevo días escribiendo y nadie me responde"),
]


@pytest.fixture(scope="module")
def vectors() -> dict[str, np.ndarray]:
    rows = LATE + REFUND + SERVICE
    embedded = Embedder().embed([t for _, t in rows])
    unit = without_language(embedded, [lang for lang, _ in rows])
    a, b = len(LATE), len(LATE) + len(REFUND)
    return {"late": unit[:a], "refund": unit[a:b], "service": unit[b:]}


def test_late_deliveries_and_refunds_in_five_languages_are_two_themes(
    vectors: dict[str, np.ndarray],
) -> None:
    texts = [t for _, t in LATE + REFUND]
    found = analytics.find_themes(np.vstack([vectors["late"], vectors["refund"]]), texts)
    assert [set(t.members) for t in found] == [set(range(8)), set(range(8, 14))]
    late, refund = found
    assert len(late.examples) == 3
    assert set(late.examples) <= set(late.members)
    assert set(refund.examples) <= set(refund.members)
    assert {"giao", "hàng"} & set(late.words)  # words of its own comments, not of the refunds
    assert not set(late.words) & set(refund.words)
    assert late.previous == refund.previous == 0  # no previous window given


def test_the_week_before_counts_toward_the_nearest_theme(vectors: dict[str, np.ndarray]) -> None:
    texts = [t for _, t in LATE + REFUND]
    previous = np.vstack([vectors["late"][:3], vectors["refund"][:1]])
    found = analytics.find_themes(
        np.vstack([vectors["late"], vectors["refund"]]), texts, previous=previous
    )
    assert [(t.count, t.previous) for t in found] == [(8, 3), (6, 1)]


def test_the_same_input_gives_the_same_themes(vectors: dict[str, np.ndarray]) -> None:
    rows = np.vstack([vectors["late"], vectors["refund"], vectors["service"]])
    texts = [t for _, t in LATE + REFUND + SERVICE]
    one = analytics.find_themes(rows, texts)
    two = analytics.find_themes(rows, texts)
    assert [(t.members, t.examples, t.words) for t in one] == [
        (t.members, t.examples, t.words) for t in two
    ]
    # The customer-service complaints (en, es) are a theme of their own.
    assert set(range(14, 18)) in [set(t.members) for t in one]


def test_few_or_identical_comments_make_one_theme_or_none() -> None:
    v = np.array([[1.0, 0.0], [0.9, 0.1], [0.8, 0.2]])
    assert analytics.find_themes(v[:1], ["a lone complaint"]) == []
    (only,) = analytics.find_themes(v, ["late parcel", "late parcel", "parcel late again"])
    assert only.members == (0, 1, 2)
    assert [only.examples[0], len(only.examples)] == [1, 2]  # a repeated text shown once
    with pytest.raises(ValueError, match="3 vectors for 2 texts"):
        analytics.find_themes(v, ["a", "b"])


def test_top_words_leave_out_stop_words_numbers_and_words_every_theme_uses() -> None:
    classes = [
        ["the parcel is late", "parcel late again 2026", "where is the parcel order"],
        ["refund my order", "I want a refund for the order"],
    ]
    late, refund = analytics.top_words(classes, 3)
    assert late[:2] == ["parcel", "late"]
    assert refund[0] == "refund"
    assert "the" not in late
    assert "2026" not in late
    assert "order" not in late[:2]
    assert "order" not in refund[:1]


def test_tfidf_fallback_groups_one_languages_wordings() -> None:
    texts = [f"The delivery is late again, order {i} never arrived" for i in range(4)]
    texts += [f"Refund my money now, the blender {i} is broken" for i in range(4)]
    current, previous = analytics.tfidf_vectors(texts, texts[:1])
    found = analytics.find_themes(current, texts, previous=previous)
    assert sorted(t.members for t in found) == [(0, 1, 2, 3), (4, 5, 6, 7)]
    assert sum(t.previous for t in found) == 1
