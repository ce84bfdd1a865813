"""Which tier scores the comments stored in the queues (the moderator's judgement)."""

from __future__ import annotations

import pytest

from triage.errors import InvalidRequestError
from triage.pipeline.core import Pipeline
from triage.service.moderation import ingest_tier
from triage.service.settings import Settings
from triage.types import Tier


def test_by_default_ingest_uses_the_accurate_tier_when_the_model_has_it(pipeline: Pipeline) -> None:
    settings = Settings(ingest_tier=None)
    want = Tier.ACCURATE if Tier.ACCURATE in pipeline.tiers else Tier.FAST
    assert ingest_tier(pipeline, settings) is want
    fast_only = Pipeline(**{**pipeline.__dict__, "tiers": {Tier.FAST: pipeline.tiers[Tier.FAST]}})
    assert ingest_tier(fast_only, settings) is Tier.FAST


def test_the_ingest_tier_can_be_set_and_a_missing_tier_is_a_clear_error(pipeline: Pipeline) -> None:
    assert ingest_tier(pipeline, Settings(ingest_tier=Tier.FAST)) is Tier.FAST
    fast_only = Pipeline(**{**pipeline.__dict__, "tiers": {Tier.FAST: pipeline.tiers[Tier.FAST]}})
    with pytest.raises(InvalidRequestError, match="no 'accurate' tier"):
        ingest_tier(fast_only, Settings(ingest_tier=Tier.ACCURATE))
