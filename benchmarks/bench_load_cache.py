"""What the model's load cache (``triage/pipeline/loadcache.py``) saves a whole ``triage score``
process: the same 20,000-row run (``bench_pipeline.py``'s, one core) with ``TRIAGE_LOAD_CACHE=off``
and with a warm cache, interleaved (off, warm, off, warm, ...) so that the shared machine's load
weighs on both alike. Each run is a second run (bytecode and cue tables cached; the warm runs'
cache written by the unmeasured first one). Writes ``benchmarks/results/load_cache.{md,json}``.

    python benchmarks/bench_load_cache.py                # 4 pairs of 20,000-row runs (~1 min)
    python benchmarks/bench_load_cache.py --pairs 6 --rows 5000
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_results  # noqa: E402
from bench_pipeline import _score_process  # noqa: E402 - sets this process's one core first

from triage.training.data import data_root  # noqa: E402

OUT = Path(__file__).resolve().parent / "results" / "load_cache"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=4, help="off/warm pairs of runs (default: %(default)s)")
    parser.add_argument("--rows", type=int, default=20_000, help="rows per run (default: %(default)s)")
    parser.add_argument("--data", type=Path, default=None, help="shared datasets folder (dev texts)")
    parser.add_argument("--model", type=Path, default=None, help="model directory (default: the shipped model)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.pairs < 1 or args.rows < 1:
        parser.error("--pairs and --rows must be at least 1")
    root = data_root(args.data)
    runs: dict[str, list[float]] = {"off": [], "warm": []}
    load_before = list(os.getloadavg())
    with tempfile.TemporaryDirectory() as warm:
        for i in range(args.pairs):
            for name, value in (("off", "off"), ("warm", warm)):
                res = _score_process(root, args.model, args.rows, extra_env={"TRIAGE_LOAD_CACHE": value})
                runs[name].append(args.rows / res["score_process_per_cpu_s"])  # CPU seconds of the run
                print(f"pair {i + 1}, cache {name}: {res['score_process_per_cpu_s']:,} comments per CPU second",
                      file=sys.stderr)
    med = {k: statistics.median(v) for k, v in runs.items()}
    res = {"rows": args.rows, "pairs": args.pairs, "cpu_s": runs, "median_cpu_s": med,
           "per_cpu_s": {k: round(args.rows / v) for k, v in med.items()},
           "load_average": [load_before, list(os.getloadavg())], "date": time.strftime("%Y-%m-%d %H:%M")}
    lines = [
        "# The load cache and a whole `triage score` process",
        "",
        f"`python benchmarks/bench_load_cache.py --pairs {args.pairs} --rows {args.rows}`; {res['date']}; one core; "
        f"load average {[round(x, 2) for x in load_before]} before, {[round(x, 2) for x in res['load_average'][1]]} after. "
        "Runs interleaved off / warm; CPU seconds of each run (user + system).",
        "",
        "| load cache | CPU s per run (median) | comments per CPU second | runs |",
        "|---|---|---|---|",
        *(f"| {k} | {med[k]:.2f} | {res['per_cpu_s'][k]:,} | {', '.join(f'{x:.2f}' for x in runs[k])} |" for k in runs),
        "",
        f"Saved per process: {med['off'] - med['warm']:.2f} CPU s ({100 * (1 - med['warm'] / med['off']):.0f}% of the run).",
        "",
    ]
    write_results(args.out, res, lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
