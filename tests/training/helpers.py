"""Small synthetic labelled files for the retraining tests (deterministic)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

NEG = ["awful", "terrible", "horrible", "the worst", "disappointing", "broken", "useless"]
POS = ["great", "wonderful", "amazing", "excellent", "lovely", "fantastic", "perfect"]
THINGS = ["delivery", "app", "support team", "package", "checkout", "update", "store", "service"]

#: (lang, sentiment, tags, text template) -- {t} a thing, {a} an adjective
TEMPLATES = [
    ("en", "negative", "complaint", "my {t} was {a}, I want a refund"),
    ("en", "negative", "", "{t} {a} today"),
    ("en", "neutral", "question", "what time does the {t} open?"),
    ("en", "neutral", "", "I used the {t} on monday"),
    ("en", "positive", "praise", "thank you, the {t} was {a}!"),
    ("en", "positive", "", "{t} looks {a}"),
    ("en", "neutral", "spam", "free money for your {t} click http://win.example.com"),
    ("es", "negative", "complaint", "el {t} fue {a}, quiero mi dinero"),
    ("es", "neutral", "question", "¿a qué hora abre el {t}?"),
    ("es", "positive", "praise", "gracias, el {t} fue {a}!"),
    ("es", "neutral", "", "compré el {t} ayer"),
]
ES = {"awful": "horrible", "terrible": "terrible", "horrible": "pésimo", "the worst": "lo peor",
      "disappointing": "decepcionante", "broken": "roto", "useless": "inútil", "great": "genial",
      "wonderful": "maravilloso", "amazing": "increíble", "excellent": "excelente", "lovely": "precioso",
      "fantastic": "fantástico", "perfect": "perfecto"}


def rows(n_per_template: int = 6) -> list[dict]:
    out = []
    for lang, sent, tags, tpl in TEMPLATES:
        adjs = NEG if sent == "negative" else POS
        for i in range(n_per_template):
            a = adjs[i % len(adjs)]
            a = ES.get(a, a) if lang == "es" else a
            text = tpl.format(t=THINGS[(i * 3 + len(tpl)) % len(THINGS)], a=a) + f" #{i}"
            out.append({"text": text, "lang": lang, "sentiment": sent, "tags": tags})
    return out


def write_csv(path: Path, data: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(data[0]))
        w.writeheader()
        w.writerows(data)
    return path


def write_jsonl(path: Path, data: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in data), encoding="utf-8")
    return path


def write_shared_sets(root: Path, sets: dict[str, list[tuple[str, str, str]]], dev_suffix: str = "") -> Path:
    """Tiny datasets in the shared datasets' layout and schema (``<task>/<name>.<split>.jsonl``):
    ``sets`` maps "task/name" to (lang, label, text) rows, written as train and dev (the dev texts
    with ``dev_suffix`` appended, to tell the splits apart)."""
    for key, data in sets.items():
        task, name = key.split("/")
        (root / task).mkdir(parents=True, exist_ok=True)
        for split in ("train", "dev"):
            write_jsonl(root / task / f"{name}.{split}.jsonl", [
                {"id": f"{name}:{split}/{i}", "text": text + (dev_suffix if split == "dev" else ""),
                 "lang": lang, "label": label, "source": name}
                for i, (lang, label, text) in enumerate(data)])
    return root


#: A tiny shared-datasets folder (``write_shared_sets``): two sentiment sets and one set per tag task.
TINY_SHARED_SETS = {
    "sentiment/tiny-3class": [
        ("en", "negative", "this is awful, I hate it"), ("en", "negative", "worst service ever, terrible"),
        ("en", "neutral", "the shop opens at nine"), ("en", "neutral", "I ordered a blue shirt"),
        ("en", "positive", "great, I love it"), ("en", "positive", "wonderful staff, amazing"),
        ("ro", "negative", "foarte prost, nu recomand"), ("ro", "neutral", "magazinul este pe strada mare"),
        ("ro", "positive", "super, recomand cu drag"),
    ],
    "sentiment/tiny-2class": [
        ("vi", "negative", "sản phẩm tệ quá"), ("vi", "positive", "sản phẩm rất tốt"),
        ("vi", "negative", "giao hàng chậm, thất vọng"), ("vi", "positive", "đẹp lắm, cảm ơn shop"),
    ],
    "spam/tiny-spam": [("en", "spam", "win money now http://x.co"), ("en", "ham", "nice video")] * 3,
    "complaint/tiny-complaint": [("en", "complaint", "my order never arrived"), ("en", "not_complaint", "see you")] * 3,
    "question/tiny-question": [("en", "question", "when do you open?"), ("en", "not_question", "ok")] * 3,
}
