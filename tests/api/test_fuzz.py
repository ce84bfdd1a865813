"""Property-based fuzzing of every operation in /openapi.json (schemathesis): valid and invalid
requests, with an admin key, must never get a 5xx."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from tests.api.helpers import BACKENDS, comments, fresh_url, spam_burst
from triage.pipeline.core import Pipeline
from triage.service.api.app import create_app
from triage.service.auth import Role
from triage.service.moderation import create_key
from triage.service.settings import Settings
from triage.service.store import Database

pytestmark = pytest.mark.slow


@dataclass
class Target:
    app: FastAPI
    headers: dict[str, str]


@pytest.fixture(scope="module", params=BACKENDS)
def target(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    model_dir: Path,
    pipeline: Pipeline,
) -> Target:
    url = fresh_url(str(request.param), request, tmp_path_factory.mktemp("fuzz"))
    db = Database(url)
    headers = {"Authorization": f"Bearer {create_key(db, Role.ADMIN, [])[1]}"}
    db.dispose()
    # Small limits keep generated batches cheap; the code paths are the same. One key sends every
    # generated request: its rate limit is off, or most cases would only meet the 429.
    app = create_app(
        Settings(
            database_url=url,
            model_dir=model_dir,
            max_batch=50,
            max_text_chars=2000,
            rate_limit_per_minute=0,
        ),
        pipeline=pipeline,
    )
    with TestClient(app) as client:  # some data, so ids 1, 2, ... exist and queues are not empty
        body = {"channel": "shop-a", "comments": comments(20) + spam_burst(4)}
        assert client.post("/v1/comments", json=body, headers=headers).status_code == 200
    return Target(app, headers)


def _cases() -> list[tuple[GenerationMode, str, str]]:
    """(mode, method, path) of every operation; invalid requests only where there are inputs."""
    spec = create_app(
        Settings(database_url="sqlite://")
    ).openapi()  # no lifespan: nothing is loaded
    return [
        (mode, m.upper(), p)
        for p, ops in spec["paths"].items()
        for m, op in ops.items()
        for mode in GenerationMode
        if mode is GenerationMode.POSITIVE or op.get("parameters") or op.get("requestBody")
    ]


@pytest.fixture(scope="module")
def api_schema(target: Target) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi("/openapi.json", target.app)


@pytest.mark.parametrize(("mode", "method", "path"), _cases(), ids=lambda v: getattr(v, "value", v))
def test_no_request_gets_a_server_error(
    api_schema: schemathesis.BaseSchema,
    target: Target,
    mode: GenerationMode,
    method: str,
    path: str,
) -> None:
    operation = api_schema[path][method]

    @settings(
        max_examples=30,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: schemathesis.Case) -> None:
        response = case.call(headers=dict(target.headers))
        case.validate_response(response, checks=[not_a_server_error])

    check()
