"""/healthz, /readyz and /metrics."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from tests.api.helpers import comments
from triage.pipeline.core import Pipeline
from triage.service.api.app import create_app
from triage.service.settings import Settings


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200
    assert r.json()["status"] == "ready"
    assert r.json()["model"]


def test_not_ready_when_the_database_is_gone(
    tmp_path: Path, sqlite_template: Path, model_dir: Path, pipeline: Pipeline
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(sqlite_template, folder / "t.db")
    settings = Settings(database_url=f"sqlite:///{folder / 't.db'}", model_dir=model_dir)
    with TestClient(create_app(settings, pipeline=pipeline)) as client:
        assert client.get("/readyz").status_code == 200
        client.app.state.triage.db.dispose()  # type: ignore[attr-defined]
        shutil.rmtree(folder)
        r = client.get("/readyz")
        assert r.status_code == 503
        assert r.json()["status"] == "unavailable"
        assert client.get("/healthz").status_code == 200


def test_metrics_count_requests_scored_comments_and_queue_depths(
    client: TestClient, key: Callable[..., dict[str, str]]
) -> None:
    h = key("admin")
    client.post("/v1/analyze", json={"comments": [{"text": "hi"}, {"text": "there"}]}, headers=h)
    items = client.post(
        "/v1/comments", json={"channel": "shop-a", "comments": comments(7)}, headers=h
    ).json()["items"]
    client.get("/v1/queues/nope", headers=h)
    text = client.get("/metrics").text
    assert 'triage_comments_scored_total{endpoint="analyze"} 2.0' in text
    assert 'triage_comments_scored_total{endpoint="ingest"} 7.0' in text
    assert 'triage_http_requests_total{method="POST",route="/v1/analyze",status="200"} 1.0' in text
    assert (
        'triage_http_requests_total{method="GET",route="/v1/queues/{queue}",status="422"} 1.0'
        in text
    )
    assert (
        'triage_http_request_duration_seconds_bucket{le="0.5",method="POST",route="/v1/comments"}'
        in text
    )
    depth = {
        q: sum(i["queue"] == q for i in items)
        for q in ("urgent", "questions", "spam", "praise", "other")
    }
    for queue, n in depth.items():
        assert f'triage_queue_depth{{channel="shop-a",queue="{queue}"}} {float(n)}' in text


def test_the_loaded_model_is_kept_out_of_garbage_collection_pauses(
    settings: Settings, pipeline: Pipeline
) -> None:
    """A full collection over everything loaded at start-up (libraries and model, ~90k tracked
    objects) takes ~45 ms; a request that triggered one would wait that long. A started service
    freezes what it has loaded, so collections only walk what requests allocate."""
    import gc

    gc.unfreeze()
    with TestClient(create_app(settings, pipeline=pipeline)) as client:
        assert client.get("/healthz").status_code == 200
        assert gc.get_freeze_count() > len(gc.get_objects()) > 0
