"""`triage keys list` and `triage keys revoke`, as an operator runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from triage.cli import app
from triage.errors import AuthError
from triage.service.moderation import authenticate
from triage.service.store import Database

runner = CliRunner()


def _create(url: str, *args: str) -> str:
    result = runner.invoke(app, ["keys", "create", *args, "--db", url])
    assert result.exit_code == 0, result.output
    return result.stdout.strip().splitlines()[-1]


def _jsonl(url: str) -> dict[str, dict[str, object]]:
    result = runner.invoke(app, ["keys", "list", "--format", "jsonl", "--db", url])
    assert result.exit_code == 0, result.output
    return {k["name"]: k for k in map(json.loads, result.stdout.splitlines())}


def test_keys_list_and_revoke_round_trip(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    ops = _create(url, "--role", "admin", "--name", "ops")
    bot = _create(url, "--role", "moderate", "--channel", "shop-a", "--name", "shop-a-bot")

    table = runner.invoke(app, ["keys", "list", "--db", url])
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["name", "role", "prefix", "created_at", "revoked_at", "channels"]
    row = next(line for line in lines if line.startswith("shop-a-bot"))
    assert row.split()[1:3] == ["moderate", bot[:12]]
    assert row.split()[-1] == "shop-a"
    assert "2 keys, 0 revoked" in table.stderr
    assert bot not in table.output
    assert ops not in table.output

    keys = _jsonl(url)
    assert keys["shop-a-bot"]["channels"] == ["shop-a"]
    assert keys["shop-a-bot"]["revoked_at"] is None
    assert set(keys["ops"]) == {"name", "role", "channels", "prefix", "created_at", "revoked_at"}

    revoked = runner.invoke(app, ["keys", "revoke", "shop-a-bot", "--db", url])
    assert revoked.exit_code == 0, revoked.output
    assert "Revoked moderate key 'shop-a-bot'" in revoked.stdout
    db = Database(url)
    try:
        with pytest.raises(AuthError, match="unknown or revoked"):
            authenticate(db, f"Bearer {bot}")
        assert authenticate(db, f"Bearer {ops}").name == "ops"
    finally:
        db.dispose()
    after = _jsonl(url)
    assert after["shop-a-bot"]["revoked_at"] is not None
    assert after["ops"]["revoked_at"] is None
    table = runner.invoke(app, ["keys", "list", "--db", url])
    assert "2 keys, 1 revoked" in table.stderr

    again = runner.invoke(app, ["keys", "revoke", "shop-a-bot", "--db", url])
    assert again.exit_code == 0
    assert "already revoked" in again.stdout
    assert _jsonl(url)["shop-a-bot"]["revoked_at"] == after["shop-a-bot"]["revoked_at"]


def test_keys_revoke_mistakes_are_one_line_errors(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    _create(url, "--role", "admin", "--name", "ops")
    for args, message in [
        (["revoke", "nobody"], "no key named 'nobody'"),
        (["revoke", "ops"], "last admin key"),
    ]:
        result = runner.invoke(app, ["keys", *args, "--db", url])
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith("Error: "), result.stderr
        assert message in result.stderr
        assert "Traceback" not in result.output
    assert "Hint: create another admin key first" in result.stderr
    assert _jsonl(url)["ops"]["revoked_at"] is None
    # once there is another admin key, the first may go
    _create(url, "--role", "admin", "--name", "ops-2")
    assert runner.invoke(app, ["keys", "revoke", "ops", "--db", url]).exit_code == 0


def test_keys_list_refuses_a_database_that_is_not_migrated(tmp_path: Path) -> None:
    for command in (["list"], ["revoke", "ops"]):
        result = runner.invoke(app, ["keys", *command, "--db", f"sqlite:///{tmp_path / 'new.db'}"])
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith("Error: "), result.stderr
        assert "triage db upgrade" in result.stderr
        assert "Traceback" not in result.output
