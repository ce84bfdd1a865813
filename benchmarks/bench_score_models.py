"""Two or more models' whole ``triage score`` process on the same rows, interleaved (A, B, A, B,
...) so that the shared machine's load weighs on each alike: the check that a new model costs
what the old one did, on a host whose rates move by a third between runs minutes apart. Each run
is ``bench_pipeline.py``'s 20,000-row process on one core (a second run: bytecode and cue tables
cached). Writes ``benchmarks/results/score_models.{md,json}``.

    git archive 91ebd8e models/triage-default | tar -x -C /tmp/old      # e.g. model 0.12.0
    python benchmarks/bench_score_models.py --model /tmp/old/models/triage-default --model models/triage-default
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_results  # noqa: E402
from bench_pipeline import _score_process  # noqa: E402 - sets this process's one core first

from triage.pipeline import load_pipeline  # noqa: E402
from triage.training.data import data_root  # noqa: E402

OUT = Path(__file__).resolve().parent / "results" / "score_models"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, action="append", required=True, help="model directory (repeat)")
    parser.add_argument("--rounds", type=int, default=4, help="runs of each model (default: %(default)s)")
    parser.add_argument("--rows", type=int, default=20_000, help="rows per run (default: %(default)s)")
    parser.add_argument("--data", type=Path, default=None, help="shared datasets folder (dev texts)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if len(args.model) < 2 or args.rounds < 1 or args.rows < 1:
        parser.error("give --model at least twice; --rounds and --rows must be at least 1")
    root = data_root(args.data)
    names = [load_pipeline(m).name for m in args.model]
    runs: dict[str, list[int]] = {n: [] for n in names}
    load_before = list(os.getloadavg())
    for i in range(args.rounds):
        for name, model in zip(names, args.model, strict=True):
            rate = _score_process(root, model, args.rows)["score_process_per_cpu_s"]
            runs[name].append(rate)
            print(f"round {i + 1}, {name}: {rate:,} comments per CPU second", file=sys.stderr)
    res = {"rows": args.rows, "rounds": args.rounds, "per_cpu_s": runs,
           "median_per_cpu_s": {n: statistics.median(v) for n, v in runs.items()},
           "load_average": [load_before, list(os.getloadavg())], "date": time.strftime("%Y-%m-%d %H:%M")}
    lines = [
        "# Models side by side: a whole `triage score` process",
        "",
        f"`python benchmarks/bench_score_models.py {' '.join(f'--model {m}' for m in args.model)} --rounds "
        f"{args.rounds} --rows {args.rows}`; {res['date']}; one core; load average "
        f"{[round(x, 2) for x in load_before]} before, {[round(x, 2) for x in res['load_average'][1]]} after. "
        "Runs interleaved model by model; comments per CPU second (user + system) of each run.",
        "",
        "| model | median | runs |",
        "|---|---|---|",
        *(f"| `{n}` | {res['median_per_cpu_s'][n]:,.0f} | {', '.join(f'{x:,}' for x in runs[n])} |" for n in names),
        "",
    ]
    write_results(args.out, res, lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
