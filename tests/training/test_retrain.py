"""Train on a small labelled file, score with it, gate it, register it, roll it back (seconds)."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from triage.cli import app
from triage.paths import DEFAULT_MODEL_DIR
from triage.pipeline.core import load_pipeline
from triage.training.fit import TrainConfig
from triage.training.registry import ActiveModel, Registry, resolve_model_dir
from triage.training.retrain import PromotionRefused, TrainOptions, train_from_files
from triage.types import Comment, Tier

pytestmark = pytest.mark.slow

TEXTS = ["thank you, the delivery was wonderful!", "my app was broken, I want a refund", "what time does the store open?",
         "gracias, el paquete fue genial!", "free money click http://win.example.com"]


def _answers(pipe) -> list[dict]:  # noqa: ANN001
    return [r.to_record() for r in pipe.score_batch([Comment(t) for t in TEXTS])]


def test_train_then_score_via_cli(tmp_path: Path, labelled_csv: Path) -> None:
    out = tmp_path / "registry" / "shop"
    result = CliRunner().invoke(app, ["train", "--data", str(labelled_csv), "--out", str(out), "--base", "none",
                                      "--compare-to", "none", "--activate"])
    assert result.exit_code == 0, result.output
    assert "sentiment" in result.output and "macro-F1" in result.output  # the short table
    assert "features:" in result.output  # progress lines ...
    # ... each with the time since the start and since the previous stage (#12 item 17)
    assert re.search(r"^\[\d+m\d\ds \+\d+m\d\ds\] features: ", result.output, re.M), result.output
    for name in ("pipeline.toml", "heads.npz", "metrics.json", "MODEL_CARD.md", "training.json",
                 "holdout/metrics.json", "holdout/report.html"):
        assert (out / name).is_file(), name
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "public datasets above were not used" in card and "no accurate tier" in card
    pipe = load_pipeline(resolve_model_dir())  # the registry's active model
    assert pipe.name == "shop-1" and Tier.ACCURATE not in pipe.tiers
    results = pipe.score_batch([Comment(t) for t in TEXTS])
    assert results[0].sentiment.label == "positive" and "praise" in results[0].tags.tags
    assert results[1].sentiment.label == "negative" and "complaint" in results[1].tags.tags
    assert "question" in results[2].tags.tags
    held = json.loads((out / "holdout" / "metrics.json").read_text())
    assert held["tasks"]["sentiment"]["all"]["macro_f1"] >= 0.8
    assert set(held["tasks"]["sentiment"]["per_lang"]) == {"en", "es"}


def test_same_seed_same_model(tmp_path: Path, labelled_csv: Path, trained: dict[str, Path]) -> None:
    again = tmp_path / "good"
    train_from_files([labelled_csv], again, options=TrainOptions(base="none"), log=lambda _: None)
    assert (again / "heads.npz").read_bytes() == (trained["good"] / "heads.npz").read_bytes()
    assert (again / "pipeline.toml").read_text() == (trained["good"] / "pipeline.toml").read_text()


def test_gate_refuses_a_worse_model(tmp_path: Path, labelled_csv: Path, trained: dict[str, Path]) -> None:
    opts = TrainOptions(base="none", min_examples=3, config=TrainConfig(sentiment_c=1e-4, tag_c=1e-4))
    with pytest.raises(PromotionRefused) as info:
        train_from_files([labelled_csv], tmp_path / "worse", options=opts, compare_to=trained["good"], log=lambda _: None)
    where = {(r.task, r.lang, r.label) for r in info.value.regressions}
    assert ("sentiment", "all", "macro") in where
    assert all(r.new < r.old - 0.02 for r in info.value.regressions)
    assert "sentiment / en / macro: F1 " in str(info.value)
    # the same model passes against an equal-or-worse baseline
    ok = train_from_files([labelled_csv], tmp_path / "fine", options=TrainOptions(base="none", min_examples=3),
                          compare_to=trained["worse"], log=lambda _: None)
    assert ok.regressions == [] and ok.old_metrics is not None


def test_cli_gate_exit_code_and_no_activation(tmp_path: Path, labelled_csv: Path, trained: dict[str, Path],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import triage.training.retrain as retrain

    real = retrain.fit_model

    def worse_fit(data, out, cfg, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        return real(data, out, TrainConfig(sentiment_c=1e-4, tag_c=1e-4), *args, **kwargs)

    monkeypatch.setattr(retrain, "fit_model", worse_fit)
    out = tmp_path / "registry" / "worse"
    result = CliRunner().invoke(app, ["train", "--data", str(labelled_csv), "--out", str(out), "--base", "none",
                                      "--compare-to", str(trained["good"]), "--min-examples", "3", "--activate"])
    assert result.exit_code == 2, result.output
    assert "not promoted" in result.output and "sentiment / all / macro" in result.output
    assert Registry().active_name() is None


def test_activate_and_rollback_restore_answers_exactly(tmp_path: Path, trained: dict[str, Path]) -> None:
    import shutil

    reg = Registry(tmp_path / "registry")
    for name in ("good", "worse"):
        shutil.copytree(trained[name], reg.root / name)
    runner = CliRunner()
    assert runner.invoke(app, ["models", "activate", "good"]).exit_code == 0
    before = _answers(load_pipeline(resolve_model_dir()))
    assert runner.invoke(app, ["models", "activate", "worse"]).exit_code == 0
    assert _answers(load_pipeline(resolve_model_dir())) != before
    listing = runner.invoke(app, ["models", "list"])
    assert "* worse" in listing.output and "  good" in listing.output
    result = runner.invoke(app, ["models", "rollback"])
    assert result.exit_code == 0 and "good" in result.output
    assert _answers(load_pipeline(resolve_model_dir())) == before
    result = runner.invoke(app, ["models", "rollback"])  # to what was active before "good"
    assert result.exit_code == 0 and "the shipped model" in result.output
    assert resolve_model_dir() == DEFAULT_MODEL_DIR
    assert runner.invoke(app, ["models", "rollback"]).exit_code == 1  # nothing further back
    assert runner.invoke(app, ["models", "show", "good"]).exit_code == 0
    bad = runner.invoke(app, ["models", "activate", "nope"])
    assert bad.exit_code == 1 and "no model 'nope'" in bad.output


def test_rollback_right_after_train_activate(tmp_path: Path, labelled_csv: Path) -> None:
    """The first activation in a registry can be rolled back: to the shipped model."""
    out = tmp_path / "registry" / "shop"
    runner = CliRunner()
    result = runner.invoke(app, ["train", "--data", str(labelled_csv), "--out", str(out), "--base", "none",
                                 "--compare-to", "none", "--activate"])
    assert result.exit_code == 0, result.output
    assert resolve_model_dir() == out
    result = runner.invoke(app, ["models", "rollback"])
    assert result.exit_code == 0, result.output
    assert "rolled back to the shipped model" in result.output
    assert resolve_model_dir() == DEFAULT_MODEL_DIR
    assert "no active pointer" in runner.invoke(app, ["models", "list"]).output
    assert runner.invoke(app, ["models", "rollback"]).exit_code == 1


def test_activating_the_active_model_again_records_nothing(tmp_path: Path, trained: dict[str, Path]) -> None:
    import shutil

    reg = Registry(tmp_path / "registry")
    for name in ("good", "worse"):
        shutil.copytree(trained[name], reg.root / name)
    runner = CliRunner()
    for name in ("good", "worse", "worse"):
        assert runner.invoke(app, ["models", "activate", name]).exit_code == 0
    result = runner.invoke(app, ["models", "rollback"])
    assert result.exit_code == 0 and "rolled back to good" in result.output
    assert reg.active_name() == "good"


def test_a_running_service_follows_a_rollback_to_the_shipped_model(tmp_path: Path,
                                                                  trained: dict[str, Path]) -> None:
    import shutil

    reg = Registry(tmp_path / "registry")
    shutil.copytree(trained["good"], reg.root / "good")
    reg.activate("good")
    holder = ActiveModel(load_pipeline(reg.root / "good"), reg, check_every=0)
    assert reg.rollback() is None
    assert holder.get().name == load_pipeline(DEFAULT_MODEL_DIR).name


def test_service_switches_model_without_failed_requests(tmp_path: Path, trained: dict[str, Path]) -> None:
    import shutil

    from fastapi.testclient import TestClient

    from triage.service.api.app import create_app
    from triage.service.settings import Settings
    from triage.service.store import upgrade

    reg = Registry(tmp_path / "registry")
    for name in ("good", "worse"):
        shutil.copytree(trained[name], reg.root / name)
    reg.activate("good")
    url = f"sqlite:///{tmp_path / 't.db'}"
    upgrade(url)
    seen: list[tuple[int, str]] = []
    stop = threading.Event()
    with TestClient(create_app(Settings(database_url=url))) as client:
        assert client.get("/readyz").json()["model"] == "good-1"

        def hammer() -> None:
            while not stop.is_set():
                r = client.get("/readyz")
                seen.append((r.status_code, r.json().get("model", "")))

        t = threading.Thread(target=hammer)
        t.start()
        reg.activate("worse")
        deadline = __import__("time").monotonic() + 10
        while not any(m == "worse-1" for _, m in seen[-5:]) and __import__("time").monotonic() < deadline:
            __import__("time").sleep(0.05)
        stop.set()
        t.join()
    assert seen and all(code == 200 for code, _ in seen)
    assert seen[-1][1] == "worse-1"


def test_active_model_keeps_old_model_when_new_one_is_broken(tmp_path: Path, trained: dict[str, Path]) -> None:
    import shutil

    reg = Registry(tmp_path / "registry")
    shutil.copytree(trained["good"], reg.root / "good")
    shutil.copytree(trained["good"], reg.root / "broken")
    reg.activate("good")
    holder = ActiveModel(load_pipeline(reg.root / "good"), reg, check_every=0)
    (reg.root / "broken" / "heads.npz").write_bytes(b"not a zip")
    reg._write_pointer("broken")  # bypass activate()'s own check, as a hand edit would
    assert holder.get().name == "good-1"
