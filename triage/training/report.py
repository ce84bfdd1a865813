"""Evaluate a model on labelled comments: metrics per task x language x label, confusion
matrices, calibration, a self-contained HTML report, and the promotion gate.

Used by ``triage evaluate`` and ``triage train --compare-to``. The metrics are computed on the
one scoring path (:meth:`Pipeline.score_batch`, fast tier by default), languages are the ones the
data is labelled with (detected when the file has none).
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from triage.training.evaluate import binary_metrics, classification_metrics
from triage.training.labelled import SENTIMENTS, TAGS, LabelledExample
from triage.types import Comment, Tier

__all__ = ["Regression", "compare", "evaluate_examples", "summary_lines", "write_html", "write_report"]

N_BINS = 10


def _calibration(p: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """Reliability bins (equal width on [0, 1]) and the expected calibration error."""
    bins = []
    edges = np.linspace(0, 1, N_BINS + 1)
    ece = 0.0
    for i in range(N_BINS):
        lo, hi = edges[i], edges[i + 1]
        m = (p >= lo) & ((p < hi) if i < N_BINS - 1 else (p <= hi))
        n = int(m.sum())
        if n:
            conf, acc = float(p[m].mean()), float(y[m].mean())
            ece += n / len(p) * abs(conf - acc)
            bins.append({"lo": float(lo), "hi": float(hi), "n": n, "confidence": conf, "observed": acc})
    return {"bins": bins, "ece": float(ece) if len(p) else 0.0}


def _confusion(yt: Sequence[str], yp: Sequence[str], labels: Sequence[str]) -> list[list[int]]:
    idx = {lab: i for i, lab in enumerate(labels)}
    m = [[0] * len(labels) for _ in labels]
    for a, b in zip(yt, yp, strict=True):
        m[idx[a]][idx[b]] += 1
    return m


def _sentiment_block(yt: np.ndarray, probs: np.ndarray) -> dict[str, Any]:
    yp = np.array(SENTIMENTS)[probs.argmax(axis=1)]
    out = classification_metrics(yt, yp, SENTIMENTS)
    out["confusion"] = _confusion(yt.tolist(), yp.tolist(), SENTIMENTS)
    out["calibration"] = _calibration(probs.max(axis=1), (yp == yt).astype(float))
    return out


def _tags_block(yt: np.ndarray, probs: np.ndarray, pred: np.ndarray) -> dict[str, Any]:
    """yt, pred: (n, 4) bool; probs: (n, 4)."""
    per_label: dict[str, Any] = {}
    for j, tag in enumerate(TAGS):
        m = binary_metrics(yt[:, j], pred[:, j].astype(float), 0.5)
        m["confusion"] = [[int((~yt[:, j] & ~pred[:, j]).sum()), int((~yt[:, j] & pred[:, j]).sum())],
                          [int((yt[:, j] & ~pred[:, j]).sum()), int((yt[:, j] & pred[:, j]).sum())]]
        m["calibration"] = _calibration(probs[:, j], yt[:, j].astype(float))
        per_label[tag] = m
    present = [t for t in TAGS if per_label[t]["positives"] > 0]
    return {
        "n": int(len(yt)),
        "macro_f1": float(np.mean([per_label[t]["f1"] for t in present])) if present else 0.0,
        "per_label": per_label,
        "calibration": _calibration(probs.ravel(), yt.ravel().astype(float)),
    }


def evaluate_examples(
    pipeline: Any, examples: Sequence[LabelledExample], tier: Tier | str = Tier.FAST, batch: int = 2000
) -> dict[str, Any]:
    """Metrics of ``pipeline`` on labelled examples: per task, overall and per language."""
    results = []
    for i in range(0, len(examples), batch):
        results += pipeline.score_batch([Comment(e.text) for e in examples[i : i + batch]], tier)
    langs = np.array([e.lang or "und" for e in examples])
    out: dict[str, Any] = {"model": pipeline.name, "tier": Tier(tier).value, "n": len(examples), "tasks": {}}

    s_idx = [i for i, e in enumerate(examples) if e.sentiment is not None]
    if s_idx:
        yt = np.array([examples[i].sentiment for i in s_idx])
        probs = np.array([[results[i].sentiment.p_negative, results[i].sentiment.p_neutral,
                           results[i].sentiment.p_positive] for i in s_idx])
        la = langs[s_idx]
        out["tasks"]["sentiment"] = {
            "labels": list(SENTIMENTS),
            "all": _sentiment_block(yt, probs),
            "per_lang": {lang: _sentiment_block(yt[la == lang], probs[la == lang]) for lang in sorted(set(la.tolist()))},
        }
    t_idx = [i for i, e in enumerate(examples) if e.tags is not None]
    if t_idx:
        yt = np.array([[t in (examples[i].tags or ()) for t in TAGS] for i in t_idx], dtype=bool)
        probs = np.array([[getattr(results[i].tags, t) for t in TAGS] for i in t_idx])
        pred = np.array([[t in {x.value for x in results[i].tags.tags} for t in TAGS] for i in t_idx], dtype=bool)
        la = langs[t_idx]
        out["tasks"]["tags"] = {
            "labels": list(TAGS),
            "all": _tags_block(yt, probs, pred),
            "per_lang": {lang: _tags_block(yt[la == lang], probs[la == lang], pred[la == lang]) for lang in sorted(set(la.tolist()))},
        }
    return out


# --- promotion gate ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Regression:
    task: str
    lang: str
    label: str
    old: float
    new: float
    n: int

    def __str__(self) -> str:
        return (f"{self.task} / {self.lang} / {self.label}: F1 {self.old:.3f} -> {self.new:.3f} "
                f"({self.new - self.old:+.3f}, n={self.n})")


def compare(old: dict[str, Any], new: dict[str, Any], max_regression: float = 0.02, min_examples: int = 20) -> list[Regression]:
    """Where ``new`` is worse than ``old`` by more than ``max_regression`` (both evaluated on the same
    rows): sentiment macro-F1 and each tag's F1 (tags with at least 5 positives), overall and per
    language with at least ``min_examples`` rows."""
    found: list[Regression] = []
    for task, nt in new["tasks"].items():
        ot = old["tasks"].get(task)
        if ot is None:
            continue
        blocks = [("all", ot["all"], nt["all"])] + [
            (lang, ot["per_lang"][lang], nb) for lang, nb in nt["per_lang"].items() if lang in ot["per_lang"]
        ]
        for lang, ob, nb in blocks:
            if nb["n"] < min_examples:
                continue
            if task == "sentiment":
                pairs = [("macro", ob["macro_f1"], nb["macro_f1"])]
            else:
                pairs = [(t, ob["per_label"][t]["f1"], nb["per_label"][t]["f1"])
                         for t in TAGS if nb["per_label"][t]["positives"] >= 5]
            for label, o, n in pairs:
                if n < o - max_regression:
                    found.append(Regression(task, lang, label, o, n, nb["n"]))
    return found


def summary_lines(metrics: dict[str, Any]) -> list[str]:
    """A short table: per task and language, n and macro-F1 (sentiment also per label)."""
    lines = [f"model {metrics['model']} ({metrics['tier']}), {metrics['n']} labelled rows"]
    lines.append(f"{'task':10s} {'lang':5s} {'n':>6s} {'macro-F1':>8s}  per label F1")
    for task, t in metrics["tasks"].items():
        for lang, b in [("all", t["all"])] + list(t["per_lang"].items()):
            labels = " ".join(
                f"{k[:4]} {v['f1']:.2f}" if v.get("support", v.get("positives")) else f"{k[:4]}   - "
                for k, v in b["per_label"].items()
            )
            lines.append(f"{task:10s} {lang:5s} {b['n']:6d} {b['macro_f1']:8.3f}  {labels}")
    return lines


# --- HTML report (inline SVG, no external files) --------------------------------------------------


def _svg_confusion(matrix: list[list[int]], labels: Sequence[str], title: str) -> str:
    cell, left, top = 56, 90, 40
    k = len(labels)
    w, h = left + cell * k + 10, top + cell * k + 30
    parts = [f'<svg class="plot confusion" role="img" aria-label="{html.escape(title)}" xmlns="http://www.w3.org/2000/svg" '
             f'width="{w}" height="{h}" viewBox="0 0 {w} {h}">',
             f'<text x="{left}" y="14" font-size="12" font-weight="bold">{html.escape(title)}</text>',
             f'<text x="{left}" y="30" font-size="10">predicted &#8594;</text>']
    for i, row in enumerate(matrix):
        total = sum(row) or 1
        parts.append(f'<text x="{left - 6}" y="{top + cell * i + cell / 2 + 4}" font-size="11" text-anchor="end">{html.escape(labels[i])}</text>')
        for j, v in enumerate(row):
            a = v / total
            fill = f"rgba(31,119,180,{0.08 + 0.9 * a:.3f})"
            x, y = left + cell * j, top + cell * i
            parts.append(f'<rect class="cell" x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{fill}"><title>true {html.escape(labels[i])}, predicted {html.escape(labels[j])}: {v}</title></rect>')
            parts.append(f'<text x="{x + cell / 2 - 1}" y="{y + cell / 2 + 4}" font-size="12" text-anchor="middle" fill="{"#fff" if a > 0.55 else "#000"}">{v}</text>')
    for j, lab in enumerate(labels):
        parts.append(f'<text x="{left + cell * j + cell / 2}" y="{top + cell * k + 14}" font-size="10" text-anchor="middle">{html.escape(lab[:9])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _svg_bars(series: dict[str, dict[str, float]], title: str) -> str:
    """Grouped bars: {lang: {task: f1}}."""
    langs = list(series)
    tasks = sorted({t for v in series.values() for t in v})
    colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"]
    gw, bw, left, top, ph = max(24, 14 * len(tasks) + 10), 14, 40, 30, 160
    w, h = left + gw * len(langs) + 150, top + ph + 40
    parts = [f'<svg class="plot f1bars" role="img" aria-label="{html.escape(title)}" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">',
             f'<text x="{left}" y="16" font-size="12" font-weight="bold">{html.escape(title)}</text>']
    for v in (0, 0.5, 1):
        y = top + ph * (1 - v)
        parts.append(f'<line x1="{left}" x2="{left + gw * len(langs)}" y1="{y}" y2="{y}" stroke="#ccc"/><text x="{left - 4}" y="{y + 4}" font-size="10" text-anchor="end">{v}</text>')
    for i, lang in enumerate(langs):
        for j, task in enumerate(tasks):
            if task not in series[lang]:
                continue
            v = series[lang][task]
            x, bh = left + gw * i + 4 + bw * j, ph * v
            parts.append(f'<rect class="bar" x="{x}" y="{top + ph - bh}" width="{bw - 2}" height="{bh}" fill="{colors[j % 4]}"><title>{html.escape(lang)} {html.escape(task)}: {v:.3f}</title></rect>')
        parts.append(f'<text x="{left + gw * i + gw / 2}" y="{top + ph + 14}" font-size="11" text-anchor="middle">{html.escape(lang)}</text>')
    for j, task in enumerate(tasks):
        lx = left + gw * len(langs) + 14
        parts.append(f'<rect x="{lx}" y="{top + 16 * j}" width="10" height="10" fill="{colors[j % 4]}"/><text x="{lx + 14}" y="{top + 16 * j + 9}" font-size="11">{html.escape(task)} macro-F1</text>')
    parts.append("</svg>")
    return "".join(parts)


def _svg_reliability(curves: dict[str, dict[str, Any]], title: str) -> str:
    size, left, top = 220, 40, 30
    colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"]
    w, h = left + size + 170, top + size + 40
    parts = [f'<svg class="plot reliability" role="img" aria-label="{html.escape(title)}" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">',
             f'<text x="{left}" y="16" font-size="12" font-weight="bold">{html.escape(title)}</text>',
             f'<rect x="{left}" y="{top}" width="{size}" height="{size}" fill="none" stroke="#999"/>',
             f'<line x1="{left}" y1="{top + size}" x2="{left + size}" y2="{top}" stroke="#bbb" stroke-dasharray="4 3"/>',
             f'<text x="{left + size / 2}" y="{top + size + 28}" font-size="10" text-anchor="middle">predicted probability</text>',
             f'<text x="{left - 6}" y="{top + size + 4}" font-size="10" text-anchor="end">0</text><text x="{left - 6}" y="{top + 8}" font-size="10" text-anchor="end">1</text>']
    for k, (name, cal) in enumerate(curves.items()):
        pts = [(left + size * b["confidence"], top + size * (1 - b["observed"])) for b in cal["bins"]]
        c = colors[k % len(colors)]
        if pts:
            parts.append(f'<polyline class="curve" fill="none" stroke="{c}" stroke-width="2" points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in pts)}"/>')
            parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{c}"/>' for x, y in pts]
        parts.append(f'<rect x="{left + size + 12}" y="{top + 16 * k}" width="10" height="10" fill="{c}"/><text x="{left + size + 26}" y="{top + 16 * k + 9}" font-size="11">{html.escape(name)} (ECE {cal["ece"]:.3f})</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(task: str, t: dict[str, Any]) -> str:
    rows = []
    for lang, b in [("all", t["all"])] + list(t["per_lang"].items()):
        for label, m in b["per_label"].items():
            sup = m.get("support", m.get("positives", 0))
            rows.append(f"<tr><td>{html.escape(lang)}</td><td>{html.escape(label)}</td><td>{m['precision']:.3f}</td>"
                        f"<td>{m['recall']:.3f}</td><td>{m['f1']:.3f}</td><td>{sup}</td></tr>")
        rows.append(f'<tr class="macro"><td>{html.escape(lang)}</td><td>macro</td><td></td><td></td><td>{b["macro_f1"]:.3f}</td><td>{b["n"]}</td></tr>')
    return (f"<table><caption>{html.escape(task)}</caption><tr><th>lang</th><th>label</th><th>precision</th>"
            f"<th>recall</th><th>F1</th><th>support</th></tr>{''.join(rows)}</table>")


def write_html(metrics: dict[str, Any], path: Path) -> None:
    """A single HTML file with inline SVG plots: confusion matrices, per-language F1, reliability."""
    tasks = metrics["tasks"]
    body = [
        f"<h1>Evaluation of {html.escape(metrics['model'])} ({metrics['tier']} tier)</h1>",
        f"<p>{metrics['n']} labelled comments. Languages are the data's own labels.</p>",
    ]
    series: dict[str, dict[str, float]] = {}
    for task, t in tasks.items():
        for lang, b in t["per_lang"].items():
            series.setdefault(lang, {})[task] = b["macro_f1"]
    if series:
        body.append("<h2>F1 per language</h2>" + _svg_bars(series, "macro-F1 per language"))
    body.append("<h2>Confusion matrices</h2><div class='row'>")
    if "sentiment" in tasks:
        body.append(_svg_confusion(tasks["sentiment"]["all"]["confusion"], SENTIMENTS, "sentiment (rows: true)"))
    if "tags" in tasks:
        for tag, m in tasks["tags"]["all"]["per_label"].items():
            body.append(_svg_confusion(m["confusion"], ["no", tag], f"{tag} (rows: true)"))
    body.append("</div><h2>Calibration (reliability diagram)</h2>")
    curves: dict[str, Any] = {}
    if "sentiment" in tasks:
        curves["sentiment (top class)"] = tasks["sentiment"]["all"]["calibration"]
    if "tags" in tasks:
        curves |= {tag: m["calibration"] for tag, m in tasks["tags"]["all"]["per_label"].items()}
    body.append(_svg_reliability(curves, "observed frequency vs predicted probability"))
    body.append("<h2>Per language and label</h2>" + "".join(_table(task, t) for task, t in tasks.items()))
    style = ("body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin:1em 0}"
             "td,th{border:1px solid #ddd;padding:2px 8px;text-align:right}caption{font-weight:bold;text-align:left}"
             "tr.macro{background:#f4f4f4}.row{display:flex;flex-wrap:wrap;gap:1em}")
    doc = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>triage evaluation: "
           f"{html.escape(metrics['model'])}</title><style>{style}</style></head><body>{''.join(body)}</body></html>")
    path.write_text(doc, encoding="utf-8")


def write_report(metrics: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    """Write ``metrics.json`` and ``report.html`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    mpath, hpath = out_dir / "metrics.json", out_dir / "report.html"
    mpath.write_text(json.dumps(metrics, indent=1, ensure_ascii=False), encoding="utf-8")
    write_html(metrics, hpath)
    return mpath, hpath
