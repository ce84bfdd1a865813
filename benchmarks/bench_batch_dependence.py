"""Does a comment's answer depend on the comments scored beside it? (found in the tenth session)

Two views, written to ``benchmarks/results/batch_dependence.{md,json}``:

* **the pipeline**: ``--rows`` in-domain dev comments scored in one ``score_batch`` call and each
  alone, both tiers: how far P(complaint) and P(urgent) move, and how many comments change queue
  or tags;
* **the encoder graphs**: their sentence vectors of the same comments against the float graph's
  (what each quantization costs), and one text's pooled vector alone, in a batch with a row of
  the same length (no padding), and in a batch padded to a longer row, for the graphs built here:
  the int8 graph as shipped (activations quantized per token since 0.10.0), the same layers
  quantized by ``onnxruntime.quantization.quantize_dynamic`` as before 0.10.0 (one activation
  scale per batch tensor), and the 4-bit graph (weights only).

    python benchmarks/bench_batch_dependence.py              # 600 dev rows (~2 min)
    python benchmarks/bench_batch_dependence.py --rows 200
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_results  # noqa: E402

from triage.pipeline.core import load_pipeline  # noqa: E402
from triage.training.domain import domain_examples  # noqa: E402
from triage.types import Comment, Tier  # noqa: E402

OUT = Path(__file__).resolve().parent / "results" / "batch_dependence"
TEXT = "The refund came in two days, thanks, but is the voucher still valid?"
LONGER = "Ur tech guy is an absolute d0nkey, f*ck this " * 3


def pipeline_view(pipe: Any, rows: list[Comment], tier: Tier) -> dict[str, Any]:
    together = pipe.score_batch(rows, tier)
    alone = [pipe.score_batch([c], tier)[0] for c in rows]
    dc = np.array([abs(a.tags.complaint - b.tags.complaint) for a, b in zip(together, alone, strict=True)])
    du = np.array([abs(a.urgency.p_high - b.urgency.p_high) for a, b in zip(together, alone, strict=True)])
    return {
        "rows": len(rows),
        "complaint_abs_diff": {"mean": float(dc.mean()), "p95": float(np.percentile(dc, 95)), "max": float(dc.max())},
        "urgent_abs_diff": {"mean": float(du.mean()), "p95": float(np.percentile(du, 95)), "max": float(du.max())},
        "queue_changed": sum(a.priority.queue != b.priority.queue for a, b in zip(together, alone, strict=True)),
        "tags_changed": sum(set(a.tags.tags) != set(b.tags.tags) for a, b in zip(together, alone, strict=True)),
    }


def graph_view(tokenizer: Any, graphs: dict[str, Path]) -> dict[str, Any]:
    import onnxruntime as ort  # noqa: PLC0415 - the accurate tier's dependency

    first, longer = tokenizer.query_ids(TEXT), tokenizer.query_ids(LONGER)

    def run(session: Any, batch: list[list[int]]) -> np.ndarray:
        width = max(map(len, batch))
        ids = np.full((len(batch), width), tokenizer.eos, np.int64)
        mask = np.zeros((len(batch), width), np.int64)
        for j, r in enumerate(batch):
            ids[j, : len(r)], mask[j, : len(r)] = r, 1
        return session.run([session.get_outputs()[0].name], {"input_ids": ids, "attention_mask": mask})[0][0]

    out = {}
    for name, path in graphs.items():
        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        alone = run(session, [first])
        res = {}
        for kind, batch in (("same_length", [first, first[::-1]]), ("padded", [first, longer])):
            other = run(session, batch)
            cos = float(np.dot(alone.ravel(), other.ravel()) / np.linalg.norm(alone) / np.linalg.norm(other))
            res[kind] = {"max_abs_diff": float(np.abs(alone - other).max()), "cosine": cos}
        out[name] = res
    return out


def fidelity_view(texts: list[str], graphs: dict[str, Path], reference: Path) -> dict[str, Any]:
    """Cosine of each graph's sentence vector (``OnnxEncoder.embed``: batched by length, the last
    layer) to the float graph's, over ``texts``: how much each quantization costs."""
    from triage.pipeline.encoder import OnnxEncoder  # noqa: PLC0415

    exact = OnnxEncoder(path=reference, num_threads=1).embed(texts)
    out = {}
    for name, path in graphs.items():
        cos = (OnnxEncoder(path=path, num_threads=1).embed(texts) * exact).sum(axis=1)
        out[name] = {"mean": float(cos.mean()), "min": float(cos.min())}
    return out


def built_graphs(folder: Path) -> tuple[dict[str, Path], Path]:
    """The quantized encoder graphs compared and the float graph, built into ``folder`` (a few
    seconds each); the plain wheel's layers (no fine-tuned ones)."""
    import onnx  # noqa: PLC0415
    from onnxruntime.quantization import QuantType, quantize_dynamic  # noqa: PLC0415

    from triage.pipeline.encoder import read_wheel_model  # noqa: PLC0415
    from triage.pipeline.encoder_build import build_encoder, encoder_graph  # noqa: PLC0415

    graphs = {"int8, per token (shipped)": build_encoder(folder / "int8.onnx", "int8"),
              "4-bit weights (q4)": build_encoder(folder / "q4.onnx", "q4")}
    onnx.save(encoder_graph(read_wheel_model()), folder / "float.onnx")  # = build_encoder(..., "float")
    quantize_dynamic(folder / "float.onnx", folder / "per-tensor.onnx", weight_type=QuantType.QInt8,
                     per_channel=True, op_types_to_quantize=["MatMul"], extra_options={"MatMulConstBOnly": True},
                     nodes_to_exclude=["l4.fo.mm"])  # as before 0.10.0: layer 4's FFN stayed float
    graphs["int8, per batch tensor (quantize_dynamic, before 0.10.0)"] = folder / "per-tensor.onnx"
    return graphs, folder / "float.onnx"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=600, help="dev rows for the pipeline view (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    pipe = load_pipeline()
    rows = [Comment(e.text) for e in domain_examples(parts=("dev",))][: args.rows]
    res: dict[str, Any] = {"model": pipe.name, "date": time.strftime("%Y-%m-%d %H:%M"), "pipeline": {}}
    for tier in (Tier.FAST, Tier.ACCURATE):
        if tier in pipe.tiers:
            res["pipeline"][tier.value] = pipeline_view(pipe, rows, tier)
    model = pipe.embedder._model if pipe.embedder._model is not None else pipe.embedder._load()
    with tempfile.TemporaryDirectory() as tmp:
        graphs, reference = built_graphs(Path(tmp))
        res["graphs"] = graph_view(model.tokenizer, graphs)
        res["fidelity"] = fidelity_view([c.text for c in rows], graphs, reference)
    lines = [
        "# A comment's answer and the comments scored beside it",
        "",
        f"`python benchmarks/bench_batch_dependence.py --rows {args.rows}`; model `{pipe.name}`; {res['date']}.",
        "",
        "| tier | rows | P(complaint) moves: mean / p95 / max | P(urgent) moves: mean / p95 / max | queue changed | tags changed |",
        "|---|---|---|---|---|---|",
    ]
    for tier, v in res["pipeline"].items():
        c, u = v["complaint_abs_diff"], v["urgent_abs_diff"]
        lines.append(f"| {tier} | {v['rows']} | {c['mean']:.4f} / {c['p95']:.4f} / {c['max']:.3f} | "
                     f"{u['mean']:.4f} / {u['p95']:.4f} / {u['max']:.3f} | {v['queue_changed']} | {v['tags_changed']} |")
    lines += ["", "One text's pooled encoder output alone against the same text in a batch:", "",
              "| graph | same-length batch: max abs diff (cosine) | padded batch: max abs diff (cosine) |", "|---|---|---|"]
    for name, v in res["graphs"].items():
        lines.append(f"| {name} | {v['same_length']['max_abs_diff']:.4f} ({v['same_length']['cosine']:.6f}) | "
                     f"{v['padded']['max_abs_diff']:.4f} ({v['padded']['cosine']:.6f}) |")
    lines += ["", f"Each graph's sentence vectors of the {len(rows)} dev comments (batched by length) against the",
              "float graph's (the wheel's layers, dequantized, no quantization):", "",
              "| graph | cosine to the float graph: mean | worst |", "|---|---|---|"]
    for name, v in res["fidelity"].items():
        lines.append(f"| {name} | {v['mean']:.4f} | {v['min']:.4f} |")
    lines.append("")
    write_results(args.out, res, lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
