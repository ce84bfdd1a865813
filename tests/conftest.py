"""Shared fixtures. The shipped model is loaded once per session (about a second)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from triage.pipeline.core import Pipeline, load_pipeline

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The model under test: $TRIAGE_TEST_MODEL, else the shipped default."""
    return Path(os.environ.get("TRIAGE_TEST_MODEL", REPO / "models" / "triage-default"))


@pytest.fixture(scope="session")
def pipeline(model_dir: Path) -> Pipeline:
    return load_pipeline(model_dir)
