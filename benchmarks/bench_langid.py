"""Language-ID benchmark: triage's LanguageDetector against lid.176, langdetect and lingua.

All detectors see the same texts (passed through ``triage.pipeline.text.normalize``) in the same run:

* ``short``: the hand-written comments of ``benchmarks/data/langid_short.jsonl`` (a dev set, the
  detector's defaults were tuned on it), split into 1-2 words, 3-8 words and gold ``und``;
* ``dev``: the dev splits of every task of the shared datasets, comments of 3 words or more,
  a deterministic sample (by hash of the row id) of ``--per-lang`` rows per language;
* ``dev-nodiac``: the Vietnamese and Romanian rows of that sample with the diacritics stripped;
* ``corpus dev``: every row of the dev part of the team's brand-page corpus (``datasets/domain``),
  and apart its Arabic and Persian rows written in Latin letters (notes ``arabizi`` and
  ``finglish``), which the second opinion learns from the corpus's train part and from romanized
  public rows (``training/build_langid.py``).

Accuracy counts ``und`` as right only where the gold is ``und``. "noise" is the share of rows on
which every detector agrees on one language other than the gold label (a hint of label noise).
Throughput is texts per second, one process, one thread, measured on the short comments and on
the dev sample (best of ``--repeat`` runs for the fast detectors, after a warm-up).

    python benchmarks/bench_langid.py --help
    python benchmarks/bench_langid.py                 # writes benchmarks/results/langid.{json,md}
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "RAYON_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from importlib.metadata import version  # noqa: E402
from pathlib import Path  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from triage.pipeline.langid import (  # noqa: E402
    LID_MODEL_FILE,
    SUPPORTED_LANGUAGES,
    LanguageDetector,
    strip_diacritics,
)
from triage.pipeline.text import normalize  # noqa: E402
from triage.training.domain import read_rows, split_of  # noqa: E402
from triage.types import UNDETERMINED  # noqa: E402

TASKS = ("sentiment", "spam", "complaint", "question")
TARGETS = {
    "short 1-2 words": 0.90,
    "short 3-8 words": 0.99,
    "dev 3+ words": 0.99,
    "dev 3+ words, no hi": 0.99,
}

Detect = Callable[[Sequence[str]], list[str]]


@dataclass(frozen=True, slots=True)
class Row:
    text: str
    lang: str


def n_words(text: str) -> int:
    """Whitespace-separated tokens that contain a letter."""
    return sum(any(ch.isalpha() for ch in token) for token in text.split())


# ---------------------------------------------------------------------------------------------
# Data


def load_short(path: Path) -> dict[str, list[Row]]:
    rows = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    buckets: dict[str, list[Row]] = {"short 1-2 words": [], "short 3-8 words": [], "short und": []}
    for r in rows:
        row = Row(normalize(r["text"]), r["lang"])
        if r["lang"] == UNDETERMINED:
            buckets["short und"].append(row)
        elif n_words(row.text) <= 2:
            buckets["short 1-2 words"].append(row)
        else:
            buckets["short 3-8 words"].append(row)
    return buckets


def load_dev(root: Path, per_lang: int) -> dict[str, list[Row]]:
    by_lang: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for task in TASKS:
        for path in sorted((root / task).glob("*.dev.jsonl")):
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    r = json.loads(line)
                    text = normalize(r["text"])
                    if n_words(text) >= 3:
                        by_lang[r["lang"]].append(
                            (hashlib.sha1(r["id"].encode("utf-8")).hexdigest(), text)
                        )
    dev: list[Row] = []
    for lang in sorted(by_lang):
        dev += [Row(text, lang) for _, text in sorted(by_lang[lang])[:per_lang]]
    nodiac = [Row(strip_diacritics(r.text), r.lang) for r in dev if r.lang in ("vi", "ro")]
    return {
        "dev 3+ words": dev,
        "dev 3+ words, no hi": [r for r in dev if r.lang != "hi"],
        "dev vi+ro no diacritics": nodiac,
    }


def load_corpus_dev() -> dict[str, list[Row]]:
    """The corpus's dev part, all of it and its romanized Arabic and Persian rows apart."""
    rows = [r for _, _, r in read_rows() if split_of(r["text"]) == "dev"]
    return {
        "corpus dev (brand-page comments)": [Row(normalize(r["text"]), r["lang"]) for r in rows],
        "corpus dev, Arabizi and Finglish": [Row(normalize(r["text"]), r["lang"]) for r in rows
                                             if {"arabizi", "finglish"} & set(r["notes"])],
    }


# ---------------------------------------------------------------------------------------------
# Detectors (each maps a batch of texts to codes; "und" when it cannot tell)


def make_ours(model_dir: Path, **kwargs: object) -> Detect:
    detector = LanguageDetector(model_dir, **kwargs)  # type: ignore[arg-type]
    return lambda texts: [g.lang for g in detector.detect(texts)]


def make_lid176(model_dir: Path) -> Detect:
    import fasttext

    model = fasttext.load_model(str(model_dir / LID_MODEL_FILE))

    def detect(texts: Sequence[str]) -> list[str]:
        labels, _ = model.predict([t.replace("\n", " ") for t in texts], k=1)
        return [lab[0].removeprefix("__label__") for lab in labels]

    return detect


def make_langdetect() -> Detect:
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0

    def one(text: str) -> str:
        try:
            return detect(text).split("-")[0]
        except LangDetectException:
            return UNDETERMINED

    return lambda texts: [one(t) for t in texts]


def make_lingua(languages: Sequence[str]) -> Detect:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in languages]
    detector = LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()

    def one(text: str) -> str:
        lang = detector.detect_language_of(text)
        return UNDETERMINED if lang is None else lang.iso_code_639_1.name.lower()

    return lambda texts: [one(t) for t in texts]


# ---------------------------------------------------------------------------------------------
# Scoring


def accuracy(rows: Sequence[Row], preds: Sequence[str]) -> dict[str, object]:
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row, pred in zip(rows, preds, strict=True):
        per[row.lang][0] += pred == row.lang
        per[row.lang][1] += 1
    right = sum(r for r, _ in per.values())
    total = sum(n for _, n in per.values())
    return {
        "accuracy": right / total if total else None,
        "n": total,
        "per_lang": {lang: {"accuracy": r / n, "n": n} for lang, (r, n) in sorted(per.items())},
    }


def timed(detect: Detect, texts: Sequence[str], repeat: int) -> tuple[list[str], float]:
    """Predictions and the best throughput (texts/s) over ``repeat`` runs."""
    best = float("inf")
    preds: list[str] = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        preds = detect(texts)
        best = min(best, time.perf_counter() - start)
    return preds, len(texts) / best if best > 0 else float("inf")


def fmt(x: object) -> str:
    return f"{x:.3f}" if isinstance(x, float) else "-"


def markdown(result: dict, names: list[str]) -> str:
    b = result["buckets"]
    lines = [
        "# Language-ID benchmark",
        "",
        f"Command: `{result['command']}`  ",
        (
            f"{result['machine']}; {result['started']}; "
            f"load average at start {result['load_average']}.  "
        ),
        (
            "Accuracy: `und` is right only where the gold is `und`. Throughput: texts/s, one "
            "process, one thread, same run. `noise` = share of rows where all detectors agree on "
            "one non-gold language."
        ),
        "",
        "| bucket | n | target | " + " | ".join(names) + " | noise |",
        "|---|---|---|" + "---|" * len(names) + "---|",
    ]
    for bucket, data in b.items():
        target = TARGETS.get(bucket)
        cells = [fmt(data["detectors"][n]["accuracy"]) for n in names]
        lines.append(
            f"| {bucket} | {data['n']} | {'' if target is None else f'≥ {target:.2f}'} | "
            + " | ".join(cells)
            + f" | {fmt(data['noise'])} |"
        )
    for speed_set, rates in result["throughput"].items():
        lines.append(
            f"| texts/s, {speed_set} | {rates['n']} | | "
            + " | ".join(f"{rates[n]:,.0f}" for n in names)
            + " | |"
        )
    for bucket in ("short 1-2 words", "short 3-8 words", "dev 3+ words", "dev vi+ro no diacritics",
                   "corpus dev (brand-page comments)", "corpus dev, Arabizi and Finglish"):
        data = b.get(bucket)
        if not data:
            continue
        langs = sorted({lang for n in names for lang in data["detectors"][n]["per_lang"]})
        lines += [
            "",
            f"## {bucket}, per language",
            "",
            "| detector | " + " | ".join(langs) + " |",
            "|---|" + "---|" * len(langs),
        ]
        for n in names:
            per = data["detectors"][n]["per_lang"]
            lines.append(
                f"| {n} | "
                + " | ".join(fmt(per[lang]["accuracy"]) if lang in per else "-" for lang in langs)
                + " |"
            )
        noise = data["noise_per_lang"]
        lines.append("| noise | " + " | ".join(fmt(noise.get(lang)) for lang in langs) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Compare language detectors on short comments and the dev splits."
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=Path(os.environ.get("TRIAGE_DATA") or REPO_ROOT.parent / "shared" / "datasets"),
        help="shared datasets folder (default: $TRIAGE_DATA or ../shared/datasets)",
    )
    parser.add_argument(
        "--short",
        type=Path,
        default=REPO_ROOT / "benchmarks" / "data" / "langid_short.jsonl",
        help="hand-written short comments (JSONL with text, lang)",
    )
    parser.add_argument(
        "--model-dir",
        type=Path,
        default=REPO_ROOT / "models" / "triage-default" / "langid",
        help="folder with lid.176.ftz and second_opinion.ftz",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO_ROOT / "benchmarks" / "results" / "langid.json",
        help="JSON results; the markdown table goes next to it (.md)",
    )
    parser.add_argument(
        "--per-lang", type=int, default=300, help="dev rows sampled per language (default 300)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="timing runs of the fast detectors (best is kept)"
    )
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=["langdetect", "lingua"],
        help="leave out slow baselines (for quick iterations)",
    )
    args = parser.parse_args(argv)
    if not (args.data / "sentiment").is_dir():
        parser.error(f"no datasets at {args.data} (set --data or TRIAGE_DATA)")

    buckets = load_short(args.short)
    buckets.update(load_dev(args.data, args.per_lang))
    buckets.update(load_corpus_dev())

    detectors: dict[str, tuple[Detect, int]] = {
        "triage": (make_ours(args.model_dir), args.repeat),
        "triage, lid.176 only": (
            make_ours(args.model_dir, use_second_opinion=False),
            args.repeat,
        ),
        "lid.176 top-1": (make_lid176(args.model_dir), args.repeat),
    }
    if "langdetect" not in args.skip:
        detectors["langdetect"] = (make_langdetect(), 1)
    if "lingua" not in args.skip:
        detectors["lingua (14 langs)"] = (make_lingua(SUPPORTED_LANGUAGES), 1)
    names = list(detectors)

    warmup = [r.text for rows in buckets.values() for r in rows[::50]]
    for detect, _ in detectors.values():
        detect(warmup)

    speed_sets = {
        "short comments": [
            r.text for k in ("short 1-2 words", "short 3-8 words", "short und") for r in buckets[k]
        ],
        "dev sample": [r.text for r in buckets["dev 3+ words"]],
    }
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    load = os.getloadavg()
    throughput: dict[str, dict[str, float]] = {}
    for set_name, texts in speed_sets.items():
        throughput[set_name] = {"n": len(texts)}
        for name, (detect, repeat) in detectors.items():
            _, rate = timed(detect, texts, repeat)
            throughput[set_name][name] = rate
            print(f"{set_name}: {name} {rate:,.0f} texts/s", file=sys.stderr)  # noqa: T201

    results: dict[str, dict] = {}
    for bucket, rows in buckets.items():
        texts = [r.text for r in rows]
        preds = {name: detect(texts) for name, (detect, _) in detectors.items()}
        per_detector = {name: accuracy(rows, p) for name, p in preds.items()}
        noisy: Counter[str] = Counter()
        totals: Counter[str] = Counter()
        for i, row in enumerate(rows):
            totals[row.lang] += 1
            votes = {preds[name][i] for name in names}
            if len(votes) == 1 and (vote := votes.pop()) != row.lang and vote != UNDETERMINED:
                noisy[row.lang] += 1
        results[bucket] = {
            "n": len(rows),
            "detectors": per_detector,
            "noise": sum(noisy.values()) / len(rows) if rows else None,
            "noise_per_lang": {lang: noisy[lang] / totals[lang] for lang in sorted(totals)},
            "errors_triage": [
                {"text": r.text, "gold": r.lang, "pred": p}
                for r, p in zip(rows, preds["triage"], strict=True)
                if p != r.lang
            ][:200],
        }

    result = {
        "command": "python benchmarks/bench_langid.py"
        + (" " + " ".join(argv if argv is not None else sys.argv[1:])).rstrip(),
        "started": started,
        "load_average": [round(x, 2) for x in load],
        "machine": (
            f"{platform.python_implementation()} {platform.python_version()}, "
            f"{platform.machine()}, {os.cpu_count()} cores"
        ),
        "versions": {
            pkg: version(pkg)
            for pkg in ("fasttext-numpy2", "langdetect", "lingua-language-detector", "numpy")
        },
        "per_lang_sample": args.per_lang,
        "targets": TARGETS,
        "throughput": throughput,
        "buckets": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    table = markdown(result, names)
    args.out.with_suffix(".md").write_text(table, encoding="utf-8")
    print(table)  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
