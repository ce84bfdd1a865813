"""A team's labels count (#11): trained on labels that contradict the base model in one small
domain, the new model follows the team there and stays within the regression gate elsewhere.

The team's domain: a sarcastic gaming page where "amazing" and "great job" under a broken patch
mean a complaint. The base model reads such comments as praise. ``user_share`` (default 0.5)
gives the team's rows half of every head's training signal, however few they are.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.training.helpers import rows, write_csv
from triage.pipeline.core import load_pipeline
from triage.training.domain import domain_examples
from triage.training.fit import TrainConfig
from triage.training.labelled import read_labelled
from triage.training.report import evaluate_examples
from triage.training.retrain import TrainOptions, train_from_files

pytestmark = pytest.mark.slow

PRAISE_WORDS = ["amazing", "great job", "wonderful", "fantastic work", "love it", "brilliant"]
THINGS = ["patch", "update", "server", "matchmaking", "launcher", "ranked mode", "new season", "event"]


def _team_rows(start: int, n: int) -> list[dict]:
    """Sarcastic praise-looking comments the team labels as complaints (negative, high)."""
    out = []
    for i in range(start, start + n):
        word = PRAISE_WORDS[i % len(PRAISE_WORDS)]
        thing = THINGS[(i * 5) % len(THINGS)]
        out.append({"text": f"{word} devs, the {thing} crashed again {i}", "lang": "en",
                    "sentiment": "negative", "tags": "complaint", "priority": "high"})
    return out


def _f1(metrics: dict, task: str) -> float:
    return metrics["tasks"][task]["all"]["macro_f1"]


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("team")
    team_csv = write_csv(root / "team.csv", _team_rows(0, 60))
    general = write_csv(root / "general.csv", rows())
    base, new = root / "base", root / "team"
    # the base: the brand-page corpus plus some general rows (fast tier; the same mechanics as --base default)
    train_from_files([general], base, options=TrainOptions(base="none"), log=lambda _: None)
    train_from_files([general, team_csv], new, options=TrainOptions(base="none", min_examples=5), compare_to=base,
                     log=lambda _: None)
    return {"root": root, "base": base, "team": new}


def test_the_new_model_follows_the_team_in_its_domain(models: dict[str, Path]) -> None:
    held = read_labelled([write_csv(models["root"] / "held.csv", _team_rows(1000, 40))]).examples
    old = evaluate_examples(load_pipeline(models["base"]), held)
    new = evaluate_examples(load_pipeline(models["team"]), held)
    # the base model disagrees with the team here; the new one agrees (macro-F1 against the team's labels)
    assert new["tasks"]["sentiment"]["all"]["accuracy"] >= 0.8 > old["tasks"]["sentiment"]["all"]["accuracy"]
    assert _f1(new, "tags") >= 0.8
    results = load_pipeline(models["team"]).score_batch(
        [__import__("triage").Comment(e.text) for e in held])
    assert sum(r.priority.queue.value == "urgent" for r in results) >= 0.8 * len(held)


def test_elsewhere_it_stays_within_the_regression_gate(models: dict[str, Path]) -> None:
    dev = domain_examples(parts=("dev",))
    data = [{"text": e.text, "lang": e.lang, "sentiment": e.sentiment, "tags": "|".join(sorted(e.tags))} for e in dev]
    general = read_labelled([write_csv(models["root"] / "corpus-dev.csv", data)]).examples
    old = evaluate_examples(load_pipeline(models["base"]), general)
    new = evaluate_examples(load_pipeline(models["team"]), general)
    gate = TrainOptions().max_regression
    assert _f1(new, "sentiment") >= _f1(old, "sentiment") - gate
    assert _f1(new, "tags") >= _f1(old, "tags") - gate


def test_the_share_is_configurable() -> None:
    assert TrainConfig().user_share == 0.5
    assert TrainConfig(user_share=0.2).user_share == 0.2
