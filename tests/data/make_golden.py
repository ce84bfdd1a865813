"""Regenerate tests/data/golden_sample.jsonl from the shipped model (after a deliberate model change).

    python tests/data/make_golden.py

The golden file is a snapshot: review its diff before committing it, since every changed label
is a behaviour change users will see.
"""

import json
from pathlib import Path

from triage.pipeline.core import load_pipeline
from triage.types import Comment

HERE = Path(__file__).resolve().parent
TEXTS = [
    "Where is my order?? I paid 2 weeks ago and nobody answers my messages!",
    "Thank you so much, the staff were amazing and the food was delicious!",
    "ok thanks",
    "Do you ship to Canada?",
    "FREE iPhone giveaway!!! click http://bit.ly/free-ip and follow me",
    "shop ơi áo bị rách, đổi trả thế nào ạ?",
    "sản phẩm rất đẹp, giao hàng nhanh, cảm ơn shop nhiều",
    "cand ajunge comanda mea? am platit de o saptamana",
    "Mulțumesc frumos, cafeaua a fost excelentă!",
    "هل يوجد توصيل إلى الرياض؟",
    "الخدمة سيئة جدا والانترنت مقطوع من يومين ولا أحد يرد",
    "سلام، قیمت این بسته اینترنت چنده؟",
    "خیلی ممنون، پشتیبانی‌تون عالی بود",
    "👍👍",
    "??",
    "¿Cuánto cuesta el envío a Madrid?",
    "Le service client ne répond jamais, c'est honteux.",
    "Спасибо большое, всё пришло вовремя!",
]


def main() -> None:
    pipe = load_pipeline()
    with (HERE / "golden_sample.jsonl").open("w", encoding="utf-8") as fh:
        for text, result in zip(TEXTS, pipe.score_batch([Comment(t) for t in TEXTS]), strict=True):
            rec = result.to_record()
            row = {"text": text, **{k: rec[k] for k in ("lang", "sentiment", "tags", "queue", "priority")}}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
