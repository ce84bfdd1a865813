"""Accuracy on every dev split and single-core speed of both tiers, next to simple peers.

    python benchmarks/bench_pipeline.py                # accuracy + speed, writes benchmarks/results/
    python benchmarks/bench_pipeline.py --skip-accuracy
    python benchmarks/bench_pipeline.py --help

Peers, all measured in this run on the same rows:
* majority class of the dataset's own train split;
* plain TF-IDF + logistic regression (scikit-learn defaults, word unigrams) trained on the
  dataset's own train split (tweeteval has none: it borrows umsab_xlm-t's English train);
* VADER on the English sentiment sets;
* for speed: langdetect alone (seeded), on the same texts.

Speed, one core: the fast tier's batch ``score_batch``; featurize + every fast head (the compiled
featurizer's work, best of 3); the whole ``triage score`` process (start, model load, read, score,
write; as a second run of an installed triage: bytecode cached, the cue tables' cache made) on
--score-rows dev-like JSONL rows, timed next to langdetect alone in the same run, and
again on --score-rows-large rows (the steady state of a big batch file, where the process's start
and model load are spread thin).

The accurate tier is scored on at most --accurate-cap rows per dev set (it runs ~50 comments/s
per core); fast-tier figures on the same subset are printed beside it for a fair comparison.
Everything runs on one core (CPU affinity 0, one BLAS/OpenMP thread).
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
from collections import Counter
from pathlib import Path
from typing import Any

# One core, one thread, before numpy or the embedding engine start.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

import numpy as np  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from triage.pipeline.core import load_pipeline  # noqa: E402
from triage.training.data import (  # noqa: E402
    TASKS,
    data_root,
    dataset_names,
    read_examples,
    sample,
    seed_examples,
)
from triage.training.evaluate import binary_metrics, classification_metrics  # noqa: E402
from triage.types import Comment, Tag, Tier  # noqa: E402

POSITIVE = {"spam": "spam", "complaint": "complaint", "question": "question", "abuse": "abusive"}
LABELS = ("negative", "neutral", "positive")


def _headline(task: str, y: list[str], pred: list[str]) -> tuple[str, float]:
    if task == "sentiment":
        labels = sorted(set(y))
        if len(labels) == 2:
            return "accuracy", classification_metrics(y, pred, labels)["accuracy"]
        return "macro-F1", classification_metrics(y, pred, LABELS)["macro_f1"]
    pos = POSITIVE[task] if task in POSITIVE else task
    return "F1", binary_metrics([v == pos for v in y], [float(p == pos) for p in pred], 0.5)["f1"]


def _our_labels(task: str, results: list[Any], y: list[str]) -> list[str]:
    if task == "sentiment":  # the label users see; on a two-class set a neutral answer is wrong
        return [r.sentiment.label.value for r in results]
    tag = Tag(task)
    return [POSITIVE[task] if tag in r.tags.tags else "no" for r in results]


def _vader(texts: list[str]) -> list[str]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    sia = SentimentIntensityAnalyzer()
    out = []
    for t in texts:
        c = sia.polarity_scores(t)["compound"]
        out.append("positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral")
    return out


def accuracy(root: Path, pipe: Any, accurate_cap: int, out: dict[str, Any]) -> None:
    rows_out = []
    for task in TASKS:
        for name in dataset_names(root, task, "dev"):
            dev = list(read_examples(root, task, name, "dev"))
            train_name = name if (root / task / f"{name}.train.jsonl").exists() else "umsab_xlm-t"
            train = list(read_examples(root, task, train_name, "train"))
            if train_name != name:
                train = [e for e in train if e.lang == "en"]
            y = [e.label for e in dev]
            texts = [e.text for e in dev]
            row: dict[str, Any] = {"task": task, "dataset": name, "n": len(dev)}
            counts = Counter(e.label for e in train)  # ties (UMSAB's balanced classes) go to the first label by name
            majority = min(counts, key=lambda label: (-counts[label], label))
            row["metric"], row["majority"] = _headline(task, y, [majority] * len(y))
            vec = TfidfVectorizer()
            clf = LogisticRegression(max_iter=1000).fit(vec.fit_transform([e.text for e in train]), [e.label for e in train])
            row["tfidf_lr"] = _headline(task, y, list(clf.predict(vec.transform(texts))))[1]
            if task == "sentiment" and {e.lang for e in dev} & {"en"}:
                en = [i for i, e in enumerate(dev) if e.lang == "en"]
                ye = [y[i] for i in en]
                row["vader_en"] = _headline(task, ye, _vader([texts[i] for i in en]))[1]
                row["n_en"] = len(en)
            fast = pipe.score_batch([Comment(t) for t in texts], Tier.FAST)
            row["fast"] = _headline(task, y, _our_labels(task, fast, y))[1]
            sub = sample(dev, accurate_cap)
            idx = {e.id for e in sub}
            keep = [i for i, e in enumerate(dev) if e.id in idx]
            ys = [y[i] for i in keep]
            if "accurate" in {t.value for t in pipe.tiers}:
                acc = pipe.score_batch([Comment(texts[i]) for i in keep], Tier.ACCURATE)
                row["accurate"] = _headline(task, ys, _our_labels(task, acc, ys))[1]
            row["fast_on_accurate_rows"] = _headline(task, ys, _our_labels(task, [fast[i] for i in keep], ys))[1]
            row["n_accurate"] = len(keep)
            rows_out.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    # tags on brand-page comments in every language: the dev part of the team's corpus
    seeds = [s for s in seed_examples() if s.is_dev]
    train_seeds = [s for s in seed_examples() if not s.is_dev]
    res_fast = pipe.score_batch([Comment(s.text) for s in seeds], Tier.FAST)
    res_acc = pipe.score_batch([Comment(s.text) for s in seeds], Tier.ACCURATE) if len(pipe.tiers) > 1 else None
    for tag in Tag:
        y = [tag.value in s.tags for s in seeds]
        vec = TfidfVectorizer()
        clf = LogisticRegression(max_iter=1000).fit(
            vec.fit_transform([s.text for s in train_seeds]), [tag.value in s.tags for s in train_seeds]
        )
        row = {
            "task": f"{tag.value} (in-domain dev, 14 languages)", "dataset": "triage-domain", "n": len(seeds), "metric": "F1",
            "majority": 0.0,
            "tfidf_lr": binary_metrics(y, clf.predict(vec.transform([s.text for s in seeds])).astype(float), 0.5)["f1"],
            "fast": binary_metrics(y, [float(tag in r.tags.tags) for r in res_fast], 0.5)["f1"],
        }
        if res_acc is not None:
            row["accurate"] = binary_metrics(y, [float(tag in r.tags.tags) for r in res_acc], 0.5)["f1"]
        rows_out.append(row)
    out["accuracy"] = rows_out


def _featurize_and_heads(pipe: Any, texts: list[str]) -> dict[str, Any]:
    """Comments/s of the featurizer alone and with every fast head after it (best of 3): the
    heads as the pipeline scores them, one ``X @ W`` for all (``Pipeline.fast_heads``) plus the
    cue columns the urgency and abuse heads read (one token pass for both, ``_both_cues``);
    and, for comparison, head by head as before (one product per head, each cue set alone)."""
    from triage.pipeline.core import MAX_TEXT_CHARS, _both_cues, fast_tag_probs, urgency_features
    from triage.types import Tag
    from triage.pipeline.text import fold_reference, forget_folds, normalize, normalize_reference

    clean = [normalize(t[:MAX_TEXT_CHARS]) for t in texts]
    langs = ["en"] * len(clean)  # the specialists' rows cost the same whatever the language
    heads = [(name, head) for name, head in pipe.heads.items() if name.startswith("fast.")]
    fast = pipe.fast_heads()
    pipe.featurizer.transform(clean[:200])  # warm-up
    feat, total, by_head = [], [], []
    for _ in range(3):
        forget_folds()  # new texts each time, as in a real batch (the cues' fold is remembered)
        t = time.perf_counter()
        X = pipe.featurizer.transform(clean)
        t1 = time.perf_counter()
        cues = _both_cues(clean)
        fast.probabilities(X, langs, lambda: cues[0], lambda: cues[1])
        t2 = time.perf_counter()
        for name, head in heads:  # the old way: a product per head, each cue set on its own
            if name == "fast.abuse":
                fast_tag_probs(pipe.heads, Tag.ABUSE, X, clean)
            elif head.coef.shape[1] != X.shape[1]:
                head.predict_proba(urgency_features(X, clean))
            else:
                head.predict_proba(X)
        t3 = time.perf_counter()
        feat.append(t1 - t)
        total.append(t2 - t)
        by_head.append(t1 - t + t3 - t2)
    # the same features the way they were computed before the compiled featurizer (the tests'
    # reference: scikit-learn's vectorizers, the regex fold, Python cue features), same texts
    t = time.perf_counter()
    raw = [normalize_reference(x) for x in clean]
    pipe.featurizer.transform_reference(raw, [fold_reference(x) for x in raw])
    reference = time.perf_counter() - t
    return {
        "featurize_per_s": round(len(clean) / min(feat)),
        "featurize_and_heads_per_s": round(len(clean) / min(total)),
        "featurize_and_heads_one_by_one_per_s": round(len(clean) / min(by_head)),
        "fast_heads": len(heads),
        "featurize_scikit_learn_reference_per_s": round(len(clean) / reference),
    }


def dev_like_texts(root: Path) -> list[str]:
    """Every public dev text (all tasks), in a fixed shuffled order: the speed figures' input."""
    pool = [e.text for task in TASKS for name in dataset_names(root, task, "dev")
            for e in read_examples(root, task, name, "dev") if e.text.strip()]
    return [pool[i] for i in np.random.default_rng(1).permutation(len(pool))]


def _score_process(root: Path, model: Path | None, rows: int, key: str = "score_process",
                   extra_env: dict[str, str] | None = None) -> dict[str, Any]:
    """The whole ``triage score`` process on this core: ``rows`` dev texts in, JSONL out (the dev
    texts repeated when ``rows`` is more than there are: a repeat is thousands of rows away, far
    beyond a chunk's and the fold cache's reach, so it costs what a new text costs). ``extra_env``:
    variables set for both runs (``benchmarks/bench_load_cache.py`` sets ``TRIAGE_LOAD_CACHE``)."""
    pool = dev_like_texts(root)
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "comments.jsonl", Path(tmp) / "scored.jsonl"
        with src.open("w", encoding="utf-8") as fh:
            for i in range(rows):
                fh.write(json.dumps({"id": i, "text": pool[i % len(pool)]}, ensure_ascii=False) + "\n")
        cmd = [str(Path(sys.executable).with_name("triage")), "score", str(src), "-o", str(dst),
               "--workers", "1", "--progress", "off"]
        if model is not None:
            cmd += ["--model", str(model)]
        # as on an installed triage after its first run: bytecode written (PYTHONDONTWRITEBYTECODE,
        # set in some shells, would make every run compile triage's modules, ~0.09 s), the cue
        # tables' cache made (triage.pipeline.urgency_cues.load_cues) by an unmeasured one-row run
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        env.update(extra_env or {})
        first = Path(tmp) / "first.jsonl"
        first.write_text(json.dumps({"id": 0, "text": pool[0]}, ensure_ascii=False) + "\n", encoding="utf-8")
        subprocess.run([*cmd[:2], str(first), "-o", str(Path(tmp) / "first.out.jsonl"), *cmd[5:]],
                       check=True, stdout=subprocess.DEVNULL, env=env)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)  # inherits this process's one core
        seconds = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        mean_chars = float(np.mean([len(pool[i % len(pool)]) for i in range(rows)]))
    # CPU seconds as well as wall seconds: on a shared machine the process waits for the core
    return {f"{key}_rows": rows, f"{key}_mean_chars": round(mean_chars, 1),
            f"{key}_seconds": round(seconds, 1), f"{key}_per_s": round(rows / seconds),
            f"{key}_per_cpu_s": round(rows / cpu)}


def speed(root: Path, pipe: Any, out: dict[str, Any], model: Path | None = None, score_rows: int = 20_000,
          score_rows_large: int = 200_000) -> None:
    from langdetect import DetectorFactory, detect

    from triage.pipeline.text import forget_folds

    DetectorFactory.seed = 0
    texts = [e.text for task in TASKS for name in dataset_names(root, task, "dev")
             for e in sample(list(read_examples(root, task, name, "dev")), 250)]
    rng = np.random.default_rng(0)
    texts = [texts[i] for i in rng.permutation(len(texts))[:5000]]
    comments = [Comment(t) for t in texts]
    res: dict[str, Any] = {"texts": len(texts), "mean_chars": round(float(np.mean([len(t) for t in texts])), 1)}
    pipe.score_batch(comments[:200], Tier.FAST)  # warm-up
    forget_folds()  # every timing below folds its texts afresh, as new comments would be
    t = time.perf_counter()
    pipe.score_batch(comments, Tier.FAST)
    res["fast_batch_per_s"] = round(len(comments) / (time.perf_counter() - t))
    # Social comments are shorter than the dev mix (many dev rows are long reviews): the seed
    # comments, written like real page comments, average ~50 characters.
    short = [Comment(s.text) for s in seed_examples()]
    t = time.perf_counter()
    pipe.score_batch(short, Tier.FAST)
    res["fast_batch_per_s_short_comments"] = round(len(short) / (time.perf_counter() - t))
    res["short_comments_mean_chars"] = round(float(np.mean([len(c.text) for c in short])), 1)
    lat = []
    forget_folds()
    for c in comments[:300]:
        t = time.perf_counter()
        pipe.score_batch([c], Tier.FAST)
        lat.append((time.perf_counter() - t) * 1000)
    res["fast_single_ms_p50"] = round(statistics.median(lat), 2)
    res["fast_single_ms_p95"] = round(float(np.percentile(lat, 95)), 2)
    if len(pipe.tiers) > 1:
        sub = comments[:400]
        pipe.score_batch(sub[:20], Tier.ACCURATE)  # loads the embedding model
        t = time.perf_counter()
        pipe.score_batch(sub, Tier.ACCURATE)
        res["accurate_batch_per_s"] = round(len(sub) / (time.perf_counter() - t), 1)
        lat = []
        for c in sub[:100]:
            t = time.perf_counter()
            pipe.score_batch([c], Tier.ACCURATE)
            lat.append((time.perf_counter() - t) * 1000)
        res["accurate_single_ms_p50"] = round(statistics.median(lat), 1)
        res["accurate_single_ms_p95"] = round(float(np.percentile(lat, 95)), 1)
    t, cpu = time.perf_counter(), time.process_time()
    for text in texts[:2000]:
        try:
            detect(text)
        except Exception:  # noqa: BLE001 - langdetect raises on texts without features
            pass
    res["langdetect_alone_per_s"] = round(2000 / (time.perf_counter() - t))
    res["langdetect_alone_per_cpu_s"] = round(2000 / (time.process_time() - cpu))
    res.update(_featurize_and_heads(pipe, texts))
    if score_rows:
        res.update(_score_process(root, model, score_rows))
        res["score_process_vs_langdetect"] = round(res["score_process_per_s"] / res["langdetect_alone_per_s"], 1)
        res["score_process_vs_langdetect_cpu"] = round(
            res["score_process_per_cpu_s"] / res["langdetect_alone_per_cpu_s"], 1)
    if score_rows_large:  # steady state for big batch files: the process's fixed ~0.7 s spread thin
        key = "score_process_large"
        res.update(_score_process(root, model, score_rows_large, key))
        res[f"{key}_vs_langdetect"] = round(res[f"{key}_per_s"] / res["langdetect_alone_per_s"], 1)
        res[f"{key}_vs_langdetect_cpu"] = round(res[f"{key}_per_cpu_s"] / res["langdetect_alone_per_cpu_s"], 1)
    res["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    res["load_average_after_speed"] = [round(x, 2) for x in os.getloadavg()]
    out["speed"] = res


def markdown(out: dict[str, Any]) -> str:
    lines = [f"Model `{out['model']}`, {out.get('date', '')}."]
    if "accuracy" not in out:
        lines.append("Accuracy: not measured in this run (`--skip-accuracy`); "
                     "`python benchmarks/bench_pipeline.py --skip-speed --out benchmarks/results/accuracy`.")
    if "speed" not in out:
        lines.append("Speed: not measured in this run (`--skip-speed`).")
    lines.append("")
    if "accuracy" in out:
        lines += ["| task | dev set | n | metric | majority | TF-IDF+LR | VADER (en rows) | triage fast | triage accurate (n) |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for r in out["accuracy"]:
            vader = f"{r['vader_en']:.3f} ({r['n_en']})" if "vader_en" in r else "–"
            acc = f"{r['accurate']:.3f} ({r.get('n_accurate', r['n'])})" if "accurate" in r else "–"
            lines.append(f"| {r['task']} | {r['dataset']} | {r['n']} | {r['metric']} | {r['majority']:.3f} | "
                         f"{r['tfidf_lr']:.3f} | {vader} | **{r['fast']:.3f}** | {acc} |")
    if "speed" in out:
        s = out["speed"]
        lines += ["", "| one core | figure |", "|---|---|"] + [f"| {k} | {v} |" for k, v in s.items()]
    if "load_seconds" in out:
        lines.append(f"| model load (s) | {out['load_seconds']} |")
        lines.append(f"| load average at start (2 cores) | {out['load_average_at_start']} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="labelled datasets (default: $TRIAGE_DATA or ../shared/datasets)")
    parser.add_argument("--model", type=Path, help="model directory (default: the shipped one)")
    parser.add_argument("--accurate-cap", type=int, default=400, help="dev rows per set for the accurate tier")
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--score-rows", type=int, default=20_000,
                        help="rows of the timed `triage score` run (0: skip it)")
    parser.add_argument("--score-rows-large", type=int, default=200_000,
                        help="rows of a second, longer `triage score` run: steady-state throughput (0: skip it)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "pipeline")
    args = parser.parse_args()
    root = data_root(args.data)
    t = time.perf_counter()
    pipe = load_pipeline(args.model)
    out: dict[str, Any] = {
        "model": pipe.name,
        "load_seconds": round(time.perf_counter() - t, 2),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    if not args.skip_speed:
        speed(root, pipe, out, args.model, args.score_rows, args.score_rows_large)
    if not args.skip_accuracy:
        accuracy(root, pipe, args.accurate_cap, out)
    previous = args.out.with_suffix(".json")
    if previous.exists():  # a partial run (--skip-*) keeps the other half of the last full run ...
        last = json.loads(previous.read_text(encoding="utf-8"))
        if last.get("model") == out["model"]:  # ... if it measured the same model
            for key, value in last.items():
                out.setdefault(key, value)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(out, indent=1), encoding="utf-8")
    md = markdown(out)
    args.out.with_suffix(".md").write_text(md, encoding="utf-8")
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
