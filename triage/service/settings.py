"""Service settings, read from ``TRIAGE_*`` environment variables (or passed in by tests).

Only the service (``triage serve``, ``triage db``, ``triage keys``) reads these; the model's own
configuration lives in its ``pipeline.toml``. Nothing is read at import time: call
:func:`get_settings` (cached) or build ``Settings(...)`` yourself.

>>> Settings(database_url="sqlite:///./t.db").max_batch
1000
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from triage.types import Tier

__all__ = ["Settings", "get_settings"]

_DB_SCHEMES = ("sqlite://", "sqlite+pysqlite://", "postgresql+psycopg://", "postgresql://")


class Settings(BaseSettings):
    """Everything the service can be told from its environment (prefix ``TRIAGE_``)."""

    model_config = SettingsConfigDict(env_prefix="TRIAGE_", extra="ignore", frozen=True)

    database_url: str = Field(
        "sqlite:///./triage.db",
        description="SQLAlchemy URL: sqlite:///path.db or postgresql+psycopg://...",
    )
    model_dir: Path | None = Field(
        None, description="Model directory; default: the shipped models/triage-default."
    )
    default_tier: Tier = Tier.FAST
    max_batch: int = Field(
        1000, ge=1, le=100_000, description="Most comments in one analyze/ingest request."
    )
    max_text_chars: int = Field(
        10_000, ge=1, le=1_000_000, description="Longest accepted comment text."
    )
    max_body_bytes: int = Field(
        16 * 1024 * 1024, ge=1024, description="Largest accepted request body."
    )
    lease_seconds: int = Field(300, ge=1, le=7 * 86400, description="How long a claim lasts.")
    max_claim: int = Field(
        100, ge=1, le=10_000, description="Most items one claim request may take."
    )
    page_limit: int = Field(50, ge=1, description="Default queue page size.")
    max_page_limit: int = Field(500, ge=1, description="Largest queue page size.")
    campaign_window_seconds: int = Field(
        6 * 3600,
        ge=1,
        description="Near-identical comments this close in time can form a campaign.",
    )
    campaign_min_authors: int = Field(
        3, ge=2, description="Distinct authors needed to call it a campaign."
    )
    campaign_similarity: float = Field(
        0.7, gt=0.0, le=1.0, description="Shingle Jaccard for 'near-identical'."
    )
    db_lock_timeout_seconds: float = Field(
        10.0,
        gt=0.0,
        le=600.0,
        description="Longest wait for a database lock; then 503 with Retry-After.",
    )
    rate_limit_per_minute: int = Field(
        600, ge=0, description="Requests per minute per API key (0: no limit); over it 429."
    )
    rate_limit_burst: int = Field(
        100, ge=1, description="Requests a key may send at once before the per-minute rate applies."
    )
    max_in_flight_per_key: int = Field(
        4, ge=0, description="Requests of one API key served at the same time (0: no limit)."
    )
    session_seconds: int = Field(
        12 * 3600, ge=60, le=90 * 86400, description="How long an inbox sign-in lasts."
    )
    campaign_min_p_spam: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Comments without links/contacts need this P(spam) to join one.",
    )

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(_DB_SCHEMES):
            raise ValueError(
                f"TRIAGE_DATABASE_URL must start with one of {', '.join(_DB_SCHEMES)}; "
                f"got {value.split(':')[0]!r}"
            )
        if value.startswith("postgresql://"):
            # psycopg 3 is the driver we ship; the bare scheme would pick psycopg2.
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read from the environment once."""
    return Settings()
