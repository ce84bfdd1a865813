"""Shared fixtures: a registry in a temporary folder and two tiny trained models (session-wide)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.training.helpers import rows, write_csv
from triage.training.fit import TrainConfig
from triage.training.retrain import TrainOptions, train_from_files


@pytest.fixture(autouse=True)
def _registry_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch ./models: every test gets its own (empty) registry."""
    monkeypatch.setenv("TRIAGE_MODELS_DIR", str(tmp_path / "registry"))


@pytest.fixture(scope="session")
def labelled_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_csv(tmp_path_factory.mktemp("data") / "labels.csv", rows())


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory, labelled_csv: Path) -> dict[str, Path]:
    """``good``: trained on the labelled file; ``worse``: the same data, heavily over-regularised."""
    reg = tmp_path_factory.mktemp("models")
    good = reg / "good"
    train_from_files([labelled_csv], good, options=TrainOptions(base="none"), log=lambda _: None)
    worse = reg / "worse"
    bad = TrainOptions(base="none", config=TrainConfig(sentiment_c=1e-4, tag_c=1e-4))
    train_from_files([labelled_csv], worse, options=bad, log=lambda _: None)
    return {"good": good, "worse": worse, "root": reg}
