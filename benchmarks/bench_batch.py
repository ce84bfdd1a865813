"""Batch scoring speed and memory: `triage score` with 2 workers, and through Dask.

    python benchmarks/bench_batch.py                   # 1,000,000 rows, writes benchmarks/results/
    python benchmarks/bench_batch.py --rows 200000     # a shorter run (say so in the results)
    python benchmarks/bench_batch.py --help

A multilingual input of --rows comments is generated from the dev texts of $TRIAGE_DATA (default
../shared/datasets), sampled with their real lengths, into a temporary directory (nothing is
copied into the repository), and written as CSV, JSONL and Parquet. Each is then scored by a
separate `triage score` process, fast tier:

* local engine, --workers 2 (CSV -> CSV, JSONL -> JSONL, Parquet -> Parquet);
* --engine dask on a 2-worker LocalCluster (processes, one thread each), same inputs and outputs,
  and its output is checked against the local engine's (bytes for CSV/JSONL, rows for Parquet).

Reported per run: wall time, rows/s, and peak RSS of the whole process tree (the command, its
worker processes and, for Dask, the nannies and workers), sampled every 0.2 s with psutil. The
machine's load average is recorded before and after: the machine is shared, so other people's
jobs can slow a run down.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from triage.formats import open_writer  # noqa: E402
from triage.training.data import data_root  # noqa: E402

TASKS = ("sentiment", "spam", "complaint", "question")
TARGET_ROWS_PER_S = 10_000_000 / 3600
TARGET_RSS_MB = 1024
TARGET_DASK_OVERHEAD = 0.30


def dev_texts(root: Path) -> list[str]:
    """Every dev text of the four tasks (multilingual, real lengths)."""
    texts: list[str] = []
    for task in TASKS:
        for path in sorted((root / task).glob("*.dev.jsonl")):
            with path.open(encoding="utf-8") as fh:
                texts.extend(json.loads(line)["text"] for line in fh if line.strip())
    if not texts:
        raise SystemExit(f"no dev texts under {root} (set TRIAGE_DATA)")
    return texts


def generate(texts: list[str], rows: int, folder: Path, seed: int = 13) -> dict[str, Path]:
    """The same rows as JSONL, CSV and Parquet."""
    rng = random.Random(seed)
    paths = {fmt: folder / f"comments.{fmt}" for fmt in ("jsonl", "csv", "parquet")}
    writers = {fmt: open_writer(str(p)) for fmt, p in paths.items()}
    start = 1_700_000_000
    for i in range(rows):
        rec = {
            "id": f"c{i:08d}",
            "text": rng.choice(texts),
            "channel": f"page-{rng.randrange(6)}",
            "author": f"user{rng.randrange(50_000)}",
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + i * 7)),
        }
        for w in writers.values():
            w.write(rec)
    for w in writers.values():
        w.close()
    return paths


def run(cmd: list[str], rows: int) -> dict[str, Any]:
    """Run a command, sampling the RSS of its whole process tree."""
    t0 = time.perf_counter()
    proc = psutil.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    cpu: dict[int, float] = {}  # last seen user+system seconds of every process of the tree
    while proc.poll() is None:
        total = 0
        try:
            tree = [proc, *proc.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        for p in tree:
            try:
                total += p.memory_info().rss
                t = p.cpu_times()
                cpu[p.pid] = t.user + t.system
            except psutil.Error:
                pass
        peak = max(peak, total)
        time.sleep(0.2)
    seconds = time.perf_counter() - t0
    cpu_seconds = sum(cpu.values())
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    return {
        "seconds": round(seconds, 1),
        "rows_per_s": round(rows / seconds),
        "peak_rss_mb": round(peak / 2**20),
        "cpu_seconds": round(cpu_seconds, 1),
        # what the run would do with the 2 cores to itself: rows per (CPU seconds / 2)
        "rows_per_s_2_idle_cores": round(rows / (cpu_seconds / 2)) if cpu_seconds else None,
        "log_tail": err.strip().splitlines()[-2:],
    }


def same_output(a: Path, b: Path) -> bool:
    if a.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(a).equals(pq.read_table(b))
    with a.open("rb") as fa, b.open("rb") as fb:
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True


def markdown(result: dict[str, Any]) -> str:
    out = io.StringIO()
    m = result["machine"]
    out.write("# Batch scoring benchmark\n\n")
    out.write(f"`python benchmarks/bench_batch.py --rows {result['rows']}` on {m['cpus']} cores, "
              f"{m['python']}, fast tier, chunks of {result['batch_size']} rows, "
              f"{result['date']}.\n\n")
    if result["rows"] < 1_000_000:
        out.write(f"**Shortened run: {result['rows']:,} rows instead of 1,000,000** "
                  "(the machine is shared and time was short). Rates and memory are per-row "
                  "steady-state figures and do not depend much on the file size.\n\n")
    out.write(f"Load average before: {m['load_before']}, after: {m['load_after']} "
              "(1, 5, 15 min; the machine is shared with other engineers' jobs, so absolute "
              "rates vary from run to run).\n\n")
    out.write("Input: multilingual comments sampled from the dev splits with their real lengths "
              f"(mean {result['mean_chars']} characters).\n\n")
    out.write("| engine | format | rows/s (wall) | wall s | CPU s | rows/s on 2 idle cores* "
              "| peak RSS MB (process tree) | output = local |\n")
    out.write("|---|---|---:|---:|---:|---:|---:|---|\n")
    for r in result["runs"]:
        same = {True: "yes", False: "**no**", None: "-"}[r.get("same_as_local")]
        idle = r.get("rows_per_s_2_idle_cores")
        out.write(f"| {r['engine']} | {r['format']} | {r['rows_per_s']:,} | {r['seconds']} | "
                  f"{r['cpu_seconds']} | {idle:,} | {r['peak_rss_mb']:,} | {same} |\n")
    out.write("\n\\* rows / (CPU seconds of the whole process tree / 2): the rate the run would "
              "reach with both cores to itself, less sensitive to the other jobs on the machine "
              "than the wall-clock rate.\n")
    out.write("\nTargets: >= 2,800 rows/s (10M comments/hour) with 2 workers; peak RSS <= 1 GB; "
              "Dask overhead on a LocalCluster <= 30 %.\n\n")
    for fmt, o in result["dask_overhead"].items():
        out.write(f"- Dask overhead, {fmt}: {o:+.0%} wall time against the local engine\n")
    out.write("\nNotes:\n\n")
    for note in result["notes"]:
        out.write(f"- {note}\n")
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--rows", type=int, default=1_000_000, help="comments to generate (default 1,000,000)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--batch-size", type=int, default=2000, help="rows per chunk (default 2000)")
    parser.add_argument("--formats", default="csv,jsonl,parquet", help="comma-separated formats")
    parser.add_argument("--skip-dask", action="store_true", help="only the local engine")
    parser.add_argument("--tmp", type=Path, default=None, help="work directory (default: a temporary one)")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results",
                        help="where batch.json and batch.md go")
    parser.add_argument("--note", action="append", default=[], help="a note for the results file")
    args = parser.parse_args()

    load_before = [round(x, 2) for x in os.getloadavg()]
    texts = dev_texts(data_root())
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        paths = generate(texts, args.rows, folder)
        print(f"generated {args.rows:,} rows x 3 formats in {time.perf_counter() - t0:.0f}s "  # noqa: T201
              f"({', '.join(f'{p.name} {p.stat().st_size / 2**20:,.0f} MB' for p in paths.values())})",
              file=sys.stderr)
        mean_chars = round(sum(len(t) for t in texts) / len(texts))
        base = [sys.executable, "-m", "triage.cli", "score", "--progress", "log", "--log-every", "60",
                "--workers", str(args.workers), "--batch-size", str(args.batch_size)]
        runs: list[dict[str, Any]] = []
        for fmt in args.formats.split(","):
            src = paths[fmt]
            local_out = folder / f"local.{fmt}"
            r = run([*base, str(src), "-o", str(local_out)], args.rows)
            runs.append({"engine": "local", "format": fmt, **r})
            print(f"local {fmt}: {r['rows_per_s']:,} rows/s, peak {r['peak_rss_mb']} MB", file=sys.stderr)  # noqa: T201
            if not args.skip_dask:
                dask_out = folder / f"dask.{fmt}"
                r = run([*base, "--engine", "dask", str(src), "-o", str(dask_out)], args.rows)
                r["same_as_local"] = same_output(local_out, dask_out)
                runs.append({"engine": "dask", "format": fmt, **r})
                print(f"dask {fmt}: {r['rows_per_s']:,} rows/s, peak {r['peak_rss_mb']} MB, "  # noqa: T201
                      f"same: {r['same_as_local']}", file=sys.stderr)
                dask_out.unlink()
            local_out.unlink()
    load_after = [round(x, 2) for x in os.getloadavg()]
    by = {(r["engine"], r["format"]): r for r in runs}
    overhead = {
        fmt: round(by[("dask", fmt)]["seconds"] / by[("local", fmt)]["seconds"] - 1, 3)
        for (engine, fmt) in by
        if engine == "local" and ("dask", fmt) in by
    }
    result = {
        "rows": args.rows,
        "batch_size": args.batch_size,
        "workers": args.workers,
        "date": time.strftime("%Y-%m-%d"),
        "mean_chars": mean_chars,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_before": load_before, "load_after": load_after},
        "runs": runs,
        "dask_overhead": overhead,
        "targets": {"rows_per_s": round(TARGET_ROWS_PER_S), "peak_rss_mb": TARGET_RSS_MB,
                    "dask_overhead": TARGET_DASK_OVERHEAD},
        "notes": args.note,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "batch.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    (args.out / "batch.md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))  # noqa: T201


if __name__ == "__main__":
    csv.field_size_limit(1 << 24)
    main()
