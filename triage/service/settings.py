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

from triage.types import Queue, Tier

__all__ = ["DEFAULT_SLA", "Settings", "get_settings"]

#: Seconds to first action per queue unless TRIAGE_SLA_TARGETS says otherwise.
DEFAULT_SLA = {"urgent": 30 * 60, "questions": 4 * 3600}

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
    default_tier: Tier = Field(Tier.FAST, description="Tier of POST /v1/analyze when a request names none.")
    ingest_tier: Tier | None = Field(
        None,
        description="Tier that scores comments stored by POST /v1/comments and `triage import` "
        "(the queues' judgement); default: accurate when the model has it, else fast (docs/deploy.md).",
    )
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
    auth_cache_seconds: float = Field(
        2.0,
        ge=0.0,
        le=60.0,
        description="A verified API key is trusted this long without reading the database again "
        "(0: read it on every request). A key revoked through another worker or the CLI stops "
        "working in this worker within this time; through this worker's API, at once.",
    )
    analyze_batching: bool = Field(
        True,
        description="Score concurrent small POST /v1/analyze requests of this worker together, "
        "in one pipeline call on one scoring thread (docs/deploy.md).",
    )
    analyze_batch_window_us: int = Field(
        300,
        ge=0,
        le=100_000,
        description="How long (microseconds) an analyze request waits for others to join its "
        "batch when the scoring thread is idle (0: none; while it is busy they gather anyway).",
    )
    access_log: bool = Field(
        True,
        description="`triage serve` logs a line per request (uvicorn's access log); off saves "
        "about a tenth of the CPU of a one-comment analyze request.",
    )
    analyze_batch_max: int = Field(
        64,
        ge=1,
        le=10_000,
        description="Most comments in one analyze batch; a request with more is scored alone.",
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
    reply_min_score: float = Field(
        0.24,
        ge=-1.0,
        le=1.0,
        description="Saved replies scoring below this for a comment (cosine of e5 embeddings "
        "with the languages removed) are not suggested (benchmarks/results/replies.md).",
    )
    themes_max_comments: int = Field(
        200,
        ge=2,
        le=10_000,
        description="Most complaints GET /v1/stats/themes clusters per window (the most "
        "recent); each new one is embedded once (about 20 a second on one core) and stored.",
    )

    # --- alerts (triage.service.alerts; docs/api.md "Webhooks", "SLA") ----------------------
    sla_targets: dict[str, dict[str, int]] = Field(
        default_factory=lambda: {"*": dict(DEFAULT_SLA)},
        description="Seconds to first action (claim or resolve) per channel and queue, as JSON: "
        '{"*": {"urgent": 1800, "questions": 14400}, "shop-b": {"urgent": 600}}. "*" is every '
        "channel; a channel's entry overrides it queue by queue; 0 turns a queue's SLA off.",
    )
    sla_check_seconds: float = Field(
        30.0, gt=0.0, le=3600.0, description="How often the sender looks for breached SLAs."
    )
    webhook_sender: bool = Field(
        True, description="Run the webhook sender (and SLA check) in the service process."
    )
    webhook_poll_seconds: float = Field(
        1.0, gt=0.0, le=300.0, description="How often the sender looks for deliveries due."
    )
    webhook_timeout_seconds: float = Field(
        10.0, gt=0.0, le=120.0, description="Longest wait for a receiver's answer."
    )
    webhook_retry_seconds: float = Field(
        10.0, gt=0.0, description="Wait before the first retry; it doubles with every failure."
    )
    webhook_retry_max_seconds: float = Field(
        3600.0, gt=0.0, description="Longest wait between two attempts."
    )
    webhook_retry_for_seconds: int = Field(
        86400, ge=1, description="Give a delivery up this long after its event."
    )
    webhook_allowed_hosts: list[str] = Field(
        default_factory=list,
        description="If set, webhook URLs must point at one of these host names (JSON list).",
    )

    @field_validator("sla_targets")
    @classmethod
    def _known_queues(cls, value: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        known = {q.value for q in Queue}
        for channel, targets in value.items():
            for queue, seconds in targets.items():
                if queue not in known:
                    raise ValueError(
                        f"TRIAGE_SLA_TARGETS[{channel!r}]: unknown queue {queue!r}; "
                        f"queues are {', '.join(sorted(known))}"
                    )
                if seconds < 0:
                    raise ValueError(f"TRIAGE_SLA_TARGETS[{channel!r}][{queue!r}] must be >= 0")
        return value

    def sla_target(self, channel: str, queue: str) -> int | None:
        """Seconds to first action for ``queue`` in ``channel``, or ``None`` (no SLA)."""
        own = self.sla_targets.get(channel, {})
        seconds = own.get(queue, self.sla_targets.get("*", {}).get(queue, 0))
        return seconds or None

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
