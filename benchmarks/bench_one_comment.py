"""CPU time of scoring one comment: ``Pipeline.score_batch([comment])``, what each one-comment
``POST /v1/analyze`` costs the server besides the framework, and its stages.

The comments are the API tests' ``NORMAL`` texts (12 languages and kinds, the ones
``bench_service.py`` sends), scored one per call in turn; each figure is the median of many
calls, in µs. With ``--baseline-src`` an older checkout is measured in the same run (each code
in its own process, taking turns round by round, so both see the same machine load), with the
same model directory.

    python benchmarks/bench_one_comment.py                                # ~1 min
    git worktree add /tmp/old <commit>; cp triage/pipeline/_native*.so /tmp/old/triage/pipeline/
    python benchmarks/bench_one_comment.py --baseline-src /tmp/old        # writes results/one_comment.*

The stages are timed by calling each stage's function alone on the same comment (so they are
lower bounds: a stage alone runs with warmer caches than inside the whole call).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"

STAGES = ("score_batch", "language ID", "featurizer", "cue columns", "fast heads", "priority and queue",
          "results")


def measure(model: str, calls: int) -> dict[str, float]:
    """Median µs per call of each stage, in this process (the code on ``sys.path``)."""

    from tests.api.helpers import NORMAL  # noqa: PLC0415
    from triage.pipeline import core  # noqa: PLC0415
    from triage.pipeline.ranking import prioritize_arrays  # noqa: PLC0415
    from triage.pipeline.text import normalize  # noqa: PLC0415
    from triage.types import Comment, Tag  # noqa: PLC0415

    pipe = core.load_pipeline(model)
    comments = [[Comment(t)] for t in NORMAL]
    clean = [[normalize(t)] for t in NORMAL]
    langs = [[g.lang for g in pipe.detector.detect(c)] for c in clean]
    featurize = getattr(pipe.featurizer, "transform_rows", pipe.featurizer.transform)  # what score_arrays calls
    X = [featurize(c) for c in clean]
    cues = [core._both_cues(c) for c in clean]
    fast = pipe.fast_heads()
    probs = [fast.probabilities(x, lg, lambda c=c: c[0], lambda c=c: c[1]) for x, lg, c in zip(X, langs, cues,
                                                                                              strict=True)]
    scored = [pipe.score_arrays(c) for c in comments]
    n = len(NORMAL)
    jobs: dict[str, Any] = {
        "score_batch": lambda i: pipe.score_batch(comments[i]),
        "language ID": lambda i: pipe.detector.detect(clean[i]),
        "featurizer": lambda i: featurize(clean[i]),
        "cue columns": lambda i: core._both_cues(clean[i]),
        "fast heads": lambda i: fast.probabilities(X[i], langs[i], lambda: cues[i][0], lambda: cues[i][1]),
        "priority and queue": lambda i: prioritize_arrays(
            probs[i][0][:, 0], {t.value: probs[i][1][t] for t in Tag}, probs[i][2], pipe.routing),
        "results": lambda i: scored[i].results(),
    }
    out = {}
    for name, job in jobs.items():
        for i in range(3 * n):
            job(i % n)
        times = []
        for i in range(calls):
            start = time.perf_counter_ns()
            job(i % n)
            times.append(time.perf_counter_ns() - start)
        out[name] = statistics.median(times) / 1000
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline-src", type=Path, help="an older checkout to measure in the same run")
    parser.add_argument("--model", default=str(REPO / "models" / "triage-default"))
    parser.add_argument("--calls", type=int, default=6000, help="calls per stage and round")
    parser.add_argument("--rounds", type=int, default=3, help="turns each code takes")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.model, args.calls)))  # noqa: T201 - to the parent process
        return
    codes = {"current": REPO}
    if args.baseline_src:
        codes = {"baseline": args.baseline_src.resolve(), **codes}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in codes}
    load = [os.getloadavg()[0]]
    for _ in range(args.rounds):
        for name, src in codes.items():
            env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{REPO}"}  # tests.api.helpers from REPO
            child = subprocess.run(
                [sys.executable, str(REPO / "benchmarks" / "bench_one_comment.py"), "--child", "--model", args.model,
                 "--calls", str(args.calls)], env=env, cwd=src, capture_output=True, text=True, check=True)
            runs[name].append(json.loads(child.stdout.strip().splitlines()[-1]))
            load.append(os.getloadavg()[0])
    table = {name: {s: round(statistics.median(r[s] for r in rounds), 1) for s in STAGES}
             for name, rounds in runs.items()}
    cmd = "python benchmarks/bench_one_comment.py" + (f" --baseline-src {args.baseline_src}" if args.baseline_src else "")
    lines = [
        "# One comment: `Pipeline.score_batch([comment])` and its stages (µs, median)", "",
        f"`{cmd}`", "",
        f"Machine: {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), shared with other work; "
        f"1-minute load average {min(load):.1f}-{max(load):.1f} during the run. Texts: the 12 `NORMAL` comments "
        f"of tests/api/helpers.py, one per call in turn; {args.calls} calls per stage, the median of "
        f"{args.rounds} rounds per code (codes taking turns). Stages timed alone (lower bounds).", "",
        "| stage | " + " | ".join(table) + (" | current / baseline |" if "baseline" in table else " |"),
        "|---|" + "---:|" * (len(table) + ("baseline" in table)),
    ]
    for s in STAGES:
        row = [f"{table[name][s]:.1f}" for name in table]
        if "baseline" in table:
            row.append(f"{table['current'][s] / table['baseline'][s]:.2f}")
        lines.append(f"| {s} | " + " | ".join(row) + " |")
    text = "\n".join(lines) + "\n"
    print(text)  # noqa: T201
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "one_comment.md").write_text(text, encoding="utf-8")
    (RESULTS / "one_comment.json").write_text(json.dumps(
        {"command": cmd, "load": load, "calls": args.calls, "rounds": runs, "median": table}, indent=1) + "\n",
        encoding="utf-8")


if __name__ == "__main__":
    main()
