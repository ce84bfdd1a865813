"""`triage review`: the comments to label next, for a labelling tool or a person."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from triage.cli import app
from triage.pipeline.core import Pipeline
from triage.service.auth import Principal, Role
from triage.service.moderation import NewComment, add_label, ingest
from triage.service.settings import Settings
from triage.service.store import Database, upgrade

pytestmark = pytest.mark.slow
runner = CliRunner()
ADMIN = Principal(0, "test", Role.ADMIN, frozenset())

CLEAR = [
    "Thank you so much, I love it, perfect quality!",
    "Love this dress, the colour is perfect!",
]
AMBIGUOUS = ["The delivery was fast but the size is wrong", "It arrived.", "Could be better"]


@pytest.fixture
def url(tmp_path: Path, pipeline: Pipeline) -> str:
    """A database with the same clear and ambiguous comments in two channels."""
    url = f"sqlite:///{tmp_path / 'review.db'}"
    upgrade(url)
    db = Database(url)
    settings = Settings(database_url=url)
    for channel in ("shop-a", "shop-b"):
        texts = CLEAR + AMBIGUOUS
        new = [NewComment(f"{channel}-{i}", t) for i, t in enumerate(texts)]
        ingest(db, pipeline, settings, ADMIN, channel, new)
    db.dispose()
    return url


def _jsonl(*args: str) -> list[dict[str, Any]]:
    result = runner.invoke(app, ["review", "--format", "jsonl", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_jsonl_lists_unlabelled_comments_least_certain_first(url: str) -> None:
    rows = _jsonl("--channel", "shop-a", "--db", url)
    assert [r["channel"] for r in rows] == ["shop-a"] * 5
    assert {str(r["text"]) for r in rows[:3]} == set(AMBIGUOUS)
    scores = [r["uncertainty"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    first = rows[0]
    assert set(first) == {
        "id",
        "channel",
        "external_id",
        "text",
        "lang",
        "predictions",
        "uncertainty",
        "reason",
    }
    assert first["reason"]
    assert set(first["predictions"]) >= {"sentiment", "p_negative", "tags", "p_praise", "model"}
    # Once labelled, it is off the list; the limit cuts the rest.
    db = Database(url)
    add_label(db, ADMIN, first["id"], {"sentiment": "neutral"})
    db.dispose()
    after = _jsonl("--channel", "shop-a", "--db", url, "--limit", "2")
    assert [r["id"] for r in after] == [r["id"] for r in rows[1:3]]
    assert _jsonl("--channel", "shop-a", "--db", url, "--lang", "zz") == []


def test_table_shows_uncertainty_reason_language_and_text(url: str) -> None:
    result = runner.invoke(app, ["review", "--channel", "shop-b", "--db", url, "--limit", "3"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1 + 3
    assert lines[0].split() == ["id", "uncert.", "reason", "lang", "text"]
    assert all(any(t[:40] in line for t in AMBIGUOUS) for line in lines[1:])
    assert any(" at threshold " in line or "sentiment: " in line for line in lines[1:])


def test_a_database_behind_the_code_is_an_error_with_a_hint(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0001")
    result = runner.invoke(app, ["review", "--channel", "shop-a", "--db", url])
    assert result.exit_code == 1
    assert "Error: " in result.output
    assert "triage db upgrade" in result.output
    assert "Traceback" not in result.output


def test_help_describes_the_command() -> None:
    result = runner.invoke(app, ["review", "--help"])
    assert result.exit_code == 0
    assert "least sure" in " ".join(result.output.split())
    for option in ("--channel", "--lang", "--limit", "--db", "--format"):
        assert option in result.output
    listing = runner.invoke(app, ["--help"])
    assert "review" in listing.output
