"""Command line: thin commands over the pipeline. ``triage --help`` lists them.

Every user mistake is a :class:`~triage.errors.TriageError`, printed as ``Error: ...`` with a
hint and exit code 1; tracebacks are for bugs only.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable, Iterator
from enum import StrEnum
from itertools import islice
from pathlib import Path
from typing import Annotated, Any

import typer

from triage.batch.options import DEFAULT_MAX_BAD_ROWS
from triage.errors import ConfigError, InputFormatError, TriageError
from triage.types import Comment, Queue, Tier

app = typer.Typer(
    help="Multilingual comment triage: language, sentiment, question/complaint/spam/praise/abuse tags, urgency, queues.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ModelOpt = Annotated[
    Path | None, typer.Option("--model", help="Model directory (default: the shipped models/triage-default).")
]
TierOpt = Annotated[
    Tier, typer.Option("--tier", help="fast: n-gram models, 8,000-10,000 comments/s per core for a whole run. accurate: adds a multilingual encoder, 125-150/s per core (benchmarks/results/pipeline.md).")
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
    from triage.formats import get_field

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


class Engine(StrEnum):
    local = "local"
    dask = "dask"


class ProgressMode(StrEnum):
    auto = "auto"
    bar = "bar"
    log = "log"
    off = "off"


@app.command()
def score(
    input: Annotated[str, typer.Argument(help="CSV, JSONL (.gz ok) or Parquet file, or - for JSONL on stdin. "
                                              "With --engine dask also a directory, a glob or an fsspec URL.")],
    output: Annotated[str, typer.Option("-o", "--output", help="Output file (format from its extension), or - for JSONL "
                                        "on stdout. With --engine dask a directory gets one file per partition.")] = "-",
    fmt: Annotated[str | None, typer.Option("--format", help="Input format if the extension does not say: jsonl|csv|parquet.")] = None,
    out_fmt: Annotated[str | None, typer.Option("--output-format", help="Output format if the extension does not say.")] = None,
    text_field: Annotated[str, typer.Option(help="Field with the comment text (dotted for nested JSON).")] = "text",
    id_field: Annotated[str | None, typer.Option("--id-field", help="Field with the comment id (default: id; warns if no row has the one you name).")] = None,
    model: ModelOpt = None,
    tier: TierOpt = Tier.FAST,
    batch_size: Annotated[int, typer.Option(min=1, help="Comments per chunk (the unit of work and of checkpoints).")] = 2000,
    workers: Annotated[int | None, typer.Option(min=1, help="Worker processes (default: all cores; Dask: LocalCluster workers).")] = None,
    engine: Annotated[Engine, typer.Option(help="local: processes on this machine. dask: a Dask cluster.")] = Engine.local,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address, e.g. tcp://host:8786 (default: a LocalCluster).")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue an interrupted run from its checkpoint.")] = False,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Start over even if an interrupted run left a checkpoint.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Stop at the first bad row instead of reporting it and going on.")] = False,
    errors: Annotated[str | None, typer.Option("--errors", help="Where bad rows are reported (default: OUTPUT.errors.jsonl; not the input or output).")] = None,
    max_bad_rows: Annotated[str, typer.Option("--max-bad-rows", help="Fail (exit 1, no output) with more bad rows than N, or than P% of the rows read. A run whose every row is bad always fails.")] = DEFAULT_MAX_BAD_ROWS,
    escape_formulas: Annotated[bool, typer.Option("--escape-formulas/--no-escape-formulas", help="CSV output: prefix ' to text cells starting with = + - @ tab or CR, which spreadsheets run as formulas (OWASP).")] = True,
    progress: Annotated[ProgressMode, typer.Option(help="auto: a bar on a terminal, log lines otherwise.")] = ProgressMode.auto,
    log_every: Annotated[float, typer.Option(min=0.0, help="Seconds between progress log lines.")] = 10.0,
    blocksize: Annotated[int, typer.Option(min=1, help="Dask: MiB of plain JSONL/CSV input per partition.")] = 8,
) -> None:
    """Score every comment of a file; each row keeps its fields and gains the triage fields.

    Streams in chunks on all cores, keeps input order, resumes with --resume after a kill,
    and reports bad rows in OUTPUT.errors.jsonl (or stops at the first with --strict).

    Example: triage score comments.csv -o scored.csv --text-field message
    """
    from triage.batch.engine import score_file
    from triage.batch.options import BatchOptions

    options = BatchOptions(
        fmt=fmt, out_fmt=out_fmt, text_field=text_field, id_field=id_field or "id", tier=tier,
        chunk_rows=batch_size, workers=workers, strict=strict, resume=resume, overwrite=overwrite,
        errors_path=errors, progress=progress.value, log_every=log_every,
        max_bad_rows=max_bad_rows, escape_formulas=escape_formulas, check_id_field=id_field is not None,
    )
    echo = functools.partial(typer.echo, err=True)
    try:
        if engine is Engine.dask:
            from triage.batch.dask_engine import score_with_dask

            if resume:
                raise ConfigError("--resume is for the local engine", hint="drop --resume or --engine dask")
            summary = score_with_dask(input, output, model=model, options=options, scheduler=scheduler,
                                      blocksize=blocksize << 20, echo=echo)
        else:
            if scheduler is not None:
                raise ConfigError("--scheduler needs --engine dask")
            summary = score_file(input, output, model=model, options=options, echo=echo)
    except TriageError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        typer.echo("Interrupted. Continue with the same command and --resume.", err=True)
        raise typer.Exit(130) from None
    for line in summary.lines():
        echo(line)


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

    from triage.formats import read_records
    from triage.paths import REPO_ROOT
    from triage.pipeline.core import load_pipeline
    from triage.training.registry import resolve_model_dir

    path = str(input or REPO_ROOT / "datasets" / "samples" / "comments.jsonl")
    try:
        pipeline = load_pipeline(resolve_model_dir(model))
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


# --- service: serve, db upgrade, keys (thin; the work is in triage.service.api.serve / triage.service.moderation)

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
    from triage.service.settings import Settings

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
    from triage.service.api.serve import serve as run

    try:
        run(_settings(db, model), host=host, port=port, workers=workers, demo=demo, echo=typer.echo)
    except TriageError as exc:
        _fail(exc)


@db_app.command("upgrade")
def db_upgrade(db: DbOpt = None) -> None:
    """Apply the schema migrations to the database."""
    from triage.service.store import upgrade

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
    from triage.errors import InvalidRequestError
    from triage.service.auth import Role
    from triage.service.moderation import create_key
    from triage.service.store import Database, upgrade

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


class KeysFormat(StrEnum):
    table = "table"
    jsonl = "jsonl"


@keys_app.command("list")
def keys_list(
    db: DbOpt = None,
    fmt: Annotated[KeysFormat, typer.Option(
        "--format", help="table: to read. jsonl: one JSON object per key, as GET /v1/keys "
        "(name, role, channels, prefix, created_at, revoked_at).")] = KeysFormat.table,
) -> None:
    """List every API key, revoked ones too (never the key itself, which is not stored).

    Oldest first: name, role, channels, the public prefix (trg_ and 8 characters: which key a
    leaked trg_... string is) and when it was created and revoked.

    Example: triage keys list --format jsonl
    """
    import json

    from triage.service.api.schemas import KeyInfoOut
    from triage.service.auth import Principal, Role
    from triage.service.moderation import list_keys

    try:
        database = _migrated_database(db)
        try:
            stored = list_keys(database, Principal(0, "cli", Role.ADMIN, frozenset()))
            keys = [KeyInfoOut.of(k) for k in stored]
        finally:
            database.dispose()
    except TriageError as exc:
        _fail(exc)
    if fmt is KeysFormat.jsonl:
        for k in keys:
            typer.echo(json.dumps(k.model_dump(mode="json"), ensure_ascii=False))
    else:
        def when(t: Any) -> str:
            return "-" if t is None else t.strftime("%Y-%m-%d %H:%M:%SZ")

        width = max([4, *(len(k.name) for k in keys)])
        typer.echo(f"{'name':<{width}}  {'role':<8}  {'prefix':<12}  {'created_at':<20}  "
                   f"{'revoked_at':<20}  channels")
        for k in keys:
            typer.echo(f"{k.name:<{width}}  {k.role:<8}  {k.prefix:<12}  {when(k.created_at):<20}  "
                       f"{when(k.revoked_at):<20}  {','.join(k.channels) or '-'}")
    revoked = sum(k.revoked_at is not None for k in keys)
    typer.echo(f"{len(keys)} keys, {revoked} revoked", err=True)


@keys_app.command("revoke")
def keys_revoke(
    name: Annotated[str, typer.Argument(help="The key's name, as `triage keys list` shows it.")],
    db: DbOpt = None,
) -> None:
    """Revoke an API key: it stops working at once (401), for API calls and inbox sessions.

    Revoking a revoked key changes nothing. The last admin key that is not revoked cannot be
    revoked: create another first. To rotate a key: create a new one, switch the clients to
    it, then revoke the old one (docs/deploy.md).

    Example: triage keys revoke shop-a-bot
    """
    from triage.service.auth import Principal, Role
    from triage.service.moderation import iso, revoke_key

    try:
        database = _migrated_database(db)
        try:
            key, revoked = revoke_key(database, Principal(0, "cli", Role.ADMIN, frozenset()), name)
        finally:
            database.dispose()
    except TriageError as exc:
        _fail(exc)
    assert key.revoked_at is not None
    if revoked:
        typer.echo(f"Revoked {key.role} key {key.name!r} ({key.prefix}...).")
    else:
        typer.echo(f"Key {key.name!r} was already revoked at {iso(key.revoked_at)}; nothing changed.")


@app.command("import")
def import_(
    input: Annotated[str, typer.Argument(help="A JSONL, CSV (.gz ok) or Parquet export, scored or not.")],
    channel: Annotated[str, typer.Option("--channel", help="The channel (page or group) whose queues get the comments.")],
    db: DbOpt = None,
    model: ModelOpt = None,
    fmt: Annotated[str | None, typer.Option("--format", help="Input format if the extension does not say: jsonl|csv|parquet.")] = None,
    text_field: Annotated[str, typer.Option(help="Field with the comment text (dotted for nested JSON).")] = "text",
    id_field: Annotated[str, typer.Option(help="Field with the comment's id on its platform (the idempotency key).")] = "id",
    author_field: Annotated[str, typer.Option(help="Field with the author, if any.")] = "author",
    created_field: Annotated[str, typer.Option(help="Field with the ISO 8601 creation time, if any.")] = "created_at",
    batch_size: Annotated[int, typer.Option(min=1, help="Comments per database transaction (at most TRIAGE_MAX_BATCH).")] = 500,
    strict: Annotated[bool, typer.Option("--strict", help="Stop at the first bad row.")] = False,
    errors: Annotated[str | None, typer.Option("--errors", help="Write every bad row to this JSONL file.")] = None,
) -> None:
    """Load an export into a channel's moderation queues, in batches; importing again adds nothing twice.

    Example: triage import scored.csv --channel shop-a --text-field message
    """
    from triage.batch.chunks import describe
    from triage.batch.importer import import_file
    from triage.batch.options import check_errors_path
    from triage.formats import encode_jsonl

    try:
        check_errors_path(errors, input, "-")
        settings = _settings(db, model)
        summary = import_file(
            input, channel, database_url=settings.database_url, model=settings.model_dir, fmt=fmt,
            text_field=text_field, id_field=id_field, author_field=author_field,
            created_field=created_field, batch_size=batch_size, strict=strict,
            echo=functools.partial(typer.echo, err=True),
        )
    except TriageError as exc:
        _fail(exc)
    for bad in summary.errors[:10]:
        typer.echo(f"warning: {describe(bad)}", err=True)
    if errors is not None and summary.errors:
        Path(errors).write_bytes(encode_jsonl(summary.errors))
    elif len(summary.errors) > 10:
        typer.echo(f"... and {len(summary.errors) - 10:,} more (pass --errors FILE for all)", err=True)
    failure = summary.failure(input)
    if failure is not None:
        _fail(failure)
    for line in summary.lines(channel):
        typer.echo(line, err=True)


# --- retraining: train, evaluate, models, labels (thin; the work is in triage.training.retrain/report/registry)

models_app = typer.Typer(help="The model registry ($TRIAGE_MODELS_DIR, default ./models).", no_args_is_help=True)
labels_app = typer.Typer(help="Moderators' corrections as training data.", no_args_is_help=True)
app.add_typer(models_app, name="models")
app.add_typer(labels_app, name="labels")


@contextlib.contextmanager
def _stage_log() -> Iterator[Callable[[str], None]]:
    """Training's progress on stderr: each stage's line with the time since the start and since the
    previous stage; on a terminal a spinner with a running clock shows that work goes on between
    lines (a stage can take minutes)."""
    from rich.console import Console

    console = Console(stderr=True, highlight=False)
    start = last = time.monotonic()

    def stamp(seconds: float) -> str:
        return f"{int(seconds) // 60}m{int(seconds) % 60:02d}s"

    if not console.is_terminal:
        def log(message: str) -> None:
            nonlocal last
            now = time.monotonic()
            typer.echo(f"[{stamp(now - start)} +{stamp(now - last)}] {message}", err=True)
            last = now

        yield log
        return
    with console.status("training: reading the data", spinner="dots") as status:
        def log_tty(message: str) -> None:
            nonlocal last
            now = time.monotonic()
            console.print(f"[{stamp(now - start)} +{stamp(now - last)}] {message}", markup=False)
            last = now
            status.update(f"training: next stage after '{message[:60]}' (started {stamp(now - start)} in)")

        yield log_tty


@app.command()
def train(
    data: Annotated[list[str], typer.Option("--data", help="Labelled CSV/JSONL/Parquet file; repeat, or list several.")],
    out: Annotated[Path, typer.Option("--out", help="Model directory to write (in the registry to activate it).")],
    base: Annotated[str, typer.Option(help="default: the shared datasets + the brand-page corpus + your rows (6-20 min on 2 cores, see README). none: the corpus + your rows (under a minute).")] = "default",
    text_field: Annotated[str, typer.Option(help="Column with the comment text.")] = "text",
    sentiment_field: Annotated[str, typer.Option(help="Column with negative|neutral|positive.")] = "sentiment",
    tags_field: Annotated[str, typer.Option(help="Column with the tags (list or |-joined).")] = "tags",
    lang_field: Annotated[str, typer.Option(help="Column with the language (detected if absent).")] = "lang",
    priority_field: Annotated[str, typer.Option(help="Column with high|normal|low (optional; trains the urgency head).")] = "priority",
    team_share: Annotated[float, typer.Option(min=0.01, max=0.99, help="Share of every head's training signal your rows carry, however few they are.")] = 0.5,
    seed: Annotated[int, typer.Option(help="Seed of the train/dev/held-out split (same data + seed = same model).")] = 0,
    holdout: Annotated[float, typer.Option(min=0.0, max=0.9, help="Fraction of your rows held out for evaluation and the gate.")] = 0.2,
    compare_to: Annotated[str, typer.Option(help="Model directory to beat: a path, 'active' (the registry's), or 'none'.")] = "active",
    max_regression: Annotated[float, typer.Option(min=0.0, help="Largest F1 loss accepted per task/language/label.")] = 0.02,
    min_examples: Annotated[int, typer.Option(min=1, help="A language counts in the gate with at least this many held-out rows.")] = 20,
    activate: Annotated[bool, typer.Option("--activate", help="Make it the registry's active model if it passes the gate.")] = False,
    embed: Annotated[bool, typer.Option("--embed", help="Also train the accurate tier (embeds the texts the embedding cache lacks, 10-70/s on 2 cores).")] = False,
    datasets: Annotated[str | None, typer.Option("--datasets", help="Shared datasets folder for --base default (default $TRIAGE_DATA).")] = None,
) -> None:
    """Train a model on your labelled comments, evaluate it on a held-out part, and gate it.

    Exit code 2 when the new model is worse than --compare-to by more than --max-regression.

    Example: triage train --data labels.csv --out models/shop-v2 --base none --activate
    """
    from triage.training.labelled import Columns
    from triage.training.registry import Registry
    from triage.training.report import summary_lines
    from triage.training.retrain import PromotionRefused, TrainOptions, train_from_files

    files = [f for item in data for f in item.split(",") if f]
    echo = functools.partial(typer.echo, err=True)
    try:
        registry = Registry()
        old: Path | None
        if compare_to == "none":
            old = None
        elif compare_to == "active":
            from triage.paths import DEFAULT_MODEL_DIR

            old = registry.active_path() or DEFAULT_MODEL_DIR
        else:
            old = Path(compare_to)
        from triage.training.fit import TrainConfig

        options = TrainOptions(base=base, seed=seed, holdout=holdout, max_regression=max_regression,
                               min_examples=min_examples, embed=embed, data=datasets,
                               config=TrainConfig(user_share=team_share))
        with _stage_log() as log:
            outcome = train_from_files(files, out, Columns(text_field, sentiment_field, tags_field, lang_field, priority_field),
                                       options, old, log=log)
    except PromotionRefused as exc:
        typer.echo(f"Error: {exc}", err=True)
        typer.echo(f"The model is in {out} (not activated); compare {out}/holdout/report.html with {out}/holdout/previous/report.html.", err=True)
        raise typer.Exit(2) from None
    except TriageError as exc:
        _fail(exc)
    if outcome.holdout_metrics:
        for line in summary_lines(outcome.holdout_metrics):
            typer.echo(line)
    if outcome.old_metrics is not None:
        echo(f"gate passed against {outcome.old_metrics['model']} (max regression {max_regression})")
    if activate:
        try:
            if out.resolve().parent != registry.root.resolve():
                raise ConfigError(f"{out} is not in the registry {registry.root}", hint="train with --out <registry>/NAME, or set TRIAGE_MODELS_DIR")
            registry.activate(out.name)
        except TriageError as exc:
            _fail(exc)
        echo(f"activated {out.name}")


@app.command("evaluate")
def evaluate_cmd(
    model: Annotated[Path, typer.Option("--model", help="Model directory.")],
    data: Annotated[list[str], typer.Option("--data", help="Labelled CSV/JSONL/Parquet file; repeat for several.")],
    out: Annotated[Path | None, typer.Option("--out", help="Folder for metrics.json and report.html (default: <model>/eval).")] = None,
    tier: TierOpt = Tier.FAST,
    text_field: Annotated[str, typer.Option(help="Column with the comment text.")] = "text",
    sentiment_field: Annotated[str, typer.Option(help="Column with the sentiment label.")] = "sentiment",
    tags_field: Annotated[str, typer.Option(help="Column with the tags.")] = "tags",
    lang_field: Annotated[str, typer.Option(help="Column with the language (detected if absent).")] = "lang",
) -> None:
    """Precision/recall/F1 per task, language and label, confusion matrices and calibration.

    Example: triage evaluate --model models/shop-v2 --data test.csv --out eval/
    """
    from triage.pipeline.core import load_pipeline
    from triage.training.labelled import Columns, read_labelled
    from triage.training.report import evaluate_examples, summary_lines, write_report

    try:
        report = read_labelled(data, Columns(text_field, sentiment_field, tags_field, lang_field), min_rows=1, min_per_class=0)
        report.raise_for_errors()
        metrics = evaluate_examples(load_pipeline(model), report.examples, tier)
        mpath, hpath = write_report(metrics, out or model / "eval")
    except TriageError as exc:
        _fail(exc)
    for line in summary_lines(metrics):
        typer.echo(line)
    typer.echo(f"wrote {mpath} and {hpath}", err=True)


@models_app.command("list")
def models_list() -> None:
    """The models of the registry; * marks the active one."""
    from triage.training.registry import Registry

    try:
        registry = Registry()
        infos = registry.list()
    except TriageError as exc:
        _fail(exc)
    for info in infos:
        typer.echo(info.summary())
    if registry.active_name() is None:
        typer.echo("(no active pointer: the shipped models/triage-default is used)", err=True)


@models_app.command("show")
def models_show(name: Annotated[str, typer.Argument(help="Model name (its folder in the registry).")]) -> None:
    """A model's settings, held-out metrics and card."""
    from triage.training.registry import Registry

    try:
        info = Registry().info(name)
    except TriageError as exc:
        _fail(exc)
    typer.echo(info.summary())
    typer.echo((info.path / "pipeline.toml").read_text(encoding="utf-8"))
    card = info.path / "MODEL_CARD.md"
    if card.is_file():
        typer.echo(card.read_text(encoding="utf-8"))


@models_app.command("activate")
def models_activate(name: Annotated[str, typer.Argument(help="Model name (its folder in the registry).")]) -> None:
    """Make a model the active one; a running service switches on its next request."""
    from triage.training.registry import Registry

    try:
        Registry().activate(name)
    except TriageError as exc:
        _fail(exc)
    typer.echo(f"activated {name}", err=True)


@models_app.command("rollback")
def models_rollback() -> None:
    """Re-activate the model that was active before the current one."""
    from triage.training.registry import Registry

    try:
        name = Registry().rollback()
    except TriageError as exc:
        _fail(exc)
    typer.echo(f"rolled back to {name or 'the shipped model (no active pointer)'}", err=True)


@labels_app.command("export")
def labels_export(
    output: Annotated[str, typer.Option("-o", "--output", help="JSONL file to write, or - for stdout.")],
    db: DbOpt = None,
    channel: Annotated[str | None, typer.Option(help="Only this channel (default: all).")] = None,
) -> None:
    """Moderators' latest corrections as training JSONL (the same rows as GET /v1/labels/export).

    Example: triage labels export -o corrections.jsonl && triage train --data corrections.jsonl --out models/next
    """
    import json
    import sys

    from triage.service.auth import Principal, Role
    from triage.service.moderation import export_labels
    from triage.service.store import Database

    try:
        database = Database(_settings(db).database_url)
        try:
            rows = export_labels(database, Principal(0, "cli", Role.ADMIN, frozenset()), channel)
            fh = sys.stdout if output == "-" else open(output, "w", encoding="utf-8")  # noqa: SIM115
            n = 0
            try:
                for row in rows:
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                    n += 1
            finally:
                if fh is not sys.stdout:
                    fh.close()
        finally:
            database.dispose()
    except TriageError as exc:
        _fail(exc)
    typer.echo(f"exported {n} labelled comments", err=True)


class ReviewFormat(StrEnum):
    table = "table"
    jsonl = "jsonl"


def _migrated_database(db: str | None) -> Any:
    """The service's database, refused (not migrated behind the user's back) unless it is at
    the newest schema revision."""
    from sqlalchemy.exc import SQLAlchemyError

    from triage.service.store import Database
    from triage.service.store.migrate import current_revision, head_revision

    database = Database(_settings(db).database_url)
    where = database.engine.url.render_as_string(hide_password=True)
    try:
        revision = current_revision(database.engine)
    except SQLAlchemyError as exc:
        database.dispose()
        raise ConfigError(f"cannot read the database at {where}: {getattr(exc, 'orig', exc)}",
                          hint="check TRIAGE_DATABASE_URL / --db") from None
    if revision != head_revision():
        database.dispose()
        raise ConfigError(f"the database at {where} is at schema revision {revision or '(none)'}, "
                          f"not {head_revision()}",
                          hint="run `triage db upgrade` with the same --db (triage serve does too)")
    return database


@app.command()
def review(
    channel: Annotated[str, typer.Option("--channel", help="The channel to review.")],
    lang: Annotated[str | None, typer.Option(help="Only this language (ISO 639-1).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many comments to list.")] = 50,
    db: DbOpt = None,
    fmt: Annotated[ReviewFormat, typer.Option(
        "--format", help="table: to read. jsonl: for labelling tools (id, channel, external_id, "
        "text, lang, predictions, uncertainty, reason).")] = ReviewFormat.table,
) -> None:
    """Active learning: the comments to label next, the ones the model is least sure about first.

    Lists the channel's comments that have no correction yet (as GET /v1/queues/review), by
    uncertainty (0 sure .. 1 a coin toss) and the reason: the sentiment margin or a tag's
    distance from its threshold. Label them (inbox Relabel, or POST /v1/comments/ID/labels),
    then `triage labels export` and `triage train` (docs/training.md).

    Example: triage review --channel shop-a --limit 20
    """
    import json

    from triage.service.auth import Principal, Role
    from triage.service.moderation import review_records

    n = 0
    try:
        database = _migrated_database(db)
        try:
            rows = review_records(database, Principal(0, "cli", Role.ADMIN, frozenset()),
                                  channel=channel, lang=lang, limit=limit)
            if fmt is ReviewFormat.table:
                typer.echo(f"{'id':>8}  {'uncert.':>7}  {'reason':<44}  {'lang':<4}  text")
            for row in rows:
                if fmt is ReviewFormat.jsonl:
                    typer.echo(json.dumps(row, ensure_ascii=False))
                else:
                    text = " ".join(row["text"].split())[:60]
                    typer.echo(f"{row['id']:>8}  {row['uncertainty']:>7.3f}  {row['reason']:<44}  "
                               f"{row['lang']:<4}  {text}")
                n += 1
        finally:
            database.dispose()
    except TriageError as exc:
        _fail(exc)
    typer.echo(f"{n} unlabelled comments of {channel!r}, least certain first", err=True)


def main() -> None:
    """Entry point of the ``triage`` command."""
    app()


if __name__ == "__main__":
    main()
