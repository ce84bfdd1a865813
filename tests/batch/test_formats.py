"""Round trips through `triage score` for every format, with awkward text."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tests.batch.helpers import errors, parquet_rows, read, records, write
from triage.batch.engine import score_file
from triage.batch.options import BatchOptions
from triage.cli import app
from triage.pipeline.core import Pipeline
from triage.types import OUTPUT_FIELDS

pytestmark = pytest.mark.slow
FORMATS = ["jsonl", "csv", "parquet", "jsonl.gz", "csv.gz"]


def _score(src: Path, out: Path, pipeline: Pipeline, **kw: object) -> None:
    opts = BatchOptions(workers=1, progress="off", **kw)  # type: ignore[arg-type]
    score_file(str(src), str(out), options=opts, pipeline=pipeline, model=pipeline.directory)


@pytest.mark.parametrize("src_ext", FORMATS)
@pytest.mark.parametrize("out_ext", FORMATS)
def test_round_trip_keeps_every_row_and_field(
    tmp_path: Path, pipeline: Pipeline, src_ext: str, out_ext: str
) -> None:
    rows = records(60)
    src = write(tmp_path / f"in.{src_ext}", rows)
    out = tmp_path / f"out.{out_ext}"
    _score(src, out, pipeline, chunk_rows=16)
    got = parquet_rows(out) if out_ext == "parquet" else read(out)
    assert [{k: r[k] for k in ("id", "text", "page")} for r in got] == rows  # order and text exact
    for r in got:
        assert set(OUTPUT_FIELDS) <= set(r)
        assert r["sentiment"] in ("negative", "neutral", "positive")
        assert 0 <= float(r["p_spam"]) <= 1 and 0 <= int(r["priority"]) <= 100
        if out_ext.startswith("csv"):
            assert isinstance(r["tags"], str) and "[" not in r["tags"]
        else:
            assert isinstance(r["tags"], list)
    assert not (tmp_path / f"out.{out_ext}.part").exists()
    assert not (tmp_path / f"out.{out_ext}.checkpoint.json").exists()
    assert errors(tmp_path / f"out.{out_ext}.errors.jsonl") == []


def test_gzip_output_is_one_valid_member(tmp_path: Path, pipeline: Pipeline) -> None:
    src = write(tmp_path / "in.jsonl", records(50))
    out = tmp_path / "out.jsonl.gz"
    _score(src, out, pipeline, chunk_rows=7)
    data = out.read_bytes()
    with gzip.GzipFile(fileobj=__import__("io").BytesIO(data)) as fh:
        assert len(fh.read().splitlines()) == 50
    # one member: decompressing it leaves nothing unused
    import zlib

    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    d.decompress(data)
    assert d.eof and d.unused_data == b""


def test_parquet_schema_tags_list_and_nested_input(tmp_path: Path, pipeline: Pipeline) -> None:
    rows = records(30, nested=True)
    src = write(tmp_path / "in.parquet", rows)
    assert pq.read_schema(src).field("meta").type == pa.struct(
        [("likes", pa.int64()), ("lang_hint", pa.string())]
    )
    out = tmp_path / "out.parquet"
    _score(src, out, pipeline)
    schema = pq.read_schema(out)
    assert schema.field("tags").type == pa.list_(pa.string())
    assert schema.field("p_negative").type == pa.float64()
    assert schema.field("priority").type == pa.int64()
    assert schema.field("meta").type == pa.struct([("likes", pa.int64()), ("lang_hint", pa.string())])
    assert [r["meta"] for r in parquet_rows(out)] == [r["meta"] for r in rows]


def test_nested_text_and_id_fields(tmp_path: Path, model_dir: Path) -> None:
    src = tmp_path / "yt.jsonl"
    src.write_text(
        "".join(
            json.dumps({"snippet": {"textDisplay": t, "videoId": f"v{i}"}, "kind": "comment"}) + "\n"
            for i, t in enumerate(["Where is my refund?", "سلام، خیلی ممنون"])
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        app,
        ["score", str(src), "-o", str(out), "--text-field", "snippet.textDisplay",
         "--id-field", "snippet.videoId", "--workers", "1", "--model", str(model_dir)],
    )
    assert result.exit_code == 0, result.output
    rows = read(out)
    assert [json.loads(r["snippet"])["videoId"] for r in rows] == ["v0", "v1"]
    assert rows[1]["lang"] == "fa"


def test_format_option_and_output_format(tmp_path: Path, pipeline: Pipeline) -> None:
    src = write(tmp_path / "export.csv", records(5))
    renamed = tmp_path / "export.txt"
    src.rename(renamed)
    out = tmp_path / "scored.dat"
    _score(renamed, out, pipeline, fmt="csv", out_fmt="jsonl")
    assert [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()] == [
        f"c{i}" for i in range(5)
    ]


def test_progress_log_lines_when_not_a_terminal(tmp_path: Path, model_dir: Path) -> None:
    src = write(tmp_path / "in.jsonl", records(40))
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        app,
        ["score", str(src), "-o", str(out), "--workers", "1", "--batch-size", "10",
         "--log-every", "0", "--model", str(model_dir)],
    )
    assert result.exit_code == 0, result.output
    assert "scoring: 10 rows" in result.output and "rows/s" in result.output
    assert "scored 40 of 40 rows" in result.output


@pytest.mark.parametrize("out_ext", ["jsonl", "csv", "parquet"])
def test_output_has_reasons_and_uncertainty_as_the_api(
    tmp_path: Path, pipeline: Pipeline, out_ext: str
) -> None:
    from triage.pipeline.uncertainty import uncertainty
    from triage.types import Comment, Tier

    rows = records(27)  # every awkward and multilingual text
    src = write(tmp_path / "in.jsonl", rows)
    out = tmp_path / f"out.{out_ext}"
    _score(src, out, pipeline)
    got = parquet_rows(out) if out_ext == "parquet" else read(out)
    thresholds = pipeline.tiers[Tier.FAST].thresholds
    results = pipeline.score_batch([Comment(r["text"]) for r in rows])
    assert any(len(r.priority.reasons) >= 2 for r in results)  # so that the |-join is tested
    for row, res in zip(got, results, strict=True):
        reasons = list(res.priority.reasons)
        if out_ext == "csv":
            assert row["reasons"] == "|".join(reasons)
            assert float(row["uncertainty"]) == round(uncertainty(res.sentiment, res.tags,
                                                                  thresholds).score, 4)
        else:
            assert row["reasons"] == reasons
            assert row["uncertainty"] == round(uncertainty(res.sentiment, res.tags,
                                                           thresholds).score, 4)
        assert 0 <= float(row["uncertainty"]) <= 1
    if out_ext == "parquet":
        schema = pq.read_schema(out)
        assert schema.field("reasons").type == pa.list_(pa.string())
        assert schema.field("uncertainty").type == pa.float64()


FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1 555 0100 call now",
            "-2+3", "@SUM(A1:A9)", "\tindented", "\rcarriage", "'=already quoted"]


def test_csv_output_neutralises_formulas(tmp_path: Path, pipeline: Pipeline) -> None:
    rows = [{"id": f"c{i}", "text": t, "author": t} for i, t in enumerate(FORMULAS)]
    rows.append({"id": "-5", "text": "a plain comment", "author": "-0.5"})  # numbers stay
    src = write(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.csv"
    _score(src, out, pipeline)
    got = read(out)
    for row, t in zip(got, FORMULAS, strict=False):
        assert row["text"] == "'" + t and row["author"] == "'" + t
    assert (got[-1]["id"], got[-1]["author"]) == ("-5", "-0.5")
    assert not any(c.startswith(("=", "+", "@", "\t", "\r")) for r in got for c in r.values())
    # JSONL output is data, not a spreadsheet: unchanged
    jsonl = tmp_path / "out.jsonl"
    _score(src, jsonl, pipeline)
    assert [r["text"] for r in read(jsonl)][: len(FORMULAS)] == FORMULAS
    # the option to keep them
    kept = tmp_path / "kept.csv"
    _score(src, kept, pipeline, escape_formulas=False)
    assert [r["text"] for r in read(kept)][: len(FORMULAS)] == FORMULAS


def test_csv_formulas_option_on_the_command_line(tmp_path: Path, model_dir: Path) -> None:
    src = write(tmp_path / "in.csv", [{"id": "1", "text": "=1+1 is my answer"}])
    for flag, expected in ((None, "'=1+1 is my answer"), ("--no-escape-formulas", "=1+1 is my answer")):
        out = tmp_path / "out.csv"
        args = ["score", str(src), "-o", str(out), "--workers", "1", "--model", str(model_dir)]
        result = CliRunner().invoke(app, [*args, *([flag] if flag else [])])
        assert result.exit_code == 0, result.output
        assert read(out)[0]["text"] == expected
