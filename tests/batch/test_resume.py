"""Kill and resume: the final output is byte-identical (row-identical for Parquet)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.batch.helpers import parquet_rows, records, write
from triage.batch import output as batch
from triage.batch.engine import score_file
from triage.batch.options import CHECKPOINT_VERSION, BatchOptions, checkpoint_path
from triage.cli import app
from triage.errors import TriageError
from triage.pipeline.core import Pipeline

pytestmark = pytest.mark.slow
FORMATS = ["jsonl", "csv", "parquet", "jsonl.gz", "csv.gz"]


def _input(tmp_path: Path, ext: str, n: int) -> Path:
    src = write(tmp_path / f"in.{ext}", records(n))
    if not ext.startswith("parquet"):  # a bad row, so the errors file is resumed too
        data = src.read_bytes()
        if ext.endswith(".gz"):
            return src
        src.write_bytes(data + (b"{broken\n" if ext == "jsonl" else b'x,"bad"q,p\n'))
    return src


def _same(a: Path, b: Path) -> bool:
    if a.name.endswith(".parquet"):
        return parquet_rows(a) == parquet_rows(b)
    return a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize("src_ext", ["jsonl", "csv", "parquet", "csv.gz"])
@pytest.mark.parametrize("out_ext", FORMATS)
def test_interrupted_run_resumes_to_identical_output(
    tmp_path: Path, pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch, src_ext: str, out_ext: str
) -> None:
    src = _input(tmp_path, src_ext, 120)
    (tmp_path / "ref").mkdir()
    (tmp_path / "run").mkdir()
    ref, out = tmp_path / "ref" / f"out.{out_ext}", tmp_path / "run" / f"out.{out_ext}"
    opts = BatchOptions(workers=1, progress="off", chunk_rows=13)
    score_file(str(src), str(ref), options=opts, pipeline=pipeline, model=pipeline.directory)

    real = batch._Output.write_chunk
    calls = {"n": 0}

    def dying(self: batch._Output, *args: object, **kw: object) -> None:
        if calls["n"] == 4:
            raise KeyboardInterrupt  # stands in for a kill right after chunk 4 was saved
        calls["n"] += 1
        real(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(batch._Output, "write_chunk", dying)
    with pytest.raises(KeyboardInterrupt):
        score_file(str(src), str(out), options=opts, pipeline=pipeline, model=pipeline.directory)
    monkeypatch.setattr(batch._Output, "write_chunk", real)
    assert not out.exists()
    saved = json.loads(Path(checkpoint_path(str(out))).read_text())
    assert saved["chunks"] == 4 and saved["rows"] == 52

    resumed = BatchOptions(workers=1, progress="off", chunk_rows=999, resume=True)  # 13 is kept
    summary = score_file(str(src), str(out), options=resumed, pipeline=pipeline,
                         model=pipeline.directory)
    assert summary.resumed_at == 52
    assert _same(out, ref)
    for suffix in (".errors.jsonl",):
        a, b = Path(str(ref) + suffix), Path(str(out) + suffix)
        assert a.exists() == b.exists()
        if a.exists():
            assert a.read_bytes() == b.read_bytes()
    assert not Path(checkpoint_path(str(out))).exists()
    assert not Path(str(out) + ".part").exists() and not Path(str(out) + ".part.d").exists()


def test_checkpoint_rules(tmp_path: Path, pipeline: Pipeline, model_dir: Path) -> None:
    src = write(tmp_path / "in.jsonl", records(30))
    out = tmp_path / "out.jsonl"
    opts = BatchOptions(workers=1, progress="off", chunk_rows=10)
    with pytest.raises(TriageError, match="nothing to resume"):
        score_file(str(src), str(out), options=BatchOptions(workers=1, resume=True),
                   pipeline=pipeline, model=model_dir)
    Path(checkpoint_path(str(out))).write_text(json.dumps({"version": CHECKPOINT_VERSION,
                                                           "rows": 10}))
    runner = CliRunner()
    result = runner.invoke(app, ["score", str(src), "-o", str(out), "--workers", "1",
                                 "--model", str(model_dir)])
    assert result.exit_code == 1
    assert "interrupted run" in result.output and "--resume" in result.output
    assert "--overwrite" in result.output
    score_file(str(src), str(out), options=BatchOptions(workers=1, progress="off", overwrite=True),
               pipeline=pipeline, model=model_dir)
    assert out.exists() and not Path(checkpoint_path(str(out))).exists()
    # a resume with different options is refused
    real = batch._Output.write_chunk

    def dying(self: batch._Output, *args: object, **kw: object) -> None:
        if self.state.chunks == 1:
            raise KeyboardInterrupt
        real(self, *args, **kw)  # type: ignore[arg-type]

    batch._Output.write_chunk = dying  # type: ignore[method-assign]
    try:
        with pytest.raises(KeyboardInterrupt):
            score_file(str(src), str(tmp_path / "b.jsonl"), options=opts, pipeline=pipeline,
                       model=model_dir)
    finally:
        batch._Output.write_chunk = real  # type: ignore[method-assign]
    with pytest.raises(TriageError, match="text_field differs"):
        score_file(str(src), str(tmp_path / "b.jsonl"), pipeline=pipeline, model=model_dir,
                   options=BatchOptions(workers=1, resume=True, text_field="body"))


def test_sigkill_and_resume_byte_identical(tmp_path: Path, model_dir: Path) -> None:
    """A real `triage score` process, SIGKILLed mid-run, then resumed."""
    rows = records(20_000)
    src = write(tmp_path / "in.jsonl", rows)
    (tmp_path / "ref").mkdir()
    (tmp_path / "run").mkdir()
    ref, out = tmp_path / "ref" / "out.jsonl.gz", tmp_path / "run" / "out.jsonl.gz"
    cmd = [sys.executable, "-m", "triage.cli", "score", str(src), "--model", str(model_dir),
           "--workers", "2", "--batch-size", "500", "--progress", "off"]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen([*cmd, "-o", str(out)], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ckpt = Path(checkpoint_path(str(out)))
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            try:
                if json.loads(ckpt.read_text())["chunks"] >= 4:
                    break
            except (FileNotFoundError, ValueError):
                pass
            assert proc.poll() is None, proc.stderr.read().decode()  # type: ignore[union-attr]
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        with_group = proc.pid
        try:
            os.killpg(with_group, signal.SIGKILL)  # the workers of the killed run, if still there
        except ProcessLookupError:
            pass
        proc.stderr.close()  # type: ignore[union-attr]
    saved = json.loads(ckpt.read_text())
    assert 0 < saved["rows"] < len(rows) and not out.exists()
    done = subprocess.run([*cmd, "-o", str(out), "--resume"], env=env, capture_output=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert "resuming" in done.stderr.decode()
    full = subprocess.run([*cmd, "-o", str(ref)], env=env, capture_output=True, timeout=300,
                          check=False)
    assert full.returncode == 0, full.stderr.decode()
    assert out.read_bytes() == ref.read_bytes()
    assert not ckpt.exists()
