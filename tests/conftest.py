"""Shared fixtures. The shipped model is loaded once per session (about a second)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from triage.pipeline.core import Pipeline, load_pipeline

REPO = Path(__file__).resolve().parent.parent

# The service scores stored comments with the accurate tier by default (docs/deploy.md); the
# storage, API and browser tests are about moderation, not the model, so they ingest with the
# fast tier (servers they start inherit this). tests/api/test_ingest_tier.py checks the default.
os.environ.setdefault("TRIAGE_INGEST_TIER", "fast")
# The model's load cache (triage/pipeline/loadcache.py) of this session, not the user's: the first
# load writes it, every later load and every process the tests start reads it.
if "TRIAGE_LOAD_CACHE" not in os.environ:
    os.environ["TRIAGE_LOAD_CACHE"] = tempfile.mkdtemp(prefix="triage-test-load-cache-")
    atexit.register(shutil.rmtree, os.environ["TRIAGE_LOAD_CACHE"], ignore_errors=True)


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The model under test: $TRIAGE_TEST_MODEL, else the shipped default."""
    return Path(os.environ.get("TRIAGE_TEST_MODEL", REPO / "models" / "triage-default"))


@pytest.fixture(scope="session")
def pipeline(model_dir: Path) -> Pipeline:
    return load_pipeline(model_dir)
