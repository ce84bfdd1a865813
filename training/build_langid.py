"""Build the second-opinion language-ID model, ``models/triage-default/langid/second_opinion.ftz``.

A small fastText char-n-gram classifier over the 14 languages of the shared datasets, trained
on their train splits (``$TRIAGE_DATA``, default ``../shared/datasets``):

* texts go through the detector's own view (:func:`triage.pipeline.langid.prepare`);
* rows whose label lid.176 contradicts with confidence >= 0.8 are dropped (English tweets in
  the Hindi and German sets, for instance), except Arabic/Persian disagreements, where lid.176
  is the one that is wrong (Persian typed with the Arabic yeh);
* at most ``--cap`` rows per language; Vietnamese and Romanian also get a diacritic-stripped
  copy of every row; small languages are repeated up to ``--min-rows``;
* ``--windows`` random 1-3 word windows of every row are added, so that short comments are seen
  too (6 windows instead of 1 raised the detector's accuracy on 1-2 word comments from about
  0.90 to 0.93 over three seeds, before the combination was tuned);
* Arabic and Persian written in Latin letters (Arabizi, Finglish) are labelled ``ar`` and ``fa``
  too: the corpus's own such train rows (``datasets/domain``, train part only; each seen
  ``--romanized-repeat`` times, with windows) and ``--romanized`` public Arabic-script train rows
  per language spelled in Latin letters by :func:`triage.training.romanize.romanize` (public
  sets hold almost no romanized text);
* trained with one thread and a fixed seed (deterministic), then quantized (``--cutoff``).

    python training/build_langid.py            # rebuild the shipped file (about 1 min, 1 core)
    python training/build_langid.py --help

Prints the model size, its sha256 and the model's own dev accuracy per language (comments of 3+
words, up to 300 per language). The detector as a whole is measured by
``benchmarks/bench_langid.py``.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import multiprocessing
import random
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from triage.pipeline.langid import (
    LID_MODEL_FILE,
    SECOND_OPINION_FILE,
    dominant_script,
    prepare,
    strip_diacritics,
)
from triage.pipeline.text import normalize
from triage.training.data import TASKS, data_root, dataset_names, read_examples
from triage.training.domain import read_rows, split_of
from triage.training.romanize import ROMANIZED_LANGS, romanize

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "models" / "triage-default" / "langid" / SECOND_OPINION_FILE
STRIPPED_COPY = ("vi", "ro")


def load_split(root: Path, split: str) -> dict[str, list[tuple[str, str]]]:
    """``lang -> [(id, prepared text)]`` over the files of a split (empty texts skipped)."""
    rows: dict[str, list[tuple[str, str]]] = collections.defaultdict(list)
    for task in TASKS:
        for name in dataset_names(root, task, split):
            for ex in read_examples(root, task, name, split):
                text = prepare(normalize(ex.text))
                if text:
                    rows[ex.lang].append((ex.id, text))
    return rows


def word_windows(texts: list[str], n_windows: int, rng: random.Random) -> list[str]:
    """``n_windows`` random 1-3 word windows of each text of two words or more, so that short
    comments are seen too (the random draws in text order: the same seed, the same lines)."""
    out: list[str] = []
    for text in texts:
        words = text.split()
        for _ in range(n_windows if len(words) >= 2 else 0):
            n = rng.randint(1, min(3, len(words) - 1))
            start = rng.randrange(len(words) - n + 1)
            out.append(" ".join(words[start : start + n]))
    return out


def build_training_lines(
    rows: dict[str, list[tuple[str, str]]],
    lid: object,
    *,
    cap: int,
    min_rows: int,
    clean_threshold: float,
    seed: int,
    n_windows: int = 1,
) -> tuple[list[str], dict[str, dict[str, int]]]:
    """fastText training lines (``__label__xx text``) and per-language counts for the log."""
    rng = random.Random(seed)
    lines: list[str] = []
    stats: dict[str, dict[str, int]] = {}
    for lang in sorted(rows):
        texts = sorted({text for _, text in rows[lang]})
        rng.shuffle(texts)
        texts = texts[:cap]
        kept = texts
        if clean_threshold < 1.0:
            labels, probs = lid.predict(texts, k=1)  # type: ignore[attr-defined]
            kept = []
            for text, label, prob in zip(texts, labels, probs, strict=True):
                top = label[0].removeprefix("__label__")
                if (
                    top != lang
                    and top in rows
                    and {top, lang} != {"ar", "fa"}
                    and float(prob[0]) >= clean_threshold
                ):
                    continue
                kept.append(text)
        items = list(kept)
        if lang in STRIPPED_COPY:
            seen = set(kept)
            items += [s for s in (strip_diacritics(t) for t in kept) if s not in seen]
        base = list(items)
        while base and len(items) < min_rows:
            items += base
        items = items[: max(min_rows, len(base))]
        made = word_windows(base, n_windows, rng)
        items += made
        windows = len(made)
        lines += [f"__label__{lang} {text}" for text in items]
        stats[lang] = {
            "rows": len(rows[lang]),
            "kept": len(kept),
            "lines": len(items),
            "windows": windows,
        }
    rng.shuffle(lines)
    return lines, stats


def romanized_lines(
    public: dict[str, list[tuple[str, str]]],
    corpus: dict[str, list[str]],
    *,
    per_lang: int,
    repeat: int,
    seed: int,
    n_windows: int,
) -> tuple[list[str], dict[str, dict[str, int]]]:
    """Training lines for Arabic and Persian in Latin letters: ``corpus`` (lang -> the corpus's
    romanized train texts, prepared) ``repeat`` times each, and ``per_lang`` public Arabic-script
    rows of ``public`` (as :func:`load_split` gives them) romanized; each with ``n_windows``
    random 1-3 word windows, like the other lines."""
    rng = random.Random(seed + 7)
    lines: list[str] = []
    stats: dict[str, dict[str, int]] = {}
    for lang in ROMANIZED_LANGS:
        texts = sorted({text for _, text in public.get(lang, [])})
        rng.shuffle(texts)
        made = [prepare(normalize(romanize(t, lang, rng))) for t in texts[:per_lang]]
        made = [t for t in made if t and dominant_script(t) == "Latin"]
        own = corpus.get(lang, [])
        base = made + own * repeat
        items = base + word_windows(base, n_windows, rng)
        lines += [f"__label__{lang} {text}" for text in items]
        stats[lang] = {"romanized": len(made), "corpus": len(own), "lines": len(items)}
    return lines, stats


def corpus_romanized(directory: Path | None = None) -> dict[str, list[str]]:
    """The corpus's train rows in Arabic or Persian whose prepared text is in Latin letters."""
    out: dict[str, list[str]] = collections.defaultdict(list)
    for _, _, row in read_rows(directory):
        if row["lang"] in ROMANIZED_LANGS and split_of(row["text"]) == "train":
            text = prepare(normalize(row["text"]))
            if text and dominant_script(text) == "Latin":
                out[row["lang"]].append(text)
    return dict(out)


def train_and_save(train_file: str, out: str, params: dict[str, object], cutoff: int) -> None:
    """Train, quantize (``cutoff`` rows, qnorm) and save the model; run in a fresh process."""
    import fasttext  # noqa: PLC0415

    model = fasttext.train_supervised(train_file, **params)
    model.quantize(
        input=train_file,
        retrain=False,
        qnorm=True,
        cutoff=cutoff,
        thread=params["thread"],
        verbose=0,
    )
    model.save_model(out)


def dev_accuracy(
    model: object, rows: dict[str, list[tuple[str, str]]], per_lang: int
) -> dict[str, float]:
    """The model's own top-1 accuracy on dev comments of 3+ words (deterministic sample)."""
    out: dict[str, float] = {}
    for lang in sorted(rows):
        ranked = sorted(rows[lang], key=lambda r: hashlib.sha1(r[0].encode("utf-8")).hexdigest())
        texts = [text for _, text in ranked if len(text.split()) >= 3][:per_lang]
        if not texts:
            continue
        labels, _ = model.predict(texts, k=1)  # type: ignore[attr-defined]
        out[lang] = sum(label[0] == f"__label__{lang}" for label in labels) / len(texts)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Build the second-opinion language-ID model (fastText .ftz) "
        "from the shared datasets.",
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="datasets folder (default: $TRIAGE_DATA or ../shared/datasets)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"output .ftz (default: {DEFAULT_OUT.relative_to(REPO_ROOT)})",
    )
    parser.add_argument(
        "--lid",
        type=Path,
        default=DEFAULT_OUT.parent / LID_MODEL_FILE,
        help="lid.176.ftz, used to drop mislabelled rows",
    )
    parser.add_argument(
        "--cap", type=int, default=8000, help="max training rows per language (default 8000)"
    )
    parser.add_argument(
        "--min-rows",
        type=int,
        default=4000,
        help="repeat small languages up to this many lines (default 4000)",
    )
    parser.add_argument(
        "--clean-threshold",
        type=float,
        default=0.8,
        help="drop rows lid.176 assigns to another language with at least this "
        "probability; 1 disables (default 0.8)",
    )
    parser.add_argument(
        "--windows", type=int, default=6, help="random 1-3 word windows added per row (default 6)"
    )
    parser.add_argument(
        "--romanized", type=int, default=4000,
        help="public Arabic-script train rows per language (ar, fa) spelled in Latin letters "
        "(default 4000; 0: none)",
    )
    parser.add_argument(
        "--romanized-repeat", type=int, default=4,
        help="times each of the corpus's own Arabizi and Finglish train rows is seen (default 4; 0: none)",
    )
    parser.add_argument("--dim", type=int, default=16)
    parser.add_argument("--minn", type=int, default=2)
    parser.add_argument("--maxn", type=int, default=4)
    parser.add_argument("--epoch", type=int, default=10)
    parser.add_argument("--lr", type=float, default=0.25)
    parser.add_argument(
        "--bucket", type=int, default=200_000, help="hash buckets for char n-grams (default 200000)"
    )
    parser.add_argument(
        "--cutoff", type=int, default=50_000, help="rows kept by quantization (default 50000)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)

    import fasttext  # noqa: PLC0415

    started = time.perf_counter()
    root = data_root(args.data)
    train_rows = load_split(root, "train")
    lid = fasttext.load_model(str(args.lid))
    lines, stats = build_training_lines(
        train_rows,
        lid,
        cap=args.cap,
        min_rows=args.min_rows,
        clean_threshold=args.clean_threshold,
        seed=args.seed,
        n_windows=args.windows,
    )
    del lid
    extra, extra_stats = romanized_lines(
        train_rows, corpus_romanized() if args.romanized_repeat else {},
        per_lang=args.romanized, repeat=args.romanized_repeat, seed=args.seed, n_windows=args.windows,
    )
    if extra:  # without romanized lines the file is the one the build made before them
        lines += extra
        random.Random(args.seed).shuffle(lines)
    for lang, st in extra_stats.items():
        print(  # noqa: T201
            f"{lang} in Latin letters: {st['romanized']} romanized public rows, "
            f"{st['corpus']} corpus train rows x {args.romanized_repeat}, {st['lines']} lines"
        )
    for lang, st in stats.items():
        print(  # noqa: T201
            f"{lang}: {st['rows']} train rows, {st['kept']} kept, "
            f"{st['lines']} lines (+{st['windows']} windows)"
        )
    params = {
        "dim": args.dim,
        "minn": args.minn,
        "maxn": args.maxn,
        "wordNgrams": 1,
        "epoch": args.epoch,
        "lr": args.lr,
        "bucket": args.bucket,
        "loss": "softmax",
        "thread": args.threads,
        "seed": args.seed,
        "verbose": 0,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        train_file = Path(tmp) / "train.txt"
        train_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        # Train in a fresh process: in a process where another fastText model has predicted,
        # fasttext-numpy2 0.10.4 training can fail with "Encountered NaN" (seen reproducibly here).
        with ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn")
        ) as pool:
            pool.submit(
                train_and_save, str(train_file), str(args.out), params, args.cutoff
            ).result()
    model = fasttext.load_model(str(args.out))
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    seconds = time.perf_counter() - started
    print(  # noqa: T201
        f"wrote {args.out} ({args.out.stat().st_size:,} bytes, sha256 {digest}) in {seconds:.1f} s"
    )

    dev = dev_accuracy(model, load_split(root, "dev"), per_lang=300)
    print(  # noqa: T201
        "second opinion alone, dev comments of 3+ words: "
        + ", ".join(f"{lang} {acc:.3f}" for lang, acc in dev.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
