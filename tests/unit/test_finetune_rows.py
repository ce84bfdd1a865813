"""What ``training/finetune_encoder.py`` trains on (the part that needs no PyTorch).

The fine-tuning must learn from train rows only, with each label where it means what ours
means: the corpus's rows carry every task, a two-class review set only positive against negative,
a public tag set only its own tag; the corpus's dev part and UMSAB dev are measured, never
trained on, and the corpus's test part is never read.
"""

from __future__ import annotations

import argparse

import pytest

from tests.scripts import load_script
from tests.training.helpers import write_shared_sets
from triage.training.data import seed_examples
from triage.training.domain import domain_examples
from triage.training.fit import TrainConfig

SETS = {
    "sentiment/three": [("en", "negative", "awful, I hate it"), ("en", "neutral", "the shop opens at nine"),
                        ("en", "positive", "great, I love it")],
    "sentiment/two": [("vi", "negative", "sản phẩm tệ quá"), ("vi", "positive", "sản phẩm rất tốt")],
    "sentiment/umsab_xlm-t": [("ar", "neutral", "المحل يفتح الساعة تسعة")],
    "spam/tiny-spam": [("en", "spam", "win money now http://x.co"), ("en", "ham", "nice video")],
}


def _module():
    return load_script("training/finetune_encoder.py")


def test_fine_tuning_rows_keep_each_label_where_it_means_ours(tmp_path) -> None:
    ft = _module()
    write_shared_sets(tmp_path, SETS, dev_suffix=" (dev)")
    seeds = [s for s in seed_examples() if s.lang == "en"]
    rows = {r.text: r for r in ft.collect_rows(tmp_path, TrainConfig(), public_dev_cap=10, seeds=seeds)}
    spam = ft.TAGS.index("spam")
    # public train rows: sentiment only, polarity only for a set without neutral; a tag set its own tag
    assert rows["great, I love it"].sent == ft.SENT["positive"] and not rows["great, I love it"].polar_only
    assert rows["sản phẩm tệ quá"].polar_only and rows["sản phẩm tệ quá"].tags == [-1] * len(ft.TAGS)
    assert rows["win money now http://x.co"].tags[spam] == 1 and rows["nice video"].tags[spam] == 0
    assert rows["nice video"].sent == -1 and rows["nice video"].tags.count(-1) == len(ft.TAGS) - 1
    assert not any(r.dev for r in rows.values() if not r.domain and "(dev)" not in r.text)
    # dev rows: the corpus's dev part and UMSAB dev are measured only; other public dev sets are not read
    assert rows["المحل يفتح الساعة تسعة (dev)"].dev
    assert "great, I love it (dev)" not in rows and "nice video (dev)" not in rows
    corpus = [r for r in rows.values() if r.domain]
    assert len(corpus) == len({s.text for s in seeds})
    assert all(r.sent >= 0 and -1 not in r.tags and r.prio >= 0 for r in corpus)
    assert {r.text for r in corpus if r.dev} == {s.text for s in seeds if s.is_dev}
    # the corpus's test part is never read
    test_part = {e.text for e in domain_examples(parts=("test",))}
    assert test_part and not test_part & set(rows)


def test_pos_weight_option_weighs_one_tags_positives_and_rejects_bad_input() -> None:
    ft = _module()
    parser = argparse.ArgumentParser()
    weights = ft._pos_weights(["abuse=4"], parser)
    assert weights[ft.TAGS.index("abuse")] == 4.0
    assert [w for t, w in zip(ft.TAGS, weights, strict=True) if t != "abuse"] == [1.0] * (len(ft.TAGS) - 1)
    for bad in ("abuse", "abuse=x", "insult=2", "abuse=0"):
        with pytest.raises(SystemExit):
            ft._pos_weights([bad], parser)
