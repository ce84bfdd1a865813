"""What a ``triage score`` process costs before its first comment (issue #13): the CPU seconds
of a one-row run, and the parts of it that loading the model takes, with the model's load cache
(``triage/pipeline/loadcache.py``) off and warm.

Two views, both written to ``benchmarks/results/startup.{md,json}``:

* **the process**: ``triage score one.jsonl -o out.jsonl --workers 1 --progress off`` on a
  one-row file, CPU seconds of the child (user + system), with cached bytecode and cue tables
  (a first, unmeasured run writes them), median of ``--runs``;
* **in process**, each in a fresh interpreter: importing the CLI, importing the pipeline, and
  the model's parts (``load_heads``, ``Featurizer.load``, the language detector) and
  ``load_pipeline`` as a whole, CPU seconds, median of ``--runs``.

"Cache off" is ``TRIAGE_LOAD_CACHE=off`` (every load builds from the model's files); "cache warm"
reads a load cache in a temporary folder that a first, unmeasured run wrote (as every run after
a user's first). The user's own cache is not touched.

    python benchmarks/profile_startup.py              # the shipped model, 5 runs (~40 s)
    python benchmarks/profile_startup.py --model DIR --runs 9
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_results  # noqa: E402

OUT = REPO / "benchmarks" / "results" / "startup"

# Each stage timed in a fresh interpreter: (name, setup code, timed code). The setup imports
# what the stage needs, so only the stage itself is timed.
# The last field: whether the load cache changes the stage (else it is timed with the cache off only).
STAGES = (
    ("import triage.cli", "", "import triage.cli", False),
    ("import triage.pipeline.core", "import triage.cli", "import triage.pipeline.core", False),
    ("heads (load_heads)", "from triage.pipeline.heads import load_heads",
     "load_heads(MODEL)", False),
    ("featurizer vocabularies (Featurizer.load)", "from triage.pipeline.features import Featurizer",
     "Featurizer.load(MODEL / 'fast')", False),
    ("language ID (both fastText models)", "from triage.pipeline.core import read_model_config\n"
     "from triage.pipeline.langid import LanguageDetector\n"
     "kw = dict(read_model_config(MODEL)[1].get('langid', {}))\n"
     "path = MODEL / kw.pop('model', 'langid/lid.176.ftz')",
     "LanguageDetector(path, **kw)", True),
    ("load_pipeline, all of it", "from triage.pipeline.core import load_pipeline", "load_pipeline(MODEL)", True),
)

_STAGE = """
import sys, time
from pathlib import Path
MODEL = Path(sys.argv[1])
{setup}
t = time.process_time()
{timed}
print(time.process_time() - t)
"""


def _env(cache: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(REPO)
    env["TRIAGE_LOAD_CACHE"] = cache
    return env


def stage_seconds(model: Path, setup: str, timed: str, runs: int, cache: str) -> float:
    code = _STAGE.format(setup=setup, timed=timed)
    cmd = [sys.executable, "-c", code, str(model)]
    subprocess.run(cmd, check=True, capture_output=True, env=_env(cache))  # writes a warm cache's entry
    times = [float(subprocess.run(cmd, check=True, capture_output=True, text=True,
                                  env=_env(cache)).stdout.split()[-1]) for _ in range(runs)]
    return statistics.median(times)


def process_seconds(model: Path, runs: int, cache: str) -> float:
    triage = Path(sys.executable).with_name("triage")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "one.jsonl"
        src.write_text(json.dumps({"id": 1, "text": "where is my order, 3 weeks already"}) + "\n", encoding="utf-8")
        cmd = [str(triage), "score", str(src), "-o", str(Path(tmp) / "out.jsonl"), "--workers", "1",
               "--progress", "off", "--overwrite", "--model", str(model)]
        subprocess.run(cmd, check=True, capture_output=True, env=_env(cache))  # bytecode, cue tables, load cache
        times = []
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run(cmd, check=True, capture_output=True, env=_env(cache))
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=REPO / "models" / "triage-default")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (the median is kept)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    model = args.model.resolve()
    if not (model / "pipeline.toml").is_file():
        parser.error(f"{model} is not a model directory (no pipeline.toml)")
    res: dict[str, Any] = {"model": str(model), "runs": args.runs, "load_average_before": list(os.getloadavg()),
                           "date": time.strftime("%Y-%m-%d %H:%M")}
    with tempfile.TemporaryDirectory() as warm:
        res["process_one_row_cpu_s"] = {
            "off": round(process_seconds(model, args.runs, "off"), 3),
            "warm": round(process_seconds(model, args.runs, warm), 3),
        }
        res["stages_cpu_s"] = {
            name: {"off": round(stage_seconds(model, setup, timed, args.runs, "off"), 3),
                   "warm": round(stage_seconds(model, setup, timed, args.runs, warm), 3) if cached else None}
            for name, setup, timed, cached in STAGES
        }
    res["load_average_after"] = list(os.getloadavg())

    def cells(row: dict[str, float | None]) -> str:
        return f"{row['off']} | {'' if row['warm'] is None else row['warm']}"

    lines = [
        "# Start-up cost of a `triage score` process",
        "",
        f"`python benchmarks/profile_startup.py --runs {args.runs}`; model `{model.name}`; {res['date']}; "
        f"load average {[round(x, 2) for x in res['load_average_before']]} before, {[round(x, 2) for x in res['load_average_after']]} after. "
        "CPU seconds, median of the runs; each stage in a fresh interpreter.",
        "",
        "| CPU s | load cache off | load cache warm |",
        "|---|---|---|",
        f"| whole `triage score` process on one row (bytecode and cue tables cached) | {cells(res['process_one_row_cpu_s'])} |",
        *(f"| {name} | {cells(row)} |" for name, row in res["stages_cpu_s"].items()),
        "",
    ]
    write_results(args.out, res, lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
