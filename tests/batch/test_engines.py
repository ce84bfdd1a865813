"""The same output from --workers 1, --workers 2 and --engine dask (a 2-worker LocalCluster)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.batch.helpers import errors, parquet_rows, read, records, registry_with, write
from triage.batch.dask_engine import plan_partitions, score_with_dask
from triage.batch.engine import BatchOptions, score_file
from triage.cli import app
from triage.pipeline.core import Pipeline

pytestmark = pytest.mark.slow
N = 1500


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as c:
        yield c


def _inputs(tmp_path: Path, ext: str) -> Path:
    rows = records(N)
    src = write(tmp_path / f"in.{ext}", rows)
    if ext in ("jsonl", "csv"):  # and a few bad rows in the middle
        data = src.read_bytes()
        cut = len(data) // 2
        cut = data.index(b"\n", cut) + 1
        if ext == "csv":
            while data[:cut].count(b'"') % 2:
                cut = data.index(b"\n", cut) + 1
        bad = b"{broken\n" if ext == "jsonl" else b'x,"bad"quote,p\n'
        src.write_bytes(data[:cut] + bad + data[cut:])
    return src


@pytest.mark.parametrize("ext", ["jsonl", "csv", "parquet"])
def test_workers_and_dask_write_the_same_output(
    tmp_path: Path, ext: str, pipeline: Pipeline, model_dir: Path, client: Any
) -> None:
    src = _inputs(tmp_path, ext)
    outs = {}
    for name in ("w1", "w2", "dask"):
        (tmp_path / name).mkdir()
        outs[name] = tmp_path / name / f"out.{ext}"
    opts = BatchOptions(progress="off", chunk_rows=200)
    score_file(str(src), str(outs["w1"]), model=model_dir, pipeline=pipeline,
               options=BatchOptions(progress="off", chunk_rows=200, workers=1))
    score_file(str(src), str(outs["w2"]), model=model_dir,
               options=BatchOptions(progress="off", chunk_rows=200, workers=2))
    # small partitions, so that several split the file (and CSV quoted newlines span their edges)
    summary = score_with_dask(str(src), str(outs["dask"]), model=model_dir, options=opts,
                              client=client, blocksize=40_000)
    assert summary.scored == N
    if ext == "parquet":
        ref = parquet_rows(outs["w1"])
        assert len(ref) == N
        assert parquet_rows(outs["w2"]) == ref and parquet_rows(outs["dask"]) == ref
    else:
        ref_bytes = outs["w1"].read_bytes()
        assert outs["w2"].read_bytes() == ref_bytes
        assert outs["dask"].read_bytes() == ref_bytes
        assert len(read(outs["w1"])) == N
        errs = [errors(Path(str(p) + ".errors.jsonl")) for p in outs.values()]
        assert len(errs[0]) == 1 and errs[0] == errs[1] == errs[2]


def test_partitions_start_on_record_boundaries(tmp_path: Path) -> None:
    src = _inputs(tmp_path, "csv")
    parts = plan_partitions([str(src)], None, 20_000)
    assert len(parts) > 3
    data = src.read_bytes()
    for p in parts[1:]:
        assert data[p.start - 1 : p.start] == b"\n"
        assert data[: p.start].count(b'"') % 2 == 0
        assert data[: p.start].count(b"\n") + 1 == p.line


def test_dask_partitioned_output_directory(tmp_path: Path, model_dir: Path, client: Any) -> None:
    src = _inputs(tmp_path, "jsonl")
    ref = tmp_path / "ref.jsonl"
    score_with_dask(str(src), str(ref), model=model_dir, client=client,
                    options=BatchOptions(progress="off", chunk_rows=300), blocksize=1 << 30)
    outdir = tmp_path / "scored"
    summary = score_with_dask(str(src), str(outdir) + "/", model=model_dir, client=client,
                              options=BatchOptions(progress="off", chunk_rows=300,
                                                   out_fmt="parquet"),
                              blocksize=60_000)
    parts = sorted(outdir.glob("part-*.parquet"))
    assert len(parts) > 1 and (outdir / "_SUCCESS").exists()
    rows = [r for p in parts for r in parquet_rows(p)]
    expected = read(ref)
    assert [r["id"] for r in rows] == [r["id"] for r in expected]
    assert [r["p_spam"] for r in rows] == [r["p_spam"] for r in expected]
    assert summary.bad == 1 and errors(tmp_path / "scored.errors.jsonl")[0]["kind"] == "invalid_json"


def test_dask_reads_a_directory_of_parts(tmp_path: Path, model_dir: Path, client: Any) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    rows = records(90)
    write(folder / "a-0.csv.gz", rows[:40])
    write(folder / "a-1.csv.gz", rows[40:])
    (folder / "_SUCCESS").write_text("")
    out = tmp_path / "out.jsonl"
    summary = score_with_dask(str(folder), str(out), model=model_dir, client=client,
                              options=BatchOptions(progress="off"))
    assert summary.scored == 90
    assert [r["id"] for r in read(out)] == [r["id"] for r in rows]


def test_dask_cli_with_a_local_cluster(tmp_path: Path, model_dir: Path) -> None:
    src = write(tmp_path / "in.jsonl", records(20))
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["score", str(src), "-o", str(out), "--engine", "dask",
                                      "--workers", "1", "--model", str(model_dir)])
    assert result.exit_code == 0, result.output
    assert len(read(out)) == 20
    bad = CliRunner().invoke(app, ["score", str(src), "-o", str(out), "--scheduler", "tcp://x:1"])
    assert bad.exit_code == 1 and "Error: --scheduler needs --engine dask" in bad.output


def test_dask_follows_the_active_model_and_fails_on_an_unreadable_file(
    tmp_path: Path, model_dir: Path, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from triage.errors import InputFormatError
    from triage.pipeline.core import read_model_config

    root = tmp_path / "registry"
    mine = read_model_config(registry_with(model_dir, root, "mine"))[0]
    monkeypatch.setenv("TRIAGE_MODELS_DIR", str(root))
    assert CliRunner().invoke(app, ["models", "activate", "mine"]).exit_code == 0
    src = write(tmp_path / "in.jsonl", records(20))
    out = tmp_path / "out.jsonl"
    score_with_dask(str(src), str(out), client=client, options=BatchOptions(progress="off"))
    assert {r["model"].split("/")[0] for r in read(out)} == {mine}
    # no row could be read (the text is in "body"): an error, and nothing under either output
    bad = write(tmp_path / "bad.jsonl", [{"id": i, "body": "hello"} for i in range(20)])
    for target in (tmp_path / "bad-out.jsonl", tmp_path / "bad-dir"):
        with pytest.raises(InputFormatError, match="no row could be read") as info:
            score_with_dask(str(bad), str(target) + ("/" if target.name == "bad-dir" else ""),
                            client=client, options=BatchOptions(progress="off"), blocksize=200)
        assert str(info.value).startswith(f"{bad}: ")
        assert not target.exists() or not any(target.iterdir())
        assert not Path(str(target) + ".part").exists()


def test_dask_publishes_one_output_file_after_its_cluster_has_closed(
    tmp_path: Path, model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Parquet file is assembled once the workers (each holding the model) are gone, so
    the two memory peaks do not add up; a failure while publishing leaves no output behind."""
    import contextlib

    from triage.batch import dask_engine
    from triage.batch.output import _Output

    events: list[str] = []
    real_client, real_finish = dask_engine._client, _Output.finish

    @contextlib.contextmanager
    def client(*args: Any, **kwargs: Any) -> Iterator[Any]:
        with real_client(*args, **kwargs) as c:
            yield c
        events.append("cluster closed")

    def finish(self: _Output) -> None:
        events.append("finish")
        real_finish(self)

    monkeypatch.setattr(dask_engine, "_client", client)
    monkeypatch.setattr(_Output, "finish", finish)
    src = write(tmp_path / "in.parquet", records(300))
    out = tmp_path / "out.parquet"
    opts = BatchOptions(progress="off", chunk_rows=100, workers=1)
    summary = score_with_dask(str(src), str(out), model=model_dir, options=opts, processes=False)
    assert events == ["cluster closed", "finish"]
    assert summary.scored == 300
    assert len(parquet_rows(out)) == 300

    def broken(self: _Output) -> None:  # noqa: ARG001 - stands in for the method
        raise OSError("disk full")

    monkeypatch.setattr(_Output, "finish", broken)
    failed = tmp_path / "failed.parquet"
    with pytest.raises(OSError, match="disk full"):
        score_with_dask(str(src), str(failed), model=model_dir, options=opts, processes=False)
    assert not failed.exists()
    assert not Path(str(failed) + ".part").exists()
    assert not Path(str(failed) + ".part.d").exists()


def test_dask_parquet_partitions_are_whole_chunks_and_the_output_the_local_engines_bytes(
    tmp_path: Path, pipeline: Pipeline, model_dir: Path, client: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Partitions cut row groups (of 350 rows here) where a chunk ends, so the Dask engine
    scores the local engine's chunks and writes the same Parquet file, byte for byte."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from triage.batch import dask_engine

    monkeypatch.setattr(dask_engine, "PARQUET_PARTITION_ROWS", 500)
    src = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist(records(N)), src, row_group_size=350)
    parts = plan_partitions([str(src)], None, 1 << 20, 200)
    assert [(p.start, p.end, p.line) for p in parts] == [
        (0, 400, 1), (400, 800, 401), (800, 1200, 801), (1200, 1500, 1201)]
    local, dask = tmp_path / "local.parquet", tmp_path / "dask.parquet"
    score_file(str(src), str(local), model=model_dir, pipeline=pipeline,
               options=BatchOptions(progress="off", chunk_rows=200, workers=1))
    summary = score_with_dask(str(src), str(dask), model=model_dir, client=client,
                              options=BatchOptions(progress="off", chunk_rows=200))
    assert summary.scored == N
    assert dask.read_bytes() == local.read_bytes()
    assert [r["id"] for r in parquet_rows(dask)] == [f"c{i}" for i in range(N)]
