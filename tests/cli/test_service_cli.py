"""`triage db upgrade`, `triage keys create` and `triage serve` errors, as a user runs them."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from triage.cli import app
from triage.service.moderation import authenticate
from triage.service.store import Database
from triage.service.store.migrate import head_revision

runner = CliRunner()


def test_db_upgrade_creates_the_schema_and_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    for _ in range(2):
        result = runner.invoke(app, ["db", "upgrade", "--db", url])
        assert result.exit_code == 0, result.output
        assert result.stdout.strip() == f"database at revision {head_revision()}"


def test_db_upgrade_reads_the_url_from_the_environment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'env.db'}"
    result = runner.invoke(app, ["db", "upgrade"], env={"TRIAGE_DATABASE_URL": url})
    assert result.exit_code == 0
    assert (tmp_path / "env.db").exists()


def test_keys_create_prints_a_working_key_on_the_last_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    result = runner.invoke(
        app,
        [
            "keys",
            "create",
            "--role",
            "moderate",
            "--channel",
            "shop-a",
            "--channel",
            "shop-b",
            "--db",
            url,
        ],
    )
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    db = Database(url)
    principal = authenticate(db, f"Bearer {token}")
    db.dispose()
    assert principal.role.value == "moderate"
    assert principal.channels == {"shop-a", "shop-b"}


def test_key_mistakes_are_one_line_errors(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    cases = [
        (["--role", "moderate"], "needs at least one channel"),
        (["--role", "score", "--channel", "x"], "only apply to moderate keys"),
        (["--role", "root"], "must be one of score, moderate, admin"),
    ]
    for args, message in cases:
        result = runner.invoke(app, ["keys", "create", *args, "--db", url])
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: ")
        assert message in result.stderr
        assert "Traceback" not in result.output
    twice = ["keys", "create", "--role", "admin", "--name", "ops", "--db", url]
    assert runner.invoke(app, twice).exit_code == 0
    result = runner.invoke(app, twice)
    assert result.exit_code == 1
    assert "named 'ops' exists" in result.stderr


def test_bad_database_urls_and_models_are_errors_not_tracebacks(tmp_path: Path) -> None:
    for args, message in [
        (["db", "upgrade", "--db", "mysql://x"], "must start with one of"),
        (["db", "upgrade", "--db", "postgresql+psycopg://u@127.0.0.1:1/x"], "cannot migrate"),
        (["db", "upgrade", "--db", f"sqlite:///{tmp_path}/no/such/dir/x.db"], "cannot migrate"),
        (
            [
                "serve",
                "--db",
                f"sqlite:///{tmp_path / 's.db'}",
                "--model",
                str(tmp_path / "nothing"),
            ],
            "not a triage model",
        ),
    ]:
        result = runner.invoke(app, args)
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith("Error: "), result.stderr
        assert message in result.stderr, result.stderr
