"""Service settings from the environment."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from triage.service.settings import Settings


def test_settings_come_from_triage_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIAGE_MAX_BATCH", "20")
    monkeypatch.setenv("TRIAGE_DATABASE_URL", "postgresql://u@h/db")
    settings = Settings()
    assert settings.max_batch == 20
    assert settings.database_url == "postgresql+psycopg://u@h/db"  # the driver triage installs


def test_unsafe_values_are_refused() -> None:
    with pytest.raises(ValidationError, match="must start with one of"):
        Settings(database_url="mysql://x")
    with pytest.raises(ValidationError):
        Settings(lease_seconds=0)
    with pytest.raises(ValidationError):
        Settings(campaign_min_authors=1)
