"""The audit's relabelling: public rows whose upstream fine label means something our rule book
does not call abuse (untargeted profanity) teach the abuse head "not abusive"."""

from __future__ import annotations

from pathlib import Path

from tests.training.helpers import write_jsonl
from triage.training.data import read_examples
from triage.training.fit import TrainConfig, _tag_train, relabelled
from triage.types import Tag


def _abuse_set(root: Path, name: str, rows: list[tuple[str, str, dict]]) -> None:
    (root / "abuse").mkdir(parents=True, exist_ok=True)
    write_jsonl(root / "abuse" / f"{name}.train.jsonl", [
        {"id": f"{name}:{i}", "text": text, "lang": "ro", "label": label, "source": name, "meta": meta}
        for i, (text, label, meta) in enumerate(rows)])


def test_untargeted_profanity_is_read_as_not_abusive(tmp_path: Path) -> None:
    _abuse_set(tmp_path, "ro-offense", [
        ("ce naiba, iar a pierdut echipa", "abusive", {"orig": "PROFANITY"}),
        ("esti un prost si jumatate", "abusive", {"orig": "INSULT"}),
        ("meci frumos aseara", "not_abusive", {"orig": "OTHER"}),
    ])
    _abuse_set(tmp_path, "olid", [
        ("shit ain't gonna work", "abusive", {"orig": "OFF", "subtask_b": "UNT"}),
        ("you are a moron", "abusive", {"orig": "OFF", "subtask_b": "TIN"}),
    ])
    rows = list(read_examples(tmp_path, "abuse", "olid", "train"))
    assert rows[0].fine == ("OFF", "UNT")
    data = _tag_train(tmp_path, Tag.ABUSE, [], TrainConfig())
    y = dict(zip(data.texts, data.y, strict=True))
    assert y == {"ce naiba, iar a pierdut echipa": 0, "esti un prost si jumatate": 1, "meci frumos aseara": 0,
                 "shit ain't gonna work": 0, "you are a moron": 1}
    # with the relabelling switched off, the upstream labels are read as published
    raw = _tag_train(tmp_path, Tag.ABUSE, [], TrainConfig(public_relabel={}))
    assert dict(zip(raw.texts, raw.y, strict=True))["shit ain't gonna work"] == 1


def test_relabelling_leaves_other_sets_and_labels_alone(tmp_path: Path) -> None:
    _abuse_set(tmp_path, "vihsd", [("đồ ngu", "abusive", {"orig": "PROFANITY"})])  # not a listed set
    (row,) = read_examples(tmp_path, "abuse", "vihsd", "train")
    assert relabelled(TrainConfig(), row) is row
