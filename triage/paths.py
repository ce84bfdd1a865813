"""Where things live: the repository root and the shipped default model (bottom layer, no imports)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["DEFAULT_MODEL_DIR", "REPO_ROOT"]

REPO_ROOT = Path(__file__).resolve().parent.parent
#: The shipped default model.
DEFAULT_MODEL_DIR = REPO_ROOT / "models" / "triage-default"
