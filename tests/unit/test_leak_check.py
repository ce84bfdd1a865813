"""triage.training.leakage and training/leak_check.py: new corpus rows that retell a dev or test row
are found before they land in train."""

from __future__ import annotations

import json

import numpy as np

from tests.scripts import load_script
from triage.training.leakage import is_leak, nearest


def _module():
    return load_script("training/leak_check.py")


#: topic -> a direction; a text's vector is the sum of its topics' directions plus a little of its own
TOPICS = ["refund", "remboursement", "pizza", "wifi", "hotel", "bank", "driver", "cake", "store"]
SAME = {"remboursement": "refund"}  # a retelling in another language lands on the same topic


def fake_embed(texts: list[str]) -> np.ndarray:
    out = []
    for text in texts:
        v = np.zeros(len(TOPICS) + 65)
        v[-1] = 3.0  # what all comments share (e5 puts unrelated comments at cosine ~0.9)
        for topic in TOPICS:
            if topic in text.lower():
                v[TOPICS.index(SAME.get(topic, topic))] += 1.0
        v[len(TOPICS) + hash(text) % 64] += 0.3  # what each text has of its own
        out.append(v / np.linalg.norm(v))
    return np.array(out)


HELD = [
    ("Bravo, 4e semaine sans remboursement, vraiment au top", "fr"),
    ("the pizza came cold and late", "en"),
    ("wifi in the hotel is down again", "en"),
    ("my bank card was blocked for no reason", "en"),
    ("the driver was rude to my mum", "en"),
    ("best cake in town", "en"),
]


def test_a_retelling_in_another_language_and_a_near_copy_are_leaks() -> None:
    new = [("bravo, week four still no refund", "en"),         # the French row retold in English
           ("the pizza came cold and late!!", "en"),             # a near copy
           ("love the new store layout", "en")]                  # unrelated
    found = nearest(new, HELD, embed=fake_embed)
    assert found[0].e5_text == HELD[0][0]
    assert is_leak(found[0])
    assert found[1].char > 0.8
    assert found[1].char_text == HELD[1][0]
    assert is_leak(found[1])
    assert not is_leak(found[2])
    assert found[2].e5 < found[0].e5


def test_character_similarity_stays_within_a_language() -> None:
    found = nearest([("best cake in town", "ro")], HELD, embed=fake_embed)
    assert found[0].char == 0.0  # no Romanian held rows: nothing to compare characters with


def test_rows_close_to_a_quoted_example_are_leaks_with_a_lower_line() -> None:
    new = [("bravo, week four still no refund", "en"), ("wifi in the room keeps dropping", "en")]
    found = nearest(new, HELD, quoted=[HELD[0][0]], embed=fake_embed)
    assert found[0].quoted_text == HELD[0][0]
    assert found[0].quoted > 1.0
    assert is_leak(found[0], char_line=2, e5_line=9)  # the quoted line alone decides
    assert found[1].quoted < found[0].quoted


def test_the_command_drops_only_train_rows(tmp_path, monkeypatch) -> None:
    lc = _module()
    from triage.training.domain import split_of

    def row(text: str) -> dict:
        return {"id": "x", "text": text, "lang": "en"}

    # a near copy of a held row, one landing in train and one in dev (the split is a hash of the text)
    base = "the pizza came cold and late"
    train_copy = next(f"{base} {'!' * i}" for i in range(1, 200) if split_of(f"{base} {'!' * i}") == "train")
    dev_copy = next(f"{base} {'?' * i}" for i in range(1, 200) if split_of(f"{base} {'?' * i}") == "dev")
    path = tmp_path / "new.jsonl"
    path.write_text("".join(json.dumps(row(t)) + "\n" for t in (train_copy, dev_copy, "love the new store")),
                    encoding="utf-8")

    class Held:
        def __init__(self, text: str, lang: str) -> None:
            self.text, self.lang = text, lang

    monkeypatch.setattr(lc, "domain_examples", lambda parts: [Held(t, lang) for t, lang in HELD])
    real = lc.nearest
    monkeypatch.setattr(lc, "nearest", lambda new, held, quoted=(): real(new, held, quoted, embed=fake_embed))
    assert lc.main([str(path), "--drop-train-leaks"]) == 0
    kept = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]
    assert train_copy not in kept
    assert dev_copy in kept
    assert "love the new store" in kept
