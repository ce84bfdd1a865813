"""Command line: thin commands over the pipeline. ``triage --help`` lists them.

Every user mistake is a :class:`~triage.errors.TriageError`, printed as ``Error: ...`` with a
hint and exit code 1; tracebacks are for bugs only.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Annotated, Any

import typer

from triage.errors import InputFormatError, TriageError
from triage.types import Comment, Queue, Tier

app = typer.Typer(
    help="Multilingual comment triage: language, sentiment, question/complaint/spam/praise tags, ranked queues.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ModelOpt = Annotated[
    Path | None, typer.Option("--model", help="Model directory (default: the shipped models/triage-default).")
]
TierOpt = Annotated[
    Tier, typer.Option("--tier", help="fast: n-gram models, thousands/s. accurate: adds multilingual embeddings, ~50/s.")
]


def _fail(exc: TriageError) -> None:
    typer.echo(f"Error: {exc}", err=True)
    if exc.hint:
        typer.echo(f"Hint: {exc.hint}", err=True)
    raise typer.Exit(1)


def _batches(it: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while batch := list(islice(it, size)):
        yield batch


def _to_comment(path: str, line: int, record: dict[str, Any], text_field: str, id_field: str) -> Comment:
    from triage.io import get_field

    try:
        text = get_field(record, text_field)
    except KeyError:
        raise InputFormatError(
            "missing", path=path, line=line, field=text_field, hint="choose the text column with --text-field"
        ) from None
    if not isinstance(text, str):
        raise InputFormatError(f"expected a string, got {type(text).__name__}", path=path, line=line, field=text_field)
    try:
        cid = get_field(record, id_field)
    except KeyError:
        cid = None
    return Comment(text=text, id=None if cid is None else str(cid))


@app.command()
def score(
    input: Annotated[str, typer.Argument(help="CSV or JSONL file (.gz ok), or - for JSONL on stdin.")],
    output: Annotated[str, typer.Option("-o", "--output", help="Output file, or - for JSONL on stdout.")] = "-",
    fmt: Annotated[str | None, typer.Option("--format", help="Input format if the extension does not say: jsonl|csv.")] = None,
    text_field: Annotated[str, typer.Option(help="Field with the comment text (dotted for nested JSON).")] = "text",
    id_field: Annotated[str, typer.Option(help="Field with the comment id.")] = "id",
    model: ModelOpt = None,
    tier: TierOpt = Tier.FAST,
    batch_size: Annotated[int, typer.Option(min=1, help="Comments scored per batch.")] = 1024,
) -> None:
    """Score every comment of a file; each row keeps its fields and gains the triage fields.

    Example: triage score comments.csv -o scored.csv --text-field message
    """
    from tqdm import tqdm

    from triage.io import detect_format, open_writer, read_records
    from triage.pipeline import load_pipeline

    try:
        pipeline = load_pipeline(model)
        out_fmt = detect_format(output) if output != "-" else "jsonl"
        records = read_records(input, fmt=fmt)
        show = sys.stderr.isatty()
        with open_writer(output, fmt=out_fmt) as writer, tqdm(
            desc="scoring", unit=" comments", disable=not show, file=sys.stderr
        ) as bar:
            for batch in _batches(records, batch_size):
                comments = [_to_comment(input, line, rec, text_field, id_field) for line, rec in batch]
                for (_, rec), result in zip(batch, pipeline.score_batch(comments, tier), strict=True):
                    writer.write({**rec, **result.to_record()})
                bar.update(len(batch))
    except TriageError as exc:
        _fail(exc)


@app.command()
def demo(
    input: Annotated[Path | None, typer.Argument(help="JSONL of comments (default: the bundled samples).")] = None,
    model: ModelOpt = None,
    tier: TierOpt = Tier.FAST,
) -> None:
    """Score the bundled sample comments and print them ranked, queue by queue."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from triage.data import REPO_ROOT
    from triage.io import read_records
    from triage.pipeline import load_pipeline

    path = str(input or REPO_ROOT / "datasets" / "samples" / "comments.jsonl")
    try:
        pipeline = load_pipeline(model)
        rows = [(line, rec) for line, rec in read_records(path)]
        comments = [_to_comment(path, line, rec, "text", "id") for line, rec in rows]
        results = pipeline.score_batch(comments, tier)
    except TriageError as exc:
        _fail(exc)
    console = Console(width=max(Console().width, 140))
    for queue in Queue:
        ranked = sorted((r for r in results if r.priority.queue is queue), key=lambda r: -r.priority.value)
        if not ranked:
            continue
        table = Table(title=f"{queue.value} ({len(ranked)})", title_justify="left", expand=True, box=box.SIMPLE)
        table.add_column("prio", justify="right", no_wrap=True)
        table.add_column("lang", no_wrap=True)
        table.add_column("sentiment", no_wrap=True)
        table.add_column("tags", no_wrap=True)
        table.add_column("why", no_wrap=True)
        table.add_column("comment", ratio=1, no_wrap=True, overflow="ellipsis")
        for r in ranked:
            rec = r.to_record()
            table.add_row(str(rec["priority"]), rec["lang"], f"{rec['sentiment'][:3]} {rec['sentiment_score']:+.2f}",
                          ",".join(rec["tags"]), ", ".join(r.priority.reasons[:2]), " ".join(r.comment.text.split()))
        console.print(table)
    console.print(f"model {pipeline.name}, tier {tier.value}: {len(results)} comments")


# --- service: serve, db upgrade, keys create (thin; the work is in triage.api.serve / triage.moderation)

db_app = typer.Typer(help="The service's database (SQLite file or PostgreSQL).", no_args_is_help=True)
keys_app = typer.Typer(help="API keys of the service.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(keys_app, name="keys")

DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: $TRIAGE_DATABASE_URL, else sqlite:///./triage.db).")
]


def _settings(db: str | None = None, model: Path | None = None) -> Any:
    """Settings from the environment, with command-line overrides."""
    from pydantic import ValidationError

    from triage.errors import ConfigError
    from triage.settings import Settings

    overrides = {k: v for k, v in (("database_url", db), ("model_dir", model)) if v is not None}
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(f"{'.'.join(map(str, first['loc'])) or 'settings'}: {first['msg']}") from None


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    db: DbOpt = None,
    model: ModelOpt = None,
    workers: Annotated[int, typer.Option(min=1, help="uvicorn worker processes (use PostgreSQL for more than 1).")] = 1,
    demo: Annotated[bool, typer.Option("--demo", help="Load the sample comments and print a new admin key.")] = False,
) -> None:
    """Run the HTTP API (applies database migrations first). Docs at http://HOST:PORT/docs.

    Example: triage serve --demo
    """
    from triage.api.serve import serve as run

    try:
        run(_settings(db, model), host=host, port=port, workers=workers, demo=demo, echo=typer.echo)
    except TriageError as exc:
        _fail(exc)


@db_app.command("upgrade")
def db_upgrade(db: DbOpt = None) -> None:
    """Apply the schema migrations to the database."""
    from triage.store import upgrade

    try:
        revision = upgrade(_settings(db).database_url)
    except TriageError as exc:
        _fail(exc)
    typer.echo(f"database at revision {revision}")


@keys_app.command("create")
def keys_create(
    role: Annotated[str, typer.Option(help="score (analyze only), moderate (its channels) or admin.")],
    channel: Annotated[list[str] | None, typer.Option("--channel", help="A channel a moderate key may use; repeat.")] = None,
    name: Annotated[str | None, typer.Option(help="A name for the key (shown as who claimed or labelled).")] = None,
    db: DbOpt = None,
) -> None:
    """Create an API key and print it (on the last line). Only its hash is stored.

    Example: triage keys create --role moderate --channel shop-a
    """
    from triage.auth import Role
    from triage.errors import InvalidRequestError
    from triage.moderation import create_key
    from triage.store import Database, upgrade

    try:
        if role not in {r.value for r in Role}:
            raise InvalidRequestError(f"must be one of score, moderate, admin; got {role!r}", field="--role")
        settings = _settings(db)
        upgrade(settings.database_url)
        database = Database(settings.database_url)
        try:
            key, token = create_key(database, Role(role), channel or [], name)
        finally:
            database.dispose()
    except TriageError as exc:
        _fail(exc)
    scope = f" for channels {', '.join(key.channels)}" if key.channels else ""
    typer.echo(f"Created {key.role} key {key.name!r}{scope}. It is shown only now:", err=True)
    typer.echo(token)


def main() -> None:
    """Entry point of the ``triage`` command."""
    app()


if __name__ == "__main__":
    main()
