"""What a ``triage score`` process costs before its first comment (issue #13): the CPU seconds
of a one-row run, and the parts of it that loading the model takes.

Two views, both written to ``benchmarks/results/startup.{md,json}``:

* **the process**: ``triage score one.jsonl -o out.jsonl --workers 1 --progress off`` on a
  one-row file, CPU seconds of the child (user + system), with cached bytecode and cue tables
  (a first, unmeasured run writes them), median of ``--runs``;
* **in process**, each in a fresh interpreter: importing the CLI, importing the pipeline, and
  the model's parts (``load_heads``, ``Featurizer.load``, the language detector) and
  ``load_pipeline`` as a whole, CPU seconds, median of ``--runs``.

    python benchmarks/profile_startup.py              # the shipped model, 5 runs (~20 s)
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
OUT = REPO / "benchmarks" / "results" / "startup"

# Each stage timed in a fresh interpreter: (name, setup code, timed code). The setup imports
# what the stage needs, so only the stage itself is timed.
STAGES = (
    ("import triage.cli", "", "import triage.cli"),
    ("import triage.pipeline.core", "import triage.cli", "import triage.pipeline.core"),
    ("heads (load_heads)", "from triage.pipeline.heads import load_heads",
     "load_heads(MODEL)"),
    ("featurizer vocabularies (Featurizer.load)", "from triage.pipeline.features import Featurizer",
     "Featurizer.load(MODEL / 'fast')"),
    ("language ID (both fastText models)", "from triage.pipeline.core import read_model_config\n"
     "from triage.pipeline.langid import LanguageDetector\n"
     "kw = dict(read_model_config(MODEL)[1].get('langid', {}))\n"
     "path = MODEL / kw.pop('model', 'langid/lid.176.ftz')",
     "LanguageDetector(path, **kw)"),
    ("load_pipeline, all of it", "from triage.pipeline.core import load_pipeline", "load_pipeline(MODEL)"),
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


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(REPO)
    return env


def stage_seconds(model: Path, setup: str, timed: str, runs: int) -> float:
    code = _STAGE.format(setup=setup, timed=timed)
    times = [float(subprocess.run([sys.executable, "-c", code, str(model)], check=True, capture_output=True,
                                  text=True, env=_env()).stdout.split()[-1]) for _ in range(runs)]
    return statistics.median(times)


def process_seconds(model: Path, runs: int) -> float:
    triage = Path(sys.executable).with_name("triage")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "one.jsonl"
        src.write_text(json.dumps({"id": 1, "text": "where is my order, 3 weeks already"}) + "\n", encoding="utf-8")
        cmd = [str(triage), "score", str(src), "-o", str(Path(tmp) / "out.jsonl"), "--workers", "1",
               "--progress", "off", "--overwrite", "--model", str(model)]
        subprocess.run(cmd, check=True, capture_output=True, env=_env())  # bytecode and cue tables written
        times = []
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run(cmd, check=True, capture_output=True, env=_env())
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
    res["process_one_row_cpu_s"] = round(process_seconds(model, args.runs), 3)
    res["stages_cpu_s"] = {name: round(stage_seconds(model, setup, timed, args.runs), 3)
                           for name, setup, timed in STAGES}
    res["load_average_after"] = list(os.getloadavg())
    lines = [
        "# Start-up cost of a `triage score` process",
        "",
        f"`python benchmarks/profile_startup.py --runs {args.runs}`; model `{model.name}`; {res['date']}; "
        f"load average {[round(x, 2) for x in res['load_average_before']]} before, {[round(x, 2) for x in res['load_average_after']]} after. "
        "CPU seconds, median of the runs; each stage in a fresh interpreter.",
        "",
        "| | CPU s |",
        "|---|---|",
        f"| whole `triage score` process on one row (bytecode and cue tables cached) | {res['process_one_row_cpu_s']} |",
        *(f"| {name} | {s} |" for name, s in res["stages_cpu_s"].items()),
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    args.out.with_suffix(".md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
