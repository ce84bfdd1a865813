"""The feedback loop: moderators correct a domain the model gets wrong, the corrections are
exported (``triage labels export``), and a model trained with them is better on held-out
comments of that domain while not worse elsewhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.training.helpers import rows, write_csv
from triage.cli import app
from triage.pipeline.core import load_pipeline
from triage.service import moderation
from triage.service.auth import Principal, Role
from triage.service.settings import Settings
from triage.service.store import Database, upgrade
from triage.training.labelled import read_labelled
from triage.training.report import evaluate_examples
from triage.training.retrain import TrainOptions, train_from_files

pytestmark = pytest.mark.slow

# A made-up gaming community: its words for good and bad appear nowhere in the base data.
GOOD = ["glimmy", "zintastic", "fribbly", "plonkish", "wuzzy"]
BAD = ["blarfy", "grottish", "snurked", "vorpy", "klunted"]
ITEMS = ["raid", "loot drop", "patch", "boss fight", "skin", "quest line", "server", "matchmaking"]


def _domain(start: int, n: int) -> list[dict]:
    out = []
    for i in range(start, start + n):
        good = i % 2 == 0
        word = (GOOD if good else BAD)[(i // 2) % 5]
        item = ITEMS[(i * 7) % len(ITEMS)]
        out.append({"text": f"that {item} is so {word} lol {i}", "lang": "en",
                    "sentiment": "positive" if good else "negative", "tags": ["praise"] if good else ["complaint"]})
    return out


def test_corrections_fix_a_domain_without_hurting_the_rest(tmp_path: Path, labelled_csv: Path,
                                                            trained: dict[str, Path]) -> None:
    base = load_pipeline(trained["good"])
    # 1. the comments arrive in the service; moderators correct them
    url = f"sqlite:///{tmp_path / 'mod.db'}"
    upgrade(url)
    db = Database(url)
    admin = Principal(0, "mod-ana", Role.ADMIN, frozenset())
    corrections = _domain(0, 60)
    try:
        stored = moderation.ingest(db, base, Settings(database_url=url), admin, "game-forum",
                                   [moderation.NewComment(f"c{i}", r["text"]) for i, r in enumerate(corrections)])
        for (comment, _), r in zip(stored.rows, corrections, strict=True):
            moderation.add_label(db, admin, comment.id, {"sentiment": r["sentiment"], "tags": r["tags"], "lang": "en"})
    finally:
        db.dispose()
    # 2. export them as training data
    exported = tmp_path / "corrections.jsonl"
    result = CliRunner().invoke(app, ["labels", "export", "--db", url, "-o", str(exported)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in exported.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 60 and lines[0]["labelled_by"] == "mod-ana" and lines[0]["tags"] in (["praise"], ["complaint"])
    # 3. retrain on the base data plus the corrections; the gate compares with the base model
    new_dir = tmp_path / "with-corrections"
    train_from_files([labelled_csv, exported], new_dir, options=TrainOptions(base="none", min_examples=10),
                     compare_to=trained["good"], log=lambda _: None)
    new = load_pipeline(new_dir)
    # 4. better on held-out comments of the domain, not worse on held-out general comments
    domain_test = read_labelled([write_csv(tmp_path / "domain.csv", [dict(r, tags="|".join(r["tags"])) for r in _domain(1000, 40)])]).examples
    general_test = read_labelled([write_csv(tmp_path / "general.csv", [r for r in rows(9) if int(r["text"].rsplit("#", 1)[1]) >= 6])]).examples  # unseen rows
    old_d, new_d = evaluate_examples(base, domain_test), evaluate_examples(new, domain_test)
    old_g, new_g = evaluate_examples(base, general_test), evaluate_examples(new, general_test)
    f1 = lambda m, task: m["tasks"][task]["all"]["macro_f1"]  # noqa: E731
    assert f1(new_d, "sentiment") >= f1(old_d, "sentiment") + 0.2, (f1(old_d, "sentiment"), f1(new_d, "sentiment"))
    assert f1(new_d, "tags") >= f1(old_d, "tags") + 0.2, (f1(old_d, "tags"), f1(new_d, "tags"))
    assert f1(new_g, "sentiment") >= f1(old_g, "sentiment") - 0.02
    assert f1(new_g, "tags") >= f1(old_g, "tags") - 0.02
