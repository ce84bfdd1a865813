"""How many tokens the accurate tier's encoder should take per batch: texts per second by batch size.

    python benchmarks/bench_encoder_batch.py              # about 3 minutes
    python benchmarks/bench_encoder_batch.py --help

The ONNX encoder sorts a batch's texts by length and runs them in padded batches of at most
``batch_tokens`` tokens (``triage.pipeline.encoder.OnnxEncoder``). Since activations are quantized
per token, a text's vector does not depend on the batch it is in (``bench_batch_dependence.py``),
so the batch size only moves speed. Measured on ``--texts`` public dev texts (25 a set, the
embedding view), both layers the accurate tier reads, interleaved over ``--rounds`` rounds: one
thread pinned to one core (how ``bench_pipeline.py`` measures), and the default thread count
(every core). Also checks that the vectors do not move with the batch size. Writes
``benchmarks/results/encoder_batch.{md,json}``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_results  # noqa: E402

from triage.pipeline.core import load_pipeline  # noqa: E402
from triage.pipeline.embed import Embedder  # noqa: E402
from triage.pipeline.encoder import OnnxEncoder  # noqa: E402
from triage.pipeline.text import normalize  # noqa: E402
from triage.training.data import TASKS, data_root, dataset_names, read_examples, sample  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
SIZES = (512, 768, 1024, 2048, 4096, 8192)


def _encoder(pipe: Any, threads: int | None) -> OnnxEncoder:
    emb = Embedder(threads, tuned=pipe.embedder.tuned)
    emb.embed(["warm up"], pipe.embedding_layers)
    enc = emb._model  # noqa: SLF001 - the benchmark times the encoder itself
    if not isinstance(enc, OnnxEncoder):
        raise SystemExit("this benchmark needs the ONNX encoder (TRIAGE_ENCODER unset or onnx)")
    return enc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=int, default=800, help="public dev texts (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=RESULTS / "encoder_batch", help="results stem (default: %(default)s)")
    args = parser.parse_args()
    pipe = load_pipeline()
    root = data_root()
    texts = [normalize(e.text) for task in TASKS for name in dataset_names(root, task, "dev")
             for e in sample(list(read_examples(root, task, name, "dev")), 25)][: args.texts]
    layers = list(pipe.embedding_layers)
    res: dict[str, Any] = {"command": "python benchmarks/bench_encoder_batch.py " + " ".join(sys.argv[1:]),
                           "model": pipe.name, "date": time.strftime("%Y-%m-%d %H:%M"), "texts": len(texts),
                           "mean_chars": round(float(np.mean([len(t) for t in texts])), 1),
                           "load_before": [round(x, 2) for x in os.getloadavg()], "rates": {}}
    vectors: dict[int, np.ndarray] = {}
    for label, threads in (("one core", 1), ("all cores", None)):
        affinity = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
        if threads == 1 and affinity:
            os.sched_setaffinity(0, {sorted(affinity)[0]})
        enc = _encoder(pipe, threads)
        rates: dict[int, list[float]] = {size: [] for size in SIZES}
        for _ in range(args.rounds):
            for size in SIZES:
                enc.batch_tokens = size
                t = time.perf_counter()
                out = enc.embed_selected(texts, layers)
                rates[size].append(len(texts) / (time.perf_counter() - t))
                vectors.setdefault(size, out)
        if affinity:
            os.sched_setaffinity(0, affinity)
        res["rates"][label] = {str(size): [round(r, 1) for r in v] for size, v in rates.items()}
    res["max_abs_difference_vs_4096"] = float(max(np.abs(vectors[s] - vectors[4096]).max() for s in SIZES))
    res["load_after"] = [round(x, 2) for x in os.getloadavg()]
    lines = ["# Accurate-tier encoder: texts per second by batch size", "",
             f"`{res['command']}`; model `{res['model']}`; {res['date']}; {res['texts']} public dev texts "
             f"(mean {res['mean_chars']} chars); load average {res['load_before']} before, {res['load_after']} after. "
             "Method: the script's docstring.", "",
             "| tokens per batch | " + " | ".join(res["rates"]) + " |", "|---|" + "---|" * len(res["rates"])]
    for size in SIZES:
        lines.append(f"| {size} | " + " | ".join(
            f"{np.median(v[str(size)]):.0f} ({min(v[str(size)]):.0f}-{max(v[str(size)]):.0f})" for v in res["rates"].values()) + " |")
    lines += ["", "texts/s, median (range) over the rounds.", "",
              f"Largest difference of a vector from its value at 4096 tokens: {res['max_abs_difference_vs_4096']:.1e}.", ""]
    write_results(args.out, res, lines)


if __name__ == "__main__":
    main()
